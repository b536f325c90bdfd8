import { apsaraMqHandoff } from '../../infra/config/handoff';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { type StackOutputs, apsaraMqKedaStack } from '../../infra/pulumi/program';
import { isExistingInstance, loadEnvironment } from '../../infra/config/environment';
import { extractHandoff, renderHandoff } from '../../infra/outputs/cli';
import { listEnvironments } from '../../infra/config/environment';
import {
  ALL_CANARIES,
  ARMS_LOOKUP,
  CANARY,
  ADDONS_LOOKUP,
  CLUSTER_CREDENTIAL,
  DEFAULT_IP_WHITELIST,
  type RecordedResource,
  rowFor,
  type Run,
  STACKS_DIR,
  stackOutputJson,
  stackRuntime,
  stringsIn,
  runWithMocks,
  valueOf,
} from './harness';
import { PINNED_ACK_KEDA_VERSION } from '../../infra/config/limits';
import { TYPE } from './types';

/** Every environment with a stack file: the generic tests run on each, a new one included. */
const ENVIRONMENTS = listEnvironments();
/** Hand-worked expectations exist for these committed environments; a table row of another env is an error. */
type Env = string;

const line = (type: string, name: string, parent?: string) => `${type} ${name} <- ${parent ?? '(stack)'}`;
/** The broker-side ARMS rules of one workload (alerts.broker on), under the BrokerAlertRules component. */
const brokerAlerts = (workload: string) =>
  [
    'rocketmq-backlog-beyond-capacity',
    'rocketmq-consumption-delay',
    'rocketmq-dead-letters',
    'rocketmq-nobody-consuming',
  ].map((rule) =>
    line('alicloud:arms/prometheusAlertRule:PrometheusAlertRule', `alerts-${workload}-${rule}`, 'alerts'),
  );
const consumer = (workload: string) => [
  line(TYPE.password, `consumers-${workload}-password`, 'consumers'),
  line(TYPE.account, `consumers-${workload}-account`, 'consumers'),
  line(TYPE.acl, `consumers-${workload}-topic-acl`, 'consumers'),
  line(TYPE.acl, `consumers-${workload}-group-acl`, 'consumers'),
];

/** The exact resources of each committed stack, with their parents. */
const EXPECTED_RESOURCES: Record<Env, string[]> = {
  dev: [
    line(TYPE.messaging, 'messaging'),
    line(TYPE.instance, 'messaging-instance', 'messaging'),
    line(TYPE.topic, 'messaging-topic-orders', 'messaging'),
    line(TYPE.topic, 'messaging-topic-orders-dlq', 'messaging'),
    line(TYPE.group, 'messaging-group-order-fulfilment', 'messaging'),
    line(TYPE.consumerAccess, 'consumers'),
    ...consumer('order-fulfilment'),
    line(TYPE.prometheusAccess, 'prometheus'),
    line(TYPE.clusterSecrets, 'cluster-secrets'),
    line(TYPE.k8sProvider, 'cluster-secrets-cluster', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-prometheus-auth', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-order-fulfilment-credentials', 'cluster-secrets'),
    line(TYPE.kedaAddon, 'keda'),
    line(TYPE.addon, 'keda-addon', 'keda'),
    // Issue 26: the broker-side rules on prometheus.instanceId.
    line('apsaramq-keda:cloud:BrokerAlertRules', 'alerts'),
    ...brokerAlerts('order-fulfilment'),
    // The stack's producer (issue 10): an account with Pub on its topic, and its Secret.
    line('apsaramq-keda:cloud:ProducerAccess', 'producers'),
    line(TYPE.password, 'producers-order-load-password', 'producers'),
    line(TYPE.account, 'producers-order-load-account', 'producers'),
    line(TYPE.acl, 'producers-order-load-topic-acl', 'producers'),
    line(TYPE.k8sSecret, 'cluster-secrets-order-load-credentials', 'cluster-secrets'),
  ],
  staging: [
    line(TYPE.messaging, 'messaging'),
    line(TYPE.instance, 'messaging-instance', 'messaging'),
    line(TYPE.topic, 'messaging-topic-orders', 'messaging'),
    line(TYPE.topic, 'messaging-topic-order-events', 'messaging'),
    line(TYPE.group, 'messaging-group-order-fulfilment', 'messaging'),
    line(TYPE.group, 'messaging-group-legacy-billing', 'messaging'),
    line(TYPE.consumerAccess, 'consumers'),
    ...consumer('order-fulfilment'),
    ...consumer('legacy-billing'),
    line(TYPE.prometheusAccess, 'prometheus'),
    line(TYPE.metricsReader, 'metrics-reader'),
    line(TYPE.ramUser, 'metrics-reader-user', 'metrics-reader'),
    line(TYPE.ramAttachment, 'metrics-reader-policy', 'metrics-reader'),
    line(TYPE.ramAccessKey, 'metrics-reader-key', 'metrics-reader'),
    line(TYPE.clusterSecrets, 'cluster-secrets'),
    line(TYPE.k8sProvider, 'cluster-secrets-cluster', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-prometheus-auth', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-order-fulfilment-credentials', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-legacy-billing-credentials', 'cluster-secrets'),
    line('apsaramq-keda:cloud:ProducerAccess', 'producers'),
    line(TYPE.password, 'producers-order-load-password', 'producers'),
    line(TYPE.account, 'producers-order-load-account', 'producers'),
    line(TYPE.acl, 'producers-order-load-topic-acl', 'producers'),
    line(TYPE.k8sSecret, 'cluster-secrets-order-load-credentials', 'cluster-secrets'),
  ],
  prod: [
    line(TYPE.messaging, 'messaging'),
    line(TYPE.instance, 'messaging-instance', 'messaging'),
    line(TYPE.topic, 'messaging-topic-orders', 'messaging'),
    line(TYPE.topic, 'messaging-topic-payments', 'messaging'),
    line(TYPE.topic, 'messaging-topic-orders-dlq', 'messaging'),
    line(TYPE.group, 'messaging-group-order-fulfilment', 'messaging'),
    line(TYPE.group, 'messaging-group-order-analytics', 'messaging'),
    line(TYPE.group, 'messaging-group-payment-ledger', 'messaging'),
    line(TYPE.consumerAccess, 'consumers'),
    ...consumer('order-fulfilment'),
    ...consumer('order-analytics'),
    ...consumer('payment-ledger'),
    line(TYPE.prometheusAccess, 'prometheus'),
    line(TYPE.clusterSecrets, 'cluster-secrets'),
    line(TYPE.k8sProvider, 'cluster-secrets-cluster', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-prometheus-auth', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-order-fulfilment-credentials', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-order-analytics-credentials', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-payment-ledger-credentials', 'cluster-secrets'),
    line(TYPE.kedaAddon, 'keda'),
    line(TYPE.addon, 'keda-addon', 'keda'),
    // Issue 26: the broker-side rules on prometheus.instanceId.
    line('apsaramq-keda:cloud:BrokerAlertRules', 'alerts'),
    ...brokerAlerts('order-fulfilment'),
    ...brokerAlerts('order-analytics'),
    ...brokerAlerts('payment-ledger'),
  ],
};

const EXPECTED_INSTANCE: Record<Env, Record<string, unknown>> = {
  dev: {
    instanceName: 'orders_dev',
    serviceCode: 'rmq',
    seriesCode: 'standard',
    subSeriesCode: 'serverless',
    paymentType: 'PayAsYouGo',
    // Source: resource_alicloud_rocketmq_instance_test.go TestAccAliCloudRocketmqInstance_basic6747 (serverless).
    commodityCode: 'ons_rmqsrvlesspost_public_cn',
    productInfo: { msgProcessSpec: 'rmq.s3.nxlarge', messageRetentionTime: 24 },
    networkInfo: {
      vpcInfo: {
        vpcId: 'vpc-bp1fakedev0000000000',
        vswitches: [{ vswitchId: 'vsw-bp1fakedev00000000h' }, { vswitchId: 'vsw-bp1fakedev00000000i' }],
      },
      internetInfo: { internetSpec: 'disable', flowOutType: 'uninvolved' },
    },
    aclInfo: { aclTypes: ['apache_acl'], defaultVpcAuthFree: false },
    tags: { env: 'dev', owner: 'platform' },
  },
  staging: {
    instanceName: 'orders_staging',
    serviceCode: 'rmq',
    seriesCode: 'standard',
    subSeriesCode: 'cluster_ha',
    paymentType: 'PayAsYouGo',
    productInfo: { msgProcessSpec: 'rmq.s2.2xlarge', messageRetentionTime: 72, sendReceiveRatio: 0.3 },
    networkInfo: {
      vpcInfo: {
        vpcId: 'vpc-uf6fakestaging0000000',
        vswitches: [{ vswitchId: 'vsw-uf6fakestaging00000e' }, { vswitchId: 'vsw-uf6fakestaging00000f' }],
      },
      internetInfo: { internetSpec: 'enable', flowOutType: 'payByBandwidth', flowOutBandwidth: 5 },
    },
    ipWhitelists: ['203.0.113.0/24', '10.20.0.0/16'],
    aclInfo: { aclTypes: ['apache_acl'], defaultVpcAuthFree: false },
    tags: { env: 'staging', owner: 'platform' },
  },
  prod: {
    instanceName: 'orders_prod',
    serviceCode: 'rmq',
    seriesCode: 'professional',
    subSeriesCode: 'cluster_ha',
    paymentType: 'Subscription',
    period: 1,
    periodUnit: 'Year',
    autoRenew: true,
    autoRenewPeriod: 1,
    autoRenewPeriodUnit: 'Year',
    productInfo: {
      msgProcessSpec: 'rmq.p2.4xlarge',
      messageRetentionTime: 168,
      sendReceiveRatio: 0.5,
      autoScaling: true,
    },
    networkInfo: {
      vpcInfo: {
        vpcId: 'vpc-bp1fakeprod00000000000',
        vswitches: [
          { vswitchId: 'vsw-bp1fakeprod0000000h' },
          { vswitchId: 'vsw-bp1fakeprod0000000i' },
          { vswitchId: 'vsw-bp1fakeprod0000000j' },
        ],
      },
      internetInfo: { internetSpec: 'disable', flowOutType: 'uninvolved' },
    },
    aclInfo: { aclTypes: ['apache_acl'], defaultVpcAuthFree: false },
    tags: { env: 'prod', owner: 'platform', 'cost-center': 'orders' },
  },
};

/** [topic, messageType, maxSendTps] per stack. */
const EXPECTED_TOPICS: Record<Env, [string, string, number | undefined][]> = {
  dev: [
    ['orders', 'NORMAL', undefined],
    ['orders-dlq', 'NORMAL', undefined],
  ],
  staging: [
    ['orders', 'NORMAL', undefined],
    ['order-events', 'NORMAL', undefined],
  ],
  prod: [
    ['orders', 'NORMAL', 2000],
    ['payments', 'FIFO', undefined],
    ['orders-dlq', 'NORMAL', undefined],
  ],
};

/** [group, deliveryOrderType, retryPolicy, maxRetryTimes, dead-letter topic] per stack. */
const EXPECTED_GROUPS: Record<Env, [string, string, string, number, string | undefined][]> = {
  dev: [['order-fulfilment', 'Concurrently', 'DefaultRetryPolicy', 16, 'orders-dlq']],
  staging: [
    ['order-fulfilment', 'Concurrently', 'DefaultRetryPolicy', 16, undefined],
    ['legacy-billing', 'Concurrently', 'DefaultRetryPolicy', 8, undefined],
  ],
  prod: [
    ['order-fulfilment', 'Concurrently', 'DefaultRetryPolicy', 16, 'orders-dlq'],
    ['order-analytics', 'Concurrently', 'DefaultRetryPolicy', 3, undefined],
    ['payment-ledger', 'Orderly', 'FixedRetryPolicy', 32, undefined],
  ],
};

/** [workload, topic, group] per stack. */
const EXPECTED_WORKLOADS: Record<Env, [string, string, string][]> = {
  dev: [['order-fulfilment', 'orders', 'order-fulfilment']],
  staging: [
    ['order-fulfilment', 'orders', 'order-fulfilment'],
    ['legacy-billing', 'order-events', 'legacy-billing'],
  ],
  prod: [
    ['order-fulfilment', 'orders', 'order-fulfilment'],
    ['order-analytics', 'orders', 'order-analytics'],
    ['payment-ledger', 'payments', 'payment-ledger'],
  ],
};

const INSTANCE_ID: Record<Env, string> = {
  dev: 'rmq-cn-fakedev0000',
  staging: 'rmq-cn-fakestaging0000',
  prod: 'rmq-cn-fakeprod0000',
};
const NAMESPACE: Record<Env, string> = { dev: 'orders-dev', staging: 'orders-staging', prod: 'orders-prod' };
const REGION: Record<Env, string> = { dev: 'cn-hangzhou', staging: 'cn-shanghai', prod: 'cn-hangzhou' };
/** Where each stack's Secrets go: the ACK cluster's own credential, or the configured kubeconfig. */
const KUBECONFIG: Record<Env, string> = {
  dev: `${CANARY.clusterKubeconfig}-c0fakedev00000000000000000000000dd`,
  staging: CANARY.kubeconfig,
  prod: `${CANARY.clusterKubeconfig}-c0fakeprod0000000000000000000000pp`,
};

/** RAM: only staging (accessKey auth, ARMS V2 basic) has a metrics reader with a key. */
const STAGING_READER = 'apsaramq-keda-staging-metrics-reader';
const NO_RAM = { users: [], attachments: [], keys: [] };
const EXPECTED_RAM: Record<
  Env,
  {
    users: { resource: string; name: string }[];
    attachments: Record<string, string>[];
    keys: { resource: string; inputs: Record<string, string> }[];
  }
> = {
  dev: NO_RAM,
  staging: {
    users: [{ resource: 'metrics-reader-user', name: STAGING_READER }],
    attachments: [
      { userName: STAGING_READER, policyName: 'AliyunPrometheusMetricReadAccess', policyType: 'System' },
    ],
    keys: [{ resource: 'metrics-reader-key', inputs: { userName: STAGING_READER, status: 'Active' } }],
  },
  prod: NO_RAM,
};
/** The ARMS instance lookup: the stacks that name an ARMS instance id (dev, prod), with its details. */
const EXPECTED_ARMS_LOOKUPS: Record<Env, { ids: string[]; enableDetails: boolean }[]> = {
  dev: [{ ids: ['c0fakedev0000000000000000000000000'], enableDetails: true }],
  staging: [],
  prod: [{ ids: ['c0fakeprod000000000000000000000000'], enableDetails: true }],
};

function only(run: Run<unknown>, type: string, name: string): RecordedResource {
  const found = run.resources.filter((r) => r.type === type && r.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

function ofType(run: Run<unknown>, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** Paths under `value` whose string contains one of the canaries. */
function canaryPaths(value: unknown, at = ''): string[] {
  if (typeof value === 'string') return ALL_CANARIES.some((c) => value.includes(c)) ? [at] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    canaryPaths(v, at === '' ? k : `${at}.${k}`),
  );
}

const TABLES: Record<string, Readonly<Record<string, unknown>>> = {
  EXPECTED_RESOURCES,
  EXPECTED_INSTANCE,
  EXPECTED_TOPICS,
  EXPECTED_GROUPS,
  EXPECTED_WORKLOADS,
  INSTANCE_ID,
  NAMESPACE,
  KUBECONFIG,
  REGION,
  EXPECTED_RAM,
  EXPECTED_ARMS_LOOKUPS,
};

test('every table of hand-worked expectations names committed environments only', () => {
  for (const [name, table] of Object.entries(TABLES)) {
    expect({ name, stale: Object.keys(table).filter((env) => !ENVIRONMENTS.includes(env)) }).toEqual({
      name,
      stale: [],
    });
  }
  expect(() => rowFor({ nowhere: 1 }, 'dev', ENVIRONMENTS)).toThrow(
    'expectation rows for environments without a stack file: nowhere',
  );
});

/** The committed environments with hand-worked rows; a new environment runs the generic tests only. */
const HAND_WORKED = ENVIRONMENTS.filter((env) => rowFor(EXPECTED_RESOURCES, env, ENVIRONMENTS) !== undefined);

// Whether a stack installs ack-keda on an ACK cluster, from its stack file.
const GENERIC = ENVIRONMENTS.map((env) => ({
  env,
  installsAddon: loadEnvironment(env).kubernetes.ackClusterId !== undefined,
}));

describe.each(GENERIC)('stack $env (generic)', ({ env, installsAddon }) => {
  let run: Run<StackOutputs>;
  let outputs: StackOutputs;
  let warnings: string[];

  beforeAll(async () => {
    const { config, secretKeys } = stackRuntime(env);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      run = await runWithMocks(env, config, () => apsaraMqKedaStack(), { secretKeys });
      warnings = warn.mock.calls.map((c) => String(c[0]));
    } finally {
      warn.mockRestore();
    }
    // A failed run leaves nothing to check: every test of the block fails with this (the error is asserted below).
    if (run.error !== undefined)
      throw new Error(`${env}: the program failed under the mocks`, { cause: run.error });
    outputs = run.result as StackOutputs;
  });

  test('runs without an error and parents every cloud resource to a component of this project', () => {
    expect(run.error).toBeUndefined();
    expect(run.providerErrors).toEqual([]);
    for (const r of run.resources.filter((x) => x.custom)) {
      expect(r.parentType).toMatch(/^apsaramq-keda:cloud:/);
      expect(r.name.startsWith(`${r.parent}-`)).toBe(true);
    }
    for (const r of run.resources.filter((x) => !x.custom)) expect(r.parent).toBeUndefined();
  });

  test('writes every Kubernetes Secret through the explicit provider, never the ambient kubeconfig', () => {
    const secrets = ofType(run, TYPE.k8sSecret);
    const providers = ofType(run, TYPE.k8sProvider);
    if (secrets.length === 0) return;
    expect(providers).toHaveLength(1);
    for (const secret of secrets) expect(secret.provider).toBe(providers[0].name);
    expect(providers[0].secretInputs).toContain('kubeconfig');
    const addons = ofType(run, TYPE.addon);
    const credential = run.calls.filter((c) => c.token === CLUSTER_CREDENTIAL);
    expect(addons).toHaveLength(installsAddon ? 1 : 0);
    // With the add-on, the Secrets land on the cluster it is installed on; without, no ACK credential is asked.
    expect(credential.map((c) => c.inputs.clusterId)).toEqual(addons.map((a) => a.inputs.clusterId));
    expect(addons.map(() => providers[0].inputs.kubeconfig)).toEqual(
      addons.map((a) => `${CANARY.clusterKubeconfig}-${a.inputs.clusterId}`),
    );
  });

  test('keeps the ack-keda add-on on the cluster when the stack is destroyed', () => {
    for (const addon of ofType(run, TYPE.addon)) expect(addon.retainOnDelete).toBe(true);
  });

  test('protects a subscription instance and keeps every created instance when it leaves the program', () => {
    for (const instance of ofType(run, TYPE.instance).filter((r) => r.readId === undefined)) {
      expect(instance.retainOnDelete).toBe(true);
      expect(instance.protect).toBe(instance.inputs.paymentType === 'Subscription');
    }
  });

  test('protects every resource of a stack whose instance is a subscription, and none of another stack', () => {
    const spec = loadEnvironment(env);
    const subscription =
      spec.broker === 'apsaramq' &&
      !isExistingInstance(spec.instance) &&
      spec.instance.paymentType === 'Subscription';
    // A protected parent protects its children (@pulumi/pulumi resource.js: opts.protect from parent.__protect);
    // the engine refuses to delete any protected resource, so a destroy of such a stack deletes nothing.
    const unexpected = run.resources.filter((r) => r.protect !== subscription).map((r) => r.name);
    expect({ subscription, unexpected }).toEqual({ subscription, unexpected: [] });
  });

  test('keeps the instance, its topics and consumer groups and the add-on when they leave the program', () => {
    const kept: string[] = [TYPE.instance, TYPE.topic, TYPE.group, TYPE.addon];
    const wrong = run.resources
      .filter((r) => r.custom && r.readId === undefined && r.retainOnDelete !== kept.includes(r.type))
      .map((r) => `${r.name} retainOnDelete ${String(r.retainOnDelete)}`);
    expect(wrong).toEqual([]);
  });

  test('warns when the allowlist read back still holds the default 0.0.0.0/0 beside the configured one', () => {
    const instance = ofType(run, TYPE.instance).find((r) => r.readId === undefined);
    const configured = (instance?.inputs.ipWhitelists ?? []) as string[];
    const warned = warnings.filter((w) => w.includes(DEFAULT_IP_WHITELIST));
    expect(warned).toHaveLength(configured.length > 0 ? 1 : 0);
  });

  test('sends no accountStatus, so the provider makes no extra update call with the password in its query', () => {
    for (const account of ofType(run, TYPE.account)) expect(account.inputs.accountStatus).toBeUndefined();
  });

  test('sends no canary secret value to any resource as a plain input', () => {
    for (const r of run.resources) {
      const leaked = canaryPaths(r.inputs).filter(
        (p) => !r.secretInputs.some((s) => p === s || p.startsWith(`${s}.`)),
      );
      expect({ resource: r.name, leaked }).toEqual({ resource: r.name, leaked: [] });
    }
  });

  test('keeps every canary secret value out of the hand-off and of every plain output', async () => {
    const shown = await stackOutputJson({ ...outputs });
    expect(shown).toEqual({
      handoff: expect.any(Object) as unknown,
      prometheusAuth: '[secret]',
      rocketMqCredentials: '[secret]',
    });
    for (const text of stringsIn(shown)) {
      for (const canary of ALL_CANARIES) expect(text).not.toContain(canary);
    }
  });

  test('registers every password, key and token of a component as a secret output', () => {
    for (const component of run.componentOutputs) {
      const leaked = canaryPaths(component.values).filter(
        (p) => !component.secretOutputs.some((s) => p === s || p.startsWith(`${s}.`)),
      );
      expect({ component: component.name, leaked }).toEqual({ component: component.name, leaked: [] });
    }
  });
});

describe.each(HAND_WORKED)('stack %s', (env) => {
  let run: Run<StackOutputs>;
  let outputs: StackOutputs;

  beforeAll(async () => {
    const { config, secretKeys } = stackRuntime(env);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      run = await runWithMocks(env, config, () => apsaraMqKedaStack(), { secretKeys });
    } finally {
      warn.mockRestore();
    }
    // A failed run leaves nothing to check: every test of the block fails with this (the error is asserted below).
    if (run.error !== undefined)
      throw new Error(`${env}: the program failed under the mocks`, { cause: run.error });
    outputs = run.result as StackOutputs;
  });

  test('declares exactly the expected resources, each under its component', () => {
    const declared = run.resources.map((r) => line(r.type, r.name, r.parent)).sort();
    expect(declared).toEqual([...EXPECTED_RESOURCES[env]].sort());
  });

  test('creates the RocketMQ 5.x instance from the stack file, open-source ACL only', () => {
    const instance = only(run, TYPE.instance, 'messaging-instance');
    expect(instance.readId).toBeUndefined();
    expect(instance.inputs).toEqual(EXPECTED_INSTANCE[env]);
  });

  test('creates the topics and consumer groups on that instance (5.x resources only)', () => {
    const topics = ofType(run, TYPE.topic).map((t) => [
      t.inputs.topicName,
      t.inputs.messageType,
      t.inputs.maxSendTps,
    ]);
    expect(topics.sort()).toEqual([...EXPECTED_TOPICS[env]].sort());
    for (const t of ofType(run, TYPE.topic)) expect(t.inputs.instanceId).toBe(INSTANCE_ID[env]);

    const groups = ofType(run, TYPE.group).map((g) => [
      g.inputs.consumerGroupId,
      g.inputs.deliveryOrderType,
      g.inputs.consumeRetryPolicy.retryPolicy,
      g.inputs.consumeRetryPolicy.maxRetryTimes,
      g.inputs.consumeRetryPolicy.deadLetterTargetTopic,
    ]);
    expect(groups.sort()).toEqual([...EXPECTED_GROUPS[env]].sort());
    for (const g of ofType(run, TYPE.group)) expect(g.inputs.instanceId).toBe(INSTANCE_ID[env]);
    // A group with a dead-letter topic waits for that topic.
    const dlqOf = (g: RecordedResource) =>
      g.inputs.consumeRetryPolicy.deadLetterTargetTopic as string | undefined;
    const withDlq = ofType(run, TYPE.group).filter((g) => dlqOf(g) !== undefined);
    expect(withDlq.map((g) => g.dependsOn)).toEqual(
      withDlq.map((g) => expect.arrayContaining([`messaging-topic-${dlqOf(g)}`]) as unknown),
    );
    expect(run.resources.filter((r) => /^alicloud:rocketmq\/(instance|topic|group):/.test(r.type))).toEqual(
      [],
    );
  });

  test('gives each workload one ACL account whose password is generated and sent as a secret', () => {
    for (const [workload] of EXPECTED_WORKLOADS[env]) {
      const password = only(run, TYPE.password, `consumers-${workload}-password`);
      expect(password.inputs).toMatchObject({ length: 32, special: false });
      const account = only(run, TYPE.account, `consumers-${workload}-account`);
      expect(account.inputs).toEqual({
        instanceId: INSTANCE_ID[env],
        username: `${env}-${workload}`,
        password: `${CANARY.rocketMqPassword}-consumers-${workload}-password`,
      });
      expect(account.secretInputs).toEqual(['password']);
      expect(account.additionalSecretOutputs).toEqual(['password']);
    }
    expect(ofType(run, TYPE.account).filter((a) => a.parent === 'consumers')).toHaveLength(
      EXPECTED_WORKLOADS[env].length,
    );
  });

  test('grants each producer Pub on its own topic and nothing else', () => {
    const spec = loadEnvironment(env);
    const acls = ofType(run, TYPE.acl).filter((a) => a.parent === 'producers');
    expect(acls).toHaveLength(spec.producers.length);
    for (const p of spec.producers) {
      expect(only(run, TYPE.acl, `producers-${p.name}-topic-acl`).inputs).toEqual({
        instanceId: INSTANCE_ID[env],
        username: `${env}-${p.name}`,
        resourceType: 'Topic',
        resourceName: p.topic,
        actions: ['Pub'],
        decision: 'Allow',
      });
    }
  });

  test('grants each account Sub on its own topic and its own group, and nothing else', () => {
    const acls = ofType(run, TYPE.acl).filter((a) => a.parent === 'consumers');
    expect(acls).toHaveLength(2 * EXPECTED_WORKLOADS[env].length);
    for (const acl of acls) {
      expect(acl.inputs.actions).toEqual(['Sub']);
      expect(acl.inputs.decision).toBe('Allow');
      expect(acl.inputs.instanceId).toBe(INSTANCE_ID[env]);
    }
    for (const [workload, topic, group] of EXPECTED_WORKLOADS[env]) {
      const grants = acls
        .filter((a) => a.inputs.username === `${env}-${workload}`)
        .map((a) => `${a.inputs.resourceType}:${a.inputs.resourceName}`)
        .sort();
      expect(grants).toEqual([`Group:${group}`, `Topic:${topic}`]);
      expect(only(run, TYPE.acl, `consumers-${workload}-topic-acl`).dependsOn).toContain(
        `messaging-topic-${topic}`,
      );
      expect(only(run, TYPE.acl, `consumers-${workload}-group-acl`).dependsOn).toContain(
        `messaging-group-${group}`,
      );
    }
  });

  test('grants RAM nothing but AliyunPrometheusMetricReadAccess, and only where V2 basic auth needs a key', () => {
    const ram = EXPECTED_RAM[env];
    const ramTypes = run.resources.filter((r) => r.type.startsWith('alicloud:ram/')).map((r) => r.type);
    expect(ramTypes.sort()).toEqual(
      [
        ...ram.users.map(() => TYPE.ramUser),
        ...ram.attachments.map(() => TYPE.ramAttachment),
        ...ram.keys.map(() => TYPE.ramAccessKey),
      ].sort(),
    );
    expect(ofType(run, TYPE.ramAttachment).map((a) => a.inputs)).toEqual(ram.attachments);
    expect(ofType(run, TYPE.ramUser).map((u) => ({ resource: u.name, name: u.inputs.name }))).toEqual(
      ram.users,
    );
    const keys = ofType(run, TYPE.ramAccessKey);
    expect(keys.map((k) => ({ resource: k.name, inputs: k.inputs }))).toEqual(ram.keys);
    // The key secret is a secret output, and the key is made after its policy is attached.
    expect(keys.map((k) => k.additionalSecretOutputs)).toEqual(
      keys.map(() => expect.arrayContaining(['secret'])),
    );
    expect(keys.map((k) => k.dependsOn)).toEqual(
      keys.map(() => expect.arrayContaining(['metrics-reader-policy'])),
    );
    const everything = JSON.stringify(run.resources.map((r) => r.inputs));
    expect(everything).not.toMatch(/FullAccess/);
    expect(everything).not.toMatch(/"Action"\s*:\s*"\*"|"Resource"\s*:\s*"\*"/);
  });

  test('looks the ARMS Prometheus URL and token up only when the stack names an instance', () => {
    const arms = run.calls.filter((c) => c.token === ARMS_LOOKUP);
    expect(arms.map((c) => c.inputs)).toEqual(EXPECTED_ARMS_LOOKUPS[env]);
  });

  test('asks ACK for the credential of the add-on cluster, or uses the configured kubeconfig', () => {
    const provider = only(run, TYPE.k8sProvider, 'cluster-secrets-cluster');
    expect(provider.inputs.kubeconfig).toBe(KUBECONFIG[env]);
    expect(provider.secretInputs).toEqual(['kubeconfig']);
    const credential = run.calls.filter((c) => c.token === CLUSTER_CREDENTIAL).map((c) => c.inputs);
    expect(credential).toEqual(
      env === 'staging' ? [] : [{ clusterId: ofType(run, TYPE.addon)[0].inputs.clusterId }],
    );
    expect(
      run.calls
        .map((c) => c.token)
        .filter((t) => t !== ARMS_LOOKUP && t !== CLUSTER_CREDENTIAL && t !== ADDONS_LOOKUP),
    ).toEqual([]);
  });

  test('reads the ack-keda version the add-on cluster runs, so a preview can warn of a downgrade', () => {
    const lookups = run.calls.filter((c) => c.token === ADDONS_LOOKUP).map((c) => c.inputs);
    const clusters = ofType(run, TYPE.addon).map((a) => String(a.inputs.clusterId));
    expect(lookups).toEqual(clusters.map((id) => ({ clusterId: id, ids: [`${id}:ack-keda`] })));
    // staging names no ACK cluster: no add-on, no lookup.
    expect(lookups.length).toBe(env === 'staging' ? 0 : 1);
  });

  test('hands off the VPC endpoint the provider reads back for the instance', async () => {
    const handoff = apsaraMqHandoff(await valueOf(outputs.handoff));
    expect(handoff.instanceId).toBe(INSTANCE_ID[env]);
    expect(handoff.rocketMqEndpoint).toBe(`${INSTANCE_ID[env]}-vpc.${REGION[env]}.rmq.aliyuncs.com:8080`);
  });

  test('writes the Prometheus auth Secret and one credentials Secret per workload, contents as secrets', () => {
    const auth = only(run, TYPE.k8sSecret, 'cluster-secrets-prometheus-auth');
    expect(auth.inputs.metadata).toMatchObject({
      name: 'keda-arms-prometheus-auth',
      namespace: NAMESPACE[env],
    });
    expect(auth.inputs.stringData).toEqual(
      env === 'staging'
        ? { username: CANARY.accessKeyId, password: CANARY.accessKeySecret }
        : { customAuthHeader: 'Authorization', customAuthValue: CANARY.armsToken },
    );
    for (const [workload] of EXPECTED_WORKLOADS[env]) {
      const secret = only(run, TYPE.k8sSecret, `cluster-secrets-${workload}-credentials`);
      expect(secret.inputs.metadata).toMatchObject({
        name: `${workload}-rocketmq-credentials`,
        namespace: NAMESPACE[env],
        labels: { 'app.kubernetes.io/name': workload, 'app.kubernetes.io/managed-by': 'pulumi' },
      });
      expect(secret.inputs.stringData).toEqual({
        username: `${env}-${workload}`,
        password: `${CANARY.rocketMqPassword}-consumers-${workload}-password`,
      });
    }
    for (const secret of ofType(run, TYPE.k8sSecret)) {
      expect(secret.inputs.type).toBe('Opaque');
      expect(secret.secretInputs).toEqual(['stringData']);
      expect(secret.deleteBeforeReplace).toBe(true);
      expect(secret.provider).toBe('cluster-secrets-cluster');
    }
  });

  test('installs the ack-keda add-on exactly when the stack names an ACK cluster', () => {
    const addons = ofType(run, TYPE.addon).map((a) => a.inputs);
    const cluster = { dev: 'c0fakedev00000000000000000000000dd', prod: 'c0fakeprod0000000000000000000000pp' };
    // Every stack that installs the add-on pins its version (infra/config/limits.ts PINNED_ACK_KEDA_VERSION).
    expect(addons).toEqual(
      env === 'staging'
        ? []
        : [{ clusterId: cluster[env as 'dev' | 'prod'], name: 'ack-keda', version: PINNED_ACK_KEDA_VERSION }],
    );
    for (const addon of ofType(run, TYPE.addon)) expect(addon.retainOnDelete).toBe(true);
  });

  test('protects the instance exactly when it is a subscription, and retains it when it leaves the program', () => {
    const instance = only(run, TYPE.instance, 'messaging-instance');
    expect({ protect: instance.protect, retainOnDelete: instance.retainOnDelete }).toEqual({
      protect: env === 'prod',
      retainOnDelete: true,
    });
  });

  test('exports handoff in plain text and every credential only as a Pulumi secret', async () => {
    expect(await pulumi.isSecret(outputs.handoff)).toBe(false);
    expect(await pulumi.isSecret(outputs.prometheusAuth)).toBe(true);
    expect(await pulumi.isSecret(outputs.rocketMqCredentials)).toBe(true);
    const credentials = await valueOf(outputs.rocketMqCredentials);
    expect(Object.keys(credentials).sort()).toEqual(EXPECTED_WORKLOADS[env].map(([w]) => w).sort());
    expect(Object.keys(await valueOf(outputs.prometheusAuth)).sort()).toEqual(
      env === 'staging' ? ['password', 'username'] : ['customAuthHeader', 'customAuthValue'],
    );
  });

  test('registers every password, key and token of a component as a secret output', () => {
    const secretsOf = (type: string) => run.componentOutputs.find((c) => c.type === type)?.secretOutputs;
    expect(secretsOf(TYPE.consumerAccess)).toEqual(['credentials']);
    expect(secretsOf(TYPE.prometheusAccess)).toEqual(env === 'staging' ? [] : ['token']);
    expect(secretsOf(TYPE.metricsReader)).toEqual(
      env === 'staging' ? ['accessKeyId', 'accessKeySecret'] : undefined,
    );
    for (const component of run.componentOutputs) {
      const leaked = canaryPaths(component.values).filter(
        (p) => !component.secretOutputs.some((s) => p === s || p.startsWith(`${s}.`)),
      );
      expect({ component: component.name, leaked }).toEqual({ component: component.name, leaked: [] });
    }
  });

  test('hands off exactly the committed stacks/<env>.outputs.json, byte for byte', async () => {
    const shown = await stackOutputJson({ ...outputs });
    const rendered = renderHandoff(extractHandoff(env, shown, `mock ${env}`));
    expect(rendered).toBe(fs.readFileSync(path.join(STACKS_DIR, `${env}.outputs.json`), 'utf8'));
  });
});
