import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listEnvironments } from '../../infra/config/environment';
import { environmentsWithHandoff } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-synth-cli-'));

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
        fs.readFileSync(path.join(dir, 'Pulumi.dev.yaml'), 'utf8').replaceAll('orders-dev', 'orders-qa-new'),
      ),
    );
    const out = tmp();
    const result = synth(['--out', out], stacks);
    expect(result.stderr).toMatch(
      /skipped qa-new: no hand-off .*qa-new\.outputs\.json yet: run pulumi up --stack qa-new, then npm run outputs -- qa-new/,
    );
    expect(result.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(environmentsWithHandoff());
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

  test('every generated file starts with the do-not-edit header naming its sources', () => {
    const out = tmp();
    expect(synth(['--out', out]).status).toBe(0);
    for (const [file, text] of Object.entries(tree(out))) {
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
