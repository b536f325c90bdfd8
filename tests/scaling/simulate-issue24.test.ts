import { simulate, type SimulationInput, type SimulationResult } from '../../constructs/scaling';

const replicasAt = (run: SimulationResult, t: number): number => run.timeline[t].replicas;

describe('simulate: the HPA of the cluster Kubernetes minor', () => {
  // The hand-worked case of hpa-proposal-minor.test.ts at the first sync (t = 0): 10 pods, backlog 330,
  // threshold 30; min 1 so KEDA leaves the count to the HPA.
  const base: SimulationInput = {
    scaling: { threshold: 30, minReplicas: 1, maxReplicas: 20 },
    workload: { messagesPerSecondPerPod: 0, startupSeconds: 0 },
    traffic: { arrivals: [0], initialBacklog: 330 },
    timing: { metricStalenessSeconds: 0 },
    durationSeconds: 2,
    initialReplicas: 10,
  };

  test.each([
    ['1.32', 11],
    ['1.33', 10],
  ])('on %s the first sync writes %i', (kubernetesVersion, replicas) => {
    expect(replicasAt(simulate({ ...base, scaling: { ...base.scaling, kubernetesVersion } }), 0)).toBe(
      replicas,
    );
  });
});

describe('simulate: a new ScaledObject has no lastActiveTime', () => {
  // Source: kedacore/keda v2.17.2 pkg/scaling/executor/scale_scaledobjects.go scaleToZeroOrIdle: with
  // LastActiveTime nil it scales in once CreationTimestamp + initialCooldownPeriod is before now;
  // scale_executor.go defaultInitialCooldownPeriod = 0.
  const base: SimulationInput = {
    scaling: { threshold: 100, minReplicas: 0, maxReplicas: 5, pollingIntervalSeconds: 30 },
    workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
    traffic: { arrivals: [0] },
    timing: { metricStalenessSeconds: 0, hpaPhaseSeconds: 1 },
    durationSeconds: 400,
    initialReplicas: 2,
  };

  test('created at t = 0 with 2 running pods and nothing to do: KEDA scales to zero at its first poll', () => {
    expect(replicasAt(simulate(base), 0)).toBe(0);
  });

  test('initialCooldownPeriod 60: the first poll after it, at 60 s', () => {
    const run = simulate({ ...base, scaling: { ...base.scaling, initialCooldownPeriodSeconds: 60 } });
    expect([replicasAt(run, 59), replicasAt(run, 60)]).toEqual([2, 0]);
  });

  test('last active at t = 0 (an existing ScaledObject): it waits the 300 s cooldown', () => {
    const run = simulate({ ...base, lastActiveSecondsBeforeStart: 0 });
    expect([replicasAt(run, 299), replicasAt(run, 300)]).toEqual([2, 0]);
  });
});

describe('simulate: the scale-from-zero stand-in only wakes', () => {
  // Dev order-fulfilment: threshold 1200, min 0, max 5; 200 msg/s arrive, the pods consume 20 msg/s each.
  const dev: SimulationInput = {
    scaling: {
      threshold: 1200,
      minReplicas: 0,
      maxReplicas: 5,
      ignoreNullValues: false,
      behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
    },
    workload: { messagesPerSecondPerPod: 20, startupSeconds: 20 },
    traffic: { arrivals: [200], initialBacklog: 6000 },
    timing: { metricStalenessSeconds: 0, hpaPhaseSeconds: 1 },
    durationSeconds: 60,
    lastActiveSecondsBeforeStart: 0,
    initialReplicas: 5,
  };

  test('consumers running, the group series lost: the query reads 1200, the HPA proposes 1 (not max 5)', () => {
    const run = simulate({
      ...dev,
      timing: { ...dev.timing, outages: [{ fromSecond: 0, toSecond: 60, kind: 'groupAbsent' }] },
    });
    // The sync at 1 s: ceil(1200 / 1200) = 1, and no stabilization window holds 5.
    expect([replicasAt(run, 0), replicasAt(run, 1)]).toEqual([5, 1]);
  });

  test('a workload that cannot go to zero gets an empty result there: an error, the count holds', () => {
    const run = simulate({
      ...dev,
      scaling: { ...dev.scaling, minReplicas: 1 },
      timing: { ...dev.timing, outages: [{ fromSecond: 0, toSecond: 60, kind: 'groupAbsent' }] },
    });
    expect(replicasAt(run, 59)).toBe(5);
  });

  test('woken from zero: the stand-in holds the HPA at 1 until a pod is ready and the group series appear', () => {
    // KEDA wakes it at 0 s (arrivals in the last 5 min); the pod is ready at 20 s. Syncs at 1 and 16 s read
    // the stand-in (ratio 1200 / (1200 × 1) = 1: stays 1); the 31 s sync reads the group, about 6000 + 31 × 200
    // − 11 × 20 = 11980 → ceil(11980 / 1200) = 10, which the default scale-up policy (max of +100 % and +4 pods
    // per 15 s: 1 + 4) and maxReplicas both hold at 5.
    const run = simulate({ ...dev, initialReplicas: 0, lastActiveSecondsBeforeStart: undefined });
    expect([replicasAt(run, 0), replicasAt(run, 16), replicasAt(run, 30), replicasAt(run, 31)]).toEqual([
      1, 1, 1, 5,
    ]);
  });

  test('an exporter that keeps the group series without consumers: the HPA reads the backlog at 1 s', () => {
    const run = simulate({
      ...dev,
      initialReplicas: 0,
      lastActiveSecondsBeforeStart: undefined,
      timing: { ...dev.timing, groupSeriesWithoutConsumers: true },
    });
    expect([replicasAt(run, 0), replicasAt(run, 1)]).toEqual([1, 5]);
  });
});

describe('simulate: idleReplicaCount above 0 fights the HPA', () => {
  // idle 1, min 3, nothing to do, cooldown 0: each KEDA poll (every 30 s) writes 1, the HPA's next sync (1 s
  // later) restores 3 (reconcileAutoscaler: below minReplicas). Polls at 0, 30, ..., 270: 10 fights.
  test('every poll is one idle↔min fight, counted in the summary', () => {
    const run = simulate({
      scaling: {
        threshold: 100,
        minReplicas: 3,
        maxReplicas: 5,
        idleReplicaCount: 1,
        cooldownPeriodSeconds: 0,
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0] },
      timing: { metricStalenessSeconds: 0, hpaPhaseSeconds: 1 },
      durationSeconds: 300,
      initialReplicas: 3,
    });
    expect(run.summary.idleFights).toBe(10);
    expect([replicasAt(run, 0), replicasAt(run, 1), replicasAt(run, 30), replicasAt(run, 31)]).toEqual([
      1, 3, 1, 3,
    ]);
  });

  test('idle 0 does not fight: the HPA is off at zero replicas', () => {
    const run = simulate({
      scaling: {
        threshold: 100,
        minReplicas: 3,
        maxReplicas: 5,
        idleReplicaCount: 0,
        cooldownPeriodSeconds: 0,
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0] },
      timing: { metricStalenessSeconds: 0, hpaPhaseSeconds: 1 },
      durationSeconds: 300,
      initialReplicas: 3,
    });
    expect(run.summary.idleFights).toBe(0);
    expect(replicasAt(run, 299)).toBe(0);
  });
});

describe('simulate: a cron trigger is not exactly desiredReplicas', () => {
  // KEDA's cron metric is desiredReplicas (32) against an AverageValue target of 1: with 30 running the ratio
  // 32 / (1 × 30) = 1.067 is within the 0.1 tolerance on either form, so the HPA keeps 30; from 28 it is 1.143,
  // outside: ceil(32 / 1) = 32 (kedacore/keda v2.17.2 pkg/scalers/cron_scaler.go; replica_calculator.go).
  const cron = (initialReplicas: number, kubernetesVersion: string): SimulationResult =>
    simulate({
      scaling: {
        threshold: 1000,
        minReplicas: 1,
        maxReplicas: 40,
        kubernetesVersion,
        schedules: [{ name: 'sale', desiredReplicas: 32, windows: [{ fromSecond: 0, toSecond: 100 }] }],
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0] },
      timing: { metricStalenessSeconds: 0 },
      durationSeconds: 60,
      initialReplicas,
      lastActiveSecondsBeforeStart: 0,
    });

  test.each(['1.32', '1.35'])('on %s: 30 running stay 30, 28 running go to 32', (kubernetesVersion) => {
    expect(replicasAt(cron(30, kubernetesVersion), 59)).toBe(30);
    expect(replicasAt(cron(28, kubernetesVersion), 0)).toBe(32);
  });
});
