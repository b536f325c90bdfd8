import { FROM_ZERO_WINDOW_SECONDS, RATE_WINDOW_SECONDS } from '../../constructs/scaling';
import {
  ARRIVAL_RATE_WINDOW,
  FROM_ZERO_ARRIVAL_WINDOW,
  arrivalRateQuery,
  backlogQuery,
  demandQuery,
  promqlString,
} from '../../constructs/shared/promql';

describe('promqlString', () => {
  test.each([
    ['orders', '"orders"'],
    ['a"b', '"a\\"b"'],
    ['back\\slash', '"back\\\\slash"'],
    ['line\nbreak', '"line\\nbreak"'],
    ['tab\there', '"tab\\there"'],
    ['bell\u0007', '"bell\\x07"'],
    ['中文-topic', '"中文-topic"'],
  ])('%j → %s', (value, literal) => {
    expect(promqlString(value)).toBe(literal);
  });
});

describe('promqlString: every control character escaped', () => {
  // Go escapes in a PromQL string: \n, \r, \t by name, the other C0 controls and DEL as \xNN.
  const named: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' };
  const hex = (code: number) => `\\x${code.toString(16).padStart(2, '0')}`;
  const controls = [...Array.from({ length: 0x20 }, (_, code) => code), 0x7f];

  test.each(
    controls.map(
      (code) => [code.toString(16).toUpperCase().padStart(4, '0'), named[code] ?? hex(code), code] as const,
    ),
  )('U+%s is written as %s', (_hex, escape, code) => {
    expect(promqlString(`a${String.fromCharCode(code)}b`)).toBe(`"a${escape}b"`);
  });

  test.each([
    ['space, the first printable', ' '],
    ['tilde, the last printable ASCII', '~'],
    ['U+0080', '\u0080'],
    ['an astral character', '😀'],
  ])('%s stays as it is', (_name, ch) => {
    expect(promqlString(ch)).toBe(`"${ch}"`);
  });
});

describe('backlogQuery', () => {
  test('sums ready and inflight of one instance, topic and group, without a by clause', () => {
    expect(backlogQuery({ instanceId: 'rmq-cn-1', topic: 'orders', consumerGroup: 'g1' })).toBe(
      'sum({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", instance_id="rmq-cn-1", topic="orders", consumer_group="g1"})',
    );
  });
  test('escapes label values instead of interpolating them raw', () => {
    expect(backlogQuery({ instanceId: 'i', topic: 't"} or vector(1e9) #', consumerGroup: 'g' })).toContain(
      'topic="t\\"} or vector(1e9) #"',
    );
  });
  test('clamps for queue-based consumers', () => {
    expect(backlogQuery({ instanceId: 'i', topic: 't', consumerGroup: 'g', clampMax: 240 })).toMatch(
      /^clamp_max\(sum\(.+\), 240\)$/,
    );
    expect(backlogQuery({ instanceId: 'i', topic: 't', consumerGroup: 'g', clampMax: 1 })).toBe(
      'clamp_max(sum({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", instance_id="i", topic="t", consumer_group="g"}), 1)',
    );
    expect(() => backlogQuery({ instanceId: 'i', topic: 't', consumerGroup: 'g', clampMax: 0 })).toThrow(
      new RangeError('clampMax must be a positive integer, got 0'),
    );
    expect(() => backlogQuery({ instanceId: 'i', topic: 't', consumerGroup: 'g', clampMax: 2.5 })).toThrow(
      new RangeError('clampMax must be a positive integer, got 2.5'),
    );
  });
  test.each([
    ['instanceId', { instanceId: '', topic: 't', consumerGroup: 'g' }],
    ['topic', { instanceId: 'i', topic: '', consumerGroup: 'g' }],
    ['consumerGroup', { instanceId: 'i', topic: 't', consumerGroup: '' }],
    // A value that is not a string at all (untyped callers) is refused the same way, not with a TypeError.
    ['topic', { instanceId: 'i', topic: 1 as unknown as string, consumerGroup: 'g' }],
  ])('rejects an empty %s', (name, input) => {
    expect(() => backlogQuery(input)).toThrow(new RangeError(`${name} must be a non-empty string`));
  });
  // issue 27: instanceId is one of two scopes; without either the query has no broker side.
  test('rejects a query with neither instanceId nor brokerCluster', () => {
    expect(() => backlogQuery({ instanceId: undefined, topic: 't', consumerGroup: 'g' })).toThrow(
      new RangeError('set exactly one of instanceId or brokerCluster'),
    );
  });
});

describe('arrivalRateQuery', () => {
  test('rate over one minute of the topic, summed to one series', () => {
    expect(arrivalRateQuery({ instanceId: 'i', topic: 'orders' })).toBe(
      'sum(rate(rocketmq_messages_in_total{instance_id="i", topic="orders"}[1m]))',
    );
    expect(arrivalRateQuery({ instanceId: 'i', topic: 'o', metricName: 'custom_in_total' })).toContain(
      'custom_in_total{',
    );
    expect(() => arrivalRateQuery({ instanceId: 'i', topic: 'o', metricName: 'bad-name' })).toThrow(
      new RangeError('metricName must match ^[a-zA-Z_:][a-zA-Z0-9_:]*$, got bad-name'),
    );
    expect(() => arrivalRateQuery({ instanceId: '', topic: 'o' })).toThrow(
      new RangeError('instanceId must be a non-empty string'),
    );
    expect(() => arrivalRateQuery({ instanceId: 'i', topic: '' })).toThrow(
      new RangeError('topic must be a non-empty string'),
    );
  });
});

describe('ARRIVAL_RATE_WINDOW', () => {
  test('is the window the simulator averages the arrival rate over', () => {
    expect(ARRIVAL_RATE_WINDOW).toBe(`${RATE_WINDOW_SECONDS / 60}m`);
  });
});

describe('FROM_ZERO_ARRIVAL_WINDOW', () => {
  test("is the window of the simulator's scale-from-zero stand-in", () => {
    expect(FROM_ZERO_ARRIVAL_WINDOW).toBe(`${FROM_ZERO_WINDOW_SECONDS / 60}m`);
  });
});

describe('backlogQuery whenGroupAbsent', () => {
  test('without the group series it reads threshold when the topic had an arrival in 5 m, else 0, inside the clamp', () => {
    expect(
      backlogQuery({
        instanceId: 'i',
        topic: 't',
        consumerGroup: 'g',
        whenGroupAbsent: { arrivalMetricName: 'm_total', threshold: 30 },
      }),
    ).toBe(
      'sum({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", instance_id="i", topic="t", consumer_group="g"}) or (sum(increase(m_total{instance_id="i", topic="t"}[5m])) > bool 0) * 30',
    );
    expect(
      backlogQuery({
        instanceId: 'i',
        topic: 't',
        consumerGroup: 'g',
        whenGroupAbsent: { arrivalMetricName: 'm_total', threshold: 3 },
        clampMax: 10,
      }),
    ).toMatch(/^clamp_max\(\(sum\(.*\) or \(sum\(increase\(m_total\{.*\}\[5m\]\)\) > bool 0\) \* 3\), 10\)$/);
    expect(() =>
      backlogQuery({
        instanceId: 'i',
        topic: 't',
        consumerGroup: 'g',
        whenGroupAbsent: { arrivalMetricName: 'bad-name', threshold: 30 },
      }),
    ).toThrow('whenGroupAbsent.arrivalMetricName must match');
  });

  test.each([0, -1, Number.NaN, Infinity])('refuses a stand-in threshold of %p', (threshold) => {
    expect(() =>
      backlogQuery({
        instanceId: 'i',
        topic: 't',
        consumerGroup: 'g',
        whenGroupAbsent: { arrivalMetricName: 'm_total', threshold },
      }),
    ).toThrow(`whenGroupAbsent.threshold must be a positive number, got ${threshold}`);
  });
});

describe('demandQuery', () => {
  const group =
    'sum({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", instance_id="i", topic="orders", consumer_group="g"})';
  const rate = 'sum(rate(rocketmq_messages_in_total{instance_id="i", topic="orders"}[1m]))';
  const base = {
    instanceId: 'i',
    topic: 'orders',
    consumerGroup: 'g',
    messagesPerSecondPerReplica: 50,
    drainSeconds: 30,
  };

  test('(arrival rate, 0 when missing, + backlog / drainSeconds) / per-replica rate: the demand in pods', () => {
    expect(demandQuery(base)).toBe(`((${rate} or vector(0)) + (${group}) / 30) / 50`);
  });

  test('clamped at the queues, in pods, for a queue-based consumer', () => {
    expect(demandQuery({ ...base, clampMaxReplicas: 8 })).toBe(
      `clamp_max(((${rate} or vector(0)) + (${group}) / 30) / 50, 8)`,
    );
  });

  test("a workload that can sleep: the backlog part's stand-in is one replica's worth, 50 × 30 = 1500", () => {
    const arrived = 'sum(increase(rocketmq_messages_in_total{instance_id="i", topic="orders"}[5m]))';
    expect(demandQuery({ ...base, whenGroupAbsent: true })).toBe(
      `((${rate} or vector(0)) + (${group} or (${arrived} > bool 0) * 1500) / 30) / 50`,
    );
  });

  test.each([
    [{ messagesPerSecondPerReplica: 0 }, 'messagesPerSecondPerReplica must be a positive number, got 0'],
    [{ drainSeconds: -1 }, 'drainSeconds must be a positive number, got -1'],
    [{ clampMaxReplicas: 1.5 }, 'clampMaxReplicas must be a positive integer, got 1.5'],
  ])('refuses %p', (edit, message) => {
    expect(() => demandQuery({ ...base, ...edit })).toThrow(new RangeError(message));
  });
});

// issue 27: the open-source 5.x exporter's label set (measured: tests/e2e/self-managed-metrics.test.ts).
describe('queries on a self-managed broker cluster', () => {
  const brokerCluster = { label: 'cluster', name: 'DefaultCluster' };
  const series =
    '{__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", cluster="DefaultCluster", topic="invoices", consumer_group="invoice-posting"}';

  test('selects the cluster label instead of instance_id, each broker counted once, one series in all', () => {
    expect(backlogQuery({ brokerCluster, topic: 'invoices', consumerGroup: 'invoice-posting' })).toBe(
      `sum(max by (__name__, node_id, is_retry) (${series}))`,
    );
  });

  test('keeps the scale-from-zero stand-in (one pod of 1200 when anything arrived) and the queue clamp (6 × 1200)', () => {
    expect(
      backlogQuery({
        brokerCluster,
        topic: 'invoices',
        consumerGroup: 'invoice-posting',
        whenGroupAbsent: { arrivalMetricName: 'rocketmq_messages_in_total', threshold: 1200 },
        clampMax: 7200,
      }),
    ).toBe(
      `clamp_max((sum(max by (__name__, node_id, is_retry) (${series})) or (sum(increase(rocketmq_messages_in_total{cluster="DefaultCluster", topic="invoices"}[5m])) > bool 0) * 1200), 7200)`,
    );
  });

  test('a relabeled cluster label is selected as named, its value escaped', () => {
    expect(
      backlogQuery({
        brokerCluster: { label: 'rocketmq_cluster', name: 'a"b' },
        topic: 't',
        consumerGroup: 'g',
      }),
    ).toContain('rocketmq_cluster="a\\"b", topic="t", consumer_group="g"');
  });

  test('the arrival rate takes each broker (and message type) once', () => {
    expect(arrivalRateQuery({ brokerCluster, topic: 'invoices' })).toBe(
      'sum(max by (node_id, message_type) (rate(rocketmq_messages_in_total{cluster="DefaultCluster", topic="invoices"}[1m])))',
    );
  });

  test.each<[string, Parameters<typeof backlogQuery>[0], string]>([
    [
      'both scopes',
      { instanceId: 'rmq-cn-1', brokerCluster, topic: 't', consumerGroup: 'g' },
      'set exactly one of instanceId or brokerCluster',
    ],
    ['no scope', { topic: 't', consumerGroup: 'g' }, 'set exactly one of instanceId or brokerCluster'],
    [
      'a label the query selects itself',
      { brokerCluster: { label: 'topic', name: 'x' }, topic: 't', consumerGroup: 'g' },
      'brokerCluster.label must be a Prometheus label name other than __name__, topic, consumer_group, node_id, is_retry, got topic',
    ],
    [
      'a label that is no label name',
      { brokerCluster: { label: 'a-b', name: 'x' }, topic: 't', consumerGroup: 'g' },
      'brokerCluster.label must be a Prometheus label name other than __name__, topic, consumer_group, node_id, is_retry, got a-b',
    ],
    [
      'an empty cluster name',
      { brokerCluster: { label: 'cluster', name: '' }, topic: 't', consumerGroup: 'g' },
      'brokerCluster.name must be a non-empty string',
    ],
  ])('refuses %s', (_what, input, message) => {
    expect(() => backlogQuery(input)).toThrow(message);
  });
});
