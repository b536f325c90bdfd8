import * as os from 'node:os';
import * as path from 'node:path';

/** Where the harnesses keep downloads and builds, outside the repo: $APSARAMQ_KEDA_CACHE or ~/.cache/apsaramq-keda. */
export function cacheDir(): string {
  return process.env.APSARAMQ_KEDA_CACHE ?? path.join(os.homedir(), '.cache', 'apsaramq-keda');
}
