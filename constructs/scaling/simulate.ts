import { hpaExternalProposal } from './hpa-proposal';
import { DEFAULT_SCALE_UP_LIMIT_FACTOR, resolveBehavior, type ResolvedBehavior } from './hpa-behavior';
import { reconcile, type MutableHpaState } from './hpa-normalize';
import { canScaleToZero, DEFAULT_KEDA_COOLDOWN_SECONDS, kedaActivation } from './keda-activation';
import { DEFAULT_KEDA_VERSION, fallbackMetricReplicas, kedaFallbackMode } from './keda-version';
import { MessageLedger } from './message-ledger';
import { DEFAULT_DOWNSCALE_STABILIZATION_SECONDS } from './hpa-behavior';
import { ScaleEventLog } from './scale-events';
import { validate } from './simulate-validate';
import {
  DEFAULT_HPA_SYNC_SECONDS,
  DEFAULT_METRIC_STALENESS_SECONDS,
  DEFAULT_POD_STARTUP_SECONDS,
  DEFAULT_POLLING_INTERVAL_SECONDS,
  FROM_ZERO_WINDOW_SECONDS,
  RATE_WINDOW_SECONDS,
  type SimulationInput,
  type SimulationResult,
  type SimulationSummary,
  type SimulationTrigger,
  type TimelinePoint,
} from './simulation-types';
import { amountIn, forwardAmountIn } from './traffic-series';

/**
 * KEDA stores LastActiveTime to the whole second and polls a fraction of a second after its tick, so the poll
 * exactly cooldownPeriod after the last active one already sees lastActive + cooldown before now.
 * Source: metav1.Time marshals as RFC 3339 seconds (k8s.io/apimachinery pkg/apis/meta/v1/time.go); KEDA
 * executor scaleToZeroOrIdle compares LastActiveTime + cooldown with now.
 */
const POLL_SUBSECOND_OFFSET = 0.5;

interface Pod {
  readyAt: number;
}

/**
 * Predicts what KEDA and the HPA do over time (pure, deterministic). Each step, first the control loops that
 * are due act on what they can see, then messages arrive and ready pods (up to the queue cap) and the external
 * drain take them FIFO; a fetched message stays in the backlog until its ack is due.
 * - KEDA, every polling interval at its phase (kedacore/keda pkg/scaling/executor/scale_scaledobjects.go
 *   RequestScale): activation (0 ↔ 1, idle) and cooldown. A failing trigger is not active; with one failing,
 *   LastActiveTime is not refreshed; with none active and one failing, KEDA 2.16 and earlier write
 *   `fallback.replicas` (doFallbackScaling), 2.17+ do nothing, and without fallback nothing is scaled.
 * - The HPA, every sync at its phase while replicas > 0: the [min, max] guards, else the larger proposal of the
 *   triggers from the metric as it was `metricStalenessSeconds` ago (a trigger's fallback metric once more than
 *   `failureThreshold` of its requests failed), normalized on the legacy path without behavior. A failing
 *   metric blocks a scale-down and, when every metric fails, any change (horizontal.go
 *   computeReplicasForMetrics).
 * - Cron triggers (`scaling.schedules`): desiredReplicas while a window is open, else 1, read at the moment
 *   (KEDA computes them on request); an open window keeps the ScaledObject active.
 * - The backlog query of a workload that can scale to zero falls back, while the group has no series (no ready
 *   pod, or a `groupAbsent` outage), on its stand-in: threshold if the topic had an arrival in the last 5 min,
 *   else 0 (constructs/shared/promql.ts whenGroupAbsent).
 * - A ScaledObject created at t = 0 has no lastActiveTime unless `lastActiveSecondsBeforeStart` says otherwise.
 * - `scaling.demand` replaces the backlog and arrival-rate triggers by one whose query sums both (in pods,
 *   target 1): a failing or empty series fails it, and its backlog part has the same stand-in.
 */
export function simulate(input: SimulationInput): SimulationResult {
  return run(input, true);
}

/**
 * `simulate(input).summary` without the per-step timeline, which most of a run's time and memory go to: for a
 * search that weighs many configs by their figures (recommend, simulateAcrossPhases).
 */
export function simulateSummary(input: SimulationInput): SimulationSummary {
  return run(input, false).summary;
}

function run(input: SimulationInput, keepTimeline: boolean): SimulationResult {
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
  // The loop reads the config from locals: candidates built by spreads differ in shape, and reading a field of
  // each new shape deoptimized the loop (node --trace-deopt).
  const {
    minReplicas,
    maxReplicas,
    threshold,
    queueCap,
    idleReplicaCount,
    fallback,
    tolerance,
    kubernetesVersion,
  } = scaling;
  const steps = Math.ceil(input.durationSeconds / step);

  const processing = workload.processingSeconds ?? 0;
  // Time a removed pod lingers: until the slowest in-flight message is done, if any can be in flight.
  const shutdownSeconds = processing > 0 ? (workload.maxProcessingSeconds ?? processing) : 0;

  const backlogSeries = new Float64Array(steps + 1);
  // Whether a consumer was online (a ready pod) at each sample: the group's series exist only then.
  const onlineSeries = new Uint8Array(steps + 1);
  const arrivedSeries = new Float64Array(steps + 1); // cumulative arrivals, for the rate() window
  const ledger = new MessageLedger(traffic.initialBacklog ?? 0, processing, workload.targetDrainSeconds);
  // Sorted by readyAt: a pod is added at t + startup and the last ones are removed, so the ready pods are the
  // first readyPods, a count that only a scale-down lowers.
  const pods: Pod[] = [];
  let readyPods = 0;
  const initial = input.initialReplicas ?? minReplicas;
  for (let i = 0; i < initial; i += 1) pods.push({ readyAt: 0 });
  let specReplicas = initial;
  let hpaState: MutableHpaState | undefined;
  // hpaNormalize's arguments, checked once: validate() covers all but the behavior, resolved (and so checked)
  // where hpaNormalize first did it, at the first reconciliation.
  const downscaleWindow = timing.hpaDownscaleStabilizationSeconds ?? DEFAULT_DOWNSCALE_STABILIZATION_SECONDS;
  let behavior: ResolvedBehavior | undefined;
  // A ScaledObject created at t = 0 has no LastActiveTime: KEDA scales it in once initialCooldownPeriod has passed
  // (scale_scaledobjects.go scaleToZeroOrIdle), running pods or not.
  let lastActiveAt: number | undefined =
    input.lastActiveSecondsBeforeStart === undefined ? undefined : -input.lastActiveSecondsBeforeStart;
  const initialCooldown = scaling.initialCooldownPeriodSeconds ?? 0;
  // The HPA raising the count right after KEDA wrote an idle count above 0 (issue 24 item 2).
  let idleWritten = false;
  let idleFights = 0;
  const standIn = canScaleToZero(minReplicas, idleReplicaCount);
  // Failed metric requests per trigger, reset by a success (KEDA pkg/fallback GetMetricsWithFallback).
  const hpaFailures: number[] = [];
  const fallbackMode = kedaFallbackMode(scaling.kedaVersion ?? DEFAULT_KEDA_VERSION);
  const ignoreNullValues = scaling.ignoreNullValues ?? true;
  let replicaSeconds = 0;
  // Flaps are counted against the down-stabilization window the config has.
  const scaleLog = new ScaleEventLog(
    scaling.behavior?.scaleDown?.stabilizationWindowSeconds ?? DEFAULT_DOWNSCALE_STABILIZATION_SECONDS,
  );
  let maxSpec = specReplicas;
  const timeline: TimelinePoint[] = [];
  // The manifests clamp a queue-based query at maxReplicaCount × threshold (constructs/k8s/backlog-scaler.ts).
  const clampAt = queueCap === undefined ? Infinity : Math.min(queueCap, maxReplicas) * threshold;

  /** The outage kind hitting `trigger`'s query at t, if any ('error' wins over 'empty', 'empty' over 'groupAbsent'). */
  const outageAt = (trigger: SimulationTrigger, t: number): 'error' | 'empty' | 'groupAbsent' | undefined => {
    let kind: 'empty' | 'groupAbsent' | undefined;
    // The demand query reads the backlog series as the backlog trigger does (its arrival part: demandRead).
    const hits = (named: readonly SimulationTrigger[]): boolean =>
      named.includes(trigger) || (trigger === 'demand' && named.includes('backlog'));
    for (const o of timing.outages ?? []) {
      if (t < o.fromSecond || t >= o.toSecond) continue;
      if (o.triggers !== undefined && !hits(o.triggers)) continue;
      const k = o.kind ?? 'error';
      if (k === 'error') return 'error';
      // The arrival rate reads the topic's counter, not the group's series.
      if (k === 'groupAbsent' && trigger === 'arrivalRate') continue;
      if (k === 'empty' || kind === undefined) kind = k;
    }
    return kind;
  };
  const indexAt = (t: number): number => Math.max(0, Math.min(steps, Math.floor(t / step)));
  const seenBacklog = (t: number): number => Math.min(backlogSeries[indexAt(t - staleness)], clampAt);
  // Before t = 0 the topic is taken to have carried its rate at t = 0 (steady state), so the window is full
  // from the start: rate() divides the increase by the whole range even when fewer samples are in it
  // (Source: prometheus promql/functions.go extrapolatedRate).
  const rateBeforeStart = amountIn(traffic.arrivals, 0, step) / step;
  /** Messages that arrived in the `window` seconds up to the sample seen at t. */
  const arrivedIn = (t: number, window: number): number => {
    const end = indexAt(t - staleness);
    const start = indexAt(t - staleness - window);
    const before = Math.max(0, window - (end - start) * step) * rateBeforeStart;
    return arrivedSeries[end] - arrivedSeries[start] + before;
  };
  const seenArrivalRate = (t: number): number => arrivedIn(t, RATE_WINDOW_SECONDS) / RATE_WINDOW_SECONDS;
  const groupSeriesWithoutConsumers = timing.groupSeriesWithoutConsumers ?? false;
  /** Whether the group's series are missing from the sample seen at t (no consumer online, or an outage). */
  const groupAbsentAt = (t: number, outage: string | undefined): boolean =>
    outage === 'groupAbsent' || (!groupSeriesWithoutConsumers && onlineSeries[indexAt(t - staleness)] === 0);
  // The stand-in: `(sum(increase(arrivals[5m])) > bool 0) * threshold`, clamped like the rest of the query.
  const seenStandIn = (t: number): number =>
    arrivedIn(t, FROM_ZERO_WINDOW_SECONDS) > 0 ? Math.min(threshold, clampAt) : 0;
  const demand = scaling.demand;
  /**
   * The demand query at t, in pods: (rate + backlog part / drainSeconds) / per-replica rate, clamped at the useful
   * maximum; the backlog part reads its stand-in while the group has no series (`absent`), one pod's worth.
   */
  const seenDemand = (t: number, absent: boolean, noRate = false): number => {
    if (demand === undefined) return 0;
    const perReplica = demand.messagesPerSecondPerReplica;
    const backlogPart = absent
      ? arrivedIn(t, FROM_ZERO_WINDOW_SECONDS) > 0
        ? perReplica * demand.drainSeconds
        : 0
      : backlogSeries[indexAt(t - staleness)];
    const rate = noRate ? 0 : seenArrivalRate(t);
    const pods = (rate + backlogPart / demand.drainSeconds) / perReplica;
    return Math.min(pods, Math.min(queueCap ?? Infinity, maxReplicas));
  };
  // The ScaledObject's triggers: the backlog, optionally the arrival rate (activation 0, KEDA's default), or the
  // demand alone; then one per cron schedule.
  interface Trigger {
    /** The Prometheus trigger an outage can hit; none for a cron trigger. */
    readonly outageName?: SimulationTrigger;
    readonly target: number;
    readonly ignoreNullValues: boolean;
    readonly seen: (t: number) => number;
    /** KEDA's activity of the value read at t. */
    readonly active: (value: number, t: number) => boolean;
  }
  const aboveActivation =
    (threshold: number) =>
    (value: number): boolean =>
      value > threshold;
  const reactiveTriggers: Trigger[] =
    demand !== undefined
      ? [
          {
            outageName: 'demand',
            target: 1,
            ignoreNullValues,
            seen: (t) => seenDemand(t, false),
            active: aboveActivation(activation),
          },
        ]
      : [];
  const triggers: Trigger[] = [
    ...reactiveTriggers,
    ...(demand !== undefined
      ? []
      : [
          {
            outageName: 'backlog' as const,
            target: threshold,
            ignoreNullValues,
            seen: seenBacklog,
            active: aboveActivation(activation),
          },
        ]),
    ...(scaling.arrivalRateThreshold === undefined || demand !== undefined
      ? []
      : [
          {
            outageName: 'arrivalRate' as const,
            target: scaling.arrivalRateThreshold,
            ignoreNullValues: true,
            seen: seenArrivalRate,
            active: aboveActivation(0),
          },
        ]),
    ...(scaling.schedules ?? []).map((schedule): Trigger => {
      const within = (t: number): boolean =>
        schedule.windows.some((w) => t >= w.fromSecond && t < w.toSecond);
      return {
        target: 1,
        ignoreNullValues: true,
        seen: (t) => (within(t) ? schedule.desiredReplicas : 1),
        active: (_value, t) => within(t),
      };
    }),
  ];
  /**
   * What a trigger's query gives at t: the value, or undefined for an error. An empty result is 0 with
   * ignoreNullValues, else an error (Source: KEDA pkg/scalers/prometheus_scaler.go ExecutePromQuery).
   */
  const read = (trigger: Trigger, t: number): number | undefined => {
    const outage = trigger.outageName === undefined ? undefined : outageAt(trigger.outageName, t);
    if (outage === 'error') return undefined;
    const empty = trigger.ignoreNullValues ? 0 : undefined;
    if (outage === 'empty') return empty;
    if (trigger.outageName === 'backlog' && groupAbsentAt(t, outage)) return standIn ? seenStandIn(t) : empty;
    if (trigger.outageName === 'demand') {
      // Its arrival part reads 0 when empty (`or vector(0)`, as the arrival-rate trigger's ignoreNullValues
      // default); a failing query fails it whole.
      const rateOutage = outageAt('arrivalRate', t);
      if (rateOutage === 'error') return undefined;
      const noRate = rateOutage === 'empty';
      // Its backlog part has the same stand-in, else the sum comes back empty.
      if (groupAbsentAt(t, outage)) return standIn ? seenDemand(t, true, noRate) : empty;
      return seenDemand(t, false, noRate);
    }
    return trigger.seen(t);
  };
  const resize = (target: number, t: number): void => {
    if (target === specReplicas) return;
    scaleLog.record(t, specReplicas, target);
    if (target > specReplicas) {
      for (let i = specReplicas; i < target; i += 1) pods.push({ readyAt: t + startup });
    } else {
      // A ReplicaSet deletes pods that are not ready first, then the most recently ready
      // (Source: kubernetes pkg/controller/controller_utils.go ActivePodsWithRanks): the last ones, since pods are
      // added in readyAt order (t + startup, t never decreasing).
      let removedReady = 0;
      for (let i = target; i < pods.length; i += 1) if (pods[i].readyAt <= t) removedReady += 1;
      replicaSeconds += removedReady * shutdownSeconds;
      pods.length = target;
      readyPods = Math.min(readyPods, target);
    }
    specReplicas = target;
    maxSpec = Math.max(maxSpec, target);
  };

  const arrivingIn = forwardAmountIn(traffic.arrivals);
  const drainingIn = traffic.externalDrain === undefined ? undefined : forwardAmountIn(traffic.externalDrain);
  backlogSeries[0] = ledger.backlog;
  onlineSeries[0] = initial > 0 ? 1 : 0;
  for (let i = 0; i < steps; i += 1) {
    const t = i * step;
    // 1. Control loops act on what they can see now.
    if (t % polling === kedaPhase) {
      const values = triggers.map((trigger) => read(trigger, t));
      const isError = values.some((v) => v === undefined);
      const active = values.some((v, i) => v !== undefined && triggers[i].active(v, t));
      const fromZeroOrIdle =
        specReplicas === 0 || (idleReplicaCount !== undefined && specReplicas < minReplicas);
      if (active && !fromZeroOrIdle && isError) {
        // RequestScale `isActive`, `case isError`: Ready=Unknown, LastActiveTime left as it was.
      } else if (!active && isError) {
        // RequestScale `!isActive && isError`: with fallback, 2.16 and earlier write fallback.replicas
        // (doFallbackScaling); 2.17+ and no fallback only set a condition.
        if (fallback && fallbackMode === 'scale-loop') resize(fallback.replicas, t);
      } else {
        if (active) lastActiveAt = t;
        // ScaledObject activity is "any trigger active": pass it to the 0 ↔ 1 decision as 1 / 0.
        const decision = kedaActivation({
          currentReplicas: specReplicas,
          metricValue: active ? 1 : 0,
          activationThreshold: 0,
          minReplicaCount: minReplicas,
          // kedaActivation reads an absent and an undefined field alike; no spread at every poll.
          idleReplicaCount: idleReplicaCount,
          secondsSinceLastActive:
            lastActiveAt === undefined ? undefined : t - lastActiveAt + POLL_SUBSECOND_OFFSET,
          cooldownPeriod: cooldown,
          secondsSinceCreation: t + POLL_SUBSECOND_OFFSET,
          initialCooldownPeriod: initialCooldown,
        });
        const idleWrite = decision.action === 'scaleToZeroOrIdle' && decision.replicas > 0;
        if (decision.replicas !== specReplicas) idleWritten = idleWrite;
        resize(decision.replicas, t);
      }
    }
    if (t % sync === hpaPhase && specReplicas > 0) {
      const proposal = (metricValue: number, targetAverageValue: number): number =>
        hpaExternalProposal({
          // The replica calculator divides by the scale's status.replicas, the pods that exist (replica_calculator.go
          // GetExternalPerPodMetricReplicas); the model creates and deletes pods with the write, so it equals spec.
          statusReplicas: pods.length,
          metricValue,
          targetAverageValue,
          // Always both keys (undefined reads as absent): one shape for every config.
          tolerance,
          kubernetesVersion,
        });
      let desired: number | undefined;
      if (specReplicas > maxReplicas || specReplicas < hpaMin) {
        // reconcileAutoscaler clamps to [min, max] before it asks for metrics; hpaNormalize's guard ignores
        // the proposal.
        desired = specReplicas;
      } else {
        let invalid = 0;
        let proposed = 0;
        triggers.forEach((trigger, i) => {
          const value = read(trigger, t);
          hpaFailures[i] = value === undefined ? (hpaFailures[i] ?? 0) + 1 : 0;
          let metric = value;
          if (metric === undefined && fallback && hpaFailures[i] > fallback.failureThreshold) {
            // Past failureThreshold the metric reads int64(target) × replicas (fallback.go doFallback).
            const replicas = fallbackMetricReplicas(
              fallback.replicas,
              specReplicas,
              fallbackMode === 'hpa' ? fallback.behavior : undefined,
            );
            metric = Math.trunc(trigger.target) * replicas;
          }
          if (metric === undefined) invalid += 1;
          else proposed = Math.max(proposed, proposal(metric, trigger.target));
        });
        // computeReplicasForMetrics: every metric invalid, or one invalid and a proposal below spec, is an error.
        const failed = invalid === triggers.length || (invalid > 0 && proposed < specReplicas);
        if (!failed) desired = proposed;
      }
      // On a metric error the HPA leaves the count alone.
      if (desired !== undefined) {
        if (scaling.behavior !== undefined) behavior ??= resolveBehavior(scaling.behavior, downscaleWindow);
        const result = reconcile(
          {
            now: t,
            current: specReplicas,
            desired,
            min: hpaMin,
            max: maxReplicas,
            behavior,
            downscaleWindow,
            factor: DEFAULT_SCALE_UP_LIMIT_FACTOR,
          },
          hpaState,
        );
        hpaState = result.state;
        if (result.replicas !== specReplicas) {
          // reconcileAutoscaler raises a count below minReplicas: KEDA's idle write undone (horizontal.go).
          if (idleWritten && result.replicas > specReplicas) idleFights += 1;
          idleWritten = false;
        }
        resize(result.replicas, t);
      }
    }

    // 2. Messages arrive and are consumed during [t, t + step).
    while (readyPods < pods.length && pods[readyPods].readyAt <= t) readyPods += 1;
    const ready = readyPods;
    const consuming = queueCap === undefined ? ready : Math.min(ready, queueCap);
    const arriving = arrivingIn(t, step);
    ledger.advance(
      t,
      step,
      arriving,
      consuming * workload.messagesPerSecondPerPod * step,
      drainingIn === undefined ? 0 : drainingIn(t, step),
    );
    replicaSeconds += pods.length * step;
    backlogSeries[i + 1] = ledger.backlog;
    onlineSeries[i + 1] = ready > 0 ? 1 : 0;
    arrivedSeries[i + 1] = arrivedSeries[i] + arriving;
    if (keepTimeline)
      timeline.push({
        t: t + step,
        arrivalRate: arriving / step,
        backlog: ledger.backlog,
        inflight: ledger.inflightMessages,
        replicas: specReplicas,
        readyReplicas: ready,
      });
  }

  return {
    timeline,
    summary: ledger.summary({ replicaSeconds, ...scaleLog.stats(), peakReplicas: maxSpec, idleFights }),
  };
}
