import * as pulumi from '@pulumi/pulumi';
import {
  ClusterSecrets,
  ConsumerAccess,
  InvalidArgsError,
  KedaAddon,
  MetricsReader,
  normalizeEndpoint,
  onlyInstance,
  pickHttpApiUrl,
  PrometheusAccess,
  type PrometheusAccessArgs,
  RocketMqMessaging,
  type RocketMqMessagingArgs,
  vpcEndpointOf,
} from '../../constructs/cloud';
import { apsaraMqKedaStack, type StackOutputs } from '../../infra/pulumi/program';
import {
  ALL_CANARIES,
  CANARY,
  type MockOptions,
  runWithMocks,
  stackFileConfig,
  ARMS_LOOKUP,
  stackOutputJson,
  stackRuntime,
  stringsIn,
  toRuntimeConfig,
  valueOf,
} from '../pulumi/harness';
import { HANDOFF_OUTPUT, SECRET_STACK_OUTPUTS } from '../../infra/outputs/cli';
import { PINNED_ACK_KEDA_VERSION } from '../../infra/config/limits';
import { apsaraMqHandoff } from '../../infra/config/handoff';
import { TYPE } from '../pulumi/types';

const DEV_PROMETHEUS = 'c0fakedev0000000000000000000000000';
const INTERNAL_URL = `http://cn-hangzhou-intranet.arms.aliyuncs.com:9090/api/v1/prometheus/fakedev0000/1234567890123456/${DEV_PROMETHEUS}/cn-hangzhou`;
const PUBLIC_URL = `https://cn-hangzhou.arms.aliyuncs.com/api/v1/prometheus/fakedev0000/1234567890123456/${DEV_PROMETHEUS}/cn-hangzhou`;

const MESSAGING: RocketMqMessagingArgs = {
  instance: {
    instanceName: 'orders-test',
    seriesCode: 'standard',
    subSeriesCode: 'cluster_ha',
    msgProcessSpec: 'rmq.s2.2xlarge',
    paymentType: 'PayAsYouGo',
    vpcId: 'vpc-1',
    vSwitchIds: ['vsw-1'],
  },
  topics: [{ name: 'orders' }, { name: 'orders-dlq' }],
  consumerGroups: [{ id: 'g', deadLetterTopic: 'orders-dlq' }],
};

function runInRegion<T>(program: () => T, options: MockOptions & { secretKeys?: string[] } = {}) {
  return runWithMocks('test', { 'alicloud:region': 'cn-hangzhou' }, program, options);
}

describe('pure helpers', () => {
  test.each([
    ['rmq-cn-x-vpc.cn-hangzhou.rmq.aliyuncs.com:8080', 'rmq-cn-x-vpc.cn-hangzhou.rmq.aliyuncs.com:8080'],
    [
      'http://rmq-cn-x-vpc.cn-hangzhou.rmq.aliyuncs.com:8080/',
      'rmq-cn-x-vpc.cn-hangzhou.rmq.aliyuncs.com:8080',
    ],
    ['rmq-cn-x-vpc.cn-hangzhou.rmq.aliyuncs.com', 'rmq-cn-x-vpc.cn-hangzhou.rmq.aliyuncs.com:8080'],
  ])('normalizeEndpoint(%s) is %s', (url, expected) => {
    expect(normalizeEndpoint(url)).toBe(expected);
  });

  test('normalizeEndpoint rejects what is not host[:port]', () => {
    expect(() => normalizeEndpoint('rmq cn')).toThrow('RocketMQ endpoint "rmq cn" is not host[:port]');
  });

  test('vpcEndpointOf picks the VPC endpoint, never the public one', () => {
    const endpoints = [
      { endpointType: 'TCP_INTERNET', endpointUrl: 'public.example:8080' },
      { endpointType: 'TCP_VPC', endpointUrl: 'vpc.example:8080' },
    ];
    expect(vpcEndpointOf('rmq-cn-x', endpoints)).toBe('vpc.example:8080');
    expect(() => vpcEndpointOf('rmq-cn-x', endpoints.slice(0, 1))).toThrow(
      'RocketMQ instance rmq-cn-x reports no TCP_VPC endpoint (found: TCP_INTERNET)',
    );
  });

  test.each([
    [{ httpApiIntraUrl: 'http://in', httpApiInterUrl: 'https://out' }, true, 'http://in'],
    [{ httpApiIntraUrl: 'http://in', httpApiInterUrl: 'https://out' }, false, 'https://out'],
    [{ httpApiIntraUrl: '', httpApiInterUrl: 'https://out' }, true, 'https://out'],
    [{ httpApiInterUrl: '', httpApiIntraUrl: 'http://in' }, false, 'http://in'],
  ])('pickHttpApiUrl(%o, preferInternal %s) is %s', (details, preferInternal, expected) => {
    expect(pickHttpApiUrl('c0x', details, preferInternal)).toBe(expected);
  });

  test('pickHttpApiUrl and onlyInstance name the ARMS instance when there is nothing to pick', () => {
    expect(() => pickHttpApiUrl('c0x', {}, true)).toThrow('ARMS Prometheus c0x reports no HTTP API URL');
    expect(() => onlyInstance('c0x', [])).toThrow(
      'ARMS Prometheus c0x: the lookup found 0 instances, expected 1',
    );
  });
});

describe('argument validation', () => {
  const token: PrometheusAccessArgs = { auth: 'token', instanceId: DEV_PROMETHEUS };
  test.each<[string, () => unknown, string]>([
    [
      'RocketMqMessaging without an instance',
      () => new RocketMqMessaging('m', { ...MESSAGING, instance: undefined }),
      'instance / existingInstanceId: set exactly one',
    ],
    [
      'RocketMqMessaging with both an instance and an existing id',
      () => new RocketMqMessaging('m', { ...MESSAGING, existingInstanceId: 'rmq-cn-abc' }),
      'instance / existingInstanceId: set exactly one',
    ],
    [
      'RocketMqMessaging adopting a malformed id',
      () => new RocketMqMessaging('m', { ...MESSAGING, instance: undefined, existingInstanceId: 'rmq-1' }),
      'existingInstanceId ("rmq-1") must look like rmq-cn-xxxxxxxx',
    ],
    [
      'RocketMqMessaging serverless on one vSwitch',
      () =>
        new RocketMqMessaging('m', {
          ...MESSAGING,
          instance: { ...MESSAGING.instance!, subSeriesCode: 'serverless' },
        }),
      'instance.vSwitchIds has 1; serverless needs at least 2',
    ],
    [
      'RocketMqMessaging with a public bandwidth of 0',
      () =>
        new RocketMqMessaging('m', {
          ...MESSAGING,
          instance: { ...MESSAGING.instance!, internetBandwidthMbps: 0 },
        }),
      'instance.internetBandwidthMbps (0) must be an integer within [1, 1000]',
    ],
    [
      'RocketMqMessaging with a public endpoint but no allowlist',
      () =>
        new RocketMqMessaging('m', {
          ...MESSAGING,
          instance: { ...MESSAGING.instance!, internetBandwidthMbps: 5 },
        }),
      'instance.ipAllowlist is required with internetBandwidthMbps: the allowlist starts as 0.0.0.0/0',
    ],
    [
      'RocketMqMessaging with an allowlist open to every address',
      () =>
        new RocketMqMessaging('m', {
          ...MESSAGING,
          instance: { ...MESSAGING.instance!, ipAllowlist: ['10.0.0.0/8', '0.0.0.0/0'] },
        }),
      'instance.ipAllowlist must not hold 0.0.0.0/0: it admits every address',
    ],
    [
      'RocketMqMessaging renewing automatically without a period',
      () =>
        new RocketMqMessaging('m', {
          ...MESSAGING,
          instance: { ...MESSAGING.instance!, paymentType: 'Subscription', period: 1, autoRenew: true },
        }),
      'instance.autoRenewPeriod and autoRenewPeriodUnit are required when autoRenew is true',
    ],
    [
      'RocketMqMessaging with a retry policy against the order',
      () =>
        new RocketMqMessaging('m', {
          ...MESSAGING,
          consumerGroups: [{ id: 'g', deliveryOrderType: 'Orderly', retryPolicy: 'DefaultRetryPolicy' }],
        }),
      'consumerGroups[0].retryPolicy (DefaultRetryPolicy) must be FixedRetryPolicy',
    ],
    [
      'RocketMqMessaging with an unknown dead-letter topic',
      () => new RocketMqMessaging('m', { ...MESSAGING, consumerGroups: [{ id: 'g', deadLetterTopic: 'x' }] }),
      'consumerGroups[0].deadLetterTopic ("x") is not one of topics[].name',
    ],
    [
      'ConsumerAccess with a username RocketMQ would not take',
      () =>
        new ConsumerAccess('c', {
          instanceId: 'rmq-cn-x',
          workloads: [{ name: 'w', username: 'dev w', topicName: 't', consumerGroupId: 'g' }],
        }),
      'workloads[0].username ("dev w") must match',
    ],
    [
      'ConsumerAccess with a short password',
      () => new ConsumerAccess('c', { instanceId: 'rmq-cn-x', workloads: [], passwordLength: 8 }),
      'passwordLength (8) must be an integer within [16, 64]',
    ],
    [
      'MetricsReader with a user name starting with "-"',
      () => new MetricsReader('r', { userName: '-reader' }),
      'userName ("-reader") must be 1-64',
    ],
    [
      'PrometheusAccess with both an instance and a URL',
      () => new PrometheusAccess('p', { ...token, serverAddress: 'http://x' }),
      'instanceId / serverAddress: set exactly one',
    ],
    [
      'PrometheusAccess with a URL and no token for token auth',
      () => new PrometheusAccess('p', { auth: 'token', serverAddress: 'http://x' }),
      'token is required with serverAddress and auth token',
    ],
    [
      'PrometheusAccess with a token for AccessKey auth',
      () => new PrometheusAccess('p', { auth: 'accessKey', instanceId: DEV_PROMETHEUS, token: 't' }),
      'token applies to auth token only',
    ],
    [
      'ClusterSecrets in a namespace that is not a label',
      () =>
        new ClusterSecrets('s', {
          kubeconfig: 'k',
          namespace: 'Orders',
          prometheus: { auth: 'token', token: 't' },
          workloads: [],
        }),
      'namespace ("Orders") must be a DNS-1123 label',
    ],
    [
      'ClusterSecrets for the same workload twice',
      () =>
        new ClusterSecrets('s', {
          kubeconfig: 'k',
          namespace: 'orders',
          prometheus: { auth: 'token', token: 't' },
          workloads: [
            { name: 'w', username: 'u', password: 'p' },
            { name: 'w', username: 'u', password: 'p' },
          ],
        }),
      'workloads[1].name ("w") gives the Secret name "w-rocketmq-credentials" twice',
    ],
    [
      'KedaAddon on something that is not a cluster id',
      () => new KedaAddon('k', { clusterId: 'prod-cluster' }),
      'clusterId ("prod-cluster") must be an ACK cluster id',
    ],
    [
      'KedaAddon with a config that is not JSON',
      () => new KedaAddon('k', { clusterId: 'c0fakedev00000000000000000000000dd', config: '{' }),
      'config must be a JSON string',
    ],
  ])('%s throws before registering anything', async (_, construct, message) => {
    const run = await runInRegion(construct);
    expect(run.error).toBeInstanceOf(InvalidArgsError);
    expect((run.error as Error).message).toContain(message);
    expect(run.resources).toEqual([]);
  });
});

describe('RocketMqMessaging', () => {
  test('adopts an existing instance by reading it, and creates topics and groups on it', async () => {
    const run = await runInRegion(() => {
      const m = new RocketMqMessaging('m', {
        ...MESSAGING,
        instance: undefined,
        existingInstanceId: 'rmq-cn-adopted1',
      });
      return { id: m.instanceId, endpoint: m.vpcEndpoint };
    });
    expect(run.error).toBeUndefined();
    const read = run.resources.filter((r) => r.type === TYPE.instance);
    expect(read.map((r) => [r.name, r.readId, r.parent])).toEqual([
      ['m-existing-instance', 'rmq-cn-adopted1', 'm'],
    ]);
    for (const r of run.resources.filter((x) => x.type === TYPE.topic || x.type === TYPE.group)) {
      expect(r.inputs.instanceId).toBe('rmq-cn-adopted1');
    }
    expect(await valueOf(run.result!.endpoint)).toBe('rmq-cn-adopted1-vpc.cn-hangzhou.rmq.aliyuncs.com:8080');
  });
});

describe('PrometheusAccess', () => {
  async function access(args: PrometheusAccessArgs, options: MockOptions & { secretKeys?: string[] } = {}) {
    const run = await runInRegion(() => new PrometheusAccess('p', args), options);
    expect(run.error).toBeUndefined();
    return { run, access: run.result as PrometheusAccess };
  }

  test('prefers the internal URL of the looked-up instance and keeps its token secret', async () => {
    const { run, access: p } = await access({ auth: 'token', instanceId: DEV_PROMETHEUS });
    expect(run.calls.map((c) => c.inputs)).toEqual([{ ids: [DEV_PROMETHEUS], enableDetails: true }]);
    expect(await valueOf(p.serverAddress)).toBe(INTERNAL_URL);
    expect(await pulumi.isSecret(p.serverAddress)).toBe(false);
    expect(await valueOf(p.token!)).toBe(CANARY.armsToken);
    expect(await pulumi.isSecret(p.token!)).toBe(true);
    expect(run.resources.map((r) => r.type)).toEqual([TYPE.prometheusAccess]);
  });

  test('uses the public URL when asked to, or when the instance has no internal one', async () => {
    const asked = await access({ auth: 'token', instanceId: DEV_PROMETHEUS, preferInternalUrl: false });
    expect(await valueOf(asked.access.serverAddress)).toBe(PUBLIC_URL);
    const onlyPublic = await access({ auth: 'token', instanceId: DEV_PROMETHEUS }, { arms: 'publicOnly' });
    expect(await valueOf(onlyPublic.access.serverAddress)).toBe(PUBLIC_URL);
  });

  test('keeps the URL plain even when the lookup result arrives secret', async () => {
    const { access: p } = await access(
      { auth: 'token', instanceId: DEV_PROMETHEUS },
      { arms: 'secretToken' },
    );
    expect(await pulumi.isSecret(p.serverAddress)).toBe(false);
    expect(await valueOf(p.serverAddress)).toBe(INTERNAL_URL);
    expect(await pulumi.isSecret(p.token!)).toBe(true);
  });

  test('takes a configured token over the looked-up one', async () => {
    const { access: p } = await access({
      auth: 'token',
      instanceId: DEV_PROMETHEUS,
      token: CANARY.configToken,
    });
    expect(await valueOf(p.token!)).toBe(CANARY.configToken);
    expect(await pulumi.isSecret(p.token!)).toBe(true);
  });

  test('with an explicit URL calls nothing', async () => {
    const { run, access: p } = await access({
      auth: 'token',
      serverAddress: 'http://arms.internal/x',
      token: 't',
    });
    expect(run.calls).toEqual([]);
    expect(await valueOf(p.serverAddress)).toBe('http://arms.internal/x');
    expect(await pulumi.isSecret(p.token!)).toBe(true);
  });

  test('has no token for AccessKey auth', async () => {
    const { access: p } = await access({ auth: 'accessKey', instanceId: DEV_PROMETHEUS });
    expect(p.token).toBeUndefined();
  });
});

describe('the program on variants of the committed stacks', () => {
  type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- stack-file YAML

  async function program(env: string, edit: (c: Config) => void, token?: string) {
    const config: Config = stackFileConfig(env);
    edit(config);
    // The stack's secrets as a real run has them (the kubeconfig of a stack without an ACK cluster id).
    const { config: runtime, secretKeys } = stackRuntime(env, config);
    delete runtime['apsaramq-keda:prometheusToken'];
    const keys = secretKeys.filter((k) => k !== 'apsaramq-keda:prometheusToken');
    if (token !== undefined) runtime['apsaramq-keda:prometheusToken'] = token;
    const run = await runWithMocks(env, runtime, () => apsaraMqKedaStack(), {
      secretKeys: token === undefined ? keys : [...keys, 'apsaramq-keda:prometheusToken'],
    });
    expect(run.error).toBeUndefined();
    return { run, outputs: run.result as StackOutputs };
  }

  test('without createSecrets and an ACK cluster: no Secrets, no add-on, same Secret names handed off', async () => {
    const { run, outputs } = await program('dev', (c) => {
      c['apsaramq-keda:kubernetes'] = {
        namespace: 'orders-dev',
        version: c['apsaramq-keda:kubernetes'].version,
        createSecrets: false,
      };
    });
    const types = new Set(run.resources.map((r) => r.type));
    for (const absent of [TYPE.clusterSecrets, TYPE.k8sSecret, TYPE.kedaAddon, TYPE.addon]) {
      expect(types.has(absent)).toBe(false);
    }
    const handoff = await valueOf(outputs.handoff);
    expect(handoff.prometheus.secretName).toBe('keda-arms-prometheus-auth');
    expect(handoff.workloads.map((w) => w.credentialsSecretName)).toEqual([
      'order-fulfilment-rocketmq-credentials',
    ]);
  });

  test('token auth against an explicit URL takes the secret config token, and no RAM user', async () => {
    const { run, outputs } = await program(
      'staging',
      (c) => {
        c['apsaramq-keda:prometheus'].auth = 'token';
      },
      CANARY.configToken,
    );
    expect(run.calls.filter((c) => c.token === ARMS_LOOKUP)).toEqual([]);
    expect(run.resources.filter((r) => r.type.startsWith('alicloud:ram/'))).toEqual([]);
    const auth = run.resources.find((r) => r.name === 'cluster-secrets-prometheus-auth');
    expect(auth?.inputs.stringData).toEqual({
      customAuthHeader: 'Authorization',
      customAuthValue: CANARY.configToken,
    });
    expect(await pulumi.isSecret(outputs.prometheusAuth)).toBe(true);
    const shown = await stackOutputJson({ ...outputs });
    for (const text of stringsIn(shown))
      for (const canary of ALL_CANARIES) expect(text).not.toContain(canary);
    expect((await valueOf(outputs.handoff)).prometheus.auth).toBe('token');
  });

  test('a configured token overrides the looked-up one, and stays out of the spec and the hand-off', async () => {
    const { run, outputs } = await program('dev', () => undefined, CANARY.configToken);
    expect(run.calls.filter((c) => c.token === ARMS_LOOKUP)).toHaveLength(1);
    expect(await valueOf(outputs.prometheusAuth)).toEqual({
      customAuthHeader: 'Authorization',
      customAuthValue: CANARY.configToken,
    });
    expect(JSON.stringify(await valueOf(outputs.handoff))).not.toContain(CANARY.configToken);
  });

  test('adopts an existing instance named in the stack and hands its id off', async () => {
    const { run, outputs } = await program('prod', (c) => {
      c['apsaramq-keda:instance'] = { existingInstanceId: 'rmq-cn-adoptedprod1' };
    });
    const instance = run.resources.filter((r) => r.type === TYPE.instance);
    expect(instance.map((r) => r.readId)).toEqual(['rmq-cn-adoptedprod1']);
    const handoff = apsaraMqHandoff(await valueOf(outputs.handoff));
    expect(handoff.instanceId).toBe('rmq-cn-adoptedprod1');
    expect(handoff.rocketMqEndpoint).toBe('rmq-cn-adoptedprod1-vpc.cn-hangzhou.rmq.aliyuncs.com:8080');
  });

  test('pins the ack-keda version when the stack names one', async () => {
    const { run } = await program('prod', (c) => {
      c['apsaramq-keda:kubernetes'].kedaAddonVersion = PINNED_ACK_KEDA_VERSION;
    });
    expect(run.resources.find((r) => r.type === TYPE.addon)?.inputs).toEqual({
      clusterId: 'c0fakeprod0000000000000000000000pp',
      name: 'ack-keda',
      version: PINNED_ACK_KEDA_VERSION,
    });
  });
});

describe('infra/pulumi/index.ts', () => {
  test('exports the hand-off and the secret outputs, nothing else', async () => {
    let entry: Record<string, unknown> = {};
    const run = await runWithMocks('dev', toRuntimeConfig(stackFileConfig('dev')), () => {
      jest.isolateModules(() => {
        entry = require('../../infra/pulumi/index') as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports -- a fresh copy of the entry point, after the mocks
      });
    });
    expect(run.error).toBeUndefined();
    expect(Object.keys(entry).sort()).toEqual([HANDOFF_OUTPUT, ...SECRET_STACK_OUTPUTS].sort());
    // 16 resources, the explicit Kubernetes provider of the Secrets, and 5 for dev's producer
    // (ProducerAccess, password, account, ACL, Secret), and 5 for its broker-side alerts (issue 26:
    // BrokerAlertRules and one ARMS rule per broker-side rule of its one workload).
    expect(run.resources).toHaveLength(27);
  });
});
