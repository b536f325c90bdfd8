import {
  maxUsefulReplicas,
  serverlessCapacity,
  thresholdAfterSpecChange,
  thresholdFor,
} from '../../constructs/scaling';

describe('thresholdFor', () => {
  test.each([
    { rate: 1, seconds: 30, expected: 30 },
    { rate: 50, seconds: 60, expected: 3000 },
    { rate: 0.29, seconds: 100, expected: 29 }, // 0.29 × 100 is 28.999… in binary
    { rate: 2.5, seconds: 3, expected: 7 },
    { rate: 0.01, seconds: 10, expected: 1 }, // at least 1: KEDA requires threshold > 0
  ])('$rate msg/s for $seconds s → $expected', ({ rate, seconds, expected }) => {
    expect(thresholdFor({ messagesPerSecondPerPod: rate, targetDrainSeconds: seconds })).toBe(expected);
  });

  test.each([
    [{ messagesPerSecondPerPod: 0, targetDrainSeconds: 1 }, /messagesPerSecondPerPod must be > 0/],
    [{ messagesPerSecondPerPod: 1, targetDrainSeconds: -1 }, /targetDrainSeconds must be > 0/],
    [
      { messagesPerSecondPerPod: Number.POSITIVE_INFINITY, targetDrainSeconds: 1 },
      /messagesPerSecondPerPod must be a finite number/,
    ],
  ])('rejects %o', (input, message) => {
    expect(() => thresholdFor(input)).toThrow(RangeError);
    expect(() => thresholdFor(input)).toThrow(message);
  });
});

describe('maxUsefulReplicas', () => {
  test('queue-based balancing caps at the queue count', () => {
    expect(maxUsefulReplicas({ loadBalancing: 'queue', queueCount: 8 })).toBe(8);
  });
  test('message-based balancing is unbounded', () => {
    expect(maxUsefulReplicas({ loadBalancing: 'message' })).toBe(Number.POSITIVE_INFINITY);
  });
  test('rejects a missing or invalid queue count', () => {
    expect(() => maxUsefulReplicas({ loadBalancing: 'queue' })).toThrow(/queueCount is required/);
    expect(() => maxUsefulReplicas({ loadBalancing: 'queue', queueCount: 0 })).toThrow(
      /queueCount must be >= 1/,
    );
    expect(() => maxUsefulReplicas({ loadBalancing: 'broadcast' as 'queue' })).toThrow(
      /loadBalancing must be/,
    );
  });
});

describe('serverlessCapacity', () => {
  test('shared cumulative: 50,000 lossless, 300,000 max, adaptive', () => {
    expect(serverlessCapacity({ mode: 'shared-cumulative' })).toEqual({
      losslessTps: 50_000,
      maxThrottleTps: 300_000,
      adaptiveElasticity: true,
    });
  });
  test('shared reserved R: 3R lossless, min(300,000, 10R) max', () => {
    expect(serverlessCapacity({ mode: 'shared-reserved', reservedTps: 2000 })).toEqual({
      losslessTps: 6000,
      maxThrottleTps: 20_000,
      adaptiveElasticity: true,
    });
    expect(serverlessCapacity({ mode: 'shared-reserved', reservedTps: 50_000 }).maxThrottleTps).toBe(300_000);
  });
  test('dedicated reserved R: 1.5R lossless and max, not adaptive', () => {
    expect(serverlessCapacity({ mode: 'dedicated-reserved', reservedTps: 10_000 })).toEqual({
      losslessTps: 15_000,
      maxThrottleTps: 15_000,
      adaptiveElasticity: false,
    });
  });
  test('reserved modes need a positive reservedTps', () => {
    expect(() => serverlessCapacity({ mode: 'shared-reserved' })).toThrow(
      /reservedTps is required for mode shared-reserved/,
    );
    expect(() => serverlessCapacity({ mode: 'dedicated-reserved', reservedTps: 0 })).toThrow(
      /reservedTps must be > 0/,
    );
    expect(() => serverlessCapacity({ mode: 'nope' as 'shared-cumulative' })).toThrow(/mode must be/);
  });
});

describe('thresholdAfterSpecChange', () => {
  test('an upgrade raises the threshold, a downgrade never lowers it', () => {
    expect(thresholdAfterSpecChange(5000, 15_000)).toBe(15_000);
    expect(thresholdAfterSpecChange(15_000, 6000)).toBe(15_000);
  });
  test('rejects non-positive values', () => {
    expect(() => thresholdAfterSpecChange(0, 1)).toThrow(/currentThreshold must be > 0/);
    expect(() => thresholdAfterSpecChange(1, Number.NaN)).toThrow(/newLossless must be a finite number/);
  });
});
