/** ConsumerWorkload on its own: figures worked out by hand, every rule with its exact message and boundary. */
import { Testing } from 'cdk8s';
import {
  ConstructPropsError,
  ConsumerWorkload,
  validateConsumerWorkloadProps,
  type ConsumerWorkloadProps,
} from '../../constructs/k8s';
import { WORKLOAD_PROPS as base } from './fixtures';
import { testChart } from '../shared/scratch';

interface Pod {
  terminationGracePeriodSeconds: number;
  containers: {
    env: { name: string; value?: string; valueFrom?: unknown }[];
    resources: unknown;
    imagePullPolicy: string;
    volumeMounts: { mountPath: string }[];
  }[];
}

function synth(patch: Partial<ConsumerWorkloadProps>) {
  const chart = testChart();
  new ConsumerWorkload(chart, 'workload', { ...base, ...patch });
  const objects = Testing.synth(chart) as { kind: string; spec?: Record<string, unknown> }[];
  const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as {
    spec: { replicas?: number; template: { spec: Pod } };
  };
  return { objects, deployment, pod: deployment.spec.template.spec };
}

function violations(patch: Partial<ConsumerWorkloadProps>): readonly string[] {
  try {
    validateConsumerWorkloadProps({ ...base, ...patch });
    return [];
  } catch (error) {
    if (error instanceof ConstructPropsError) return error.violations;
    throw error;
  }
}

describe('ConsumerWorkload', () => {
  test.each([
    // Without a rate the held messages are not counted (constructs/scaling/consumer-shutdown.ts):
    // receive wait 30 + request timeout 3 + maxProcessingSeconds + request timeout 3 + margin 5 = 41 + processing.
    [1, 42],
    [30, 71],
    [45, 86],
    [86_400, 86_441],
  ])('the termination grace period for %i s of processing is %i s', (maxProcessingSeconds, grace) => {
    expect(synth({ maxProcessingSeconds }).pod.terminationGracePeriodSeconds).toBe(grace);
  });

  test.each([
    // [processing, rate, held, grace]: ceil(41 + held / rate + processing).
    [20, 20, undefined, 62], // 10 held by default: 41 + 0.5 + 20 = 61.5 -> 62
    [30, 50, undefined, 72], // 41 + 0.2 + 30 = 71.2 -> 72
    [20, 2, 5, 64], // 41 + 2.5 + 20 = 63.5 -> 64
    [20, 4, 0, 61], // nothing held: 41 + 0 + 20 = 61
    [10, 5, 10, 53], // 41 + 2 + 10 = 53, already whole
  ])(
    'the grace period for %i s of processing at %i msg/s holding %s messages is %i s',
    (maxProcessingSeconds, messagesPerSecondPerPod, heldMessagesPerPod, grace) => {
      const { pod } = synth({
        maxProcessingSeconds,
        messagesPerSecondPerPod,
        ...(heldMessagesPerPod !== undefined && { heldMessagesPerPod }),
      });
      expect(pod.terminationGracePeriodSeconds).toBe(grace);
      // The consumer is told the same figure, to drain within it.
      expect(pod.containers[0].env.find((e) => e.name === 'CONSUMER_SHUTDOWN_GRACE_SECONDS')?.value).toBe(
        String(grace),
      );
    },
  );

  test.each([
    [0, false],
    [1, false],
    [2, true],
    [5, true],
  ])('minReplicas %i: a PodDisruptionBudget %p', (minReplicas, present) => {
    const { objects, deployment } = synth({ minReplicas });
    const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget');
    // It selects exactly the Deployment's pods, whatever the selector scheme's labels are.
    const selector = (deployment.spec as unknown as { selector: unknown }).selector;
    // AlwaysAllow: a crash-looping pod never blocks a node drain.
    expect(pdb?.spec).toEqual(
      present ? { maxUnavailable: 1, selector, unhealthyPodEvictionPolicy: 'AlwaysAllow' } : undefined,
    );
  });

  test('extra env sorted by name before the connection settings and the credentials by reference', () => {
    const { pod } = synth({ env: { ZONE: 'b', APP_MODE: 'batch' } });
    expect(pod.containers[0].env).toEqual([
      { name: 'APP_MODE', value: 'batch' },
      { name: 'ZONE', value: 'b' },
      { name: 'ROCKETMQ_ENDPOINT', value: 'rmq-cn-x.example.com:8080' },
      { name: 'ROCKETMQ_TOPIC', value: 'orders' },
      { name: 'ROCKETMQ_CONSUMER_GROUP', value: 'orders-group' },
      {
        name: 'ROCKETMQ_USERNAME',
        valueFrom: { secretKeyRef: { name: 'orders-rocketmq-credentials', key: 'username' } },
      },
      {
        name: 'ROCKETMQ_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'orders-rocketmq-credentials', key: 'password' } },
      },
      // The contract with the image: its grace period (41 + 30 = 71 s) and its HTTP port (default 8080).
      { name: 'CONSUMER_SHUTDOWN_GRACE_SECONDS', value: '71' },
      { name: 'CONSUMER_HTTP_PORT', value: '8080' },
    ]);
  });

  test('an env entry read from a Secret becomes valueFrom.secretKeyRef, in name order with the plain ones', () => {
    const { objects, pod } = synth({
      env: {
        ZONE: 'b',
        DB_PASSWORD: { secretKeyRef: { name: 'orders-db', key: 'password' } },
        API_TOKEN: { secretKeyRef: { name: 'orders-api.v2', key: 'token.txt' } },
      },
    });
    expect(pod.containers[0].env.slice(0, 3)).toEqual([
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'orders-api.v2', key: 'token.txt' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'orders-db', key: 'password' } } },
      { name: 'ZONE', value: 'b' },
    ]);
    // A reference, not a copy: no Secret object is synthesized.
    expect(objects.map((o) => o.kind).filter((k) => k === 'Secret')).toEqual([]);
  });

  test('resources exactly as written, IfNotPresent pulls, a writable /tmp, no replicas', () => {
    const { pod, deployment } = synth({
      resources: { cpuRequest: '0.5', cpuLimit: '1500m', memoryRequest: '1Gi', memoryLimit: '1536Mi' },
    });
    expect(pod.containers[0].resources).toEqual({
      // ephemeral-storage reserves the 256Mi /tmp emptyDir on the node.
      requests: { cpu: '0.5', memory: '1Gi', 'ephemeral-storage': '256Mi' },
      limits: { cpu: '1500m', memory: '1536Mi' },
    });
    expect(pod.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(pod.containers[0].volumeMounts.map((m) => m.mountPath)).toEqual(['/tmp']);
    expect(deployment.spec.replicas).toBeUndefined();
  });
});

describe('ConsumerWorkload rules: each violation exactly', () => {
  const INT_MAX = 2 ** 31 - 1;
  const quantity = (key: string, value: string) =>
    `resources.${key} (${JSON.stringify(value)}) must be a Kubernetes quantity such as 500m or 256Mi`;
  test.each([
    [
      'name',
      { name: 'Orders' },
      'name ("Orders") must be a DNS-1123 label: [a-z0-9-], at most 63 characters',
    ],
    [
      'environment',
      { environment: 'Prod' },
      'environment ("Prod") must be a DNS-1123 label: [a-z0-9-], at most 63 characters',
    ],
    [
      'instance label',
      { name: 'o'.repeat(60), selectorScheme: 'instance-label' },
      `name with environment gives the label app.kubernetes.io/instance "${'o'.repeat(60)}-dev" (64 characters); the limit is 63`,
    ],
    [
      'unpinned image',
      { image: 'registry.example.com:5000/acme/orders' },
      'image ("registry.example.com:5000/acme/orders") must be an image reference pinned by tag or digest',
    ],
    [
      'image with a space',
      { image: 'acme/orders :1' },
      'image ("acme/orders :1") must be an image reference pinned by tag or digest',
    ],
    [
      'latest',
      { image: 'acme/orders:latest' },
      'image ("acme/orders:latest") must not use the mutable tag latest',
    ],
    [
      'cpu request',
      { resources: { ...base.resources, cpuRequest: '1 core' } },
      quantity('cpuRequest', '1 core'),
    ],
    ['cpu limit', { resources: { ...base.resources, cpuLimit: '-1' } }, quantity('cpuLimit', '-1')],
    [
      'memory request',
      { resources: { ...base.resources, memoryRequest: '1GB' } },
      quantity('memoryRequest', '1GB'),
    ],
    ['memory limit', { resources: { ...base.resources, memoryLimit: '' } }, quantity('memoryLimit', '')],
    ['endpoint', { rocketMqEndpoint: 'rmq:80:80' }, 'rocketMqEndpoint ("rmq:80:80") must be host:port'],
    ['endpoint without a port', { rocketMqEndpoint: 'rmq' }, 'rocketMqEndpoint ("rmq") must be host:port'],
    ['topic', { topic: '  ' }, 'topic must be a non-empty string'],
    ['group', { consumerGroup: '' }, 'consumerGroup must be a non-empty string'],
    [
      'secret name',
      { credentialsSecretName: 'Orders' },
      'credentialsSecretName ("Orders") must be a DNS-1123 label: [a-z0-9-], at most 63 characters',
    ],
    [
      'processing 0',
      { maxProcessingSeconds: 0 },
      'maxProcessingSeconds (0) must be an integer in [1, 86400]',
    ],
    [
      'processing above a day',
      { maxProcessingSeconds: 86_401 },
      'maxProcessingSeconds (86401) must be an integer in [1, 86400]',
    ],
    ['min negative', { minReplicas: -1 }, `minReplicas (-1) must be an integer in [0, ${INT_MAX}]`],
    ['env name', { env: { 'my-var': 'x' } }, 'env.my-var must be a C identifier ([A-Za-z_][A-Za-z0-9_]*)'],
    [
      'env override',
      { env: { ROCKETMQ_TOPIC: 'x' } },
      'env.ROCKETMQ_TOPIC is set by the construct and cannot be overridden',
    ],
    [
      'env Secret name',
      { env: { DB_PASSWORD: { secretKeyRef: { name: 'Orders_DB', key: 'password' } } } },
      'env.DB_PASSWORD.secretKeyRef.name ("Orders_DB") must be a DNS-1123 subdomain: [a-z0-9-.], at most 253 characters',
    ],
    [
      'env value neither a string nor a Secret reference',
      { env: { X: { secretRef: 'orders-db' } as unknown as string } },
      'env.X must be a string or { secretKeyRef: { name, key } }',
    ],
    [
      'env Secret name of 254 characters',
      { env: { X: { secretKeyRef: { name: 'a'.repeat(254), key: 'k' } } } },
      `env.X.secretKeyRef.name ("${'a'.repeat(254)}") must be a DNS-1123 subdomain: [a-z0-9-.], at most 253 characters`,
    ],
    [
      'env Secret key ".."',
      { env: { X: { secretKeyRef: { name: 'orders-db', key: '..' } } } },
      'env.X.secretKeyRef.key ("..") must be a Secret key: [-._a-zA-Z0-9], at most 253 characters, not "." nor starting with ".."',
    ],
    [
      'env Secret key',
      { env: { DB_PASSWORD: { secretKeyRef: { name: 'orders-db', key: 'pass word' } } } },
      'env.DB_PASSWORD.secretKeyRef.key ("pass word") must be a Secret key: [-._a-zA-Z0-9], at most 253 characters, not "." nor starting with ".."',
    ],
  ] as [string, Partial<ConsumerWorkloadProps>, string][])('%s', (_case, patch, message) => {
    expect(violations(patch)).toEqual([message]);
  });

  test.each([
    ['the base props', {}],
    ['a digest-only image', { image: `acme/orders@sha256:${'a'.repeat(64)}` }],
    ['a registry with a port and a tag', { image: 'registry.example.com:5000/acme/orders:2.1' }],
    ['a tag that merely contains latest', { image: 'acme/orders:latest-2' }],
    [
      'decimal and binary quantities',
      { resources: { cpuRequest: '0.25', cpuLimit: '2', memoryRequest: '1G', memoryLimit: '1Ti' } },
    ],
    ['processing of one second and of a day', { maxProcessingSeconds: 1 }],
    ['processing of a day', { maxProcessingSeconds: 86_400 }],
    ['min 0', { minReplicas: 0 }],
    ['an extra env var', { env: { _A1: 'x' } }],
    [
      'an env var from a Secret with a dotted name and key of 253 characters',
      { env: { X: { secretKeyRef: { name: `a.${'b'.repeat(251)}`, key: `.${'k'.repeat(252)}` } } } },
    ],
  ] as [string, Partial<ConsumerWorkloadProps>][])('accepts %s', (_case, patch) => {
    expect(violations(patch)).toEqual([]);
  });
});
