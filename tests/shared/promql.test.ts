import { RATE_WINDOW_SECONDS } from '../../constructs/scaling';
import {
  ARRIVAL_RATE_WINDOW,
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
    expect(() => backlogQuery({ instanceId: 'i', topic: 't', consumerGroup: 'g', clampMax: 0 })).toThrow(
      /clampMax must be a positive integer/,
    );
  });
  test('rejects empty selectors', () => {
    expect(() => backlogQuery({ instanceId: '', topic: 't', consumerGroup: 'g' })).toThrow(
      /instanceId must be a non-empty string/,
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
      /metricName must match/,
    );
  });
});

describe('ARRIVAL_RATE_WINDOW', () => {
  test('is the window the simulator averages the arrival rate over', () => {
    expect(ARRIVAL_RATE_WINDOW).toBe(`${RATE_WINDOW_SECONDS / 60}m`);
  });
});

describe('backlogQuery whenGroupAbsent', () => {
  test('falls back to the topic arrivals when the group has no series, inside the clamp', () => {
    expect(
      backlogQuery({
        instanceId: 'i',
        topic: 't',
        consumerGroup: 'g',
        whenGroupAbsent: { arrivalMetricName: 'm_total' },
      }),
    ).toBe(
      'sum({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", instance_id="i", topic="t", consumer_group="g"}) or sum(increase(m_total{instance_id="i", topic="t"}[5m]))',
    );
    expect(
      backlogQuery({
        instanceId: 'i',
        topic: 't',
        consumerGroup: 'g',
        whenGroupAbsent: { arrivalMetricName: 'm_total' },
        clampMax: 10,
      }),
    ).toMatch(/^clamp_max\(\(sum\(.*\) or sum\(increase\(m_total\{.*\}\[5m\]\)\)\), 10\)$/);
    expect(() =>
      backlogQuery({
        instanceId: 'i',
        topic: 't',
        consumerGroup: 'g',
        whenGroupAbsent: { arrivalMetricName: 'bad-name' },
      }),
    ).toThrow('whenGroupAbsent.arrivalMetricName must match');
  });
});
