/**
 * ConsumerWorkload's objects in full: every field of the ServiceAccount, the Deployment and the PDB written out by
 * hand from the props, the optional parts present when set and absent when not, and the rules the other files
 * leave out (rates, held messages, /tmp size, probes, values of the wrong type).
 */
import { Testing } from 'cdk8s';
import {
  ConstructPropsError,
  ConsumerWorkload,
  validateConsumerWorkloadProps,
  type ConsumerWorkloadProps,
} from '../../constructs/k8s';
import { WORKLOAD_PROPS as base } from './fixtures';
import { testChart } from '../shared/scratch';

const INT_MAX = 2 ** 31 - 1;

// The labels of base: name orders, environment dev (the default 'environment' selector scheme), the consumer
// component, and the image tag 1.0.0 as the version.
const SELECTOR = { 'app.kubernetes.io/name': 'orders', 'apsaramq-keda/environment': 'dev' };
const LABELS = {
  ...SELECTOR,
  'app.kubernetes.io/component': 'consumer',
  'app.kubernetes.io/part-of': 'apsaramq-keda',
  'app.kubernetes.io/managed-by': 'cdk8s',
  'app.kubernetes.io/version': '1.0.0',
};

interface Container {
  name: string;
  env: { name: string; value?: string }[];
  ports?: unknown;
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  resources: { requests: Record<string, string> };
}
interface Manifest {
  kind: string;
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    template: { spec: { containers: Container[]; volumes: unknown[] } & Record<string, unknown> };
  } & Record<string, unknown>;
}

function synth(patch: Partial<ConsumerWorkloadProps>): Record<string, Manifest> {
  const chart = testChart();
  new ConsumerWorkload(chart, 'workload', { ...base, ...patch });
  const objects = Testing.synth(chart) as Manifest[];
  return Object.fromEntries(objects.map((o) => [o.kind, o]));
}

function violations(props: unknown): readonly string[] {
  try {
    validateConsumerWorkloadProps(props as ConsumerWorkloadProps);
    return [];
  } catch (error) {
    if (error instanceof ConstructPropsError) return error.violations;
    throw error;
  }
}

/** A prop of the wrong type, as an untyped caller (a YAML file, plain JavaScript) could pass it. */
function untyped(value: unknown): string {
  return value as string;
}

describe('ConsumerWorkload objects, field by field', () => {
  test('the ServiceAccount: named after the workload, its labels, no token mounted', () => {
    expect(synth({}).ServiceAccount).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'orders', labels: LABELS },
      automountServiceAccountToken: false,
    });
  });

  test('the Deployment of base, every field worked out from the props', () => {
    const http = (path: string) => ({ path, port: 8080, scheme: 'HTTP' });
    expect(synth({}).Deployment).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'orders', labels: LABELS },
      spec: {
        // No replicas: the HPA owns them. cdk8s-plus defaults for the rest.
        minReadySeconds: 0,
        progressDeadlineSeconds: 600,
        selector: { matchLabels: SELECTOR },
        // Surge 25 %, never one pod unavailable.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels: LABELS },
          spec: {
            automountServiceAccountToken: false,
            serviceAccountName: 'orders',
            dnsPolicy: 'ClusterFirst',
            hostNetwork: false,
            restartPolicy: 'Always',
            setHostnameAsFQDN: false,
            // Grace: 30 receive wait + 3 + 30 processing + 3 + 5 margin = 71 s.
            terminationGracePeriodSeconds: 71,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 10001,
              runAsGroup: 10001,
              fsGroup: 10001,
              fsGroupChangePolicy: 'Always',
              seccompProfile: { type: 'RuntimeDefault' },
            },
            topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map(
              (topologyKey) => ({
                maxSkew: 1,
                topologyKey,
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: SELECTOR },
                matchLabelKeys: ['pod-template-hash'],
              }),
            ),
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
            containers: [
              {
                name: 'consumer',
                image: 'registry.example.com/acme/orders:1.0.0',
                imagePullPolicy: 'IfNotPresent',
                env: [
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
                  { name: 'CONSUMER_SHUTDOWN_GRACE_SECONDS', value: '71' },
                  { name: 'CONSUMER_HTTP_PORT', value: '8080' },
                ],
                // The sample app's contract: port 8080, /livez and /readyz; timeouts 2 s; readiness every 5 s
                // failing after 2, liveness every 10 s failing after 3.
                ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
                livenessProbe: {
                  httpGet: http('/livez'),
                  periodSeconds: 10,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                readinessProbe: {
                  httpGet: http('/readyz'),
                  periodSeconds: 5,
                  timeoutSeconds: 2,
                  failureThreshold: 2,
                },
                resources: {
                  requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '256Mi' },
                  limits: { cpu: '1', memory: '512Mi' },
                },
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: 10001,
                  runAsGroup: 10001,
                  readOnlyRootFilesystem: true,
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
          },
        },
      },
    });
  });

  test('the PodDisruptionBudget of base (minReplicas 2): named after the workload, its labels', () => {
    expect(synth({}).PodDisruptionBudget).toEqual({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'orders', labels: LABELS },
      spec: {
        maxUnavailable: 1,
        selector: { matchLabels: SELECTOR },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  });

  test('the instance-label scheme selects by name and orders-dev, in the selector and the spread constraints', () => {
    const { Deployment } = synth({ selectorScheme: 'instance-label' });
    const selector = { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders-dev' };
    expect(Deployment.spec.selector).toEqual({ matchLabels: selector });
    expect(Deployment.spec.template.spec.topologySpreadConstraints).toEqual([
      expect.objectContaining({
        topologyKey: 'topology.kubernetes.io/zone',
        labelSelector: { matchLabels: selector },
      }),
      expect.objectContaining({
        topologyKey: 'kubernetes.io/hostname',
        labelSelector: { matchLabels: selector },
      }),
    ]);
  });

  test('tmpSizeMiB 64: a 64Mi emptyDir, and 64Mi of ephemeral storage requested', () => {
    const pod = synth({ tmpSizeMiB: 64 }).Deployment.spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(pod.containers[0].resources.requests['ephemeral-storage']).toBe('64Mi');
  });

  test('custom probes: port 9090 and the paths given, and the consumer is told the port', () => {
    const [container] = synth({
      probes: { port: 9090, livenessPath: '/health/live', readinessPath: '/health/ready' },
    }).Deployment.spec.template.spec.containers;
    expect(container.ports).toEqual([{ containerPort: 9090, name: 'http', protocol: 'TCP' }]);
    expect(container.livenessProbe).toEqual({
      httpGet: { path: '/health/live', port: 9090, scheme: 'HTTP' },
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    });
    expect(container.readinessProbe).toEqual({
      httpGet: { path: '/health/ready', port: 9090, scheme: 'HTTP' },
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 2,
    });
    expect(container.env.find((e) => e.name === 'CONSUMER_HTTP_PORT')).toEqual({
      name: 'CONSUMER_HTTP_PORT',
      value: '9090',
    });
  });

  test('only the port given: the default paths /livez and /readyz on it', () => {
    const [container] = synth({ probes: { port: 8081 } }).Deployment.spec.template.spec.containers;
    expect([container.livenessProbe, container.readinessProbe]).toEqual([
      expect.objectContaining({ httpGet: { path: '/livez', port: 8081, scheme: 'HTTP' } }),
      expect.objectContaining({ httpGet: { path: '/readyz', port: 8081, scheme: 'HTTP' } }),
    ]);
  });

  test('probes false: no port, no probes, no CONSUMER_HTTP_PORT', () => {
    const [container] = synth({ probes: false }).Deployment.spec.template.spec.containers;
    expect('ports' in container).toBe(false);
    expect('livenessProbe' in container).toBe(false);
    expect('readinessProbe' in container).toBe(false);
    expect(container.env.map((e) => e.name)).toEqual([
      'ROCKETMQ_ENDPOINT',
      'ROCKETMQ_TOPIC',
      'ROCKETMQ_CONSUMER_GROUP',
      'ROCKETMQ_USERNAME',
      'ROCKETMQ_PASSWORD',
      'CONSUMER_SHUTDOWN_GRACE_SECONDS',
    ]);
  });
});

describe('ConsumerWorkload rules the other files leave out', () => {
  test.each([
    [
      'messagesPerSecondPerPod 0',
      { messagesPerSecondPerPod: 0 },
      'messagesPerSecondPerPod (0) must be a number > 0',
    ],
    [
      'messagesPerSecondPerPod infinite',
      { messagesPerSecondPerPod: Infinity },
      'messagesPerSecondPerPod (Infinity) must be a number > 0',
    ],
    [
      'heldMessagesPerPod negative',
      { heldMessagesPerPod: -1 },
      `heldMessagesPerPod (-1) must be an integer in [0, ${INT_MAX}]`,
    ],
    [
      'heldMessagesPerPod fractional',
      { heldMessagesPerPod: 2.5 },
      `heldMessagesPerPod (2.5) must be an integer in [0, ${INT_MAX}]`,
    ],
    ['tmpSizeMiB 0', { tmpSizeMiB: 0 }, `tmpSizeMiB (0) must be an integer in [1, ${INT_MAX}]`],
    ['probe port 0', { probes: { port: 0 } }, 'probes.port (0) must be an integer in [1, 65535]'],
    [
      'probe port 65536',
      { probes: { port: 65_536 } },
      'probes.port (65536) must be an integer in [1, 65535]',
    ],
    [
      'a relative liveness path',
      { probes: { livenessPath: 'livez' } },
      'probes.livenessPath ("livez") must be an absolute path without spaces',
    ],
    [
      // Anchored at the start: a slash later in the path is not enough.
      'a readiness path with the slash inside',
      { probes: { readinessPath: 'health/ready' } },
      'probes.readinessPath ("health/ready") must be an absolute path without spaces',
    ],
    [
      // Anchored at the end: no space anywhere after the slash.
      'a readiness path with a space',
      { probes: { readinessPath: '/ready z' } },
      'probes.readinessPath ("/ready z") must be an absolute path without spaces',
    ],
    [
      'a name of 60 characters under the instance-label scheme (60 + "-dev" = 64)',
      { name: 'n'.repeat(60), selectorScheme: 'instance-label' },
      `name with environment gives the label app.kubernetes.io/instance "${'n'.repeat(60)}-dev" (64 characters); the limit is 63`,
    ],
  ] as [string, Partial<ConsumerWorkloadProps>, string][])('%s', (_case, patch, message) => {
    expect(violations({ ...base, ...patch })).toEqual([message]);
  });

  test.each([
    ['messagesPerSecondPerPod 0.5', { messagesPerSecondPerPod: 0.5 }],
    ['heldMessagesPerPod 0', { heldMessagesPerPod: 0 }],
    ['tmpSizeMiB 1', { tmpSizeMiB: 1 }],
    ['probe port 1', { probes: { port: 1 } }],
    ['probe port 65535', { probes: { port: 65_535 } }],
    [
      'the root path and nested paths',
      { probes: { livenessPath: '/', readinessPath: '/health/ready?full=1' } },
    ],
    // probes false: nothing of the probes is checked (or read).
    ['probes off', { probes: false as const }],
    // Only the instance-label scheme writes app.kubernetes.io/instance: a 60-character name is fine otherwise.
    ['a name of 60 characters under the default scheme', { name: 'n'.repeat(60) }],
  ] as [string, Partial<ConsumerWorkloadProps>][])('accepts %s', (_case, patch) => {
    expect(violations({ ...base, ...patch })).toEqual([]);
  });

  test.each([
    [
      'a name as a number',
      { name: untyped(123) },
      'name (123) must be a DNS-1123 label: [a-z0-9-], at most 63 characters',
    ],
    [
      'an image as a number',
      { image: untyped(42) },
      'image (42) must be an image reference pinned by tag or digest',
    ],
    [
      'a cpu request as a number',
      { resources: { ...base.resources, cpuRequest: untyped(500) } },
      'resources.cpuRequest (500) must be a Kubernetes quantity such as 500m or 256Mi',
    ],
    [
      // An array's string form is "rmq:8080", which the host:port pattern alone would accept.
      'an endpoint in a list',
      { rocketMqEndpoint: untyped(['rmq:8080']) },
      'rocketMqEndpoint (["rmq:8080"]) must be host:port',
    ],
    ['a topic as a number', { topic: untyped(5) }, 'topic must be a non-empty string'],
  ] as [string, Partial<ConsumerWorkloadProps>, string][])(
    '%s: a violation, not a crash',
    (_case, patch, message) => {
      expect(violations({ ...base, ...patch })).toEqual([message]);
    },
  );

  test.each([
    // The instance label is only measured when both parts are strings: a list is reported as a bad name once.
    [
      'name',
      { name: untyped(['n'.repeat(60)]) },
      `name (["${'n'.repeat(60)}"]) must be a DNS-1123 label: [a-z0-9-], at most 63 characters`,
    ],
    [
      'environment',
      { environment: untyped(['e'.repeat(60)]) },
      `environment (["${'e'.repeat(60)}"]) must be a DNS-1123 label: [a-z0-9-], at most 63 characters`,
    ],
  ] as [string, Partial<ConsumerWorkloadProps>, string][])(
    'instance-label scheme, the %s no string: one violation, no instance-label one',
    (_case, patch, message) => {
      expect(violations({ ...base, selectorScheme: 'instance-label', ...patch })).toEqual([message]);
    },
  );

  test('the construct throws a ConstructPropsError named so, for ConsumerWorkload, before creating anything', () => {
    const chart = testChart();
    let error: unknown;
    try {
      new ConsumerWorkload(chart, 'bad', { ...base, tmpSizeMiB: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConstructPropsError);
    expect((error as ConstructPropsError).name).toBe('ConstructPropsError');
    expect((error as ConstructPropsError).construct).toBe('ConsumerWorkload');
    expect((error as ConstructPropsError).message).toBe(
      `ConsumerWorkload: invalid props:\n  - tmpSizeMiB (0) must be an integer in [1, ${INT_MAX}]`,
    );
    expect(chart.node.tryFindChild('bad')?.node.children).toEqual([]);
  });
});
