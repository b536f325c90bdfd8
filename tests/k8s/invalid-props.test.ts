import { Testing } from 'cdk8s';
import {
  BacklogScaler,
  ConsumerWorkload,
  ConstructPropsError,
  type BacklogScalerProps,
  type ConsumerWorkloadProps,
} from '../../constructs/k8s';
import { WORKLOAD_PROPS as workload, SCALER_PROPS as scaler } from './fixtures';
import { testChart } from '../shared/scratch';

function build<P>(
  Kind: new (scope: ReturnType<typeof Testing.chart>, id: string, props: P) => unknown,
  props: P,
): () => void {
  return () => {
    const chart = testChart();
    new Kind(chart, 'x', props);
  };
}

describe('ConsumerWorkload rejects invalid props, naming the prop', () => {
  test.each([
    ['name', { name: 'Orders_1' }, /name \("Orders_1"\) must be a DNS-1123 label/],
    ['name length', { name: 'a'.repeat(64) }, /name \("a{64}"\) must be a DNS-1123 label/],
    [
      'image unpinned',
      { image: 'registry.example.com/acme/orders' },
      /image \(.*\) must be an image reference pinned by tag or digest/,
    ],
    [
      'image latest',
      { image: 'orders:latest' },
      /image \("orders:latest"\) must not use the mutable tag latest/,
    ],
    [
      'cpu quantity',
      { resources: { ...workload.resources, cpuRequest: 'lots' } },
      /resources.cpuRequest \("lots"\) must be a Kubernetes quantity/,
    ],
    [
      'memory quantity',
      { resources: { ...workload.resources, memoryLimit: '1 GB' } },
      /resources.memoryLimit \("1 GB"\) must be a Kubernetes quantity/,
    ],
    ['endpoint', { rocketMqEndpoint: 'http://x' }, /rocketMqEndpoint \("http:\/\/x"\) must be host:port/],
    ['topic', { topic: '' }, /topic must be a non-empty string/],
    [
      'secret name',
      { credentialsSecretName: 'Bad Name' },
      /credentialsSecretName \("Bad Name"\) must be a DNS-1123 label/,
    ],
    [
      'processing time',
      { maxProcessingSeconds: 0 },
      /maxProcessingSeconds \(0\) must be an integer in \[1, 86400\]/,
    ],
    ['min replicas', { minReplicas: -1 }, /minReplicas \(-1\) must be an integer in \[0, /],
    [
      'env override',
      { env: { ROCKETMQ_PASSWORD: 'x' } },
      /env.ROCKETMQ_PASSWORD is set by the construct and cannot be overridden/,
    ],
    ['env name', { env: { '1BAD': 'x' } }, /env.1BAD must be a C identifier/],
  ] as [string, Partial<ConsumerWorkloadProps>, RegExp][])('%s', (_case, patch, message) => {
    const run = build(ConsumerWorkload, { ...workload, ...patch });
    expect(run).toThrow(ConstructPropsError);
    expect(run).toThrow(message);
  });

  test('reports every violation at once', () => {
    expect(build(ConsumerWorkload, { ...workload, name: 'X', topic: '', maxProcessingSeconds: 0 })).toThrow(
      /name \("X"\)[\s\S]*topic must be[\s\S]*maxProcessingSeconds \(0\)/,
    );
  });
});

describe('BacklogScaler rejects invalid props, naming the prop (KEDA webhook rules included)', () => {
  test.each([
    ['name > 63 characters', { name: 'a'.repeat(64) }, /name \("a{64}"\) must be a DNS-1123 label/],
    [
      'instance label > 63 characters (instance-label selector scheme)',
      { name: 'a'.repeat(60), selectorScheme: 'instance-label' },
      /name with environment gives the label app.kubernetes.io\/instance "a{60}-dev" \(64 characters\); the limit is 63/,
    ],
    ['min > max', { minReplicaCount: 11 }, /minReplicaCount \(11\) must be <= maxReplicaCount \(10\)/],
    ['idle not below min', { idleReplicaCount: 1 }, /idleReplicaCount \(1\) must be < minReplicaCount \(1\)/],
    ['threshold zero', { threshold: 0 }, /threshold \(0\) must be a number > 0/],
    ['threshold NaN', { threshold: Number.NaN }, /threshold \(NaN\) must be a number > 0/],
    ['activation negative', { activationThreshold: -1 }, /activationThreshold \(-1\) must be >= 0/],
    [
      'activation at threshold on a workload that scales to zero',
      { minReplicaCount: 0, activationThreshold: 30 },
      /activationThreshold \(30\) must be < threshold \(30\) for a workload that scales to zero: with no consumer online the query's stand-in reads threshold, which would never activate it/,
    ],
    [
      'max zero',
      { maxReplicaCount: 0, minReplicaCount: 0 },
      /maxReplicaCount \(0\) must be an integer in \[1, /,
    ],
    [
      'server address',
      { serverAddress: 'arms.example.com' },
      /serverAddress \("arms.example.com"\) must be an http\(s\) URL/,
    ],
    [
      'server address with query path',
      { serverAddress: 'http://x/api/v1/query' },
      /serverAddress must be the base URL/,
    ],
    [
      'auth mode',
      { auth: 'oauth' as 'token' },
      /auth \("oauth"\) must be one of token, accessKey, none, bearer, basic/,
    ],
    [
      'polling interval',
      { pollingIntervalSeconds: 0 },
      /pollingIntervalSeconds \(0\) must be an integer in \[1, /,
    ],
    ['cooldown', { cooldownPeriodSeconds: -5 }, /cooldownPeriodSeconds \(-5\) must be an integer in \[0, /],
    ['queue count missing', { loadBalancing: 'queue' }, /queueCount is required for queue-based consumers/],
    [
      'fallback replicas above max',
      { fallback: { replicas: 11 } },
      /fallback.replicas \(11\) must be an integer in \[max\(minReplicaCount, 1\), maxReplicaCount\] = \[1, 10\]/,
    ],
    [
      'fallback failure threshold',
      { fallback: { failureThreshold: 0 } },
      /fallback.failureThreshold \(0\) must be an integer in \[1, /,
    ],
    [
      'scale-up window > 3600',
      { behavior: { scaleUp: { stabilizationWindowSeconds: 3601 } } },
      /behavior.scaleUp.stabilizationWindowSeconds \(3601\) must be an integer in \[0, 3600\]/,
    ],
    [
      'scale-down window negative',
      { behavior: { scaleDown: { stabilizationWindowSeconds: -1 } } },
      /behavior.scaleDown.stabilizationWindowSeconds \(-1\) must be an integer in \[0, 3600\]/,
    ],
    [
      'policy period',
      { behavior: { scaleDown: { policies: [{ type: 'Pods', value: 1, periodSeconds: 1801 }] } } },
      /behavior.scaleDown.policies\[0\].periodSeconds \(1801\) must be an integer in \[1, 1800\]/,
    ],
    [
      'empty policies',
      { behavior: { scaleUp: { policies: [] } } },
      /behavior.scaleUp.policies must list at least one policy/,
    ],
    [
      'arrival threshold',
      { arrivalRate: { threshold: -2 } },
      /arrivalRate.threshold \(-2\) must be a number > 0/,
    ],
    [
      'arrival metric',
      { arrivalRate: { threshold: 1, metricName: 'bad-name' } },
      /arrivalRate.metricName \("bad-name"\) must be a Prometheus metric name/,
    ],
    ['instance id', { instanceId: '' }, /instanceId must be a non-empty string/],
    [
      'selector scheme',
      { selectorScheme: 'instance' as unknown as 'environment' },
      /selectorScheme \("instance"\) must be one of environment, instance-label/,
    ],
  ] as [string, Partial<BacklogScalerProps>, RegExp][])('%s', (_case, patch, message) => {
    const run = build(BacklogScaler, { ...scaler, ...patch });
    expect(run).toThrow(ConstructPropsError);
    expect(run).toThrow(message);
  });

  test('the boundary values pass: window 3600, idle 0 below min 1, instance label of 63 characters', () => {
    expect(
      build(BacklogScaler, {
        ...scaler,
        name: 'a'.repeat(59),
        selectorScheme: 'instance-label',
        idleReplicaCount: 0,
        behavior: { scaleDown: { stabilizationWindowSeconds: 3600 } },
      }),
    ).not.toThrow();
  });

  test('queue-based: max capped at the queue count and the backlog clamped to queueCount × threshold', () => {
    const chart = testChart();
    const s = new BacklogScaler(chart, 'q', {
      ...scaler,
      loadBalancing: 'queue',
      queueCount: 4,
      maxReplicaCount: 10,
    });
    expect(s.maxReplicaCount).toBe(4);
    expect(s.backlogQuery).toMatch(/^clamp_max\(sum\(.*\), 120\)$/);
  });
});
