import {
  convertDesiredReplicasWithBehaviorRate,
  resolveBehavior,
  scaleUpLimitWithRules,
  type HpaState,
} from '../../constructs/scaling';

// Source: kubernetes pkg/controller/podautoscaler/horizontal.go calculateScaleUpLimitWithScalingRules (with
// selectPolicy Disabled the limit is the current count, whatever the policies would allow) and
// convertDesiredReplicasWithBehaviorRate (only a desired count above the allowed maximum is limited).
const NOW = 1000;
const none: HpaState = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };

describe('scale-up selectPolicy Disabled', () => {
  const disabledUp = resolveBehavior({
    scaleUp: { selectPolicy: 'Disabled', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] },
  });

  test('the limit is the current count, not current + 4', () => {
    expect(scaleUpLimitWithRules(10, none, disabledUp.scaleUp, NOW)).toBe(10);
  });

  test('a desired count above the current one stays at the current one', () => {
    // The limit max(10, 10) = 10 is below maxReplicas 20, so the reason is the rate limit.
    expect(
      convertDesiredReplicasWithBehaviorRate({
        currentReplicas: 10,
        desiredReplicas: 15,
        minReplicas: 1,
        maxReplicas: 20,
        behavior: disabledUp,
        state: none,
        now: NOW,
      }),
    ).toEqual({ replicas: 10, reason: 'ScaleUpLimit' });
  });
});

describe('scale-up limit reached exactly', () => {
  const podsUp = resolveBehavior({ scaleUp: { policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] } });

  test('desired equal to the rate limit is within range, not limited', () => {
    // From 10 the limit is 10 + 4 = 14, below maxReplicas 20: desired 14 passes as it is.
    expect(
      convertDesiredReplicasWithBehaviorRate({
        currentReplicas: 10,
        desiredReplicas: 14,
        minReplicas: 1,
        maxReplicas: 20,
        behavior: podsUp,
        state: none,
        now: NOW,
      }),
    ).toEqual({ replicas: 14, reason: 'DesiredWithinRange' });
  });
});
