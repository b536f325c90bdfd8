import type { HpaTolerance } from './hpa-proposal';
import type { HpaBehavior } from './hpa-behavior';
import type { KedaFallbackBehavior } from './keda-version';

// Sources: KEDA ScaledObject defaults (pollingInterval 30 s, cooldownPeriod 300 s); kube-controller-manager
// `--horizontal-pod-autoscaler-sync-period` default 15 s; ARMS cloud-service metrics are scraped every 15-30 s.
/** KEDA's default polling interval, in seconds. */
export const DEFAULT_POLLING_INTERVAL_SECONDS = 30;
/** The HPA controller's default sync period, in seconds. */
export const DEFAULT_HPA_SYNC_SECONDS = 15;
/** Default age of the metric value a query returns, in seconds. */
export const DEFAULT_METRIC_STALENESS_SECONDS = 30;
/** An assumption, not a measurement: image already on the node, a JVM consumer connecting to the broker. */
export const DEFAULT_POD_STARTUP_SECONDS = 20;
/** One week: profiles longer than this are refused. */
export const MAX_SIMULATION_SECONDS = 7 * 86_400;
/** Window of the arrival-rate query's rate(): ARRIVAL_RATE_WINDOW in constructs/shared/promql.ts (tested). */
export const RATE_WINDOW_SECONDS = 60;
/** Window of the scale-from-zero stand-in's increase(): FROM_ZERO_ARRIVAL_WINDOW in constructs/shared/promql.ts (tested). */
export const FROM_ZERO_WINDOW_SECONDS = 300;

/** The ScaledObject config a simulation runs: triggers, bounds, timers, behavior, fallback. */
export interface SimulationScaling {
  /** Backlog per replica (the backlog trigger's threshold). */
  readonly threshold: number;
  /** Messages/s per replica of the arrival-rate trigger. @default none (backlog trigger only) */
  readonly arrivalRateThreshold?: number;
  /**
   * The demand trigger, in place of the backlog and arrival-rate triggers: one Prometheus query whose value is
   * the demand in pods, (arrival rate + backlog / drainSeconds) / messagesPerSecondPerReplica (clamped at
   * min(queueCap, maxReplicas)), against an AverageValue target of 1; `activationThreshold` is in pods then; the
   * query fails when either series fails, and reads a rate of 0 when the arrival series is missing
   * (constructs/shared/promql.ts demandQuery). @default none
   */
  readonly demand?: SimulationDemand;
  /** @default 0 */
  readonly activationThreshold?: number;
  /** ScaledObject minReplicaCount; 0 lets KEDA scale to zero. */
  readonly minReplicas: number;
  /** ScaledObject maxReplicaCount. */
  readonly maxReplicas: number;
  /** ScaledObject idleReplicaCount, below minReplicas. @default none */
  readonly idleReplicaCount?: number;
  /** @default 30 */
  readonly pollingIntervalSeconds?: number;
  /** @default 300 */
  readonly cooldownPeriodSeconds?: number;
  /** @default none: the HPA's legacy path, what a ScaledObject gets without horizontalPodAutoscalerConfig */
  readonly behavior?: HpaBehavior;
  /**
   * Queue-based consumers: pods beyond this receive nothing, and the query is clamped at
   * min(queueCap, maxReplicas) × threshold as the manifests do. @default none
   */
  readonly queueCap?: number;
  /**
   * ScaledObject fallback, `replicas` within [1, maxReplicas]; `behavior` needs KEDA 2.17+.
   * @default none (`false` too)
   */
  readonly fallback?:
    | false
    | {
        /** Failed metric requests before the fallback applies. */
        readonly failureThreshold: number;
        /** Replicas the fallback holds. */
        readonly replicas: number;
        /** @default static */
        readonly behavior?: KedaFallbackBehavior;
      };
  /** The KEDA release whose executor and fallback are modelled (major.minor.patch). @default DEFAULT_KEDA_VERSION */
  readonly kedaVersion?: string;
  /**
   * The backlog trigger's `ignoreNullValues`: true reads an empty result as 0, false makes it an error (the
   * arrival-rate trigger keeps KEDA's default, true). @default true
   */
  readonly ignoreNullValues?: boolean;
  /** @default 0.1 */
  readonly tolerance?: HpaTolerance;
  /**
   * The cluster's Kubernetes minor ("1.32"), whose HPA tolerance test is modelled (hpa-proposal.ts
   * hpaToleranceForm). @default DEFAULT_KUBERNETES_VERSION
   */
  readonly kubernetesVersion?: string;
  /**
   * ScaledObject `initialCooldownPeriod`: without a lastActiveTime KEDA scales in once this long has passed since
   * the ScaledObject was created at t = 0 (KEDA v2.17.2 scale_scaledobjects.go scaleToZeroOrIdle). @default 0
   */
  readonly initialCooldownPeriodSeconds?: number;
  /**
   * KEDA `cron` triggers, with the times they are active already in simulation seconds (the planner evaluates
   * the cron expressions; this module stays pure). @default none
   */
  readonly schedules?: readonly SimulationSchedule[];
}

/** The demand trigger's parameters (see SimulationScaling.demand). */
export interface SimulationDemand {
  /** Messages/s one replica is given: per-pod throughput × target utilization. */
  readonly messagesPerSecondPerReplica: number;
  /** Seconds in which the backlog is to be drained: the workload's drain target. */
  readonly drainSeconds: number;
}

/** A time window [fromSecond, toSecond) in simulation seconds. */
export interface SecondsWindow {
  /** First second inside the window. */
  readonly fromSecond: number;
  /** First second after it. */
  readonly toSecond: number;
}

/** A constant arrival rate from one whole second on, until the next segment. */
export interface RateSegment {
  /** Second the rate starts at. */
  readonly fromSecond: number;
  /** Messages per second. */
  readonly ratePerSecond: number;
}

/**
 * A KEDA `cron` trigger: its metric is desiredReplicas while active and 1 otherwise, against an AverageValue
 * target of 1, so the HPA's proposal is desiredReplicas (within its tolerance); while active the ScaledObject
 * is active (Source: kedacore/keda pkg/scalers/cron_scaler.go GetMetricSpecForScaling, GetMetricsAndActivity).
 * KEDA computes it at each request, with no Prometheus behind it: no staleness, no outage.
 */
export interface SimulationSchedule {
  /** Trigger name. */
  readonly name: string;
  /** Replicas proposed while active (>= 1). */
  readonly desiredReplicas: number;
  /** Seconds [fromSecond, toSecond) during which the trigger is active, in order, not overlapping. */
  readonly windows: readonly SecondsWindow[];
}

/** The consumer pods: how fast they consume, start and hold messages. */
export interface SimulationWorkload {
  /** Messages per second one ready pod consumes; 0 models a placeholder that consumes nothing. */
  readonly messagesPerSecondPerPod: number;
  /** Seconds from pod creation to ready; a starting pod consumes nothing. @default 20 */
  readonly startupSeconds?: number;
  /**
   * Mean seconds a fetched message stays in flight (received, not yet acknowledged). The backlog metric counts
   * it, so the autoscaler sees ready + in-flight. Use the mean, not the worst case: in-flight per pod is
   * messagesPerSecondPerPod × processingSeconds. @default 0
   */
  readonly processingSeconds?: number;
  /**
   * Longest a message takes. A pod removed by a scale-down stops fetching and is billed until the slowest of
   * its in-flight messages is done: this long, when messages are in flight at all. @default processingSeconds
   */
  readonly maxProcessingSeconds?: number;
  /** Drain target (SLO) for `secondsOverDrainTarget`. @default none */
  readonly targetDrainSeconds?: number;
}

/** The messages: arrivals, what already waits, and what something else consumes. */
export interface SimulationTraffic {
  /**
   * Arrival rate in messages/s: one value per second (the last one holds to the end), or piecewise-constant
   * segments from whole seconds (zero before the first). Not both in one list.
   */
  readonly arrivals: readonly number[] | readonly RateSegment[];
  /** Messages already waiting at t = 0. @default 0 */
  readonly initialBacklog?: number;
  /** Messages/s consumed by something other than the Deployment (per second or segments). @default none */
  readonly externalDrain?: SimulationTraffic['arrivals'];
}

/** The timers and delays of KEDA, the HPA and the metric, and metric outages. */
export interface SimulationTiming {
  /** Age of the metric value a query returns (ARMS scrape + query delay). @default 30 */
  readonly metricStalenessSeconds?: number;
  /** @default 15 */
  readonly hpaSyncSeconds?: number;
  /**
   * kube-controller-manager `--horizontal-pod-autoscaler-downscale-stabilization`: the window of an HPA without
   * `behavior` (whole seconds). @default 300
   */
  readonly hpaDownscaleStabilizationSeconds?: number;
  /**
   * Offset of KEDA's polls within its polling interval: the loops run on independent timers, so a step change
   * waits 0 to one period for each. Aligned (0, 0) is the fastest case for changes on whole minutes. @default 0
   */
  readonly kedaPhaseSeconds?: number;
  /** Offset of the HPA's syncs within its sync period (see kedaPhaseSeconds). @default 0 */
  readonly hpaPhaseSeconds?: number;
  /** Windows [fromSecond, toSecond) during which metric queries fail or come back empty. @default none */
  readonly outages?: readonly SimulationOutage[];
  /**
   * Whether the group's backlog series exist while none of its consumers is online. The broker drops them (apache/
   * rocketmq ConsumerLagCalculator processAllGroup), so a workload with no ready pod reads the scale-from-zero
   * stand-in (constructs/shared/promql.ts whenGroupAbsent); true models an exporter that keeps them. @default false
   */
  readonly groupSeriesWithoutConsumers?: boolean;
}

/** A trigger of the simulated ScaledObject. */
export type SimulationTrigger = 'backlog' | 'arrivalRate' | 'demand';

/** A window during which metric queries fail or come back empty. */
export interface SimulationOutage extends SecondsWindow {
  /**
   * `error`: the query fails (Prometheus unreachable, auth, timeout); `empty`: it succeeds with no series (a
   * wrong instance id, an ARMS gap), which only ignoreNullValues false makes an error; `groupAbsent`: only the
   * group's backlog series are missing (an ARMS gap, a wrong label) while consumers run, so a workload that can
   * scale to zero reads its stand-in, any other an empty result (the arrival-rate trigger is unaffected). The
   * demand trigger's one query reads both series: an outage of the backlog (or one naming `demand`) hits it as
   * the backlog trigger; of the arrival rate, an error fails it and an empty result reads a rate of 0.
   * @default error
   */
  readonly kind?: 'error' | 'empty' | 'groupAbsent';
  /** The triggers whose queries are affected. @default every trigger */
  readonly triggers?: readonly SimulationTrigger[];
}

/** One simulation: the config, the workload, the traffic and the timing. */
export interface SimulationInput {
  /** The ScaledObject config. */
  readonly scaling: SimulationScaling;
  /** The consumer pods. */
  readonly workload: SimulationWorkload;
  /** The messages. */
  readonly traffic: SimulationTraffic;
  /** @default all defaults */
  readonly timing?: SimulationTiming;
  /** Seconds to simulate, at most a week. */
  readonly durationSeconds: number;
  /** Seconds a step; arrivals are summed over each step. @default 1 */
  readonly stepSeconds?: number;
  /** Replicas (all ready) at t = 0. @default minReplicas */
  readonly initialReplicas?: number;
  /**
   * Seconds before t = 0 at which a trigger was last active (the ScaledObject's status.lastActiveTime), for a
   * ScaledObject that already runs. @default none: a ScaledObject created at t = 0, which has no lastActiveTime
   */
  readonly lastActiveSecondsBeforeStart?: number;
}

/** The state at the end of one step. */
export interface TimelinePoint {
  /** Second of the step's end. */
  readonly t: number;
  /** Messages per second arriving during the step. */
  readonly arrivalRate: number;
  /** Ready + in-flight messages: what the backlog query returns. */
  readonly backlog: number;
  /** The in-flight part of `backlog`. */
  readonly inflight: number;
  /** Replicas the Deployment asks for (spec.replicas). */
  readonly replicas: number;
  /** Replicas ready to consume. */
  readonly readyReplicas: number;
}

/** The figures of one simulation. */
export interface SimulationSummary {
  /** Highest ready + in-flight backlog. */
  readonly peakBacklog: number;
  /** Second of peakBacklog. */
  readonly peakAtSecond: number;
  /** Seconds from the peak until no message waits to be fetched; null if that never happens. */
  readonly drainSecondsAfterPeak: number | null;
  /** Longest wait; a message still waiting at the end counts with its age so far (a lower bound then). */
  readonly maxWaitSeconds: number;
  /** 99th percentile wait, still-waiting messages counted with their age so far (a lower bound then). */
  readonly p99WaitSeconds: number;
  /** Messages not yet fetched at the end (in flight excluded). */
  readonly waitingAtEnd: number;
  /** Age at the end of the oldest message not yet fetched; 0 when fewer than DRAINED_EPSILON wait. */
  readonly oldestWaitingSeconds: number;
  /** Replicas asked for, summed over the seconds: what the pods cost. */
  readonly replicaSeconds: number;
  /** Seconds during which the oldest waiting message is older than the drain target. */
  readonly secondsOverDrainTarget: number;
  /** Writes of a new replica count, by KEDA or the HPA. */
  readonly scaleEvents: number;
  /** Scale-ups that undo a scale-down within the down-stabilization window (flaps; see ScaleEventLog). */
  readonly oscillations: number;
  /**
   * Times the HPA raised the count straight back after KEDA wrote an idleReplicaCount above 0 (below its
   * minReplicas): pods killed and restarted for nothing (issue 24).
   */
  readonly idleFights: number;
  /** Second of the last scale event; null if the replica count never changed. */
  readonly lastScaleEventAtSecond: number | null;
  /** Highest replica count asked for. */
  readonly peakReplicas: number;
  /** Messages that arrived, the initial backlog included. */
  readonly arrived: number;
  /** Messages acknowledged (by the pods or the external drain). */
  readonly consumed: number;
  /** Ready + in-flight at the end: arrived = consumed + finalBacklog. */
  readonly finalBacklog: number;
}

/** A simulation's timeline and summary. */
export interface SimulationResult {
  /** One point per step. */
  readonly timeline: readonly TimelinePoint[];
  /** The figures. */
  readonly summary: SimulationSummary;
}
