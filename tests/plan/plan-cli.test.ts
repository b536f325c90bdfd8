import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { listEnvironments, loadEnvironment } from '../../infra/config/environment';
import { buildPlan, formatPlanTable, resolveProfile } from '../../infra/plan/report';
import { launched } from '../shared/launch';
import { scratchDir } from '../shared/scratch';

jest.setTimeout(60_000);

const root = path.resolve(__dirname, '../..');
const [node, script] = launched('infra/plan/cli.ts');

function plan(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(node, [...script, ...args], {
    cwd: root,
    encoding: 'utf8',
  });
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
  const out = scratchDir('apsaramq-keda-plan-');

  test('writes the chart and the numbers, and prints the same numbers', () => {
    const run = plan(['--env', 'prod', '--workload', 'payment-ledger', '--profile', 'steady', '--out', out]);
    expect(run.stderr).not.toMatch(/^plan:/m);
    expect(run.status).toBe(0);
    const svg = fs.readFileSync(path.join(out, 'prod-payment-ledger-steady.svg'), 'utf8');
    const chart = parseSvg(svg);
    expect(chart.root).toBe('svg');
    expect(chart.text).toContain('prod/payment-ledger: steady');
    for (const series of [
      'current',
      'recommended',
      'seed guide',
      'oracle',
      'backlog: messages ready + in flight',
      'replicas the Deployment asks for',
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
    const dir = scratchDir('apsaramq-keda-plan-all-');
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

  const badCsv = path.join(out, 'bad.csv');
  fs.writeFileSync(badCsv, 'second,rate\n0,10\n60,-3\n');
  const folderCsv = path.join(out, 'folder.csv');
  fs.mkdirSync(folderCsv, { recursive: true });

  test.each<[string, string[], string[]]>([
    ['an unknown environment', ['--env', 'nope'], [`known environments: ${listEnvironments().join(', ')}`]],
    ['a missing --env', [], ["required option '-e, --env <env>' not specified"]],
    [
      'an unknown workload',
      ['--env', 'prod', '--workload', 'nope'],
      ['unknown workload nope in prod (workloads: order-fulfilment, order-analytics, payment-ledger)'],
    ],
    [
      'an unknown profile',
      ['--env', 'prod', '--profile', 'black-friday'],
      ['unknown profile black-friday: use one of steady, flash-sale, diurnal, seed-replay or a .csv file'],
    ],
    [
      'a malformed CSV, by line and column',
      ['--env', 'prod', '--workload', 'payment-ledger', '--profile', badCsv],
      [`${badCsv}:3:4: rate must be a number >= 0, got "-3"`],
    ],
    [
      'a .csv that is not a file',
      ['--env', 'prod', '--profile', folderCsv],
      [`profile file ${folderCsv} does not exist or is not a file`],
    ],
    [
      // Every workload is checked: order-fulfilment (30 s) and order-analytics (10 s) both fail.
      'an in-flight time above maxProcessingSeconds',
      ['--env', 'prod', '--processing-seconds', '45'],
      [
        '--processing-seconds (45) must be <= maxProcessingSeconds (30) of workload order-fulfilment',
        '--processing-seconds (45) must be <= maxProcessingSeconds (10) of workload order-analytics',
      ],
    ],
    [
      'a negative start-up',
      ['--env', 'prod', '--startup-seconds', '-5'],
      [
        "option '--startup-seconds <s>' argument '-5' is invalid. must be an integer from 0 to 3600 seconds, in plain decimal digits",
      ],
    ],
    [
      'a base rate of 0',
      ['--env', 'prod', '--base-rate', '0'],
      [
        "option '-r, --base-rate <msg/s>' argument '0' is invalid. must be a number above 0 up to 1000000 msg/s, in plain decimal digits, optionally with a fraction",
      ],
    ],
  ])('refuses %s with exit code 2 and a message naming it, writing nothing', (_, args, messages) => {
    const fresh = path.join(out, 'never-created');
    const run = plan([...args, '--out', fresh]);
    expect(run.status).toBe(2);
    for (const message of messages) expect(run.stderr).toContain(message);
    expect(fs.existsSync(fresh)).toBe(false);
  });

  // Numbers a human never means: the whole of stderr is the one line naming flag and range.
  test.each<[string, string[], string]>([
    [
      'a start-up of 1e9 seconds',
      ['--startup-seconds', '1e9'],
      "error: option '--startup-seconds <s>' argument '1e9' is invalid. must be an integer from 0 to 3600 seconds, in plain decimal digits",
    ],
    [
      'an outage to 1e23',
      ['--outage', '0-1e23'],
      "error: option '--outage <from-to[:empty]>' argument '0-1e23' is invalid. must be <from>-<to>[:empty], integers from 0 to 604800 seconds with from < to, in plain decimal digits",
    ],
    [
      'an outage to 10^23 in digits',
      ['--outage', '0-100000000000000000000000'],
      "error: option '--outage <from-to[:empty]>' argument '0-100000000000000000000000' is invalid. must be <from>-<to>[:empty], integers from 0 to 604800 seconds with from < to, in plain decimal digits",
    ],
    [
      'a base rate in hex',
      ['--base-rate', '0x10'],
      "error: option '-r, --base-rate <msg/s>' argument '0x10' is invalid. must be a number above 0 up to 1000000 msg/s, in plain decimal digits, optionally with a fraction",
    ],
    [
      // The steady profile lasts one hour; the same line once, not once per workload.
      'an outage past the end of the profile',
      ['--profile', 'steady', '--outage', '3000-4000'],
      'plan: --outage (3000-4000) must lie within the profile steady: 0 <= from < to <= 3600 seconds',
    ],
  ])('refuses %s: exit 2, stderr exactly the line, nothing written', (_, args, line) => {
    const fresh = path.join(out, 'never-created');
    const run = plan(['--env', 'prod', ...args, '--out', fresh]);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 2, stderr: `${line}\n` });
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
    expect(run.stdout).toContain(
      'assumed: pod start-up 45 s, 2 s in flight per message, a removed pod lingers 60 s (maxProcessingSeconds)',
    );
    // Named after the flags, beside (not over) the default run's files that the first test wrote.
    const json = JSON.parse(
      fs.readFileSync(
        path.join(out, 'prod-payment-ledger-steady-processing-seconds-2-startup-seconds-45.json'),
        'utf8',
      ),
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
