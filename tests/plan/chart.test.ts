/**
 * The chart of each profile, rendered by the CLI and read back from its SVG: the series of every config in both
 * panels, legend swatches that are the lines' own styles, axes with units, round ticks from 0 past the peak,
 * a time axis that ends with the run, and no machine path in the title.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { loadEnvironment } from '../../infra/config/environment';
import {
  buildPlan,
  chartSpec,
  niceTicks,
  planColumns,
  resolveProfile,
  type Plan,
} from '../../infra/plan/report';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-chart-'));
const csv = path.join(out, 'sale.csv');
fs.writeFileSync(csv, 'second,rate\n0,100\n120,400\n600,50\n');

function render(args: string[], stem: string): { svg: Element; plan: Plan } {
  const run = spawnSync(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    [path.join(root, 'infra', 'plan', 'cli.ts'), ...args, '--out', out],
    { cwd: root, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`plan ${args.join(' ')} failed: ${run.stderr}`);
  const document = new DOMParser({
    onError: (level, message) => {
      throw new Error(`SVG ${level}: ${message}`);
    },
  }).parseFromString(fs.readFileSync(path.join(out, `${stem}.svg`), 'utf8'), 'image/svg+xml');
  const plan = JSON.parse(fs.readFileSync(path.join(out, `${stem}.json`), 'utf8')) as Plan;
  return { svg: document.documentElement!, plan };
}

function all(node: Element, tag: string): Element[] {
  return Array.from(node.getElementsByTagName(tag));
}

/** Elements (any tag) whose class list holds `token`. */
function byClass(node: Element, token: string): Element[] {
  return all(node, '*').filter((e) => (e.getAttribute('class') ?? '').split(/\s+/).includes(token));
}

const text = (node: Element): string => (node.textContent ?? '').trim();

/** The line paths, by the config named in their aria-label (vega writes "...; config: <label>"). */
function lines(svg: Element): { config: string; stroke: string; width: string; dash: string }[] {
  return byClass(svg, 'mark-line').flatMap((group) =>
    all(group, 'path').map((p) => ({
      config: /config: (.*)$/.exec(p.getAttribute('aria-label') ?? '')?.[1] ?? '',
      stroke: p.getAttribute('stroke') ?? '',
      width: p.getAttribute('stroke-width') ?? '',
      dash: p.getAttribute('stroke-dasharray') ?? '',
    })),
  );
}

/** Each axis: its title and its tick labels. */
function axes(svg: Element): { title: string; labels: string[] }[] {
  // vega-lite draws each grid as an axis of its own, without title or labels: those are left out.
  return byClass(svg, 'role-axis')
    .map((axis) => ({
      title: byClass(axis, 'role-axis-title').map(text).join(''),
      labels: byClass(axis, 'role-axis-label').flatMap((g) => all(g, 'text').map(text)),
    }))
    .filter((axis) => axis.title !== '');
}

/** A tick label as a number: "1,500", "50k", "1.5M". */
function tickValue(label: string): number {
  const match = /^(-?[\d,.]+)([kM]?)$/.exec(label);
  if (match === null) throw new Error(`tick label ${JSON.stringify(label)} is not a round number`);
  return Number(match[1].replace(/,/g, '')) * { '': 1, k: 1e3, M: 1e6 }[match[2] as '' | 'k' | 'M'];
}

const cases: [string, string[], string, { unit: string; end: number }][] = [
  ['steady', ['--profile', 'steady'], 'prod-order-fulfilment-steady', { unit: 'minutes', end: 60 }],
  [
    'flash-sale',
    ['--profile', 'flash-sale'],
    'prod-order-fulfilment-flash-sale',
    { unit: 'minutes', end: 120 },
  ],
  ['diurnal', ['--profile', 'diurnal'], 'prod-order-fulfilment-diurnal', { unit: 'hours', end: 24 }],
  [
    'seed-replay',
    ['--profile', 'seed-replay'],
    'prod-order-fulfilment-seed-replay',
    { unit: 'minutes', end: 15 },
  ],
  // The title says "3 rows from sale.csv": the file's name, not the temporary directory it is in.
  ['a CSV file', ['--profile', csv], 'prod-order-fulfilment-sale', { unit: 'minutes', end: 11 }],
];

describe.each(cases)('the %s chart', (_, args, stem, time) => {
  let rendered: { svg: Element; plan: Plan } | undefined;
  const chart = () =>
    (rendered ??= render(['--env', 'prod', '--workload', 'order-fulfilment', ...args], stem));

  test('every config has a backlog line and a replicas line, each in its own style', () => {
    const { svg, plan } = chart();
    const labels = planColumns(plan).map((c) => c.label);
    // prod/order-fulfilment schedules double-eleven: a profile with a known peak (flash-sale) adds its column.
    const scheduled = stem.endsWith('-flash-sale') ? ['scheduled'] : [];
    expect(labels).toEqual(['current', 'recommended', 'seed guide', 'oracle', ...scheduled]);
    const drawn = lines(svg);
    for (const label of labels) expect(drawn.filter((l) => l.config === label)).toHaveLength(2);
    // Colour and dash tell the configs apart; each later line is narrower, so none hides one drawn before it.
    const styles = labels.map((label) => drawn.find((l) => l.config === label)!);
    expect(new Set(styles.map((s) => `${s.stroke} ${s.dash}`)).size).toBe(labels.length);
    const widths = styles.map((s) => Number(s.width));
    for (let i = 1; i < widths.length; i += 1) expect(widths[i]).toBeLessThan(widths[i - 1]);
  });

  test('the legend lists the configs with swatches in the style of their lines', () => {
    const { svg, plan } = chart();
    const entries = byClass(svg, 'role-legend-symbol').map((g) => all(g, 'path')[0]);
    const names = byClass(svg, 'role-legend-label').map(text);
    expect(names).toEqual(planColumns(plan).map((c) => c.label));
    const drawn = lines(svg);
    names.forEach((name, i) => {
      const line = drawn.find((l) => l.config === name)!;
      expect({
        stroke: entries[i].getAttribute('stroke'),
        width: entries[i].getAttribute('stroke-width'),
        dash: entries[i].getAttribute('stroke-dasharray'),
      }).toEqual({ stroke: line.stroke, width: line.width, dash: line.dash });
    });
  });

  test('axes carry units, start at 0 with round ticks past the peak, and time ends with the run', () => {
    const { svg, plan } = chart();
    const found = axes(svg);
    expect(found.map((a) => a.title).sort()).toEqual(
      [
        'backlog (messages, ready + in flight)',
        'replicas (pods)',
        `time (${time.unit})`,
        `time (${time.unit})`,
      ].sort(),
    );
    const columns = planColumns(plan);
    const peaks: Record<string, number> = {
      'backlog (messages, ready + in flight)': Math.max(...columns.map((c) => c.summary.peakBacklog)),
      'replicas (pods)': Math.max(...columns.map((c) => c.summary.peakReplicas)),
    };
    const ticksOf = (axis: { labels: string[] }) => axis.labels.map(tickValue);
    for (const axis of found) {
      const ticks = ticksOf(axis);
      expect(ticks[0]).toBe(0);
      for (let i = 1; i < ticks.length; i += 1) expect(ticks[i]).toBeGreaterThan(ticks[i - 1]);
      expect(axis.labels.join(' ')).not.toMatch(/\.\d{3,}/);
    }
    for (const axis of found.filter((a) => a.title.startsWith('time'))) {
      const last = ticksOf(axis).at(-1)!;
      expect(last).toBeLessThanOrEqual(time.end);
      expect(last).toBeGreaterThan(time.end / 2);
    }
    for (const axis of found.filter((a) => !a.title.startsWith('time'))) {
      const ticks = ticksOf(axis);
      expect(ticks.at(-1)).toBeGreaterThanOrEqual(peaks[axis.title]);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(12);
    }
  });

  test('the title names the workload and profile, never a machine path; the subtitle gives each wait', () => {
    const { svg, plan } = chart();
    const title = byClass(svg, 'role-title-text').map(text).join(' ');
    expect(title).toBe(`prod/order-fulfilment: ${plan.profile} (${plan.profileDescription})`);
    expect(title).not.toContain(out);
    expect(title).not.toContain(os.tmpdir());
    const subtitle = byClass(svg, 'role-title-subtitle').map(text).join('\n');
    for (const c of planColumns(plan)) expect(subtitle).toContain(`${c.label}: `);
  });
});

test('a config that never drains says so in the chart, with its waits as lower bounds', () => {
  const { svg } = render(
    ['--env', 'dev', '--profile', 'flash-sale', '--base-rate', '500'],
    'dev-order-fulfilment-flash-sale',
  );
  const subtitle = byClass(svg, 'role-title-subtitle').map(text).join('\n');
  expect(subtitle).toMatch(/current: never drained, p99 wait ≥[\d,]+ s \([\d,]+ msgs still waiting\)/);
  expect(subtitle).toContain('oracle: p99 wait 1 s');
});

describe('axis ticks', () => {
  test.each<[number, boolean, number[]]>([
    [0, true, [0]],
    [1, true, [0, 1]],
    [6, true, [0, 2, 4, 6]],
    [40, true, [0, 10, 20, 30, 40]],
    [134_750, true, [0, 50_000, 100_000, 150_000]],
    [0.7, false, [0, 0.2, 0.4, 0.6, 0.8]],
  ])('niceTicks(%p) reach past the peak in round steps', (max, integer, ticks) => {
    expect(niceTicks(max, 5, integer)).toEqual(ticks);
  });

  test('a zero backlog gets the axis 0 to 1 in whole messages, not a lone 0.000000 tick', () => {
    const spec = loadEnvironment('prod');
    const workload = spec.workloads.find((w) => w.name === 'order-fulfilment')!;
    const run = buildPlan(spec, workload, resolveProfile('seed-replay', workload));
    const flat = Object.fromEntries(
      Object.entries(run.timelines).map(([key, r]) => [
        key,
        { ...r, timeline: r.timeline.map((p) => ({ ...p, backlog: 0 })) },
      ]),
    );
    const chart = chartSpec(run.plan, flat) as {
      vconcat: { layer: { encoding: { y: { axis: { values: number[]; format: string } } } }[] }[];
    };
    const y = chart.vconcat[0].layer[0].encoding.y.axis;
    expect(y).toMatchObject({ values: [0, 1], format: ',d' });
  });
});
