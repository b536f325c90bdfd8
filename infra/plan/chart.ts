/** The plan as a vega-lite chart, rendered to SVG with vega. */
import type { Plan, PlanRun } from './plan';

/** Series of the chart, in legend order, with their colours. */
const CHART_SERIES = [
  ['backlog (current)', '#d62728'],
  ['replicas (current)', '#1f77b4'],
  ['replicas (recommended)', '#ff7f0e'],
  ['replicas (oracle)', '#2ca02c'],
] as const;

/** At most this many points a series: enough for a 720 px wide chart, small enough to stay a light SVG. */
const MAX_CHART_POINTS = 1500;

/**
 * Vega-Lite spec: the current config's backlog (area, left axis) and the replicas of the current config, the
 * recommendation and the oracle (step lines, right axis) over minutes.
 */
export function chartSpec(plan: Plan, timelines: PlanRun['timelines']): Record<string, unknown> {
  const length = timelines.current.timeline.length;
  const stride = Math.max(1, Math.ceil(length / MAX_CHART_POINTS));
  const [backlog, current, recommended, oracle] = CHART_SERIES.map(([name]) => name);
  const values: { minute: number; series: string; value: number }[] = [];
  for (let i = 0; i < length; i += stride) {
    const point = timelines.current.timeline[i];
    const minute = Number((point.t / 60).toFixed(3));
    values.push(
      { minute, series: backlog, value: Number(point.backlog.toFixed(1)) },
      { minute, series: current, value: point.replicas },
      { minute, series: recommended, value: timelines.recommended.timeline[i].replicas },
      { minute, series: oracle, value: timelines.oracle.timeline[i].replicas },
    );
  }
  const x = { field: 'minute', type: 'quantitative', title: 'minute' };
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: CHART_SERIES.map(([name]) => name), range: CHART_SERIES.map(([, c]) => c) },
    legend: { orient: 'bottom', columns: 4, labelLimit: 240 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${plan.environment}/${plan.workload}: ${plan.profile} (${plan.profileDescription})`,
    width: 720,
    height: 300,
    data: { values },
    layer: [
      {
        transform: [{ filter: { field: 'series', equal: backlog } }],
        mark: { type: 'area', opacity: 0.3 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'backlog (ready + in flight)' },
          color,
        },
      },
      {
        transform: [{ filter: { not: { field: 'series', equal: backlog } } }],
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x,
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'replicas',
            axis: { tickMinStep: 1, format: 'd' },
          },
          color,
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
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
