import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadEnvironment } from '../../infra/config/environment';
import { buildPlan, formatPlanTable, resolveProfile } from '../../infra/plan/report';
import { launched } from '../shared/launch';
import { scratchDir } from '../shared/scratch';

jest.setTimeout(60_000);

// infra/plan/README.md shows this plan and links its chart. When the simulator or the stack changes, regenerate
// with `npm run plan -- --env prod --workload order-fulfilment --profile flash-sale --out tests/plan/__snapshots__`
// and paste the printed table into infra/plan/README.md; review both like code.
const root = path.resolve(__dirname, '../..');
const committed = path.join(__dirname, '__snapshots__', 'prod-order-fulfilment-flash-sale');

describe('README plan example', () => {
  const spec = loadEnvironment('prod');
  const workload = spec.workloads.find((w) => w.name === 'order-fulfilment')!;
  const run = buildPlan(spec, workload, resolveProfile('flash-sale', workload));

  test('the committed numbers are what the planner computes now', () => {
    const json: unknown = JSON.parse(fs.readFileSync(`${committed}.json`, 'utf8'));
    expect(json).toEqual(JSON.parse(JSON.stringify(run.plan)));
  });

  test('the CLI writes exactly the committed chart and numbers', () => {
    // vega is ESM-only and jest runs CommonJS here, so the chart is rendered by the CLI itself.
    const out = scratchDir('apsaramq-keda-readme-');
    const [node, script] = launched('infra/plan/cli.ts');
    const cli = spawnSync(
      node,
      [
        ...script,
        ...['--env', 'prod', '--workload', 'order-fulfilment', '--profile', 'flash-sale', '--out', out],
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(cli.stderr).not.toMatch(/^plan:/m);
    expect(cli.status).toBe(0);
    const written = path.join(out, 'prod-order-fulfilment-flash-sale');
    const same = (ext: string): boolean =>
      fs.readFileSync(`${written}.${ext}`).equals(fs.readFileSync(`${committed}.${ext}`));
    expect(same('svg')).toBe(true);
    expect(same('json')).toBe(true);
  });

  test('infra/plan/README.md shows the printed table and links the committed chart', () => {
    const readme = fs.readFileSync(path.join(root, 'infra', 'plan', 'README.md'), 'utf8');
    expect(readme).toContain(formatPlanTable(run.plan));
    expect(readme).toContain('](../../tests/plan/__snapshots__/prod-order-fulfilment-flash-sale.svg)');
  });

  test('the example says what a reader checks it for: the recommendation costs less than the seed config', () => {
    const { recommended, seedGuide, current, oracle } = run.plan;
    expect(recommended.summary.replicaSeconds).toBeLessThan(seedGuide.summary.replicaSeconds);
    expect(recommended.summary.secondsOverDrainTarget).toBeLessThan(seedGuide.summary.secondsOverDrainTarget);
    expect(oracle.summary.replicaSeconds).toBeLessThanOrEqual(
      Math.min(recommended.summary.replicaSeconds, current.summary.replicaSeconds),
    );
    // 160 msg/s, ten times for 15 min, 50 msg/s per pod: the oracle needs 32 pods at the peak.
    expect(oracle.summary.peakReplicas).toBe(32);
  });
});
