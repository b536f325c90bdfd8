import {
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  hpaNormalize,
  resolveBehavior,
  storeScaleEvent,
  type HpaScalingRules,
  type HpaState,
  type TimedRecommendation,
  type TimedScaleEvent,
} from '../../constructs/scaling';

const NOW = 10_000;
const minute = 60;
/** The upstream unit tests raise the legacy scale-up factor to 8 (horizontal_test.go init). */
const UPSTREAM_TEST_FACTOR = 8;

/** Upstream test helper generateScalingRules(pods, podsPeriod, percent, percentPeriod, window). */
function rules(
  pods: number,
  podsPeriod: number,
  percent: number,
  percentPeriod: number,
  window: number,
): HpaScalingRules {
  const policies = [
    ...(pods !== 0 ? [{ type: 'Pods' as const, value: pods, periodSeconds: podsPeriod }] : []),
    ...(percent !== 0 ? [{ type: 'Percent' as const, value: percent, periodSeconds: percentPeriod }] : []),
  ];
  return {
    stabilizationWindowSeconds: window,
    selectPolicy: 'Max',
    ...(policies.length > 0 && { policies }),
  };
}

/** Upstream test helper generateEventsUniformDistribution: event i at the centre of segment i of the period. */
function uniformEvents(changes: number[], periodSeconds: number): TimedScaleEvent[] {
  const segment = periodSeconds / changes.length;
  return changes.map((change, i) => ({
    at: NOW - (periodSeconds - segment * (i + 1) + segment / 2),
    change,
  }));
}

const state = (partial: Partial<HpaState>): HpaState => ({
  recommendations: [],
  scaleUpEvents: [],
  scaleDownEvents: [],
  ...partial,
});

const recs = (...pairs: [number, number][]): TimedRecommendation[] =>
  pairs.map(([replicas, agoSeconds]) => ({ replicas, at: NOW - agoSeconds }));

describe('convertDesiredReplicasWithRules (legacy path, no behavior)', () => {
  // Ported from horizontal_test.go TestConvertDesiredReplicasWithRules (scale-up factor 8).
  test.each([
    { current: 5, desired: 7, min: 3, max: 8, expected: 7, reason: 'DesiredWithinRange' },
    { current: 3, desired: 1, min: 2, max: 8, expected: 2, reason: 'TooFewReplicas' },
    { current: 1, desired: 0, min: 0, max: 10, expected: 0, reason: 'DesiredWithinRange' },
    { current: 20, desired: 1000, min: 1, max: 10, expected: 10, reason: 'TooManyReplicas' },
    { current: 100, desired: 1000, min: 100, max: 150, expected: 150, reason: 'TooManyReplicas' },
    { current: 3, desired: 1000, min: 1, max: 2000, expected: 24, reason: 'ScaleUpLimit' },
  ])('upstream: current $current desired $desired in [$min, $max] → $expected ($reason)', (c) => {
    expect(convertDesiredReplicasWithRules(c.current, c.desired, c.min, c.max, UPSTREAM_TEST_FACTOR)).toEqual(
      {
        replicas: c.expected,
        reason: c.reason,
      },
    );
  });

  test('production factor 2: at most double, at least 4', () => {
    expect(convertDesiredReplicasWithRules(3, 1000, 1, 2000)).toEqual({
      replicas: 6,
      reason: 'ScaleUpLimit',
    });
    expect(convertDesiredReplicasWithRules(1, 1000, 1, 2000)).toEqual({
      replicas: 4,
      reason: 'ScaleUpLimit',
    });
  });
});

describe('hpaNormalize without behavior (the path a KEDA ScaledObject takes by default)', () => {
  // Ported from horizontal_test.go TestNormalizeDesiredReplicas (5-minute downscale stabilization).
  test.each([
    { name: 'empty log', history: recs(), desired: 5, stabilized: 5, logLength: 1 },
    {
      name: 'stabilize',
      history: recs([4, 2 * minute], [5, minute]),
      desired: 3,
      stabilized: 5,
      logLength: 3,
    },
    {
      name: 'no stabilize',
      history: recs([1, 2 * minute], [2, minute]),
      desired: 3,
      stabilized: 3,
      logLength: 3,
    },
    {
      name: 'no stabilize - old recommendations',
      history: recs([10, 10 * minute], [9, 9 * minute]),
      desired: 3,
      stabilized: 3,
      logLength: 2,
    },
    {
      name: 'stabilize - old recommendations',
      history: recs([10, 10 * minute], [4, minute], [5, 2 * minute], [9, 9 * minute]),
      desired: 3,
      stabilized: 5,
      logLength: 4,
    },
  ])('upstream TestNormalizeDesiredReplicas: $name', ({ history, desired, stabilized, logLength }) => {
    const result = hpaNormalize({
      now: NOW,
      currentReplicas: 10,
      desiredReplicas: desired,
      minReplicas: 1,
      maxReplicas: 100,
      state: state({ recommendations: history }),
    });
    expect(result.stabilizedReplicas).toBe(stabilized);
    expect(result.replicas).toBe(stabilized);
    expect(result.state.recommendations).toHaveLength(logLength);
  });

  test('a recommendation exactly 300 s old still counts (not Before the cutoff)', () => {
    const input = { now: NOW, currentReplicas: 8, desiredReplicas: 2, minReplicas: 1, maxReplicas: 10 };
    expect(hpaNormalize({ ...input, state: state({ recommendations: recs([8, 300]) }) }).replicas).toBe(8);
    expect(hpaNormalize({ ...input, state: state({ recommendations: recs([8, 301]) }) }).replicas).toBe(2);
  });

  test('first sight seeds the history with the current count, so an immediate scale-down is held', () => {
    const first = hpaNormalize({
      now: NOW,
      currentReplicas: 6,
      desiredReplicas: 2,
      minReplicas: 1,
      maxReplicas: 10,
    });
    expect(first.replicas).toBe(6);
    expect(first.stabilizationReason).toBe('ScaleDownStabilized');
    expect(first.state.recommendations).toEqual([
      { at: NOW, replicas: 6 },
      { at: NOW, replicas: 2 },
    ]);
    const later = hpaNormalize({
      now: NOW + 301,
      currentReplicas: 6,
      desiredReplicas: 2,
      minReplicas: 1,
      maxReplicas: 10,
      state: first.state,
    });
    expect(later.replicas).toBe(2);
  });

  test('scale-up is capped at max(2 × current, 4) per reconciliation in production', () => {
    const result = hpaNormalize({
      now: NOW,
      currentReplicas: 5,
      desiredReplicas: 40,
      minReplicas: 1,
      maxReplicas: 50,
    });
    expect(result).toMatchObject({ replicas: 10, reason: 'ScaleUpLimit' });
  });

  test('no scale events are recorded without behavior', () => {
    const result = hpaNormalize({
      now: NOW,
      currentReplicas: 2,
      desiredReplicas: 4,
      minReplicas: 1,
      maxReplicas: 5,
    });
    expect(result.state.scaleUpEvents).toEqual([]);
    expect(result.state.scaleDownEvents).toEqual([]);
  });
});

describe('hpaNormalize guard branches (reconcileAutoscaler)', () => {
  test('current 0 with min > 0 means scaling is disabled: nothing changes', () => {
    const result = hpaNormalize({
      now: NOW,
      currentReplicas: 0,
      desiredReplicas: 9,
      minReplicas: 1,
      maxReplicas: 10,
    });
    expect(result).toMatchObject({ replicas: 0, reason: 'ScalingDisabled' });
    expect(result.stabilizedReplicas).toBeUndefined();
  });

  test('current above max goes to max, current below min goes to min, skipping stabilization', () => {
    const above = hpaNormalize({
      now: NOW,
      currentReplicas: 12,
      desiredReplicas: 1,
      minReplicas: 1,
      maxReplicas: 10,
    });
    expect(above).toMatchObject({ replicas: 10, reason: 'AboveMaxReplicas' });
    const below = hpaNormalize({
      now: NOW,
      currentReplicas: 1,
      desiredReplicas: 50,
      minReplicas: 3,
      maxReplicas: 10,
    });
    expect(below).toMatchObject({ replicas: 3, reason: 'BelowMinReplicas' });
    // recordInitialRecommendation runs before the guards; stabilization does not.
    expect(below.state.recommendations).toEqual([{ at: NOW, replicas: 1 }]);
  });

  test('with behavior, a guard-branch change is recorded as a scale event', () => {
    const below = hpaNormalize({
      now: NOW,
      currentReplicas: 1,
      desiredReplicas: 50,
      minReplicas: 3,
      maxReplicas: 10,
      behavior: {},
    });
    expect(below.state.scaleUpEvents).toEqual([{ at: NOW, change: 2 }]);
  });
});

describe('convertDesiredReplicasWithBehaviorRate', () => {
  interface Case {
    name: string;
    up?: HpaScalingRules;
    down?: HpaScalingRules;
    upEvents?: TimedScaleEvent[];
    downEvents?: TimedScaleEvent[];
    min: number;
    max: number;
    current: number;
    desired: number;
    expected: number;
    reason: string;
  }
  const e = uniformEvents;
  // Ported from horizontal_test.go TestScalingWithRules, every case in its order.
  const cases: Case[] = [
    {
      name: 'prenormalized desired replicas within range',
      min: 3,
      max: 8,
      current: 5,
      desired: 7,
      expected: 7,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'prenormalized desired replicas < minReplicas',
      min: 2,
      max: 8,
      current: 3,
      desired: 1,
      expected: 2,
      reason: 'TooFewReplicas',
    },
    {
      name: 'prenormalized desired replicas within range when minReplicas is 0',
      min: 0,
      max: 10,
      current: 1,
      desired: 0,
      expected: 0,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'maxReplicas is the limit because maxReplicas < scaleUpLimit',
      min: 1,
      max: 10,
      current: 20,
      desired: 1000,
      expected: 10,
      reason: 'TooManyReplicas',
    },
    {
      name: 'desired replica count is more than the maximum replica count',
      min: 100,
      max: 150,
      current: 100,
      desired: 1000,
      expected: 150,
      reason: 'TooManyReplicas',
    },
    {
      name: 'scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies',
      up: rules(0, 0, 1, 60, 0),
      min: 1,
      max: 2000,
      current: 3,
      desired: 1000,
      expected: 4,
      reason: 'ScaleUpLimit',
    },
    // Upstream marks this case testThis and skips it; the stated expectation holds here.
    {
      name: 'scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies',
      down: rules(20, 60, 0, 0, 0),
      min: 3,
      max: 2000,
      current: 1000,
      desired: 3,
      expected: 980,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleUp with default behavior',
      min: 1,
      max: 1000,
      current: 10,
      desired: 50,
      expected: 20,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with pods policy larger than percent policy',
      up: rules(100, 60, 100, 60, 0),
      min: 1,
      max: 1000,
      current: 10,
      desired: 500,
      expected: 110,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with percent policy larger than pods policy',
      up: rules(2, 60, 100, 60, 0),
      min: 1,
      max: 1000,
      current: 10,
      desired: 500,
      expected: 20,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with spec MaxReplicas limitation with large pod policy',
      up: rules(100, 60, 0, 0, 0),
      min: 1,
      max: 1000,
      current: 10,
      desired: 50,
      expected: 50,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'scaleUp with spec MaxReplicas limitation with large percent policy',
      up: rules(10000, 60, 0, 0, 0),
      min: 1,
      max: 1000,
      current: 10,
      desired: 50,
      expected: 50,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'scaleUp with pod policy limitation',
      up: rules(30, 60, 0, 0, 0),
      min: 1,
      max: 1000,
      current: 10,
      desired: 50,
      expected: 40,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with percent policy limitation',
      up: rules(0, 0, 200, 60, 0),
      min: 1,
      max: 1000,
      current: 10,
      desired: 50,
      expected: 30,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleDown with percent policy larger than pod policy',
      down: rules(20, 60, 1, 60, 300),
      min: 1,
      max: 1000,
      current: 100,
      desired: 2,
      expected: 80,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with pod policy larger than percent policy',
      down: rules(2, 60, 1, 60, 300),
      min: 1,
      max: 1000,
      current: 100,
      desired: 2,
      expected: 98,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with spec MinReplicas=nil limitation with large pod policy',
      down: rules(100, 60, 0, 0, 300),
      min: 1,
      max: 1000,
      current: 10,
      desired: 0,
      expected: 1,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with spec MinReplicas limitation with large pod policy',
      down: rules(100, 60, 0, 0, 300),
      min: 1,
      max: 1000,
      current: 10,
      desired: 0,
      expected: 1,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with spec MinReplicas limitation with large percent policy',
      down: rules(0, 0, 100, 60, 300),
      min: 5,
      max: 1000,
      current: 10,
      desired: 2,
      expected: 5,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with pod policy limitation',
      down: rules(5, 60, 0, 0, 300),
      min: 1,
      max: 1000,
      current: 10,
      desired: 2,
      expected: 5,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with percent policy limitation',
      down: rules(0, 0, 50, 60, 300),
      min: 1,
      max: 1000,
      current: 10,
      desired: 5,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'scaleUp with spec MaxReplicas limitation with large pod policy and events',
      upEvents: e([1, 5, 9], 120),
      up: rules(300, 60, 0, 0, 0),
      min: 1,
      max: 200,
      current: 100,
      desired: 500,
      expected: 200,
      reason: 'TooManyReplicas',
    },
    {
      name: 'scaleUp with spec MaxReplicas limitation with large percent policy and events',
      upEvents: e([1, 5, 9], 120),
      up: rules(0, 0, 10000, 60, 0),
      min: 1,
      max: 200,
      current: 100,
      desired: 500,
      expected: 200,
      reason: 'TooManyReplicas',
    },
    {
      name: 'scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events',
      upEvents: e([1, 5, 9], 120),
      up: rules(5, 120, 0, 0, 0),
      min: 1,
      max: 1000,
      current: 100,
      desired: 500,
      expected: 100,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with pod policy and previous scale up events',
      upEvents: e([1, 5, 9], 120),
      up: rules(150, 120, 0, 0, 0),
      min: 1,
      max: 1000,
      current: 100,
      desired: 500,
      expected: 235,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with percent policy and previous scale up events',
      upEvents: e([1, 5, 9], 120),
      up: rules(0, 0, 200, 120, 0),
      min: 1,
      max: 1000,
      current: 100,
      desired: 500,
      expected: 255,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with percent policy and previous scale up and down events',
      upEvents: e([4], 120),
      downEvents: e([2], 120),
      up: rules(0, 0, 300, 300, 0),
      min: 1,
      max: 1000,
      current: 6,
      desired: 24,
      expected: 16,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleDown with default policy and previous events',
      downEvents: e([1, 5, 9], 120),
      min: 1,
      max: 1000,
      current: 10,
      desired: 5,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events',
      downEvents: e([1, 5, 9], 120),
      down: rules(115, 120, 0, 0, 300),
      min: 1,
      max: 1000,
      current: 100,
      desired: 0,
      expected: 1,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with spec MinReplicas limitation with large pod policy and previous events',
      downEvents: e([1, 5, 9], 120),
      down: rules(130, 120, 0, 0, 300),
      min: 5,
      max: 1000,
      current: 100,
      desired: 0,
      expected: 5,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with spec MinReplicas limitation with large percent policy and previous events',
      downEvents: e([1, 5, 9], 120),
      down: rules(0, 0, 100, 120, 300),
      min: 5,
      max: 1000,
      current: 100,
      desired: 2,
      expected: 5,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with pod policy limitation and previous events',
      downEvents: e([1, 5, 9], 120),
      down: rules(5, 120, 0, 0, 300),
      min: 1,
      max: 1000,
      current: 100,
      desired: 2,
      expected: 100,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with percent policy limitation and previous events',
      downEvents: e([2, 4, 6], 120),
      down: rules(0, 0, 50, 120, 300),
      min: 1,
      max: 1000,
      current: 100,
      desired: 0,
      expected: 56,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with percent policy and previous scale up and down events',
      upEvents: e([2], 120),
      downEvents: e([4], 120),
      down: rules(0, 0, 50, 180, 0),
      min: 1,
      max: 1000,
      current: 10,
      desired: 1,
      expected: 6,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with previous events preventing further scale down',
      downEvents: e([10, 10, 10], 120),
      down: rules(0, 0, 10, 120, 300),
      min: 1,
      max: 1000,
      current: 100,
      desired: 0,
      expected: 100,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with with previous events still allowing more scale down',
      downEvents: e([10, 10, 10], 120),
      down: rules(0, 0, 1000, 120, 300),
      min: 1,
      max: 1000,
      current: 10,
      desired: 5,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: "check 'outdated' flag for events for one behavior for up",
      upEvents: e([8, 12, 9, 11], 120),
      up: rules(1000, 60, 0, 0, 0),
      min: 1,
      max: 1000,
      current: 100,
      desired: 200,
      expected: 200,
      reason: 'DesiredWithinRange',
    },
    {
      name: "check that events were not marked 'outdated' for two different policies in the behavior for up",
      upEvents: e([8, 12, 9, 11], 120),
      up: rules(1000, 120, 100, 60, 0),
      min: 1,
      max: 1000,
      current: 100,
      desired: 200,
      expected: 200,
      reason: 'DesiredWithinRange',
    },
    {
      name: "check that events were marked 'outdated' for two different policies in the behavior for up",
      upEvents: e([8, 12, 9, 11], 120),
      up: rules(1000, 30, 100, 60, 0),
      min: 1,
      max: 1000,
      current: 100,
      desired: 200,
      expected: 200,
      reason: 'DesiredWithinRange',
    },
    {
      name: "check 'outdated' flag for events for one behavior for down",
      downEvents: e([8, 12, 9, 11], 120),
      down: rules(1000, 60, 0, 0, 300),
      min: 1,
      max: 1000,
      current: 100,
      desired: 5,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: "check that events were not marked 'outdated' for two different policies in the behavior for down",
      downEvents: e([8, 12, 9, 11], 120),
      down: rules(1000, 120, 100, 60, 300),
      min: 1,
      max: 1000,
      current: 100,
      desired: 5,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: "check that events were marked 'outdated' for two different policies in the behavior for down",
      downEvents: e([8, 12, 9, 11], 120),
      down: rules(1000, 30, 100, 60, 300),
      min: 1,
      max: 1000,
      current: 100,
      desired: 5,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
  ];

  test.each(cases)('upstream TestScalingWithRules: $name', (c) => {
    const behavior = resolveBehavior({
      ...(c.up && { scaleUp: c.up }),
      ...(c.down && { scaleDown: c.down }),
    });
    const result = convertDesiredReplicasWithBehaviorRate({
      currentReplicas: c.current,
      desiredReplicas: c.desired,
      minReplicas: c.min,
      maxReplicas: c.max,
      behavior,
      state: state({ scaleUpEvents: c.upEvents ?? [], scaleDownEvents: c.downEvents ?? [] }),
      now: NOW,
    });
    expect(result).toEqual({ replicas: c.expected, reason: c.reason });
  });

  test('selectPolicy Min takes the smaller scale-up and the smaller scale-down', () => {
    const up = { ...rules(4, 60, 100, 60, 0), selectPolicy: 'Min' as const };
    const down = { ...rules(4, 60, 50, 60, 0), selectPolicy: 'Min' as const };
    const behavior = resolveBehavior({ scaleUp: up, scaleDown: down });
    const base = { minReplicas: 1, maxReplicas: 1000, behavior, state: state({}), now: NOW };
    expect(
      convertDesiredReplicasWithBehaviorRate({ ...base, currentReplicas: 10, desiredReplicas: 100 }).replicas,
    ).toBe(14);
    expect(
      convertDesiredReplicasWithBehaviorRate({ ...base, currentReplicas: 100, desiredReplicas: 1 }).replicas,
    ).toBe(96);
  });

  test('selectPolicy Disabled holds the current count in that direction', () => {
    const behavior = resolveBehavior({ scaleDown: { selectPolicy: 'Disabled' } });
    const base = { minReplicas: 1, maxReplicas: 1000, behavior, state: state({}), now: NOW };
    expect(
      convertDesiredReplicasWithBehaviorRate({ ...base, currentReplicas: 10, desiredReplicas: 2 }),
    ).toEqual({
      replicas: 10,
      reason: 'ScaleDownLimit',
    });
  });
});

describe('storeScaleEvent', () => {
  // Ported from horizontal_test.go TestStoreScaleEvents (the cases with a behavior), up direction.
  test.each([
    { name: 'empty entries with two-policy-behavior', prev: [], rules: rules(10, 60, 100, 60, 0), next: [5] },
    {
      name: 'one outdated entry to be replaced with behavior',
      prev: [[7, 61]],
      rules: rules(10, 60, 100, 60, 0),
      next: [5],
    },
    {
      name: 'one actual entry to be not touched with behavior',
      prev: [[7, 58]],
      rules: rules(10, 60, 100, 60, 0),
      next: [7, 5],
    },
    {
      name: 'two entries, one of them to be replaced',
      prev: [
        [7, 61],
        [6, 59],
      ],
      rules: rules(10, 60, 0, 0, 0),
      next: [5, 6],
    },
    {
      name: 'replace one entry, use policies with different periods',
      prev: [
        [8, 29],
        [6, 59],
        [7, 61],
        [9, 61],
      ],
      rules: rules(10, 60, 100, 30, 0),
      next: [8, 6, 7, 5],
    },
    {
      name: 'two entries, both actual',
      prev: [
        [7, 58],
        [6, 59],
      ],
      rules: rules(10, 120, 100, 30, 0),
      next: [7, 6, 5],
    },
  ] as { name: string; prev: [number, number][]; rules: HpaScalingRules; next: number[] }[])(
    'upstream TestStoreScaleEvents: $name',
    ({ prev, rules: scalingRules, next }) => {
      const events = prev.map(([change, ago]) => ({ change, at: NOW - ago }));
      const up = storeScaleEvent(
        state({ scaleUpEvents: events }),
        resolveBehavior({ scaleUp: scalingRules }),
        10,
        15,
        NOW,
      );
      expect(up.scaleUpEvents.map((ev) => ev.change)).toEqual(next);
      const down = storeScaleEvent(
        state({ scaleDownEvents: events }),
        resolveBehavior({ scaleDown: scalingRules }),
        10,
        5,
        NOW,
      );
      expect(down.scaleDownEvents.map((ev) => ev.change)).toEqual(next);
    },
  );
});

describe('hpaNormalize with behavior: dual-window stabilization', () => {
  // Ported from horizontal_test.go TestNormalizeDesiredReplicasWithBehavior (stabilizeRecommendationWithBehaviors).
  test.each([
    {
      name: 'empty recommendations for scaling down',
      history: recs(),
      current: 100,
      desired: 5,
      up: 0,
      down: 0,
      stabilized: 5,
      stored: [5],
    },
    {
      name: 'simple scale down stabilization',
      history: recs([4, 2 * minute], [5, minute]),
      current: 100,
      desired: 3,
      up: 0,
      down: 180,
      stabilized: 5,
      stored: [4, 5, 3],
    },
    {
      name: 'simple scale up stabilization',
      history: recs([4, 2 * minute], [5, minute]),
      current: 1,
      desired: 7,
      up: 300,
      down: 0,
      stabilized: 4,
      stored: [4, 5, 7],
    },
    {
      name: 'no scale down stabilization',
      history: recs([1, 2 * minute], [2, minute]),
      current: 100,
      desired: 3,
      up: 300,
      down: 0,
      stabilized: 3,
      stored: [1, 2, 3],
    },
    {
      name: 'no scale up stabilization',
      history: recs([4, 2 * minute], [5, minute]),
      current: 1,
      desired: 3,
      up: 0,
      down: 300,
      stabilized: 3,
      stored: [4, 5, 3],
    },
    {
      name: 'no scale down stabilization, reuse recommendation element',
      history: recs([10, 10 * minute], [9, 9 * minute]),
      current: 100,
      desired: 3,
      up: 0,
      down: 0,
      stabilized: 3,
      stored: [10, 3],
    },
    {
      name: 'no scale up stabilization, reuse recommendation element',
      history: recs([10, 10 * minute], [9, 9 * minute]),
      current: 1,
      desired: 100,
      up: 0,
      down: 0,
      stabilized: 100,
      stored: [10, 100],
    },
    {
      name: 'scale down stabilization, reuse one of obsolete recommendation element',
      history: recs([10, 10 * minute], [4, minute], [5, 2 * minute], [9, 9 * minute]),
      current: 100,
      desired: 3,
      up: 0,
      down: 180,
      stabilized: 5,
      stored: [10, 4, 5, 3],
    },
    {
      name: 'scale up stabilization, reuse one of obsolete recommendation element',
      history: recs([10, 100 * minute], [6, minute], [5, 2 * minute], [9, 3 * minute]),
      current: 1,
      desired: 100,
      up: 300,
      down: 0,
      stabilized: 5,
      stored: [100, 6, 5, 9],
    },
    {
      name: 'scale up and down stabilization, do not scale up when prenormalized rec goes down',
      history: recs([2, 100 * minute], [3, 3 * minute]),
      current: 2,
      desired: 1,
      up: 300,
      down: 300,
      stabilized: 2,
      // Not checked upstream; by hand: the desired 1 takes the slot of the obsolete 100-minute-old entry.
      stored: [1, 3],
    },
    {
      name: 'scale up and down stabilization, do not scale down when prenormalized rec goes up',
      history: recs([2, 100 * minute], [1, 3 * minute]),
      current: 2,
      desired: 3,
      up: 300,
      down: 300,
      stabilized: 2,
      // Not checked upstream; by hand: the desired 3 takes the slot of the obsolete entry.
      stored: [3, 1],
    },
  ])('upstream TestNormalizeDesiredReplicasWithBehavior: $name', (c) => {
    const result = hpaNormalize({
      now: NOW,
      currentReplicas: c.current,
      desiredReplicas: c.desired,
      minReplicas: 1,
      maxReplicas: 1000,
      // Generous policies so that only stabilization shapes the outcome.
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: c.up,
          policies: [{ type: 'Pods', value: 1000, periodSeconds: 15 }],
        },
        scaleDown: {
          stabilizationWindowSeconds: c.down,
          policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
        },
      },
      state: state({ recommendations: c.history }),
    });
    expect(result.stabilizedReplicas).toBe(c.stabilized);
    expect(result.state.recommendations.map((r) => r.replicas)).toEqual(c.stored);
  });

  test('default behavior: 300 s scale-down window, up limited to max(+4 pods, +100%) per 15 s', () => {
    let result = hpaNormalize({
      now: 0,
      currentReplicas: 1,
      desiredReplicas: 20,
      minReplicas: 1,
      maxReplicas: 50,
      behavior: {},
    });
    expect(result).toMatchObject({ replicas: 5, reason: 'ScaleUpLimit' });
    // Within the same 15 s period the +4 already happened: period start is 1, so the limit stays 5.
    result = hpaNormalize({
      now: 10,
      currentReplicas: 5,
      desiredReplicas: 20,
      minReplicas: 1,
      maxReplicas: 50,
      behavior: {},
      state: result.state,
    });
    expect(result.replicas).toBe(5);
    result = hpaNormalize({
      now: 16,
      currentReplicas: 5,
      desiredReplicas: 20,
      minReplicas: 1,
      maxReplicas: 50,
      behavior: {},
      state: result.state,
    });
    expect(result.replicas).toBe(10);
    // The down window holds 20 for 300 s.
    const held = hpaNormalize({
      now: 100,
      currentReplicas: 10,
      desiredReplicas: 1,
      minReplicas: 1,
      maxReplicas: 50,
      behavior: {},
      state: result.state,
    });
    expect(held).toMatchObject({ replicas: 10, stabilizationReason: 'ScaleDownStabilized' });
  });

  test('the controller flag downscaleStabilizationSeconds fills an unset scale-down window', () => {
    const behavior = resolveBehavior({ scaleDown: {} }, 60);
    expect(behavior.scaleDown.stabilizationWindowSeconds).toBe(60);
    expect(
      resolveBehavior({ scaleDown: { stabilizationWindowSeconds: 0 } }, 60).scaleDown
        .stabilizationWindowSeconds,
    ).toBe(0);
  });
});

describe('hpaNormalize input validation', () => {
  const ok = { now: NOW, currentReplicas: 1, desiredReplicas: 1, minReplicas: 1, maxReplicas: 2 };
  test.each([
    [{ ...ok, now: Number.NaN }, /now must be a finite number/],
    [{ ...ok, currentReplicas: -1 }, /currentReplicas must be >= 0/],
    [{ ...ok, desiredReplicas: 1.5 }, /desiredReplicas must be an integer/],
    [{ ...ok, minReplicas: 3 }, /minReplicas \(3\) must be <= maxReplicas \(2\)/],
    [{ ...ok, maxReplicas: 0, minReplicas: 0 }, /maxReplicas must be >= 1/],
    [{ ...ok, downscaleStabilizationSeconds: -5 }, /downscaleStabilizationSeconds must be >= 0/],
    [{ ...ok, scaleUpLimitFactor: 0.5 }, /scaleUpLimitFactor must be a finite number >= 1/],
    [
      { ...ok, behavior: { scaleUp: { policies: [] } } },
      /behavior.scaleUp.policies must list at least one policy/,
    ],
    [
      { ...ok, behavior: { scaleDown: { stabilizationWindowSeconds: 3601 } } },
      /behavior.scaleDown.stabilizationWindowSeconds must be <= 3600/,
    ],
    [
      { ...ok, behavior: { scaleUp: { policies: [{ type: 'Pods', value: 0, periodSeconds: 15 }] } } },
      /behavior.scaleUp.policies\[0\].value must be >= 1/,
    ],
    [
      { ...ok, behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 1801 }] } } },
      /periodSeconds must be <= 1800/,
    ],
    [
      {
        ...ok,
        state: { recommendations: [{ at: 0, replicas: -1 }], scaleUpEvents: [], scaleDownEvents: [] },
      },
      /state.recommendations\[0\].replicas must be >= 0/,
    ],
    [
      { ...ok, state: { recommendations: [], scaleUpEvents: [{ at: 0, change: 0 }], scaleDownEvents: [] } },
      /state.scaleUpEvents\[0\].change must be >= 1/,
    ],
  ] as [Parameters<typeof hpaNormalize>[0], RegExp][])('rejects %o', (input, message) => {
    expect(() => hpaNormalize(input)).toThrow(RangeError);
    expect(() => hpaNormalize(input)).toThrow(message);
  });
});
