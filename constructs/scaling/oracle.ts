import { DRAINED_EPSILON, MessageLedger } from './message-ledger';
import { DEFAULT_DOWNSCALE_STABILIZATION_SECONDS } from './hpa-behavior';
import { ScaleEventLog } from './scale-events';
import { validate } from './simulate-validate';
import type { SimulationInput, SimulationResult, TimelinePoint } from './simulation-types';
import { amountIn } from './traffic-series';

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
  const scaleLog = new ScaleEventLog(DEFAULT_DOWNSCALE_STABILIZATION_SECONDS);
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
    if (previous >= 0) scaleLog.record(t, previous, replicas);
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
  return { timeline, summary: ledger.summary({ replicaSeconds, ...scaleLog.stats(), peakReplicas }) };
}
