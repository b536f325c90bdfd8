import { hpaNormalize, resolveBehavior, storeScaleEvent, type HpaState } from '../../constructs/scaling';

// Source: kubernetes pkg/controller/podautoscaler/horizontal.go stabilizeRecommendation (legacy: a sample is
// replaced only when Before the cutoff) and stabilizeRecommendationWithBehaviors (a sample counts when After
// the cutoff; replaced when Before both cutoffs).
const NOW = 10_000;
const history = (...recommendations: { at: number; replicas: number }[]): HpaState => ({
  recommendations,
  scaleUpEvents: [],
  scaleDownEvents: [],
});

describe('hpaNormalize history slots', () => {
  test('legacy path: a sample exactly at the 300 s cutoff is kept, the new one appended', () => {
    const result = hpaNormalize({
      now: NOW,
      currentReplicas: 5,
      desiredReplicas: 5,
      minReplicas: 1,
      maxReplicas: 10,
      state: history({ at: NOW - 300, replicas: 4 }),
    });
    expect(result.state.recommendations).toEqual([
      { at: NOW - 300, replicas: 4 },
      { at: NOW, replicas: 5 },
    ]);
    // max(5, 4) = 5 is the desired count: nothing held back.
    expect(result).toMatchObject({
      replicas: 5,
      stabilizedReplicas: 5,
      stabilizationReason: 'ReadyForNewScale',
    });
  });

  test('legacy path: the last sample before the cutoff is the one replaced', () => {
    const result = hpaNormalize({
      now: NOW,
      currentReplicas: 5,
      desiredReplicas: 5,
      minReplicas: 1,
      maxReplicas: 10,
      state: history(
        { at: NOW - 400, replicas: 4 },
        { at: NOW - 301, replicas: 3 },
        { at: NOW - 10, replicas: 5 },
      ),
    });
    expect(result.state.recommendations).toEqual([
      { at: NOW - 400, replicas: 4 },
      { at: NOW, replicas: 5 },
      { at: NOW - 10, replicas: 5 },
    ]);
  });
});

describe('hpaNormalize with behavior: the windows exclude a sample exactly at their cutoff', () => {
  test('a scale-down window of 60 s ignores a 10-replica sample exactly 60 s old', () => {
    // Down window (NOW − 60, NOW]: only the desired 2 → stabilized 2; the default scale-down policy
    // (Percent 100 / 15 s) lets 5 → 2 at once.
    const result = hpaNormalize({
      now: NOW,
      currentReplicas: 5,
      desiredReplicas: 2,
      minReplicas: 1,
      maxReplicas: 10,
      behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      state: history({ at: NOW - 60, replicas: 10 }),
    });
    expect(result).toMatchObject({
      replicas: 2,
      stabilizedReplicas: 2,
      stabilizationReason: 'ReadyForNewScale',
    });
  });

  test('one second younger, the same sample holds the count at 5', () => {
    // max(10, 2) = 10 caps the down side; the current 5 lies between the up (2) and down (10) recommendations.
    const result = hpaNormalize({
      now: NOW,
      currentReplicas: 5,
      desiredReplicas: 2,
      minReplicas: 1,
      maxReplicas: 10,
      behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      state: history({ at: NOW - 59, replicas: 10 }),
    });
    expect(result).toMatchObject({
      replicas: 5,
      stabilizedReplicas: 5,
      stabilizationReason: 'ScaleDownStabilized',
    });
  });
});

describe('hpaNormalize with behavior: history slots', () => {
  const input = { now: NOW, currentReplicas: 5, desiredReplicas: 5, minReplicas: 1, maxReplicas: 10 };
  test('a sample exactly at the down cutoff (and before the up cutoff) is kept', () => {
    // Up window 0: upCutoff NOW; down window 60: downCutoff NOW − 60; the sample is not Before the latter.
    const result = hpaNormalize({
      ...input,
      behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      state: history({ at: NOW - 60, replicas: 4 }),
    });
    expect(result.state.recommendations).toEqual([
      { at: NOW - 60, replicas: 4 },
      { at: NOW, replicas: 5 },
    ]);
  });

  test('a sample exactly at the up cutoff (and before the down cutoff) is kept', () => {
    // Up window 60: upCutoff NOW − 60; down window 0: downCutoff NOW.
    const result = hpaNormalize({
      ...input,
      behavior: { scaleUp: { stabilizationWindowSeconds: 60 }, scaleDown: { stabilizationWindowSeconds: 0 } },
      state: history({ at: NOW - 60, replicas: 6 }),
    });
    expect(result.state.recommendations).toEqual([
      { at: NOW - 60, replicas: 6 },
      { at: NOW, replicas: 5 },
    ]);
  });

  test('a sample before both cutoffs is replaced', () => {
    const result = hpaNormalize({
      ...input,
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 60 },
        scaleDown: { stabilizationWindowSeconds: 30 },
      },
      state: history({ at: NOW - 61, replicas: 6 }),
    });
    expect(result.state.recommendations).toEqual([{ at: NOW, replicas: 5 }]);
  });
});

describe('hpaNormalize with behavior: the stabilization reason', () => {
  test('a scale-up held by the up window is ScaleUpStabilized', () => {
    // Up window 60: min(3, 6) = 3 caps the up side; from 2 the default scale-up limit max(2 + 4, 2 × 2) = 6 allows 3.
    const result = hpaNormalize({
      now: NOW,
      currentReplicas: 2,
      desiredReplicas: 6,
      minReplicas: 1,
      maxReplicas: 10,
      behavior: { scaleUp: { stabilizationWindowSeconds: 60 } },
      state: history({ at: NOW - 10, replicas: 3 }),
    });
    expect(result).toMatchObject({
      replicas: 3,
      stabilizedReplicas: 3,
      stabilizationReason: 'ScaleUpStabilized',
    });
  });
});

describe('storeScaleEvent edges', () => {
  // Default policies: the longest period is 15 s both ways; an event is outdated when Before now − 15.
  const behavior = resolveBehavior({});
  const noOtherLists = { recommendations: [], scaleDownEvents: [] };
  test('no change records nothing', () => {
    const next = storeScaleEvent(history(), behavior, 3, 3, NOW);
    expect(next).toEqual({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });
  });

  test('an event exactly one longest period old is kept; one a second older is replaced', () => {
    const kept = storeScaleEvent(
      { ...noOtherLists, scaleUpEvents: [{ at: NOW - 15, change: 2 }] },
      behavior,
      2,
      5,
      NOW,
    );
    expect(kept.scaleUpEvents).toEqual([
      { at: NOW - 15, change: 2 },
      { at: NOW, change: 3 },
    ]);
    const replaced = storeScaleEvent(
      { ...noOtherLists, scaleUpEvents: [{ at: NOW - 16, change: 2 }] },
      behavior,
      2,
      5,
      NOW,
    );
    expect(replaced.scaleUpEvents).toEqual([{ at: NOW, change: 3 }]);
  });

  test('a scale-down is recorded as a positive change among the scale-down events', () => {
    const next = storeScaleEvent(history(), behavior, 5, 2, NOW);
    expect(next).toEqual({
      recommendations: [],
      scaleUpEvents: [],
      scaleDownEvents: [{ at: NOW, change: 3 }],
    });
  });
});

describe('hpaNormalize argument rules with their exact messages', () => {
  const ok = { now: NOW, currentReplicas: 1, desiredReplicas: 1, minReplicas: 1, maxReplicas: 2 };
  test.each<[string, Partial<Parameters<typeof hpaNormalize>[0]>, string]>([
    ['currentReplicas -1', { currentReplicas: -1 }, 'currentReplicas must be >= 0, got -1'],
    ['desiredReplicas -1', { desiredReplicas: -1 }, 'desiredReplicas must be >= 0, got -1'],
    ['minReplicas -1', { minReplicas: -1 }, 'minReplicas must be >= 0, got -1'],
    ['maxReplicas 0', { minReplicas: 0, maxReplicas: 0 }, 'maxReplicas must be >= 1, got 0'],
    ['minReplicas above maxReplicas', { minReplicas: 3 }, 'minReplicas (3) must be <= maxReplicas (2)'],
    [
      'downscaleStabilizationSeconds 0.5',
      { downscaleStabilizationSeconds: 0.5 },
      'downscaleStabilizationSeconds must be an integer, got 0.5',
    ],
    [
      'scaleUpLimitFactor Infinity',
      { scaleUpLimitFactor: Infinity },
      'scaleUpLimitFactor must be a finite number >= 1, got Infinity',
    ],
    [
      'scaleUpLimitFactor 0.99',
      { scaleUpLimitFactor: 0.99 },
      'scaleUpLimitFactor must be a finite number >= 1, got 0.99',
    ],
  ])('rejects %s', (_name, patch, message) => {
    expect(() => hpaNormalize({ ...ok, ...patch })).toThrow(new RangeError(message));
  });

  test('accepts the edges: min = max, factor 1, window 0', () => {
    // Factor 1: the legacy limit is max(1 × 2, 4) = 4 (horizontal.go calculateScaleUpLimit), desired 2 allowed.
    const result = hpaNormalize({
      ...ok,
      currentReplicas: 2,
      desiredReplicas: 2,
      minReplicas: 2,
      scaleUpLimitFactor: 1,
      downscaleStabilizationSeconds: 0,
    });
    expect(result).toMatchObject({ replicas: 2, reason: 'DesiredWithinRange' });
  });
});

describe('hpaNormalize guard edges', () => {
  test('0 replicas with minReplicas 0 is not ScalingDisabled: the proposal goes through (HPAScaleToZero)', () => {
    // horizontal.go reconcileAutoscaler disables scaling only for spec.replicas 0 with minReplicas != 0; from 0 the
    // legacy limit is max(2 × 0, 4) = 4, so 3 is within range.
    expect(
      hpaNormalize({ now: NOW, currentReplicas: 0, desiredReplicas: 3, minReplicas: 0, maxReplicas: 5 }),
    ).toMatchObject({ replicas: 3, reason: 'DesiredWithinRange' });
    expect(
      hpaNormalize({ now: NOW, currentReplicas: 0, desiredReplicas: 3, minReplicas: 1, maxReplicas: 5 }),
    ).toMatchObject({ replicas: 0, reason: 'ScalingDisabled' });
  });
});
