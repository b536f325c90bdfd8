// A cdk8s app of another team: the README's smallest example, through the package's public entry point.
import { App, Chart } from 'cdk8s';
import { BacklogScaler, ConsumerWorkload } from 'apsaramq-keda/k8s';

const app = new App();
const chart = new Chart(app, 'orders', { namespace: 'orders', disableResourceNameHashes: true });
const workload = new ConsumerWorkload(chart, 'workload', {
  name: 'orders',
  environment: 'dev',
  image: 'registry.example.com/acme/orders:1.0.0',
  resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '512Mi' },
  rocketMqEndpoint: 'rmq-cn-x-vpc.cn-hangzhou.rmq.aliyuncs.com:8080',
  topic: 'orders',
  consumerGroup: 'orders',
  credentialsSecretName: 'orders-rocketmq-credentials',
  maxProcessingSeconds: 30,
  minReplicas: 1,
});
new BacklogScaler(chart, 'scaler', {
  name: 'orders',
  environment: 'dev',
  scaleTargetName: workload.deployment.name,
  serverAddress: 'http://cn-hangzhou-intranet.arms.aliyuncs.com:9090/api/v1/prometheus/abc/1/cn-hangzhou',
  auth: 'token',
  authSecretName: 'keda-arms-prometheus-auth',
  instanceId: 'rmq-cn-x',
  topic: 'orders',
  consumerGroup: 'orders',
  threshold: 600,
  minReplicaCount: 1,
  maxReplicaCount: 10,
});
process.stdout.write(JSON.stringify(chart.toJson()));
