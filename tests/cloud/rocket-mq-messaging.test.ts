/**
 * RocketMqMessaging on its own, under the provider mocks of tests/pulumi/harness.ts: every validation rule with its
 * message and a boundary that passes, the exact inputs of the instance, topics and groups it registers, and the
 * endpoint helpers. Expected values are worked out by hand from the arguments.
 */
import {
  InvalidArgsError,
  normalizeEndpoint,
  RocketMqMessaging,
  type RocketMqInstanceSettings,
  type RocketMqMessagingArgs,
  rocketMqMessagingViolations,
  vpcEndpointOf,
} from '../../constructs/cloud';
import { type RecordedResource, type Run, runWithMocks, valueOf } from '../pulumi/harness';
import { TYPE } from '../pulumi/types';
import { freshModule } from './fresh-module';

type Module = typeof import('../../constructs/cloud/rocket-mq-messaging');

const CLUSTER: RocketMqInstanceSettings = {
  instanceName: 'orders-test',
  seriesCode: 'standard',
  subSeriesCode: 'cluster_ha',
  msgProcessSpec: 'rmq.s2.2xlarge',
  paymentType: 'PayAsYouGo',
  vpcId: 'vpc-1',
  vSwitchIds: ['vsw-1'],
};

function args(instance: Partial<RocketMqInstanceSettings> = {}, rest: Partial<RocketMqMessagingArgs> = {}) {
  return { instance: { ...CLUSTER, ...instance }, topics: [], consumerGroups: [], ...rest };
}

function run(construct: () => RocketMqMessaging) {
  return runWithMocks('test', { 'alicloud:region': 'cn-hangzhou' }, construct);
}

function named(r: Run<unknown>, name: string): RecordedResource {
  const found = r.resources.filter((x) => x.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

function byName(resources: readonly RecordedResource[]): RecordedResource[] {
  return [...resources].sort((a, b) => a.name.localeCompare(b.name));
}

describe('rocketMqMessagingViolations', () => {
  test.each<[string, RocketMqMessagingArgs, string[]]>([
    ['a cluster instance on one vSwitch', args(), []],
    ['an existing instance id', { existingInstanceId: 'rmq-cn-abc1', topics: [], consumerGroups: [] }, []],
    [
      'neither an instance nor an existing id',
      { topics: [], consumerGroups: [] },
      ['instance / existingInstanceId: set exactly one'],
    ],
    [
      'both an instance and an existing id',
      { ...args(), existingInstanceId: 'rmq-cn-abc1' },
      ['instance / existingInstanceId: set exactly one'],
    ],
    [
      'an existing id of upper-case letters',
      { existingInstanceId: 'rmq-cn-ABC', topics: [], consumerGroups: [] },
      ['existingInstanceId ("rmq-cn-ABC") must look like rmq-cn-xxxxxxxx'],
    ],
    [
      'a cluster instance on no vSwitch',
      args({ vSwitchIds: [] }),
      ['instance.vSwitchIds has 0; cluster_ha needs at least 1'],
    ],
    [
      'a serverless instance on one vSwitch',
      args({ subSeriesCode: 'serverless' }),
      ['instance.vSwitchIds has 1; serverless needs at least 2'],
    ],
    [
      'a serverless instance on two vSwitches',
      args({ subSeriesCode: 'serverless', vSwitchIds: ['a', 'b'] }),
      [],
    ],
    [
      'a subscription without a period',
      args({ paymentType: 'Subscription' }),
      ['instance.period is required when paymentType is Subscription'],
    ],
    ['a subscription of one month', args({ paymentType: 'Subscription', period: 1 }), []],
    ['pay-as-you-go with a period', args({ period: 1 }), ['instance.period applies to Subscription only']],
    ['sendReceiveRatio at its lower bound 0.05', args({ sendReceiveRatio: 0.05 }), []],
    ['sendReceiveRatio at its upper bound 0.5', args({ sendReceiveRatio: 0.5 }), []],
    [
      'sendReceiveRatio 0.04, below 0.05',
      args({ sendReceiveRatio: 0.04 }),
      ['instance.sendReceiveRatio (0.04) must be within [0.05, 0.5]'],
    ],
    [
      'sendReceiveRatio 0.51, above 0.5',
      args({ sendReceiveRatio: 0.51 }),
      ['instance.sendReceiveRatio (0.51) must be within [0.05, 0.5]'],
    ],
    [
      'public bandwidth 1 Mb/s with an allowlist',
      args({ internetBandwidthMbps: 1, ipAllowlist: ['203.0.113.0/24'] }),
      [],
    ],
    [
      'public bandwidth 1000 Mb/s with an allowlist',
      args({ internetBandwidthMbps: 1000, ipAllowlist: ['203.0.113.0/24'] }),
      [],
    ],
    [
      'public bandwidth 1001 Mb/s',
      args({ internetBandwidthMbps: 1001, ipAllowlist: ['203.0.113.0/24'] }),
      ['instance.internetBandwidthMbps (1001) must be an integer within [1, 1000]'],
    ],
    [
      'public bandwidth 2.5 Mb/s',
      args({ internetBandwidthMbps: 2.5, ipAllowlist: ['203.0.113.0/24'] }),
      ['instance.internetBandwidthMbps (2.5) must be an integer within [1, 1000]'],
    ],
    [
      'public bandwidth 0 Mb/s and no allowlist',
      args({ internetBandwidthMbps: 0 }),
      [
        'instance.internetBandwidthMbps (0) must be an integer within [1, 1000]',
        'instance.ipAllowlist is required with internetBandwidthMbps: the allowlist starts as 0.0.0.0/0',
      ],
    ],
    [
      'public bandwidth with an empty allowlist',
      args({ internetBandwidthMbps: 5, ipAllowlist: [] }),
      ['instance.ipAllowlist is required with internetBandwidthMbps: the allowlist starts as 0.0.0.0/0'],
    ],
    ['a VPC-only instance with an allowlist', args({ ipAllowlist: ['10.0.0.0/8'] }), []],
    [
      'an allowlist holding 0.0.0.0/0',
      args({ ipAllowlist: ['10.0.0.0/8', '0.0.0.0/0'] }),
      ['instance.ipAllowlist must not hold 0.0.0.0/0: it admits every address'],
    ],
    [
      'auto-renewal without its period or unit',
      args({ paymentType: 'Subscription', period: 1, autoRenew: true }),
      ['instance.autoRenewPeriod and autoRenewPeriodUnit are required when autoRenew is true'],
    ],
    [
      'auto-renewal with a period but no unit',
      args({ paymentType: 'Subscription', period: 1, autoRenew: true, autoRenewPeriod: 3 }),
      ['instance.autoRenewPeriod and autoRenewPeriodUnit are required when autoRenew is true'],
    ],
    [
      'auto-renewal with a unit but no period',
      args({ paymentType: 'Subscription', period: 1, autoRenew: true, autoRenewPeriodUnit: 'Month' }),
      ['instance.autoRenewPeriod and autoRenewPeriodUnit are required when autoRenew is true'],
    ],
    [
      'auto-renewal with its period and unit',
      args({
        paymentType: 'Subscription',
        period: 1,
        autoRenew: true,
        autoRenewPeriod: 3,
        autoRenewPeriodUnit: 'Month',
      }),
      [],
    ],
    [
      'autoRenew false without a period',
      args({ paymentType: 'Subscription', period: 1, autoRenew: false }),
      [],
    ],
    [
      'a topic declared twice',
      args({}, { topics: [{ name: 'orders' }, { name: 'dlq' }, { name: 'orders' }] }),
      ['topics[2].name ("orders") is declared twice'],
    ],
    [
      'a consumer group declared twice',
      args({}, { topics: [], consumerGroups: [{ id: 'g' }, { id: 'g' }] }),
      ['consumerGroups[1].id ("g") is declared twice'],
    ],
    [
      'a fixed retry policy on a concurrent group (the default order)',
      args({}, { consumerGroups: [{ id: 'g', retryPolicy: 'FixedRetryPolicy' }] }),
      ['consumerGroups[0].retryPolicy (FixedRetryPolicy) must be DefaultRetryPolicy for its delivery order'],
    ],
    [
      'the default retry policy on an orderly group',
      args(
        {},
        { consumerGroups: [{ id: 'g', deliveryOrderType: 'Orderly', retryPolicy: 'DefaultRetryPolicy' }] },
      ),
      ['consumerGroups[0].retryPolicy (DefaultRetryPolicy) must be FixedRetryPolicy for its delivery order'],
    ],
    [
      'the matching retry policies, stated',
      args(
        {},
        {
          consumerGroups: [
            { id: 'c', retryPolicy: 'DefaultRetryPolicy' },
            { id: 'o', deliveryOrderType: 'Orderly', retryPolicy: 'FixedRetryPolicy' },
          ],
        },
      ),
      [],
    ],
    [
      'a dead-letter topic that is not declared',
      args(
        {},
        { topics: [{ name: 'orders' }], consumerGroups: [{ id: 'g', deadLetterTopic: 'orders-dlq' }] },
      ),
      ['consumerGroups[0].deadLetterTopic ("orders-dlq") is not one of topics[].name'],
    ],
    [
      'a declared dead-letter topic',
      args(
        {},
        { topics: [{ name: 'orders-dlq' }], consumerGroups: [{ id: 'g', deadLetterTopic: 'orders-dlq' }] },
      ),
      [],
    ],
  ])('%s', (_, input, expected) => {
    expect(rocketMqMessagingViolations(input)).toEqual(expected);
  });

  test('the constructor throws every violation at once, naming the component, before registering anything', async () => {
    const r = await run(() => new RocketMqMessaging('m', args({ vSwitchIds: [], period: 1 })));
    expect(r.error).toBeInstanceOf(InvalidArgsError);
    expect((r.error as Error).message).toBe(
      'RocketMqMessaging "m" has invalid arguments:\n' +
        '  - instance.vSwitchIds has 0; cluster_ha needs at least 1\n' +
        '  - instance.period applies to Subscription only',
    );
    expect(r.resources).toEqual([]);
  });
});

describe('endpoint helpers', () => {
  test.each([
    ['host.example:8080', 'host.example:8080'],
    ['  host.example:8081  ', 'host.example:8081'],
    ['grpc+tls://host.example:443', 'host.example:443'],
    ['http://host.example:8080//', 'host.example:8080'],
    ['host.example', 'host.example:8080'],
    ['h:1', 'h:1'],
    ['host.example:65535', 'host.example:65535'],
  ])('normalizeEndpoint(%j) is %j', (url, expected) => {
    expect(normalizeEndpoint(url)).toBe(expected);
  });

  test.each([
    // Only a leading scheme is dropped.
    '1http://host.example:8080',
    // A path is not part of host:port, wherever its slash is.
    'host.example/path',
    'a b:8080',
    'host.example:8080x',
    'host.example:123456',
    ':8080',
    'host.example:',
  ])('normalizeEndpoint(%j) throws', (url) => {
    expect(() => normalizeEndpoint(url)).toThrow(`RocketMQ endpoint "${url}" is not host[:port]`);
  });

  test('vpcEndpointOf skips a VPC entry without a URL and normalizes the one it picks', () => {
    expect(
      vpcEndpointOf('rmq-cn-x', [
        { endpointType: 'TCP_INTERNET', endpointUrl: 'public.example:8080' },
        { endpointType: 'TCP_VPC', endpointUrl: '' },
        { endpointType: 'TCP_VPC' },
        { endpointType: 'TCP_VPC', endpointUrl: 'http://vpc.example/' },
      ]),
    ).toBe('vpc.example:8080');
  });

  test.each<[string, Parameters<typeof vpcEndpointOf>[1], string]>([
    ['no endpoint list', undefined, 'none'],
    ['an empty list', [], 'none'],
    [
      'a VPC entry with an empty URL and one without a type',
      [{ endpointType: 'TCP_VPC', endpointUrl: '' }, {}],
      'TCP_VPC, ?',
    ],
  ])('vpcEndpointOf with %s names what it found', (_, endpoints, seen) => {
    expect(() => vpcEndpointOf('rmq-cn-x', endpoints)).toThrow(
      `RocketMQ instance rmq-cn-x reports no TCP_VPC endpoint (found: ${seen})`,
    );
  });
});

describe('the instance it creates', () => {
  test('a pay-as-you-go cluster in a VPC: the required fields, no internet, open-source ACL only', async () => {
    const r = await run(() => new RocketMqMessaging('m', args()));
    expect(r.error).toBeUndefined();
    expect(r.providerErrors).toEqual([]);
    const instance = named(r, 'm-instance');
    expect(instance.type).toBe(TYPE.instance);
    expect(instance.inputs).toEqual({
      instanceName: 'orders-test',
      // Source: @pulumi/alicloud rocketmq.RocketMQInstance.serviceCode: "rmq".
      serviceCode: 'rmq',
      seriesCode: 'standard',
      subSeriesCode: 'cluster_ha',
      paymentType: 'PayAsYouGo',
      productInfo: { msgProcessSpec: 'rmq.s2.2xlarge' },
      networkInfo: {
        vpcInfo: { vpcId: 'vpc-1', vswitches: [{ vswitchId: 'vsw-1' }] },
        internetInfo: { internetSpec: 'disable', flowOutType: 'uninvolved' },
      },
      aclInfo: { aclTypes: ['apache_acl'], defaultVpcAuthFree: false },
    });
    expect({
      parent: instance.parent,
      protect: instance.protect,
      retainOnDelete: instance.retainOnDelete,
    }).toEqual({ parent: 'm', protect: false, retainOnDelete: true });
    // The mock's id for instance name orders-test is rmq-cn-fake + "test" + 0000.
    const m = r.result!;
    expect(await valueOf(m.instanceId)).toBe('rmq-cn-faketest0000');
    expect(await valueOf(m.vpcEndpoint)).toBe('rmq-cn-faketest0000-vpc.cn-hangzhou.rmq.aliyuncs.com:8080');
    // Read back: the service's 0.0.0.0/0 stays on a new instance that configures no allowlist.
    expect(await valueOf(m.ipAllowlist)).toEqual(['0.0.0.0/0']);
    expect(r.componentOutputs.filter((o) => o.name === 'm')).toEqual([
      {
        name: 'm',
        type: 'apsaramq-keda:cloud:RocketMqMessaging',
        secretOutputs: [],
        values: {
          instanceId: 'rmq-cn-faketest0000',
          vpcEndpoint: 'rmq-cn-faketest0000-vpc.cn-hangzhou.rmq.aliyuncs.com:8080',
        },
      },
    ]);
  });

  test('a subscription with every optional setting: all of them sent, and the instance protected', async () => {
    const r = await run(
      () =>
        new RocketMqMessaging(
          'm',
          args({
            instanceName: 'orders-prod',
            seriesCode: 'professional',
            msgProcessSpec: 'rmq.p2.4xlarge',
            paymentType: 'Subscription',
            period: 12,
            periodUnit: 'Month',
            autoRenew: true,
            autoRenewPeriod: 1,
            autoRenewPeriodUnit: 'Year',
            messageRetentionHours: 72,
            sendReceiveRatio: 0.3,
            autoScaling: true,
            vpcId: 'vpc-2',
            vSwitchIds: ['vsw-a', 'vsw-b'],
            securityGroupId: 'sg-1',
            internetBandwidthMbps: 20,
            ipAllowlist: ['203.0.113.0/24', '10.0.0.0/8'],
            tags: { team: 'orders', env: 'prod' },
          }),
        ),
    );
    expect(r.error).toBeUndefined();
    expect(r.providerErrors).toEqual([]);
    const instance = named(r, 'm-instance');
    expect(instance.inputs).toEqual({
      instanceName: 'orders-prod',
      serviceCode: 'rmq',
      seriesCode: 'professional',
      subSeriesCode: 'cluster_ha',
      paymentType: 'Subscription',
      period: 12,
      periodUnit: 'Month',
      autoRenew: true,
      autoRenewPeriod: 1,
      autoRenewPeriodUnit: 'Year',
      productInfo: {
        msgProcessSpec: 'rmq.p2.4xlarge',
        messageRetentionTime: 72,
        sendReceiveRatio: 0.3,
        autoScaling: true,
      },
      networkInfo: {
        vpcInfo: {
          vpcId: 'vpc-2',
          vswitches: [{ vswitchId: 'vsw-a' }, { vswitchId: 'vsw-b' }],
          securityGroupIds: 'sg-1',
        },
        internetInfo: { internetSpec: 'enable', flowOutType: 'payByBandwidth', flowOutBandwidth: 20 },
      },
      ipWhitelists: ['203.0.113.0/24', '10.0.0.0/8'],
      aclInfo: { aclTypes: ['apache_acl'], defaultVpcAuthFree: false },
      tags: { team: 'orders', env: 'prod' },
    });
    expect({ protect: instance.protect, retainOnDelete: instance.retainOnDelete }).toEqual({
      protect: true,
      retainOnDelete: true,
    });
    // Read back: the service's 0.0.0.0/0 first, then the configured entries (removed only by a later update).
    expect(await valueOf(r.result!.ipAllowlist)).toEqual(['0.0.0.0/0', '203.0.113.0/24', '10.0.0.0/8']);
  });

  test('a serverless instance sends the serverless commodity code, which the service requires', async () => {
    const r = await run(
      () =>
        new RocketMqMessaging(
          'm',
          args({ instanceName: 'orders-sl', subSeriesCode: 'serverless', vSwitchIds: ['vsw-a', 'vsw-b'] }),
        ),
    );
    expect(r.error).toBeUndefined();
    expect(r.providerErrors).toEqual([]);
    const inputs = named(r, 'm-instance').inputs;
    expect({ subSeriesCode: inputs.subSeriesCode, commodityCode: inputs.commodityCode }).toEqual({
      subSeriesCode: 'serverless',
      commodityCode: 'ons_rmqsrvlesspost_public_cn',
    });
  });
});

describe('topics and consumer groups', () => {
  test('registers each on the instance with its defaults filled in, as children of the component', async () => {
    const r = await run(
      () =>
        new RocketMqMessaging(
          'm',
          args(
            {},
            {
              topics: [
                { name: 'orders' },
                { name: 'orders-fifo', messageType: 'FIFO', maxSendTps: 500, remark: 'ordered' },
                { name: 'orders-dlq' },
              ],
              consumerGroups: [
                { id: 'fulfilment', deadLetterTopic: 'orders-dlq' },
                {
                  id: 'ledger',
                  deliveryOrderType: 'Orderly',
                  maxRetryTimes: 5,
                  maxReceiveTps: 100,
                  remark: 'in order',
                },
              ],
            },
          ),
        ),
    );
    expect(r.error).toBeUndefined();
    const id = 'rmq-cn-faketest0000';
    // Registration order follows the outputs each waits on: compared by name.
    const topics = byName(r.resources.filter((x) => x.type === TYPE.topic));
    expect(topics.map((t) => [t.name, t.parent, t.inputs])).toEqual([
      ['m-topic-orders', 'm', { instanceId: id, topicName: 'orders', messageType: 'NORMAL' }],
      ['m-topic-orders-dlq', 'm', { instanceId: id, topicName: 'orders-dlq', messageType: 'NORMAL' }],
      [
        'm-topic-orders-fifo',
        'm',
        { instanceId: id, topicName: 'orders-fifo', messageType: 'FIFO', maxSendTps: 500, remark: 'ordered' },
      ],
    ]);
    const groups = byName(r.resources.filter((x) => x.type === TYPE.group));
    expect(groups.map((g) => [g.name, g.parent, g.inputs])).toEqual([
      [
        'm-group-fulfilment',
        'm',
        {
          instanceId: id,
          consumerGroupId: 'fulfilment',
          deliveryOrderType: 'Concurrently',
          // Concurrently: exponential backoff; 16 deliveries by default; the dead-letter topic's own output.
          consumeRetryPolicy: {
            retryPolicy: 'DefaultRetryPolicy',
            maxRetryTimes: 16,
            deadLetterTargetTopic: 'orders-dlq',
          },
        },
      ],
      [
        'm-group-ledger',
        'm',
        {
          instanceId: id,
          consumerGroupId: 'ledger',
          deliveryOrderType: 'Orderly',
          consumeRetryPolicy: { retryPolicy: 'FixedRetryPolicy', maxRetryTimes: 5 },
          maxReceiveTps: 100,
          remark: 'in order',
        },
      ],
    ]);
    const m = r.result!;
    expect(Object.keys(m.topics)).toEqual(['orders', 'orders-fifo', 'orders-dlq']);
    expect(Object.keys(m.consumerGroups)).toEqual(['fulfilment', 'ledger']);
  });

  test('a group without a dead-letter topic gets none, even beside a topic named "undefined"', async () => {
    // The topics are looked up by name: an unset deadLetterTopic must not find the key "undefined".
    const r = await run(
      () =>
        new RocketMqMessaging(
          'm',
          args({}, { topics: [{ name: 'undefined' }], consumerGroups: [{ id: 'g' }] }),
        ),
    );
    expect(r.error).toBeUndefined();
    expect(named(r, 'm-group-g').inputs.consumeRetryPolicy).toEqual({
      retryPolicy: 'DefaultRetryPolicy',
      maxRetryTimes: 16,
    });
  });
});

describe('lifecycle options', () => {
  const rest = { topics: [{ name: 'orders' }], consumerGroups: [{ id: 'g' }] };
  const lifecycle = (r: Run<unknown>) =>
    byName(r.resources).map((x) => [x.name, { protect: x.protect, retainOnDelete: x.retainOnDelete }]);

  test('retains the instance, its topics and its groups, and protects none of a pay-as-you-go instance', async () => {
    const r = await run(() => new RocketMqMessaging('m', args({}, rest)));
    expect(r.error).toBeUndefined();
    expect(lifecycle(r)).toEqual([
      ['m', { protect: false, retainOnDelete: false }],
      ['m-group-g', { protect: false, retainOnDelete: true }],
      ['m-instance', { protect: false, retainOnDelete: true }],
      ['m-topic-orders', { protect: false, retainOnDelete: true }],
    ]);
  });

  test('protect on the component protects every child, the pay-as-you-go instance included', async () => {
    const r = await run(() => new RocketMqMessaging('m', args({}, rest), { protect: true }));
    expect(r.error).toBeUndefined();
    expect(lifecycle(r)).toEqual([
      ['m', { protect: true, retainOnDelete: false }],
      ['m-group-g', { protect: true, retainOnDelete: true }],
      ['m-instance', { protect: true, retainOnDelete: true }],
      ['m-topic-orders', { protect: true, retainOnDelete: true }],
    ]);
  });
});

describe('module-level constants (loaded inside the test)', () => {
  test('the service names, the patterns of ids and endpoints, and the allowlist entry', () => {
    const fresh = freshModule(() => require('../../constructs/cloud/rocket-mq-messaging') as Module); // eslint-disable-line @typescript-eslint/no-require-imports -- see freshModule
    // Source: the comments beside each constant in constructs/cloud/rocket-mq-messaging.ts.
    expect({
      service: fresh.ROCKETMQ_SERVICE_CODE,
      vpc: fresh.VPC_ENDPOINT_TYPE,
      acl: fresh.APACHE_ACL,
      serverless: fresh.SERVERLESS_COMMODITY_CODE,
      open: fresh.OPEN_ALLOWLIST_ENTRY,
      port: fresh.DEFAULT_ENDPOINT_PORT,
    }).toEqual({
      service: 'rmq',
      vpc: 'TCP_VPC',
      acl: 'apache_acl',
      serverless: 'ons_rmqsrvlesspost_public_cn',
      open: '0.0.0.0/0',
      port: 8080,
    });
    const existing = (id: string) =>
      fresh.rocketMqMessagingViolations({ existingInstanceId: id, topics: [], consumerGroups: [] });
    expect(['rmq-cn-abc1', 'rmq-cn-a'].map(existing)).toEqual([[], []]);
    expect(['xrmq-cn-abc1', 'rmq-cn-abc1!', 'rmq-cn-', 'rmq-cn-ABC'].map(existing)).toEqual(
      ['xrmq-cn-abc1', 'rmq-cn-abc1!', 'rmq-cn-', 'rmq-cn-ABC'].map((id) => [
        `existingInstanceId ("${id}") must look like rmq-cn-xxxxxxxx`,
      ]),
    );
    expect(['h:1', 'host.example:8080', 'host.example:65535'].map(fresh.normalizeEndpoint)).toEqual([
      'h:1',
      'host.example:8080',
      'host.example:65535',
    ]);
    for (const bad of ['a b:8080', 'host.example:8080x', 'host.example:123456', 'x host.example:8080']) {
      expect(() => fresh.normalizeEndpoint(bad)).toThrow(`RocketMQ endpoint "${bad}" is not host[:port]`);
    }
    expect(fresh.vpcEndpointOf('rmq-cn-x', [{ endpointType: 'TCP_VPC', endpointUrl: 'vpc.example' }])).toBe(
      'vpc.example:8080',
    );
    expect(fresh.rocketMqMessagingViolations(args({ ipAllowlist: ['0.0.0.0/0'] }))).toEqual([
      'instance.ipAllowlist must not hold 0.0.0.0/0: it admits every address',
    ]);
  });
});
