/**
 * The stack-file schema and its reference are generated (npm run schema): the committed files are what the
 * generator writes today, so a key added to infra/config/schema.ts cannot be missing from either.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { knownConfigKeys } from '../../infra/config/config-keys';
import { PROJECT_SECTIONS } from '../../infra/config/environment';
import { diffSummary, generatedFiles, main } from '../../infra/schema/cli';
import { stackFileSchema } from '../../infra/schema/stack-file-schema';
import { scratchDir } from '../shared/scratch';

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs the CLI and returns its exit code and what it printed. */
function runSchema(...argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** A scratch root holding a copy of the committed stacks/README.md and schema. */
function scratchRoot(): string {
  const root = scratchDir('schema-');
  fs.mkdirSync(path.join(root, 'stacks'));
  for (const file of ['stacks/README.md', 'stacks/stack-file.schema.json']) {
    fs.copyFileSync(path.join(ROOT, file), path.join(root, file));
  }
  return root;
}

describe('npm run schema', () => {
  test('the committed schema and reference are what the generator writes (run npm run schema)', () => {
    const stale = generatedFiles(ROOT).filter(({ file, content }) => {
      const full = path.join(ROOT, file);
      return !fs.existsSync(full) || fs.readFileSync(full, 'utf8') !== content;
    });
    expect(stale.map((g) => `${g.file} is stale: run npm run schema`)).toEqual([]);
  });

  test("the schema's config keys are the keys the loader knows", () => {
    const config = stackFileSchema().properties as { config: { properties: Record<string, unknown> } };
    expect(Object.keys(config.config.properties).sort()).toEqual(knownConfigKeys(PROJECT_SECTIONS));
  });

  test('--check exits 1 naming each stale file with a diff summary, and writes nothing', () => {
    const root = scratchRoot();
    const readme = path.join(root, 'stacks/README.md');
    const edited = fs.readFileSync(readme, 'utf8').replace('Example: `orders_dev`.', 'Example: `orders`.');
    fs.writeFileSync(readme, edited);
    fs.rmSync(path.join(root, 'stacks/stack-file.schema.json'));
    const result = runSchema('--check', '--root', root);
    const line = edited.split('\n').findIndex((l) => l.includes('Example: `orders`.')) + 1;
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'stacks/stack-file.schema.json does not exist; run npm run schema\n' +
        `stacks/README.md is stale (1 line to add, 1 to remove, first difference at line ${line}); run npm run schema\n`,
    });
    expect(fs.readFileSync(readme, 'utf8')).toBe(edited);
    expect(fs.existsSync(path.join(root, 'stacks/stack-file.schema.json'))).toBe(false);
  });

  test('without --check it writes what is stale, then both are up to date', () => {
    const root = scratchRoot();
    fs.rmSync(path.join(root, 'stacks/stack-file.schema.json'));
    expect(runSchema('--root', root)).toEqual({
      code: 0,
      stdout: 'wrote stacks/stack-file.schema.json\nstacks/README.md is up to date\n',
      stderr: '',
    });
    expect(runSchema('--check', '--root', root)).toEqual({
      code: 0,
      stdout: 'stacks/stack-file.schema.json is up to date\nstacks/README.md is up to date\n',
      stderr: '',
    });
  });

  test('a README without the markers exits 2 and writes nothing', () => {
    const root = scratchRoot();
    fs.writeFileSync(path.join(root, 'stacks/README.md'), '# Stack files\n');
    fs.rmSync(path.join(root, 'stacks/stack-file.schema.json'));
    expect(runSchema('--root', root)).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'schema: stacks/README.md has no <!-- BEGIN GENERATED: stack-file reference --> ... <!-- END GENERATED: stack-file reference --> markers; put them where the generated reference goes\n',
    });
    expect(fs.existsSync(path.join(root, 'stacks/stack-file.schema.json'))).toBe(false);
  });

  test.each([
    ['a\nb', 'a\nb\n', '1 line to add, 0 to remove, first difference at line 3'],
    ['a\nb\nc\n', 'a\nx\nc\n', '1 line to add, 1 to remove, first difference at line 2'],
    ['a\nc\n', 'a\nb\nb\nc\n', '2 lines to add, 0 to remove, first difference at line 2'],
  ])('diffSummary(%j, %j) is %s', (current, expected, summary) => {
    expect(diffSummary(current, expected)).toBe(summary);
  });
});
