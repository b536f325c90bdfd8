/**
 * How the tests run a CLI the way package.json's script does: node with infra/launch/launch.cjs and the entry, so
 * from its bundle (built first when stale) rather than through tsx.
 */
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** The program and leading arguments of `npm run <script>` for the entry, e.g. `infra/plan/cli.ts`. */
export function launched(entry: string): [string, string[]] {
  return [process.execPath, [path.join(ROOT, 'infra', 'launch', 'launch.cjs'), path.join(ROOT, entry)]];
}
