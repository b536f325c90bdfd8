import { kedaActivation } from '../../constructs/scaling';

// Source: kedacore/keda pkg/scaling/executor/scale_scaledobjects.go RequestScale, scaleFromZeroOrIdle,
// scaleToZeroOrIdle (idle mode: below minReplicaCount; scale-in once lastActive + cooldown is before now).
describe('kedaActivation: idleReplicaCount edges', () => {
  const idleMode = { activationThreshold: 0, minReplicaCount: 3, idleReplicaCount: 0 };

  test('active below min with an idle count: back to min, even from a count above zero', () => {
    expect(kedaActivation({ ...idleMode, currentReplicas: 1, metricValue: 1 })).toEqual({
      active: true,
      replicas: 3,
      action: 'scaleFromZeroOrIdle',
    });
    // At min the HPA is in charge.
    expect(kedaActivation({ ...idleMode, currentReplicas: 3, metricValue: 1 })).toEqual({
      active: true,
      replicas: 3,
      action: 'none',
    });
  });

  test('inactive at the idle count: nothing to do', () => {
    expect(kedaActivation({ ...idleMode, currentReplicas: 0, metricValue: 0 })).toEqual({
      active: false,
      replicas: 0,
      action: 'none',
    });
  });

  test('inactive above the idle count: waits for the cooldown, then goes to the idle count (not min)', () => {
    const input = {
      ...idleMode,
      idleReplicaCount: 1,
      currentReplicas: 5,
      metricValue: 0,
      cooldownPeriod: 60,
    };
    expect(kedaActivation({ ...input, secondsSinceLastActive: 60 })).toEqual({
      active: false,
      replicas: 5,
      action: 'none',
    });
    expect(kedaActivation({ ...input, secondsSinceLastActive: 60.5 })).toEqual({
      active: false,
      replicas: 1,
      action: 'scaleToZeroOrIdle',
    });
  });

  test('cooldown 0: scale-in at the first inactive poll after any time at all', () => {
    const input = {
      activationThreshold: 0,
      minReplicaCount: 0,
      currentReplicas: 2,
      metricValue: 0,
      cooldownPeriod: 0,
    };
    expect(kedaActivation({ ...input, secondsSinceLastActive: 0 }).replicas).toBe(2);
    expect(kedaActivation({ ...input, secondsSinceLastActive: 0.5 }).replicas).toBe(0);
  });

  test('a negative activation threshold makes a zero metric active', () => {
    expect(
      kedaActivation({ activationThreshold: -1, minReplicaCount: 0, currentReplicas: 0, metricValue: 0 }),
    ).toEqual({ active: true, replicas: 1, action: 'scaleFromZeroOrIdle' });
  });

  test.each<[string, Parameters<typeof kedaActivation>[0], string]>([
    [
      'activationThreshold NaN',
      { activationThreshold: NaN, minReplicaCount: 0, currentReplicas: 0, metricValue: 0 },
      'activationThreshold must be a finite number, got NaN',
    ],
    [
      'secondsSinceLastActive -1',
      {
        activationThreshold: 0,
        minReplicaCount: 0,
        currentReplicas: 0,
        metricValue: 0,
        secondsSinceLastActive: -1,
      },
      'secondsSinceLastActive must be >= 0, got -1',
    ],
    [
      'idleReplicaCount -1',
      {
        activationThreshold: 0,
        minReplicaCount: 1,
        currentReplicas: 0,
        metricValue: 0,
        idleReplicaCount: -1,
      },
      'idleReplicaCount must be >= 0, got -1',
    ],
    [
      'idleReplicaCount = minReplicaCount',
      { activationThreshold: 0, minReplicaCount: 2, currentReplicas: 0, metricValue: 0, idleReplicaCount: 2 },
      'idleReplicaCount (2) must be < minReplicaCount (2)',
    ],
    [
      'metricValue -1',
      { activationThreshold: 0, minReplicaCount: 0, currentReplicas: 0, metricValue: -1 },
      'metricValue must be >= 0, got -1',
    ],
  ])('rejects %s', (_name, input, message) => {
    expect(() => kedaActivation(input)).toThrow(new RangeError(message));
  });
});
