import {
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  legacyScaleUpLimit,
  resolveBehavior,
  scaleDownLimitWithRules,
  scaleUpLimitWithRules,
  type HpaState,
} from '../../constructs/scaling';

// Source: kubernetes pkg/controller/podautoscaler/horizontal.go convertDesiredReplicasWithRules,
// convertDesiredReplicasWithBehaviorRate, getReplicasChangePerPeriod (events strictly After now − period),
// calculateScaleUpLimitWithScalingRules, calculateScaleDownLimitWithBehaviors.
const NOW = 1000;
const none: HpaState = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };

describe('legacy rate limit', () => {
  test('the limit is int32(max(factor × current, 4))', () => {
    expect(legacyScaleUpLimit(3)).toBe(6);
    expect(legacyScaleUpLimit(1)).toBe(4);
    // A fractional factor truncates: max(1.5 × 5, 4) = 7.5 → 7.
    expect(legacyScaleUpLimit(5, 1.5)).toBe(7);
  });

  test('max equal to the scale-up limit is TooManyReplicas, above it ScaleUpLimit', () => {
    // From 2 the limit is max(4, 4) = 4.
    expect(convertDesiredReplicasWithRules(2, 10, 1, 4)).toEqual({ replicas: 4, reason: 'TooManyReplicas' });
    expect(convertDesiredReplicasWithRules(2, 10, 1, 5)).toEqual({ replicas: 4, reason: 'ScaleUpLimit' });
  });

  test('desired equal to min or to the allowed maximum is within range', () => {
    expect(convertDesiredReplicasWithRules(2, 1, 1, 5)).toEqual({
      replicas: 1,
      reason: 'DesiredWithinRange',
    });
    expect(convertDesiredReplicasWithRules(2, 4, 1, 5)).toEqual({
      replicas: 4,
      reason: 'DesiredWithinRange',
    });
    expect(convertDesiredReplicasWithRules(2, 0, 1, 5)).toEqual({ replicas: 1, reason: 'TooFewReplicas' });
  });
});

describe('behavior rate limits', () => {
  const podsUp = resolveBehavior({ scaleUp: { policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] } });

  test('an event exactly one period old no longer counts; one a second younger does', () => {
    // Period start = current − the changes After NOW − 15.
    const at = (ago: number): HpaState => ({ ...none, scaleUpEvents: [{ at: NOW - ago, change: 4 }] });
    expect(scaleUpLimitWithRules(10, at(15), podsUp.scaleUp, NOW)).toBe(14);
    expect(scaleUpLimitWithRules(10, at(14), podsUp.scaleUp, NOW)).toBe(10);
    const down = resolveBehavior({
      scaleDown: { policies: [{ type: 'Pods', value: 2, periodSeconds: 30 }] },
    });
    const downAt = (ago: number): HpaState => ({ ...none, scaleDownEvents: [{ at: NOW - ago, change: 3 }] });
    // Start 10 (the event is gone) − 2 = 8; start 10 + 3 = 13 − 2 = 11.
    expect(scaleDownLimitWithRules(10, downAt(30), down.scaleDown, NOW)).toBe(8);
    expect(scaleDownLimitWithRules(10, downAt(29), down.scaleDown, NOW)).toBe(11);
  });

  test('max equal to the rate limit is TooManyReplicas, above it ScaleUpLimit', () => {
    const input = {
      currentReplicas: 2,
      desiredReplicas: 10,
      minReplicas: 1,
      behavior: podsUp,
      state: none,
      now: NOW,
    };
    // From 2: 2 + 4 = 6.
    expect(convertDesiredReplicasWithBehaviorRate({ ...input, maxReplicas: 6 })).toEqual({
      replicas: 6,
      reason: 'TooManyReplicas',
    });
    expect(convertDesiredReplicasWithBehaviorRate({ ...input, maxReplicas: 7 })).toEqual({
      replicas: 6,
      reason: 'ScaleUpLimit',
    });
  });

  test('min equal to the scale-down limit is TooFewReplicas, below it ScaleDownLimit', () => {
    const halve = resolveBehavior({
      scaleDown: { policies: [{ type: 'Percent', value: 50, periodSeconds: 15 }] },
    });
    const input = {
      currentReplicas: 10,
      desiredReplicas: 1,
      maxReplicas: 20,
      behavior: halve,
      state: none,
      now: NOW,
    };
    // trunc(10 × (1 − 0.5)) = 5.
    expect(convertDesiredReplicasWithBehaviorRate({ ...input, minReplicas: 5 })).toEqual({
      replicas: 5,
      reason: 'TooFewReplicas',
    });
    expect(convertDesiredReplicasWithBehaviorRate({ ...input, minReplicas: 4 })).toEqual({
      replicas: 5,
      reason: 'ScaleDownLimit',
    });
  });

  test('desired equal to current is left alone, even outside [min, max] (neither branch runs)', () => {
    const input = { behavior: resolveBehavior({}), state: none, now: NOW };
    expect(
      convertDesiredReplicasWithBehaviorRate({
        ...input,
        currentReplicas: 5,
        desiredReplicas: 5,
        minReplicas: 1,
        maxReplicas: 3,
      }),
    ).toEqual({ replicas: 5, reason: 'DesiredWithinRange' });
    expect(
      convertDesiredReplicasWithBehaviorRate({
        ...input,
        currentReplicas: 2,
        desiredReplicas: 2,
        minReplicas: 3,
        maxReplicas: 5,
      }),
    ).toEqual({ replicas: 2, reason: 'DesiredWithinRange' });
  });

  test('selectPolicy Max over several policies: the largest scale-up, the largest scale-down', () => {
    const rules = resolveBehavior({
      scaleUp: {
        policies: [
          { type: 'Pods', value: 1, periodSeconds: 15 },
          { type: 'Percent', value: 50, periodSeconds: 15 },
        ],
      },
      scaleDown: {
        policies: [
          { type: 'Pods', value: 1, periodSeconds: 15 },
          { type: 'Percent', value: 50, periodSeconds: 15 },
        ],
      },
    });
    // Up from 10: max(10 + 1, ceil(10 × 1.5) = 15) = 15; down: min(10 − 1, trunc(10 × 0.5) = 5) = 5.
    expect(scaleUpLimitWithRules(10, none, rules.scaleUp, NOW)).toBe(15);
    expect(scaleDownLimitWithRules(10, none, rules.scaleDown, NOW)).toBe(5);
    // Up from 3: ceil(3 × 1.5) = ceil(4.5) = 5; down from 3: trunc(1.5) = 1.
    expect(scaleUpLimitWithRules(3, none, rules.scaleUp, NOW)).toBe(5);
    expect(scaleDownLimitWithRules(3, none, rules.scaleDown, NOW)).toBe(1);
  });
});
