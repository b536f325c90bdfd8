/**
 * A stack file copied from another environment without edits is valid on its own, and would fight its
 * source (same namespace, same instance). `npm run synth` refuses it before anything is written.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copiedDevCollisions } from '../config/helpers';
import { scratchDir } from '../shared/scratch';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const tmp = (): string => scratchDir('apsaramq-keda-collisions-');

/** A scratch copy of stacks/ with qa copied from dev without edits, and a hand-off for qa (dev's, renamed). */
function stacksWithCopiedQa(): string {
  const dir = tmp();
  fs.cpSync(path.join(ROOT, 'stacks'), dir, { recursive: true });
  fs.copyFileSync(path.join(dir, 'Pulumi.dev.yaml'), path.join(dir, 'Pulumi.qa.yaml'));
  const handoff = JSON.parse(fs.readFileSync(path.join(dir, 'dev.outputs.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  fs.writeFileSync(
    path.join(dir, 'qa.outputs.json'),
    `${JSON.stringify({ ...handoff, environment: 'qa' }, null, 2)}\n`,
  );
  return dir;
}

const synth = (args: string[], stacksDir: string) =>
  spawnSync(TSX, [path.join(ROOT, 'infra/synth/cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, APSARAMQ_KEDA_STACKS_DIR: stacksDir },
  });

/** The collision lines of a verbatim copy of dev, as stderr prints them. */
const copiedDevLines = (from: string, other: string): string =>
  `${copiedDevCollisions(from, other).join('\n')}\n`;

describe('npm run synth with a stack file copied from another environment', () => {
  const stacks = stacksWithCopiedQa();
  const qa = path.join(stacks, 'Pulumi.qa.yaml');
  const dev = path.join(stacks, 'Pulumi.dev.yaml');

  test('exits 2 naming both files and each shared value, and writes nothing', () => {
    const out = tmp();
    const result = synth(['--out', out], stacks);
    expect(result.stderr).toBe(`synth: ${copiedDevLines(qa, dev)}`);
    expect(result.status).toBe(2);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('a copy without a hand-off yet, which a full synth skips, is still refused: pulumi up would deploy it', () => {
    const noHandoff = stacksWithCopiedQa();
    fs.rmSync(path.join(noHandoff, 'qa.outputs.json'));
    const out = tmp();
    const result = synth(['--out', out], noHandoff);
    const copy = path.join(noHandoff, 'Pulumi.qa.yaml');
    const source = path.join(noHandoff, 'Pulumi.dev.yaml');
    expect(result.stderr).toBe(`synth: ${copiedDevLines(copy, source)}`);
    expect(result.status).toBe(2);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('--env qa compares qa with the stack files it does not synthesize', () => {
    const out = tmp();
    const result = synth(['--out', out, '--env', 'qa'], stacks);
    expect(result.stderr).toBe(`synth: ${copiedDevLines(qa, dev)}`);
    expect(result.status).toBe(2);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('--env dev refuses too, from dev’s point of view: the collision involves it', () => {
    const out = tmp();
    const result = synth(['--out', out, '--env', 'dev'], stacks);
    expect(result.stderr).toBe(`synth: ${copiedDevLines(dev, qa)}`);
    expect(result.status).toBe(2);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('--env prod is not blocked by a collision between two other environments', () => {
    const out = tmp();
    const result = synth(['--out', out, '--env', 'prod'], stacks);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['.apsaramq-keda-synth.json', 'prod']);
  });

  test('the plain cdk8s CLI refuses it as well and leaves dist/ as it was', () => {
    const dist = tmp();
    fs.mkdirSync(path.join(dist, 'dev'));
    fs.writeFileSync(path.join(dist, 'dev', 'kept.yaml'), 'kept');
    const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--output', tmp()], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        APSARAMQ_KEDA_STACKS_DIR: stacks,
        APSARAMQ_KEDA_DIST: dist,
        CDK8S_CHECK_UPGRADE: 'false',
      },
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`cdk8s synth: ${copiedDevLines(qa, dev)}`);
    expect(fs.readdirSync(dist)).toEqual(['dev']);
    expect(fs.readFileSync(path.join(dist, 'dev', 'kept.yaml'), 'utf8')).toBe('kept');
  });

  test('a copy with its own namespace and instance name is synthesized beside its source', () => {
    const edited = stacksWithCopiedQa();
    const file = path.join(edited, 'Pulumi.qa.yaml');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replaceAll('orders-dev', 'orders-qa')
        .replaceAll('orders_dev', 'orders_qa'),
    );
    const handoff = path.join(edited, 'qa.outputs.json');
    fs.writeFileSync(handoff, fs.readFileSync(handoff, 'utf8').replace('"orders-dev"', '"orders-qa"'));
    const out = tmp();
    const result = synth(['--out', out], edited);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([
      '.apsaramq-keda-synth.json',
      'dev',
      'prod',
      'qa',
      'selfhosted',
      'staging',
    ]);
  });
});

describe('npm run synth beside an invalid stack file', () => {
  /** uat copied from prod without edits, and a qa stack file that holds only its region. */
  function stacks(): string {
    const dir = tmp();
    fs.cpSync(path.join(ROOT, 'stacks'), dir, { recursive: true });
    fs.copyFileSync(path.join(dir, 'Pulumi.prod.yaml'), path.join(dir, 'Pulumi.uat.yaml'));
    fs.writeFileSync(path.join(dir, 'Pulumi.qa.yaml'), 'config:\n  alicloud:region: cn-hangzhou\n');
    return dir;
  }

  test('reports the invalid file and the collision of two valid ones together', () => {
    const dir = stacks();
    const out = tmp();
    const result = synth(['--out', out], dir);
    const uat = path.join(dir, 'Pulumi.uat.yaml');
    const prod = path.join(dir, 'Pulumi.prod.yaml');
    expect(result.stderr).toBe(
      'synth: ' +
        [
          `${path.join(dir, 'Pulumi.qa.yaml')}: environment "qa" is invalid:`,
          '  - apsaramq-keda:instance: is required',
          '  - apsaramq-keda:topics: is required',
          '  - apsaramq-keda:consumerGroups: is required',
          '  - apsaramq-keda:workloads: is required',
          '  - apsaramq-keda:prometheus: is required',
          '  - apsaramq-keda:kubernetes: is required',
          `${uat}: kubernetes.namespace "orders-prod" on cluster c0fakeprod0000000000000000000000pp is also used by ${prod}; each environment needs its own namespace`,
          `${uat}: instance.name "orders_prod" in region cn-hangzhou is also used by ${prod}; each environment creates its own instance and needs its own name (to share one instance, adopt it with instance.existingInstanceId)`,
        ].join('\n') +
        '\n',
    );
    expect(result.status).toBe(2);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('an invalid file that was not asked for is left out of the check with a warning (--json: in warnings)', () => {
    const dir = stacks();
    const note = `${path.join(dir, 'Pulumi.qa.yaml')}: left out of the check for collisions between environments: it is invalid (6 problems; npm run synth -- --env qa lists them)`;
    const out = tmp();
    const result = synth(['--out', out, '--env', 'staging'], dir);
    expect(result.stderr).toBe(`${note}\n`);
    expect(result.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['.apsaramq-keda-synth.json', 'staging']);
    const json = synth(['--out', out, '--env', 'staging', '--json'], dir);
    expect(json.status).toBe(0);
    expect((JSON.parse(json.stdout) as { warnings: string[] }).warnings).toEqual([note]);
  });
});
