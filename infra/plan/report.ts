/** Builds, prints and charts a plan: current config vs recommended vs oracle for one workload and profile. */
import {
  builtInProfile,
  DEFAULT_KEDA_VERSION,
  defaultFallbackReplicas,
  FAIL_SAFE_FALLBACK_BEHAVIOR,
  kedaSupportsFallbackBehavior,
  DEFAULT_POD_STARTUP_SECONDS,
  DEFAULT_POLLING_INTERVAL_SECONDS,
  type HpaBehavior,
  type HpaScalingRules,
  type PhaseSpread,
  type Range,
  simulateAcrossPhases,
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
} from '../../constructs/scaling';
import { stringify as stringifyYaml } from 'yaml';
import { DEFAULT_ARRIVAL_RATE_METRIC } from '../../constructs/shared/promql';
import type { BehaviorSpec, EnvironmentSpec, WorkloadSpec } from '../config/environment';
import { kedaRelease } from '../config/keda-release';
import { workloadThreshold } from '../config/workload-threshold';

export interface Plan {
  readonly environment: string;
  readonly workload: string;
  readonly profile: string;
  readonly profileDescription: string;
  readonly durationSeconds: number;
  /** Mean in-flight seconds per message the plan assumed. */
  readonly processingSeconds: number;
  /** The workload's longest handling time: how long a removed pod lingers when messages are in flight. */
  readonly maxProcessingSeconds: number;
  /** Pod start-up seconds the plan assumed. */
  readonly startupSeconds: number;
  readonly current: {
    readonly scaling: SimulationScaling;
    readonly summary: SimulationSummary;
    /** The same config re-run with the KEDA and HPA timers at other offsets. */
    readonly acrossPhases: PhaseSpread;
  };
  readonly recommended: {
    readonly scaling: SimulationScaling;
    readonly summary: SimulationSummary;
    readonly acrossPhases: PhaseSpread;
  };
  readonly seedGuide: { readonly scaling: SimulationScaling; readonly summary: SimulationSummary };
  readonly oracle: { readonly summary: SimulationSummary };
  /** The recommendation as the workload's `scaling` block of the stack file, ready to paste. */
  readonly recommendedStackScaling: WorkloadSpec['scaling'];
  readonly warnings: readonly string[];
  readonly podsConsumeNothing: boolean;
}

export interface PlanRun {
  readonly plan: Plan;
  readonly timelines: {
    readonly current: SimulationResult;
    readonly recommended: SimulationResult;
    readonly oracle: SimulationResult;
  };
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
export function currentScaling(w: WorkloadSpec, kedaVersion = DEFAULT_KEDA_VERSION): SimulationScaling {
  const s = w.scaling;
  return {
    kedaVersion,
    // The backlog trigger's ignoreNullValues as constructs/k8s/backlog-scaler.ts writes it.
    ignoreNullValues: false,
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
        // maxReplicas is already within the queue count (the environment loader checks it).
        replicas: s.fallback.replicas ?? defaultFallbackReplicas(w.minReplicas, w.maxReplicas),
        // As constructs/k8s/backlog-scaler.ts writes it for releases that have fallback.behavior.
        ...(kedaSupportsFallbackBehavior(kedaVersion) && { behavior: FAIL_SAFE_FALLBACK_BEHAVIOR }),
      },
    }),
  };
}

/**
 * A simulated config back as the workload's `scaling` block: what the recommendation tunes from `s`, the rest
 * (cooldown, fallback, the arrival-rate metric name) kept from the workload.
 */
export function stackScaling(w: WorkloadSpec, s: SimulationScaling): WorkloadSpec['scaling'] {
  // In the schema's order, so the block reads like the committed stack files.
  return {
    threshold: s.threshold,
    activationThreshold: s.activationThreshold ?? 0,
    pollingIntervalSeconds: s.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS,
    cooldownPeriodSeconds: w.scaling.cooldownPeriodSeconds,
    fallback: w.scaling.fallback,
    ...(s.arrivalRateThreshold !== undefined && {
      scaleOnArrivalRate: {
        targetUtilization: Number((s.arrivalRateThreshold / w.messagesPerSecondPerPod).toPrecision(12)),
        metricName: w.scaling.scaleOnArrivalRate?.metricName ?? DEFAULT_ARRIVAL_RATE_METRIC,
      },
    }),
    ...(s.behavior !== undefined && { behavior: behaviorSpec(s.behavior) }),
  };
}

/** A behavior as the stack file's schema holds it (mutable arrays). */
function behaviorSpec(b: HpaBehavior): BehaviorSpec {
  const rules = ({ policies, ...rest }: HpaScalingRules): NonNullable<BehaviorSpec['scaleUp']> => ({
    ...rest,
    ...(policies !== undefined && { policies: policies.map((p) => ({ ...p })) }),
  });
  return {
    ...(b.scaleUp !== undefined && { scaleUp: rules(b.scaleUp) }),
    ...(b.scaleDown !== undefined && { scaleDown: rules(b.scaleDown) }),
  };
}

/** Workload facts the environment does not state; the CLI takes them as options. */
export interface PlanOptions {
  /** Mean seconds a message stays in flight; at most the workload's maxProcessingSeconds. @default 0 */
  readonly processingSeconds?: number;
  /** Seconds from pod creation to ready. @default 20 (DEFAULT_POD_STARTUP_SECONDS) */
  readonly startupSeconds?: number;
  /** A metric outage the current configuration lives through (errors, or empty results). @default none */
  readonly outage?: {
    readonly fromSecond: number;
    readonly toSecond: number;
    readonly kind: 'error' | 'empty';
  };
}

/** Checks the options against the workload; every message names the option, the value and the rule. */
export function planOptionViolations(w: WorkloadSpec, options: PlanOptions): string[] {
  const violations: string[] = [];
  const { processingSeconds, startupSeconds } = options;
  if (processingSeconds !== undefined) {
    if (!Number.isFinite(processingSeconds) || processingSeconds < 0) {
      violations.push(`--processing-seconds (${processingSeconds}) must be a number >= 0`);
    } else if (processingSeconds > w.maxProcessingSeconds) {
      violations.push(
        `--processing-seconds (${processingSeconds}) must be <= maxProcessingSeconds (${w.maxProcessingSeconds}) of workload ${w.name}`,
      );
    }
  }
  if (startupSeconds !== undefined && (!Number.isFinite(startupSeconds) || startupSeconds < 0)) {
    violations.push(`--startup-seconds (${startupSeconds}) must be a number >= 0`);
  }
  const outage = options.outage;
  if (outage !== undefined && !(outage.fromSecond >= 0 && outage.toSecond > outage.fromSecond)) {
    violations.push(
      `--outage (${outage.fromSecond}-${outage.toSecond}) must be <from>-<to> seconds with 0 <= from < to`,
    );
  }
  return violations;
}

export function buildPlan(
  spec: EnvironmentSpec,
  w: WorkloadSpec,
  profile: TrafficProfile,
  options: PlanOptions = {},
): PlanRun {
  const violations = planOptionViolations(w, options);
  if (violations.length > 0) throw new RangeError(violations.join('; '));
  const timings = {
    maxProcessingSeconds: w.maxProcessingSeconds,
    ...(options.processingSeconds !== undefined && { processingSeconds: options.processingSeconds }),
    ...(options.startupSeconds !== undefined && { startupSeconds: options.startupSeconds }),
  };
  // The seed replay's Deployment is a placeholder: the configs are compared with pods that consume nothing,
  // while the recommendation and the oracle still use the workload's real throughput.
  const workload = {
    messagesPerSecondPerPod: profile.podsConsumeNothing ? 0 : w.messagesPerSecondPerPod,
    targetDrainSeconds: w.targetDrainSeconds,
    ...timings,
  };
  const base = { workload, traffic: profile.traffic, durationSeconds: profile.durationSeconds };
  const scaling = currentScaling(w, kedaRelease(spec));
  const current = simulate({
    ...base,
    scaling,
    ...(options.outage !== undefined && { timing: { outages: [options.outage] } }),
  });
  const recommendation: Recommendation = recommend({
    messagesPerSecondPerPod: w.messagesPerSecondPerPod,
    targetDrainSeconds: w.targetDrainSeconds,
    minReplicas: w.minReplicas,
    maxReplicas: w.maxReplicas,
    traffic: profile.traffic,
    durationSeconds: profile.durationSeconds,
    loadBalancing: w.loadBalancing,
    extraCandidates: [scaling],
    fixed: {
      ...(scaling.cooldownPeriodSeconds !== undefined && {
        cooldownPeriodSeconds: scaling.cooldownPeriodSeconds,
      }),
      ...(scaling.idleReplicaCount !== undefined && { idleReplicaCount: scaling.idleReplicaCount }),
      ...(scaling.fallback !== undefined && { fallback: scaling.fallback }),
      ...(scaling.kedaVersion !== undefined && { kedaVersion: scaling.kedaVersion }),
      ...(scaling.ignoreNullValues !== undefined && { ignoreNullValues: scaling.ignoreNullValues }),
    },
    ...timings,
    ...(w.queueCount !== undefined && { queueCount: w.queueCount }),
    ...(spec.instance !== undefined &&
      'serverlessCapacity' in spec.instance &&
      spec.instance.serverlessCapacity !== undefined && { serverless: spec.instance.serverlessCapacity }),
  });
  const oracle = simulateOracle({
    ...base,
    workload: { ...workload, messagesPerSecondPerPod: w.messagesPerSecondPerPod },
    scaling,
  });
  const { seedGuide } = recommendation;
  const recommended = simulate({ ...base, scaling: recommendation.recommended.scaling });
  return {
    plan: {
      environment: spec.name,
      workload: w.name,
      profile: profile.name,
      profileDescription: profile.description,
      durationSeconds: profile.durationSeconds,
      processingSeconds: options.processingSeconds ?? 0,
      maxProcessingSeconds: w.maxProcessingSeconds,
      startupSeconds: options.startupSeconds ?? DEFAULT_POD_STARTUP_SECONDS,
      current: {
        scaling,
        summary: current.summary,
        acrossPhases: simulateAcrossPhases({ ...base, scaling }),
      },
      recommended: {
        scaling: recommendation.recommended.scaling,
        summary: recommended.summary,
        acrossPhases: profile.podsConsumeNothing
          ? simulateAcrossPhases({ ...base, scaling: recommendation.recommended.scaling })
          : recommendation.recommended.acrossPhases,
      },
      seedGuide: {
        scaling: seedGuide.scaling,
        summary: profile.podsConsumeNothing
          ? simulate({ ...base, scaling: seedGuide.scaling }).summary
          : seedGuide.summary,
      },
      oracle: { summary: oracle.summary },
      recommendedStackScaling: stackScaling(w, recommendation.recommended.scaling),
      warnings: recommendation.warnings,
      podsConsumeNothing: profile.podsConsumeNothing,
    },
    timelines: { current, recommended, oracle },
  };
}

/** Fixed decimals with thousands separators, without the ICU data a locale would depend on. */
export function fmt(n: number | null, digits = 0): string {
  if (n === null) return 'never';
  const [whole, fraction] = n.toFixed(digits).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function describeRules(direction: 'up' | 'down', rules: HpaScalingRules | undefined): string {
  if (rules === undefined) return `${direction} default`;
  const sign = direction === 'up' ? '+' : '-';
  const policies = (rules.policies ?? [])
    .map((p) => `${sign}${p.value}${p.type === 'Percent' ? '%' : ' pods'}/${p.periodSeconds} s`)
    .join(` ${(rules.selectPolicy ?? 'Max').toLowerCase()} `);
  const window = rules.stabilizationWindowSeconds;
  return [
    `${direction} ${policies || 'default policies'}`,
    ...(window === undefined ? [] : [`window ${window} s`]),
  ].join(', ');
}

/** One line of a config's trigger and HPA settings. */
export function describeScaling(s: SimulationScaling): string {
  const rate =
    s.arrivalRateThreshold === undefined
      ? 'no arrival-rate trigger'
      : `arrival-rate threshold ${s.arrivalRateThreshold} msg/s`;
  const behavior =
    s.behavior === undefined
      ? 'no HPA behavior (legacy)'
      : `behavior ${describeRules('up', s.behavior.scaleUp)}; ${describeRules('down', s.behavior.scaleDown)}`;
  return [
    `threshold ${s.threshold}`,
    rate,
    `activation ${s.activationThreshold ?? 0}`,
    `polling ${s.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS} s`,
    behavior,
  ].join(', ');
}

/** A difference with its sign; one that rounds to zero has none. */
function signed(n: number, digits = 0): string {
  const magnitude = fmt(Math.abs(n), digits);
  return /^[0.]+$/.test(magnitude) ? magnitude : `${n < 0 ? '-' : '+'}${magnitude}`;
}

function spreadLine(label: string, spread: PhaseSpread): string {
  const range = (r: Range, digits = 0, scale = 1): string =>
    r.min === r.max
      ? fmt(r.min / scale, digits)
      : `${fmt(r.min / scale, digits)}–${fmt(r.max / scale, digits)}`;
  return `${label} with the KEDA/HPA timers at ${spread.phases.length} offsets: p99 wait ${range(spread.p99WaitSeconds)} s, over drain target ${range(spread.secondsOverDrainTarget)} s, replica-minutes ${range(spread.replicaSeconds, 1, 60)}`;
}

/** The trade-off between two configs in one line: cost first, then the SLO. */
function compareLine(label: string, a: SimulationSummary, b: SimulationSummary): string {
  const cost =
    b.replicaSeconds === 0
      ? 'replica-minutes n/a'
      : `replica-minutes ${signed((100 * (a.replicaSeconds - b.replicaSeconds)) / b.replicaSeconds, 1)}%`;
  return `${label}: ${cost}, over drain target ${signed(a.secondsOverDrainTarget - b.secondsOverDrainTarget)} s, p99 wait ${signed(a.p99WaitSeconds - b.p99WaitSeconds)} s`;
}

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
    ['peak replicas', (s) => fmt(s.peakReplicas)],
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
    `assumed: pod start-up ${plan.startupSeconds} s, ${plan.processingSeconds} s in flight per message${plan.processingSeconds > 0 ? `, a removed pod lingers ${plan.maxProcessingSeconds} s (maxProcessingSeconds)` : ''}`,
    ...(plan.podsConsumeNothing
      ? ['(replayed with placeholder pods that consume nothing, as in the seed guide)']
      : []),
    '',
    line(cells[0]),
    ...cells.slice(1).map(line),
    '',
    `recommended: ${describeScaling(rec)}`,
    spreadLine('current', plan.current.acrossPhases),
    spreadLine('recommended', plan.recommended.acrossPhases),
    compareLine('recommended vs current', plan.recommended.summary, plan.current.summary),
    ...plan.warnings.map((w) => `warning: ${w}`),
    '',
    `recommended as the stack file's scaling block of workload ${plan.workload}:`,
    stringifyYaml({ scaling: plan.recommendedStackScaling }).trimEnd(),
  ].join('\n');
}

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
