import { simulate, type SimulationInput, type SimulationResult } from '../../constructs/scaling';

// Every rule here is read from kedacore/keda v2.17.2 (pkg/scaling/executor/scale_scaledobjects.go RequestScale,
// pkg/fallback/fallback.go, pkg/scalers/prometheus_scaler.go) and kubernetes pkg/controller/podautoscaler
// (horizontal.go computeReplicasForMetrics) and pkg/controller/controller_utils.go ActivePodsWithRanks.

/** spec.replicas during the step that starts at second t. */
const replicasAt = (run: SimulationResult, t: number): number => run.timeline[t].replicas;

describe('simulate: the HPA counts failed requests from zero', () => {
  // Every query fails from the very first second. The HPA's requests at 0, 15 and 30 fail (1, 2, 3 failures);
  // at 45 the 4th is past failureThreshold 3 (`>`) and KEDA answers int64(100) × 6 = 600: over 1 pod a ratio
  // of 6, ceil(600 / 100) = 6, limited on the legacy path to max(2 × 1, 4) = 4; at 60 over 4 pods ceil(6) = 6
  // within max(2 × 4, 4) = 8. KEDA 2.17 polls at 0, 30, 60: inactive with an error, it only logs.
  // Source: v2.17.2 pkg/fallback/fallback.go GetMetricsWithFallback; horizontal.go calculateScaleUpLimit.
  test('an outage from the first second: 1 until 45, 4 at 45, 6 at 60', () => {
    const run = simulate({
      scaling: {
        threshold: 100,
        minReplicas: 1,
        maxReplicas: 20,
        fallback: { failureThreshold: 3, replicas: 6 },
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0] },
      timing: { outages: [{ fromSecond: 0, toSecond: 600 }] },
      durationSeconds: 120,
    });
    expect([replicasAt(run, 44), replicasAt(run, 45), replicasAt(run, 59), replicasAt(run, 60)]).toEqual([
      1, 4, 4, 6,
    ]);
  });
});

describe('simulate: two triggers, one failing', () => {
  // Two ready pods, nothing arrives, minReplicaCount 0, cooldown 60 s, polls every 30 s at 0, 30, 60, …, the
  // metric read as it is. The ScaledObject was last active at 0, so with every query healthy KEDA
  // scales to zero at the 60 s poll (60.5 s > 60 s since then). The HPA holds 2 until then: its first sync
  // seeds its history with 2 and the 300 s window keeps it (horizontal.go recordInitialRecommendation).
  const idle = (
    outages: NonNullable<SimulationInput['timing']>['outages'],
    ignoreNullValues?: boolean,
  ): SimulationResult =>
    simulate({
      scaling: {
        threshold: 100,
        arrivalRateThreshold: 10,
        minReplicas: 0,
        maxReplicas: 5,
        cooldownPeriodSeconds: 60,
        ...(ignoreNullValues !== undefined && { ignoreNullValues }),
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0] },
      timing: { metricStalenessSeconds: 0, outages },
      durationSeconds: 200,
      initialReplicas: 2,
      lastActiveSecondsBeforeStart: 0,
    });

  test('an empty arrival-rate result reads as 0 (KEDA default ignoreNullValues true), even with the backlog trigger at false: scale to zero at 60', () => {
    // The manifests set ignoreNullValues false on the backlog trigger only; the arrival-rate trigger keeps
    // KEDA's default (constructs/k8s/backlog-scaler.ts; prometheus_scaler.go `default=true`). Read as 0 it is
    // inactive and healthy, so nothing differs from no outage.
    const run = idle([{ fromSecond: 0, toSecond: 150, kind: 'empty', triggers: ['arrivalRate'] }], false);
    expect(replicasAt(run, 59)).toBe(2);
    expect(replicasAt(run, 60)).toBe(0);
  });

  test('inactive with the arrival-rate query failing: KEDA does not scale in until the error is gone (150 s poll)', () => {
    // RequestScale `!isActive`, `isError && Fallback == nil`: only Ready=False. The HPA: one invalid metric and
    // a backlog proposal of 0 below 2 is an error (computeReplicasForMetrics), so nothing moves. At the 150 s
    // poll both queries answer: 150.5 s since the last activity at 0, past the cooldown.
    const run = simulate({
      scaling: {
        threshold: 100,
        arrivalRateThreshold: 10,
        minReplicas: 0,
        maxReplicas: 5,
        cooldownPeriodSeconds: 60,
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0] },
      timing: {
        metricStalenessSeconds: 0,
        outages: [{ fromSecond: 0, toSecond: 150, triggers: ['arrivalRate'] }],
      },
      durationSeconds: 200,
      initialReplicas: 2,
    });
    expect(replicasAt(run, 60)).toBe(2);
    expect(replicasAt(run, 149)).toBe(2);
    expect(replicasAt(run, 150)).toBe(0);
  });

  // idleReplicaCount 0 below min 2, 2 ready pods that consume nothing, 100 messages waiting until an outside
  // consumer takes them all in the step from 60 (100 msg/s): the backlog read at the 0, 30 and 60 s polls is 100
  // (active), at 90 it is 0. Threshold 1000: the backlog proposes ceil(100 / 1000) = 1 < 2, so while the
  // arrival-rate query fails the HPA errors and holds 2; afterwards its first history entry is 2, kept 300 s.
  const activeWithError = (outages: NonNullable<SimulationInput['timing']>['outages']): SimulationResult =>
    simulate({
      scaling: {
        threshold: 1000,
        arrivalRateThreshold: 10,
        minReplicas: 2,
        idleReplicaCount: 0,
        maxReplicas: 5,
        cooldownPeriodSeconds: 60,
      },
      workload: { messagesPerSecondPerPod: 0, startupSeconds: 0 },
      traffic: {
        arrivals: [0],
        initialBacklog: 100,
        externalDrain: [
          { fromSecond: 0, ratePerSecond: 0 },
          { fromSecond: 60, ratePerSecond: 100 },
        ],
      },
      timing: { metricStalenessSeconds: 0, outages },
      durationSeconds: 200,
    });

  test('active at min with the other trigger failing: LastActiveTime is not refreshed, so the idle scale-in comes at the 90 s poll', () => {
    // RequestScale `isActive`: neither at zero nor idle below min (2 is not < 2), so `case isError` only sets
    // Ready=Unknown and LastActiveTime stays at the start (0). At 90 the error is over and nothing is active:
    // 90.5 s > 60 s, scaleToZeroOrIdle writes idleReplicaCount 0.
    const run = activeWithError([{ fromSecond: 0, toSecond: 90, triggers: ['arrivalRate'] }]);
    expect(replicasAt(run, 89)).toBe(2);
    expect(replicasAt(run, 90)).toBe(0);
  });

  test('the same without the error: the 60 s poll refreshes LastActiveTime, so the scale-in waits until the 120 s poll', () => {
    // Active polls at 0, 30, 60 refresh it (`default: updateLastActiveTime`); at 90 only 30.5 s have passed,
    // at 120 60.5 s > 60 s.
    const run = activeWithError([]);
    expect(replicasAt(run, 90)).toBe(2);
    expect(replicasAt(run, 119)).toBe(2);
    expect(replicasAt(run, 120)).toBe(0);
  });
});

describe('simulate: the shutdown of removed pods in replicaSeconds', () => {
  // A removed pod that was ready lingers maxProcessingSeconds (default processingSeconds, 10 s) for its
  // in-flight messages; one still starting has none and goes at once.
  test('the HPA scales 3 ready pods to 1 at 15 s: 3 × 15 + 1 × 15 + 2 removed × 10 = 80 replica-seconds', () => {
    // Nothing waits. Legacy HPA with a 0 s down window: at 0 its seeded history (3, at 0) is not before
    // 0 − 0, so it holds 3; at 15 every entry is older, the proposal 0 is raised to min 1 (horizontal.go
    // convertDesiredReplicasWithRules). KEDA with min 1 and no idle never scales. The ReplicaSet keeps one of the
    // three pods ready since 0 and removes two ready ones.
    const run = simulate({
      scaling: { threshold: 100, minReplicas: 1, maxReplicas: 5 },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0, processingSeconds: 10 },
      traffic: { arrivals: [0] },
      timing: { metricStalenessSeconds: 0, hpaDownscaleStabilizationSeconds: 0 },
      durationSeconds: 30,
      initialReplicas: 3,
    });
    expect([replicasAt(run, 14), replicasAt(run, 15)]).toEqual([3, 1]);
    expect(run.summary.replicaSeconds).toBe(80);
  });

  test('KEDA scales a pod that is still starting to zero: 1 × 30 replica-seconds, no shutdown', () => {
    // 500 waiting from 0 replicas: the 0 s poll is active and scales from zero to 1 (ready at 60, startup 60 s).
    // The HPA proposes ceil(500 / 1000) = 1 at 0 and its window holds 1. An outside consumer takes 50 msg/s,
    // so the backlog is 0 from 10 s; the 30 s poll is inactive, 30.5 s > cooldown 0 since 0: scale to zero.
    // The pod was never ready, so it has no in-flight message to finish.
    const run = simulate({
      scaling: { threshold: 1000, minReplicas: 0, maxReplicas: 5, cooldownPeriodSeconds: 0 },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 60, processingSeconds: 10 },
      traffic: { arrivals: [0], initialBacklog: 500, externalDrain: [50] },
      timing: { metricStalenessSeconds: 0, groupSeriesWithoutConsumers: true },
      durationSeconds: 60,
      initialReplicas: 0,
    });
    expect([replicasAt(run, 0), replicasAt(run, 29), replicasAt(run, 30)]).toEqual([1, 1, 0]);
    expect(run.summary.replicaSeconds).toBe(30);
  });
});
