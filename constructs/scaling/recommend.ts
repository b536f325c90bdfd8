import { requireInt, requireNonNegative, requirePositive } from './guards';
import type { HpaBehavior } from './hpa-behavior';
import { simulateAcrossPhases, type PhaseSpread } from './phases';
import { serverlessCapacity, type InstanceTps, type ServerlessCapacityInput } from './serverless';
import { MessageLedger } from './message-ledger';
import { simulateOracle } from './oracle';
import { summaryRunner, type SimulationMemo } from './simulation-memo';
import type {
  SimulationScaling,
  SimulationSummary,
  SimulationTiming,
  SimulationTraffic,
} from './simulation-types';
import { maxUsefulReplicas, thresholdFor } from './thresholds';
import { amountIn, peakRate } from './traffic-series';

/** The seed guide's ScaledObject: threshold 30 and KEDA / HPA defaults. */
export const SEED_GUIDE_THRESHOLD = 30;

/** Fast scale-up, stabilized gradual scale-down. */
export const RECOMMENDED_BEHAVIOR: HpaBehavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 8, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 20, periodSeconds: 60 }],
  },
};

/**
 * The demand trigger's behavior: its metric already counts the backlog and the arrivals, so the HPA may follow
 * it at once. Up: ten times the count (or 8 pods) per 15 s, so one sync reaches what the demand asks for; down:
 * a 30 s window, two HPA syncs, then down to the demand within one period.
 */
export const DEMAND_BEHAVIOR: HpaBehavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 900, periodSeconds: 15 },
      { type: 'Pods', value: 8, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 30,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  },
};

/** A workload, its traffic and its bounds: what recommend searches a ScaledObject config for. */
export interface RecommendInput {
  /** Messages per second one ready pod consumes. */
  readonly messagesPerSecondPerPod: number;
  /** Drain target (SLO) in seconds. */
  readonly targetDrainSeconds: number;
  /** minReplicaCount every candidate keeps. */
  readonly minReplicas: number;
  /** maxReplicaCount every candidate keeps (lowered to the queue count of a queue-based consumer). */
  readonly maxReplicas: number;
  /** The traffic every candidate is simulated on. */
  readonly traffic: SimulationTraffic;
  /** Seconds simulated, at most a week. */
  readonly durationSeconds: number;
  /** Pod start-up seconds. @default 20 */
  readonly startupSeconds?: number;
  /** Mean seconds a message stays in flight (see SimulationWorkload). @default 0 */
  readonly processingSeconds?: number;
  /** Longest a message takes (see SimulationWorkload). @default processingSeconds */
  readonly maxProcessingSeconds?: number;
  /** @default 'message' */
  readonly loadBalancing?: 'message' | 'queue';
  /** Message queues of the topic; required for queue-based balancing. @default none */
  readonly queueCount?: number;
  /** Capacity mode of a serverless instance, for the lossless-TPS warning. @default none */
  readonly serverless?: ServerlessCapacityInput;
  /**
   * The instance-wide peak the serverless warning checks: every workload and producer on the instance (see
   * `instanceTps`). @default this workload alone: its peak arrival sent, its maxReplicas' consumption received
   */
  readonly instanceTps?: InstanceTps;
  /** Metric staleness, HPA sync, outages; the timer phases are varied by the choice. @default all defaults */
  readonly timing?: SimulationTiming;
  /** Configurations to weigh beside the grid, e.g. the one deployed now. @default none */
  readonly extraCandidates?: readonly SimulationScaling[];
  /** Settings the grid keeps as they are, e.g. those of the deployed ScaledObject. @default KEDA's defaults */
  readonly fixed?: Pick<
    SimulationScaling,
    | 'cooldownPeriodSeconds'
    | 'idleReplicaCount'
    | 'fallback'
    | 'tolerance'
    | 'kedaVersion'
    | 'kubernetesVersion'
    | 'ignoreNullValues'
  >;
  /** The caller's runs, shared: a candidate equal to one of them is not simulated again. @default none */
  readonly memo?: SimulationMemo;
}

/** One candidate config and what the simulation shows with it. */
export interface EvaluatedConfig {
  /** The candidate ScaledObject config. */
  readonly scaling: SimulationScaling;
  /** Its simulation's summary. */
  readonly summary: SimulationSummary;
}

/** The peak arrival against what the pods can consume at most. */
export interface CapacityCheck {
  /** Highest arrival rate of the profile, msg/s. */
  readonly peakArrivalPerSecond: number;
  /** min(maxReplicas, queue count) × per-pod rate, msg/s. */
  readonly maxConsumptionPerSecond: number;
  /** What caps the pods: maxReplicas, or the queue count of a queue-based consumer. */
  readonly limitedBy: 'maxReplicas' | 'queueCount';
  /** The peak arrival exceeds the maximum consumption. */
  readonly exceeded: boolean;
  /**
   * Fewest pods that, all running all the time, keep every wait within the drain target: a lower bound for
   * maxReplicas (and the queue count). Only computed when `exceeded`, else null.
   */
  readonly neededMaxReplicas: number | null;
}

/** The config recommend picks, with what it is compared against. */
export interface Recommendation {
  /** Its summary is at aligned timers, comparable with the others; the choice used `acrossPhases`. */
  readonly recommended: EvaluatedConfig & {
    /** Its figures at every timer offset. */
    readonly acrossPhases: PhaseSpread;
  };
  /**
   * False when even the chosen config never drains the backlog (it still waits at the end): then it is the
   * best candidate, not a config to deploy.
   */
  readonly drains: boolean;
  /** The peak arrival against the most the pods can consume. */
  readonly capacity: CapacityCheck;
  /** Scale events a candidate may make: twice the oracle's, or the fewest any calm candidate makes. */
  readonly scaleEventBudget: number;
  /** The seed guide's ScaledObject (SEED_GUIDE_THRESHOLD and KEDA's defaults) on the same traffic. */
  readonly seedGuide: EvaluatedConfig;
  /** The best config with the demand trigger, chosen by the same rules among those alone (may be `recommended`). */
  readonly demand: Recommendation['recommended'];
  /** The physical bound (simulateOracle) on the same traffic. */
  readonly oracle: SimulationSummary;
  /** Candidates simulated. */
  readonly candidatesEvaluated: number;
  /** What the reader must know about the input or the result, one sentence each. */
  readonly warnings: readonly string[];
}

/** Arrival-rate trigger candidates aim each pod at this share of its throughput. */
export const RECOMMENDED_RATE_UTILIZATION = 0.8;

/** Over-target seconds within which candidates count as equally good; the cheaper then wins. */
const SLO_SLACK_SECONDS = 30;

/** Cheapest candidates re-run at every timer placement before the choice. */
const SHORTLIST_SIZE = 6;

/** The items whose over-target seconds are within the slack of the best. */
function withinSlack<T>(items: readonly T[], overTarget: (item: T) => number): T[] {
  const best = Math.min(...items.map(overTarget));
  return items.filter((item) => overTarget(item) <= best + SLO_SLACK_SECONDS);
}

/**
 * Chooses threshold, arrival-rate trigger, activation, polling interval and HPA behavior by simulating a small
 * grid of candidates on the traffic: among those within 30 s over the drain target of the best, the six
 * cheapest in replica-seconds are re-run at every timer placement (`timerPhases`); of those within 30 s of the
 * best worst-case over-target, the one with the lowest worst-case replica-seconds wins (then fewer scale events).
 */
export function recommend(input: RecommendInput): Recommendation {
  requirePositive('messagesPerSecondPerPod', input.messagesPerSecondPerPod);
  requirePositive('targetDrainSeconds', input.targetDrainSeconds);
  requireNonNegative('processingSeconds', input.processingSeconds ?? 0);
  requireInt('minReplicas', input.minReplicas);
  requireInt('maxReplicas', input.maxReplicas, 1);
  if (input.minReplicas > input.maxReplicas) {
    throw new RangeError(`minReplicas (${input.minReplicas}) must be <= maxReplicas (${input.maxReplicas})`);
  }
  const cap = maxUsefulReplicas({
    loadBalancing: input.loadBalancing ?? 'message',
    ...(input.queueCount !== undefined && { queueCount: input.queueCount }),
  });
  const warnings: string[] = [];
  if (input.maxReplicas > cap) {
    warnings.push(
      `maxReplicas (${input.maxReplicas}) exceeds the ${cap} queues of a queue-based consumer: pods beyond ${cap} idle`,
    );
  }
  const maxReplicas = Math.min(input.maxReplicas, cap);
  const peakArrival = peakRate(input.traffic.arrivals, input.durationSeconds);
  const maxConsumption = maxReplicas * input.messagesPerSecondPerPod;
  if (input.serverless !== undefined) {
    const capacity = serverlessCapacity(input.serverless);
    const tps = input.instanceTps ?? {
      sendTps: peakArrival,
      receiveTps: maxConsumption,
      totalTps: peakArrival + maxConsumption,
    };
    if (tps.totalTps > capacity.losslessTps) {
      warnings.push(
        `the instance-wide peak (${num(tps.totalTps)} TPS: sends ${num(tps.sendTps)} + receives ${num(tps.receiveTps)}, every workload and producer on the instance) exceeds the serverless lossless threshold (${num(capacity.losslessTps)} TPS): expect throttling above it`,
      );
    }
  }
  const bounds = {
    minReplicas: input.minReplicas,
    maxReplicas,
    ...(Number.isFinite(cap) && { queueCap: cap }),
  };
  const base = { ...input.fixed, ...bounds };
  const workload = {
    messagesPerSecondPerPod: input.messagesPerSecondPerPod,
    targetDrainSeconds: input.targetDrainSeconds,
    ...(input.startupSeconds !== undefined && { startupSeconds: input.startupSeconds }),
    ...(input.processingSeconds !== undefined && { processingSeconds: input.processingSeconds }),
    ...(input.maxProcessingSeconds !== undefined && { maxProcessingSeconds: input.maxProcessingSeconds }),
  };
  const { memo } = input;
  const summaryOf = summaryRunner(memo);
  const run = (scaling: SimulationScaling): EvaluatedConfig => ({
    scaling,
    summary: summaryOf({
      scaling,
      workload,
      traffic: input.traffic,
      durationSeconds: input.durationSeconds,
      ...(input.timing !== undefined && { timing: input.timing }),
    }),
  });

  // A busy pod also holds rate × processing messages in flight, which the backlog query counts.
  const drainThreshold = thresholdFor({
    messagesPerSecondPerPod: input.messagesPerSecondPerPod,
    targetDrainSeconds: input.targetDrainSeconds + (input.processingSeconds ?? 0),
  });
  const thresholds = [...new Set([drainThreshold, Math.max(1, Math.ceil(drainThreshold / 2))])];
  // Activation only matters when KEDA may scale to zero or idle: then try waking at a tenth of a pod's share.
  const activations =
    input.minReplicas === 0 || input.fixed?.idleReplicaCount !== undefined
      ? [0, Math.max(1, Math.floor(drainThreshold / 10))]
      : [0];
  const rateThreshold = Number(
    (input.messagesPerSecondPerPod * RECOMMENDED_RATE_UTILIZATION).toPrecision(12),
  );
  const candidates: SimulationScaling[] = [];
  for (const threshold of thresholds) {
    for (const arrival of [undefined, rateThreshold]) {
      for (const activationThreshold of activations) {
        for (const polling of [15, 30]) {
          for (const behavior of [undefined, RECOMMENDED_BEHAVIOR]) {
            candidates.push({
              ...base,
              threshold,
              activationThreshold,
              pollingIntervalSeconds: polling,
              ...(arrival !== undefined && { arrivalRateThreshold: arrival }),
              ...(behavior !== undefined && { behavior }),
            });
          }
        }
      }
    }
  }
  // The demand trigger, at full per-pod throughput: the backlog part is drained in the target or half of it
  // (the reaction delay takes the rest), with either behavior.
  for (const drainSeconds of [...new Set([input.targetDrainSeconds, input.targetDrainSeconds / 2])]) {
    {
      // Activation 0: the arrival rate is in the demand, so any traffic keeps the workload up.
      const activationThreshold = 0;
      for (const behavior of [RECOMMENDED_BEHAVIOR, DEMAND_BEHAVIOR]) {
        candidates.push({
          ...base,
          threshold: drainThreshold,
          activationThreshold,
          pollingIntervalSeconds: 15,
          demand: { messagesPerSecondPerReplica: input.messagesPerSecondPerPod, drainSeconds },
          behavior,
        });
      }
    }
  }
  for (const extra of input.extraCandidates ?? [])
    candidates.push({ ...extra, maxReplicas: Math.min(extra.maxReplicas, maxReplicas) });
  const evaluated = candidates.map(run);
  const oracleInput = {
    scaling: { ...base, threshold: drainThreshold },
    workload,
    traffic: input.traffic,
    durationSeconds: input.durationSeconds,
  };
  const oracle = simulateOracle(oracleInput).summary;
  const byCost = (a: EvaluatedConfig, b: EvaluatedConfig): number =>
    a.summary.replicaSeconds - b.summary.replicaSeconds ||
    a.summary.secondsOverDrainTarget - b.summary.secondsOverDrainTarget ||
    a.summary.scaleEvents - b.summary.scaleEvents;
  const choose = (pool: readonly EvaluatedConfig[]) => {
    // Churn: every scale event restarts consumers and rebalances the group. A candidate that flaps is out, and so
    // is one making more than twice the oracle's scale events (or, if none manages that, the fewest any makes).
    const feasible = withinSlack(pool, (e) => e.summary.secondsOverDrainTarget);
    const calm = preferring(feasible, (e) => e.summary.oscillations === 0);
    const scaleEventBudget = Math.max(
      2 * oracle.scaleEvents,
      Math.min(...calm.map((e) => e.summary.scaleEvents)),
    );
    const shortlist = preferring(calm, (e) => e.summary.scaleEvents <= scaleEventBudget)
      .sort(byCost)
      .slice(0, SHORTLIST_SIZE)
      .map((e) => ({
        ...e,
        // e.summary is this input's own run (`run`): its placement is not simulated again.
        acrossPhases: simulateAcrossPhases(
          {
            scaling: e.scaling,
            workload,
            traffic: input.traffic,
            durationSeconds: input.durationSeconds,
            ...(input.timing !== undefined && { timing: input.timing }),
          },
          e.summary,
          memo,
        ),
      }));
    // The aligned timers flatter some configs: the choice is made on the worst timer placement.
    // The churn rules hold at every timer placement too.
    const steadyEverywhere = preferring(
      shortlist,
      (e) => e.acrossPhases.oscillations.max === 0 && e.acrossPhases.scaleEvents.max <= scaleEventBudget,
    );
    const chosen = withinSlack(steadyEverywhere, (e) => e.acrossPhases.secondsOverDrainTarget.max).sort(
      (a, b) => a.acrossPhases.replicaSeconds.max - b.acrossPhases.replicaSeconds.max || byCost(a, b),
    )[0];
    return { chosen, scaleEventBudget };
  };
  const { chosen: recommended, scaleEventBudget } = choose(evaluated);
  const demandPool = evaluated.filter((e) => e.scaling.demand !== undefined);
  const demand = recommended.scaling.demand !== undefined ? recommended : choose(demandPool).chosen;
  // The seed guide's ScaledObject sets nothing else: KEDA's defaults, no fallback.
  const seedGuide = run({ ...bounds, threshold: SEED_GUIDE_THRESHOLD });

  const exceeded = peakArrival > maxConsumption;
  const limitedBy = input.maxReplicas > cap ? 'queueCount' : 'maxReplicas';
  const capacity: CapacityCheck = {
    peakArrivalPerSecond: peakArrival,
    maxConsumptionPerSecond: maxConsumption,
    limitedBy,
    exceeded,
    neededMaxReplicas: exceeded ? neededReplicas(input, peakArrival) : null,
  };
  if (exceeded) {
    const limit =
      limitedBy === 'queueCount'
        ? `the ${cap} queues of the topic (a pod beyond ${cap} idles)`
        : `maxReplicas (${input.maxReplicas})`;
    const needed = capacity.neededMaxReplicas ?? 0;
    const queues = Number.isFinite(cap) && needed > cap ? ` and at least ${needed} queues` : '';
    warnings.push(
      `the peak arrival (${num(peakArrival)} msg/s) exceeds what ${limit} consume: ${maxReplicas} × ${num(input.messagesPerSecondPerPod)} = ${num(maxConsumption)} msg/s; ` +
        `draining within the target (${input.targetDrainSeconds} s) takes maxReplicas >= ${needed}${queues} (all running all the time; scaling delays need more)`,
    );
  }
  const drains = recommended.summary.drainSecondsAfterPeak !== null;
  return {
    recommended,
    drains,
    capacity,
    scaleEventBudget,
    seedGuide,
    demand,
    oracle,
    candidatesEvaluated: evaluated.length,
    warnings,
  };
}

/** The items for which `ok` holds, or all of them if it holds for none. */
function preferring<T>(items: readonly T[], ok: (item: T) => boolean): T[] {
  const kept = items.filter(ok);
  return kept.length > 0 ? kept : [...items];
}

/**
 * Fewest replicas that, all running from the start with no delay, keep every message within the drain target
 * (binary search): no autoscaler with a lower maxReplicas can do it.
 */
function neededReplicas(input: RecommendInput, peakArrival: number): number {
  const perPod = input.messagesPerSecondPerPod;
  const steps = Math.ceil(input.durationSeconds);
  const withinTarget = (replicas: number): boolean => {
    const ledger = new MessageLedger(
      input.traffic.initialBacklog ?? 0,
      input.processingSeconds ?? 0,
      input.targetDrainSeconds,
    );
    for (let t = 0; t < steps; t += 1) {
      ledger.advance(t, 1, amountIn(input.traffic.arrivals, t, 1), replicas * perPod, 0);
    }
    return (
      ledger.summary({
        replicaSeconds: 0,
        peakReplicas: replicas,
        scaleEvents: 0,
        oscillations: 0,
        lastScaleEventAtSecond: null,
      }).secondsOverDrainTarget === 0
    );
  };
  // As many as the peak needs keep up at once; a backlog at the start may need more.
  let high = Math.max(1, Math.ceil(peakArrival / perPod - 1e-9));
  while (!withinTarget(high)) high *= 2;
  let low = 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (withinTarget(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** A rate for a message: at most three decimals, thousands grouped. */
function num(n: number): string {
  const [whole, fraction] = String(Number(n.toFixed(3))).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}
