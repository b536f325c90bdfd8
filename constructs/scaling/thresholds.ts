import { requireInt, requirePositive } from './guards';

/** What thresholdFor derives the target backlog per replica from. */
export interface ThresholdInput {
  /** Messages one pod processes per second at steady state. */
  readonly messagesPerSecondPerPod: number;
  /** Seconds in which each pod should drain its share of the backlog. */
  readonly targetDrainSeconds: number;
}

/**
 * Backlog per replica that one pod drains in the target time: `floor(rate × seconds)`, at least 1
 * (a KEDA threshold must be > 0). The product is rounded to 12 significant digits first so that
 * binary noise (0.29 × 100 = 28.999…) does not lose a message.
 */
export function thresholdFor(input: ThresholdInput): number {
  const rate = requirePositive('messagesPerSecondPerPod', input.messagesPerSecondPerPod);
  const seconds = requirePositive('targetDrainSeconds', input.targetDrainSeconds);
  const product = Number((rate * seconds).toPrecision(12));
  return Math.max(1, Math.floor(product));
}

/** What maxUsefulReplicas caps the replica count by. */
export interface MaxUsefulReplicasInput {
  /** 'message' for the 5.x gRPC SDKs (per-message balancing), 'queue' for the 4.x Remoting SDKs. */
  readonly loadBalancing: 'message' | 'queue';
  /** Message queues of the topic; required for queue-based balancing. */
  readonly queueCount?: number;
}

/**
 * Most consumers that can receive messages. Queue-based balancing assigns whole queues, so consumers
 * beyond the queue count idle; message-based balancing has no such cap (Infinity).
 * Source: Alibaba Cloud ApsaraMQ for RocketMQ docs, "Load balancing policies" (message vs queue).
 */
export function maxUsefulReplicas(input: MaxUsefulReplicasInput): number {
  if (input.loadBalancing === 'message') return Number.POSITIVE_INFINITY;
  if (input.loadBalancing !== 'queue') {
    throw new RangeError(`loadBalancing must be 'message' or 'queue', got ${String(input.loadBalancing)}`);
  }
  if (input.queueCount === undefined)
    throw new RangeError('queueCount is required for queue-based load balancing');
  return requireInt('queueCount', input.queueCount, 1);
}

/** What replicasForRate derives the replicas that keep up with a rate from. */
export interface ReplicasForRateInput {
  /** Expected arrival rate in messages per second. */
  readonly messagesPerSecond: number;
  /** Messages one pod processes per second at steady state. */
  readonly messagesPerSecondPerPod: number;
}

/**
 * Replicas that consume an arrival rate as it comes: `ceil(rate / per-pod rate)`, at least 1, the oracle's
 * count for a steady rate (oracle.ts). The quotient is taken less 1e-9 so binary noise (0.3 / 0.1 =
 * 2.9999999999999996, 3.0000000000000004) does not add a pod.
 */
export function replicasForRate(input: ReplicasForRateInput): number {
  const rate = requirePositive('messagesPerSecond', input.messagesPerSecond);
  const perPod = requirePositive('messagesPerSecondPerPod', input.messagesPerSecondPerPod);
  return Math.max(1, Math.ceil(rate / perPod - 1e-9));
}
