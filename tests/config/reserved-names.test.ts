/**
 * Reserved RocketMQ names (infra/config/schema.ts serviceName, lists in limits.ts): a reserved name is refused
 * as a whole name, a reserved prefix or suffix wherever the name starts or ends with it; each kind checks its
 * own lists. The expected lists are written out here from the sources, not imported: apache/rocketmq 5.3.3
 * common/MixAll.java (PREDEFINE_GROUP_SET, CID_RMQ_SYS_PREFIX, REPLY_TOPIC_POSTFIX) and
 * common/topic/TopicValidator.java (SYSTEM_TOPIC_SET, SYSTEM_TOPIC_PREFIX), the Apache RocketMQ 5.0 "Parameter
 * Constraints and Suggestions" page (CID_HOUSEKEEPING) and ApsaraMQ for RocketMQ 5.x "Quotas and limits"
 * (rocketmq-proxy-, _REPLY_TOPIC).
 */
import { section, violationsOf } from './helpers';

const withTopic = (name: string) =>
  violationsOf('dev', (c) => section(c, 'topics').push({ name, messageType: 'NORMAL' }));
const withGroup = (id: string) => violationsOf('dev', (c) => section(c, 'consumerGroups').push({ id }));

describe('accepted beside a reserved name', () => {
  test.each([
    // TBW102 is reserved as a whole name, not as a prefix.
    ['a topic that extends a reserved topic name', () => withTopic('TBW1020')],
    ['a topic named like the CID_RMQ_SYS_ group prefix (groups only)', () => withTopic('CID_RMQ_SYS_orders')],
    ['a group that extends a built-in group name', () => withGroup('TOOLS_CONSUMER2')],
    ['a group named like a reserved topic (topics only)', () => withGroup('TBW102')],
    ['a topic named like a built-in group (groups only)', () => withTopic('DEFAULT_PRODUCER')],
    ['a topic that starts with the reply suffix', () => withTopic('REPLY_TOPIC_orders')],
    ['a topic that ends in REPLY_TOPIC without the underscore', () => withTopic('ordersREPLY_TOPIC')],
    ['a group that ends in _REPLY_TOPIC (a topic suffix only)', () => withGroup('orders_REPLY_TOPIC')],
  ])('%s', (_title, violations) => {
    expect(violations()).toEqual([]);
  });
});

describe('refused', () => {
  test('a new topic with a reserved whole name: dev has 2 topics, so it is topics[2]', () => {
    expect(withTopic('OFFSET_MOVED_EVENT')).toEqual([
      'topics[2].name: "OFFSET_MOVED_EVENT" is a reserved RocketMQ system topic name',
    ]);
  });

  test('a new group under the CID_RMQ_SYS_ prefix: dev has 1 group, so it is consumerGroups[1]', () => {
    expect(withGroup('CID_RMQ_SYS_x')).toEqual([
      'consumerGroups[1].id: "CID_RMQ_SYS_x" is a reserved RocketMQ system group name',
    ]);
  });

  test('a name with a reserved prefix and a reserved name: both, prefix first', () => {
    // RMQ_SYS_TRACE_TOPIC is a system topic, and it starts with rmq_sys_ (compared without case).
    expect(withTopic('RMQ_SYS_TRACE_TOPIC')).toEqual([
      'topics[2].name: must not start with the reserved prefix "rmq_sys_"',
      'topics[2].name: "RMQ_SYS_TRACE_TOPIC" is a reserved RocketMQ system topic name',
    ]);
  });

  test.each([
    // TopicValidator.SYSTEM_TOPIC_SET without the rmq_sys_-prefixed ones (the prefix test above covers those).
    'TBW102',
    'SCHEDULE_TOPIC_XXXX',
    'BenchmarkTest',
    'TRANS_CHECK_MAX_TIME_TOPIC',
    'SELF_TEST_TOPIC',
    'OFFSET_MOVED_EVENT',
    'CHECKPOINT_TOPIC',
  ])('the system topic %s as a topic name', (name) => {
    expect(withTopic(name)).toEqual([`topics[2].name: "${name}" is a reserved RocketMQ system topic name`]);
  });

  test.each([
    // MixAll.PREDEFINE_GROUP_SET, every entry.
    'DEFAULT_CONSUMER',
    'DEFAULT_PRODUCER',
    'TOOLS_CONSUMER',
    'SCHEDULE_CONSUMER',
    'FILTERSRV_CONSUMER',
    '__MONITOR_CONSUMER',
    'CLIENT_INNER_PRODUCER',
    'SELF_TEST_P_GROUP',
    'SELF_TEST_C_GROUP',
    'CID_ONS-HTTP-PROXY',
    'CID_ONSAPI_PERMISSION',
    'CID_ONSAPI_OWNER',
    'CID_ONSAPI_PULL',
    'CID_RMQ_SYS_TRANS',
    // The documented group prefixes, as whole names and extended.
    'CID_HOUSEKEEPING',
    'CID_HOUSEKEEPING_orders',
  ])('the built-in group %s as a consumer group id', (id) => {
    expect(withGroup(id)).toEqual([`consumerGroups[1].id: "${id}" is a reserved RocketMQ system group name`]);
  });

  test('a topic ending in _REPLY_TOPIC, the reply topic of a cluster (MixAll.getReplyTopic)', () => {
    expect(withTopic('DefaultCluster_REPLY_TOPIC')).toEqual([
      'topics[2].name: must not end with the reserved suffix "_REPLY_TOPIC"',
    ]);
  });

  test('the rocketmq-proxy- prefix on a topic (ApsaraMQ 5.x)', () => {
    expect(withTopic('rocketmq-proxy-orders')).toEqual([
      'topics[2].name: must not start with the reserved prefix "rocketmq-proxy-"',
    ]);
  });
});
