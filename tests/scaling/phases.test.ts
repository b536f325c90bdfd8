import fc from 'fast-check';
import { propertyRuns } from './property-runs';
import { simulate, simulateAcrossPhases, timerPhases, type SimulationInput } from '../../constructs/scaling';

describe('timerPhases', () => {
  test.each([
    [30, 15, 1, [0, 15], [0, 5, 10]],
    [15, 15, 1, [0, 7], [0, 5, 10]],
    [30, 15, 5, [0, 15], [0, 5, 10]],
    [30, 15, 15, [0, 15], [0]],
    [1, 15, 1, [0], [0, 5, 10]],
  ])('polling %i s, sync %i s, step %i s: KEDA at %j, HPA at %j', (polling, sync, step, keda, hpa) => {
    const phases = timerPhases(polling, sync, step);
    expect([...new Set(phases.map((p) => p.kedaPhaseSeconds))]).toEqual(keda);
    expect([...new Set(phases.map((p) => p.hpaPhaseSeconds))]).toEqual(hpa);
    expect(phases).toHaveLength(keda.length * hpa.length);
  });
});

describe('simulateAcrossPhases', () => {
  test('the ranges hold the aligned run, which is one of the placements', () => {
    const scenario = fc.record({
      threshold: fc.integer({ min: 20, max: 400 }),
      rates: fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 4 }),
      polling: fc.constantFrom(15, 30, 60),
      behavior: fc.boolean(),
    });
    fc.assert(
      fc.property(scenario, (c) => {
        const input: SimulationInput = {
          scaling: {
            threshold: c.threshold,
            minReplicas: 1,
            maxReplicas: 12,
            pollingIntervalSeconds: c.polling,
            ...(c.behavior && { behavior: {} }),
          },
          workload: { messagesPerSecondPerPod: 25, startupSeconds: 10, targetDrainSeconds: 60 },
          traffic: { arrivals: c.rates.map((r, i) => ({ fromSecond: i * 240, ratePerSecond: r })) },
          durationSeconds: c.rates.length * 240,
        };
        const aligned = simulate(input).summary;
        const spread = simulateAcrossPhases(input);
        expect(spread.phases).toContainEqual({ kedaPhaseSeconds: 0, hpaPhaseSeconds: 0 });
        for (const key of ['p99WaitSeconds', 'secondsOverDrainTarget', 'replicaSeconds'] as const) {
          expect(spread[key].min).toBeLessThanOrEqual(aligned[key]);
          expect(spread[key].max).toBeGreaterThanOrEqual(aligned[key]);
        }
      }),
      { numRuns: propertyRuns(25, 5) },
    );
  });

  test("given the input's own summary, the same spread, that placement taken from it and not run again", () => {
    const input: SimulationInput = {
      scaling: { threshold: 100, minReplicas: 1, maxReplicas: 20, pollingIntervalSeconds: 30 },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 5, targetDrainSeconds: 10 },
      traffic: {
        arrivals: [
          { fromSecond: 0, ratePerSecond: 5 },
          { fromSecond: 100, ratePerSecond: 120 },
          { fromSecond: 400, ratePerSecond: 10 },
        ],
      },
      durationSeconds: 900,
      // Its own placement is one of the six: KEDA at 15 s (half of 30), the HPA at 0 s.
      timing: { kedaPhaseSeconds: 15, hpaPhaseSeconds: 0 },
    };
    const own = simulate(input).summary;
    expect(simulateAcrossPhases(input, own)).toEqual(simulateAcrossPhases(input));
    // A marked summary shows where it went: only into its own placement's figures.
    const marked = { ...own, oscillations: 1_000 };
    expect(simulateAcrossPhases(input, marked).oscillations.max).toBe(1_000);
    expect(simulateAcrossPhases(input).oscillations.max).toBeLessThan(1_000);
  });

  test('a traffic step waits for the next HPA sync, so the earliest placement misses the target least', () => {
    const input: SimulationInput = {
      scaling: { threshold: 100, minReplicas: 1, maxReplicas: 20 },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0, targetDrainSeconds: 10 },
      traffic: {
        arrivals: [
          { fromSecond: 0, ratePerSecond: 0 },
          { fromSecond: 60, ratePerSecond: 100 },
        ],
      },
      durationSeconds: 600,
      timing: { metricStalenessSeconds: 0 },
    };
    const at = (hpaPhaseSeconds: number) =>
      simulate({ ...input, timing: { ...input.timing, hpaPhaseSeconds } });
    // The backlog passes threshold × 1.1 at 62 s; the first sync after it is at 75, 65 or 70 s.
    const runs = [0, 5, 10].map(at);
    expect(runs.map((r) => r.timeline.find((p) => p.replicas > 1)!.t)).toEqual([76, 66, 71]);
    const over = runs.map((r) => r.summary.secondsOverDrainTarget);
    const spread = simulateAcrossPhases(input);
    expect(spread.secondsOverDrainTarget.min).toBe(over[1]);
    expect(spread.secondsOverDrainTarget.max).toBe(over[0]);
    expect(over[0]).toBeGreaterThan(over[2]);
    expect(over[2]).toBeGreaterThan(over[1]);
  });
});
