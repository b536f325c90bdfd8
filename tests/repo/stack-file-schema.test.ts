/**
 * The stack-file schema and its reference are generated (npm run schema): the committed files are what the
 * generator writes today, so a key added to infra/config/schema.ts cannot be missing from either.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedFiles } from '../../infra/schema/cli';

const ROOT = path.resolve(__dirname, '..', '..');

describe('npm run schema', () => {
  test('the committed schema and reference are what the generator writes (run npm run schema)', () => {
    const stale = generatedFiles(ROOT).filter(({ file, content }) => {
      const full = path.join(ROOT, file);
      return !fs.existsSync(full) || fs.readFileSync(full, 'utf8') !== content;
    });
    expect(stale.map((g) => `${g.file} is stale: run npm run schema`)).toEqual([]);
  });
});
