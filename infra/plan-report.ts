/** Builds, prints and charts a plan: current config vs recommended vs oracle for one workload and profile. */
import {
  builtInProfile,
  maxUsefulReplicas,
  PROFILE_NAMES,
  recommend,
  simulate,
  simulateOracle,
  type ProfileName,
  type Recommendation,
  type SimulationResult,
  type SimulationScaling,
  type SimulationSummary,
  type TrafficProfile,
} from '../constructs/scaling';
import type { EnvironmentSpec, WorkloadSpec } from './environment';
import { workloadThreshold } from './k8s/main';

export interface Plan {
  readonly environment: string;
  readonly workload: string;
  readonly profile: string;
  readonly profileDescription: string;
  readonly durationSeconds: number;
  readonly current: { readonly scaling: SimulationScaling; readonly summary: SimulationSummary };
  readonly recommended: { readonly scaling: SimulationScaling; readonly summary: SimulationSummary };
  readonly seedGuide: { readonly scaling: SimulationScaling; readonly summary: SimulationSummary };
  readonly oracle: { readonly summary: SimulationSummary };
  readonly warnings: readonly string[];
  readonly podsConsumeNothing: boolean;
}

export interface PlanRun {
  readonly plan: Plan;
  readonly timelines: { readonly current: SimulationResult; readonly oracle: SimulationResult };
}

/** Base rate of the built-in profiles: the 10× flash-sale peak then needs 80% of the useful maximum. */
export function defaultBaseRate(w: WorkloadSpec): number {
  const useful = Math.min(
    w.maxReplicas,
    maxUsefulReplicas({
      loadBalancing: w.loadBalancing,
      ...(w.queueCount !== undefined && { queueCount: w.queueCount }),
    }),
  );
  return Number((0.08 * w.messagesPerSecondPerPod * useful).toPrecision(6));
}

export function resolveProfile(name: string, w: WorkloadSpec, baseRate?: number): TrafficProfile {
  if (!(PROFILE_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(`unknown profile ${name}: use one of ${PROFILE_NAMES.join(', ')} or a .csv file`);
  }
  return builtInProfile(name as ProfileName, baseRate ?? defaultBaseRate(w));
}

/** The ScaledObject of the environment as simulation parameters. */
export function currentScaling(w: WorkloadSpec): SimulationScaling {
  const s = w.scaling;
  return {
    threshold: workloadThreshold(w),
    activationThreshold: s.activationThreshold,
    minReplicas: w.minReplicas,
    maxReplicas: w.maxReplicas,
    pollingIntervalSeconds: s.pollingIntervalSeconds,
    cooldownPeriodSeconds: s.cooldownPeriodSeconds,
    ...(w.idleReplicaCount !== undefined && { idleReplicaCount: w.idleReplicaCount }),
    ...(s.scaleOnArrivalRate !== undefined && {
      arrivalRateThreshold: Number(
        (w.messagesPerSecondPerPod * s.scaleOnArrivalRate.targetUtilization).toPrecision(12),
      ),
    }),
    ...(s.behavior !== undefined && { behavior: s.behavior }),
    ...(w.loadBalancing === 'queue' && w.queueCount !== undefined && { queueCap: w.queueCount }),
    ...(s.fallback !== false && {
      fallback: {
        failureThreshold: s.fallback.failureThreshold,
        replicas:
          s.fallback.replicas ??
          Math.min(w.maxReplicas, Math.max(w.minReplicas, 1, Math.ceil(w.maxReplicas / 2))),
      },
    }),
  };
}

export function buildPlan(spec: EnvironmentSpec, w: WorkloadSpec, profile: TrafficProfile): PlanRun {
  const workload = {
    messagesPerSecondPerPod: profile.podsConsumeNothing ? 0 : w.messagesPerSecondPerPod,
    targetDrainSeconds: w.targetDrainSeconds,
  };
  const base = { workload, traffic: profile.traffic, durationSeconds: profile.durationSeconds };
  const scaling = currentScaling(w);
  const current = simulate({ ...base, scaling });
  const recommendation: Recommendation = recommend({
    messagesPerSecondPerPod: w.messagesPerSecondPerPod,
    targetDrainSeconds: w.targetDrainSeconds,
    minReplicas: w.minReplicas,
    maxReplicas: w.maxReplicas,
    traffic: profile.traffic,
    durationSeconds: profile.durationSeconds,
    loadBalancing: w.loadBalancing,
    extraCandidates: [scaling],
    ...(w.queueCount !== undefined && { queueCount: w.queueCount }),
    ...(spec.instance !== undefined &&
      'serverlessCapacity' in spec.instance &&
      spec.instance.serverlessCapacity !== undefined && { serverless: spec.instance.serverlessCapacity }),
  });
  const replay = (s: SimulationScaling): SimulationSummary =>
    profile.podsConsumeNothing
      ? simulate({ ...base, scaling: s }).summary
      : recommendation.recommended.summary;
  const oracle = simulateOracle({
    ...base,
    workload: { ...workload, messagesPerSecondPerPod: w.messagesPerSecondPerPod },
    scaling,
  });
  return {
    plan: {
      environment: spec.name,
      workload: w.name,
      profile: profile.name,
      profileDescription: profile.description,
      durationSeconds: profile.durationSeconds,
      current: { scaling, summary: current.summary },
      recommended: {
        scaling: recommendation.recommended.scaling,
        summary: replay(recommendation.recommended.scaling),
      },
      seedGuide: {
        scaling: recommendation.seedGuide.scaling,
        summary: profile.podsConsumeNothing
          ? simulate({ ...base, scaling: recommendation.seedGuide.scaling }).summary
          : recommendation.seedGuide.summary,
      },
      oracle: { summary: oracle.summary },
      warnings: recommendation.warnings,
      podsConsumeNothing: profile.podsConsumeNothing,
    },
    timelines: { current, oracle },
  };
}

const fmt = (n: number | null, digits = 0): string =>
  n === null
    ? 'never'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The summary table, as printed by `npm run plan`. */
export function formatPlanTable(plan: Plan): string {
  const columns: [string, SimulationSummary][] = [
    ['current', plan.current.summary],
    ['recommended', plan.recommended.summary],
    ['seed guide', plan.seedGuide.summary],
    ['oracle', plan.oracle.summary],
  ];
  const rows: [string, (s: SimulationSummary) => string][] = [
    ['peak backlog (msgs)', (s) => fmt(s.peakBacklog)],
    ['drain after peak (s)', (s) => fmt(s.drainSecondsAfterPeak)],
    ['p99 wait (s)', (s) => fmt(s.p99WaitSeconds)],
    ['max wait (s)', (s) => fmt(s.maxWaitSeconds)],
    ['over drain target (s)', (s) => fmt(s.secondsOverDrainTarget)],
    ['replica-minutes', (s) => fmt(s.replicaSeconds / 60, 1)],
    ['max replicas', (s) => fmt(s.maxReplicas)],
    ['scale events', (s) => fmt(s.scaleEvents)],
  ];
  const cells = [
    ['', ...columns.map(([name]) => name)],
    ...rows.map(([label, get]) => [label, ...columns.map(([, s]) => get(s))]),
  ];
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]): string =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const rec = plan.recommended.scaling;
  return [
    `${plan.environment}/${plan.workload} — profile ${plan.profile} (${plan.profileDescription})`,
    ...(plan.podsConsumeNothing
      ? ['(replayed with placeholder pods that consume nothing, as in the seed guide)']
      : []),
    '',
    line(cells[0]),
    ...cells.slice(1).map(line),
    '',
    `recommended: threshold ${rec.threshold}, ${rec.arrivalRateThreshold === undefined ? 'no arrival-rate trigger' : `arrival-rate threshold ${rec.arrivalRateThreshold} msg/s`}, activation ${rec.activationThreshold ?? 0}, polling ${rec.pollingIntervalSeconds ?? 30} s, ${rec.behavior === undefined ? 'default HPA behavior' : 'behavior: scale up +100%/+8 pods per 15 s, scale down -20%/min after 300 s'}`,
    ...plan.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}

/** Vega-Lite spec: backlog (left axis), replicas and oracle replicas (right axis) over minutes. */
export function chartSpec(plan: Plan, timelines: PlanRun['timelines']): Record<string, unknown> {
  const stride = Math.max(1, Math.ceil(timelines.current.timeline.length / 1500));
  const values: { minute: number; series: string; value: number }[] = [];
  timelines.current.timeline.forEach((p, i) => {
    if (i % stride !== 0) return;
    const minute = Number((p.t / 60).toFixed(3));
    values.push({ minute, series: 'backlog', value: Number(p.backlog.toFixed(1)) });
    values.push({ minute, series: 'replicas', value: p.replicas });
    values.push({ minute, series: 'oracle replicas', value: timelines.oracle.timeline[i]?.replicas ?? 0 });
  });
  const x = { field: 'minute', type: 'quantitative', title: 'minute' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${plan.environment}/${plan.workload}: ${plan.profile}`,
    width: 720,
    height: 300,
    data: { values },
    layer: [
      {
        transform: [{ filter: "datum.series === 'backlog'" }],
        mark: { type: 'area', opacity: 0.3, color: '#d62728' },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: 'backlog (messages)' } },
      },
      {
        transform: [{ filter: "datum.series !== 'backlog'" }],
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'replicas' },
          color: { field: 'series', type: 'nominal', scale: { range: ['#1f77b4', '#2ca02c'] } },
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
