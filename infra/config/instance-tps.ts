/** The instance-wide peak TPS of a stack: every workload's receives and every topic's sends. */
import { instanceTps, type InstanceTps } from '../../constructs/scaling';
import type { RawSpec } from './schema';

/** Most a workload receives: min(maxReplicas, queue count of a queue-based consumer) × per-pod rate. */
export function workloadReceiveTps(w: RawSpec['workloads'][number]): number {
  const useful = w.loadBalancing === 'queue' ? (w.queueCount ?? w.maxReplicas) : w.maxReplicas;
  return Math.min(w.maxReplicas, useful) * w.messagesPerSecondPerPod;
}

/**
 * Sends and receives of the whole instance at their peaks: each topic's `maxSendTps` or, without one, what its
 * busiest consumer can receive; `sends` overrides a topic's figure (the plan's profile for its topic).
 */
export function stackInstanceTps(
  spec: Pick<RawSpec, 'workloads' | 'topics'>,
  sends: Readonly<Record<string, number>> = {},
): InstanceTps {
  return instanceTps(
    spec.workloads.map((w) => ({ name: w.name, topic: w.topic, receiveTps: workloadReceiveTps(w) })),
    spec.topics.map((t) => {
      const sendTps = sends[t.name] ?? t.maxSendTps;
      return { name: t.name, ...(sendTps !== undefined && { sendTps }) };
    }),
  );
}
