import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listEnvironments } from '../../infra/config/environment';
import { environmentsWithHandoff, snapshotTree, subtree } from './helpers';
import { scratchDir } from '../shared/scratch';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
const tmp = (): string => scratchDir('apsaramq-keda-synth-cli-');

/** A scratch copy of stacks/, edited by `edit`. */
function stacksCopy(edit: (dir: string) => void = () => undefined): string {
  const dir = tmp();
  fs.cpSync(path.join(ROOT, 'stacks'), dir, { recursive: true });
  edit(dir);
  return dir;
}

function run(command: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
}

const synth = (args: string[], stacksDir?: string) =>
  run(TSX, [path.join(ROOT, 'infra/synth/cli.ts'), ...args], {
    ...(stacksDir !== undefined && { APSARAMQ_KEDA_STACKS_DIR: stacksDir }),
  });

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile())
      out[path.relative(dir, path.join(e.parentPath, e.name))] = fs.readFileSync(
        path.join(e.parentPath, e.name),
        'utf8',
      );
  }
  return out;
}

const broken = () =>
  stacksCopy((dir) => {
    const file = path.join(dir, 'Pulumi.dev.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/maxReplicas: \d+/, 'maxReplicas: -1'));
  });

describe('cdk8s synth (the plain cdk8s CLI)', () => {
  test('on an invalid stack file writes and removes nothing, and says which file', () => {
    const dist = tmp();
    fs.mkdirSync(path.join(dist, 'dev'));
    fs.writeFileSync(path.join(dist, 'dev', 'kept.yaml'), 'kept');
    const result = run(CDK8S, ['synth', '--output', tmp()], {
      APSARAMQ_KEDA_STACKS_DIR: broken(),
      APSARAMQ_KEDA_DIST: dist,
      CDK8S_CHECK_UPGRADE: 'false',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(
      /Pulumi\.dev\.yaml: environment "dev" is invalid:\n {2}- workloads\[0\]\.maxReplicas/,
    );
    expect(tree(dist)).toEqual({ 'dev/kept.yaml': 'kept' });
  });

  test('on valid input publishes into dist/ what npm run synth writes (upgrade check off, as .ci/run sets it)', () => {
    const viaCdk8s = tmp();
    const viaNpm = tmp();
    const result = run(CDK8S, ['synth', '--output', tmp()], {
      APSARAMQ_KEDA_DIST: viaCdk8s,
      CDK8S_CHECK_UPGRADE: 'false',
    });
    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(/A new version|http error/);
    expect(synth(['--out', viaNpm]).status).toBe(0);
    expect(tree(viaCdk8s)).toEqual(tree(viaNpm));
  });
});

describe('npm run synth', () => {
  test('bad input exits 2 with the file path first, no stack trace, output untouched', () => {
    const out = tmp();
    const result = synth(['--out', out], broken());
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^synth: .*Pulumi\.dev\.yaml: environment "dev" is invalid:/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('a YAML syntax error exits 2 naming file, environment and line', () => {
    const stacks = stacksCopy((dir) =>
      fs.appendFileSync(path.join(dir, 'Pulumi.prod.yaml'), '  alicloud:region: cn-shanghai\n'),
    );
    const result = synth(['--out', tmp()], stacks);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /Pulumi\.prod\.yaml: environment "prod" is invalid:\n {2}- line \d+, column 3: Map keys must be unique/,
    );
  });

  test('a new environment without a hand-off is skipped with its reason and the others are written', () => {
    // A copy of dev with its own namespace and instance name: a verbatim copy collides with dev (collisions.test.ts).
    const stacks = stacksCopy((dir) =>
      fs.writeFileSync(
        path.join(dir, 'Pulumi.qa-new.yaml'),
        fs
          .readFileSync(path.join(dir, 'Pulumi.dev.yaml'), 'utf8')
          .replaceAll('orders-dev', 'orders-qa-new')
          .replaceAll('orders_dev', 'orders_qa_new'),
      ),
    );
    const out = tmp();
    const result = synth(['--out', out], stacks);
    expect(result.stderr).toMatch(
      /skipped qa-new: no hand-off .*qa-new\.outputs\.json yet: run pulumi up --stack qa-new, then npm run outputs -- qa-new/,
    );
    expect(result.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['.apsaramq-keda-synth.json', ...environmentsWithHandoff()]);
    const named = synth(['--out', out, '--env', 'qa-new'], stacks);
    expect(named.status).toBe(2);
    expect(named.stderr).toMatch(
      /qa-new\.outputs\.json is invalid:\n {2}- missing: run pulumi up --stack qa-new, then npm run outputs -- qa-new/,
    );
  });

  test('--check exits 1 on a stale or missing dist/ without writing it, 0 when up to date; --json reports why', () => {
    const out = tmp();
    expect(synth(['--out', out, '--check']).status).toBe(1);
    expect(fs.readdirSync(out)).toEqual([]);
    expect(synth(['--out', out]).status).toBe(0);
    const fresh = tree(out);
    const upToDate = synth(['--out', out, '--check']);
    expect(upToDate.status).toBe(0);
    expect(upToDate.stdout).toContain('/dev/: up to date');
    fs.appendFileSync(path.join(out, 'prod', 'order-fulfilment.yaml'), '# hand edit\n');
    const stale = synth(['--out', out, '--check', '--json']);
    expect(stale.status).toBe(1);
    const report = JSON.parse(stale.stdout) as {
      upToDate: boolean;
      environments: { environment: string; status: string; changed: string[] }[];
    };
    expect(report.upToDate).toBe(false);
    expect(report.environments.find((e) => e.environment === 'prod')).toMatchObject({
      status: 'stale',
      changed: ['order-fulfilment.yaml'],
    });
    expect(tree(out)['prod/order-fulfilment.yaml']).toBe(
      `${fresh['prod/order-fulfilment.yaml']}# hand edit\n`,
    );
  });

  test('every generated manifest starts with the do-not-edit header naming its sources', () => {
    const out = tmp();
    expect(synth(['--out', out]).status).toBe(0);
    // The record (.apsaramq-keda-synth.json, JSON: no comment) is the one file outside the environment folders.
    const files = Object.entries(tree(out)).filter(([file]) => file !== '.apsaramq-keda-synth.json');
    expect(files.length).toBe(Object.keys(tree(out)).length - 1);
    for (const [file, text] of files) {
      const env = file.split(path.sep)[0];
      expect(text.split('\n')[0]).toBe(
        `# Generated by npm run synth (cdk8s) from stacks/Pulumi.${env}.yaml and stacks/${env}.outputs.json; do not edit.`,
      );
    }
  });

  test.each([['--help'], ['--version']])('%s returns at once with exit 0', (flag) => {
    const result = synth([flag]);
    expect(result.status).toBe(0);
    expect(result.stdout.length).toBeGreaterThan(0);
  });

  test('an unknown flag or environment exits 2 naming it', () => {
    const flag = synth(['--bogus']);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain("unknown option '--bogus'");
    const env = synth(['--env', 'nope']);
    expect(env.status).toBe(2);
    expect(env.stderr).toContain(`unknown environment nope (known: ${listEnvironments().join(', ')})`);
  });
});

/** What a record of synth says when it wrote `environments` (worked out by hand: JSON, 2-space indent, newline). */
const recordText = (environments: string[]): string =>
  `{\n  "tool": "apsaramq-keda synth",\n  "format": 1,\n  "environments": [${environments.length === 0 ? '' : `\n${environments.map((e) => `    "${e}"`).join(',\n')}\n  `}]\n}\n`;
const RECORD = '.apsaramq-keda-synth.json';

/** A checkout of a GitOps repository that synth never wrote: git metadata, a README, another team, a dev/. */
function gitopsCheckout(): string {
  const dir = tmp();
  fs.mkdirSync(path.join(dir, '.git', 'refs'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  fs.writeFileSync(path.join(dir, 'README.md'), '# deployments\n');
  fs.mkdirSync(path.join(dir, 'other-team'));
  fs.writeFileSync(path.join(dir, 'other-team', 'app.yaml'), 'kind: ConfigMap\n');
  fs.mkdirSync(path.join(dir, 'dev'));
  fs.writeFileSync(path.join(dir, 'dev', 'hand-made.yaml'), 'kind: Secret\n');
  return dir;
}

/** Appends a line to every file of every environment folder, so the previous output differs from a new one. */
function markPrevious(out: string, environments: string[]): void {
  for (const env of environments)
    for (const file of fs.readdirSync(path.join(out, env)))
      fs.appendFileSync(path.join(out, env, file), '# previous\n');
}

describe('npm run synth --out ownership', () => {
  const ENVS = environmentsWithHandoff();
  let fresh: Record<string, string>;
  beforeAll(() => {
    const out = tmp();
    const result = synth(['--out', out]);
    if (result.status !== 0) throw new Error(`synth failed: ${result.stderr}`);
    fresh = snapshotTree(out);
  });
  const envTrees = (snapshot: Record<string, string>) =>
    Object.fromEntries(ENVS.map((env) => [env, subtree(snapshot, env)]));

  test('refuses with exit 2 a GitOps checkout it did not write, naming what is in the way and --force, and leaves it byte-identical', () => {
    const dir = gitopsCheckout();
    const before = snapshotTree(dir);
    const result = synth(['--out', dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `synth: ${dir} is not empty and synth did not write it (no ${RECORD}); nothing was written.\n` +
        `  In the way: .git/, README.md, dev/, other-team/\n` +
        `  Pass --force to adopt it (synth writes dev/, prod/, selfhosted/, staging/ and ${RECORD} there, replaces the existing dev/ and leaves every other entry alone), or point --out at an empty or new directory.\n`,
    );
    expect(snapshotTree(dir)).toEqual(before);
  });

  test('--force adopts a GitOps checkout: writes the environments and the record, replaces only dev/, keeps .git, README and other-team byte-identical; the next run needs no --force', () => {
    const dir = gitopsCheckout();
    const before = snapshotTree(dir);
    const adopted = synth(['--out', dir, '--force']);
    expect(adopted.status).toBe(0);
    expect(adopted.stdout).toContain(`adopted ${dir}/ (--force)\n`);
    expect(adopted.stdout).toContain(
      `${dir}/: left alone (not written by synth): .git/, README.md, other-team/\n`,
    );
    const after = snapshotTree(dir);
    expect(fs.readdirSync(dir).sort()).toEqual([RECORD, '.git', 'README.md', ...ENVS, 'other-team'].sort());
    expect(after[RECORD]).toBe(recordText(ENVS));
    expect(envTrees(after)).toEqual(envTrees(fresh));
    const others = (s: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(s).filter(
          ([f]) => !ENVS.some((e) => f === e || f.startsWith(`${e}/`)) && f !== RECORD,
        ),
      );
    expect(others(after)).toEqual(others(before));
    const again = synth(['--out', dir]);
    expect(again.status).toBe(0);
    expect(snapshotTree(dir)).toEqual(after);
  });

  test('a full synth removes a recorded environment that has no stack file any more and says so; an unrecorded folder, a README and a dotfile stay', () => {
    const out = tmp();
    expect(synth(['--out', out]).status).toBe(0);
    fs.writeFileSync(path.join(out, RECORD), recordText(['dev', 'old', 'prod', 'selfhosted', 'staging']));
    fs.mkdirSync(path.join(out, 'old'));
    fs.writeFileSync(path.join(out, 'old', 'order-fulfilment.yaml'), 'kind: Deployment\n');
    fs.mkdirSync(path.join(out, 'qa'));
    fs.writeFileSync(path.join(out, 'qa', 'hand.yaml'), 'mine\n');
    fs.writeFileSync(path.join(out, 'README.md'), 'ours\n');
    fs.writeFileSync(path.join(out, '.gitkeep'), '');
    const result = synth(['--out', out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`removed ${out}/old/ (no stacks/Pulumi.old.yaml)\n`);
    expect(result.stdout).toContain(`${out}/: left alone (not written by synth): .gitkeep, README.md, qa/\n`);
    const after = snapshotTree(out);
    expect(fs.readdirSync(out).sort()).toEqual(['.gitkeep', RECORD, 'README.md', ...ENVS, 'qa'].sort());
    expect(after['qa/hand.yaml']).toBe('mine\n');
    expect(after['README.md']).toBe('ours\n');
    expect(after[RECORD]).toBe(recordText(ENVS));

    fs.writeFileSync(path.join(out, RECORD), recordText(['dev', 'old', 'prod', 'selfhosted', 'staging']));
    fs.mkdirSync(path.join(out, 'old'));
    const json = synth(['--out', out, '--json']);
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.removed).toEqual([
      { environment: 'old', directory: `${out}/old`, reason: 'no stacks/Pulumi.old.yaml' },
    ]);
    expect(report.leftAlone).toEqual(['.gitkeep', 'README.md', 'qa/']);
  });

  test('an unrecorded folder named like an environment it writes is refused with exit 2, and replaced with --force', () => {
    const out = tmp();
    expect(synth(['--out', out]).status).toBe(0);
    fs.writeFileSync(path.join(out, RECORD), recordText(['dev', 'prod', 'selfhosted']));
    fs.writeFileSync(path.join(out, 'staging', 'mine.yaml'), 'mine\n');
    const before = snapshotTree(out);
    const refused = synth(['--out', out]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(
      `synth: ${out}/staging/ exists but synth did not write it (not in ${out}/${RECORD}); nothing was written.\n` +
        `  Pass --force to replace it, or move it away.\n`,
    );
    expect(snapshotTree(out)).toEqual(before);
    expect(synth(['--out', out, '--force']).status).toBe(0);
    expect(snapshotTree(out)).toEqual(fresh);
  });

  test('--env replaces only the selected folder and the record keeps the others; into a new directory it records only that one', () => {
    const out = tmp();
    expect(synth(['--out', out]).status).toBe(0);
    markPrevious(out, ['prod', 'selfhosted', 'staging']);
    const before = snapshotTree(out);
    fs.appendFileSync(path.join(out, 'dev', 'kustomization.yaml'), '# hand edit\n');
    expect(synth(['--out', out, '--env', 'dev']).status).toBe(0);
    expect(snapshotTree(out)).toEqual({
      ...before,
      ...Object.fromEntries(Object.entries(fresh).filter(([f]) => f.startsWith('dev'))),
    });
    expect(fs.readFileSync(path.join(out, RECORD), 'utf8')).toBe(recordText(ENVS));
    const only = tmp();
    expect(synth(['--out', only, '--env', 'dev']).status).toBe(0);
    expect(fs.readFileSync(path.join(only, RECORD), 'utf8')).toBe(recordText(['dev']));
  });

  test('--check reports the plan without writing: 1 when missing or stale or a recorded environment would be removed, 0 when up to date, 2 for a directory it would refuse', () => {
    const out = tmp();
    const missing = synth(['--out', out, '--check']);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain(
      `${out}/${RECORD}: missing (would record dev, prod, selfhosted, staging)\n`,
    );
    expect(fs.readdirSync(out)).toEqual([]);

    expect(synth(['--out', out]).status).toBe(0);
    const upToDate = synth(['--out', out, '--check']);
    expect(upToDate.status).toBe(0);
    expect(upToDate.stdout).toBe(
      `${out}/dev/: up to date\n${out}/prod/: up to date\n${out}/selfhosted/: up to date\n${out}/staging/: up to date\n${out}/${RECORD}: up to date\n`,
    );

    fs.writeFileSync(path.join(out, RECORD), recordText(['dev', 'old', 'prod', 'selfhosted', 'staging']));
    fs.mkdirSync(path.join(out, 'old'));
    fs.mkdirSync(path.join(out, 'qa'));
    fs.writeFileSync(path.join(out, 'qa', 'hand.yaml'), 'mine\n');
    const before = snapshotTree(out);
    const stale = synth(['--out', out, '--check']);
    expect(stale.status).toBe(1);
    expect(stale.stdout).toBe(
      `${out}/dev/: up to date\n${out}/prod/: up to date\n${out}/selfhosted/: up to date\n${out}/staging/: up to date\n` +
        `${out}/old/: would be removed (no stacks/Pulumi.old.yaml)\n` +
        `${out}/${RECORD}: stale (would record dev, prod, selfhosted, staging)\n` +
        `${out}/: left alone (not written by synth): qa/\n` +
        `run npm run synth to update ${out}/\n`,
    );
    const json = JSON.parse(synth(['--out', out, '--check', '--json']).stdout);
    expect(json).toMatchObject({
      upToDate: false,
      remove: [{ environment: 'old', directory: `${out}/old`, reason: 'no stacks/Pulumi.old.yaml' }],
      record: { file: `${out}/${RECORD}`, status: 'stale', environments: ENVS },
      leftAlone: ['qa/'],
    });
    expect(snapshotTree(out)).toEqual(before);

    const checkout = gitopsCheckout();
    const checkoutBefore = snapshotTree(checkout);
    const refused = synth(['--out', checkout, '--check']);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toContain(`${checkout}/dev/: stale (`);
    expect(refused.stderr).toContain(
      `synth: ${checkout} is not empty and synth did not write it (no ${RECORD}); nothing was written.\n`,
    );
    expect(snapshotTree(checkout)).toEqual(checkoutBefore);
  });

  const notJson = (() => {
    try {
      JSON.parse('{"tool": ');
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  })();
  test.each([
    ['not JSON', '{"tool": ', `not JSON: ${notJson}`],
    [
      'another tool',
      '{"tool":"helm","format":1,"environments":[]}',
      'tool: must be "apsaramq-keda synth" (is "helm")',
    ],
    [
      'a newer format',
      '{"tool":"apsaramq-keda synth","format":2,"environments":[]}',
      'format: must be 1 (is 2)',
    ],
    [
      'a name that is no environment',
      '{"tool":"apsaramq-keda synth","format":1,"environments":["../x"]}',
      'environments[0]: must be a DNS-1123 label (is "../x")',
    ],
    [
      'unsorted names',
      '{"tool":"apsaramq-keda synth","format":1,"environments":["prod","dev"]}',
      'environments: must be sorted, without duplicates (is ["prod","dev"])',
    ],
    [
      'an unknown field',
      '{"tool":"apsaramq-keda synth","format":1,"environments":[],"owner":"me"}',
      '(root): unknown field "owner"',
    ],
  ])(
    'a record that is %s is refused with exit 2 naming the file and the rule; nothing written, even with --force',
    (_case, text, problem) => {
      const out = tmp();
      fs.writeFileSync(path.join(out, RECORD), text);
      for (const args of [
        ['--out', out],
        ['--out', out, '--force'],
      ]) {
        const result = synth(args);
        expect(result.status).toBe(2);
        expect(result.stderr).toBe(
          `synth: ${out}/${RECORD} is not a record synth can read:\n  - ${problem}\n` +
            `  Synth does not guess what it owns: fix or remove the file (without it, ${out} counts as a directory synth did not write). Nothing was written.\n`,
        );
        expect(fs.readdirSync(out)).toEqual([RECORD]);
      }
    },
  );

  test('a directory an earlier synth wrote (environment folders of generated files, no record) is adopted without --force; one holding a file of someone else needs --force', () => {
    const out = tmp();
    expect(synth(['--out', out]).status).toBe(0);
    fs.rmSync(path.join(out, RECORD));
    const upgraded = synth(['--out', out]);
    expect(upgraded.status).toBe(0);
    expect(upgraded.stdout).toContain(
      `adopted ${out}/ (an earlier synth wrote it: only environment folders of generated files)\n`,
    );
    expect(snapshotTree(out)).toEqual(fresh);

    fs.rmSync(path.join(out, RECORD));
    fs.writeFileSync(path.join(out, 'prod', 'notes.txt'), 'mine\n');
    const refused = synth(['--out', out]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`  In the way: dev/, prod/, selfhosted/, staging/\n`);
    expect(fs.existsSync(path.join(out, 'prod', 'notes.txt'))).toBe(true);
  });

  test('the record is the same bytes on every run: tool, format and the sorted environment folders, no timestamp', () => {
    const a = tmp();
    const b = tmp();
    expect(synth(['--out', a]).status).toBe(0);
    expect(synth(['--out', b]).status).toBe(0);
    expect(fs.readFileSync(path.join(a, RECORD), 'utf8')).toBe(
      '{\n  "tool": "apsaramq-keda synth",\n  "format": 1,\n  "environments": [\n    "dev",\n    "prod",\n    "selfhosted",\n    "staging"\n  ]\n}\n',
    );
    expect(fs.readFileSync(path.join(b, RECORD))).toEqual(fs.readFileSync(path.join(a, RECORD)));
  });

  test('--out naming a file is refused with exit 2', () => {
    const file = path.join(tmp(), 'file');
    fs.writeFileSync(file, 'x');
    const result = synth(['--out', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`synth: --out ${file} is not a directory; nothing was written.\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  test.each([
    ['/', ['--out', '/'], 'holds'],
    ['the repository root, with --force,', ['--out', ROOT, '--force'], 'is'],
    ['the folder holding the repository, with --force,', ['--out', path.dirname(ROOT), '--force'], 'holds'],
  ])('--out %s is refused with exit 2', (_case, args, verb) => {
    const result = synth(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `synth: --out ${args[1]} ${verb} the repository ${ROOT}; synth never writes there, not even with --force (an environment folder could replace a folder of the repository). Nothing was written.\n`,
    );
  });

  test('--out inside, at or above the stacks directory is refused with exit 2, even with --force', () => {
    // One level down, so the folder holding the copy does not also hold a repository cloned into the tmpdir.
    const stacks = path.join(tmp(), 'stacks');
    fs.cpSync(path.join(ROOT, 'stacks'), stacks, { recursive: true });
    for (const [out, verb] of [
      [path.join(stacks, 'out'), 'lies inside'],
      [stacks, 'is'],
      [path.dirname(stacks), 'holds'],
    ]) {
      const result = synth(['--out', out, '--force'], stacks);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        `synth: --out ${out} ${verb} the stacks directory ${stacks} that synth reads; synth never writes there, not even with --force. Nothing was written.\n`,
      );
    }
    expect(fs.existsSync(path.join(stacks, 'out'))).toBe(false);
  });

  test('cdk8s synth uses the same record: refuses a GitOps checkout in APSARAMQ_KEDA_DIST and leaves it byte-identical', () => {
    const dir = gitopsCheckout();
    const before = snapshotTree(dir);
    const result = run(CDK8S, ['synth', '--output', tmp()], {
      APSARAMQ_KEDA_DIST: dir,
      CDK8S_CHECK_UPGRADE: 'false',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      `cdk8s synth: ${dir} is not empty and synth did not write it (no ${RECORD}); nothing was written.\n` +
        `  In the way: .git/, README.md, dev/, other-team/\n` +
        `  Run npm run synth -- --out ${dir} --force to adopt it (synth writes dev/, prod/, selfhosted/, staging/ and ${RECORD} there, replaces the existing dev/ and leaves every other entry alone), or point APSARAMQ_KEDA_DIST at an empty or new directory.\n`,
    );
    expect(snapshotTree(dir)).toEqual(before);
  });
});

describe('npm run synth interrupted between the renames of prod/', () => {
  const FAULT = path.join(ROOT, 'tests', 'synth', 'fs-fault.cjs');
  const ENVS = environmentsWithHandoff();
  const interrupted = (out: string, mode: 'throw' | 'kill') =>
    run(TSX, ['--require', FAULT, path.join(ROOT, 'infra/synth/cli.ts'), '--out', out], {
      FS_FAULT_RENAME_TO: path.join(out, 'prod'),
      FS_FAULT_MODE: mode,
      // A killed synth cannot remove its scratch directory: give it one this file removes.
      ...(mode === 'kill' && { TMPDIR: tmp() }),
    });
  /** A synthesized directory with hand-marked files (so previous and new differ) and a README of the user. */
  function previousOutput(): string {
    const out = tmp();
    expect(synth(['--out', out]).status).toBe(0);
    markPrevious(out, ENVS);
    fs.writeFileSync(path.join(out, 'README.md'), 'ours\n');
    return out;
  }

  test('a failure rolls everything back: every folder and the record as before, no temporary entry left', () => {
    const out = previousOutput();
    const before = snapshotTree(out);
    const result = interrupted(out, 'throw');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('EIO: injected failure');
    expect(snapshotTree(out)).toEqual(before);
  });

  test('a crash leaves the previous prod/ whole beside the output; --check reports it; the next synth restores it, then writes', () => {
    const out = previousOutput();
    const before = snapshotTree(out);
    const fresh = tmp();
    expect(synth(['--out', fresh]).status).toBe(0);
    const freshTree = snapshotTree(fresh);
    const crash = interrupted(out, 'kill');
    // tsx runs the CLI in a child node process and exits as it did: 128 + 9 (SIGKILL).
    expect(crash.status).toBe(137);
    const crashed = snapshotTree(out);
    expect(fs.existsSync(path.join(out, 'prod'))).toBe(false);
    expect(snapshotTree(path.join(out, '.apsaramq-keda-synth.staging', 'old', 'prod'))).toEqual(
      subtree(before, 'prod'),
    );
    // dev/ was swapped before prod/, staging/ not yet: each is whole, in its new or its previous version.
    expect(subtree(crashed, 'dev')).toEqual(subtree(freshTree, 'dev'));
    expect(subtree(crashed, 'staging')).toEqual(subtree(before, 'staging'));
    expect(crashed['README.md']).toBe('ours\n');
    expect(crashed['.apsaramq-keda-synth.json']).toBe(recordText(ENVS));

    const check = synth(['--out', out, '--check']);
    expect(check.status).toBe(1);
    expect(check.stdout).toContain(
      `${out}/.apsaramq-keda-synth.staging/: left by an interrupted synth (the next synth restores prod/ from it and removes it)\n`,
    );
    expect(snapshotTree(out)).toEqual(crashed);

    const next = synth(['--out', out]);
    expect(next.status).toBe(0);
    expect(next.stdout).toContain(
      `restored ${out}/prod/ (its previous version, left by an interrupted synth)\n`,
    );
    expect(snapshotTree(out)).toEqual({ ...freshTree, 'README.md': 'ours\n' });
  });
});
