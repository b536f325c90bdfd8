/**
 * The plan as a vega-lite chart, rendered to SVG with vega: the same five panels over one time axis for every
 * environment and profile, each naming what it shows.
 */
import {
  DEFAULT_HPA_SYNC_SECONDS,
  DEFAULT_KEDA_VERSION,
  DEFAULT_KUBERNETES_VERSION,
  DEFAULT_METRIC_STALENESS_SECONDS,
  DEFAULT_POD_STARTUP_SECONDS,
  DRAINED_EPSILON,
  type SimulationResult,
  type SimulationSummary,
} from '../../constructs/scaling';
import { planColumns, type Plan, type PlanColumn, type PlanOptions, type PlanRun } from './plan';
import { fmt } from './table';

/** Colour and dash per column key; a key not listed takes the next of FALLBACK_STYLES. */
const KEY_STYLES: Readonly<Record<string, { color: string; dash: readonly number[] }>> = {
  current: { color: '#1f77b4', dash: [1, 0] },
  recommended: { color: '#ff7f0e', dash: [8, 4] },
  seedGuide: { color: '#9467bd', dash: [1, 0] },
  oracle: { color: '#2ca02c', dash: [12, 3, 2, 3] },
  scheduled: { color: '#8c564b', dash: [4, 2] },
  reactiveBound: { color: '#000000', dash: [2, 2] },
};
const FALLBACK_STYLES = [
  { color: '#d62728', dash: [6, 2, 2, 2] },
  { color: '#17becf', dash: [3, 3] },
  { color: '#7f7f7f', dash: [10, 2] },
] as const;

/**
 * Line widths in drawing order: every later line is narrower, so one that runs on top of another (identical
 * configs, the oracle's zero backlog) leaves the wider one showing on both sides. Beyond the list, the last.
 */
const DRAW_WIDTHS = [5, 3.5, 2.5, 1.75, 1.25, 1, 0.75] as const;

/** Every panel is this wide and high, whatever the environment, so every chart has the same layout. */
const PANEL_WIDTH = 720;
const PANEL_HEIGHT = 110;

/** Pixels for a y axis's tick labels, whatever their length. */
const Y_AXIS_EXTENT = 40;

/** At most this many points a series: one per pixel of the panels' width, so the SVG stays light. */
const MAX_CHART_POINTS = PANEL_WIDTH;

/** Up to this long a run is drawn in minutes, beyond in hours. */
const MINUTES_AXIS_UP_TO_SECONDS = 3 * 3600;

/**
 * A reference line (maxReplicas, the consumption it allows) joins its panel's scale while it is at most this
 * many times the panel's peak; higher, it would squash the series into the bottom of the panel, so the panel
 * names it at its top edge instead.
 */
const REFERENCE_LINE_MAX_HEADROOM = 2;

/** Floating-point slack when the chart finds the oldest waiting message from the timeline's totals. */
const MESSAGE_SLACK = 1e-6;

/**
 * A replica timeline without a simulation behind it (the reactive bound): drawn in the replicas panel only,
 * in the legend with its replica-minutes.
 */
export interface ReplicaSeries {
  /** Style key (`reactiveBound` has its own style; another key takes a fallback one). */
  readonly key: string;
  /** Legend label. */
  readonly label: string;
  /** Replicas during each step that ends at `t` (seconds), as `TimelinePoint` has them. */
  readonly points: readonly { readonly t: number; readonly replicas: number }[];
  /** One more phrase for the legend, after the replica-minutes. @default none */
  readonly note?: string;
}

/** What the plan was given beyond the stack file, as far as it changes the result. */
export interface ChartAssumptions {
  /** `--base-rate`, only when it changed the profile's traffic from the workload's default. @default none */
  readonly baseRatePerSecond?: number;
  /** `--outage`, which the current config lives through. @default none */
  readonly outage?: PlanOptions['outage'];
}

/** What the chart needs beyond the plan's columns. */
export interface ChartExtras {
  /** @default {} */
  readonly assumptions?: ChartAssumptions;
  /** Replica timelines to draw beside the columns (the reactive bound). @default [] */
  readonly replicaSeries?: readonly ReplicaSeries[];
}

/** A number as plain decimal digits, never an exponent, for file names. */
function plainDecimal(n: number): string {
  const text = String(n);
  if (!/e/i.test(text)) return text;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

/** Keeps [A-Za-z0-9._-] and turns every other character into `_`, so the name is one safe path segment. */
function safeSegment(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9._-]/g, '_');
  // "." and ".." are not file names; a leading dot would hide the file.
  return safe.replace(/^\./, '_');
}

/**
 * The file name (without extension) of a plan's chart and numbers: `<env>-<workload>-<profile>` followed by
 * every flag that changed the result from the defaults, as the flag and its value (`-startup-seconds-60`), in
 * one fixed order. The same plan always gets the same name, and two plans that differ get different names.
 */
export function planFileStem(
  plan: Pick<Plan, 'environment' | 'workload' | 'profile' | 'startupSeconds' | 'processingSeconds'>,
  assumptions: ChartAssumptions = {},
): string {
  const parts = [plan.environment, plan.workload, plan.profile];
  if (assumptions.baseRatePerSecond !== undefined) {
    parts.push('base-rate', plainDecimal(assumptions.baseRatePerSecond));
  }
  if (plan.processingSeconds !== 0) parts.push('processing-seconds', plainDecimal(plan.processingSeconds));
  if (plan.startupSeconds !== DEFAULT_POD_STARTUP_SECONDS) {
    parts.push('startup-seconds', plainDecimal(plan.startupSeconds));
  }
  const { outage } = assumptions;
  if (outage !== undefined) {
    parts.push(
      'outage',
      `${plainDecimal(outage.fromSecond)}-${plainDecimal(outage.toSecond)}`,
      ...(outage.kind === 'empty' ? ['empty'] : []),
    );
  }
  return safeSegment(parts.join('-'));
}

/** Tick values 0, step, 2·step … to the first at or above `max`, a 1-2-2.5-5 step giving about `count` ticks. */
export function niceTicks(max: number, count = 5, integer = false): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const round = ([1, 2, 2.5, 5, 10].find((f) => f * magnitude >= raw) ?? 10) * magnitude;
  const step = integer ? Math.max(1, Math.ceil(round)) : round;
  const ticks: number[] = [];
  for (let i = 0; ticks.length === 0 || ticks[ticks.length - 1] < max; i += 1) {
    ticks.push(Number((i * step).toPrecision(12)));
  }
  return ticks;
}

/** A run's x axis: minutes up to 3 h, hours beyond; the domain is the run, the ticks fall on round times. */
function timeAxis(durationSeconds: number): { unit: number; title: string; max: number; ticks: number[] } {
  if (durationSeconds <= MINUTES_AXIS_UP_TO_SECONDS) {
    const max = durationSeconds / 60;
    const step = [1, 2, 5, 10, 15, 30].find((s) => max / s <= 12) ?? 30;
    const ticks = Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
    return { unit: 60, title: 'time (minutes)', max, ticks };
  }
  const max = durationSeconds / 3600;
  const step = [1, 2, 3, 6, 12, 24].find((s) => max / s <= 12) ?? 24;
  const ticks = Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
  return { unit: 3600, title: 'time (hours)', max, ticks };
}

/** One step of a run as the chart reads it: what left the waiting queue, and the oldest message still in it. */
export interface FlowPoint {
  /** Second of the step's end. */
  readonly t: number;
  /** Messages per second that left the waiting queue in the step (fetched by the pods or an outside consumer). */
  readonly consumedPerSecond: number;
  /** Age at the step's end of the oldest message still waiting to be fetched; 0 when none waits. */
  readonly oldestWaitingSeconds: number;
}

/**
 * The consumption and the oldest waiting message of every step, from the timeline's totals: messages are
 * fetched first in, first out (as the simulator's ledger takes them), each step's arrivals are keyed to the
 * step's start, and the messages waiting at t = 0 (the summary's arrivals beyond the timeline's) to 0. So
 * the oldest waiting message after step i is the first arrival not among the `arrived − waiting` that have
 * left the queue by then, and its age counts towards the drain target as the summary's
 * `secondsOverDrainTarget` counts it.
 */
export function flowOf(result: SimulationResult): FlowPoint[] {
  const { consumedPerSecond, oldestWaitingSeconds } = flowColumns(result);
  return result.timeline.map((p, i) => ({
    t: p.t,
    consumedPerSecond: consumedPerSecond[i],
    oldestWaitingSeconds: oldestWaitingSeconds[i],
  }));
}

/** flowOf as two columns, one value per timeline point: no object per second (a day's run has 86,400). */
export function flowColumns(result: SimulationResult): {
  readonly consumedPerSecond: Float64Array;
  readonly oldestWaitingSeconds: Float64Array;
} {
  const { timeline, summary } = result;
  const n = timeline.length;
  // Each arrival's key (the second its step starts) and the running total through it, first in, first out.
  const keys = new Float64Array(n + 1);
  const cumulative = new Float64Array(n + 1);
  let count = 0;
  let previousT = 0;
  let arrivedInSteps = 0;
  for (const p of timeline) {
    arrivedInSteps += p.arrivalRate * (p.t - previousT);
    previousT = p.t;
  }
  const initial = Math.max(0, summary.arrived - arrivedInSteps);
  let total = 0;
  if (initial > MESSAGE_SLACK) {
    total = initial;
    keys[count] = 0;
    cumulative[count] = total;
    count += 1;
  }
  const consumedPerSecond = new Float64Array(n);
  const oldestWaitingSeconds = new Float64Array(n);
  let head = 0;
  let left = 0;
  previousT = 0;
  for (let i = 0; i < n; i += 1) {
    const p = timeline[i];
    const step = p.t - previousT;
    const arriving = p.arrivalRate * step;
    if (arriving > 0) {
      total += arriving;
      keys[count] = previousT;
      cumulative[count] = total;
      count += 1;
    }
    const waiting = Math.max(0, p.backlog - p.inflight);
    const leftNow = Math.max(left, total - waiting);
    const slack = MESSAGE_SLACK * Math.max(1, total);
    while (head < count && cumulative[head] <= leftNow + slack) head += 1;
    consumedPerSecond[i] = step > 0 ? (leftNow - left) / step : 0;
    oldestWaitingSeconds[i] = head < count && waiting > slack ? p.t - keys[head] : 0;
    left = leftNow;
    previousT = p.t;
  }
  return { consumedPerSecond, oldestWaitingSeconds };
}

/**
 * A column's legend entry: its figures on one line (the waits lower bounds, ≥, when messages still wait), and,
 * when there is one, a second line saying why a line may look missing or short.
 */
function legendLines(label: string, s: SimulationSummary, identicalTo: string | undefined): string[] {
  const undrained = s.waitingAtEnd > DRAINED_EPSILON;
  const notes = [
    ...(identicalTo === undefined ? [] : [`identical to ${identicalTo}, drawn inside its line`]),
    ...(undrained ? [`never drained: ${fmt(s.waitingAtEnd)} msgs still waiting at the end`] : []),
  ];
  const wait = `${undrained ? '≥' : ''}${fmt(s.p99WaitSeconds)}`;
  return [
    `${label}: ${fmt(s.secondsOverDrainTarget)} s over target, p99 wait ${wait} s, ${fmt(s.replicaSeconds / 60, 1)} replica-min, ${fmt(s.scaleEvents)} scale events`,
    ...(notes.length === 0 ? [] : [`    (${notes.join('; ')})`]),
  ];
}

/** Replica-minutes of a replica timeline: each step's replicas times its length. */
function replicaMinutes(points: ReplicaSeries['points']): number {
  let previous = 0;
  let sum = 0;
  for (const p of points) {
    sum += p.replicas * (p.t - previous);
    previous = p.t;
  }
  return sum / 60;
}

/** Whether two runs draw the same lines: equal replicas and backlog at every step. */
function sameRun(a: SimulationResult, b: SimulationResult): boolean {
  return (
    a.timeline.length === b.timeline.length &&
    a.timeline.every(
      (p, i) =>
        p.t === b.timeline[i].t &&
        p.replicas === b.timeline[i].replicas &&
        p.backlog === b.timeline[i].backlog,
    )
  );
}

/** A vega expression string literal. */
const literal = (text: string): string => JSON.stringify(text);

/** Where a reference line goes: on the panel's scale, or named at its top edge when far above the series. */
function withReference(peak: number, line: number, integer: boolean): { ticks: number[]; onScale: boolean } {
  const onScale = line <= REFERENCE_LINE_MAX_HEADROOM * Math.max(peak, integer ? 1 : 0);
  return { ticks: niceTicks(Math.max(onScale ? line : 0, peak, integer ? 1 : 0), 5, integer), onScale };
}

/**
 * The rows without the inner points of a run of equal values: a line through them draws the same, linear or
 * in steps, and a long steady stretch costs two points instead of hundreds.
 */
export function withoutFlatRuns<T extends { time: number }>(rows: readonly T[]): T[] {
  const same = (a: T, b: T): boolean =>
    Object.keys(a).every((k) => k === 'time' || a[k as keyof T] === b[k as keyof T]);
  return rows.filter(
    (row, i) => i === 0 || i === rows.length - 1 || !same(rows[i - 1], row) || !same(row, rows[i + 1]),
  );
}

interface ChartRow {
  time: number;
  config: string;
  backlog: number;
  replicas: number;
  consumed: number | null;
  oldest: number;
}

/**
 * Vega-Lite spec, five panels over one time axis: arrival and consumption (msg/s) with the consumption
 * maxReplicas allows; the backlog; the oldest waiting message against the drain target; the replicas against
 * maxReplicas; and the seed guide's replicas and backlog on their own, whose saw-tooth would drown the others.
 * Each config keeps one colour, dash and width in every panel; the legend gives its figures, and says when it
 * draws exactly the lines of an earlier one. The subtitle states what was assumed.
 */
export function chartSpec(
  plan: Plan,
  timelines: PlanRun['timelines'],
  extras: ChartExtras = {},
): Record<string, unknown> {
  const all = planColumns(plan).filter((c) => timelines[c.key] !== undefined);
  const seed = all.find((c) => c.key === 'seedGuide');
  const main = all.filter((c) => c !== seed);
  const extraSeries = extras.replicaSeries ?? [];
  const axis = timeAxis(plan.durationSeconds);
  const length = Math.max(...all.map((c) => timelines[c.key].timeline.length));
  const stride = Math.max(1, Math.ceil(length / MAX_CHART_POINTS));
  const time = (t: number): number => Number((t / axis.unit).toFixed(4));

  const values: ChartRow[] = [];
  const peaks = new Map<string, { backlog: number; replicas: number; consumed: number; oldest: number }>();
  for (const column of all) {
    const { timeline } = timelines[column.key];
    const flow = flowColumns(timelines[column.key]);
    const peak = { backlog: 0, replicas: 0, consumed: 0, oldest: 0 };
    const rows: ChartRow[] = [];
    rows.push({
      time: 0,
      config: column.label,
      backlog: 0,
      replicas: timeline[0]?.replicas ?? 0,
      consumed: null,
      oldest: 0,
    });
    // Backlog, replicas and age: each point the highest of its stride, so a peak between two samples is
    // still drawn; consumption: the stride's mean, what left the queue over its seconds.
    for (let i = 0; i < timeline.length; i += stride) {
      const end = Math.min(i + stride, timeline.length) - 1;
      let backlog = 0;
      let replicas = 0;
      let oldest = 0;
      for (let j = i; j <= end; j += 1) {
        backlog = Math.max(backlog, timeline[j].backlog);
        replicas = Math.max(replicas, timeline[j].replicas);
        oldest = Math.max(oldest, flow.oldestWaitingSeconds[j]);
      }
      const from = i === 0 ? 0 : timeline[i - 1].t;
      let consumedMessages = 0;
      for (let j = i; j <= end; j += 1) {
        consumedMessages += flow.consumedPerSecond[j] * (timeline[j].t - (j === 0 ? 0 : timeline[j - 1].t));
      }
      const consumed = consumedMessages / (timeline[end].t - from);
      peak.backlog = Math.max(peak.backlog, backlog);
      peak.replicas = Math.max(peak.replicas, replicas);
      peak.consumed = Math.max(peak.consumed, consumed);
      peak.oldest = Math.max(peak.oldest, oldest);
      rows.push({
        time: time(timeline[end].t),
        config: column.label,
        backlog: Number(backlog.toFixed(1)),
        replicas,
        consumed: Number(consumed.toFixed(2)),
        oldest: Number(oldest.toFixed(1)),
      });
    }
    values.push(...withoutFlatRuns(rows));
    peaks.set(column.key, peak);
  }
  let extraPeak = 0;
  for (const series of extraSeries) {
    const first = series.points[0];
    const rows: ChartRow[] = [];
    rows.push({
      time: 0,
      config: series.label,
      backlog: 0,
      replicas: first?.replicas ?? 0,
      consumed: null,
      oldest: 0,
    });
    for (let i = 0; i < series.points.length; i += stride) {
      const bucket = series.points.slice(i, i + stride);
      const replicas = Math.max(...bucket.map((p) => p.replicas));
      extraPeak = Math.max(extraPeak, replicas);
      rows.push({
        time: time(bucket[bucket.length - 1].t),
        config: series.label,
        backlog: 0,
        replicas,
        consumed: null,
        oldest: 0,
      });
    }
    values.push(...withoutFlatRuns(rows));
  }

  // Arrivals are the profile's, the same in every run: taken from the first column, as each stride's mean.
  const arrivalTimeline = timelines[all[0].key].timeline;
  const arrivalRows: { time: number; arrival: number }[] = [];
  let arrivalPeak = 0;
  for (let i = 0; i < arrivalTimeline.length; i += stride) {
    const end = Math.min(i + stride, arrivalTimeline.length) - 1;
    let messages = 0;
    for (let j = i; j <= end; j += 1) {
      messages +=
        arrivalTimeline[j].arrivalRate * (arrivalTimeline[j].t - (j === 0 ? 0 : arrivalTimeline[j - 1].t));
    }
    const from = i === 0 ? 0 : arrivalTimeline[i - 1].t;
    const rate = messages / (arrivalTimeline[end].t - from);
    arrivalPeak = Math.max(arrivalPeak, rate);
    // Each stride's mean rate holds over the stride: a step from its start to its end.
    arrivalRows.push({ time: time(from), arrival: Number(rate.toFixed(2)) });
    if (end === arrivalTimeline.length - 1)
      arrivalRows.push({ time: time(arrivalTimeline[end].t), arrival: Number(rate.toFixed(2)) });
  }
  const arrivals = withoutFlatRuns(arrivalRows);

  // Drawing order: the compared configs in table order, then the replica-only series; the seed guide has its
  // own panel. Each later one is narrower.
  const drawn: { key: string; label: string }[] = [
    ...main.map((c) => ({ key: c.key, label: c.label })),
    ...extraSeries.map((s) => ({ key: s.key, label: s.label })),
    ...(seed === undefined ? [] : [{ key: seed.key, label: seed.label }]),
  ];
  let fallback = 0;
  const styles = drawn.map((d, i) => ({
    ...(KEY_STYLES[d.key] ?? FALLBACK_STYLES[fallback++ % FALLBACK_STYLES.length]),
    width: DRAW_WIDTHS[Math.min(i, DRAW_WIDTHS.length - 1)],
  }));
  const labels = drawn.map((d) => d.label);
  const styleOf = (label: string) => styles[labels.indexOf(label)];

  // Legend text: its figures, and a note when its run draws exactly the lines of an earlier one.
  const legendText = new Map<string, string[]>();
  all.forEach((column: PlanColumn, i) => {
    const twin = all.slice(0, i).find((c) => sameRun(timelines[c.key], timelines[column.key]));
    legendText.set(column.label, legendLines(column.label, column.summary, twin?.label));
  });
  for (const s of extraSeries) {
    const note = s.note === undefined ? '' : `, ${s.note}`;
    legendText.set(s.label, [
      `${s.label}: ${fmt(replicaMinutes(s.points), 1)} replica-min${note} (replicas only)`,
    ]);
  }
  // A one-line entry is a string; two lines are an array, which vega draws as lines of text.
  const labelExpr = labels.reduceRight((rest, label) => {
    const lines = legendText.get(label) ?? [label];
    return `datum.label === ${literal(label)} ? ${JSON.stringify(lines.length === 1 ? lines[0] : lines)} : ${rest}`;
  }, 'datum.label');
  const legend = {
    orient: 'bottom',
    direction: 'vertical',
    title: null,
    symbolType: 'stroke',
    symbolSize: 600,
    labelLimit: 1000,
    labelExpr,
  };
  const series = (scale: Record<string, unknown>) => ({
    field: 'config',
    type: 'nominal',
    sort: labels,
    title: 'config',
    scale: { domain: labels, ...scale },
    legend,
  });
  const seriesEncoding = {
    color: series({ range: styles.map((s) => s.color) }),
    strokeDash: series({ range: styles.map((s) => [...s.dash]) }),
    strokeWidth: series({ type: 'ordinal', range: styles.map((s) => s.width) }),
  };

  const x = (bottom: boolean) => ({
    field: 'time',
    type: 'quantitative',
    title: bottom ? axis.title : null,
    scale: { domain: [0, axis.max], nice: false, zero: true },
    axis: { values: axis.ticks, format: 'd', grid: true },
  });
  /** A y encoding of a field or a constant; every layer of a panel states the same axis, so they merge. */
  const y = (
    source: { field: string } | { datum: number },
    title: string,
    ticks: number[],
    axisExtra: Record<string, unknown> = {},
  ) => ({
    ...source,
    type: 'quantitative',
    title,
    scale: { domain: [0, ticks[ticks.length - 1]], nice: false },
    axis: {
      values: ticks,
      // Whole numbers as such (no "1.0"), fractions of a small rate as they are.
      format: !ticks.every(Number.isInteger) ? ',~r' : ticks[ticks.length - 1] >= 10_000 ? '~s' : ',d',
      // SI prefixes would print the 0 tick as "0k".
      labelExpr: "datum.value == 0 ? '0' : datum.label",
      grid: true,
      // The same room for tick labels in every panel and chart, so the panels line up.
      minExtent: Y_AXIS_EXTENT,
      maxExtent: Y_AXIS_EXTENT,
      ...axisExtra,
    },
  });
  /**
   * The lines of every config in `drawn`, in one layer. vega draws them in the order their configs first come in
   * the data (vega-transforms 5.2.2, src/Facet.js: one subflow a key, made at its first tuple), and the rows are
   * in drawing order. A layer a line cost each line a filter, marks and a parse of its own (infra/README.md,
   * "Where the time goes").
   */
  const lineLayer = (
    drawn: readonly string[],
    field: string,
    title: string,
    ticks: number[],
    step: boolean,
    bottom: boolean,
  ) => ({
    transform: [{ filter: { field: 'config', oneOf: drawn } }],
    // Unclipped: the domain holds every point, and a wide line at the panel's top edge stays whole.
    mark: { type: 'line', interpolate: step ? 'step-after' : 'linear', opacity: 0.9 },
    encoding: { x: x(bottom), y: y({ field }, title, ticks), ...seriesEncoding },
  });
  /** A labelled horizontal line at `value`, or, off the scale, its label at the top edge with an arrow. */
  const reference = (
    value: number,
    text: string,
    onScale: boolean,
    ticks: number[],
    title: string,
    bottom: boolean,
  ) => {
    const top = ticks[ticks.length - 1];
    // One datum each: the constants are not the series' rows.
    const one = { values: [{}] };
    return [
      ...(onScale
        ? [
            {
              data: one,
              mark: { type: 'rule', color: '#d62728', strokeDash: [6, 3], strokeWidth: 1.25 },
              // Without an x encoding a rule spans the panel's width.
              encoding: { y: y({ datum: value }, title, ticks) },
            },
          ]
        : []),
      {
        data: one,
        mark: {
          type: 'text',
          align: 'right',
          // Above its line, or above the panel's top edge: clear of the series either way.
          baseline: 'bottom',
          dy: -3,
          color: '#d62728',
          fontSize: 10,
          text: onScale ? text : `${text}: above this scale ↑`,
        },
        encoding: {
          x: { ...x(bottom), field: undefined, datum: axis.max },
          y: y({ datum: onScale ? value : top }, title, ticks),
        },
      },
    ];
  };
  const panel = (title: string, layers: unknown[], extra: Record<string, unknown> = {}) => ({
    title: { text: title, anchor: 'start', frame: 'group', fontSize: 11, fontWeight: 'normal', offset: 4 },
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    layer: layers,
    ...extra,
  });
  const mainLabels = main.map((c) => c.label);
  const mainPeak = (field: 'backlog' | 'replicas' | 'consumed' | 'oldest') =>
    Math.max(0, ...main.map((c) => peaks.get(c.key)![field]));

  // 1. Arrival (grey area, a step per stride) and what each config consumed, against what maxReplicas allow.
  const capacity = plan.capacity.maxConsumptionPerSecond;
  const showCapacity = !plan.podsConsumeNothing;
  const rate = withReference(Math.max(arrivalPeak, mainPeak('consumed')), showCapacity ? capacity : 0, false);
  const capped =
    plan.capacity.limitedBy === 'queueCount'
      ? 'the queue count'
      : `maxReplicas ${fmt(plan.current.scaling.maxReplicas)}`;
  const ratePanel = panel('arrival (grey) and messages consumed per second (lines)', [
    {
      data: { values: arrivals },
      mark: {
        type: 'area',
        interpolate: 'step-after',
        color: '#d9d9d9',
        line: { color: '#9e9e9e', strokeWidth: 1 },
        clip: true,
      },
      encoding: { x: x(false), y: y({ field: 'arrival' }, 'msg/s', rate.ticks) },
    },
    lineLayer(mainLabels, 'consumed', 'msg/s', rate.ticks, false, false),
    ...(showCapacity
      ? reference(
          capacity,
          `${capped} × ${fmt(plan.messagesPerSecondPerPod)} msg/s = ${fmt(capacity)} msg/s`,
          rate.onScale,
          rate.ticks,
          'msg/s',
          false,
        )
      : []),
  ]);

  // 2. The backlog the trigger sees.
  const backlogTicks = niceTicks(Math.max(mainPeak('backlog'), 1), 5, true);
  const backlogPanel = panel('backlog: messages ready + in flight', [
    lineLayer(mainLabels, 'backlog', 'messages', backlogTicks, false, false),
  ]);

  // 3. The drain target is a bound on the oldest waiting message's age: its line belongs on an age axis,
  // where every second above it is one the table counts as over target.
  const target = plan.targetDrainSeconds;
  const ageTicks = niceTicks(Math.max(mainPeak('oldest'), target, 1), 5, true);
  const agePanel = panel('oldest waiting message: above the drain target is over target', [
    lineLayer(mainLabels, 'oldest', 'seconds', ageTicks, false, false),
    ...reference(target, `drain target ${fmt(target)} s`, true, ageTicks, 'seconds', false),
  ]);

  // 4. Replicas against maxReplicas.
  const maxReplicas = plan.current.scaling.maxReplicas;
  const replicas = withReference(Math.max(mainPeak('replicas'), extraPeak), maxReplicas, true);
  const replicasPanel = panel('replicas the Deployment asks for', [
    lineLayer(
      [...mainLabels, ...extraSeries.map((s) => s.label)],
      'replicas',
      'pods',
      replicas.ticks,
      true,
      false,
    ),
    ...reference(
      maxReplicas,
      `maxReplicas ${fmt(maxReplicas)}`,
      replicas.onScale,
      replicas.ticks,
      'pods',
      false,
    ),
  ]);

  // 5. The seed guide: replicas (line, left axis) and backlog (area, right axis) on scales of their own.
  const seedPanels =
    seed === undefined
      ? []
      : (() => {
          const peak = peaks.get(seed.key)!;
          const seedReplicas = withReference(peak.replicas, maxReplicas, true);
          const seedBacklog = niceTicks(Math.max(peak.backlog, 1), 5, true);
          const style = styleOf(seed.label);
          return [
            panel(
              'seed guide (threshold 30, defaults): replicas (line, left), backlog (area, right)',
              [
                {
                  transform: [{ filter: { field: 'config', equal: seed.label } }],
                  mark: { type: 'area', color: style.color, opacity: 0.15, clip: true },
                  encoding: {
                    x: x(true),
                    y: y({ field: 'backlog' }, 'messages', seedBacklog, { orient: 'right', grid: false }),
                  },
                },
                {
                  layer: [
                    lineLayer([seed.label], 'replicas', 'pods', seedReplicas.ticks, true, true),
                    ...reference(
                      maxReplicas,
                      `maxReplicas ${fmt(maxReplicas)}`,
                      seedReplicas.onScale,
                      seedReplicas.ticks,
                      'pods',
                      true,
                    ),
                  ],
                },
              ],
              { resolve: { scale: { y: 'independent' }, axis: { y: 'independent' } } },
            ),
          ];
        })();

  const outage = extras.assumptions?.outage;
  const scaling = plan.current.scaling;
  const queues = scaling.queueCap === undefined ? '' : `, ${fmt(scaling.queueCap)} queues`;
  const consumeNothing = plan.podsConsumeNothing
    ? '; the replayed pods consume nothing, an outside consumer drains'
    : '';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${plan.environment}/${plan.workload}: ${plan.profile} (${plan.profileDescription})`,
      // Always three lines, so every chart's panels start at the same height.
      subtitle: [
        `assumed: pod start-up ${fmt(plan.startupSeconds)} s, ${plainDecimal(plan.processingSeconds)} s in flight per message, ${
          outage === undefined
            ? 'no metric outage'
            : `metric ${outage.kind === 'empty' ? 'empty results' : 'errors'} ${outage.fromSecond}–${outage.toSecond} s for current`
        }`,
        `simulated: KEDA ${scaling.kedaVersion ?? DEFAULT_KEDA_VERSION}, Kubernetes ${scaling.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION} HPA, metrics ${DEFAULT_METRIC_STALENESS_SECONDS} s old, HPA sync ${DEFAULT_HPA_SYNC_SECONDS} s`,
        `workload: ${fmt(plan.messagesPerSecondPerPod)} msg/s per pod, drain target ${fmt(target)} s, replicas ${fmt(scaling.minReplicas)} to ${fmt(maxReplicas)}${queues}${consumeNothing}`,
      ],
      anchor: 'start',
      subtitlePadding: 4,
      offset: 12,
    },
    data: { values },
    vconcat: [ratePanel, backlogPanel, agePanel, replicasPanel, ...seedPanels],
    spacing: 22,
    resolve: { scale: { color: 'shared', strokeDash: 'shared', strokeWidth: 'shared' } },
    config: { view: { stroke: null }, axis: { gridColor: '#e6e6e6' } },
  };
}

/** Renders the chart headless with vega (ESM-only packages, loaded on demand). */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
