/**
 * The alert-rule input of a workload, from its stack entry: shared by the cdk8s app (instance id from the hand-off)
 * and the Pulumi program (instance id from the instance it creates or adopts).
 */
import { defaultFallbackReplicas } from '../../constructs/scaling';
import type { WorkloadAlertsInput } from '../../constructs/shared';
import type { EnvironmentSpec, WorkloadSpec } from './environment';

/**
 * The numbers the workload's ScaledObject is built from (max replicas capped at the queue count, the fallback
 * with its default replicas resolved as BacklogScaler resolves them), so an alert threshold is never typed twice.
 */
export function workloadAlertsInput(
  spec: EnvironmentSpec,
  w: WorkloadSpec,
): Omit<WorkloadAlertsInput, 'instanceId' | 'brokerCluster'> {
  const maxReplicas =
    w.loadBalancing === 'queue' ? Math.min(w.maxReplicas, w.queueCount ?? w.maxReplicas) : w.maxReplicas;
  const fallback = w.scaling.fallback;
  return {
    environment: spec.name,
    workload: w.name,
    namespace: spec.kubernetes.namespace,
    topic: w.topic,
    consumerGroup: w.consumerGroup,
    messagesPerSecondPerPod: w.messagesPerSecondPerPod,
    targetDrainSeconds: w.targetDrainSeconds,
    maxProcessingSeconds: w.maxProcessingSeconds,
    maxReplicas,
    pollingIntervalSeconds: w.scaling.pollingIntervalSeconds,
    fallback:
      fallback === false
        ? false
        : {
            failureThreshold: fallback.failureThreshold,
            replicas: fallback.replicas ?? defaultFallbackReplicas(w.minReplicas, maxReplicas),
          },
    ...(w.scaling.scaleOnArrivalRate !== undefined && {
      arrivalMetricName: w.scaling.scaleOnArrivalRate.metricName,
    }),
    ...(w.scaling.scaleOnDemand !== undefined && {
      arrivalMetricName: w.scaling.scaleOnDemand.metricName,
      backlogTrigger: 'demand' as const,
    }),
  };
}
