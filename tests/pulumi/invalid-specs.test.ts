import { apsaraMqKedaStack, StackConfigError } from '../../infra/pulumi/program';
import { CANARY, runWithMocks, stackFileConfig, toRuntimeConfig } from './harness';

type Config = Record<string, unknown>;
/* eslint-disable @typescript-eslint/no-explicit-any -- the cases edit untyped stack-file YAML in place */
const at = (config: Config, key: string): any => config[`apsaramq-keda:${key}`];

interface Case {
  readonly title: string;
  readonly env: 'dev' | 'staging' | 'prod';
  readonly breakIt: (config: Config) => void;
  /** The path the violation must start with. */
  readonly path: string;
  /** A piece of the violation's message, when the rule is worth pinning. */
  readonly says?: string | RegExp;
  /** Set the secret token in the runtime config. */
  readonly token?: boolean;
}

const CASES: Case[] = [
  {
    title: 'topic name with a character outside [A-Za-z0-9_-]',
    env: 'dev',
    breakIt: (c) => (at(c, 'topics')[0].name = 'orders!'),
    path: 'topics[0].name',
    says: 'must match ^[A-Za-z0-9_-]+$',
  },
  {
    title: 'topic name with the reserved prefix rmq_sys_',
    env: 'staging',
    breakIt: (c) => (at(c, 'topics')[1].name = 'rmq_sys_events'),
    path: 'topics[1].name',
    says: 'reserved prefix "rmq_sys_"',
  },
  {
    title: 'topic name with the reserved prefix rocketmq-broker-',
    env: 'prod',
    breakIt: (c) => (at(c, 'topics')[2].name = 'rocketmq-broker-dlq'),
    path: 'topics[2].name',
    says: 'reserved prefix "rocketmq-broker-"',
  },
  {
    title: 'topic name that is a reserved system topic',
    env: 'dev',
    breakIt: (c) => (at(c, 'topics')[1].name = 'TBW102'),
    path: 'topics[1].name',
    says: 'reserved RocketMQ system topic',
  },
  {
    title: 'topic name of 61 characters on a cluster instance',
    env: 'staging',
    breakIt: (c) => (at(c, 'topics')[0].name = 'o'.repeat(61)),
    path: 'topics[0].name',
    says: 'at most 60',
  },
  {
    title: 'topic name of 129 characters on a serverless instance',
    env: 'dev',
    breakIt: (c) => (at(c, 'topics')[0].name = 'o'.repeat(129)),
    path: 'topics[0].name',
    says: 'at most 128',
  },
  {
    title: 'the same topic declared twice',
    env: 'prod',
    breakIt: (c) => at(c, 'topics').push({ name: 'orders', messageType: 'NORMAL' }),
    path: 'topics[3].name',
    says: 'declared twice',
  },
  {
    title: 'consumer group id of 61 characters',
    env: 'prod',
    breakIt: (c) => (at(c, 'consumerGroups')[1].id = 'g'.repeat(61)),
    path: 'consumerGroups[1].id',
  },
  {
    title: 'consumer group id with the reserved prefix %RETRY%',
    env: 'dev',
    breakIt: (c) => (at(c, 'consumerGroups')[0].id = '%RETRY%order-fulfilment'),
    path: 'consumerGroups[0].id',
    says: 'reserved prefix "%RETRY%"',
  },
  {
    title: 'consumer group id that is a built-in group',
    env: 'staging',
    breakIt: (c) => (at(c, 'consumerGroups')[1].id = 'DEFAULT_CONSUMER'),
    path: 'consumerGroups[1].id',
    says: 'reserved RocketMQ system group',
  },
  {
    title: 'Orderly group with the concurrent retry policy',
    env: 'prod',
    breakIt: (c) => (at(c, 'consumerGroups')[2].retryPolicy = 'DefaultRetryPolicy'),
    path: 'consumerGroups[2].retryPolicy',
    says: 'DefaultRetryPolicy does not match deliveryOrderType Orderly; use FixedRetryPolicy',
  },
  {
    title: 'Concurrently group with the fixed retry policy',
    env: 'staging',
    breakIt: (c) => (at(c, 'consumerGroups')[0].retryPolicy = 'FixedRetryPolicy'),
    path: 'consumerGroups[0].retryPolicy',
  },
  {
    title: 'maxRetryTimes above 1000',
    env: 'dev',
    breakIt: (c) => (at(c, 'consumerGroups')[0].maxRetryTimes = 1001),
    path: 'consumerGroups[0].maxRetryTimes',
  },
  {
    title: 'dead-letter topic that is not declared',
    env: 'dev',
    breakIt: (c) => (at(c, 'consumerGroups')[0].deadLetterTopic = 'orders-dead'),
    path: 'consumerGroups[0].deadLetterTopic',
    says: '"orders-dead" is not one of topics[].name',
  },
  {
    title: 'Orderly group consuming a NORMAL topic',
    env: 'prod',
    breakIt: (c) => (at(c, 'consumerGroups')[0].deliveryOrderType = 'Orderly'),
    path: 'workloads[0].consumerGroup',
    says: 'must consume a FIFO topic, not NORMAL',
  },
  {
    title: 'serverless instance with a single vSwitch',
    env: 'dev',
    breakIt: (c) => (at(c, 'instance').network.vSwitchIds = ['vsw-bp1fakedev00000000h']),
    path: 'instance.network.vSwitchIds',
    says: 'a serverless instance needs at least 2 vSwitches',
  },
  {
    title: 'Subscription instance without a period',
    env: 'prod',
    breakIt: (c) => delete at(c, 'instance').period,
    path: 'instance.period',
    says: 'is required when paymentType is Subscription',
  },
  {
    title: 'unknown series code',
    env: 'staging',
    breakIt: (c) => (at(c, 'instance').seriesCode = 'enterprise'),
    path: 'instance.seriesCode',
    says: 'expected one of "standard"|"professional"|"ultimate"',
  },
  {
    title: 'adopted instance id that is not an instance id',
    env: 'prod',
    breakIt: (c) => (c['apsaramq-keda:instance'] = { existingInstanceId: 'rmq-prod' }),
    path: 'instance.existingInstanceId',
    says: 'must look like rmq-cn-xxxxxxxx',
  },
  {
    title: 'public endpoint without a bandwidth',
    env: 'staging',
    breakIt: (c) => delete at(c, 'instance').network.internet.bandwidthMbps,
    path: 'instance.network.internet.bandwidthMbps',
    says: 'is required when internet is enabled',
  },
  {
    title: 'minReplicas above maxReplicas',
    env: 'dev',
    breakIt: (c) => (at(c, 'workloads')[0].minReplicas = 6),
    path: 'workloads[0].minReplicas',
    says: '(6) must be <= maxReplicas (5)',
  },
  {
    title: 'workload reading a topic that is not declared',
    env: 'staging',
    breakIt: (c) => (at(c, 'workloads')[0].topic = 'order'),
    path: 'workloads[0].topic',
    says: '"order" is not one of topics[].name',
  },
  {
    title: 'workload in a group that is not declared',
    env: 'prod',
    breakIt: (c) => (at(c, 'workloads')[1].consumerGroup = 'analytics'),
    path: 'workloads[1].consumerGroup',
    says: '"analytics" is not one of consumerGroups[].id',
  },
  {
    title: 'queue-based workload above its queue count',
    env: 'staging',
    breakIt: (c) => (at(c, 'workloads')[1].maxReplicas = 12),
    path: 'workloads[1].maxReplicas',
    says: 'workloads[1].maxReplicas (12) must be <= queueCount (8) for queue-based consumers',
  },
  {
    title: 'queue-based workload without a queue count',
    env: 'prod',
    breakIt: (c) => delete at(c, 'workloads')[2].queueCount,
    path: 'workloads[2].queueCount',
    says: 'is required for queue-based',
  },
  {
    title: 'workload name that is not a DNS-1123 label',
    env: 'dev',
    breakIt: (c) => (at(c, 'workloads')[0].name = 'Order_Fulfilment'),
    path: 'workloads[0].name',
    says: 'must be a DNS-1123 label',
  },
  {
    title: 'image without a tag or digest',
    env: 'staging',
    breakIt: (c) => (at(c, 'workloads')[0].image = 'registry.cn-shanghai.aliyuncs.com/acme/order-fulfilment'),
    path: 'workloads[0].image',
    says: 'must pin a tag or digest',
  },
  {
    title: 'misspelt workload field',
    env: 'dev',
    breakIt: (c) => {
      const w = at(c, 'workloads')[0];
      w.maxReplica = w.maxReplicas;
      delete w.maxReplicas;
    },
    path: 'workloads[0].maxReplicas',
  },
  {
    title: 'fallback replicas above maxReplicas',
    env: 'prod',
    breakIt: (c) => (at(c, 'workloads')[0].scaling.fallback.replicas = 41),
    path: 'workloads[0].scaling.fallback.replicas',
  },
  {
    title: 'both a Prometheus instance id and a server address',
    env: 'dev',
    breakIt: (c) =>
      (at(c, 'prometheus').serverAddress = 'http://cn-hangzhou-intranet.arms.aliyuncs.com:9090/x'),
    path: 'prometheus',
    says: 'set exactly one of instanceId (lookup) or serverAddress',
  },
  {
    title: 'Prometheus server address that is not a URL',
    env: 'staging',
    breakIt: (c) => (at(c, 'prometheus').serverAddress = 'cn-shanghai-intranet.arms.aliyuncs.com'),
    path: 'prometheus.serverAddress',
  },
  {
    // A stack file is committed; the credentials reach KEDA through the Secret Pulumi writes.
    title: 'Prometheus server address with a user and password in it',
    env: 'staging',
    breakIt: (c) =>
      (at(c, 'prometheus').serverAddress =
        `https://keda:${CANARY.configToken}@cn-shanghai-intranet.arms.aliyuncs.com:9090/api`),
    path: 'prometheus.serverAddress',
    says: ': is a URL with credentials in it; a stack file is committed, so it holds no secret',
  },
  {
    title: 'Prometheus server address with a token in its query string',
    env: 'staging',
    breakIt: (c) =>
      (at(c, 'prometheus').serverAddress =
        `https://cn-shanghai-intranet.arms.aliyuncs.com:9090/api?token=${CANARY.configToken}`),
    path: 'prometheus.serverAddress',
    says: ': is a URL with credentials in its query string or fragment (token)',
  },
  {
    title: 'a workload env entry named as a credential with a literal value',
    env: 'dev',
    breakIt: (c) => (at(c, 'workloads')[0].env = { DB_PASSWORD: CANARY.configToken }),
    path: 'workloads[0].env.DB_PASSWORD',
    says: ': holds a literal value, but its name says it is a credential; reference a Secret instead: DB_PASSWORD: { secretKeyRef: { name: <secret>, key: <key> } }',
  },
  {
    title: 'token auth against an explicit URL without the secret token',
    env: 'staging',
    breakIt: (c) => (at(c, 'prometheus').auth = 'token'),
    path: 'apsaramq-keda:prometheusToken',
    says: 'is required when prometheus.serverAddress is set with auth token',
  },
  {
    title: 'a token configured for AccessKey auth',
    env: 'staging',
    breakIt: () => undefined,
    token: true,
    path: 'apsaramq-keda:prometheusToken',
    says: 'applies to prometheus.auth token only',
  },
  {
    title: 'namespace that is not a DNS-1123 label',
    env: 'prod',
    breakIt: (c) => (at(c, 'kubernetes').namespace = 'Orders_Prod'),
    path: 'kubernetes.namespace',
  },
  {
    title: 'malformed ACK cluster id',
    env: 'dev',
    breakIt: (c) => (at(c, 'kubernetes').ackClusterId = 'my-cluster'),
    path: 'kubernetes.ackClusterId',
    says: 'must be an ACK cluster id',
  },
  {
    title: 'region that is not a region id',
    env: 'staging',
    breakIt: (c) => (c['alicloud:region'] = 'Shanghai'),
    path: 'alicloud:region',
  },
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('invalid stack configs', () => {
  test('there are at least 25 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  test.each(CASES.map((c) => [c.title, c] as const))(
    'rejects %s before any resource exists',
    async (_, c) => {
      const config = stackFileConfig(c.env);
      c.breakIt(config);
      const runtime = toRuntimeConfig(config);
      if (c.token === true) runtime['apsaramq-keda:prometheusToken'] = CANARY.configToken;
      const run = await runWithMocks(c.env, runtime, () => apsaraMqKedaStack(), {
        secretKeys: c.token === true ? ['apsaramq-keda:prometheusToken'] : [],
      });

      expect(run.error).toBeInstanceOf(StackConfigError);
      const error = run.error as StackConfigError;
      const matching = error.violations.filter((v) => new RegExp(`^${escapeRegExp(c.path)}[: ]`).test(v));
      expect({ violations: error.violations, matching: matching.length > 0 }).toMatchObject({
        matching: true,
      });
      // A case without `says` pins the path only: any message of a matching violation will do.
      expect(matching.join('\n')).toMatch(c.says ?? /./);
      expect(error.message).toContain(c.path);
      expect(error.message).not.toContain(CANARY.configToken);
      expect(run.resources).toEqual([]);
      expect(run.calls).toEqual([]);
    },
  );

  test('reports every violation of one file at once, each with its path', async () => {
    const config = stackFileConfig('prod');
    at(config, 'topics')[1].name = 'TBW102';
    at(config, 'workloads')[1].minReplicas = 7;
    at(config, 'workloads')[2].maxReplicas = 17;
    at(config, 'kubernetes').ackClusterId = 'cluster';
    const run = await runWithMocks('prod', toRuntimeConfig(config), () => apsaraMqKedaStack());
    const error = run.error as StackConfigError;
    expect(error).toBeInstanceOf(StackConfigError);
    // Shape errors first: the cross-field rules only run once every field has its shape.
    expect(error.violations.map((v) => v.split(/[: ]/)[0])).toEqual([
      'topics[1].name',
      'kubernetes.ackClusterId',
    ]);
    at(config, 'topics')[1].name = 'payments';
    at(config, 'kubernetes').ackClusterId = 'c0fakeprod0000000000000000000000pp';
    const second = await runWithMocks('prod', toRuntimeConfig(config), () => apsaraMqKedaStack());
    expect((second.error as StackConfigError).violations.map((v) => v.split(' ')[0])).toEqual([
      'workloads[1].minReplicas',
      'workloads[2].maxReplicas',
    ]);
    expect(second.resources).toEqual([]);
  });

  test('names the stack and lists violations in a message Pulumi prints without a stack trace', async () => {
    const config = stackFileConfig('dev');
    at(config, 'workloads')[0].minReplicas = 6;
    const run = await runWithMocks('dev', toRuntimeConfig(config), () => apsaraMqKedaStack());
    expect((run.error as Error).message).toBe(
      'stacks/Pulumi.dev.yaml: environment "dev" is invalid:\n  - workloads[0].minReplicas (6) must be <= maxReplicas (5)',
    );
    expect((run.error as { __pulumiRunError?: boolean }).__pulumiRunError).toBe(true);
  });
});
