import { replicasForRate, simulateOracle } from '../../constructs/scaling';

describe('replicasForRate', () => {
  test.each([
    [20, 10, 2], // exactly 2 pods: no extra pod for an exact quotient
    [25, 10, 3], // ceil(2.5)
    [0.5, 10, 1], // at least 1
    [0.3, 0.1, 3], // 0.3 / 0.1 = 2.9999999999999996 in binary
    [0.1 + 0.2, 0.1, 3], // 0.30000000000000004 / 0.1 = 3.0000000000000004 in binary, still 3
    [30.01, 10, 4], // a real excess over 3 pods buys a fourth
  ])('%p msg/s at %p msg/s per pod → %p replicas', (rate, perPod, expected) => {
    expect(replicasForRate({ messagesPerSecond: rate, messagesPerSecondPerPod: perPod })).toBe(expected);
  });

  test('rejects rates that are not > 0', () => {
    expect(() => replicasForRate({ messagesPerSecond: 0, messagesPerSecondPerPod: 1 })).toThrow(
      new RangeError('messagesPerSecond must be > 0, got 0'),
    );
    expect(() => replicasForRate({ messagesPerSecond: 1, messagesPerSecondPerPod: 0 })).toThrow(
      new RangeError('messagesPerSecondPerPod must be > 0, got 0'),
    );
  });
});

describe('simulateOracle guard', () => {
  test('pods that consume nothing have no oracle', () => {
    expect(() =>
      simulateOracle({
        scaling: { threshold: 1, minReplicas: 0, maxReplicas: 1 },
        workload: { messagesPerSecondPerPod: 0 },
        traffic: { arrivals: [1] },
        durationSeconds: 10,
      }),
    ).toThrow(new RangeError('workload.messagesPerSecondPerPod must be > 0 for the oracle, got 0'));
  });

  test('the smallest positive rate has one', () => {
    const run = simulateOracle({
      scaling: { threshold: 1, minReplicas: 0, maxReplicas: 1 },
      workload: { messagesPerSecondPerPod: 0.001 },
      traffic: { arrivals: [0] },
      durationSeconds: 10,
    });
    expect(run.summary.peakReplicas).toBe(0);
  });
});
