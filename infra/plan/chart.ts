/** The plan as a vega-lite chart, rendered to SVG with vega. */
import { DRAINED_EPSILON, type SimulationSummary } from '../../constructs/scaling';
import { planColumns, type Plan, type PlanRun } from './plan';
import { fmt } from './table';

/**
 * Per column in table order: colour, dash and width. Wider lines are drawn first, so a series that runs on top
 * of another (identical configs, the oracle's zero backlog) still shows both: a thin dashed line inside a wide
 * solid one. A column beyond these reuses them from the start.
 */
const SERIES_STYLES = [
  { color: '#1f77b4', dash: [1, 0], width: 6 },
  { color: '#ff7f0e', dash: [8, 4], width: 3.5 },
  { color: '#9467bd', dash: [2, 3], width: 2.5 },
  { color: '#2ca02c', dash: [12, 3, 2, 3], width: 1.5 },
  { color: '#8c564b', dash: [4, 2], width: 1 },
] as const;

/** At most this many points a series: enough for a 720 px wide chart, small enough to stay a light SVG. */
const MAX_CHART_POINTS = 1500;

/** Up to this long a run is drawn in minutes, beyond in hours. */
const MINUTES_AXIS_UP_TO_SECONDS = 3 * 3600;

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

/** A column's wait figures for the subtitle: a lower bound (≥) or "never drained" when messages still wait. */
function waitNote(label: string, s: SimulationSummary): string {
  if (s.waitingAtEnd > DRAINED_EPSILON) {
    return `${label}: never drained, p99 wait ≥${fmt(s.p99WaitSeconds)} s (${fmt(s.waitingAtEnd)} msgs still waiting)`;
  }
  return `${label}: p99 wait ${fmt(s.p99WaitSeconds)} s`;
}

/**
 * Vega-Lite spec: two panels over the same time axis, the backlog of every config (messages, top) and its
 * replicas (pods, bottom), one line style per config; the legend shows the style of each.
 */
export function chartSpec(plan: Plan, timelines: PlanRun['timelines']): Record<string, unknown> {
  const columns = planColumns(plan).filter((c) => timelines[c.key] !== undefined);
  const axis = timeAxis(plan.durationSeconds);
  const length = Math.max(...columns.map((c) => timelines[c.key].timeline.length));
  const stride = Math.max(1, Math.ceil(length / MAX_CHART_POINTS));
  const values: { time: number; config: string; backlog: number; replicas: number }[] = [];
  let peakBacklog = 0;
  let peakReplicas = 0;
  for (const column of columns) {
    const timeline = timelines[column.key].timeline;
    values.push({ time: 0, config: column.label, backlog: 0, replicas: timeline[0]?.replicas ?? 0 });
    // Each point is the highest of its stride, so a peak between two samples is still drawn.
    for (let i = 0; i < timeline.length; i += stride) {
      const bucket = timeline.slice(i, i + stride);
      const backlog = Math.max(...bucket.map((p) => p.backlog));
      const replicas = Math.max(...bucket.map((p) => p.replicas));
      peakBacklog = Math.max(peakBacklog, backlog);
      peakReplicas = Math.max(peakReplicas, replicas);
      values.push({
        time: Number((bucket[bucket.length - 1].t / axis.unit).toFixed(4)),
        config: column.label,
        backlog: Number(backlog.toFixed(1)),
        replicas,
      });
    }
  }
  const styles = columns.map((_, i) => SERIES_STYLES[i % SERIES_STYLES.length]);
  const labels = columns.map((c) => c.label);
  const legend = {
    orient: 'bottom',
    direction: 'horizontal',
    symbolType: 'stroke',
    symbolSize: 600,
    labelLimit: 240,
  };
  const seriesEncoding = () => ({
    color: {
      field: 'config',
      type: 'nominal',
      sort: labels,
      title: 'config',
      scale: { domain: labels, range: styles.map((s) => s.color) },
      legend,
    },
    strokeDash: {
      field: 'config',
      type: 'nominal',
      sort: labels,
      title: 'config',
      scale: { domain: labels, range: styles.map((s) => [...s.dash]) },
      legend,
    },
    strokeWidth: {
      field: 'config',
      type: 'nominal',
      sort: labels,
      title: 'config',
      scale: { type: 'ordinal', domain: labels, range: styles.map((s) => s.width) },
      legend,
    },
  });
  const x = {
    field: 'time',
    type: 'quantitative',
    title: axis.title,
    scale: { domain: [0, axis.max], nice: false, zero: true },
    axis: { values: axis.ticks, format: 'd', grid: true },
  };
  const backlogTicks = niceTicks(Math.max(peakBacklog, 1), 5, true);
  const replicaTicks = niceTicks(Math.max(peakReplicas, 1), 5, true);
  // One layer per config, widest first, so the narrower lines stay visible on top.
  const panel = (field: 'backlog' | 'replicas', title: string, ticks: number[]) => ({
    width: 720,
    height: 200,
    layer: columns.map((column) => ({
      transform: [{ filter: { field: 'config', equal: column.label } }],
      mark: {
        type: 'line',
        interpolate: field === 'replicas' ? 'step-after' : 'linear',
        opacity: 0.9,
        clip: true,
      },
      encoding: {
        x,
        y: {
          field,
          type: 'quantitative',
          title,
          scale: { domain: [0, ticks[ticks.length - 1]], nice: false },
          axis: {
            values: ticks,
            format: ticks[ticks.length - 1] >= 10_000 ? '~s' : ',d',
            // SI prefixes would print the 0 tick as "0k".
            labelExpr: "datum.value == 0 ? '0' : datum.label",
            grid: true,
          },
        },
        ...seriesEncoding(),
      },
    })),
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${plan.environment}/${plan.workload}: ${plan.profile} (${plan.profileDescription})`,
      subtitle: columns.map((c) => waitNote(c.label, c.summary)),
      anchor: 'start',
    },
    data: { values },
    vconcat: [
      panel('backlog', 'backlog (messages, ready + in flight)', backlogTicks),
      panel('replicas', 'replicas (pods)', replicaTicks),
    ],
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
