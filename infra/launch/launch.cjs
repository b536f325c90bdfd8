// @ts-check
/**
 * `node infra/launch/launch.cjs <entry.ts> [args...]`: runs a TypeScript program of the repository from one
 * JavaScript bundle (esbuild) instead of compiling its modules at every start (tsx) — package.json's synth, plan
 * and bench scripts and cdk8s.yaml's app. The bundle is kept under node_modules/.cache/apsaramq-keda-launch/,
 * per checkout, beside a stamp of every file it was built from, and runs only while each of them is unchanged
 * (the repository's files by content, installed packages by size and mtime, this file by content); otherwise it
 * is rebuilt first. A fresh clone builds it at its first run; a stale bundle never runs.
 *
 * Plain CommonJS on node's own modules, esbuild loaded only to build: it runs before any TypeScript can.
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
/**
 * Packages left to node's own loader: jsonc-parser is UMD (requires esbuild cannot follow). Every other package
 * is bundled, so no package (and no class of it) is loaded twice; vega and vega-lite, ESM-only, become lazily
 * initialised parts of the bundle at their import(), so the bundle has no import() node must run and keeps the
 * V8 code cache.
 */
const EXTERNAL = ['jsonc-parser'];

/** @param {string | Buffer} data */
const sha1 = (data) => crypto.createHash('sha1').update(data).digest('hex');

/** This file's content: a change to it (the bundle's options) rebuilds every bundle. */
const LAUNCHER = sha1(fs.readFileSync(__filename));

/** @param {string} file */
const isPackageFile = (file) => file.split(/[\\/]/).includes('node_modules');

/**
 * What a bundle was built from. `own`: the repository's files and their sha1; `packages`: installed files,
 * whose size and mtime npm changes with every install.
 * @typedef {{ launcher: string, entry: string, bundle: string, dynamicImport: boolean,
 *   own: [string, string][], packages: [string, number, number][] }} Stamp
 */

/** @param {string} file absolute */
function ownHash(file) {
  try {
    return sha1(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

/**
 * Whether the bundle of `stamp` was built by this launcher for `entry` from the files as they are now.
 * @param {Stamp | undefined} stamp
 * @param {string} entry relative to ROOT
 * @param {string} dir the cache directory
 */
function isFresh(stamp, entry, dir) {
  if (stamp === undefined || stamp.launcher !== LAUNCHER || stamp.entry !== entry) return false;
  if (!fs.existsSync(path.join(dir, stamp.bundle))) return false;
  for (const [file, hash] of stamp.own) if (ownHash(path.resolve(ROOT, file)) !== hash) return false;
  for (const [file, size, mtimeMs] of stamp.packages) {
    const stat = fs.statSync(path.resolve(ROOT, file), { throwIfNoEntry: false });
    if (stat === undefined || stat.size !== size || stat.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

/** @param {string} file @param {string | Uint8Array} data */
function writeAtomically(file, data) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, data);
  fs.renameSync(temporary, file);
}

/**
 * Bundles `entry` as CommonJS for node 20 into `dir`, named by its content, and returns its stamp. A module that
 * reads `__dirname` or `__filename` is given its own source location, as under tsx, not the bundle's.
 * @param {string} entry relative to ROOT
 * @param {string} dir the cache directory
 * @param {string} name the bundle's base name
 * @returns {Promise<Stamp>}
 */
async function build(entry, dir, name) {
  /** @type {import('esbuild')} */
  const esbuild = require('esbuild');
  /** @type {import('esbuild').Plugin} */
  const sourceLocation = {
    name: 'source-location',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (isPackageFile(args.path)) return undefined;
        const source = fs.readFileSync(args.path, 'utf8');
        if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
        const header =
          `const __dirname = ${JSON.stringify(path.dirname(args.path))};\n` +
          `const __filename = ${JSON.stringify(args.path)};\n`;
        return { contents: header + source, loader: 'ts' };
      });
    },
  };
  /**
   * vega-canvas's node build awaits import('canvas') at its top level, which a CommonJS bundle cannot hold; its
   * browser build is the same code less that branch. Without the optional `canvas` package (not a dependency)
   * both return no canvas, and vega then estimates text widths: the chart never depends on what else is installed.
   * @type {import('esbuild').Plugin}
   */
  const noNodeCanvas = {
    name: 'no-node-canvas',
    setup(b) {
      // The copy node would resolve from the importer (its package.json exports no other file).
      b.onResolve({ filter: /^vega-canvas$/ }, (args) => {
        for (let dir = args.resolveDir; ; dir = path.dirname(dir)) {
          const file = path.join(dir, 'node_modules', 'vega-canvas', 'build', 'vega-canvas.browser.js');
          if (fs.existsSync(file)) return { path: file };
          if (path.dirname(dir) === dir) return undefined;
        }
      });
    },
  };
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL,
    sourcemap: 'external',
    write: false,
    outfile: path.join(dir, `${name}.cjs`),
    metafile: true,
    logLevel: 'error',
    plugins: [sourceLocation, noNodeCanvas],
  });
  const code = result.outputFiles.find((f) => f.path.endsWith('.cjs'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (code === undefined || map === undefined) throw new Error(`esbuild wrote no bundle for ${entry}`);
  const bundle = `${name}-${sha1(code.contents).slice(0, 16)}.cjs`;
  writeAtomically(path.join(dir, `${bundle}.map`), map.contents);
  // The map is named after the content-addressed bundle, so a reader with DEBUG gets this build's lines.
  writeAtomically(
    path.join(dir, bundle),
    `${code.text.replace(/\/\/# sourceMappingURL=.*\n?$/, '')}//# sourceMappingURL=${bundle}.map\n`,
  );
  /** @type {Stamp} */
  const stamp = {
    launcher: LAUNCHER,
    entry,
    bundle,
    // An import() left to node (an external ES module) needs node's own loader to run the bundle.
    dynamicImport: Object.values(result.metafile.inputs).some((input) =>
      input.imports.some((i) => i.kind === 'dynamic-import' && i.external === true),
    ),
    own: [],
    packages: [],
  };
  // esbuild reads tsconfig.json for its compiler options; the metafile lists every module it bundled.
  const inputs = ['tsconfig.json', ...Object.keys(result.metafile.inputs)];
  for (const input of [...new Set(inputs)].sort()) {
    const file = path.resolve(ROOT, input);
    const relative = path.relative(ROOT, file);
    if (isPackageFile(relative)) {
      const stat = fs.statSync(file);
      stamp.packages.push([relative, stat.size, stat.mtimeMs]);
    } else {
      stamp.own.push([relative, /** @type {string} */ (ownHash(file))]);
    }
  }
  // esbuild itself: a new release may bundle differently.
  const esbuildManifest = require.resolve('esbuild/package.json');
  const esbuildStat = fs.statSync(esbuildManifest);
  stamp.packages.push([path.relative(ROOT, esbuildManifest), esbuildStat.size, esbuildStat.mtimeMs]);
  return stamp;
}

/** Removes this entry's earlier bundles once they are an hour old (a run that read its stamp has long loaded it). */
function prune(/** @type {string} */ dir, /** @type {string} */ name, /** @type {string} */ keep) {
  const hourAgo = Date.now() - 3600_000;
  for (const file of fs.readdirSync(dir)) {
    if (!file.startsWith(`${name}-`) || file.startsWith(keep)) continue;
    const stat = fs.statSync(path.join(dir, file), { throwIfNoEntry: false });
    if (stat !== undefined && stat.mtimeMs < hourAgo) fs.rmSync(path.join(dir, file), { force: true });
  }
}

/** The cache directory of this checkout. */
function cacheDir() {
  const key = sha1(fs.realpathSync(ROOT)).slice(0, 12);
  return path.join(ROOT, 'node_modules', '.cache', 'apsaramq-keda-launch', key);
}

/**
 * The bundle of `entry` (a .ts file of the repository), built first when missing or stale.
 * @param {string} entry as given, relative to the working directory or absolute
 * @returns {Promise<{ bundle: string, dynamicImport: boolean }>} the bundle's absolute path, and whether it
 *   imports a package with import() (vega)
 */
async function bundleFor(entry) {
  const absolute = path.resolve(entry);
  const relative = path.relative(ROOT, absolute);
  if (!relative.endsWith('.ts') || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`launch: ${entry} is not a TypeScript file of ${ROOT}`);
  }
  if (!fs.statSync(absolute, { throwIfNoEntry: false })?.isFile())
    throw new Error(`launch: ${entry} does not exist`);
  const dir = cacheDir();
  const name = relative.replace(/\.ts$/, '').replace(/[\\/]/g, '-');
  const stampFile = path.join(dir, `${name}.json`);
  /** @type {Stamp | undefined} */
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
  } catch {
    stamp = undefined;
  }
  if (!isFresh(stamp, relative, dir)) {
    fs.mkdirSync(dir, { recursive: true });
    stamp = await build(relative, dir, name);
    writeAtomically(stampFile, JSON.stringify(stamp));
    prune(dir, name, stamp.bundle);
  }
  const { bundle, dynamicImport } = /** @type {Stamp} */ (stamp);
  return { bundle: path.join(dir, bundle), dynamicImport };
}

/** Runs the bundle as the main module, so its `require.main === module` holds, with the given arguments. */
async function main() {
  const [entry, ...args] = process.argv.slice(2);
  if (entry === undefined) throw new Error('usage: node infra/launch/launch.cjs <entry.ts> [args...]');
  const { bundle, dynamicImport } = await bundleFor(entry);
  process.argv = [process.argv[0], bundle, ...args];
  if (process.env.DEBUG === undefined && !dynamicImport) {
    runWithCodeCache(bundle);
    return;
  }
  // Stack traces (printed with DEBUG) then name the TypeScript lines: node's own loader reads the source map.
  process.setSourceMapsEnabled(true);
  // @ts-expect-error -- runMain is how node itself starts the main module; @types/node does not declare it
  Module.runMain();
}

/**
 * Runs the bundle as the main module, compiled with the V8 code cache kept beside it: what the last run compiled
 * is neither parsed nor compiled again. A missing cache, or one V8 rejects (another node), is written at exit.
 * Only for a bundle without import(): node 20 loses a script's dynamic-import callback when it comes from a cache.
 * @param {string} bundle
 */
function runWithCodeCache(bundle) {
  const vm = require('node:vm');
  const cacheFile = `${bundle}.v8`;
  /** @type {Buffer | undefined} */
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'utf8')), {
    filename: bundle,
    cachedData,
  });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    process.once('exit', () => {
      try {
        writeAtomically(cacheFile, script.createCachedData());
      } catch {
        // A cache that cannot be written is only a slower next start.
      }
    });
  }
  const main = new Module(bundle);
  main.filename = bundle;
  const mainRequire = Module.createRequire(bundle);
  // The bundle's entry runs only as the main module (`require.main === module`).
  mainRequire.main = main;
  script.runInThisContext()(main.exports, mainRequire, main, bundle, path.dirname(bundle));
  main.loaded = true;
}

if (require.main === module) {
  main().catch((/** @type {unknown} */ error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

module.exports = { bundleFor, cacheDir, ROOT };
