import { simulate, type SimulationInput } from '../../constructs/scaling';

/** The arrival-rate trigger alone in effect (10 msg/s per replica), pods that consume nothing. */
const input = (arrivals: SimulationInput['traffic']['arrivals']): SimulationInput => ({
  scaling: {
    threshold: 1_000_000,
    arrivalRateThreshold: 10,
    minReplicas: 1,
    maxReplicas: 10,
    fallback: false,
  },
  workload: { messagesPerSecondPerPod: 0 },
  traffic: { arrivals, externalDrain: arrivals },
  timing: { hpaSyncSeconds: 5, metricStalenessSeconds: 1 },
  durationSeconds: 40,
});
const replicasAt = (arrivals: SimulationInput['traffic']['arrivals'], t: number): number =>
  simulate(input(arrivals)).timeline.find((p) => p.t === t)!.replicas;

describe('simulate: the arrival-rate window in the first minute', () => {
  test('rate() divides by the whole 1m range: a topic quiet before t = 5 reads 4 msg/s at the sync at t = 10', () => {
    // 60 msg/s during [5, 9) seen at t = 10 (1 s stale): 240 messages / 60 s = 4 msg/s -> 1 replica, not
    // 240 / 9 s = 26.7 msg/s (Prometheus promql/functions.go extrapolatedRate divides by the range).
    const burst = [
      { fromSecond: 0, ratePerSecond: 0 },
      { fromSecond: 5, ratePerSecond: 60 },
    ];
    expect(replicasAt(burst, 11)).toBe(1);
    // The sync at 30: 24 s of 60 msg/s over 60 s = 24 msg/s -> 3.
    expect(replicasAt(burst, 31)).toBe(3);
  });

  test('traffic already flowing at t = 0 is taken as steady before it: 60 msg/s reads 60 at once', () => {
    // 6 replicas wanted from the first sync: the legacy limit max(2 × 1, 4) = 4 at t = 0, then 6 at t = 5.
    expect(replicasAt([{ fromSecond: 0, ratePerSecond: 60 }], 1)).toBe(4);
    expect(replicasAt([{ fromSecond: 0, ratePerSecond: 60 }], 6)).toBe(6);
  });
});
