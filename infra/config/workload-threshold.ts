/** The backlog threshold of a workload, shared by the cdk8s app and the planner. */
import { thresholdFor } from '../../constructs/scaling';
import type { WorkloadSpec } from './environment';

/** The threshold a workload's ScaledObject uses: as configured, or derived from throughput and drain target. */
export function workloadThreshold(w: WorkloadSpec): number {
  return (
    w.scaling.threshold ??
    thresholdFor({
      messagesPerSecondPerPod: w.messagesPerSecondPerPod,
      targetDrainSeconds: w.targetDrainSeconds,
    })
  );
}
