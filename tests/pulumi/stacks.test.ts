import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { type StackOutputs, apsaraMqKedaStack } from '../../infra/pulumi/program';
import { extractHandoff, renderHandoff } from '../../infra/outputs/cli';
import {
  ALL_CANARIES,
  ARMS_LOOKUP,
  CANARY,
  type RecordedResource,
  type Run,
  STACKS_DIR,
  stackFileConfig,
  stackOutputJson,
  stringsIn,
  toRuntimeConfig,
  runWithMocks,
  valueOf,
} from './harness';
import { TYPE } from './types';

type Env = 'dev' | 'staging' | 'prod';

const line = (type: string, name: string, parent?: string) => `${type} ${name} <- ${parent ?? '(stack)'}`;
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
    line(TYPE.k8sSecret, 'cluster-secrets-prometheus-auth', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-order-fulfilment-credentials', 'cluster-secrets'),
    line(TYPE.kedaAddon, 'keda'),
    line(TYPE.addon, 'keda-addon', 'keda'),
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
    line(TYPE.k8sSecret, 'cluster-secrets-prometheus-auth', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-order-fulfilment-credentials', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-legacy-billing-credentials', 'cluster-secrets'),
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
    line(TYPE.k8sSecret, 'cluster-secrets-prometheus-auth', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-order-fulfilment-credentials', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-order-analytics-credentials', 'cluster-secrets'),
    line(TYPE.k8sSecret, 'cluster-secrets-payment-ledger-credentials', 'cluster-secrets'),
    line(TYPE.kedaAddon, 'keda'),
    line(TYPE.addon, 'keda-addon', 'keda'),
  ],
};

const EXPECTED_INSTANCE: Record<Env, Record<string, unknown>> = {
  dev: {
    instanceName: 'orders-dev',
    serviceCode: 'rmq',
    seriesCode: 'standard',
    subSeriesCode: 'serverless',
    paymentType: 'PayAsYouGo',
    productInfo: { msgProcessSpec: 'rmq.s2.2xlarge', messageRetentionTime: 24 },
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
    instanceName: 'orders-staging',
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
    ipWhitelists: ['203.0.113.0/24'],
    aclInfo: { aclTypes: ['apache_acl'], defaultVpcAuthFree: false },
    tags: { env: 'staging', owner: 'platform' },
  },
  prod: {
    instanceName: 'orders-prod',
    serviceCode: 'rmq',
    seriesCode: 'professional',
    subSeriesCode: 'cluster_ha',
    paymentType: 'Subscription',
    period: 1,
    periodUnit: 'Year',
    autoRenew: true,
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

describe.each(['dev', 'staging', 'prod'] as const)('stack %s', (env) => {
  let run: Run<StackOutputs>;
  let outputs: StackOutputs;

  beforeAll(async () => {
    run = await runWithMocks(env, toRuntimeConfig(stackFileConfig(env)), () => apsaraMqKedaStack());
    if (run.error !== undefined) throw run.error as Error;
    outputs = run.result as StackOutputs;
  });

  test('declares exactly the expected resources, each under its component', () => {
    const declared = run.resources.map((r) => line(r.type, r.name, r.parent)).sort();
    expect(declared).toEqual([...EXPECTED_RESOURCES[env]].sort());
  });

  test('parents every cloud resource to a component of this project', () => {
    for (const r of run.resources.filter((x) => x.custom)) {
      expect(r.parentType).toMatch(/^apsaramq-keda:cloud:/);
      expect(r.name.startsWith(`${r.parent}-`)).toBe(true);
    }
    for (const r of run.resources.filter((x) => !x.custom)) expect(r.parent).toBeUndefined();
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
    for (const g of ofType(run, TYPE.group)) {
      expect(g.inputs.instanceId).toBe(INSTANCE_ID[env]);
      const dlq = g.inputs.consumeRetryPolicy.deadLetterTargetTopic as string | undefined;
      expect(g.dependsOn).toEqual(
        expect.arrayContaining(dlq === undefined ? [] : [`messaging-topic-${dlq}`]),
      );
    }
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
        accountStatus: 'ENABLE',
      });
      expect(account.secretInputs).toEqual(['password']);
      expect(account.additionalSecretOutputs).toEqual(['password']);
    }
    expect(ofType(run, TYPE.account)).toHaveLength(EXPECTED_WORKLOADS[env].length);
  });

  test('grants each account Sub on its own topic and its own group, and nothing else', () => {
    const acls = ofType(run, TYPE.acl);
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
    const user = `apsaramq-keda-${env}-metrics-reader`;
    const ram = run.resources.filter((r) => r.type.startsWith('alicloud:ram/'));
    const userInputs = expect.objectContaining({ name: user }) as unknown;
    const byType = (a: { type: string }, b: { type: string }) => a.type.localeCompare(b.type);
    // Only the V2 (AccessKey auth) stack, staging, has the RAM user, its one attachment and its key.
    const expected =
      env === 'staging'
        ? [
            {
              type: TYPE.ramAccessKey,
              name: 'metrics-reader-key',
              inputs: { userName: user, status: 'Active' },
            },
            {
              type: TYPE.ramAttachment,
              name: 'metrics-reader-policy',
              inputs: {
                userName: user,
                policyName: 'AliyunPrometheusMetricReadAccess',
                policyType: 'System',
              },
            },
            {
              type: TYPE.ramUser,
              name: 'metrics-reader-user',
              inputs: userInputs,
            },
          ].sort(byType)
        : [];
    expect(ram.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })).sort(byType)).toEqual(expected);
    const keys = ram.filter((r) => r.type === TYPE.ramAccessKey);
    expect(keys.filter((k) => !k.additionalSecretOutputs.includes('secret'))).toEqual([]);
    expect(keys.filter((k) => !k.dependsOn.includes('metrics-reader-policy'))).toEqual([]);
    const everything = JSON.stringify(run.resources.map((r) => r.inputs));
    expect(everything).not.toMatch(/FullAccess/);
    expect(everything).not.toMatch(/"Action"\s*:\s*"\*"|"Resource"\s*:\s*"\*"/);
  });

  test('looks the ARMS Prometheus URL and token up only when the stack names an instance', () => {
    const lookup = { dev: 'c0fakedev0000000000000000000000000', prod: 'c0fakeprod000000000000000000000000' };
    expect(run.calls.map((c) => ({ token: c.token, inputs: c.inputs }))).toEqual(
      env === 'staging' ? [] : [{ token: ARMS_LOOKUP, inputs: { ids: [lookup[env]], enableDetails: true } }],
    );
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
    }
  });

  test('installs the ack-keda add-on exactly when the stack names an ACK cluster', () => {
    const addons = ofType(run, TYPE.addon).map((a) => a.inputs);
    const cluster = { dev: 'c0fakedev00000000000000000000000dd', prod: 'c0fakeprod0000000000000000000000pp' };
    expect(addons).toEqual(env === 'staging' ? [] : [{ clusterId: cluster[env], name: 'ack-keda' }]);
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

  test('hands off exactly the committed stacks/<env>.outputs.json, byte for byte', async () => {
    const shown = await stackOutputJson({ ...outputs });
    const rendered = renderHandoff(extractHandoff(env, shown, `mock ${env}`));
    expect(rendered).toBe(fs.readFileSync(path.join(STACKS_DIR, `${env}.outputs.json`), 'utf8'));
  });
});
