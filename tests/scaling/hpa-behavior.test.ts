import {
  hpaNormalize,
  INT32_MAX,
  requireFinite,
  requireInt,
  requireNonNegative,
  requirePositive,
  resolveBehavior,
  type HpaBehavior,
  type HpaState,
} from '../../constructs/scaling';

describe('resolveBehavior defaults', () => {
  test('an empty behavior gets the API server defaults and the controller window for scale-down', () => {
    // Source: kubernetes pkg/apis/autoscaling/v2/defaults.go GenerateHPAScaleUpRules / GenerateHPAScaleDownRules:
    // up 0 s, Max of Pods 4 / 15 s and Percent 100 / 15 s; down Percent 100 / 15 s, window from the controller (300 s).
    expect(resolveBehavior({})).toStrictEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
    });
  });

  test('the controller window only fills a scale-down window left out', () => {
    expect(resolveBehavior({}, 60).scaleDown.stabilizationWindowSeconds).toBe(60);
    expect(resolveBehavior({}, 60).scaleUp.stabilizationWindowSeconds).toBe(0);
    expect(
      resolveBehavior({ scaleDown: { stabilizationWindowSeconds: 0 } }, 60).scaleDown
        .stabilizationWindowSeconds,
    ).toBe(0);
  });

  test('given fields are kept, and the policies are copies', () => {
    const policies = [{ type: 'Pods' as const, value: 2, periodSeconds: 60 }];
    const behavior: HpaBehavior = {
      scaleUp: { stabilizationWindowSeconds: 30, selectPolicy: 'Min', policies },
    };
    const resolved = resolveBehavior(behavior);
    expect(resolved.scaleUp).toStrictEqual({ stabilizationWindowSeconds: 30, selectPolicy: 'Min', policies });
    expect(resolved.scaleUp.policies[0]).not.toBe(policies[0]);
  });
});

describe('resolveBehavior rules: each with its exact message and the passing edge', () => {
  const policy = { type: 'Pods' as const, value: 1, periodSeconds: 15 };
  test.each<[string, HpaBehavior, string]>([
    [
      'a negative window',
      { scaleUp: { stabilizationWindowSeconds: -1 } },
      'behavior.scaleUp.stabilizationWindowSeconds must be >= 0, got -1',
    ],
    [
      'a window over an hour',
      { scaleDown: { stabilizationWindowSeconds: 3601 } },
      'behavior.scaleDown.stabilizationWindowSeconds must be <= 3600, got 3601',
    ],
    [
      'an unknown selectPolicy',
      { scaleUp: { selectPolicy: 'Sometimes' as 'Max' } },
      'behavior.scaleUp.selectPolicy must be Max, Min or Disabled, got Sometimes',
    ],
    [
      'an empty selectPolicy',
      { scaleDown: { selectPolicy: '' as 'Max' } },
      'behavior.scaleDown.selectPolicy must be Max, Min or Disabled, got ',
    ],
    [
      'no policies',
      { scaleDown: { policies: [] } },
      'behavior.scaleDown.policies must list at least one policy',
    ],
    [
      'an unknown policy type',
      { scaleUp: { policies: [policy, { ...policy, type: 'Cores' as 'Pods' }] } },
      'behavior.scaleUp.policies[1].type must be Pods or Percent, got Cores',
    ],
    [
      'a policy value 0',
      { scaleDown: { policies: [{ ...policy, value: 0 }] } },
      'behavior.scaleDown.policies[0].value must be >= 1, got 0',
    ],
    [
      'a policy period 0',
      { scaleUp: { policies: [{ ...policy, periodSeconds: 0 }] } },
      'behavior.scaleUp.policies[0].periodSeconds must be >= 1, got 0',
    ],
    [
      'a policy period over 30 min',
      { scaleUp: { policies: [policy, { ...policy, periodSeconds: 1801 }] } },
      'behavior.scaleUp.policies[1].periodSeconds must be <= 1800, got 1801',
    ],
  ])('rejects %s', (_name, behavior, message) => {
    expect(() => resolveBehavior(behavior)).toThrow(new RangeError(message));
  });

  test('accepts the edges: windows 0 and 3600, each selectPolicy and type, value 1, periods 1 and 1800', () => {
    const edges: HpaBehavior = {
      scaleUp: {
        stabilizationWindowSeconds: 3600,
        selectPolicy: 'Disabled',
        policies: [
          { type: 'Percent', value: 1, periodSeconds: 1 },
          { type: 'Pods', value: 1, periodSeconds: 1800 },
        ],
      },
      scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Min', policies: [policy] },
    };
    expect(resolveBehavior(edges)).toStrictEqual(edges);
    expect(resolveBehavior({ scaleUp: { selectPolicy: 'Max' } }).scaleUp.selectPolicy).toBe('Max');
  });
});

describe('hpaNormalize state validation', () => {
  const ok = { now: 100, currentReplicas: 1, desiredReplicas: 1, minReplicas: 1, maxReplicas: 2 };
  const empty: HpaState = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
  test.each<[string, HpaState, string]>([
    [
      'recommendations not an array',
      { ...empty, recommendations: undefined as unknown as [] },
      'state.recommendations must be an array',
    ],
    [
      'scaleUpEvents not an array',
      { ...empty, scaleUpEvents: {} as [] },
      'state.scaleUpEvents must be an array',
    ],
    [
      'scaleDownEvents not an array',
      { ...empty, scaleDownEvents: null as unknown as [] },
      'state.scaleDownEvents must be an array',
    ],
    [
      'a recommendation at NaN',
      { ...empty, recommendations: [{ at: NaN, replicas: 1 }] },
      'state.recommendations[0].at must be a finite number of seconds, got NaN',
    ],
    [
      'a scale-down event at Infinity',
      { ...empty, scaleDownEvents: [{ at: Infinity, change: 1 }] },
      'state.scaleDownEvents[0].at must be a finite number of seconds, got Infinity',
    ],
    [
      'a scale-down change 0',
      {
        ...empty,
        scaleDownEvents: [
          { at: 0, change: 1 },
          { at: 1, change: 0 },
        ],
      },
      'state.scaleDownEvents[1].change must be >= 1, got 0',
    ],
  ])('rejects %s', (_name, state, message) => {
    expect(() => hpaNormalize({ ...ok, state })).toThrow(new RangeError(message));
  });

  test('rejects a time that is not a number', () => {
    expect(() => hpaNormalize({ ...ok, now: '5' as unknown as number })).toThrow(
      new RangeError('now must be a finite number of seconds, got 5'),
    );
  });

  test('accepts an empty history and events of change 1', () => {
    expect(hpaNormalize({ ...ok, state: { ...empty, scaleUpEvents: [{ at: 0, change: 1 }] } }).replicas).toBe(
      1,
    );
  });
});

describe('argument guards', () => {
  test.each<[string, () => unknown, string]>([
    ['requireFinite NaN', () => requireFinite('x', NaN), 'x must be a finite number, got NaN'],
    [
      'requireFinite a string',
      () => requireFinite('x', '1' as unknown as number),
      'x must be a finite number, got 1',
    ],
    ['requireNonNegative -0.5', () => requireNonNegative('x', -0.5), 'x must be >= 0, got -0.5'],
    ['requirePositive 0', () => requirePositive('x', 0), 'x must be > 0, got 0'],
    ['requireInt 1.5', () => requireInt('x', 1.5), 'x must be an integer, got 1.5'],
    ['requireInt below its minimum', () => requireInt('x', 1, 2), 'x must be >= 2, got 1'],
    ['requireInt 2^31', () => requireInt('x', 2 ** 31), 'x must be <= 2147483647, got 2147483648'],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(new RangeError(message));
  });

  test('the edges pass and are returned', () => {
    expect(INT32_MAX).toBe(2147483647);
    expect(requireInt('x', INT32_MAX)).toBe(INT32_MAX);
    expect(requireInt('x', 0)).toBe(0);
    expect(requireInt('x', 2, 2)).toBe(2);
    expect(requireNonNegative('x', 0)).toBe(0);
    expect(requirePositive('x', Number.MIN_VALUE)).toBe(Number.MIN_VALUE);
    expect(requireFinite('x', -1e300)).toBe(-1e300);
  });
});
