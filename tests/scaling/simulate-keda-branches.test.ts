import { simulate, type SimulationInput, type SimulationResult } from '../../constructs/scaling';

const replicasAt = (run: SimulationResult, t: number): number => run.timeline[t].replicas;

// Source: kedacore/keda pkg/scaling/executor/scale_scaledobjects.go RequestScale: when a trigger is active and the
// target is at zero (or idle below min with idleReplicaCount), scaleFromZeroOrIdle runs before the `isError` case.
describe('simulate: activation goes through a failing second trigger', () => {
  // 500 messages wait (the group's series kept at zero), so the backlog trigger is active at the 0 s poll; the
  // arrival-rate query fails throughout.
  const base: SimulationInput = {
    scaling: { threshold: 100, arrivalRateThreshold: 10, minReplicas: 0, maxReplicas: 5 },
    workload: { messagesPerSecondPerPod: 0, startupSeconds: 0 },
    traffic: { arrivals: [0], initialBacklog: 500 },
    timing: {
      metricStalenessSeconds: 0,
      groupSeriesWithoutConsumers: true,
      hpaPhaseSeconds: 5,
      outages: [{ fromSecond: 0, toSecond: 100, triggers: ['arrivalRate'] }],
    },
    durationSeconds: 10,
    initialReplicas: 0,
  };

  test('from zero: KEDA scales to max(minReplicaCount, 1) = 1 at the 0 s poll', () => {
    expect(replicasAt(simulate(base), 0)).toBe(1);
  });

  test('from idle (idleReplicaCount 1 below min 3): KEDA scales straight to min at the 0 s poll', () => {
    const run = simulate({
      ...base,
      scaling: { ...base.scaling, minReplicas: 3, idleReplicaCount: 1 },
      initialReplicas: 1,
    });
    // The HPA's first sync is at 5 s: the 3 comes from KEDA.
    expect(replicasAt(run, 0)).toBe(3);
  });
});

describe('simulate: the HPA is off at zero replicas', () => {
  // KEDA 2.16 writes fallback.replicas 4 at its first failed poll (15 s) from zero; the outage ends at 30. The HPA's
  // first reconciliation with a metric is the 30 s sync: it seeds its history with the current 4, so the proposal 0
  // (no backlog) is held at 4 by the 300 s stabilization (horizontal.go recordInitialRecommendation). The syncs
  // at 0 and 15 while at 0 replicas must not have started that history. KEDA's 45 s poll, inactive and with no
  // LastActiveTime, then scales to zero.
  test('fallback replicas are held from the first sync with a metric until KEDA scales in', () => {
    const run = simulate({
      scaling: {
        threshold: 100,
        minReplicas: 0,
        maxReplicas: 5,
        kedaVersion: '2.16.1',
        fallback: { failureThreshold: 3, replicas: 4 },
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0] },
      timing: { metricStalenessSeconds: 0, kedaPhaseSeconds: 15, outages: [{ fromSecond: 0, toSecond: 30 }] },
      durationSeconds: 60,
      initialReplicas: 0,
    });
    expect([replicasAt(run, 14), replicasAt(run, 15), replicasAt(run, 30), replicasAt(run, 44)]).toEqual([
      0, 4, 4, 4,
    ]);
    expect(replicasAt(run, 45)).toBe(0);
  });
});

describe('simulate: a pod removed the second it became ready is billed its shutdown', () => {
  // KEDA with cooldown 0 scales the two initial pods (ready at 0) to zero at the 0 s poll: both are ready, so each
  // lingers processingSeconds (10 s) for its in-flight work: 2 × 10 replica-seconds, nothing after.
  test('2 × 10 replica-seconds', () => {
    const run = simulate({
      scaling: { threshold: 100, minReplicas: 0, maxReplicas: 5, cooldownPeriodSeconds: 0 },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0, processingSeconds: 10 },
      traffic: { arrivals: [0] },
      durationSeconds: 60,
      initialReplicas: 2,
    });
    expect(replicasAt(run, 0)).toBe(0);
    expect(run.summary.replicaSeconds).toBe(20);
  });
});

describe('simulate: one failing trigger while the other proposes the current count', () => {
  // Legacy HPA, 1 pod, 1000 messages, pods consume nothing, an external consumer takes 40 msg/s for 15 s.
  // Sync 0: ceil(1000 / 100) = 10, capped by the legacy limit max(2 × 1, 4) = 4; the recommendation 10 is stored.
  // Sync 15: the arrival-rate query fails; the backlog (400) over 4 pods is a ratio of 1.0, so it proposes 4 = the
  // current count: not below it, so computeReplicasForMetrics uses it (horizontal.go: an invalid metric is an error
  // only when every metric failed or the valid proposal is below the current count). Stabilized max(4, 10) = 10,
  // capped at max(2 × 4, 4) = 8.
  test('the HPA still acts: 4 at 0, 8 at 15', () => {
    const run = simulate({
      scaling: { threshold: 100, arrivalRateThreshold: 10, minReplicas: 1, maxReplicas: 20 },
      workload: { messagesPerSecondPerPod: 0, startupSeconds: 0 },
      traffic: {
        arrivals: [0],
        initialBacklog: 1000,
        externalDrain: [
          { fromSecond: 0, ratePerSecond: 40 },
          { fromSecond: 15, ratePerSecond: 0 },
        ],
      },
      timing: {
        metricStalenessSeconds: 0,
        outages: [{ fromSecond: 15, toSecond: 100, triggers: ['arrivalRate'] }],
      },
      durationSeconds: 20,
    });
    expect([replicasAt(run, 0), replicasAt(run, 14), replicasAt(run, 15)]).toEqual([4, 4, 8]);
  });
});
