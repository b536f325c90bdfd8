/**
 * Builds loopback-bind.c (an LD_PRELOAD shim that turns a wildcard bind() into a loopback one) with the C
 * compiler into the cache, keyed by the source's hash; later runs reuse it.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from './cache';

const SOURCE = path.join(__dirname, 'loopback-bind.c');

/** What the shim writes to stderr for each bind it moved to loopback. */
const REWRITE_LINE = /^loopback-bind: pid \d+: (?:0\.0\.0\.0|\[::\]):(\d+) -> /gm;

/** The path of the built shim (for LD_PRELOAD), compiled on first use. */
export function loopbackBindLibrary(): string {
  const key = crypto.createHash('sha256').update(fs.readFileSync(SOURCE)).digest('hex').slice(0, 12);
  const dir = path.join(cacheDir(), 'loopback-bind');
  const library = path.join(dir, `libloopbackbind-${key}.so`);
  if (fs.existsSync(library)) return library;
  fs.mkdirSync(dir, { recursive: true });
  // Built beside, then renamed: two jest workers may build at once, and neither sees half a file.
  const partial = `${library}.${process.pid}.partial`;
  const result = spawnSync(
    'cc',
    ['-shared', '-fPIC', '-O2', '-Wall', '-Werror', '-o', partial, SOURCE, '-ldl'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (result.status !== 0) {
    fs.rmSync(partial, { force: true });
    throw new Error(
      `cc could not build ${SOURCE} (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  fs.renameSync(partial, library);
  return library;
}

/** The ports the shim moved from the wildcard address to loopback, as reported in a process's output. */
export function rewrittenPorts(output: string): number[] {
  return [...output.matchAll(REWRITE_LINE)].map((m) => Number(m[1])).sort((a, b) => a - b);
}
