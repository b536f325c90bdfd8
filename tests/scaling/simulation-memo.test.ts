import fc from 'fast-check';
import { propertyRuns } from './property-runs';
import {
  recommend,
  simulate,
  simulateAcrossPhases,
  simulateSummary,
  SimulationMemo,
  type SimulationInput,
} from '../../constructs/scaling';

const traffic = {
  arrivals: [
    { fromSecond: 0, ratePerSecond: 40 },
    { fromSecond: 300, ratePerSecond: 400 },
    { fromSecond: 600, ratePerSecond: 40 },
  ],
};
const input: SimulationInput = {
  scaling: {
    threshold: 100,
    minReplicas: 1,
    maxReplicas: 20,
    pollingIntervalSeconds: 15,
    behavior: { scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max' } },
  },
  workload: { messagesPerSecondPerPod: 25, startupSeconds: 10, targetDrainSeconds: 60 },
  traffic,
  durationSeconds: 1200,
};
/** The same input written in another key order, down to the nested behavior. */
const reordered: SimulationInput = {
  durationSeconds: 1200,
  traffic,
  workload: { targetDrainSeconds: 60, startupSeconds: 10, messagesPerSecondPerPod: 25 },
  scaling: {
    behavior: { scaleDown: { selectPolicy: 'Max', stabilizationWindowSeconds: 60 } },
    pollingIntervalSeconds: 15,
    maxReplicas: 20,
    minReplicas: 1,
    threshold: 100,
  },
};

describe('SimulationMemo', () => {
  test('an input equal to one run before, in any key order, is not run again: its result is that run', () => {
    const memo = new SimulationMemo();
    const first = memo.simulate(input);
    expect(first).toEqual(simulate(input));
    expect(memo.simulate(reordered)).toBe(first);
    expect(memo.simulateSummary(reordered)).toBe(first.summary);
    expect(memo.counts).toEqual({ simulated: 1, remembered: 2 });
  });

  test('a summary is no timeline: a full run after it is simulated, and then answers both', () => {
    const memo = new SimulationMemo();
    const summary = memo.simulateSummary(input);
    expect(summary).toEqual(simulateSummary(input));
    expect(memo.simulateSummary(reordered)).toBe(summary);
    const full = memo.simulate(input);
    expect(full.timeline).toHaveLength(1200);
    expect(full.summary).toEqual(summary);
    expect(memo.counts).toEqual({ simulated: 2, remembered: 1 });
  });

  test.each<[string, SimulationInput]>([
    ['another threshold', { ...input, scaling: { ...input.scaling, threshold: 101 } }],
    ['another timer placement', { ...input, timing: { hpaPhaseSeconds: 5 } }],
    ['a field more', { ...input, initialReplicas: 4 }],
    ['an equal traffic that is another object', { ...input, traffic: structuredClone(traffic) }],
  ])('%s is simulated', (_, other) => {
    const memo = new SimulationMemo();
    memo.simulateSummary(input);
    expect(memo.simulateSummary(other)).toEqual(simulateSummary(other));
    expect(memo.counts).toEqual({ simulated: 2, remembered: 0 });
  });

  test('a search sharing one gives what it gives alone, and runs each distinct input once', () => {
    const scenario = fc.record({
      threshold: fc.integer({ min: 20, max: 400 }),
      rates: fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 3 }),
    });
    fc.assert(
      fc.property(scenario, (c) => {
        const sale = { arrivals: c.rates.map((r, i) => ({ fromSecond: i * 300, ratePerSecond: r })) };
        const search = {
          messagesPerSecondPerPod: 25,
          targetDrainSeconds: 60,
          minReplicas: 1,
          maxReplicas: 12,
          traffic: sale,
          durationSeconds: c.rates.length * 300,
          extraCandidates: [{ threshold: c.threshold, minReplicas: 1, maxReplicas: 12 }],
        };
        const memo = new SimulationMemo();
        expect(recommend({ ...search, memo })).toEqual(recommend(search));
        // The recommendation, as the search ran it: its run and every timer placement (it was shortlisted).
        const placed: SimulationInput = {
          scaling: recommend(search).recommended.scaling,
          workload: { messagesPerSecondPerPod: 25, targetDrainSeconds: 60 },
          traffic: sale,
          durationSeconds: search.durationSeconds,
        };
        const before = memo.counts.simulated;
        expect(simulateAcrossPhases(placed, memo.simulateSummary(placed), memo)).toEqual(
          simulateAcrossPhases(placed),
        );
        expect(memo.counts.simulated).toBe(before);
      }),
      { numRuns: propertyRuns(10, 3) },
    );
  });
});
