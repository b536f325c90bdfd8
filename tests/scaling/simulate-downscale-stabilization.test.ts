import { simulate, type SimulationInput } from '../../constructs/scaling';

/** The seed guide's config: backlog 300 from t = 5, gone at t = 60; pods consume nothing. */
const input = (timing: SimulationInput['timing']): SimulationInput => ({
  scaling: { threshold: 30, minReplicas: 2, maxReplicas: 10 },
  workload: { messagesPerSecondPerPod: 0 },
  traffic: {
    arrivals: [
      { fromSecond: 0, ratePerSecond: 0 },
      { fromSecond: 5, ratePerSecond: 300 },
      { fromSecond: 6, ratePerSecond: 0 },
    ],
    externalDrain: [
      { fromSecond: 0, ratePerSecond: 0 },
      { fromSecond: 60, ratePerSecond: 300 },
      { fromSecond: 61, ratePerSecond: 0 },
    ],
  },
  timing: { hpaSyncSeconds: 5, metricStalenessSeconds: 1, ...timing },
  durationSeconds: 400,
});

/** The first second at which spec.replicas is `replicas` after `after`. */
const firstAt = (timing: SimulationInput['timing'], replicas: number, after: number): number =>
  simulate(input(timing)).timeline.find((p) => p.t > after && p.replicas === replicas)!.t;

describe('simulate: the legacy downscale stabilization window', () => {
  test('kube-controller-manager --horizontal-pod-autoscaler-downscale-stabilization sets it (30 s)', () => {
    // The last recommendation of 10 is the sync at t = 60 (the metric is 1 s stale); the legacy window keeps
    // one exactly at now - 30 (horizontal.go stabilizeRecommendation drops only those Before the cutoff), so the
    // sync at 95 is the first without it: spec.replicas is 2 from the timeline point 96.
    expect(firstAt({ hpaDownscaleStabilizationSeconds: 30 }, 2, 20)).toBe(96);
  });

  test('defaults to the flag default, 300 s', () => {
    // The same cut-off 300 s after t = 60: the sync at 365.
    expect(firstAt({}, 2, 20)).toBe(366);
  });

  test('is refused when negative or fractional', () => {
    expect(() => simulate(input({ hpaDownscaleStabilizationSeconds: -1 }))).toThrow(
      /timing.hpaDownscaleStabilizationSeconds/,
    );
    expect(() => simulate(input({ hpaDownscaleStabilizationSeconds: 1.5 }))).toThrow(
      /timing.hpaDownscaleStabilizationSeconds/,
    );
  });
});
