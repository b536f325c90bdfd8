/**
 * The library's API is the one the repository's own programs use (issue 22): infra/ reaches constructs/ only
 * through the package's entry points, and package.json exports exactly those entry points.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const CONSTRUCTS = path.join(ROOT, 'constructs');
/** The entry points, as package.json `exports` subpaths, and the folder of constructs/ each one is. */
const ENTRY_POINTS: Record<string, string> = {
  '.': '',
  './cloud': 'cloud',
  './k8s': 'k8s',
  './scaling': 'scaling',
  './shared': 'shared',
};

function typeScriptFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(full);
    return entry.isFile() && entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module specifier of a file: `from '…'`, `import '…'`, `import('…')`, `require('…')`. */
function specifiers(source: string): string[] {
  const patterns = [
    /\bfrom\s+'([^']+)'/g,
    /\bimport\s+'([^']+)'/g,
    /\b(?:import|require)\(\s*'([^']+)'\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1]));
}

/** The deep imports of constructs/ in the files under `dir`, as `<file>: <specifier>`. */
function deepImports(dir: string): string[] {
  const entryDirs = new Set(Object.values(ENTRY_POINTS).map((folder) => path.join(CONSTRUCTS, folder)));
  return typeScriptFiles(dir).flatMap((file) =>
    specifiers(fs.readFileSync(file, 'utf8'))
      .filter((spec) => spec.startsWith('.'))
      .filter((spec) => {
        const target = path.resolve(path.dirname(file), spec);
        const inConstructs = target === CONSTRUCTS || target.startsWith(CONSTRUCTS + path.sep);
        return inConstructs && !entryDirs.has(target.replace(/[/\\]index$/, ''));
      })
      .map((spec) => `${path.relative(ROOT, file)}: ${spec}`),
  );
}

describe('entry points', () => {
  test('the import scanner finds static, side-effect, dynamic and require imports', () => {
    const source = [
      "import { a } from '../../constructs/shared/names';",
      "import '../../constructs/k8s';",
      "export * from './x';",
      "const m = await import('../../constructs/scaling/simulate');",
      "const r = require('cdk8s');",
    ].join('\n');
    expect(specifiers(source).sort()).toEqual(
      [
        '../../constructs/shared/names',
        '../../constructs/k8s',
        './x',
        '../../constructs/scaling/simulate',
        'cdk8s',
      ].sort(),
    );
  });

  test('infra/ imports constructs/ only through the entry points package.json exports', () => {
    expect(deepImports(path.join(ROOT, 'infra'))).toEqual([]);
  });

  test('package.json exports each entry point with its declarations first, and nothing else but itself', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
      main: string;
      types: string;
    };
    const expected: Record<string, unknown> = { './package.json': './package.json' };
    for (const [subpath, folder] of Object.entries(ENTRY_POINTS)) {
      const base = `./${path.posix.join('lib', folder, 'index')}`;
      expected[subpath] = { types: `${base}.d.ts`, default: `${base}.js` };
    }
    expect(manifest.exports).toEqual(expected);
    // TypeScript and Node.js take the first matching condition: `types` must come before `default`.
    for (const subpath of Object.keys(ENTRY_POINTS)) {
      expect(Object.keys(manifest.exports[subpath] as object)).toEqual(['types', 'default']);
    }
    expect([manifest.main, manifest.types]).toEqual(['lib/index.js', 'lib/index.d.ts']);
  });

  test('every entry point is an index.ts of constructs/ that only re-exports', () => {
    for (const folder of Object.values(ENTRY_POINTS)) {
      const file = path.join(CONSTRUCTS, folder, 'index.ts');
      const lines = fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.startsWith('//'));
      expect(lines.filter((line) => !/^export (\*|\{[^}]+\}) from '\.\/[a-z0-9-]+';$/.test(line))).toEqual(
        [],
      );
    }
  });
});
