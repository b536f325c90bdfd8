import { requireInt, requireNonNegative, requirePositive } from './guards';
import { hpaExternalProposal, type HpaTolerance } from './hpa-proposal';
import { hpaNormalize, type HpaBehavior, type HpaState } from './hpa-normalize';
import { DEFAULT_KEDA_COOLDOWN_SECONDS, kedaActivation } from './keda-activation';

// Sources: KEDA ScaledObject defaults (pollingInterval 30 s, cooldownPeriod 300 s); kube-controller-manager
// `--horizontal-pod-autoscaler-sync-period` default 15 s; ARMS cloud-service metrics are scraped every 15-30 s.
export const DEFAULT_POLLING_INTERVAL_SECONDS = 30;
export const DEFAULT_HPA_SYNC_SECONDS = 15;
export const DEFAULT_METRIC_STALENESS_SECONDS = 30;
/** An assumption, not a measurement: image already on the node, a JVM consumer connecting to the broker. */
export const DEFAULT_POD_STARTUP_SECONDS = 20;
/** One week: profiles longer than this are refused. */
export const MAX_SIMULATION_SECONDS = 7 * 86_400;
/** Window of the arrival-rate query's rate(): ARRIVAL_RATE_WINDOW in constructs/shared/promql.ts (tested). */
export const RATE_WINDOW_SECONDS = 60;
/**
 * KEDA stores LastActiveTime to the whole second and polls a fraction of a second after its tick, so the poll
 * exactly cooldownPeriod after the last active one already sees lastActive + cooldown before now.
 * Source: metav1.Time marshals as RFC 3339 seconds (k8s.io/apimachinery pkg/apis/meta/v1/time.go); KEDA
 * executor scaleToZeroOrIdle compares LastActiveTime + cooldown with now.
 */
const POLL_SUBSECOND_OFFSET = 0.5;
/** Below this many messages the backlog counts as drained. */
const DRAINED_EPSILON = 0.5;

export interface SimulationScaling {
  /** Backlog per replica (the backlog trigger's threshold). */
  readonly threshold: number;
  /** Messages/s per replica of the arrival-rate trigger. @default none (backlog trigger only) */
  readonly arrivalRateThreshold?: number;
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
  /** ScaledObject fallback, `replicas` within [1, maxReplicas]. @default none (`false` too) */
  readonly fallback?: false | { readonly failureThreshold: number; readonly replicas: number };
  /** @default 0.1 */
  readonly tolerance?: HpaTolerance;
}

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

export interface SimulationTraffic {
  /**
   * Arrival rate in messages/s: one value per second (the last one holds to the end), or piecewise-constant
   * segments from whole seconds (zero before the first). Not both in one list.
   */
  readonly arrivals:
    readonly number[] | readonly { readonly fromSecond: number; readonly ratePerSecond: number }[];
  /** Messages already waiting at t = 0. @default 0 */
  readonly initialBacklog?: number;
  /** Messages/s consumed by something other than the Deployment (per second or segments). @default none */
  readonly externalDrain?: SimulationTraffic['arrivals'];
}

export interface SimulationTiming {
  /** Age of the metric value a query returns (ARMS scrape + query delay). @default 30 */
  readonly metricStalenessSeconds?: number;
  /** @default 15 */
  readonly hpaSyncSeconds?: number;
  /**
   * Offset of KEDA's polls within its polling interval: the loops run on independent timers, so a step change
   * waits 0 to one period for each. Aligned (0, 0) is the fastest case for changes on whole minutes. @default 0
   */
  readonly kedaPhaseSeconds?: number;
  /** Offset of the HPA's syncs within its sync period (see kedaPhaseSeconds). @default 0 */
  readonly hpaPhaseSeconds?: number;
  /** Windows [fromSecond, toSecond) during which every metric query fails. @default none */
  readonly outages?: readonly { readonly fromSecond: number; readonly toSecond: number }[];
}

export interface SimulationInput {
  readonly scaling: SimulationScaling;
  readonly workload: SimulationWorkload;
  readonly traffic: SimulationTraffic;
  /** @default all defaults */
  readonly timing?: SimulationTiming;
  /** Seconds to simulate, at most a week. */
  readonly durationSeconds: number;
  /** Seconds a step; arrivals are summed over each step. @default 1 */
  readonly stepSeconds?: number;
  /** Replicas (all ready, counted as active) at t = 0. @default minReplicas */
  readonly initialReplicas?: number;
}

export interface TimelinePoint {
  readonly t: number;
  readonly arrivalRate: number;
  /** Ready + in-flight messages: what the backlog query returns. */
  readonly backlog: number;
  /** The in-flight part of `backlog`. */
  readonly inflight: number;
  /** Replicas the Deployment asks for (spec.replicas). */
  readonly replicas: number;
  readonly readyReplicas: number;
}

export interface SimulationSummary {
  /** Highest ready + in-flight backlog. */
  readonly peakBacklog: number;
  readonly peakAtSecond: number;
  /** Seconds from the peak until no message waits to be fetched; null if that never happens. */
  readonly drainSecondsAfterPeak: number | null;
  readonly maxWaitSeconds: number;
  readonly p99WaitSeconds: number;
  readonly replicaSeconds: number;
  /** Seconds during which the oldest waiting message is older than the drain target. */
  readonly secondsOverDrainTarget: number;
  /** Writes of a new replica count, by KEDA or the HPA. */
  readonly scaleEvents: number;
  /** Highest replica count asked for. */
  readonly peakReplicas: number;
  /** Messages that arrived, the initial backlog included. */
  readonly arrived: number;
  /** Messages acknowledged (by the pods or the external drain). */
  readonly consumed: number;
  /** Ready + in-flight at the end: arrived = consumed + finalBacklog. */
  readonly finalBacklog: number;
}

export interface SimulationResult {
  readonly timeline: readonly TimelinePoint[];
  readonly summary: SimulationSummary;
}

interface Pod {
  readyAt: number;
}

/** The arrival rate (messages/s) during whole second `second` of a per-second array or segments. */
export function rateAt(series: SimulationTraffic['arrivals'], second: number): number {
  if (series.length === 0) return 0;
  const first = series[0];
  if (typeof first === 'number') {
    const values = series as readonly number[];
    return values[Math.min(Math.floor(second), values.length - 1)] ?? 0;
  }
  const segments = series as readonly { fromSecond: number; ratePerSecond: number }[];
  // Binary search for the last segment starting at or before `second`.
  let low = 0;
  let high = segments.length - 1;
  if (segments[0].fromSecond > second) return 0;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (segments[mid].fromSecond <= second) low = mid;
    else high = mid - 1;
  }
  return segments[low].ratePerSecond;
}

/** Messages arriving in the whole seconds [from, from + seconds). */
export function amountIn(series: SimulationTraffic['arrivals'], from: number, seconds: number): number {
  let total = 0;
  for (let second = from; second < from + seconds; second += 1) total += rateAt(series, second);
  return total;
}

function validateSeries(name: string, series: SimulationTraffic['arrivals']): void {
  if (!Array.isArray(series)) throw new RangeError(`${name} must be an array`);
  const perSecond = typeof series[0] === 'number';
  let previous = -Infinity;
  series.forEach((item: number | { fromSecond: number; ratePerSecond: number }, i) => {
    if ((typeof item === 'number') !== perSecond) {
      throw new RangeError(
        `${name}[${i}] must be ${perSecond ? 'a number' : 'a { fromSecond, ratePerSecond } segment'} like ${name}[0]`,
      );
    }
    if (typeof item === 'number') {
      requireNonNegative(`${name}[${i}]`, item);
      return;
    }
    requireInt(`${name}[${i}].fromSecond`, item.fromSecond);
    requireNonNegative(`${name}[${i}].ratePerSecond`, item.ratePerSecond);
    if (item.fromSecond <= previous) throw new RangeError(`${name}[${i}].fromSecond must increase`);
    previous = item.fromSecond;
  });
}

function validate(input: SimulationInput): void {
  const s = input.scaling;
  requirePositive('scaling.threshold', s.threshold);
  if (s.arrivalRateThreshold !== undefined)
    requirePositive('scaling.arrivalRateThreshold', s.arrivalRateThreshold);
  requireNonNegative('scaling.activationThreshold', s.activationThreshold ?? 0);
  requireInt('scaling.minReplicas', s.minReplicas);
  requireInt('scaling.maxReplicas', s.maxReplicas, 1);
  if (s.minReplicas > s.maxReplicas) {
    throw new RangeError(
      `scaling.minReplicas (${s.minReplicas}) must be <= scaling.maxReplicas (${s.maxReplicas})`,
    );
  }
  if (s.idleReplicaCount !== undefined) {
    requireInt('scaling.idleReplicaCount', s.idleReplicaCount);
    // Source: KEDA ScaledObject validation: idleReplicaCount must be lower than minReplicaCount.
    if (s.idleReplicaCount >= s.minReplicas) {
      throw new RangeError(
        `scaling.idleReplicaCount (${s.idleReplicaCount}) must be < scaling.minReplicas (${s.minReplicas})`,
      );
    }
  }
  requireInt(
    'scaling.pollingIntervalSeconds',
    s.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS,
    1,
  );
  requireInt('scaling.cooldownPeriodSeconds', s.cooldownPeriodSeconds ?? DEFAULT_KEDA_COOLDOWN_SECONDS);
  if (s.queueCap !== undefined) requireInt('scaling.queueCap', s.queueCap, 1);
  if (s.fallback) {
    requireInt('scaling.fallback.failureThreshold', s.fallback.failureThreshold, 1);
    requireInt('scaling.fallback.replicas', s.fallback.replicas, 1);
    if (s.fallback.replicas > s.maxReplicas) {
      throw new RangeError(
        `scaling.fallback.replicas (${s.fallback.replicas}) must be <= scaling.maxReplicas (${s.maxReplicas})`,
      );
    }
  }
  requireNonNegative('workload.messagesPerSecondPerPod', input.workload.messagesPerSecondPerPod);
  requireNonNegative('workload.startupSeconds', input.workload.startupSeconds ?? DEFAULT_POD_STARTUP_SECONDS);
  const processing = requireNonNegative('workload.processingSeconds', input.workload.processingSeconds ?? 0);
  const maxProcessing = input.workload.maxProcessingSeconds;
  if (
    maxProcessing !== undefined &&
    requireNonNegative('workload.maxProcessingSeconds', maxProcessing) < processing
  ) {
    throw new RangeError(
      `workload.maxProcessingSeconds (${maxProcessing}) must be >= workload.processingSeconds (${processing})`,
    );
  }
  if (input.workload.targetDrainSeconds !== undefined)
    requirePositive('workload.targetDrainSeconds', input.workload.targetDrainSeconds);
  validateSeries('traffic.arrivals', input.traffic.arrivals);
  if (input.traffic.externalDrain !== undefined)
    validateSeries('traffic.externalDrain', input.traffic.externalDrain);
  requireNonNegative('traffic.initialBacklog', input.traffic.initialBacklog ?? 0);
  const timing = input.timing ?? {};
  requireNonNegative(
    'timing.metricStalenessSeconds',
    timing.metricStalenessSeconds ?? DEFAULT_METRIC_STALENESS_SECONDS,
  );
  requireInt('timing.hpaSyncSeconds', timing.hpaSyncSeconds ?? DEFAULT_HPA_SYNC_SECONDS, 1);
  (timing.outages ?? []).forEach((o, i) => {
    requireNonNegative(`timing.outages[${i}].fromSecond`, o.fromSecond);
    if (!(o.toSecond > o.fromSecond))
      throw new RangeError(`timing.outages[${i}].toSecond must be > fromSecond`);
  });
  requirePositive('durationSeconds', input.durationSeconds);
  if (input.durationSeconds > MAX_SIMULATION_SECONDS) {
    throw new RangeError(
      `durationSeconds (${input.durationSeconds}) must be <= ${MAX_SIMULATION_SECONDS} (one week)`,
    );
  }
  const step = input.stepSeconds ?? 1;
  requireInt('stepSeconds', step, 1);
  for (const [name, period, phaseName, phase] of [
    [
      'timing.hpaSyncSeconds',
      timing.hpaSyncSeconds ?? DEFAULT_HPA_SYNC_SECONDS,
      'timing.hpaPhaseSeconds',
      timing.hpaPhaseSeconds ?? 0,
    ],
    [
      'scaling.pollingIntervalSeconds',
      s.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS,
      'timing.kedaPhaseSeconds',
      timing.kedaPhaseSeconds ?? 0,
    ],
  ] as const) {
    if (period % step !== 0)
      throw new RangeError(`${name} (${period}) must be a multiple of stepSeconds (${step})`);
    requireInt(phaseName, phase);
    if (phase >= period || phase % step !== 0) {
      throw new RangeError(
        `${phaseName} (${phase}) must be a multiple of stepSeconds (${step}) below ${name} (${period})`,
      );
    }
  }
  if (input.initialReplicas !== undefined) requireInt('initialReplicas', input.initialReplicas);
}

/**
 * FIFO of messages as (second, count) buckets: waiting messages keyed by arrival (for exact per-message
 * waits), in-flight messages keyed by the second their ack is due.
 */
class MessageFifo {
  private readonly buckets: { at: number; count: number }[] = [];
  private head = 0;
  total = 0;

  add(at: number, count: number): void {
    if (count <= 0) return;
    const last = this.buckets[this.buckets.length - 1];
    if (last !== undefined && last.at === at && this.buckets.length > this.head) last.count += count;
    else this.buckets.push({ at, count });
    this.total += count;
  }

  /**
   * Removes up to `count` of the oldest messages keyed at or before `until`, reporting each bucket's key
   * through `onTaken`; returns how many were removed.
   */
  take(count: number, until = Infinity, onTaken?: (at: number, messages: number) => void): number {
    let removed = 0;
    while (removed < count && this.head < this.buckets.length && this.buckets[this.head].at <= until) {
      const bucket = this.buckets[this.head];
      const taken = Math.min(bucket.count, count - removed);
      bucket.count -= taken;
      removed += taken;
      this.total -= taken;
      onTaken?.(bucket.at, taken);
      if (bucket.count <= 1e-9) this.head += 1;
    }
    if (this.head > 4096 && this.head * 2 > this.buckets.length) {
      this.buckets.splice(0, this.head);
      this.head = 0;
    }
    if (this.total < 1e-9) this.total = 0;
    return removed;
  }

  oldestAt(): number | undefined {
    return this.head < this.buckets.length ? this.buckets[this.head].at : undefined;
  }
}

/** Weighted wait histogram at 1 s resolution. */
class WaitHistogram {
  /** Messages by wait rounded to the second; dense, since waits never exceed the simulated duration. */
  private readonly counts: number[] = [];
  private total = 0;
  max = 0;

  add(waitSeconds: number, messages: number): void {
    const key = Math.max(0, Math.round(waitSeconds));
    while (this.counts.length <= key) this.counts.push(0);
    this.counts[key] += messages;
    this.total += messages;
    if (waitSeconds > this.max) this.max = waitSeconds;
  }

  quantile(q: number): number {
    if (this.total === 0) return 0;
    const target = q * this.total;
    let seen = 0;
    for (let key = 0; key < this.counts.length; key += 1) {
      seen += this.counts[key];
      if (seen >= target) return key;
    }
    return this.max;
  }
}

/** What happens to the messages, step by step: shared by `simulate` and `simulateOracle`. */
class MessageLedger {
  private readonly waiting = new MessageFifo();
  /** Keyed by the second the ack is due. */
  private readonly inflight = new MessageFifo();
  private readonly waits = new WaitHistogram();
  private arrived: number;
  private consumed = 0;
  private peak: { value: number; at: number };
  private drainedAt: number | null;
  private secondsOver = 0;
  /** End of the step being advanced, for the waits of the messages it takes. */
  private now = 0;
  private readonly recordWait = (at: number, messages: number): void =>
    this.waits.add(this.now - at, messages);

  constructor(
    initialBacklog: number,
    private readonly processingSeconds: number,
    private readonly targetDrainSeconds: number | undefined,
  ) {
    this.waiting.add(0, initialBacklog);
    this.arrived = initialBacklog;
    this.peak = { value: initialBacklog, at: 0 };
    this.drainedAt = initialBacklog <= DRAINED_EPSILON ? 0 : null;
  }

  /** Ready + in-flight: what the backlog query returns. */
  get backlog(): number {
    return this.waiting.total + this.inflight.total;
  }

  get inflightMessages(): number {
    return this.inflight.total;
  }

  get waitingMessages(): number {
    return this.waiting.total;
  }

  /**
   * One step [t, t + step): `arriving` messages join the queue; the pods fetch up to `podCapacity` (in flight
   * until `processingSeconds` later), the external consumer takes up to `externalCapacity` (acked at once);
   * acks that are due leave the backlog.
   */
  advance(t: number, step: number, arriving: number, podCapacity: number, externalCapacity: number): void {
    const now = t + step;
    this.waiting.add(t, arriving);
    this.arrived += arriving;
    this.now = now;
    const fetched = this.waiting.take(podCapacity, Infinity, this.recordWait);
    this.inflight.add(now + this.processingSeconds, fetched);
    this.consumed += this.waiting.take(externalCapacity, Infinity, this.recordWait);
    this.consumed += this.inflight.take(Infinity, now);

    const backlog = this.backlog;
    if (backlog > this.peak.value) {
      this.peak = { value: backlog, at: now };
      this.drainedAt = null;
    }
    if (this.drainedAt === null && this.waiting.total <= DRAINED_EPSILON) this.drainedAt = now;
    const oldest = this.waiting.oldestAt();
    if (
      this.targetDrainSeconds !== undefined &&
      oldest !== undefined &&
      now - oldest > this.targetDrainSeconds
    ) {
      this.secondsOver += step;
    }
  }

  summary(control: {
    readonly replicaSeconds: number;
    readonly scaleEvents: number;
    readonly peakReplicas: number;
  }): SimulationSummary {
    return {
      peakBacklog: this.peak.value,
      peakAtSecond: this.peak.at,
      drainSecondsAfterPeak: this.drainedAt === null ? null : this.drainedAt - this.peak.at,
      maxWaitSeconds: this.waits.max,
      p99WaitSeconds: this.waits.quantile(0.99),
      secondsOverDrainTarget: this.secondsOver,
      ...control,
      arrived: this.arrived,
      consumed: this.consumed,
      finalBacklog: this.backlog,
    };
  }
}

/**
 * Predicts what KEDA and the HPA do over time (pure, deterministic). Each step, first the control loops that
 * are due act on what they can see, then messages arrive and ready pods (up to the queue cap) and the external
 * drain take them FIFO; a fetched message stays in the backlog until its ack is due.
 * - KEDA, every polling interval at its phase: activation (0 ↔ 1, idle) and cooldown; with every query
 *   failing, `fallback.replicas` set directly, or without fallback the same as idle.
 * - The HPA, every sync at its phase while replicas > 0: the [min, max] guards, else the larger proposal of the
 *   triggers from the metric as it was `metricStalenessSeconds` ago (the fallback metric once more than
 *   `failureThreshold` requests failed), normalized on the legacy path without behavior.
 */
export function simulate(input: SimulationInput): SimulationResult {
  validate(input);
  const { scaling, workload, traffic } = input;
  const timing = input.timing ?? {};
  const step = input.stepSeconds ?? 1;
  const polling = scaling.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS;
  const sync = timing.hpaSyncSeconds ?? DEFAULT_HPA_SYNC_SECONDS;
  const kedaPhase = timing.kedaPhaseSeconds ?? 0;
  const hpaPhase = timing.hpaPhaseSeconds ?? 0;
  const staleness = timing.metricStalenessSeconds ?? DEFAULT_METRIC_STALENESS_SECONDS;
  const startup = workload.startupSeconds ?? DEFAULT_POD_STARTUP_SECONDS;
  const cooldown = scaling.cooldownPeriodSeconds ?? DEFAULT_KEDA_COOLDOWN_SECONDS;
  const activation = scaling.activationThreshold ?? 0;
  // KEDA creates the HPA with minReplicas = max(minReplicaCount, 1) (Source: KEDA hpa.go getHPAMinReplicas).
  const hpaMin = Math.max(scaling.minReplicas, 1);
  const steps = Math.ceil(input.durationSeconds / step);

  const processing = workload.processingSeconds ?? 0;
  // Time a removed pod lingers: until the slowest in-flight message is done, if any can be in flight.
  const shutdownSeconds = processing > 0 ? (workload.maxProcessingSeconds ?? processing) : 0;

  const backlogSeries = new Float64Array(steps + 1);
  const arrivedSeries = new Float64Array(steps + 1); // cumulative arrivals, for the rate() window
  const ledger = new MessageLedger(traffic.initialBacklog ?? 0, processing, workload.targetDrainSeconds);
  const pods: Pod[] = [];
  const initial = input.initialReplicas ?? scaling.minReplicas;
  for (let i = 0; i < initial; i += 1) pods.push({ readyAt: 0 });
  let specReplicas = initial;
  let hpaState: HpaState | undefined;
  // A Deployment already running counts as active at the start; a new one with no replicas has no
  // LastActiveTime, so KEDA would scale it in without waiting for the cooldown.
  let lastActiveAt: number | undefined = initial > 0 ? 0 : undefined;
  let hpaFailures = 0;
  let replicaSeconds = 0;
  let scaleEvents = 0;
  let maxSpec = specReplicas;
  const timeline: TimelinePoint[] = [];
  // The manifests clamp a queue-based query at maxReplicaCount × threshold (constructs/k8s/backlog-scaler.ts).
  const clampAt =
    scaling.queueCap === undefined
      ? Infinity
      : Math.min(scaling.queueCap, scaling.maxReplicas) * scaling.threshold;

  const inOutage = (t: number): boolean =>
    (timing.outages ?? []).some((o) => t >= o.fromSecond && t < o.toSecond);
  const indexAt = (t: number): number => Math.max(0, Math.min(steps, Math.floor(t / step)));
  const seenBacklog = (t: number): number => Math.min(backlogSeries[indexAt(t - staleness)], clampAt);
  const seenArrivalRate = (t: number): number => {
    const end = indexAt(t - staleness);
    const start = indexAt(t - staleness - RATE_WINDOW_SECONDS);
    const seconds = (end - start) * step;
    return seconds > 0 ? (arrivedSeries[end] - arrivedSeries[start]) / seconds : 0;
  };
  // The ScaledObject's triggers: the backlog, and optionally the arrival rate (activation 0, KEDA's default).
  const triggers: { target: number; activation: number; seen: (t: number) => number }[] = [
    { target: scaling.threshold, activation, seen: seenBacklog },
    ...(scaling.arrivalRateThreshold === undefined
      ? []
      : [{ target: scaling.arrivalRateThreshold, activation: 0, seen: seenArrivalRate }]),
  ];
  const resize = (target: number, t: number): void => {
    if (target === specReplicas) return;
    scaleEvents += 1;
    if (target > specReplicas) {
      for (let i = specReplicas; i < target; i += 1) pods.push({ readyAt: t + startup });
    } else {
      // A ReplicaSet deletes pods that are not ready first, then the most recently ready
      // (Source: kubernetes pkg/controller/controller_utils.go ActivePodsWithRanks).
      pods.sort((a, b) => a.readyAt - b.readyAt);
      const removedReady = pods.slice(target).filter((p) => p.readyAt <= t).length;
      replicaSeconds += removedReady * shutdownSeconds;
      pods.length = target;
    }
    specReplicas = target;
    maxSpec = Math.max(maxSpec, target);
  };

  backlogSeries[0] = ledger.backlog;
  for (let i = 0; i < steps; i += 1) {
    const t = i * step;
    // 1. Control loops act on what they can see now. In an outage every query fails.
    const failing = inOutage(t);
    if (t % polling === kedaPhase) {
      const active = !failing && triggers.some((trigger) => trigger.seen(t) > trigger.activation);
      if (active) lastActiveAt = t;
      if (!active && failing && scaling.fallback) {
        // No trigger active, one failed, fallback.replicas set: the scale loop sets the count itself,
        // from the first failed poll (KEDA executor RequestScale → doFallbackScaling).
        resize(scaling.fallback.replicas, t);
      } else {
        // A failing trigger is not active: without fallback an outage counts as idle, cooldown included.
        // ScaledObject activity is "any trigger active": pass it to the 0 ↔ 1 decision as 1 / 0.
        const decision = kedaActivation({
          currentReplicas: specReplicas,
          metricValue: active ? 1 : 0,
          activationThreshold: 0,
          minReplicaCount: scaling.minReplicas,
          ...(scaling.idleReplicaCount !== undefined && { idleReplicaCount: scaling.idleReplicaCount }),
          ...(lastActiveAt !== undefined && {
            secondsSinceLastActive: t - lastActiveAt + POLL_SUBSECOND_OFFSET,
          }),
          cooldownPeriod: cooldown,
        });
        resize(decision.replicas, t);
      }
    }
    if (t % sync === hpaPhase && specReplicas > 0) {
      const proposal = (metricValue: number, targetAverageValue: number): number =>
        hpaExternalProposal({
          statusReplicas: specReplicas,
          metricValue,
          targetAverageValue,
          ...(scaling.tolerance !== undefined && { tolerance: scaling.tolerance }),
        });
      let desired: number | undefined;
      if (specReplicas > scaling.maxReplicas || specReplicas < hpaMin) {
        // reconcileAutoscaler clamps to [min, max] before it asks for metrics; hpaNormalize's guard ignores
        // the proposal.
        desired = specReplicas;
      } else {
        // The metrics server counts failed requests per metric and resets on success
        // (KEDA pkg/fallback GetMetricsWithFallback).
        hpaFailures = failing ? hpaFailures + 1 : 0;
        if (!failing) {
          desired = Math.max(...triggers.map((trigger) => proposal(trigger.seen(t), trigger.target)));
        } else if (scaling.fallback && hpaFailures > scaling.fallback.failureThreshold) {
          // Past failureThreshold each metric reads int64(target) × fallback.replicas (doFallback).
          const replicas = scaling.fallback.replicas;
          desired = Math.max(
            ...triggers.map((trigger) => proposal(Math.trunc(trigger.target) * replicas, trigger.target)),
          );
        }
      }
      // With every metric failing and no fallback the HPA leaves the count alone.
      if (desired !== undefined) {
        const result = hpaNormalize({
          now: t,
          currentReplicas: specReplicas,
          desiredReplicas: desired,
          minReplicas: hpaMin,
          maxReplicas: scaling.maxReplicas,
          ...(scaling.behavior !== undefined && { behavior: scaling.behavior }),
          ...(hpaState !== undefined && { state: hpaState }),
        });
        hpaState = result.state;
        resize(result.replicas, t);
      }
    }

    // 2. Messages arrive and are consumed during [t, t + step).
    let ready = 0;
    for (const pod of pods) if (pod.readyAt <= t) ready += 1;
    const consuming = scaling.queueCap === undefined ? ready : Math.min(ready, scaling.queueCap);
    const arriving = amountIn(traffic.arrivals, t, step);
    ledger.advance(
      t,
      step,
      arriving,
      consuming * workload.messagesPerSecondPerPod * step,
      traffic.externalDrain === undefined ? 0 : amountIn(traffic.externalDrain, t, step),
    );
    replicaSeconds += pods.length * step;
    backlogSeries[i + 1] = ledger.backlog;
    arrivedSeries[i + 1] = arrivedSeries[i] + arriving;
    timeline.push({
      t: t + step,
      arrivalRate: arriving / step,
      backlog: ledger.backlog,
      inflight: ledger.inflightMessages,
      replicas: specReplicas,
      readyReplicas: ready,
    });
  }

  return { timeline, summary: ledger.summary({ replicaSeconds, scaleEvents, peakReplicas: maxSpec }) };
}

/**
 * The physical bound: every step, replicas = ceil(rate / per-pod rate), one more while messages from earlier
 * steps wait, ready at once, with no delay and no replica limit but the queue count of a queue-based consumer
 * (pods beyond it receive nothing). The external drain is left out: the oracle's pods do all the work.
 */
export function simulateOracle(input: SimulationInput): SimulationResult {
  validate(input);
  const { workload, traffic } = input;
  const perPod = workload.messagesPerSecondPerPod;
  if (perPod <= 0) {
    throw new RangeError(`workload.messagesPerSecondPerPod must be > 0 for the oracle, got ${perPod}`);
  }
  const cap = input.scaling.queueCap ?? Infinity;
  const step = input.stepSeconds ?? 1;
  const steps = Math.ceil(input.durationSeconds / step);
  const ledger = new MessageLedger(
    traffic.initialBacklog ?? 0,
    workload.processingSeconds ?? 0,
    workload.targetDrainSeconds,
  );
  let replicaSeconds = 0;
  let scaleEvents = 0;
  let previous = -1;
  let peakReplicas = 0;
  const timeline: TimelinePoint[] = [];
  for (let i = 0; i < steps; i += 1) {
    const t = i * step;
    const arriving = amountIn(traffic.arrivals, t, step);
    const rate = arriving / step;
    const behind = ledger.waitingMessages > DRAINED_EPSILON ? perPod : 0;
    // 1e-9: 0.3 / 0.1 is 2.9999999999999996 in binary, which must not round up to 4.
    const replicas = Math.min(cap, Math.ceil((rate + behind) / perPod - 1e-9));
    if (previous >= 0 && replicas !== previous) scaleEvents += 1;
    previous = replicas;
    peakReplicas = Math.max(peakReplicas, replicas);
    ledger.advance(t, step, arriving, replicas * perPod * step, 0);
    replicaSeconds += replicas * step;
    timeline.push({
      t: t + step,
      arrivalRate: rate,
      backlog: ledger.backlog,
      inflight: ledger.inflightMessages,
      replicas,
      readyReplicas: replicas,
    });
  }
  return { timeline, summary: ledger.summary({ replicaSeconds, scaleEvents, peakReplicas }) };
}
