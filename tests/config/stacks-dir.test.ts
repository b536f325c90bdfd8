/** Where the loader finds stack files, and which environments it lists (infra/config/environment.ts). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultStacksDir, listEnvironments, STACKS_DIR_VARIABLE } from '../../infra/config/environment';

const committed = path.resolve(__dirname, '..', '..', 'stacks');

describe('defaultStacksDir', () => {
  const saved = process.env[STACKS_DIR_VARIABLE];
  afterEach(() => {
    if (saved === undefined) delete process.env[STACKS_DIR_VARIABLE];
    else process.env[STACKS_DIR_VARIABLE] = saved;
  });

  test('the committed stacks/ without the variable, and with it empty', () => {
    delete process.env[STACKS_DIR_VARIABLE];
    expect(defaultStacksDir()).toBe(committed);
    process.env[STACKS_DIR_VARIABLE] = '';
    expect(defaultStacksDir()).toBe(committed);
  });

  test('APSARAMQ_KEDA_STACKS_DIR, resolved to an absolute path', () => {
    process.env[STACKS_DIR_VARIABLE] = '/srv/other-stacks';
    expect(defaultStacksDir()).toBe('/srv/other-stacks');
  });
});

describe('listEnvironments', () => {
  test('Pulumi.<env>.yaml files only, sorted', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stacks-'));
    try {
      for (const f of [
        'Pulumi.qa.yaml',
        'Pulumi.alpha.yaml',
        'Pulumi.yaml',
        'Pulumi.a.b.yaml',
        'Pulumi.qa.yaml.bak',
        'xPulumi.beta.yaml',
        'qa.outputs.json',
      ]) {
        fs.writeFileSync(path.join(dir, f), '');
      }
      expect(listEnvironments(dir)).toEqual(['alpha', 'qa']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the committed stacks', () => {
    expect(listEnvironments()).toEqual(expect.arrayContaining(['dev', 'prod', 'staging']));
  });
});
