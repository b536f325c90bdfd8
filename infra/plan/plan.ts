/** Builds a plan: the current config, the recommendation, the seed guide's config and the oracle for one workload and profile. */
import {
  builtInProfile,
  DEFAULT_KEDA_VERSION,
  FAIL_SAFE_FALLBACK_BEHAVIOR,
  kedaSupportsFallbackBehavior,
  defaultFallbackReplicas,
  DEFAULT_POD_STARTUP_SECONDS,
  DEFAULT_POLLING_INTERVAL_SECONDS,
  type CapacityCheck,
  type HpaBehavior,
  type HpaScalingRules,
  type PhaseSpread,
  simulateAcrossPhases,
  maxUsefulReplicas,
  PROFILE_NAMES,
  recommend,
  simulate,
  SimulationMemo,
  type SimulationCounts,
  simulateOracle,
  type ProfileName,
  type Recommendation,
  type SimulationResult,
  type SimulationScaling,
  type SimulationSummary,
  type TrafficProfile,
  peakRate,
  choosePreScale,
  PRE_SCALE_SCALE_DOWN,
  RECOMMENDED_BEHAVIOR,
  replicasForRate,
  reactiveBound,
  BOUND_POLLING_SECONDS,
} from '../../constructs/scaling';
import { CRON_CHECK_FROM_MS, DEFAULT_ARRIVAL_RATE_METRIC, firstActiveWindow } from '../../constructs/shared';
import type { BehaviorSpec, EnvironmentSpec, WorkloadSpec } from '../config/environment';
import { stackInstanceTps } from '../config/instance-tps';
import { kedaRelease } from '../config/keda-release';
import { workloadSchedules } from '../config/workload-schedules';
import { workloadThreshold } from '../config/workload-threshold';
import { rangeText, withinRange } from '../shared/numeric-flag';
import { OUTAGE_RULE, PLAN_NUMERIC_FLAGS } from './flags';

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
  /** Messages a ready pod consumes per second (the workload's). */
  readonly messagesPerSecondPerPod: number;
  /** The workload's drain target: the oldest waiting message's age that counts as over target above it. */
  readonly targetDrainSeconds: number;
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
  /** The best config with the demand trigger (recommend's `demand`), which may be the recommendation itself. */
  readonly demand: {
    readonly scaling: SimulationScaling;
    readonly summary: SimulationSummary;
    readonly acrossPhases: PhaseSpread;
  };
  /**
   * The cheapest timeline a controller seeing the metrics one scrape + one poll late could follow
   * (constructs/scaling/reactive-bound.ts), with the delay it assumed.
   */
  readonly reactiveBound: {
    readonly summary: SimulationSummary;
    readonly informationDelaySeconds: number;
  };
  readonly oracle: { readonly summary: SimulationSummary };
  /**
   * The recommendation as the workload's `scaling` block of the stack file, ready to paste; null when even the
   * best candidate never drains the backlog (then `capacity` says what maxReplicas would).
   */
  readonly recommendedStackScaling: WorkloadSpec['scaling'] | null;
  /** The profile's peak arrival against what maxReplicas (or the queue count) can consume. */
  readonly capacity: CapacityCheck;
  /** Scale events the recommendation was allowed: twice the oracle's, or the fewest any calm candidate made. */
  readonly scaleEventBudget: number;
  /**
   * The recommended config with the workload's first scheduled event pre-scaling for the profile's peak, at
   * the lead and end the planner recommends; null without a schedule or a profile without a known peak.
   */
  readonly scheduled: ScheduledPlan | null;
  readonly warnings: readonly string[];
  readonly podsConsumeNothing: boolean;
  /** The environment reads an ARMS Prometheus, where the arrival counter's label set is unverified. */
  readonly armsPrometheus: boolean;
}

/** A scheduled event (KEDA cron trigger) placed on the profile's peak. */
export interface ScheduledPlan {
  /** The stack file's event (its first), whose replicas the column uses. */
  readonly name: string;
  readonly desiredReplicas: number;
  /** The rate the replicas come from, when the stack file gives one. */
  readonly expectedMessagesPerSecond?: number;
  /** The profile's peak in simulation seconds and its arrival rate. */
  readonly peak: { readonly fromSecond: number; readonly toSecond: number; readonly ratePerSecond: number };
  /** Replicas that consume the peak's rate: ceil(rate / messagesPerSecondPerPod), at most maxReplicas. */
  readonly peakReplicas: number;
  /** Open the window this long before the peak: one HPA sync + the ramp, in whole minutes. */
  readonly leadSeconds: number;
  readonly hpaSyncSeconds: number;
  /** Scale-up under the behavior's rate limits and pod start-up, until every desired pod is ready. */
  readonly rampSeconds: number;
  /** Close it this long before the peak ends (the scale-down stabilization holds the replicas). */
  readonly endBeforePeakEndSeconds: number;
  /** The simulated window, in simulation seconds. */
  readonly window: { readonly fromSecond: number; readonly toSecond: number };
  /** How long the stack file's event is active, from its cron expressions (its first window from 2026-01-01). */
  readonly stackWindowSeconds: number | null;
  readonly scaling: SimulationScaling;
  /** The reactive part of `scaling` as the workload's `scaling` block, the schedules kept as the stack has them. */
  readonly stackScaling: WorkloadSpec['scaling'];
  readonly summary: SimulationSummary;
  readonly acrossPhases: PhaseSpread;
}

/** A column of the table and a series group of the chart. */
export interface PlanColumn {
  /** Key of the column in `PlanRun.timelines`. */
  readonly key: string;
  readonly label: string;
  readonly summary: SimulationSummary;
}

/** The configs the chart draws, in table order; a new column is one more entry here (and a timeline of that key). */
export function planColumns(plan: Plan): PlanColumn[] {
  return [
    { key: 'current', label: 'current', summary: plan.current.summary },
    {
      key: 'recommended',
      label: plan.recommendedStackScaling === null ? 'best candidate' : 'recommended',
      summary: plan.recommended.summary,
    },
    { key: 'seedGuide', label: 'seed guide', summary: plan.seedGuide.summary },
    { key: 'oracle', label: 'oracle', summary: plan.oracle.summary },
    ...(plan.scheduled === null
      ? []
      : [{ key: 'scheduled', label: 'scheduled', summary: plan.scheduled.summary }]),
  ];
}

/**
 * The table's columns: the chart's, with the demand config and the reactive bound before the oracle (their
 * timelines are in `PlanRun.timelines` under the same keys, for the chart to draw).
 */
export function tableColumns(plan: Plan): PlanColumn[] {
  const charted = planColumns(plan);
  const oracle = charted.findIndex((c) => c.key === 'oracle');
  return [
    ...charted.slice(0, oracle),
    { key: 'demand', label: 'demand', summary: plan.demand.summary },
    { key: 'reactiveBound', label: 'reactive bound', summary: plan.reactiveBound.summary },
    ...charted.slice(oracle),
  ];
}

export interface PlanRun {
  readonly plan: Plan;
  /** Second-by-second runs, keyed by `PlanColumn.key`. */
  readonly timelines: Readonly<Record<string, SimulationResult>>;
  /** The simulations the plan ran, and the calls it answered with an earlier equal run (`SimulationMemo`). */
  readonly simulations: SimulationCounts;
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

/** The ScaledObject of the environment as simulation parameters, on the cluster's Kubernetes minor when given. */
export function currentScaling(
  w: WorkloadSpec,
  kedaVersion = DEFAULT_KEDA_VERSION,
  kubernetesVersion?: string,
): SimulationScaling {
  const s = w.scaling;
  return {
    kedaVersion,
    ...(kubernetesVersion !== undefined && { kubernetesVersion }),
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
    ...(s.scaleOnDemand !== undefined && {
      demand: {
        messagesPerSecondPerReplica: Number(
          (w.messagesPerSecondPerPod * s.scaleOnDemand.targetUtilization).toPrecision(12),
        ),
        drainSeconds: s.scaleOnDemand.drainSeconds ?? w.targetDrainSeconds,
      },
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
    ...(s.demand !== undefined && {
      scaleOnDemand: {
        targetUtilization: Number(
          (s.demand.messagesPerSecondPerReplica / w.messagesPerSecondPerPod).toPrecision(12),
        ),
        ...(s.demand.drainSeconds !== w.targetDrainSeconds && { drainSeconds: s.demand.drainSeconds }),
        metricName:
          w.scaling.scaleOnDemand?.metricName ??
          w.scaling.scaleOnArrivalRate?.metricName ??
          DEFAULT_ARRIVAL_RATE_METRIC,
      },
    }),
    ...(s.behavior !== undefined && { behavior: behaviorSpec(s.behavior) }),
    // The scheduled events are the workload's, kept as they are.
    ...(w.scaling.schedules !== undefined && { schedules: w.scaling.schedules.map((e) => ({ ...e })) }),
  };
}

/**
 * The workload's first scheduled event on the profile's peak: the recommended config plus a cron trigger of the
 * event's replicas, opened and closed where recommendPreScale says. The stack file's cron times are
 * wall-clock, the profile's are not: the window is placed by the planner, and its length is compared with the
 * event's.
 */
export function scheduledPlan(
  w: WorkloadSpec,
  profile: TrafficProfile,
  reactive: SimulationScaling,
  base: Omit<Parameters<typeof simulate>[0], 'scaling'>,
  oracleReplicaSeconds: number,
): { plan: ScheduledPlan; result: SimulationResult; warnings: string[] } | null {
  const event = workloadSchedules(w)[0];
  if (event === undefined || profile.peak === undefined || profile.podsConsumeNothing) return null;
  const peak = profile.peak;
  // Beside a cron trigger that covers the peak, the reactive triggers only follow the rest: weigh the
  // recommendation, without its arrival-rate trigger and with one at full per-pod throughput, each with its
  // behavior, the recommended one and one that scales down fast once the stabilization window lets go.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the two are taken out, the rest kept
  const { arrivalRateThreshold: _rate, behavior: _behavior, ...bare } = reactive;
  const behaviors = [
    reactive.behavior,
    RECOMMENDED_BEHAVIOR,
    { scaleUp: RECOMMENDED_BEHAVIOR.scaleUp, scaleDown: PRE_SCALE_SCALE_DOWN },
  ];
  // The demand trigger already counts the arrival rate: beside it, no arrival-rate trigger.
  const rates =
    reactive.demand !== undefined
      ? [undefined]
      : [reactive.arrivalRateThreshold, undefined, w.messagesPerSecondPerPod];
  const seen = new Set<string>();
  const candidates: SimulationScaling[] = [];
  for (const rate of rates) {
    for (const behavior of behaviors) {
      const candidate = {
        ...bare,
        ...(rate !== undefined && { arrivalRateThreshold: rate }),
        ...(behavior !== undefined && { behavior }),
      };
      const key = JSON.stringify(candidate);
      if (!seen.has(key)) candidates.push(candidate);
      seen.add(key);
    }
  }
  const pre = choosePreScale(
    { ...base, peak, desiredReplicas: event.desiredReplicas, name: event.name },
    candidates,
    oracleReplicaSeconds,
  );
  const stackWindow = firstActiveWindow(event, CRON_CHECK_FROM_MS);
  const stackWindowSeconds =
    stackWindow === undefined ? null : (stackWindow.toMs - stackWindow.fromMs) / 1000;
  const peakReplicas = Math.min(
    w.maxReplicas,
    replicasForRate({
      messagesPerSecond: peak.ratePerSecond,
      messagesPerSecondPerPod: w.messagesPerSecondPerPod,
    }),
  );
  const windowSeconds = pre.window.toSecond - pre.window.fromSecond;
  const minutes = (seconds: number): string => `${seconds / 60} min`;
  const at = `scaling.schedules[0] (${event.name})`;
  const warnings: string[] = [];
  if (event.desiredReplicas < peakReplicas) {
    warnings.push(
      `${at} gives ${event.desiredReplicas} replicas; this profile's peak of ${peak.ratePerSecond} msg/s needs ${peakReplicas} (ceil(${peak.ratePerSecond} / ${w.messagesPerSecondPerPod}))`,
    );
  }
  if (stackWindowSeconds !== null && stackWindowSeconds !== windowSeconds) {
    warnings.push(
      `${at} is active ${minutes(stackWindowSeconds)}; for this profile's ${minutes(peak.toSecond - peak.fromSecond)} peak the recommended window is ${minutes(windowSeconds)} (open ${minutes(pre.leadSeconds)} before, close ${minutes(pre.endBeforePeakEndSeconds)} before its end)`,
    );
  }
  return {
    plan: {
      name: event.name,
      desiredReplicas: event.desiredReplicas,
      ...(event.expectedMessagesPerSecond !== undefined && {
        expectedMessagesPerSecond: event.expectedMessagesPerSecond,
      }),
      peak,
      peakReplicas,
      leadSeconds: pre.leadSeconds,
      hpaSyncSeconds: pre.hpaSyncSeconds,
      rampSeconds: pre.rampSeconds,
      endBeforePeakEndSeconds: pre.endBeforePeakEndSeconds,
      window: pre.window,
      stackWindowSeconds,
      scaling: pre.scaling,
      stackScaling: stackScaling(w, pre.scaling),
      summary: pre.result.summary,
      acrossPhases: pre.acrossPhases,
    },
    result: pre.result,
    warnings,
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

/**
 * Checks the options against their ranges (PLAN_NUMERIC_FLAGS), the workload and, when given, the profile: an
 * outage lies within it. Every message names the option, the value and the rule.
 */
export function planOptionViolations(
  w: WorkloadSpec,
  options: PlanOptions,
  profile?: Pick<TrafficProfile, 'name' | 'durationSeconds'>,
): string[] {
  const violations: string[] = [];
  const { processingSeconds, startupSeconds, outage } = options;
  if (processingSeconds !== undefined) {
    const range = PLAN_NUMERIC_FLAGS['--processing-seconds'];
    if (!withinRange(processingSeconds, range)) {
      violations.push(`--processing-seconds (${processingSeconds}) must be ${rangeText(range)}`);
    } else if (processingSeconds > w.maxProcessingSeconds) {
      violations.push(
        `--processing-seconds (${processingSeconds}) must be <= maxProcessingSeconds (${w.maxProcessingSeconds}) of workload ${w.name}`,
      );
    }
  }
  const startup = PLAN_NUMERIC_FLAGS['--startup-seconds'];
  if (startupSeconds !== undefined && !withinRange(startupSeconds, startup)) {
    violations.push(`--startup-seconds (${startupSeconds}) must be ${rangeText(startup)}`);
  }
  if (outage !== undefined) {
    const range = PLAN_NUMERIC_FLAGS['--outage'];
    const window = `${outage.fromSecond}-${outage.toSecond}`;
    if (
      !(withinRange(outage.fromSecond, range) && withinRange(outage.toSecond, range)) ||
      outage.toSecond <= outage.fromSecond
    ) {
      violations.push(`--outage (${window}) must be ${OUTAGE_RULE}`);
    } else if (profile !== undefined && outage.toSecond > profile.durationSeconds) {
      // An outage after the last second changes nothing: not what anyone asking for one means.
      violations.push(
        `--outage (${window}) must lie within the profile ${profile.name}: 0 <= from < to <= ${profile.durationSeconds} seconds`,
      );
    }
  }
  return violations;
}

export function buildPlan(
  spec: EnvironmentSpec,
  w: WorkloadSpec,
  profile: TrafficProfile,
  options: PlanOptions = {},
  /** Told before each long stage, for a progress line. */
  progress: (stage: string) => void = () => undefined,
): PlanRun {
  const violations = planOptionViolations(w, options, profile);
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
  const scaling = currentScaling(w, kedaRelease(spec), spec.kubernetes.version);
  // The committed config is often the recommendation, and the demand config too: one run each.
  const memo = new SimulationMemo();
  progress('simulating the current config');
  const current = memo.simulate({
    ...base,
    scaling,
    ...(options.outage !== undefined && { timing: { outages: [options.outage] } }),
  });
  progress('searching for the recommendation');
  const recommendation: Recommendation = recommend({
    messagesPerSecondPerPod: w.messagesPerSecondPerPod,
    targetDrainSeconds: w.targetDrainSeconds,
    minReplicas: w.minReplicas,
    maxReplicas: w.maxReplicas,
    traffic: profile.traffic,
    durationSeconds: profile.durationSeconds,
    loadBalancing: w.loadBalancing,
    extraCandidates: [scaling],
    memo,
    fixed: {
      ...(scaling.cooldownPeriodSeconds !== undefined && {
        cooldownPeriodSeconds: scaling.cooldownPeriodSeconds,
      }),
      ...(scaling.idleReplicaCount !== undefined && { idleReplicaCount: scaling.idleReplicaCount }),
      ...(scaling.fallback !== undefined && { fallback: scaling.fallback }),
      ...(scaling.kedaVersion !== undefined && { kedaVersion: scaling.kedaVersion }),
      ...(scaling.kubernetesVersion !== undefined && { kubernetesVersion: scaling.kubernetesVersion }),
      ...(scaling.ignoreNullValues !== undefined && { ignoreNullValues: scaling.ignoreNullValues }),
    },
    ...timings,
    ...(w.queueCount !== undefined && { queueCount: w.queueCount }),
    ...(spec.broker === 'apsaramq' &&
      'serverlessCapacity' in spec.instance &&
      spec.instance.serverlessCapacity !== undefined && {
        serverless: spec.instance.serverlessCapacity,
        // The instance's limit counts everything on it: this profile's sends on its topic, every other topic's
        // stated or consumable sends, every workload's receives.
        instanceTps: stackInstanceTps(spec, {
          [w.topic]: peakRate(profile.traffic.arrivals, profile.durationSeconds),
        }),
      }),
  });
  const oracle = simulateOracle({
    ...base,
    workload: { ...workload, messagesPerSecondPerPod: w.messagesPerSecondPerPod },
    scaling,
  });
  const { seedGuide } = recommendation;
  progress('searching for the reactive bound');
  const bound = reactiveBound({
    ...base,
    workload: { ...workload, messagesPerSecondPerPod: w.messagesPerSecondPerPod },
    scaling: { ...scaling, pollingIntervalSeconds: BOUND_POLLING_SECONDS },
  });
  const demandRun = memo.simulate({ ...base, scaling: recommendation.demand.scaling });
  const recommended = memo.simulate({ ...base, scaling: recommendation.recommended.scaling });
  const seedGuideRun = memo.simulate({ ...base, scaling: seedGuide.scaling });
  progress('placing the scheduled event on the peak');
  const scheduled = scheduledPlan(
    w,
    profile,
    recommendation.recommended.scaling,
    base,
    oracle.summary.replicaSeconds,
  );
  progress('re-running the current config at other timer offsets');
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
      messagesPerSecondPerPod: w.messagesPerSecondPerPod,
      targetDrainSeconds: w.targetDrainSeconds,
      current: {
        scaling,
        summary: current.summary,
        // The current run is this input's own unless an outage was simulated into it.
        acrossPhases: simulateAcrossPhases(
          { ...base, scaling },
          options.outage === undefined ? current.summary : undefined,
          memo,
        ),
      },
      recommended: {
        scaling: recommendation.recommended.scaling,
        summary: recommended.summary,
        acrossPhases: profile.podsConsumeNothing
          ? simulateAcrossPhases(
              { ...base, scaling: recommendation.recommended.scaling },
              recommended.summary,
              memo,
            )
          : recommendation.recommended.acrossPhases,
      },
      seedGuide: { scaling: seedGuide.scaling, summary: seedGuideRun.summary },
      demand: {
        scaling: recommendation.demand.scaling,
        summary: demandRun.summary,
        acrossPhases: profile.podsConsumeNothing
          ? simulateAcrossPhases({ ...base, scaling: recommendation.demand.scaling }, demandRun.summary, memo)
          : recommendation.demand.acrossPhases,
      },
      reactiveBound: { summary: bound.summary, informationDelaySeconds: bound.informationDelaySeconds },
      oracle: { summary: oracle.summary },
      // A config whose backlog never drains is no recommendation, whatever else it costs.
      recommendedStackScaling:
        recommended.summary.drainSecondsAfterPeak === null
          ? null
          : stackScaling(w, recommendation.recommended.scaling),
      capacity: recommendation.capacity,
      scaleEventBudget: recommendation.scaleEventBudget,
      scheduled: scheduled?.plan ?? null,
      warnings: [...recommendation.warnings, ...(scheduled?.warnings ?? [])],
      podsConsumeNothing: profile.podsConsumeNothing,
      // A self-managed broker's metrics are in its own Prometheus, never ARMS.
      armsPrometheus:
        spec.broker === 'apsaramq' &&
        (spec.prometheus.instanceId !== undefined ||
          /\.arms\.aliyuncs\.com[:/]/.test(spec.prometheus.serverAddress ?? '')),
    },
    timelines: {
      current,
      recommended,
      seedGuide: seedGuideRun,
      demand: demandRun,
      reactiveBound: { timeline: bound.timeline, summary: bound.summary },
      oracle,
      ...(scheduled !== null && { scheduled: scheduled.result }),
    },
    // Read last: the current column's placements above are run first.
    simulations: memo.counts,
  };
}

/** Over-target seconds within which the current config counts as good as the recommendation (recommend's slack). */
const FLAG_SLO_SLACK_SECONDS = 30;

/**
 * What the plan flags in the current config, one sentence each, empty when nothing: at its worst timer offset it
 * flaps more than the recommendation or makes more scale events than the recommendation was allowed, its backlog
 * never drains while the recommendation's does, or it is over the drain target more than 30 s beyond the
 * recommendation (recommend's slack).
 */
export function currentFlags(plan: Plan): string[] {
  const current = plan.current.acrossPhases;
  const recommended = plan.recommended.acrossPhases;
  const flags: string[] = [];
  if (current.oscillations.max > recommended.oscillations.max)
    flags.push(
      `the current config flaps: ${current.oscillations.max} scale-downs undone within the down-stabilization window`,
    );
  // The budget holds at every offset where some candidate manages that; else the recommendation's own worst.
  const allowed = Math.max(plan.scaleEventBudget, recommended.scaleEvents.max);
  if (current.scaleEvents.max > allowed)
    flags.push(
      `the current config makes ${current.scaleEvents.max} scale events, more than the ${allowed} the recommendation was allowed`,
    );
  if (
    plan.current.summary.drainSecondsAfterPeak === null &&
    plan.recommended.summary.drainSecondsAfterPeak !== null
  )
    flags.push("the current config never drains the backlog; the recommendation's does");
  if (current.secondsOverDrainTarget.max > recommended.secondsOverDrainTarget.max + FLAG_SLO_SLACK_SECONDS)
    flags.push(
      `the current config is over the drain target ${current.secondsOverDrainTarget.max} s, the recommendation ${recommended.secondsOverDrainTarget.max} s`,
    );
  return flags;
}
