/** Props the tests/k8s suites start from: the hand-worked figures in each suite are derived from these values. */
import type { BacklogScalerProps, ConsumerWorkloadProps } from '../../constructs/k8s';

export const WORKLOAD_PROPS: ConsumerWorkloadProps = {
  name: 'orders',
  environment: 'dev',
  image: 'registry.example.com/acme/orders:1.0.0',
  resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '512Mi' },
  rocketMqEndpoint: 'rmq-cn-x.example.com:8080',
  topic: 'orders',
  consumerGroup: 'orders-group',
  credentialsSecretName: 'orders-rocketmq-credentials',
  maxProcessingSeconds: 30,
  minReplicas: 2,
};

export const SCALER_PROPS: BacklogScalerProps = {
  name: 'orders',
  environment: 'dev',
  scaleTargetName: 'orders',
  serverAddress: 'http://arms.example.com:9090/api/v1/prometheus/x/y/z/cn-hangzhou',
  auth: 'token',
  authSecretName: 'keda-arms-prometheus-auth',
  instanceId: 'rmq-cn-x',
  topic: 'orders',
  consumerGroup: 'orders-group',
  threshold: 30,
  minReplicaCount: 1,
  maxReplicaCount: 10,
};
