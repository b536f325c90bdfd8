import { simulate, type SimulationInput, type SimulationResult } from '../../constructs/scaling';

const replicasAt = (run: SimulationResult, t: number): number => run.timeline[t].replicas;

// Source: kedacore/keda pkg/scaling/executor/scale_scaledobjects.go RequestScale: when a trigger is active and the
// target is at zero (or idle below min with idleReplicaCount), scaleFromZeroOrIdle runs before the `isError` case.
describe('simulate: activation goes through a failing second trigger', () => {
  // 500 messages wait, so the backlog trigger is active at the 0 s poll; the arrival-rate query fails throughout.
  const base: SimulationInput = {
    scaling: { threshold: 100, arrivalRateThreshold: 10, minReplicas: 0, maxReplicas: 5 },
    workload: { messagesPerSecondPerPod: 0, startupSeconds: 0 },
    traffic: { arrivals: [0], initialBacklog: 500 },
    timing: {
      metricStalenessSeconds: 0,
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
