import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  planOutput,
  publish,
  recordProblems,
  recordText,
  type OutputRequest,
} from '../../infra/synth/ownership';
import { snapshotTree } from './helpers';
import { scratchDir } from '../shared/scratch';

const tmp = (): string => scratchDir('apsaramq-keda-ownership-');
const RECORD = '.apsaramq-keda-synth.json';

/** A directory holding `entries`: a name ending in `/` is a folder (with one file), any other a file. */
function dirWith(...entries: string[]): string {
  const dir = tmp();
  for (const entry of entries) {
    if (entry.endsWith('/')) {
      fs.mkdirSync(path.join(dir, entry));
      fs.writeFileSync(path.join(dir, entry, 'x.yaml'), 'x\n');
    } else fs.writeFileSync(path.join(dir, entry), 'x\n');
  }
  return dir;
}

const request = (out: string, overrides: Partial<OutputRequest> = {}): OutputRequest => ({
  out,
  write: ['dev', 'prod'],
  all: true,
  known: ['dev', 'prod'],
  force: false,
  hints: { label: '--out', force: 'Pass --force' },
  ...overrides,
});

describe('recordText', () => {
  test('is the same bytes for any order of the names, without duplicates', () => {
    const expected =
      '{\n  "tool": "apsaramq-keda synth",\n  "format": 1,\n  "environments": [\n    "dev",\n    "prod"\n  ]\n}\n';
    expect(recordText(['prod', 'dev', 'dev'])).toBe(expected);
    expect(recordText(['dev', 'prod'])).toBe(expected);
    expect(recordProblems(expected)).toEqual([]);
  });
});

describe('recordProblems', () => {
  test('names every missing field with its rule', () => {
    expect(recordProblems('{}')).toEqual([
      'tool: must be "apsaramq-keda synth" (missing)',
      'format: must be 1 (missing)',
      'environments: must be a list of environment folder names (missing)',
    ]);
  });

  test('refuses a JSON value that is not an object', () => {
    expect(recordProblems('[]')).toEqual(['(root): must be a JSON object (is [])']);
  });
});

describe('planOutput', () => {
  test('a subset run removes nothing and the record keeps the other recorded folders', () => {
    const out = dirWith('dev/', 'old/', 'prod/');
    fs.writeFileSync(path.join(out, RECORD), recordText(['dev', 'old', 'prod']));
    const plan = planOutput(request(out, { write: ['dev'], all: false }));
    expect(plan.refusal).toBeUndefined();
    expect(plan.remove).toEqual([]);
    expect(plan.record).toMatchObject({ status: 'up-to-date', environments: ['dev', 'old', 'prod'] });
    const full = planOutput(request(out));
    expect(full.remove).toEqual([{ environment: 'old', reason: 'no stacks/Pulumi.old.yaml' }]);
    expect(full.record).toMatchObject({ status: 'stale', environments: ['dev', 'prod'] });
  });

  test('a recorded folder that is gone drops out of the record; an environment being written stays in it', () => {
    const out = dirWith('dev/');
    fs.writeFileSync(path.join(out, RECORD), recordText(['dev', 'prod', 'qa']));
    const plan = planOutput(request(out, { write: ['dev', 'prod'], known: ['dev', 'prod', 'qa'] }));
    expect(plan.record.environments).toEqual(['dev', 'prod']);
    expect(plan.remove).toEqual([]);
    expect(plan.replace).toEqual(['dev']);
  });

  test('a refusal names five entries, then how many more', () => {
    const out = dirWith('a', 'b', 'c/', 'd', 'e', 'f', 'g/');
    expect(planOutput(request(out)).refusal).toBe(
      `${out} is not empty and synth did not write it (no ${RECORD}); nothing was written.\n` +
        `  In the way: a, b, c/, d, e (and 2 more)\n` +
        `  Pass --force to adopt it (synth writes dev/, prod/ and ${RECORD} there, leaves every other entry alone), or point --out at an empty or new directory.`,
    );
  });

  test('with --force it adopts the directory and leaves every other entry alone', () => {
    const out = dirWith('README.md', 'dev/', 'team/');
    const plan = planOutput(request(out, { force: true }));
    expect(plan).toMatchObject({
      ownership: 'force',
      replace: ['dev'],
      remove: [],
      leftAlone: ['README.md', 'team/'],
    });
    expect(plan.record).toMatchObject({ status: 'missing', environments: ['dev', 'prod'] });
  });

  test.each([
    ['a symbolic link', (file: string) => fs.symlinkSync('/etc/hostname', file), 'not a regular file'],
    [
      'larger than 64 KiB',
      (file: string) => fs.writeFileSync(file, ' '.repeat(65537)),
      'larger than 65536 bytes (65537)',
    ],
  ])('a record that is %s is refused without reading it', (_case, make, problem) => {
    const out = tmp();
    make(path.join(out, RECORD));
    const plan = planOutput(request(out, { force: true }));
    expect(plan.refusal).toContain(`${out}/${RECORD} is not a record synth can read:\n  - ${problem}\n`);
    expect(plan.record.status).toBe('invalid');
  });

  test('a folder of generated-looking files without the header of its environment is not taken for an earlier synth', () => {
    const out = tmp();
    fs.mkdirSync(path.join(out, 'dev'));
    fs.writeFileSync(
      path.join(out, 'dev', 'a.yaml'),
      '# Generated by npm run synth (cdk8s) from stacks/Pulumi.prod.yaml and stacks/prod.outputs.json; do not edit.\n',
    );
    expect(planOutput(request(out)).refusal).toContain('is not empty and synth did not write it');
    fs.writeFileSync(
      path.join(out, 'dev', 'a.yaml'),
      '# Generated by npm run synth (cdk8s) from stacks/Pulumi.dev.yaml and stacks/dev.outputs.json; do not edit.\n',
    );
    expect(planOutput(request(out)).ownership).toBe('earlier-synth');
  });
});

describe('publish', () => {
  test('refuses to write while another live synth holds the staging directory, and changes nothing', () => {
    const out = dirWith('dev/');
    fs.writeFileSync(path.join(out, RECORD), recordText(['dev']));
    const staging = path.join(out, '.apsaramq-keda-synth.staging');
    fs.mkdirSync(path.join(staging, 'old'), { recursive: true });
    // The parent of this jest worker is alive for as long as the test runs.
    fs.writeFileSync(path.join(staging, 'pid'), `${process.ppid}\n`);
    const before = snapshotTree(out);
    expect(() => publish(dirWith('dev/', 'prod/'), request(out))).toThrow(
      `another synth (pid ${process.ppid}) is writing ${out}; wait for it. If none runs, move the folders in ${staging}/old/ back into ${out}/ where they are missing, then remove ${staging}/`,
    );
    expect(snapshotTree(out)).toEqual(before);
  });
});
