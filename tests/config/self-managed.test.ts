/**
 * The self-managed broker flavor of a stack file (issue 27): its own keys and rules, and a clear refusal, naming
 * the key and the rule, of every key of the other flavor. Expected messages are written out by hand.
 */
import {
  APSARAMQ_ONLY_KEYS,
  brokerFlavor,
  EnvironmentSpecError,
  loadEnvironment,
  parseEnvironment,
  SELF_MANAGED_ONLY_KEYS,
} from '../../infra/config/environment';
import { type Config, section, stackConfig, violationsOf } from './helpers';

const ENV = 'selfhosted';
const asSelfManaged = (config: Config): void => {
  config['apsaramq-keda:broker'] = 'self-managed';
};

describe('the self-managed flavor', () => {
  test('the committed selfhosted file loads as broker self-managed, with the exporter label by default', () => {
    const spec = loadEnvironment(ENV);
    expect(spec.broker).toBe('self-managed');
    if (spec.broker !== 'self-managed') throw new Error('unreachable');
    expect(spec.selfManaged).toEqual({
      proxyEndpoint: 'rocketmq-proxy.rocketmq.svc:8081',
      nameServer: 'rocketmq-namesrv.rocketmq.svc:9876',
      brokerCluster: 'DefaultCluster',
      clusterLabel: 'cluster',
      adminSecretName: 'rocketmq-admin',
      toolsImage: 'apache/rocketmq:5.3.3',
    });
    expect(spec.prometheus).toEqual({
      serverAddress: 'http://prometheus-operated.monitoring.svc:9090',
      auth: 'none',
    });
    expect(Object.keys(spec)).not.toEqual(expect.arrayContaining(['region']));
    expect(Object.keys(spec)).not.toEqual(expect.arrayContaining(['instance']));
  });

  test('brokerCluster, clusterLabel, adminSecretName and toolsImage take their defaults when absent', () => {
    const spec = (() => {
      const c = stackConfig(ENV);
      const sm = section(c, 'selfManaged');
      delete sm.brokerCluster;
      delete sm.clusterLabel;
      delete sm.adminSecretName;
      return parseEnvironment(ENV, c);
    })();
    if (spec.broker !== 'self-managed') throw new Error('unreachable');
    expect(spec.selfManaged.brokerCluster).toBe('DefaultCluster');
    expect(spec.selfManaged.clusterLabel).toBe('cluster');
    expect(spec.selfManaged.adminSecretName).toBe('rocketmq-admin');
  });

  test.each<[string, (c: Config) => void, string]>([
    [
      'alicloud:region',
      (c) => (c['alicloud:region'] = 'cn-hangzhou'),
      'alicloud:region: is the Alibaba Cloud region, a key of broker apsaramq; this file is broker self-managed, whose rules have no region: remove it (the broker is yours, in no region of ours)',
    ],
    [
      'instance',
      (c) => (c['apsaramq-keda:instance'] = { existingInstanceId: 'rmq-cn-fake0000001' }),
      'instance: is the ApsaraMQ instance Pulumi creates or adopts, a key of broker apsaramq; this file is broker self-managed, whose rules have no such key: remove it (the broker is yours: describe it under selfManaged (proxyEndpoint, nameServer, brokerCluster))',
    ],
    [
      'prometheus.instanceId',
      (c) => (section(c, 'prometheus').instanceId = 'c0fake'),
      'prometheus.instanceId: is the ARMS Prometheus instance looked up, a key of broker apsaramq; this file is broker self-managed, whose rules have no such key: remove it (set prometheus.serverAddress to the in-cluster Prometheus)',
    ],
    [
      'topics[].remark',
      (c) => (section(c, 'topics')[0].remark = 'invoices'),
      'topics[0].remark: is a remark in the ApsaraMQ console, a key of broker apsaramq; this file is broker self-managed, whose rules have no such key: remove it (the self-managed broker has no such setting)',
    ],
    [
      'topics[].maxSendTps (a serverless limit)',
      (c) => (section(c, 'topics')[0].maxSendTps = 500),
      "topics[0].maxSendTps: is the serverless instance's TPS check, a key of broker apsaramq; this file is broker self-managed, whose rules have no such key: remove it (the self-managed broker has no such setting)",
    ],
    [
      'consumerGroups[].deadLetterTopic',
      (c) => (section(c, 'consumerGroups')[0].deadLetterTopic = 'invoices'),
      'consumerGroups[0].deadLetterTopic: is an ApsaraMQ dead-letter topic, a key of broker apsaramq; this file is broker self-managed, whose rules have no such key: remove it (the broker moves exhausted messages to %DLQ%<group> itself)',
    ],
    [
      'kubernetes.ackClusterId',
      (c) => (section(c, 'kubernetes').ackClusterId = 'c0fakedev00000000000000000000000dd'),
      'kubernetes.ackClusterId: is the ACK cluster the ack-keda add-on is installed on, a key of broker apsaramq; this file is broker self-managed, whose rules have no such key: remove it (KEDA is yours to install; Pulumi creates no Alibaba Cloud resource)',
    ],
    [
      'alerts.broker.armsPrometheusId',
      (c) => (c['apsaramq-keda:alerts'] = { broker: { armsPrometheusId: 'c0fake' } }),
      "alerts.broker.armsPrometheusId: is the ARMS Prometheus instance the broker-side rules go on, a key of broker apsaramq; this file is broker self-managed, whose rules have no such key: remove it (the broker-side rules go into dist/<env>/'s PrometheusRule, beside KEDA's, for the in-cluster Prometheus)",
    ],
    [
      'alerts.broker.dispatchRuleId',
      (c) => (c['apsaramq-keda:alerts'] = { broker: { dispatchRuleId: '12345' } }),
      'alerts.broker.dispatchRuleId: is the ARMS notification policy of the broker-side rules, a key of broker apsaramq; this file is broker self-managed, whose rules have no such key: remove it (the in-cluster Prometheus notifies through its Alertmanager)',
    ],
  ])('an ApsaraMQ key in a self-managed file is refused by name: %s', (_, edit, message) => {
    expect(violationsOf(ENV, edit)).toEqual([message]);
  });

  test.each<[string, (c: Config) => void, string]>([
    [
      'selfManaged',
      (c) => (c['apsaramq-keda:selfManaged'] = { proxyEndpoint: 'a:1', nameServer: 'b:2' }),
      'selfManaged: is the self-managed broker, a key of broker self-managed; this file is broker apsaramq (the default): remove it, or set apsaramq-keda:broker: self-managed',
    ],
    [
      'prometheus.username',
      (c) => (section(c, 'prometheus').username = 'keda'),
      'prometheus.username: is the basic-auth user of an in-cluster Prometheus, a key of broker self-managed; this file is broker apsaramq (the default): remove it, or set apsaramq-keda:broker: self-managed',
    ],
  ])('a self-managed key in an ApsaraMQ file is refused by name: %s', (_, edit, message) => {
    expect(violationsOf('dev', edit)).toEqual([message]);
  });

  test('an ARMS auth on a self-managed Prometheus names both flavors', () => {
    expect(violationsOf(ENV, (c) => (section(c, 'prometheus').auth = 'token'))).toEqual([
      'prometheus.auth: ("token") is an ARMS auth of broker apsaramq; a self-managed Prometheus takes none, bearer (the secret prometheusToken) or basic (username and the secret prometheusPassword)',
    ]);
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    ['basic without a username', { auth: 'basic' }, ['prometheus.username: is required with auth basic']],
    [
      'a username with bearer',
      { auth: 'bearer', username: 'keda' },
      ['prometheus.username: applies to auth basic only, not bearer'],
    ],
    [
      'the query path in serverAddress',
      { serverAddress: 'http://prometheus:9090/api/v1/query' },
      ['prometheus.serverAddress: must be the base URL: KEDA appends /api/v1/query itself'],
    ],
  ])('in-cluster Prometheus rules: %s', (_, edit, expected) => {
    expect(violationsOf(ENV, (c) => Object.assign(section(c, 'prometheus'), edit))).toEqual(expected);
  });

  test('basic with a username is accepted', () => {
    expect(
      violationsOf(ENV, (c) => Object.assign(section(c, 'prometheus'), { auth: 'basic', username: 'keda' })),
    ).toEqual([]);
  });

  test('a self-managed file without selfManaged needs it, and needs no region or instance', () => {
    expect(violationsOf(ENV, (c) => delete c['apsaramq-keda:selfManaged'])).toEqual([
      'apsaramq-keda:selfManaged: is required',
    ]);
  });

  test('an ApsaraMQ file still needs its region (the default flavor is unchanged)', () => {
    expect(violationsOf('dev', (c) => delete c['alicloud:region'])).toEqual([
      'alicloud:region: is required: the region of the environment, such as cn-hangzhou',
    ]);
  });

  test('a broker that is no flavor is refused, with the flavors', () => {
    expect(brokerFlavor('aliyun')).toEqual({ error: '("aliyun") must be apsaramq or self-managed' });
    expect(violationsOf('dev', (c) => (c['apsaramq-keda:broker'] = 'aliyun'))).toEqual([
      'apsaramq-keda:broker: ("aliyun") must be apsaramq or self-managed',
    ]);
  });

  test('turning an ApsaraMQ file self-managed reports every ApsaraMQ key at once, and the missing selfManaged', () => {
    // dev has: alicloud:region, instance, prometheus.instanceId, kubernetes.ackClusterId, consumerGroups[0].deadLetterTopic,
    // and its prometheus.auth is token.
    expect(violationsOf('dev', asSelfManaged)).toEqual([
      expect.stringMatching(/^alicloud:region: is the Alibaba Cloud region, a key of broker apsaramq;/),
      expect.stringMatching(/^instance: is the ApsaraMQ instance Pulumi creates or adopts/),
      expect.stringMatching(/^prometheus\.instanceId: is the ARMS Prometheus instance looked up/),
      expect.stringMatching(/^consumerGroups\[0\]\.deadLetterTopic: is an ApsaraMQ dead-letter topic/),
      expect.stringMatching(/^kubernetes\.ackClusterId: is the ACK cluster/),
      'apsaramq-keda:selfManaged: is required',
      'prometheus.serverAddress: is required (string)',
      expect.stringMatching(/^prometheus\.auth: \("token"\) is an ARMS auth of broker apsaramq/),
    ]);
  });

  test('the error names the stack file first', () => {
    const config = stackConfig(ENV);
    config['alicloud:region'] = 'cn-hangzhou';
    let caught: unknown;
    try {
      parseEnvironment(ENV, config, 'stacks/Pulumi.selfhosted.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EnvironmentSpecError);
    expect((caught as Error).message.split('\n')[0]).toBe(
      'stacks/Pulumi.selfhosted.yaml: environment "selfhosted" is invalid:',
    );
  });

  test('the two flavors own disjoint keys', () => {
    const names = (keys: readonly { path: readonly string[] }[]) => keys.map((k) => k.path.join('.'));
    const apsaramq = names(APSARAMQ_ONLY_KEYS);
    expect(names(SELF_MANAGED_ONLY_KEYS).filter((k) => apsaramq.includes(k))).toEqual([]);
  });
});
