/**
 * The plan's chart. In-process, the vega-lite spec: five panels the same for every environment (arrival and
 * consumption against what maxReplicas allow, backlog, the oldest waiting message against the drain target,
 * replicas against maxReplicas, the seed guide on its own scales), the assumptions in the subtitle and the
 * file name, a style and legend figures per config, and a replica-only series for the reactive bound. Through
 * the CLI, the rendered SVG of each profile read back: the lines of every config, legend swatches in the
 * lines' styles, round ticks, and a flagged run written beside the default one, not over it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import type { SimulationResult } from '../../constructs/scaling';
import { loadEnvironment } from '../../infra/config/environment';
import {
  buildPlan,
  chartSpec,
  flowOf,
  niceTicks,
  planColumns,
  planFileStem,
  resolveProfile,
  type Plan,
  type PlanRun,
  withoutFlatRuns,
} from '../../infra/plan/report';
import { launched } from '../shared/launch';
import { scratchDir } from '../shared/scratch';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');

// ---------------------------------------------------------------------------------------------------------
// The spec, in-process.

interface Encoding {
  readonly field?: string;
  readonly datum?: number;
  readonly title?: string | null;
  readonly scale?: { readonly domain?: unknown[]; readonly range?: unknown[] };
  readonly axis?: { readonly values: number[]; readonly format: string; readonly orient?: string } | null;
  readonly legend?: { readonly labelExpr: string };
}
interface Layer {
  readonly data?: { readonly values: Record<string, unknown>[] };
  readonly transform?: {
    readonly filter: { readonly field: string; readonly equal?: string; readonly oneOf?: string[] };
  }[];
  readonly mark?: { readonly type: string; readonly text?: string; readonly interpolate?: string };
  readonly encoding?: Record<string, Encoding>;
  readonly layer?: Layer[];
}
interface Panel {
  readonly title: { readonly text: string };
  readonly width: number;
  readonly height: number;
  readonly layer: Layer[];
  readonly resolve?: unknown;
}
interface Spec {
  readonly title: { readonly text: string; readonly subtitle: string[] };
  readonly data: { readonly values: { time: number; config: string; replicas: number }[] };
  readonly vconcat: Panel[];
}

const specOf = (plan: Plan, timelines: PlanRun['timelines'], extras?: Parameters<typeof chartSpec>[2]) =>
  chartSpec(plan, timelines, extras) as unknown as Spec;

/** Every layer of a panel, nested ones included. */
const layersOf = (panel: Panel | Layer): Layer[] => (panel.layer ?? []).flatMap((l) => [l, ...layersOf(l)]);
/** The configs a panel draws a line of, and the field. */
const linesOf = (panel: Panel): { config: string; field: string }[] =>
  layersOf(panel)
    .filter((l) => l.mark?.type === 'line')
    .flatMap((l) => l.transform![0].filter.oneOf!.map((config) => ({ config, field: l.encoding!.y.field! })));
const rulesOf = (panel: Panel): number[] =>
  layersOf(panel)
    .filter((l) => l.mark?.type === 'rule')
    .map((l) => l.encoding!.y.datum!);
const textsOf = (panel: Panel): string[] =>
  layersOf(panel)
    .filter((l) => l.mark?.type === 'text')
    .map((l) => l.mark!.text!);
const yTicksOf = (panel: Panel): number[] =>
  layersOf(panel).find((l) => l.encoding?.y)!.encoding!.y.axis!.values;

const runs = new Map<string, PlanRun>();
function planOf(env: string, profile = 'flash-sale'): PlanRun {
  const key = `${env} ${profile}`;
  if (!runs.has(key)) {
    const spec = loadEnvironment(env);
    const workload = spec.workloads.find((w) => w.name === 'order-fulfilment')!;
    runs.set(key, buildPlan(spec, workload, resolveProfile(profile, workload)));
  }
  return runs.get(key)!;
}

const PANEL_TITLES = [
  'arrival (grey) and messages consumed per second (lines)',
  'backlog: messages ready + in flight',
  'oldest waiting message: above the drain target is over target',
  'replicas the Deployment asks for',
  'seed guide (threshold 30, defaults): replicas (line, left), backlog (area, right)',
];

describe('the chart spec', () => {
  test.each(['dev', 'staging', 'prod'])(
    '%s has the same five panels, of the same size, and a three-line subtitle',
    (env) => {
      const { plan, timelines } = planOf(env);
      const spec = specOf(plan, timelines);
      expect(spec.vconcat.map((p) => p.title.text)).toEqual(PANEL_TITLES);
      for (const panel of spec.vconcat) expect([panel.width, panel.height]).toEqual([720, 110]);
      expect(spec.title.subtitle).toHaveLength(3);
      // The same kinds of marks in the same order, whatever the number of configs.
      const kinds = spec.vconcat.map((p) => [...new Set(layersOf(p).map((l) => l.mark?.type ?? 'layer'))]);
      expect(kinds).toEqual([
        ['area', 'line', 'rule', 'text'],
        ['line'],
        ['line', 'rule', 'text'],
        ['line', 'rule', 'text'],
        ['area', 'layer', 'line', 'rule', 'text'],
      ]);
    },
  );

  describe('prod/order-fulfilment in the flash sale', () => {
    // The stack: 50 msg/s per pod, drain target 60 s, replicas 3 to 40, KEDA 2.17.2 (ack-keda 2.17.2),
    // Kubernetes 1.35. The profile: 0.08 × 50 × 40 = 160 msg/s, ten times from minute 30 to 45, 2 h.
    const compared = ['current', 'recommended', 'oracle', 'scheduled'];
    const spec = () => specOf(planOf('prod').plan, planOf('prod').timelines);

    test('the subtitle states the assumptions: start-up, in flight, outage, releases, the workload', () => {
      expect(spec().title.subtitle).toEqual([
        'assumed: pod start-up 20 s, 0 s in flight per message, no metric outage',
        'simulated: KEDA 2.17.2, Kubernetes 1.35 HPA, metrics 30 s old, HPA sync 15 s',
        'workload: 50 msg/s per pod, drain target 60 s, replicas 3 to 40',
      ]);
    });

    test('other flags are stated as given', () => {
      const { plan, timelines } = planOf('prod');
      const flagged = specOf({ ...plan, startupSeconds: 60, processingSeconds: 2.5 }, timelines, {
        assumptions: { outage: { fromSecond: 600, toSecond: 1200, kind: 'empty' } },
      });
      expect(flagged.title.subtitle[0]).toBe(
        'assumed: pod start-up 60 s, 2.5 s in flight per message, metric empty results 600–1200 s for current',
      );
    });

    test('panel 1: the arrival as a grey step area, 160 then 1,600 msg/s, and what each config consumed', () => {
      const panel = spec().vconcat[0];
      const area = panel.layer[0];
      expect(area.mark).toMatchObject({ type: 'area', interpolate: 'step-after' });
      expect(area.encoding!.y.field).toBe('arrival');
      // 7,200 steps in strides of 10 s (at most 720 points): the sale starts on a stride, at minute 30.
      const rate = (minute: number) => area.data!.values.find((v) => v.time === minute)?.arrival;
      expect([rate(0), rate(29.8333), rate(30), rate(44.8333), rate(45)]).toEqual([
        160, 160, 1600, 1600, 160,
      ]);
      expect(linesOf(panel)).toEqual(compared.map((config) => ({ config, field: 'consumed' })));
    });

    test('panel 1: the most maxReplicas consume, 40 × 50 = 2,000 msg/s, a labelled line on round ticks', () => {
      const panel = spec().vconcat[0];
      expect(rulesOf(panel)).toEqual([2000]);
      expect(textsOf(panel)).toEqual(['maxReplicas 40 × 50 msg/s = 2,000 msg/s']);
      expect(yTicksOf(panel)).toEqual([0, 500, 1000, 1500, 2000]);
    });

    test('panel 2: the backlog of each compared config, the seed guide left to its own panel', () => {
      expect(linesOf(spec().vconcat[1])).toEqual(compared.map((config) => ({ config, field: 'backlog' })));
    });

    test('panel 3: the oldest waiting message, against the drain target of 60 s', () => {
      const panel = spec().vconcat[2];
      expect(linesOf(panel)).toEqual(compared.map((config) => ({ config, field: 'oldest' })));
      expect(rulesOf(panel)).toEqual([60]);
      expect(textsOf(panel)).toEqual(['drain target 60 s']);
      expect(yTicksOf(panel).at(-1)).toBeGreaterThanOrEqual(60);
    });

    test('panel 4: replicas as steps, against maxReplicas 40 on ticks 0 to 40', () => {
      const panel = spec().vconcat[3];
      expect(linesOf(panel)).toEqual(compared.map((config) => ({ config, field: 'replicas' })));
      for (const l of layersOf(panel).filter((l) => l.mark?.type === 'line')) {
        expect(l.mark!.interpolate).toBe('step-after');
      }
      expect(rulesOf(panel)).toEqual([40]);
      expect(textsOf(panel)).toEqual(['maxReplicas 40']);
      expect(yTicksOf(panel)).toEqual([0, 10, 20, 30, 40]);
    });

    test('panel 5: the seed guide alone, replicas on the left, backlog on the right, scales its own', () => {
      const panel = spec().vconcat[4];
      expect(panel.resolve).toEqual({ scale: { y: 'independent' }, axis: { y: 'independent' } });
      const area = panel.layer[0];
      expect(area.transform![0].filter.equal).toBe('seed guide');
      expect(area.encoding!.y).toMatchObject({
        field: 'backlog',
        title: 'messages',
        axis: { orient: 'right' },
      });
      expect(linesOf(panel)).toEqual([{ config: 'seed guide', field: 'replicas' }]);
      expect(rulesOf(panel)).toEqual([40]);
    });

    test('each config keeps one colour, dash and width; each drawn later is narrower', () => {
      const color = spec().vconcat[1].layer[0].encoding!;
      const order = [...compared, 'seed guide'];
      expect(color.color.scale).toEqual({
        domain: order,
        range: ['#1f77b4', '#ff7f0e', '#2ca02c', '#8c564b', '#9467bd'],
      });
      expect(color.strokeDash.scale!.range).toEqual([
        [1, 0],
        [8, 4],
        [12, 3, 2, 3],
        [4, 2],
        [1, 0],
      ]);
      expect(color.strokeWidth.scale!.range).toEqual([5, 3.5, 2.5, 1.75, 1.25]);
    });

    test("the legend gives each config's figures from the plan", () => {
      const { plan } = planOf('prod');
      const labelExpr = spec().vconcat[1].layer[0].encoding!.color.legend!.labelExpr;
      for (const c of planColumns(plan)) {
        const s = c.summary;
        const minutes = (s.replicaSeconds / 60).toFixed(1).replace(/\B(?=(\d{3})+\.)/g, ',');
        expect(labelExpr).toContain(
          `"${c.label}: ${s.secondsOverDrainTarget} s over target, p99 wait ${s.p99WaitSeconds} s, ${minutes} replica-min, ${s.scaleEvents} scale events"`,
        );
      }
      // prod's committed config is its plan's recommendation (tests/plan/committed-examples.test.ts): the two runs
      // are the same, and the legend says so.
      expect(labelExpr).toContain('"    (identical to current, drawn inside its line)"');
    });

    test('a config whose run is exactly an earlier one is marked so, and drawn inside it', () => {
      const { plan, timelines } = planOf('prod');
      const twin = specOf(plan, { ...timelines, recommended: timelines.current });
      const encoding = twin.vconcat[1].layer[0].encoding!;
      expect(encoding.color.legend!.labelExpr).toContain(
        '"    (identical to current, drawn inside its line)"',
      );
      // Wide solid current, narrower dashed recommended on top of it.
      expect(encoding.strokeWidth.scale!.range!.slice(0, 2)).toEqual([5, 3.5]);
      expect(encoding.strokeDash.scale!.range!.slice(0, 2)).toEqual([
        [1, 0],
        [8, 4],
      ]);
    });

    test('a replica-only series (the reactive bound) is drawn in the replicas panel and the legend', () => {
      const { plan, timelines } = planOf('prod');
      // 4 pods, 32 during the sale (seconds 1,800 to 2,700): (4 × 6,300 + 32 × 900) / 60 = 900 replica-minutes.
      const points = Array.from({ length: 7200 }, (_, i) => ({
        t: i + 1,
        replicas: i >= 1800 && i < 2700 ? 32 : 4,
      }));
      const withBound = specOf(plan, timelines, {
        replicaSeries: [{ key: 'reactiveBound', label: 'reactive bound', points }],
      });
      const [rate, backlog, age, replicas] = withBound.vconcat;
      expect(linesOf(replicas).map((l) => l.config)).toEqual([...compared, 'reactive bound']);
      for (const panel of [rate, backlog, age]) {
        expect(linesOf(panel).map((l) => l.config)).not.toContain('reactive bound');
      }
      const encoding = backlog.layer[0].encoding!;
      expect(encoding.color.scale!.domain).toEqual([...compared, 'reactive bound', 'seed guide']);
      expect(encoding.color.scale!.range![4]).toBe('#000000');
      expect(encoding.strokeDash.scale!.range![4]).toEqual([2, 2]);
      expect(encoding.strokeWidth.scale!.range).toEqual([5, 3.5, 2.5, 1.75, 1.25, 1]);
      expect(encoding.color.legend!.labelExpr).toContain(
        '"reactive bound: 900.0 replica-min (replicas only)"',
      );
      // In strides of 10 s: 32 pods from the stride ending at second 1,810 (minute 30.1667) to 2,700 (minute
      // 45); the flat runs between keep only their ends.
      const rows = withBound.data.values.filter((v) => v.config === 'reactive bound');
      expect(rows.map((v) => [v.time, v.replicas])).toEqual([
        [0, 4],
        [30, 4],
        [30.1667, 32],
        [45, 32],
        [45.1667, 4],
        [120, 4],
      ]);
    });

    test('maxReplicas far above the replicas is named at the top edge, not drawn: the steps stay readable', () => {
      const { plan, timelines } = planOf('prod');
      const scaling = { ...plan.current.scaling, maxReplicas: 400 };
      const roomy = specOf({ ...plan, current: { ...plan.current, scaling } }, timelines);
      const replicas = roomy.vconcat[3];
      expect(rulesOf(replicas)).toEqual([]);
      expect(textsOf(replicas)).toEqual(['maxReplicas 400: above this scale ↑']);
      expect(yTicksOf(replicas)).toEqual([0, 10, 20, 30, 40]);
    });
  });

  test('a zero backlog gets the axis 0 to 1 in whole messages, not a lone 0.000000 tick', () => {
    const { plan, timelines } = planOf('prod');
    const flat = Object.fromEntries(
      Object.entries(timelines).map(([key, r]) => [
        key,
        { ...r, timeline: r.timeline.map((p) => ({ ...p, backlog: 0, inflight: 0 })) },
      ]),
    );
    const y = specOf(plan, flat).vconcat[1].layer[0].encoding!.y.axis;
    expect(y).toMatchObject({ values: [0, 1], format: ',d' });
  });
});

describe('flowOf: consumption and the oldest waiting message from a timeline', () => {
  const result = (
    arrived: number,
    steps: [arrivalRate: number, backlog: number, inflight: number][],
  ): SimulationResult =>
    ({
      timeline: steps.map(([arrivalRate, backlog, inflight], i) => ({
        t: i + 1,
        arrivalRate,
        backlog,
        inflight,
        replicas: 1,
        readyReplicas: 1,
      })),
      summary: { arrived },
    }) as unknown as SimulationResult;

  test('first in, first out, each step keyed to its start', () => {
    // 10 msg/s in seconds 0–1 and 1–2; the pods fetch 0, 5, 5, 10. Waiting 10, 15, 10, 0.
    // Second 1: the first ten (arrived at 0) wait, age 1. Second 2: 5 of them left, the oldest is still from
    // 0, age 2. Second 3: all ten of 0 left, the oldest arrived at 1, age 2. Second 4: none waits.
    const flow = flowOf(
      result(20, [
        [10, 10, 0],
        [10, 15, 0],
        [0, 10, 0],
        [0, 0, 0],
      ]),
    );
    expect(flow.map((p) => p.oldestWaitingSeconds)).toEqual([1, 2, 2, 0]);
    expect(flow.map((p) => p.consumedPerSecond)).toEqual([0, 5, 5, 10]);
  });

  test('the messages waiting at 0 come first, and in-flight ones no longer wait', () => {
    // 6 wait at 0 (12 arrived, 6 in the steps), 2 msg/s arrive, 3 fetched a second and in flight 1 s.
    // Left the queue: 3, 6, 9. Waiting 5, 4, 3 (backlog 8, 7, 6 with 3 in flight).
    // Second 1: the oldest is one of the 6 (at 0), age 1. Second 2: the 6 are gone, next the 2 of step 0–1,
    // age 2. Second 3: 9 gone (6 + 2 + 1 of step 1–2), the oldest from 1, age 2.
    const flow = flowOf(
      result(12, [
        [2, 8, 3],
        [2, 7, 3],
        [2, 6, 3],
      ]),
    );
    expect(flow.map((p) => p.oldestWaitingSeconds)).toEqual([1, 2, 2]);
    expect(flow.map((p) => p.consumedPerSecond)).toEqual([3, 3, 3]);
  });

  test.each(['dev', 'prod'])(
    "%s: the seconds it finds over the drain target are the simulator's own count, for every config",
    (env) => {
      const { plan, timelines } = planOf(env);
      for (const c of planColumns(plan)) {
        const run = timelines[c.key];
        let over = 0;
        let previous = 0;
        for (const p of flowOf(run)) {
          if (p.oldestWaitingSeconds > plan.targetDrainSeconds) over += p.t - previous;
          previous = p.t;
        }
        expect([c.key, over]).toEqual([c.key, run.summary.secondsOverDrainTarget]);
      }
    },
  );
});

describe('withoutFlatRuns', () => {
  test('drops the inner points of a run of equal values, keeping both ends of every run', () => {
    const rows = [
      { time: 0, v: 1 },
      { time: 1, v: 1 },
      { time: 2, v: 1 },
      { time: 3, v: 2 },
      { time: 4, v: 2 },
      { time: 5, v: 2 },
      { time: 6, v: 2 },
      { time: 7, v: 3 },
    ];
    expect(withoutFlatRuns(rows).map((r) => r.time)).toEqual([0, 2, 3, 6, 7]);
  });
});

describe('planFileStem', () => {
  const plan = {
    environment: 'prod',
    workload: 'order-fulfilment',
    profile: 'flash-sale',
    startupSeconds: 20,
    processingSeconds: 0,
  };
  test.each<[string, Partial<typeof plan>, Parameters<typeof planFileStem>[1], string]>([
    ['the defaults', {}, {}, 'prod-order-fulfilment-flash-sale'],
    ['the default start-up given', { startupSeconds: 20 }, {}, 'prod-order-fulfilment-flash-sale'],
    ['a start-up', { startupSeconds: 60 }, {}, 'prod-order-fulfilment-flash-sale-startup-seconds-60'],
    [
      'an in-flight time',
      { processingSeconds: 0.2 },
      {},
      'prod-order-fulfilment-flash-sale-processing-seconds-0.2',
    ],
    [
      'a tiny in-flight time',
      { processingSeconds: 1e-7 },
      {},
      'prod-order-fulfilment-flash-sale-processing-seconds-0.0000001',
    ],
    ['a base rate', {}, { baseRatePerSecond: 500 }, 'prod-order-fulfilment-flash-sale-base-rate-500'],
    [
      'an outage of errors',
      {},
      { outage: { fromSecond: 600, toSecond: 1200, kind: 'error' } },
      'prod-order-fulfilment-flash-sale-outage-600-1200',
    ],
    [
      'an outage of empty results',
      {},
      { outage: { fromSecond: 600, toSecond: 1200, kind: 'empty' } },
      'prod-order-fulfilment-flash-sale-outage-600-1200-empty',
    ],
    [
      'every flag, in the fixed order',
      { startupSeconds: 45, processingSeconds: 2 },
      { baseRatePerSecond: 12.5, outage: { fromSecond: 0, toSecond: 60, kind: 'error' } },
      'prod-order-fulfilment-flash-sale-base-rate-12.5-processing-seconds-2-startup-seconds-45-outage-0-60',
    ],
    [
      'a CSV named with spaces and a slash',
      { profile: 'my sale/ 2' },
      {},
      'prod-order-fulfilment-my_sale__2',
    ],
  ])('%s', (_, changes, assumptions, stem) => {
    expect(planFileStem({ ...plan, ...changes }, assumptions)).toBe(stem);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The rendered SVG, through the CLI.

const out = scratchDir('apsaramq-keda-chart-');
const csv = path.join(out, 'sale.csv');
fs.writeFileSync(csv, 'second,rate\n0,100\n120,400\n600,50\n');

function render(args: string[], stem: string): { svg: Element; plan: Plan } {
  const [node, script] = launched('infra/plan/cli.ts');
  const run = spawnSync(node, [...script, ...args, '--out', out], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`plan ${args.join(' ')} failed: ${run.stderr}`);
  return readBack(stem);
}

function readBack(stem: string): { svg: Element; plan: Plan } {
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
  return byClass(svg, 'role-axis').map((axis) => ({
    title: byClass(axis, 'role-axis-title').map(text).join(''),
    labels: byClass(axis, 'role-axis-label').flatMap((g) => all(g, 'text').map(text)),
  }));
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

describe.each(cases)('the rendered %s chart', (_, args, stem, time) => {
  let rendered: { svg: Element; plan: Plan } | undefined;
  const chart = () =>
    (rendered ??= render(['--env', 'prod', '--workload', 'order-fulfilment', ...args], stem));

  test('each compared config has its four lines, the seed guide its one, each config in its own style', () => {
    const { svg, plan } = chart();
    const labels = planColumns(plan).map((c) => c.label);
    // prod/order-fulfilment schedules double-eleven: a profile with a known peak (flash-sale) adds its column.
    const scheduled = stem.endsWith('-flash-sale') ? ['scheduled'] : [];
    expect(labels).toEqual(['current', 'recommended', 'seed guide', 'oracle', ...scheduled]);
    const drawn = lines(svg);
    // Consumed, backlog, oldest waiting and replicas; the seed guide's replicas in its own panel.
    for (const label of labels) {
      expect(drawn.filter((l) => l.config === label)).toHaveLength(label === 'seed guide' ? 1 : 4);
    }
    // Colour and dash tell the configs apart; each later line is narrower, so none hides one drawn before it.
    const order = ['current', 'recommended', 'oracle', ...scheduled, 'seed guide'];
    const styles = order.map((label) => drawn.find((l) => l.config === label)!);
    expect(new Set(styles.map((s) => `${s.stroke} ${s.dash}`)).size).toBe(order.length);
    const widths = styles.map((s) => Number(s.width));
    for (let i = 1; i < widths.length; i += 1) expect(widths[i]).toBeLessThan(widths[i - 1]);
    // And drawn in that order in every panel (the SVG's order is the drawing order): the narrower on top.
    const compared = order.filter((label) => label !== 'seed guide');
    // (The arrival area's outline is a line of no config.)
    expect(drawn.map((l) => l.config).filter((c) => c !== '')).toEqual([
      ...compared, // consumed
      ...compared, // backlog
      ...compared, // oldest waiting
      ...compared,
      'reactive bound', // replicas
      'seed guide',
    ]);
  });

  test('the legend lists the configs with swatches in the style of their lines', () => {
    const { svg, plan } = chart();
    const entries = byClass(svg, 'role-legend-symbol').map((g) => all(g, 'path')[0]);
    const names = byClass(svg, 'role-legend-label').map((l) => text(l).split(':')[0]);
    const labels = planColumns(plan).map((c) => c.label);
    // The reactive bound (a replica series the CLI adds) before the seed guide, which has its own panel.
    expect(names).toEqual([...labels.filter((l) => l !== 'seed guide'), 'reactive bound', 'seed guide']);
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
    // Five time axes, the bottom one titled; the y axes in panel order.
    expect(found.filter((a) => a.labels.length > 0).map((a) => a.title)).toEqual([
      '',
      'msg/s',
      '',
      'messages',
      '',
      'seconds',
      '',
      'pods',
      `time (${time.unit})`,
      'messages',
      'pods',
    ]);
    const columns = planColumns(plan);
    const seed = columns.find((c) => c.label === 'seed guide')!.summary;
    const compared = columns.filter((c) => c.label !== 'seed guide').map((c) => c.summary);
    const ticksOf = (axis: { labels: string[] }) => axis.labels.map(tickValue);
    const labelled = found.filter((a) => a.labels.length > 0);
    for (const axis of labelled) {
      const ticks = ticksOf(axis);
      expect(ticks[0]).toBe(0);
      for (let i = 1; i < ticks.length; i += 1) expect(ticks[i]).toBeGreaterThan(ticks[i - 1]);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(13);
      expect(axis.labels.join(' ')).not.toMatch(/\.\d{3,}/);
    }
    for (const axis of labelled.filter((a) => a.title === '' || a.title.startsWith('time'))) {
      const last = ticksOf(axis).at(-1)!;
      expect(last).toBeLessThanOrEqual(time.end);
      expect(last).toBeGreaterThan(time.end / 2);
    }
    const top = (i: number) => ticksOf(labelled[i]).at(-1)!;
    expect(top(3)).toBeGreaterThanOrEqual(Math.max(...compared.map((s) => s.peakBacklog)));
    expect(top(5)).toBeGreaterThanOrEqual(
      Math.max(plan.targetDrainSeconds, ...compared.map((s) => s.maxWaitSeconds - 1)),
    );
    expect(top(7)).toBeGreaterThanOrEqual(Math.max(...compared.map((s) => s.peakReplicas)));
    expect(top(9)).toBeGreaterThanOrEqual(seed.peakBacklog);
    expect(top(10)).toBeGreaterThanOrEqual(seed.peakReplicas);
  });

  test('the title names the workload and profile, never a machine path; the subtitle the assumptions', () => {
    const { svg, plan } = chart();
    const title = byClass(svg, 'role-title-text').map(text);
    expect(title.filter((t) => !PANEL_TITLES.includes(t))).toEqual([
      `prod/order-fulfilment: ${plan.profile} (${plan.profileDescription})`,
    ]);
    expect(title.filter((t) => PANEL_TITLES.includes(t))).toEqual(PANEL_TITLES);
    expect(title.join(' ')).not.toContain(out);
    expect(title.join(' ')).not.toContain(os.tmpdir());
    const subtitle = byClass(svg, 'role-title-subtitle').map(text).join('\n');
    expect(subtitle).toContain('assumed: pod start-up 20 s, 0 s in flight per message, no metric outage');
    expect(subtitle).toContain('drain target 60 s, replicas 3 to 40');
  });
});

test('a config that never drains says so in the legend, its wait a lower bound; the base rate names the file', () => {
  const { svg } = render(
    ['--env', 'dev', '--profile', 'flash-sale', '--base-rate', '500'],
    'dev-order-fulfilment-flash-sale-base-rate-500',
  );
  const legend = byClass(svg, 'role-legend-label').map(text).join('\n');
  expect(legend).toMatch(/current: [\d,]+ s over target, p99 wait ≥[\d,]+ s/);
  expect(legend).toMatch(/never drained: [\d,]+ msgs still waiting at the end/);
  expect(legend).toContain('oracle: 0 s over target, p99 wait 1 s');
});

test('a run with another start-up writes its own files and leaves the default run alone', () => {
  const stem = 'prod-order-fulfilment-flash-sale';
  // The flash-sale case above wrote the default run into the same folder (unless run alone).
  if (!fs.existsSync(path.join(out, `${stem}.svg`))) {
    render(['--env', 'prod', '--workload', 'order-fulfilment'], stem);
  }
  const before = fs.readFileSync(path.join(out, `${stem}.svg`), 'utf8');
  const { svg, plan } = render(
    ['--env', 'prod', '--workload', 'order-fulfilment', '--startup-seconds', '60'],
    `${stem}-startup-seconds-60`,
  );
  expect(plan.startupSeconds).toBe(60);
  expect(byClass(svg, 'role-title-subtitle').map(text).join('\n')).toContain('pod start-up 60 s');
  expect(fs.readFileSync(path.join(out, `${stem}.svg`), 'utf8')).toBe(before);
  expect(readBack(stem).plan.startupSeconds).toBe(20);
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
});
