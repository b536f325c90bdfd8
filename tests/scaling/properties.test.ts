import fc from 'fast-check';
import { propertyRuns } from './property-runs';
import {
  hpaExternalProposal,
  hpaNormalize,
  type HpaBehavior,
  type HpaNormalizeInput,
  type HpaState,
} from '../../constructs/scaling';

const policy = fc.record({
  type: fc.constantFrom('Pods' as const, 'Percent' as const),
  value: fc.integer({ min: 1, max: 500 }),
  periodSeconds: fc.integer({ min: 1, max: 600 }),
});
const scalingRules = fc.record(
  {
    stabilizationWindowSeconds: fc.integer({ min: 0, max: 600 }),
    selectPolicy: fc.constantFrom('Max' as const, 'Min' as const, 'Disabled' as const),
    policies: fc.array(policy, { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: [] },
);
const behavior: fc.Arbitrary<HpaBehavior | undefined> = fc.option(
  fc.record({ scaleUp: scalingRules, scaleDown: scalingRules }, { requiredKeys: [] }),
  { nil: undefined },
);
const NOW = 5000;
const history: fc.Arbitrary<HpaState> = fc.record({
  recommendations: fc.array(
    fc.record({ at: fc.integer({ min: NOW - 900, max: NOW }), replicas: fc.integer({ min: 0, max: 200 }) }),
    { maxLength: 8 },
  ),
  scaleUpEvents: fc.array(
    fc.record({ at: fc.integer({ min: NOW - 900, max: NOW }), change: fc.integer({ min: 1, max: 50 }) }),
    { maxLength: 5 },
  ),
  scaleDownEvents: fc.array(
    fc.record({ at: fc.integer({ min: NOW - 900, max: NOW }), change: fc.integer({ min: 1, max: 50 }) }),
    { maxLength: 5 },
  ),
});
const bounds = fc
  .tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 200 }))
  .filter(([min, max]) => min <= max);

/** A reconciliation outside the guard branches: current within [min, max], not the 0-with-min>0 case (see guardScenario). */
interface Scenario {
  input: HpaNormalizeInput;
  /** The proposal clamped to [min, max]. */
  clampedDesired: number;
}
const scenario: fc.Arbitrary<Scenario> = fc
  .tuple(
    bounds,
    fc.integer({ min: 0, max: 400 }),
    fc.nat(400),
    behavior,
    fc.option(history, { nil: undefined }),
  )
  .map(([[min, max], desired, currentSeed, b, state]) => {
    const current = min + (currentSeed % (max - min + 1));
    const input: HpaNormalizeInput = {
      now: NOW,
      currentReplicas: current,
      desiredReplicas: desired,
      minReplicas: min,
      maxReplicas: max,
      behavior: b,
      state,
    };
    return { input, clampedDesired: Math.min(max, Math.max(min, desired)) };
  })
  .filter(({ input }) => !(input.currentReplicas === 0 && input.minReplicas !== 0));

/**
 * The guard branches of reconcileAutoscaler: current above max, current below min (above 0), and 0 with
 * min > 0 (scaling disabled). Whatever the proposal, behavior and history, the guard decides alone.
 */
type Guard = 'AboveMaxReplicas' | 'BelowMinReplicas' | 'ScalingDisabled';
const guardScenario: fc.Arbitrary<{ input: HpaNormalizeInput; guard: Guard; expected: number }> = fc
  .tuple(
    bounds,
    fc.constantFrom<Guard>('AboveMaxReplicas', 'BelowMinReplicas', 'ScalingDisabled'),
    fc.integer({ min: 1, max: 300 }),
    fc.integer({ min: 0, max: 400 }),
    behavior,
    fc.option(history, { nil: undefined }),
  )
  .filter(([[min], guard]) => guard === 'AboveMaxReplicas' || min >= (guard === 'BelowMinReplicas' ? 2 : 1))
  .map(([[min, max], guard, offset, desired, b, state]) => {
    const current =
      guard === 'AboveMaxReplicas'
        ? max + offset
        : guard === 'BelowMinReplicas'
          ? 1 + (offset % (min - 1))
          : 0;
    const expected = guard === 'AboveMaxReplicas' ? max : guard === 'BelowMinReplicas' ? min : 0;
    const input: HpaNormalizeInput = {
      now: NOW,
      currentReplicas: current,
      desiredReplicas: desired,
      minReplicas: min,
      maxReplicas: max,
      behavior: b,
      state,
    };
    return { input, guard, expected };
  });

describe('scaling properties: the guard branches', () => {
  test('current > max goes to max, 0 < current < min to min, 0 with min > 0 stays: no proposal, no stabilization', () => {
    const seen = new Set<Guard>();
    fc.assert(
      fc.property(guardScenario, ({ input, guard, expected }) => {
        seen.add(guard);
        const result = hpaNormalize(input);
        expect({ replicas: result.replicas, reason: result.reason }).toEqual({
          replicas: expected,
          reason: guard,
        });
        expect(result.stabilizedReplicas).toBeUndefined();
        // The recommendation history is left as it was (the first sight seeds it with the current count).
        expect(result.state.recommendations).toEqual(
          input.state?.recommendations ?? [{ at: NOW, replicas: input.currentReplicas }],
        );
      }),
      { numRuns: propertyRuns(1500) },
    );
    expect([...seen].sort()).toEqual(['AboveMaxReplicas', 'BelowMinReplicas', 'ScalingDisabled']);
  });

  test('with behavior a guard move is recorded as a scale event, without behavior none is', () => {
    fc.assert(
      fc.property(
        guardScenario.filter(({ guard }) => guard !== 'ScalingDisabled'),
        ({ input, expected }) => {
          const before = input.state ?? { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
          const events = (s: HpaState) => s.scaleUpEvents.length + s.scaleDownEvents.length;
          const withBehavior = hpaNormalize({ ...input, behavior: input.behavior ?? {} });
          const change = Math.abs(expected - input.currentReplicas);
          const recorded = [
            ...withBehavior.state.scaleUpEvents,
            ...withBehavior.state.scaleDownEvents,
          ].filter((e) => e.at === NOW && e.change === change);
          expect(recorded.length).toBeGreaterThanOrEqual(1);
          const legacy = hpaNormalize({ ...input, behavior: undefined });
          expect(events(legacy.state)).toBe(events(before));
        },
      ),
      { numRuns: propertyRuns(1000) },
    );
  });
});

describe('scaling properties', () => {
  test('outside the guard branches the result is always within [min, max]', () => {
    fc.assert(
      fc.property(scenario, ({ input }) => {
        const { replicas } = hpaNormalize(input);
        expect(replicas).toBeGreaterThanOrEqual(input.minReplicas);
        expect(replicas).toBeLessThanOrEqual(input.maxReplicas);
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  test('with behavior, nothing moves against the proposal direction', () => {
    fc.assert(
      fc.property(scenario, ({ input, clampedDesired }) => {
        const current = input.currentReplicas;
        const { replicas } = hpaNormalize({
          ...input,
          desiredReplicas: clampedDesired,
          behavior: input.behavior ?? {},
        });
        // It holds, or moves the way the proposal points.
        expect([0, Math.sign(clampedDesired - current)]).toContain(Math.sign(replicas - current));
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  test('without behavior, limits never move against the stabilized recommendation', () => {
    // The legacy stabilization is max(desired, recent recommendations): when the history holds a count above
    // the current one, upstream scales up even though the proposal says "hold" (see the unit test below).
    fc.assert(
      fc.property(scenario, ({ input, clampedDesired }) => {
        const current = input.currentReplicas;
        const result = hpaNormalize({ ...input, desiredReplicas: clampedDesired, behavior: undefined });
        const stabilized = result.stabilizedReplicas ?? clampedDesired;
        const moved = Math.sign(result.replicas - current);
        expect(stabilized).toBeGreaterThanOrEqual(clampedDesired);
        expect([0, Math.sign(stabilized - current)]).toContain(moved);
        // A proposal to hold or grow never shrinks.
        expect(moved).toBeGreaterThanOrEqual(Math.min(0, Math.sign(clampedDesired - current)));
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  test('legacy quirk: a recent higher recommendation raises a steady workload', () => {
    const result = hpaNormalize({
      now: NOW,
      currentReplicas: 2,
      desiredReplicas: 2,
      minReplicas: 1,
      maxReplicas: 10,
      state: { recommendations: [{ at: NOW - 60, replicas: 5 }], scaleUpEvents: [], scaleDownEvents: [] },
    });
    expect(result).toMatchObject({ replicas: 4, reason: 'ScaleUpLimit', stabilizedReplicas: 5 });
  });

  test('the replica outcome is monotone in the metric value for a fixed state', () => {
    fc.assert(
      fc.property(
        scenario.filter(({ input }) => input.currentReplicas > 0),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        ({ input }, threshold, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const replicasFor = (metricValue: number): number => {
            const desired = hpaExternalProposal({
              statusReplicas: input.currentReplicas,
              metricValue,
              targetAverageValue: threshold,
            });
            return hpaNormalize({ ...input, desiredReplicas: desired }).replicas;
          };
          expect(replicasFor(low)).toBeLessThanOrEqual(replicasFor(high));
        },
      ),
      { numRuns: propertyRuns(2000) },
    );
  });

  test('pure: the input, including its state, is never mutated', () => {
    fc.assert(
      fc.property(scenario, history, ({ input }, state) => {
        const withState = { ...input, state };
        const before = structuredClone(withState);
        const result = hpaNormalize(withState);
        expect(withState).toEqual(before);
        expect(result.state).not.toBe(state);
        expect(hpaNormalize(withState)).toEqual(result);
      }),
      { numRuns: propertyRuns(1000) },
    );
  });
});
