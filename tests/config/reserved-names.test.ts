/**
 * Reserved RocketMQ names (infra/config/schema.ts serviceName, lists in limits.ts): a reserved name is refused
 * as a whole name only, except the entries that end in "_", which are prefixes; each kind checks its own list.
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
});
