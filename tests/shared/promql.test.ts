import { FROM_ZERO_WINDOW_SECONDS, RATE_WINDOW_SECONDS } from '../../constructs/scaling';
import {
  ARRIVAL_RATE_WINDOW,
  FROM_ZERO_ARRIVAL_WINDOW,
  arrivalRateQuery,
  backlogQuery,
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
    ['instanceId', { instanceId: undefined as unknown as string, topic: 't', consumerGroup: 'g' }],
  ])('rejects an empty %s', (name, input) => {
    expect(() => backlogQuery(input)).toThrow(new RangeError(`${name} must be a non-empty string`));
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
