import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';

const ROOT = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; version?: string }>;
};

describe('engines', () => {
  test('every locked dependency supports every Node.js version package.json declares', () => {
    const unsupported = Object.entries(lock.packages)
      .filter(([name]) => name !== '')
      .flatMap(([name, pkg]) => {
        const node = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
        return node === undefined || semver.subset(manifest.engines.node, node) ? [] : [`${name}: ${node}`];
      });
    expect(unsupported).toEqual([]);
  });

  test('the lock file records the engines of package.json, and this Node.js satisfies them', () => {
    const root = lock.packages[''].engines as { node?: string };
    expect(root.node).toBe(manifest.engines.node);
    expect(semver.satisfies(process.version, manifest.engines.node)).toBe(true);
  });
});
