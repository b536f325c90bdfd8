import type { WorkloadAlertsInput } from '../../constructs/shared/alerts';

/**
 * Prod's order-fulfilment as the alert and dashboard tests take it, written out by hand from
 * stacks/Pulumi.prod.yaml so the expected thresholds are worked out from these numbers, not from the loader.
 */
export const PROD_ORDER_FULFILMENT: WorkloadAlertsInput = {
  environment: 'prod',
  workload: 'order-fulfilment',
  namespace: 'orders-prod',
  instanceId: 'rmq-cn-fakeprod0000',
  topic: 'orders',
  consumerGroup: 'order-fulfilment',
  messagesPerSecondPerPod: 50,
  targetDrainSeconds: 60,
  maxProcessingSeconds: 30,
  maxReplicas: 40,
  pollingIntervalSeconds: 15,
  fallback: { failureThreshold: 3, replicas: 10 },
};
