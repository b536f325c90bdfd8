import { hpaExternalProposal, INT32_MAX, toMilli } from '../../constructs/scaling';

// Upstream values are milli-units; the API takes units, so 8600 milli is 8.6.
const MILLI = 1000;
// Go math.MaxInt64; the nearest double is 2^63.
const MAX_INT64 = 2 ** 63;

describe('hpaExternalProposal', () => {
  // Ported from kubernetes pkg/controller/podautoscaler/replica_calculator_test.go, TestReplicaCalcExternalPerPodMetric.
  test.each([
    {
      name: 'replica count overflow saturates to MaxInt32',
      status: 1,
      usage: MAX_INT64,
      target: 1,
      expected: INT32_MAX,
    },
    {
      name: 'usage overflow with huge target leaves replicas unchanged',
      status: 1,
      usage: MAX_INT64,
      target: MAX_INT64,
      expected: 1,
    },
    { name: 'scale up', status: 3, usage: 8600, target: 2150, expected: 4 },
    { name: 'scale down', status: 5, usage: 8600, target: 2867, expected: 3 },
    { name: 'within default tolerance', status: 3, usage: 8600, target: 2900, expected: 3 },
  ])('upstream TestReplicaCalcExternalPerPodMetric: $name', ({ status, usage, target, expected }) => {
    expect(
      hpaExternalProposal({
        statusReplicas: status,
        metricValue: usage / MILLI,
        targetAverageValue: target / MILLI,
      }),
    ).toBe(expected);
  });

  test('upstream TestReplicaCalcExternalPerPodMetric: outside configurable 1% tolerance', () => {
    expect(
      hpaExternalProposal({
        statusReplicas: 3,
        metricValue: 8.6,
        targetAverageValue: 2.8,
        tolerance: { up: 0.01, down: 0.1 },
      }),
    ).toBe(4);
  });

  test('the seed example: backlog 90 with threshold 30 gives 3 replicas from 1', () => {
    expect(hpaExternalProposal({ statusReplicas: 1, metricValue: 90, targetAverageValue: 30 })).toBe(3);
  });

  test('tolerance bounds are inclusive: ratio exactly 1.1 and 0.9 keep the current count', () => {
    expect(hpaExternalProposal({ statusReplicas: 10, metricValue: 110, targetAverageValue: 10 })).toBe(10);
    expect(hpaExternalProposal({ statusReplicas: 10, metricValue: 90, targetAverageValue: 10 })).toBe(10);
    expect(hpaExternalProposal({ statusReplicas: 10, metricValue: 111, targetAverageValue: 10 })).toBe(12);
    expect(hpaExternalProposal({ statusReplicas: 10, metricValue: 89, targetAverageValue: 10 })).toBe(9);
  });

  test('zero status replicas: the ratio is not finite, so the proposal is ceil(value / target)', () => {
    expect(hpaExternalProposal({ statusReplicas: 0, metricValue: 0, targetAverageValue: 30 })).toBe(0);
    expect(hpaExternalProposal({ statusReplicas: 0, metricValue: 31, targetAverageValue: 30 })).toBe(2);
  });

  test('values are truncated to milli-units before dividing, as KEDA and the HPA do', () => {
    expect(toMilli(0.0019)).toBe(1);
    // 30.0009 → 30000 milli, exactly 1× the target of 30.
    expect(hpaExternalProposal({ statusReplicas: 3, metricValue: 90.0009, targetAverageValue: 30 })).toBe(3);
    expect(hpaExternalProposal({ statusReplicas: 1, metricValue: 30.0009, targetAverageValue: 10 })).toBe(3);
  });

  test('tolerance 0 moves on any deviation', () => {
    expect(
      hpaExternalProposal({ statusReplicas: 10, metricValue: 101, targetAverageValue: 10, tolerance: 0 }),
    ).toBe(11);
  });

  test.each([
    [{ statusReplicas: -1, metricValue: 1, targetAverageValue: 1 }, /statusReplicas must be >= 0/],
    [{ statusReplicas: 1.5, metricValue: 1, targetAverageValue: 1 }, /statusReplicas must be an integer/],
    [
      { statusReplicas: 1, metricValue: Number.NaN, targetAverageValue: 1 },
      /metricValue must be a finite number/,
    ],
    [{ statusReplicas: 1, metricValue: -1, targetAverageValue: 1 }, /metricValue must be >= 0/],
    [{ statusReplicas: 1, metricValue: 1, targetAverageValue: 0 }, /targetAverageValue must be > 0/],
    [
      { statusReplicas: 1, metricValue: 1, targetAverageValue: 0.0001 },
      /targetAverageValue must be >= 0.001/,
    ],
    [{ statusReplicas: 1, metricValue: 1, targetAverageValue: 1, tolerance: -0.1 }, /tolerance must be >= 0/],
    [
      { statusReplicas: 1, metricValue: 1, targetAverageValue: 1, tolerance: { up: 0.1, down: -1 } },
      /tolerance.down must be >= 0/,
    ],
  ])('rejects %o', (input, message) => {
    expect(() => hpaExternalProposal(input)).toThrow(RangeError);
    expect(() => hpaExternalProposal(input)).toThrow(message);
  });
});
