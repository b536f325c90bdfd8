import { type App, Chart, Testing } from 'cdk8s';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];

// Registered when a test file first imports this module (at collection time): every directory made in the file
// is removed once its tests are done, so runs leave nothing in the OS temp directory.
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty directory under the OS temp directory whose name starts with `prefix`, removed after the file. */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A cdk8s test app whose output directory is a scratch directory (Testing.app makes one per app and keeps it). */
export function testApp(): App {
  return Testing.app({ outdir: scratchDir('apsaramq-keda-cdk8s-') });
}

/** A chart in a `testApp()`, as Testing.chart() but without its leftover directory. */
export function testChart(): Chart {
  return new Chart(testApp(), 'test');
}
