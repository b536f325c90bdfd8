/**
 * The API reference (issue 22): TypeDoc over the entry points, from the TSDoc comments, where an exported symbol
 * without documentation is a warning and a warning fails the build.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const TSCONFIG = path.join(ROOT, 'constructs', 'tsconfig.json');
const TYPEDOC = path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');

describe('npm run docs', () => {
  test('covers the five entry points, and an undocumented export is a warning that fails it', () => {
    const options = (
      JSON.parse(fs.readFileSync(TSCONFIG, 'utf8')) as { typedocOptions: Record<string, unknown> }
    ).typedocOptions;
    expect(options.entryPoints).toEqual([
      'index.ts',
      'cloud/index.ts',
      'k8s/index.ts',
      'scaling/index.ts',
      'shared/index.ts',
    ]);
    expect(options.treatWarningsAsErrors).toBe(true);
    expect((options.validation as Record<string, boolean>).notDocumented).toBe(true);
  });

  test('builds the reference without a warning', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-api-docs-'));
    try {
      const result = spawnSync(process.execPath, [TYPEDOC, '--tsconfig', TSCONFIG, '--out', out], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      });
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/warning|error/i);
      expect(result.status).toBe(0);
      expect(fs.existsSync(path.join(out, 'index.html'))).toBe(true);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
