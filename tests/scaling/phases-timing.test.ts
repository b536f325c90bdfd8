import { simulateAcrossPhases, type SimulationInput } from '../../constructs/scaling';

// simulateAcrossPhases places the timers from the input's own HPA sync period and step, not the defaults.
const input: SimulationInput = {
  workload: { messagesPerSecondPerPod: 10 },
  traffic: { arrivals: [0] },
  durationSeconds: 120,
  scaling: { threshold: 100, minReplicas: 1, maxReplicas: 3 },
};
const hpaPhasesOf = (spread: ReturnType<typeof simulateAcrossPhases>) => [
  ...new Set(spread.phases.map((p) => p.hpaPhaseSeconds)),
];
const kedaPhasesOf = (spread: ReturnType<typeof simulateAcrossPhases>) => [
  ...new Set(spread.phases.map((p) => p.kedaPhaseSeconds)),
];

describe('simulateAcrossPhases timer placements', () => {
  test('an HPA sync of 30 s: at 0, 10 and 20 s (thirds of 30), not the 15 s default', () => {
    const spread = simulateAcrossPhases({ ...input, timing: { hpaSyncSeconds: 30 } });
    expect(hpaPhasesOf(spread)).toEqual([0, 10, 20]);
    // Polling 30 s (KEDA's default): at 0 and 15.
    expect(kedaPhasesOf(spread)).toEqual([0, 15]);
  });

  test('a step of 6 s rounds each placement down to a whole step', () => {
    // Sync 30: thirds 10 and 20 -> 6 and 18; polling 30: half 15 -> 12.
    const spread = simulateAcrossPhases({ ...input, timing: { hpaSyncSeconds: 30 }, stepSeconds: 6 });
    expect(hpaPhasesOf(spread)).toEqual([0, 6, 18]);
    expect(kedaPhasesOf(spread)).toEqual([0, 12]);
  });
});
