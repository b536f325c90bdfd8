/**
 * Every rule of the environment loader (infra/config): the committed stack broken in one place is refused with
 * exactly one violation, its exact message; the boundary value right beside it is accepted.
 */
import { parseEnvironment } from '../../infra/config/environment';
import { section, stackConfig, violationsOf, type Config } from './helpers';

type Edit = (config: Config) => void;

const instance = (c: Config) => section(c, 'instance');
const workload = (c: Config, i: number) => section(c, 'workloads')[i];

/** [title, env, edit, the one violation]. */
const REFUSED: [string, string, Edit, string][] = [
  // Cross-field rules (infra/config/rules.ts), in the order the file checks them.
  // prod order-fulfilment has scaleOnDemand (drainSeconds 30, targetDrainSeconds 60).
  [
    'the demand trigger beside the arrival-rate trigger',
    'prod',
    (c) => (workload(c, 0).scaling.scaleOnArrivalRate = {}),
    'workloads[0].scaling.scaleOnArrivalRate must be unset with scaleOnDemand: the demand trigger already counts the arrival rate',
  ],
  [
    'the demand trigger with an activation threshold',
    'prod',
    (c) => (workload(c, 0).scaling.activationThreshold = 10),
    'workloads[0].scaling.activationThreshold (10) must be 0 with scaleOnDemand: any arrival is demand, and the threshold is in messages while the demand is in pods',
  ],
  [
    'the demand trigger draining the backlog slower than the target',
    'prod',
    (c) => (workload(c, 0).scaling.scaleOnDemand.drainSeconds = 61),
    'workloads[0].scaling.scaleOnDemand.drainSeconds (61) must be <= targetDrainSeconds (60)',
  ],
  [
    'a serverless instance with one vSwitch',
    'dev',
    (c) => (instance(c).network.vSwitchIds = ['vsw-a']),
    'instance.network.vSwitchIds has 1 entry; a serverless instance needs at least 2 vSwitches',
  ],
  [
    'serverless on the professional series',
    'dev',
    (c) => (instance(c).seriesCode = 'professional'),
    'instance.subSeriesCode (serverless) is offered for the standard series only, not professional',
  ],
  [
    // Issue 12: the provider's acceptance tests and the CreateInstance doc offer serverless on standard only.
    'serverless on the ultimate series',
    'dev',
    (c) => (instance(c).seriesCode = 'ultimate'),
    'instance.subSeriesCode (serverless) is offered for the standard series only, not ultimate',
  ],
  [
    // Issue 12: single-node instances are no longer sold (SkipTestAccAliCloudRocketmqInstance_basic7144).
    'a single-node instance, on any series',
    'staging',
    (c) => (instance(c).subSeriesCode = 'single_node'),
    'instance.subSeriesCode (single_node): ApsaraMQ for RocketMQ 5.x no longer creates single-node instances (since 2024-11-09); use cluster_ha or serverless',
  ],
  [
    'a subscription without a period',
    'prod',
    // The unit goes with it: a unit without a period is its own violation.
    (c) => {
      delete instance(c).period;
      delete instance(c).periodUnit;
    },
    'instance.period is required when paymentType is Subscription',
  ],
  [
    'a period on pay-as-you-go',
    'staging',
    (c) => Object.assign(instance(c), { period: 1, periodUnit: 'Month' }),
    'instance.period applies to Subscription only',
  ],
  [
    'a serverless capacity on a cluster instance',
    'staging',
    (c) => (instance(c).serverlessCapacity = { mode: 'shared-cumulative' }),
    'instance.serverlessCapacity applies to serverless instances only',
  ],
  [
    'a reserved serverless capacity without its TPS',
    'dev',
    (c) => (instance(c).serverlessCapacity = { mode: 'shared-reserved' }),
    'instance.serverlessCapacity.reservedTps is required for mode shared-reserved',
  ],
  [
    'a dedicated serverless capacity without its TPS',
    'dev',
    (c) => (instance(c).serverlessCapacity = { mode: 'dedicated-reserved' }),
    'instance.serverlessCapacity.reservedTps is required for mode dedicated-reserved',
  ],
  [
    // Issue 13: the limit is the instance's, sends and receives together. 5 pods × 20,001 msg/s = 100,005
    // received plus the topic's 200,000 sent is past shared-cumulative's 300,000 TPS, though the workload's own
    // consumption is a third of it.
    'an instance-wide peak (sends + receives) above the serverless maximum',
    'dev',
    (c) => {
      section(c, 'topics')[0].maxSendTps = 200_000;
      workload(c, 0).messagesPerSecondPerPod = 20_001;
    },
    'instance.serverlessCapacity (shared-cumulative) serves at most 300000 TPS, but the instance-wide peak is 300005 TPS (sends 200000 + receives 100005: every workload at maxReplicas, every topic at its maxSendTps or its busiest consumer); lower maxReplicas or raise reservedTps',
  ],
  [
    'a public endpoint without a bandwidth',
    'staging',
    (c) => delete instance(c).network.internet.bandwidthMbps,
    'instance.network.internet.bandwidthMbps is required when internet is enabled',
  ],
  [
    'a bandwidth without a public endpoint',
    'prod',
    (c) => (instance(c).network.internet.bandwidthMbps = 5),
    'instance.network.internet bandwidthMbps needs enabled: true',
  ],
  [
    // Issue 12: the allowlist is instance-wide (network.ipAllowlist); client CIDRs are checked against it.
    'client CIDRs without an allowlist',
    'prod',
    (c) => (instance(c).network.clientCidrs = ['10.0.0.0/16']),
    'instance.network.clientCidrs applies with ipAllowlist only',
  ],
  [
    'a topic name of 61 characters on a cluster instance',
    'staging',
    (c) => {
      // order-events, which only legacy-billing reads (orders is also the producer's topic).
      section(c, 'topics')[1].name = 'o'.repeat(61);
      section(c, 'workloads')[1].topic = 'o'.repeat(61);
    },
    'topics[1].name is 61 characters; at most 60 on this instance',
  ],
  [
    'a topic name of 129 characters on a serverless instance',
    'dev',
    (c) => {
      section(c, 'topics')[1].name = 'd'.repeat(129);
      section(c, 'consumerGroups')[0].deadLetterTopic = 'd'.repeat(129);
    },
    'topics[1].name is 129 characters; at most 128 on this instance',
  ],
  [
    'a topic name of 61 characters on an adopted cluster instance',
    'prod',
    (c) => {
      c['apsaramq-keda:instance'] = { existingInstanceId: 'rmq-cn-adopted0' };
      section(c, 'topics')[1].name = 'p'.repeat(61);
      workload(c, 2).topic = 'p'.repeat(61);
    },
    'topics[1].name is 61 characters; at most 60 on this instance',
  ],
  [
    'a topic declared twice',
    'prod',
    (c) => section(c, 'topics').push({ name: 'payments', messageType: 'FIFO' }),
    'topics[3].name "payments" is declared twice',
  ],
  [
    'a consumer group declared twice',
    'staging',
    (c) => section(c, 'consumerGroups').push({ id: 'legacy-billing' }),
    'consumerGroups[2].id "legacy-billing" is declared twice',
  ],
  [
    'a concurrent group with the fixed retry policy',
    'staging',
    (c) => (section(c, 'consumerGroups')[0].retryPolicy = 'FixedRetryPolicy'),
    'consumerGroups[0].retryPolicy FixedRetryPolicy does not match deliveryOrderType Concurrently; use DefaultRetryPolicy',
  ],
  [
    'an ordered group with the default retry policy',
    'prod',
    (c) => (section(c, 'consumerGroups')[2].retryPolicy = 'DefaultRetryPolicy'),
    'consumerGroups[2].retryPolicy DefaultRetryPolicy does not match deliveryOrderType Orderly; use FixedRetryPolicy',
  ],
  [
    'a dead-letter topic that is not declared',
    'dev',
    (c) => (section(c, 'consumerGroups')[0].deadLetterTopic = 'orders-dead'),
    'consumerGroups[0].deadLetterTopic "orders-dead" is not one of topics[].name',
  ],
  [
    'a workload declared twice',
    'staging',
    (c) => (workload(c, 1).name = 'order-fulfilment'),
    'workloads[1].name "order-fulfilment" is declared twice',
  ],
  [
    'a workload on a topic that is not declared',
    'staging',
    (c) => (workload(c, 0).topic = 'order'),
    'workloads[0].topic "order" is not one of topics[].name',
  ],
  [
    'a workload in a group that is not declared',
    'prod',
    (c) => (workload(c, 1).consumerGroup = 'analytics'),
    'workloads[1].consumerGroup "analytics" is not one of consumerGroups[].id',
  ],
  [
    'an ordered group on a NORMAL topic',
    'prod',
    (c) => (workload(c, 2).topic = 'orders'),
    'workloads[2].consumerGroup Orderly group "payment-ledger" must consume a FIFO topic, not NORMAL',
  ],
  [
    'minReplicas above maxReplicas',
    'dev',
    (c) => (workload(c, 0).minReplicas = 6),
    'workloads[0].minReplicas (6) must be <= maxReplicas (5)',
  ],
  [
    'a queue-based workload without a queue count',
    'staging',
    (c) => delete workload(c, 1).queueCount,
    'workloads[1].queueCount is required for queue-based consumers (loadBalancing: queue is Apache RocketMQ 4.x Remoting SDKs; Alibaba TCP Java SDK 1.x; Alibaba TCP C++ SDK 1.x and 2.x; any SDK of a region without message-based balancing)',
  ],
  [
    'a queue-based workload one replica above its queue count',
    'staging',
    (c) => (workload(c, 1).maxReplicas = 9),
    'workloads[1].maxReplicas (9) must be <= queueCount (8) for queue-based consumers',
  ],
  [
    'a queue count on a message-based workload',
    'dev',
    (c) => (workload(c, 0).queueCount = 8),
    'workloads[0].queueCount applies to queue-based consumers only (loadBalancing: queue); message-based balancing is Apache RocketMQ 5.x gRPC SDKs; Alibaba TCP Java SDK 2.x.x.Final and later; Alibaba TCP C++ SDK 3.x (some regions offer no message-based Java TCP SDK: check yours)',
  ],
  [
    'idleReplicaCount equal to minReplicas',
    'staging',
    (c) => (workload(c, 0).idleReplicaCount = 1),
    'workloads[0].idleReplicaCount (1) must be < minReplicas (1)',
  ],
  [
    // Issue 24 item 2: KEDA writes idle, the HPA restores minReplicas at its next sync, forever.
    'idleReplicaCount 1 below minReplicas 3',
    'prod',
    (c) => (workload(c, 0).idleReplicaCount = 1),
    'workloads[0].idleReplicaCount (1) must be 0 or absent: KEDA would scale the idle workload to 1 and the HPA raise it back to minReplicas (3) at its next sync, killing and restarting pods every polling interval',
  ],
  [
    // Issue 24 item 1: at idle 0 no consumer is online, the query's stand-in reads the threshold (2400 = 40 × 60).
    'a workload that sleeps at idle 0, with an activation threshold at its threshold',
    'staging',
    (c) => Object.assign(workload(c, 0), { idleReplicaCount: 0, scaling: { activationThreshold: 2400 } }),
    'workloads[0].scaling.activationThreshold (2400) must be < threshold (2400) with idleReplicaCount 0: with no consumer online the backlog query reads threshold when a message arrived, so KEDA could never wake the workload',
  ],
  [
    'idleReplicaCount above minReplicas',
    'dev',
    (c) => (workload(c, 0).idleReplicaCount = 1),
    'workloads[0].idleReplicaCount (1) must be < minReplicas (0)',
  ],
  [
    // legacy-billing: queue-based, threshold 15 msg/s × 120 s = 1800, its query clamped at min(8, 8) × 1800 =
    // 14400; asleep, the stand-in reads 1800, so the activation threshold must stay below 1800, not 14400.
    'a queue-based workload that can sleep, with an activation threshold at the clamp of its query',
    'staging',
    (c) => Object.assign(workload(c, 1), { idleReplicaCount: 0, scaling: { activationThreshold: 14400 } }),
    'workloads[1].scaling.activationThreshold (14400) must be < threshold (1800) with idleReplicaCount 0: with no consumer online the backlog query reads threshold when a message arrived, so KEDA could never wake the workload',
  ],
  [
    // An explicit threshold: min(8, 8) × 100 = 800.
    'a queue-based workload that can sleep, with an activation threshold above the clamp of its query',
    'staging',
    (c) =>
      Object.assign(workload(c, 1), {
        idleReplicaCount: 0,
        scaling: { threshold: 100, activationThreshold: 5000 },
      }),
    'workloads[1].scaling.activationThreshold (5000) must be < threshold (100) with idleReplicaCount 0: with no consumer online the backlog query reads threshold when a message arrived, so KEDA could never wake the workload',
  ],
  [
    // dev-<name>: 4 + 61 = 65 characters.
    'a workload name that gives a 65-character ACL username',
    'dev',
    (c) => (workload(c, 0).name = 'a'.repeat(61)),
    `workloads[0].name gives the ACL username "dev-${'a'.repeat(61)}" of 65 characters; at most 64`,
  ],
  [
    'a producer declared twice',
    'staging',
    (c) => section(c, 'producers').push({ name: 'order-load', topic: 'orders' }),
    'producers[1].name "order-load" is declared twice',
  ],
  [
    'a producer named like a workload',
    'staging',
    (c) => (section(c, 'producers')[0].name = 'legacy-billing'),
    'producers[0].name "legacy-billing" is also a workload name; their accounts and Secrets would collide',
  ],
  [
    'a producer on a topic that is not declared',
    'staging',
    (c) => (section(c, 'producers')[0].topic = 'payments'),
    'producers[0].topic "payments" is not one of topics[].name',
  ],
  [
    'a period unit without a period',
    'staging',
    (c) => (instance(c).periodUnit = 'Month'),
    'instance.periodUnit applies with period only',
  ],
  [
    'fallback replicas one above maxReplicas',
    'prod',
    (c) => (workload(c, 0).scaling.fallback.replicas = 41),
    'workloads[0].scaling.fallback.replicas (41) must be within [max(minReplicas, 1), maxReplicas] = [3, 40]',
  ],
  [
    'fallback replicas one below minReplicas',
    'prod',
    (c) => (workload(c, 0).scaling.fallback.replicas = 2),
    'workloads[0].scaling.fallback.replicas (2) must be within [max(minReplicas, 1), maxReplicas] = [3, 40]',
  ],

  // Shape rules with our own messages (infra/config/schema.ts).
  [
    'a workload name that is not a DNS-1123 label',
    'dev',
    (c) => (workload(c, 0).name = 'Order_Fulfilment'),
    'workloads[0].name: must be a DNS-1123 label (lowercase alphanumerics and "-", start and end alphanumeric)',
  ],
  [
    'a namespace that is not a DNS-1123 label',
    'prod',
    (c) => (section(c, 'kubernetes').namespace = 'orders-'),
    'kubernetes.namespace: must be a DNS-1123 label (lowercase alphanumerics and "-", start and end alphanumeric)',
  ],
  [
    'a topic name outside [A-Za-z0-9_-]',
    'dev',
    (c) => (section(c, 'topics')[1].name = 'orders.dlq'),
    'topics[1].name: must match ^[A-Za-z0-9_-]+$',
  ],
  [
    'a topic name with a reserved prefix, in any case',
    'staging',
    (c) => (section(c, 'topics')[1].name = 'RMQ_SYS_events'),
    'topics[1].name: must not start with the reserved prefix "rmq_sys_"',
  ],
  [
    'a reserved system topic',
    'dev',
    (c) => (section(c, 'topics')[1].name = 'SCHEDULE_TOPIC_XXXX'),
    'topics[1].name: "SCHEDULE_TOPIC_XXXX" is a reserved RocketMQ system topic name',
  ],
  [
    'a built-in consumer group',
    'staging',
    (c) => (section(c, 'consumerGroups')[1].id = 'TOOLS_CONSUMER'),
    'consumerGroups[1].id: "TOOLS_CONSUMER" is a reserved RocketMQ system group name',
  ],
  [
    'a group under the reserved CID_RMQ_SYS_ prefix',
    'staging',
    (c) => (section(c, 'consumerGroups')[1].id = 'CID_RMQ_SYS_billing'),
    'consumerGroups[1].id: "CID_RMQ_SYS_billing" is a reserved RocketMQ system group name',
  ],
  [
    'an image with a space',
    'dev',
    (c) => (workload(c, 0).image = 'acme/order fulfilment:1'),
    'workloads[0].image: must be an image reference',
  ],
  [
    'an image from a registry with a port, without a tag or digest',
    'staging',
    (c) => (workload(c, 0).image = 'registry.example.com:5000/acme/order-fulfilment'),
    'workloads[0].image: must pin a tag or digest, not latest',
  ],
  [
    'an image from a registry with a port that is not a number',
    'staging',
    (c) => (workload(c, 0).image = 'registry.example.com:http/acme/order-fulfilment:1.0'),
    'workloads[0].image: must be an image reference',
  ],
  [
    'an image without a tag or digest',
    'staging',
    (c) => (workload(c, 0).image = 'registry.cn-shanghai.aliyuncs.com/acme/order-fulfilment'),
    'workloads[0].image: must pin a tag or digest, not latest',
  ],
  [
    'a CPU request that is not a quantity',
    'prod',
    (c) => (workload(c, 0).resources.cpuRequest = '0.5 cores'),
    'workloads[0].resources.cpuRequest: must be a Kubernetes quantity such as 500m or 256Mi',
  ],
  [
    'a region that is not a region id',
    'staging',
    (c) => (c['alicloud:region'] = 'Shanghai'),
    'alicloud:region: must be an Alibaba Cloud region id such as cn-hangzhou',
  ],
  [
    'an adopted instance id that is not an instance id',
    'prod',
    (c) => (c['apsaramq-keda:instance'] = { existingInstanceId: 'rmq-prod' }),
    'instance.existingInstanceId: must look like rmq-cn-xxxxxxxx',
  ],
  [
    'a malformed ACK cluster id',
    'dev',
    (c) => (section(c, 'kubernetes').ackClusterId = 'c0short'),
    'kubernetes.ackClusterId: must be an ACK cluster id',
  ],
  [
    'both a Prometheus instance id and a server address',
    'dev',
    (c) => (section(c, 'prometheus').serverAddress = 'http://arms.example.com:9090/x'),
    'prometheus: set exactly one of instanceId (lookup) or serverAddress',
  ],
  [
    'neither a Prometheus instance id nor a server address',
    'dev',
    (c) => delete section(c, 'prometheus').instanceId,
    'prometheus: set exactly one of instanceId (lookup) or serverAddress',
  ],

  // The config map itself (infra/config/environment.ts).
  [
    'the Prometheus token in plain text',
    'dev',
    (c) => (c['apsaramq-keda:prometheusToken'] = 'abc'),
    'apsaramq-keda:prometheusToken: holds a secret in plain text; set it with pulumi config set --secret',
  ],
  [
    'a config key without a namespace',
    'dev',
    (c) => (c.workloads = []),
    'workloads: config keys need a namespace (did you mean apsaramq-keda:workloads?)',
  ],
  [
    'an unknown key of the project',
    'dev',
    (c) => (c['apsaramq-keda:workload'] = []),
    'apsaramq-keda:workload: unknown config key; did you mean apsaramq-keda:workloads?',
  ],
];

/** [title, env, edit]: the value at the boundary of a rule above, accepted. */
const ACCEPTED: [string, string, Edit][] = [
  [
    'the demand trigger draining the backlog in exactly the target',
    'prod',
    (c) => (workload(c, 0).scaling.scaleOnDemand.drainSeconds = 60),
  ],
  ['the committed stack', 'prod', () => undefined],
  [
    'a serverless instance with exactly 2 vSwitches',
    'dev',
    (c) => (instance(c).network.vSwitchIds = ['a', 'b']),
  ],
  [
    'the ultimate series as cluster_ha, with an ultimate spec',
    'staging',
    (c) => Object.assign(instance(c), { seriesCode: 'ultimate', msgProcessSpec: 'rmq.u2.10xlarge' }),
  ],
  [
    'a reserved serverless capacity with its TPS',
    'dev',
    (c) => (instance(c).serverlessCapacity = { mode: 'shared-reserved', reservedTps: 500 }),
  ],
  [
    'an instance-wide peak exactly at the serverless maximum',
    'dev',
    (c) => {
      section(c, 'topics')[0].maxSendTps = 200_000;
      workload(c, 0).messagesPerSecondPerPod = 20_000;
    },
  ],
  [
    'a topic name of 60 characters on a cluster instance',
    'prod',
    (c) => {
      section(c, 'topics')[2].name = 'd'.repeat(60);
      section(c, 'consumerGroups')[0].deadLetterTopic = 'd'.repeat(60);
    },
  ],
  [
    'a topic name of 128 characters on a serverless instance',
    'dev',
    (c) => {
      section(c, 'topics')[1].name = 'd'.repeat(128);
      section(c, 'consumerGroups')[0].deadLetterTopic = 'd'.repeat(128);
    },
  ],
  [
    'a topic name of 128 characters on an adopted serverless instance',
    'prod',
    (c) => {
      c['apsaramq-keda:instance'] = { existingInstanceId: 'rmq-cn-adopted0', serverless: true };
      section(c, 'topics')[2].name = 'd'.repeat(128);
      section(c, 'consumerGroups')[0].deadLetterTopic = 'd'.repeat(128);
    },
  ],
  [
    'an adopted instance with one vSwitch rule out of scope (nothing to create)',
    'dev',
    (c) => (c['apsaramq-keda:instance'] = { existingInstanceId: 'rmq-cn-adopted0', serverless: true }),
  ],
  [
    'the retry policy that matches the delivery order',
    'prod',
    (c) => (section(c, 'consumerGroups')[2].retryPolicy = 'FixedRetryPolicy'),
  ],
  ['minReplicas equal to maxReplicas', 'dev', (c) => (workload(c, 0).minReplicas = 5)],
  ['a queue-based workload at its queue count', 'staging', (c) => (workload(c, 1).maxReplicas = 8)],
  ['idleReplicaCount one below minReplicas', 'staging', (c) => (workload(c, 0).idleReplicaCount = 0)],
  [
    'a workload that sleeps at idle 0, with an activation threshold one below its threshold',
    'staging',
    (c) => Object.assign(workload(c, 0), { idleReplicaCount: 0, scaling: { activationThreshold: 2399 } }),
  ],
  [
    'a queue-based workload that can sleep, with an activation threshold one below its threshold (1800)',
    'staging',
    (c) => Object.assign(workload(c, 1), { idleReplicaCount: 0, scaling: { activationThreshold: 1799 } }),
  ],
  [
    // With minReplicas 1 and no idleReplicaCount, KEDA never scales below 1, so activation changes nothing.
    'a queue-based workload that cannot sleep, with an activation threshold at the clamp of its query',
    'staging',
    (c) => Object.assign(workload(c, 1), { scaling: { activationThreshold: 14400 } }),
  ],
  [
    'an image from a registry with a port',
    'staging',
    (c) => (workload(c, 0).image = 'registry.example.com:5000/acme/order-fulfilment:1.0'),
  ],
  [
    'an image from a registry with a port, pinned by digest',
    'staging',
    (c) => (workload(c, 0).image = `localhost:5000/acme/order-fulfilment@sha256:${'a'.repeat(64)}`),
  ],
  [
    // dev-<name>: 4 + 60 = 64 characters, the most an ACL username may have.
    'a workload name that gives a 64-character ACL username',
    'dev',
    (c) => (workload(c, 0).name = 'a'.repeat(60)),
  ],
  ['fallback replicas at maxReplicas', 'prod', (c) => (workload(c, 0).scaling.fallback.replicas = 40)],
  ['fallback replicas at minReplicas', 'prod', (c) => (workload(c, 0).scaling.fallback.replicas = 3)],
  [
    'fallback replicas 1 on a workload with minReplicas 0',
    'dev',
    (c) => (workload(c, 0).scaling.fallback = { replicas: 1 }),
  ],
  ['the fallback turned off', 'dev', (c) => (workload(c, 0).scaling.fallback = false)],
  ['a secure Prometheus token', 'dev', (c) => (c['apsaramq-keda:prometheusToken'] = { secure: 'v1:abc' })],
  ['a key of another namespace', 'dev', (c) => (c['kubernetes:context'] = 'ack-dev')],
];

describe('the environment loader refuses, with exactly one violation and its message,', () => {
  test.each(REFUSED)('%s', (_title, env, edit, message) => {
    expect(violationsOf(env, edit)).toEqual([message]);
  });
});

test('an idleReplicaCount other than 0 is refused with the file, the field and the rule', () => {
  const config = stackConfig('prod');
  section(config, 'workloads')[0].idleReplicaCount = 2;
  expect(() => parseEnvironment('prod', config)).toThrow(
    'stacks/Pulumi.prod.yaml: environment "prod" is invalid:\n' +
      '  - workloads[0].idleReplicaCount (2) must be 0 or absent: KEDA would scale the idle workload to 2 and the HPA raise it back to minReplicas (3) at its next sync, killing and restarting pods every polling interval',
  );
});

describe('the environment loader accepts the boundary:', () => {
  test.each(ACCEPTED)('%s', (_title, env, edit) => {
    expect(violationsOf(env, edit)).toEqual([]);
  });
});

test('a queue-based workload above its queue count that can sleep: both rules report', () => {
  // legacy-billing: threshold 15 × 120 = 1800, which the stand-in reads while it sleeps at idle 0.
  const edit: Edit = (c) =>
    Object.assign(workload(c, 1), {
      maxReplicas: 9,
      idleReplicaCount: 0,
      scaling: { activationThreshold: 14400 },
    });
  expect(violationsOf('staging', edit)).toEqual([
    'workloads[1].maxReplicas (9) must be <= queueCount (8) for queue-based consumers',
    'workloads[1].scaling.activationThreshold (14400) must be < threshold (1800) with idleReplicaCount 0: with no consumer online the backlog query reads threshold when a message arrived, so KEDA could never wake the workload',
  ]);
});
