import { kedaActivation } from '../../constructs/scaling';

describe('kedaActivation', () => {
  const base = { activationThreshold: 0, minReplicaCount: 0 };

  test('activation is strictly above the threshold', () => {
    expect(kedaActivation({ ...base, currentReplicas: 0, metricValue: 0 })).toEqual({
      active: false,
      replicas: 0,
      action: 'none',
    });
    expect(kedaActivation({ ...base, currentReplicas: 0, metricValue: 1 })).toEqual({
      active: true,
      replicas: 1,
      action: 'scaleFromZeroOrIdle',
    });
    expect(
      kedaActivation({ ...base, activationThreshold: 10, currentReplicas: 0, metricValue: 10 }).active,
    ).toBe(false);
  });

  test('from zero KEDA goes to max(minReplicaCount, 1); the HPA takes it from there', () => {
    expect(
      kedaActivation({
        ...base,
        minReplicaCount: 3,
        idleReplicaCount: 0,
        currentReplicas: 0,
        metricValue: 5,
      }),
    ).toEqual({
      active: true,
      replicas: 3,
      action: 'scaleFromZeroOrIdle',
    });
    expect(kedaActivation({ ...base, currentReplicas: 4, metricValue: 5 })).toEqual({
      active: true,
      replicas: 4,
      action: 'none',
    });
  });

  test('scale to zero waits until the cooldown has strictly elapsed', () => {
    const idle = { ...base, currentReplicas: 2, metricValue: 0, cooldownPeriod: 300 };
    expect(kedaActivation({ ...idle, secondsSinceLastActive: 300 })).toEqual({
      active: false,
      replicas: 2,
      action: 'none',
    });
    expect(kedaActivation({ ...idle, secondsSinceLastActive: 301 })).toEqual({
      active: false,
      replicas: 0,
      action: 'scaleToZeroOrIdle',
    });
    // No LastActiveTime recorded: KEDA scales in at once.
    expect(kedaActivation(idle).replicas).toBe(0);
  });

  test('the default cooldown is 300 s', () => {
    const idle = { ...base, currentReplicas: 2, metricValue: 0 };
    expect(kedaActivation({ ...idle, secondsSinceLastActive: 300 }).replicas).toBe(2);
    expect(kedaActivation({ ...idle, secondsSinceLastActive: 301 }).replicas).toBe(0);
  });

  test('with minReplicaCount > 0 and no idle count, KEDA never scales to zero and restores min', () => {
    expect(kedaActivation({ ...base, minReplicaCount: 2, currentReplicas: 2, metricValue: 0 }).replicas).toBe(
      2,
    );
    expect(kedaActivation({ ...base, minReplicaCount: 2, currentReplicas: 0, metricValue: 0 })).toEqual({
      active: false,
      replicas: 2,
      action: 'scaleToMinReplicas',
    });
  });

  test('idleReplicaCount: inactive goes to the idle count after cooldown', () => {
    expect(
      kedaActivation({
        ...base,
        minReplicaCount: 2,
        idleReplicaCount: 0,
        currentReplicas: 5,
        metricValue: 0,
        secondsSinceLastActive: 400,
      }),
    ).toEqual({ active: false, replicas: 0, action: 'scaleToZeroOrIdle' });
  });

  test.each([
    [{ ...base, currentReplicas: -1, metricValue: 0 }, /currentReplicas must be >= 0/],
    [{ ...base, currentReplicas: 0, metricValue: Number.NaN }, /metricValue must be a finite number/],
    [
      { ...base, currentReplicas: 0, metricValue: 0, minReplicaCount: 1.5 },
      /minReplicaCount must be an integer/,
    ],
    [
      { ...base, currentReplicas: 0, metricValue: 0, idleReplicaCount: 0 },
      /idleReplicaCount \(0\) must be < minReplicaCount \(0\)/,
    ],
    [{ ...base, currentReplicas: 0, metricValue: 0, cooldownPeriod: -1 }, /cooldownPeriod must be >= 0/],
    [
      { ...base, currentReplicas: 0, metricValue: 0, secondsSinceLastActive: -1 },
      /secondsSinceLastActive must be >= 0/,
    ],
  ] as [Parameters<typeof kedaActivation>[0], RegExp][])('rejects %o', (input, message) => {
    expect(() => kedaActivation(input)).toThrow(RangeError);
    expect(() => kedaActivation(input)).toThrow(message);
  });
});
