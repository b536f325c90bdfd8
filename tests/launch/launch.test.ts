/**
 * infra/launch/launch.cjs runs a TypeScript entry from its esbuild bundle and rebuilds the bundle whenever a file
 * it was built from changed: a stale bundle never runs. Each test works on a scratch project holding a copy of the
 * launcher (its root is the folder two above it), a package of its own and esbuild from the repository.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

/** A scratch project: src/main.ts imports src/value.ts and the package `fixture-package`. */
function project(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-launch-')));
  scratch.push(dir);
  fs.mkdirSync(path.join(dir, 'infra', 'launch'), { recursive: true });
  fs.copyFileSync(
    path.join(ROOT, 'infra', 'launch', 'launch.cjs'),
    path.join(dir, 'infra', 'launch', 'launch.cjs'),
  );
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": { "strict": true } }\n');
  fs.mkdirSync(path.join(dir, 'node_modules', 'fixture-package'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules', 'esbuild'), path.join(dir, 'node_modules', 'esbuild'));
  fs.writeFileSync(
    path.join(dir, 'node_modules', 'fixture-package', 'index.js'),
    "exports.word = 'alpha';\n",
  );
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src', 'value.ts'), 'export const value: number = 1;\n');
  fs.writeFileSync(
    path.join(dir, 'src', 'main.ts'),
    [
      "import { value } from './value';",
      "import { word } from 'fixture-package';",
      'if (require.main === module) {',
      '  console.log(`${value} ${word} ${__dirname} ${process.argv.slice(2).join(",")}`);',
      '  process.exitCode = Number(process.env.EXIT_CODE ?? 0);',
      '}',
      '',
    ].join('\n'),
  );
  return dir;
}

const launch = (dir: string, args: string[] = [], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [path.join(dir, 'infra', 'launch', 'launch.cjs'), 'src/main.ts', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

/** The bundles built so far, from the cache folder of the project's launcher. */
function bundles(dir: string): string[] {
  const cache = path.join(dir, 'node_modules', '.cache', 'apsaramq-keda-launch');
  return fs
    .readdirSync(cache, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.cjs'))
    .sort();
}

/** The stamp of src/main.ts's bundle. */
function stampOf(dir: string): { own: [string, string][] } {
  const cache = path.join(dir, 'node_modules', '.cache', 'apsaramq-keda-launch');
  const [key] = fs.readdirSync(cache);
  return JSON.parse(fs.readFileSync(path.join(cache, key, 'src-main.json'), 'utf8')) as {
    own: [string, string][];
  };
}

describe('node infra/launch/launch.cjs <entry.ts>', () => {
  test('runs the entry as the main module, with its arguments, its own __dirname and its exit code', () => {
    const dir = project();
    const result = launch(dir, ['--flag', 'x'], { EXIT_CODE: '3' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`1 alpha ${path.join(dir, 'src')} --flag,x\n`);
    expect(result.status).toBe(3);
  });

  test('builds once, then runs the same bundle while nothing it was built from changed', () => {
    const dir = project();
    expect(launch(dir).status).toBe(0);
    const first = bundles(dir);
    expect(first).toHaveLength(1);
    expect(launch(dir).stdout).toMatch(/^1 alpha /);
    expect(bundles(dir)).toEqual(first);
  });

  test('a changed source, a changed package file and a changed tsconfig.json each rebuild before running', () => {
    const dir = project();
    expect(launch(dir).stdout).toMatch(/^1 alpha /);
    fs.writeFileSync(path.join(dir, 'src', 'value.ts'), 'export const value: number = 2;\n');
    expect(launch(dir).stdout).toMatch(/^2 alpha /);
    // Same size, same content length: only the package's size or mtime tells, and the mtime does.
    const pkg = path.join(dir, 'node_modules', 'fixture-package', 'index.js');
    fs.writeFileSync(pkg, "exports.word = 'gamma';\n");
    fs.utimesSync(pkg, new Date(), new Date(Date.now() + 5000));
    expect(launch(dir).stdout).toMatch(/^2 gamma /);
    // Back to an earlier source: the content decides, not the time.
    fs.writeFileSync(path.join(dir, 'src', 'value.ts'), 'export const value: number = 1;\n');
    expect(launch(dir).stdout).toMatch(/^1 gamma /);
    // esbuild reads tsconfig.json: its content is in the stamp, which a change to it rewrites.
    const tsconfig = '{ "compilerOptions": { "strict": false } }\n';
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), tsconfig);
    expect(launch(dir).stdout).toMatch(/^1 gamma /);
    expect(stampOf(dir).own).toContainEqual([
      'tsconfig.json',
      createHash('sha1').update(tsconfig).digest('hex'),
    ]);
  });

  test('a second run compiles from the V8 code cache the first one left, and behaves the same', () => {
    const dir = project();
    const first = launch(dir, ['a'], { EXIT_CODE: '4' });
    const cacheFiles = bundles(dir).map((b) => `${b}.v8`);
    const cache = path.join(dir, 'node_modules', '.cache', 'apsaramq-keda-launch');
    expect(cacheFiles.every((f) => fs.existsSync(path.join(cache, f)))).toBe(true);
    const second = launch(dir, ['a'], { EXIT_CODE: '4' });
    expect({ status: second.status, stdout: second.stdout, stderr: second.stderr }).toEqual({
      status: first.status,
      stdout: first.stdout,
      stderr: first.stderr,
    });
    expect(second.status).toBe(4);
  });

  test("an entry that imports an ES module with import() runs under node's own loader, every time", () => {
    const dir = project();
    // vega-lite is left out of the bundle (EXTERNAL): a stand-in ES module of that name.
    const esm = path.join(dir, 'node_modules', 'vega-lite');
    fs.mkdirSync(esm);
    fs.writeFileSync(
      path.join(esm, 'package.json'),
      '{ "name": "vega-lite", "type": "module", "main": "index.js" }\n',
    );
    fs.writeFileSync(path.join(esm, 'index.js'), "export const word = 'esm';\n");
    fs.writeFileSync(
      path.join(dir, 'src', 'main.ts'),
      "void import('vega-lite').then((m: { word: string }) => console.log(m.word));\n",
    );
    expect(launch(dir).stdout).toBe('esm\n');
    expect(launch(dir).stdout).toBe('esm\n');
  });

  test('a source that does not compile fails with exit 1 and runs nothing', () => {
    const dir = project();
    expect(launch(dir).status).toBe(0);
    fs.writeFileSync(path.join(dir, 'src', 'value.ts'), 'export const value: number = ;\n');
    const result = launch(dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('value.ts');
  });

  test('refuses an entry outside the project or not TypeScript', () => {
    const dir = project();
    const outside = spawnSync(
      process.execPath,
      [path.join(dir, 'infra', 'launch', 'launch.cjs'), path.join(os.tmpdir(), 'x.ts')],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(outside.status).toBe(1);
    expect(outside.stderr).toContain(`is not a TypeScript file of ${dir}`);
  });
});
