import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { listEnvironments, loadEnvironment } from '../../infra/environment';
import { buildPlan, formatPlanTable, resolveProfile } from '../../infra/plan-report';

jest.setTimeout(60_000);

const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

function plan(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(tsx, [path.join(root, 'infra', 'plan.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Parses the SVG as XML, throwing on any well-formedness error, and returns its text content. */
function parseSvg(svg: string): { root: string; text: string } {
  const document = new DOMParser({
    onError: (level, message) => {
      throw new Error(`SVG ${level}: ${message}`);
    },
  }).parseFromString(svg, 'image/svg+xml');
  const root = document.documentElement;
  return { root: root?.nodeName ?? '', text: root?.textContent ?? '' };
}

describe('npm run plan', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-plan-'));

  test('writes the chart and the numbers, and prints the same numbers', () => {
    const run = plan(['--env', 'prod', '--workload', 'payment-ledger', '--profile', 'steady', '--out', out]);
    expect(run.stderr).not.toMatch(/^plan:/m);
    expect(run.status).toBe(0);
    const svg = fs.readFileSync(path.join(out, 'prod-payment-ledger-steady.svg'), 'utf8');
    const chart = parseSvg(svg);
    expect(chart.root).toBe('svg');
    expect(chart.text).toContain('prod/payment-ledger: steady');
    for (const series of [
      'backlog (current)',
      'replicas (current)',
      'replicas (recommended)',
      'replicas (oracle)',
    ])
      expect(chart.text).toContain(series);
    const json = JSON.parse(
      fs.readFileSync(path.join(out, 'prod-payment-ledger-steady.json'), 'utf8'),
    ) as ReturnType<typeof buildPlan>['plan'];

    // The JSON holds exactly what the simulator computes in-process for the same inputs.
    const spec = loadEnvironment('prod');
    const workload = spec.workloads.find((w) => w.name === 'payment-ledger')!;
    const expected = buildPlan(spec, workload, resolveProfile('steady', workload)).plan;
    expect(json).toEqual(JSON.parse(JSON.stringify(expected)));
    // And the printed table is the one formatted from those numbers.
    expect(run.stdout).toContain(formatPlanTable(expected));
  });

  test('every committed environment plans end to end, one chart and one JSON per workload', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-plan-all-'));
    const expected: string[] = [];
    for (const env of listEnvironments()) {
      const run = plan(['--env', env, '--profile', 'seed-replay', '--out', dir]);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('placeholder pods');
      for (const w of loadEnvironment(env).workloads)
        expected.push(`${env}-${w.name}-seed-replay.json`, `${env}-${w.name}-seed-replay.svg`);
    }
    expect(fs.readdirSync(dir).sort()).toEqual(expected.sort());
  });

  test('clear errors for an unknown env, workload or profile, and a malformed CSV', () => {
    const env = plan(['--env', 'nope', '--out', out]);
    expect(env.status).toBe(2);
    expect(env.stderr).toMatch(/known environments: dev, prod, staging/);

    const workload = plan(['--env', 'prod', '--workload', 'nope', '--out', out]);
    expect(workload.status).toBe(2);
    expect(workload.stderr).toContain(
      'unknown workload nope in prod (workloads: order-fulfilment, order-analytics, payment-ledger)',
    );

    const profile = plan(['--env', 'prod', '--profile', 'black-friday', '--out', out]);
    expect(profile.status).toBe(2);
    expect(profile.stderr).toContain(
      'unknown profile black-friday: use one of steady, flash-sale, diurnal, seed-replay or a .csv file',
    );

    const csv = path.join(out, 'bad.csv');
    fs.writeFileSync(csv, 'second,rate\n0,10\n60,-3\n');
    const bad = plan(['--env', 'prod', '--workload', 'payment-ledger', '--profile', csv, '--out', out]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${csv}:3:4: rate must be a number >= 0, got "-3"`);
  });

  test('option errors name the option and the rule, and nothing is written', () => {
    const fresh = path.join(out, 'never-created');
    const tooLong = plan(['--env', 'prod', '--processing-seconds', '45', '--out', fresh]);
    expect(tooLong.status).toBe(2);
    // Every workload is checked; order-analytics (10 s) and order-fulfilment (30 s) both fail.
    expect(tooLong.stderr).toContain(
      '--processing-seconds (45) must be <= maxProcessingSeconds (30) of workload order-fulfilment',
    );
    expect(tooLong.stderr).toContain(
      '--processing-seconds (45) must be <= maxProcessingSeconds (10) of workload order-analytics',
    );
    const negative = plan(['--env', 'prod', '--startup-seconds', '-5', '--out', fresh]);
    expect(negative.status).toBe(2);
    expect(negative.stderr).toContain(
      "option '--startup-seconds <s>' argument '-5' is invalid. must be a number >= 0",
    );
    const zeroRate = plan(['--env', 'prod', '--base-rate', '0', '--out', fresh]);
    expect(zeroRate.status).toBe(2);
    expect(zeroRate.stderr).toContain(
      "option '-r, --base-rate <msg/s>' argument '0' is invalid. must be a number > 0 and <= 1000000 msg/s",
    );
    const missing = plan(['--out', fresh]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("required option '-e, --env <env>' not specified");
    const directory = path.join(out, 'folder.csv');
    fs.mkdirSync(directory, { recursive: true });
    const notAFile = plan(['--env', 'prod', '--profile', directory, '--out', fresh]);
    expect(notAFile.status).toBe(2);
    expect(notAFile.stderr).toContain(`profile file ${directory} does not exist or is not a file`);
    expect(fs.existsSync(fresh)).toBe(false);
  });

  test('in-flight time and start-up are applied and recorded', () => {
    const run = plan([
      '--env',
      'prod',
      '--workload',
      'payment-ledger',
      '--profile',
      'steady',
      '--processing-seconds',
      '2',
      '--startup-seconds',
      '45',
      '--out',
      out,
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('assumed: pod start-up 45 s, 2 s in flight per message');
    const json = JSON.parse(
      fs.readFileSync(path.join(out, 'prod-payment-ledger-steady.json'), 'utf8'),
    ) as ReturnType<typeof buildPlan>['plan'];
    const spec = loadEnvironment('prod');
    const workload = spec.workloads.find((w) => w.name === 'payment-ledger')!;
    const expected = buildPlan(spec, workload, resolveProfile('steady', workload), {
      processingSeconds: 2,
      startupSeconds: 45,
    }).plan;
    expect(json).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(json.processingSeconds).toBe(2);
    expect(json.startupSeconds).toBe(45);
  });
});
