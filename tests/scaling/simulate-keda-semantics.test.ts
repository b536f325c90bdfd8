import {
  DEFAULT_KEDA_VERSION,
  kedaFallbackMode,
  simulate,
  type SimulationInput,
  type SimulationResult,
} from '../../constructs/scaling';

// Every rule here is read from kedacore/keda at the tags named and kubernetes/kubernetes
// pkg/controller/podautoscaler; each test names the function it follows.

const at = (run: SimulationResult, t: number): number => run.timeline.find((p) => p.t === t)!.replicas;
const during = (run: SimulationResult, from: number, to: number): number[] => [
  ...new Set(run.timeline.filter((p) => p.t > from && p.t <= to).map((p) => p.replicas)),
];

describe('kedaFallbackMode', () => {
  // Source: kedacore/keda pkg/scaling/executor/scale_scaledobjects.go RequestScale: v2.14.1-v2.16.1 call
  // doFallbackScaling from the scale loop; from v2.17.0 (#6520) that branch only logs and the fallback acts
  // through pkg/fallback GetMetricsWithFallback, which the HPA's metric requests reach.
  test.each([
    ['2.14.1', 'scale-loop'],
    ['2.16.1', 'scale-loop'],
    ['2.17.0', 'hpa'],
    ['2.17.2', 'hpa'],
    ['2.20.2', 'hpa'],
  ])('KEDA %s: fallback acts from the %s', (version, mode) => {
    expect(kedaFallbackMode(version)).toBe(mode);
  });

  test.each([['2.13.1'], ['2.21.0'], ['3.0.0'], ['v2.17.2'], ['2.17']])(
    'refuses %s, a version whose executor was not read',
    (version) => {
      expect(() => kedaFallbackMode(version)).toThrow(/kedaVersion/);
    },
  );

  test('the default is the pinned release', () => {
    expect(kedaFallbackMode(DEFAULT_KEDA_VERSION)).toBe('hpa');
  });
});

describe('simulate: an outage without fallback scales nothing', () => {
  // Source: scale_scaledobjects.go RequestScale, `isError && Fallback == nil`: KEDA only sets Ready=False;
  // horizontal.go reconcileAutoscaler returns on the metric error without writing the scale.
  const input = (kedaVersion: string): SimulationInput => ({
    scaling: {
      threshold: 100,
      arrivalRateThreshold: 10,
      minReplicas: 0,
      maxReplicas: 5,
      cooldownPeriodSeconds: 300,
      fallback: false,
      kedaVersion,
    },
    workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
    traffic: { arrivals: [20] },
    timing: { metricStalenessSeconds: 0, outages: [{ fromSecond: 600, toSecond: 1800 }] },
    durationSeconds: 1800,
  });

  test.each([['2.16.1'], ['2.17.2']])('KEDA %s keeps the replicas the outage found', (version) => {
    const run = simulate(input(version));
    const before = at(run, 600);
    expect(before).toBeGreaterThan(0);
    expect(during(run, 600, 1800)).toEqual([before]);
  });
});

describe('simulate: one failing trigger of two', () => {
  // Source: horizontal.go computeReplicasForMetrics: with an invalid metric, a proposal below spec.replicas
  // is an error (`invalidMetricsCount > 0 && replicas < specReplicas`), so the HPA does not scale down; a
  // proposal above it still scales up.
  const base: SimulationInput = {
    scaling: { threshold: 100, arrivalRateThreshold: 50, minReplicas: 1, maxReplicas: 10, fallback: false },
    workload: { messagesPerSecondPerPod: 50, startupSeconds: 0 },
    traffic: {
      arrivals: [
        { fromSecond: 0, ratePerSecond: 400 },
        { fromSecond: 600, ratePerSecond: 0 },
      ],
    },
    timing: {
      metricStalenessSeconds: 0,
      outages: [{ fromSecond: 500, toSecond: 1500, triggers: ['backlog'] }],
    },
    durationSeconds: 1500,
  };

  test('the backlog trigger failing while the arrival rate falls: no scale-down', () => {
    const run = simulate(base);
    const peak = at(run, 500);
    expect(peak).toBeGreaterThan(1);
    expect(during(run, 500, 1500)).toEqual([peak]);
    const healthy = simulate({ ...base, timing: { metricStalenessSeconds: 0 } });
    expect(at(healthy, 1500)).toBeLessThan(peak);
  });

  test('the arrival-rate trigger still scales up past the failing one', () => {
    const run = simulate({
      ...base,
      traffic: {
        arrivals: [
          { fromSecond: 0, ratePerSecond: 100 },
          { fromSecond: 600, ratePerSecond: 400 },
        ],
      },
    });
    expect(at(run, 590)).toBe(2);
    expect(at(run, 1500)).toBe(8);
  });
});

describe('simulate: fallback as KEDA 2.16 runs it (scale loop)', () => {
  // Source: v2.16.1 scale_scaledobjects.go RequestScale `isError && Fallback != nil` → doFallbackScaling:
  // the scale loop writes fallback.replicas at the first failed poll when no trigger is active, at any
  // replica count, zero included.
  test('from zero replicas, the first failed poll sets fallback.replicas', () => {
    const run = simulate({
      scaling: {
        threshold: 100,
        minReplicas: 0,
        maxReplicas: 10,
        pollingIntervalSeconds: 30,
        fallback: { failureThreshold: 3, replicas: 4 },
        kedaVersion: '2.16.1',
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0] },
      timing: { outages: [{ fromSecond: 300, toSecond: 900 }] },
      durationSeconds: 900,
      initialReplicas: 0,
    });
    expect(at(run, 300)).toBe(0);
    expect(at(run, 301)).toBe(4);
  });
});

describe('simulate: fallback as KEDA 2.17+ runs it (HPA only)', () => {
  // Source: v2.17.2 pkg/fallback/fallback.go GetMetricsWithFallback: each failed metric request of the HPA
  // increments status.health[metric].numberOfFailures; only past failureThreshold (`>`) does doFallback answer
  // int64(target) × replicas. The scale loop's `isError && Fallback != nil` branch only logs.
  const outage = (overrides: Partial<SimulationInput['scaling']>, initialReplicas?: number) =>
    simulate({
      scaling: {
        threshold: 100,
        minReplicas: 1,
        maxReplicas: 20,
        pollingIntervalSeconds: 15,
        fallback: { failureThreshold: 3, replicas: 6 },
        kedaVersion: '2.17.2',
        ...overrides,
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0] },
      timing: { outages: [{ fromSecond: 300, toSecond: 1200 }] },
      durationSeconds: 1200,
      ...(initialReplicas !== undefined && { initialReplicas }),
    });

  test('"3 failed polls" is the 4th failed HPA request: 300, 315, 330 fail, 345 reads the fallback', () => {
    const run = outage({});
    expect(at(run, 345)).toBe(1);
    // Through the HPA's legacy scale-up limit, max(2 × 1, 4) = 4 (horizontal.go calculateScaleUpLimit), then 6.
    expect(at(run, 346)).toBe(4);
    expect(at(run, 361)).toBe(6);
    expect(during(run, 361, 1200)).toEqual([6]);
  });

  test('never from zero replicas: the HPA is disabled at 0 and the scale loop only logs', () => {
    const run = outage({ minReplicas: 0 }, 0);
    expect(during(run, 0, 1200)).toEqual([0]);
  });

  test('the fallback goes through the HPA behavior: Pods 1 per 60 s scales up one pod a minute', () => {
    const run = outage({
      behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    });
    expect(at(run, 346)).toBe(2);
    expect(at(run, 406)).toBe(3);
  });

  // Source: v2.17.2 fallback.go doFallback: static uses fallback.replicas; currentReplicas the scale
  // target's replicas; currentReplicasIfHigher/IfLower the larger/smaller of the two.
  test.each([
    ['static', 6],
    ['currentReplicas', 10],
    ['currentReplicasIfHigher', 10],
    ['currentReplicasIfLower', 6],
  ] as const)('fallback.behavior %s at 10 replicas holds %i', (behavior, held) => {
    const run = outage({ fallback: { failureThreshold: 3, replicas: 6, behavior } }, 10);
    expect(at(run, 1200)).toBe(held);
  });

  test('fallback.behavior is refused for KEDA 2.16, which has no such field', () => {
    expect(() =>
      outage({
        kedaVersion: '2.16.1',
        fallback: { failureThreshold: 3, replicas: 6, behavior: 'currentReplicasIfHigher' },
      }),
    ).toThrow('scaling.fallback.behavior needs KEDA 2.17 or later (scaling.kedaVersion 2.16.1)');
  });
});

describe('simulate: an empty result and ignoreNullValues', () => {
  // Source: v2.17.2 pkg/scalers/prometheus_scaler.go ExecutePromQuery: an empty result is 0 when
  // ignoreNullValues is true (the default), an error when it is false.
  const emptied = (ignoreNullValues: boolean | undefined) =>
    simulate({
      scaling: {
        threshold: 100,
        minReplicas: 1,
        maxReplicas: 20,
        fallback: { failureThreshold: 3, replicas: 4, behavior: 'currentReplicasIfHigher' },
        ...(ignoreNullValues !== undefined && { ignoreNullValues }),
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [80] },
      timing: { metricStalenessSeconds: 0, outages: [{ fromSecond: 600, toSecond: 1800, kind: 'empty' }] },
      durationSeconds: 1800,
    });

  test('ignoreNullValues true (KEDA default): the lost series reads as no backlog and the workload drifts to its minimum', () => {
    const run = emptied(undefined);
    expect(at(run, 600)).toBeGreaterThan(4);
    expect(at(run, 1800)).toBe(1);
  });

  test('ignoreNullValues false: the lost series is an error and the fallback holds the replicas', () => {
    const run = emptied(false);
    const before = at(run, 600);
    expect(before).toBeGreaterThan(4);
    expect(during(run, 600, 1800)).toEqual([before]);
  });

  test("an 'error' outage fails whatever ignoreNullValues says", () => {
    const input = {
      scaling: { threshold: 100, minReplicas: 1, maxReplicas: 20, fallback: false as const },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [80] },
      timing: { metricStalenessSeconds: 0, outages: [{ fromSecond: 600, toSecond: 1800 }] },
      durationSeconds: 1800,
    };
    const run = simulate(input);
    expect(during(run, 600, 1800)).toEqual([at(run, 600)]);
  });
});
