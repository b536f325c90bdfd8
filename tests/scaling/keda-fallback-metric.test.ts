import { fallbackMetricReplicas, kedaSupportsFallbackBehavior } from '../../constructs/scaling';

// Source: kedacore/keda v2.17.2 pkg/fallback/fallback.go doFallback: the replicas the fallback metric stands for,
// by fallback.behavior (static when unset).
describe('fallbackMetricReplicas', () => {
  test.each([
    [undefined, 5, 3, 5],
    ['static', 5, 3, 5],
    ['currentReplicas', 5, 3, 3],
    ['currentReplicasIfHigher', 5, 3, 5],
    ['currentReplicasIfHigher', 2, 3, 3],
    ['currentReplicasIfLower', 5, 3, 3],
    ['currentReplicasIfLower', 2, 3, 2],
  ] as const)('%s with fallback %i at %i replicas: %i', (behavior, fallback, current, expected) => {
    expect(fallbackMetricReplicas(fallback, current, behavior)).toBe(expected);
  });

  test('fallback.behavior exists from KEDA 2.17.0 (kedacore/keda#6464)', () => {
    expect(kedaSupportsFallbackBehavior('2.16.9')).toBe(false);
    expect(kedaSupportsFallbackBehavior('2.17.0')).toBe(true);
  });
});
