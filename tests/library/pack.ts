/**
 * Packs the library as `npm pack` does and installs the tarball into a scratch project outside the repository,
 * without the network: the scratch project's lock file is cut from ours (the same versions, the same integrity
 * hashes), so `npm ci --offline` takes every package from the npm cache that `npm ci` filled.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** One package of a lock file (`packages[<path>]`), as npm writes it. */
export interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  readonly [key: string]: unknown;
}

export interface Lock {
  readonly name?: string;
  readonly lockfileVersion: number;
  readonly requires?: boolean;
  readonly packages: Record<string, LockEntry>;
}

/** What `npm pack --json` reports of one tarball. */
export interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly integrity: string;
  readonly files: readonly { readonly path: string; readonly size: number }[];
}

/** `npm pack` (its `prepack` builds lib/) into `destination`; returns what npm reports. */
export function pack(destination: string): PackResult {
  const out = execFileSync(NPM, ['pack', '--json', '--pack-destination', destination], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // npm prints the prepack script's output before the JSON.
  const results = JSON.parse(out.slice(out.indexOf('\n[') + 1)) as PackResult[];
  if (results.length !== 1) throw new Error(`npm pack reported ${results.length} tarballs`);
  return results[0];
}

/**
 * Where Node.js finds `name` from the package at `from` (a lock path such as `node_modules/a/node_modules/b`):
 * its own node_modules, then each enclosing one, then the top level.
 */
export function locate(packages: Lock['packages'], from: string, name: string): string | undefined {
  for (let dir = from; ;) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (candidate in packages) return candidate;
    if (dir === '') return undefined;
    const at = dir.lastIndexOf('/node_modules/');
    dir = at < 0 ? '' : dir.slice(0, at);
  }
}

/**
 * The lock file of a project that depends on `roots` (name → version), cut from `lock`: every package the
 * roots need, transitively, at the path and version `lock` has it, with the dev/peer flags of our project
 * dropped. `extra` entries (the tarball) are added as given and their dependencies followed too.
 */
export function subsetLock(
  lock: Lock,
  name: string,
  roots: Record<string, string>,
  extra: Record<string, LockEntry>,
): Lock {
  const packages: Record<string, LockEntry> = { ...lock.packages, ...extra };
  const keep = new Map<string, LockEntry>();
  const queue: string[] = [];
  const need = (from: string, dep: string, optional: boolean): void => {
    const found = locate(packages, from, dep);
    if (found === undefined) {
      if (optional) return;
      throw new Error(`${from || 'the scratch project'} needs ${dep}, which package-lock.json does not have`);
    }
    if (!keep.has(found)) {
      keep.set(found, packages[found]);
      queue.push(found);
    }
  };
  for (const dep of Object.keys(roots)) need('', dep, false);
  while (queue.length > 0) {
    const at = queue.shift() as string;
    const entry = packages[at];
    for (const dep of Object.keys(entry.dependencies ?? {})) need(at, dep, false);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) need(at, dep, true);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) {
      need(at, dep, entry.peerDependenciesMeta?.[dep]?.optional === true);
    }
  }
  const cleaned = [...keep.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([at, entry]) => {
      const copy: LockEntry & Record<string, unknown> = { ...entry };
      delete copy.dev;
      delete copy.devOptional;
      delete copy.peer;
      return [at, copy] as const;
    });
  return {
    name,
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name, version: '1.0.0', dependencies: roots }, ...Object.fromEntries(cleaned) },
  };
}

export interface Scratch {
  readonly dir: string;
  readonly tarball: PackResult;
  /** Seconds `npm pack` and `npm ci` took. */
  readonly packSeconds: number;
  readonly installSeconds: number;
}

/**
 * Packs the library into a fresh directory under os.tmpdir() and installs it there, with `peers` (name →
 * exact version), into `<dir>/app`. The caller removes `dir`.
 */
export function packAndInstall(peers: Record<string, string>): Scratch {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-library-'));
  const started = process.hrtime.bigint();
  const tarball = pack(dir);
  const packed = process.hrtime.bigint();

  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as Lock;
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as LockEntry & {
    name: string;
    version: string;
  };
  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  const spec = `file:../${tarball.filename}`;
  const roots = { ...peers, [manifest.name]: spec };
  const tarballEntry: LockEntry = {
    version: manifest.version,
    resolved: spec,
    integrity: tarball.integrity,
    license: manifest.license,
    dependencies: manifest.dependencies,
    peerDependencies: manifest.peerDependencies,
    peerDependenciesMeta: manifest.peerDependenciesMeta,
    engines: manifest.engines,
  };
  const scratchLock = subsetLock(lock, 'scratch', roots, {
    [`node_modules/${manifest.name}`]: tarballEntry,
  });
  fs.writeFileSync(
    path.join(app, 'package.json'),
    `${JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, dependencies: roots }, null, 2)}\n`,
  );
  fs.writeFileSync(path.join(app, 'package-lock.json'), `${JSON.stringify(scratchLock, null, 2)}\n`);
  execFileSync(NPM, ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: app,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const installed = process.hrtime.bigint();
  return {
    dir,
    tarball,
    packSeconds: Number(packed - started) / 1e9,
    installSeconds: Number(installed - packed) / 1e9,
  };
}
