/**
 * Every optional behaviour of the simulator with a figure worked out by hand that changes if it breaks:
 * the queue cap on the query, idle replicas, activation, the external drain, the arrival-rate trigger,
 * outages with and without fallback.
 */
import { simulate, type SimulationInput } from '../../constructs/scaling';

const firstAbove = (run: ReturnType<typeof simulate>, replicas: number) =>
  run.timeline.find((p) => p.replicas > replicas)?.t;

describe('simulate: the queue cap on the query', () => {
  // Queue-based, 8 queues, max 2, threshold 10: the manifests clamp the query at min(8, 2) × 10 = 20. The group's
  // series exist at zero (a static subscription), so KEDA reads the clamped backlog, not the stand-in.
  const capped = (activationThreshold: number): SimulationInput => ({
    scaling: { threshold: 10, activationThreshold, minReplicas: 0, maxReplicas: 2, queueCap: 8 },
    workload: { messagesPerSecondPerPod: 0, startupSeconds: 0 },
    traffic: { arrivals: [0], initialBacklog: 1000 },
    timing: { groupSeriesWithoutConsumers: true },
    durationSeconds: 300,
  });

  test('KEDA compares the clamped value: 1000 waiting reads as 20, so an activation threshold of 25 never fires', () => {
    expect(simulate(capped(25)).summary.peakReplicas).toBe(0);
  });

  test('below the clamp it fires: 20 > 15 activates at the 0 s poll, and the HPA syncing that second asks for 20 / 10 = 2', () => {
    const run = simulate(capped(15));
    expect(run.timeline[0].replicas).toBe(2);
    expect(run.summary.peakReplicas).toBe(2);
  });

  test('with fewer queues than max the HPA never asks beyond them: clamp min(2, 8) × 10 = 20 holds 2 of 8', () => {
    const run = simulate({
      scaling: { threshold: 10, minReplicas: 1, maxReplicas: 8, queueCap: 2 },
      workload: { messagesPerSecondPerPod: 0, startupSeconds: 0 },
      traffic: { arrivals: [0], initialBacklog: 1000 },
      durationSeconds: 300,
    });
    expect(run.summary.peakReplicas).toBe(2);
  });
});

describe('simulate: idle replicas', () => {
  // min 2, idle 0, nothing to do, cooldown 60 s, polls every 30 s at 0, 30, 60, …: KEDA last saw activity at
  // 0 (an existing ScaledObject, lastActiveSecondsBeforeStart 0), and at the 60 s poll 60.5 s > 60 s have passed.
  const idle = (idleReplicaCount: number | undefined, arrivals: SimulationInput['traffic']['arrivals']) =>
    simulate({
      scaling: {
        threshold: 100,
        minReplicas: 2,
        maxReplicas: 4,
        cooldownPeriodSeconds: 60,
        ...(idleReplicaCount !== undefined && { idleReplicaCount }),
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals },
      timing: { metricStalenessSeconds: 0 },
      durationSeconds: 300,
      lastActiveSecondsBeforeStart: 0,
    });

  test('the workload goes to idleReplicaCount 0 at the 60 s poll; without it, it stays at min 2', () => {
    const run = idle(0, [0]);
    expect(run.timeline.find((p) => p.t === 60)!.replicas).toBe(2);
    expect(run.timeline.find((p) => p.t === 61)!.replicas).toBe(0);
    expect(idle(undefined, [0]).timeline.every((p) => p.replicas === 2)).toBe(true);
  });

  test('from idle, activity scales straight to min 2, not to 1', () => {
    // Messages from 100 s: the 120 s poll sees 20 > 0 and sets max(min, 1) = 2.
    const run = idle(0, [
      { fromSecond: 0, ratePerSecond: 0 },
      { fromSecond: 100, ratePerSecond: 1 },
    ]);
    expect(run.timeline.find((p) => p.t === 120)!.replicas).toBe(0);
    expect(run.timeline.find((p) => p.t === 121)!.replicas).toBe(2);
  });
});

describe('simulate: activation', () => {
  // 1 msg/s into an empty queue, min 0, nothing consumes, polls every 30 s, no staleness, and the group's series
  // kept at zero (else the stand-in reads 100 from the first arrival): the backlog KEDA sees at a poll at t is t.
  const activation = (activationThreshold: number) =>
    simulate({
      scaling: { threshold: 100, activationThreshold, minReplicas: 0, maxReplicas: 3 },
      workload: { messagesPerSecondPerPod: 0, startupSeconds: 0 },
      traffic: { arrivals: [1] },
      timing: { metricStalenessSeconds: 0, groupSeriesWithoutConsumers: true },
      durationSeconds: 200,
    });

  test.each([
    // [activationThreshold, first poll with backlog > it]
    [0, 30],
    [29, 30],
    [30, 60],
    [50, 60],
    [60, 90],
  ])('activation threshold %i: the first replica at the %i s poll', (threshold, poll) => {
    expect(firstAbove(activation(threshold), 0)).toBe(poll + 1);
  });
});

describe('simulate: the external drain', () => {
  // Pods that consume nothing, 600 waiting, an outside consumer at 10 msg/s: empty after 60 s.
  const drained = (externalDrain?: SimulationInput['traffic']['externalDrain']) =>
    simulate({
      scaling: { threshold: 1000, minReplicas: 1, maxReplicas: 1 },
      workload: { messagesPerSecondPerPod: 0, startupSeconds: 0 },
      traffic: { arrivals: [0], initialBacklog: 600, ...(externalDrain && { externalDrain }) },
      durationSeconds: 120,
    }).summary;

  test('600 messages at 10 msg/s are gone 60 s after the peak, and count as consumed', () => {
    expect(drained([10])).toMatchObject({ consumed: 600, finalBacklog: 0, drainSecondsAfterPeak: 60 });
  });

  test('drain segments hold until the next one: 5 msg/s for 20 s, then 25 msg/s, empty at 20 + 500 / 25 = 40 s', () => {
    const summary = drained([
      { fromSecond: 0, ratePerSecond: 5 },
      { fromSecond: 20, ratePerSecond: 25 },
    ]);
    expect(summary.drainSecondsAfterPeak).toBe(40);
  });

  test('without it nothing leaves', () => {
    expect(drained()).toMatchObject({ consumed: 0, finalBacklog: 600, drainSecondsAfterPeak: null });
  });
});

describe('simulate: the arrival-rate trigger', () => {
  // 50 msg/s, 10 msg/s per pod, backlog threshold 1000, rate threshold 10 msg/s per pod, no staleness, pods
  // ready at once. Traffic flowing at t = 0 counts as steady before it, so the sync at 0 already sees 50 msg/s:
  // ceil(50 / 10) = 5, limited on the legacy path to max(2 × 1, 4) = 4; the 15 s sync reaches 5, which then
  // consume exactly what arrives.
  const rate = (arrivalRateThreshold?: number) =>
    simulate({
      scaling: {
        threshold: 1000,
        minReplicas: 1,
        maxReplicas: 10,
        ...(arrivalRateThreshold !== undefined && { arrivalRateThreshold }),
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [50] },
      timing: { metricStalenessSeconds: 0 },
      durationSeconds: 600,
    });

  test('the HPA takes the larger proposal: 4 pods at 0 s, 5 from 15 s on, and the backlog stops at 150', () => {
    const run = rate(10);
    expect(run.timeline.find((p) => p.t === 1)!.replicas).toBe(4);
    expect(run.timeline.find((p) => p.t === 16)!.replicas).toBe(5);
    expect(run.timeline.filter((p) => p.t > 15).every((p) => p.replicas === 5)).toBe(true);
    // 4 pods for 15 s (10/s net): 150.
    expect(run.timeline[run.timeline.length - 1].backlog).toBe(150);
  });

  test('on the backlog alone the first scale-up waits until 40/s net passes 1000 × 1.1: the 30 s sync', () => {
    const run = rate();
    expect(run.timeline.find((p) => p.t === 16)!.replicas).toBe(1);
    // At 30 s: 1200 > 1100, ceil(1200 / 1000) = 2.
    expect(run.timeline.find((p) => p.t === 31)!.replicas).toBe(2);
  });
});

describe('simulate: outages', () => {
  // min 1, max 20, polls every 15 s, nothing arriving; every query fails from 300 s.
  const outage = (fallback: SimulationInput['scaling']['fallback'], kedaVersion?: string) =>
    simulate({
      scaling: {
        threshold: 100,
        minReplicas: 1,
        maxReplicas: 20,
        pollingIntervalSeconds: 15,
        ...(fallback !== undefined && { fallback }),
        ...(kedaVersion !== undefined && { kedaVersion }),
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0] },
      timing: { outages: [{ fromSecond: 300, toSecond: 900 }] },
      durationSeconds: 1300,
    });

  test('KEDA 2.17 (pinned): fallback only through the HPA, from the 4th failed request, within its scale-up limit', () => {
    // HPA requests at 300, 315, 330 fail with the count at 1, 2, 3; at 345 the count 4 > failureThreshold 3
    // and KEDA answers the fallback metric 6 × 100 = 600: ceil(600 / 100) = 6, limited to max(2 × 1, 4) = 4;
    // at 360 max(2 × 4, 4) = 8 allows 6 (kedacore/keda v2.17 pkg/fallback/fallback.go GetMetricsWithFallback).
    const run = outage({ failureThreshold: 3, replicas: 6 });
    expect(run.timeline.find((p) => p.t === 345)!.replicas).toBe(1);
    expect(run.timeline.find((p) => p.t === 346)!.replicas).toBe(4);
    expect(run.timeline.find((p) => p.t === 360)!.replicas).toBe(4);
    expect(run.timeline.find((p) => p.t === 361)!.replicas).toBe(6);
    expect(run.timeline.find((p) => p.t === 900)!.replicas).toBe(6);
    // After the outage the HPA reads 0 again, but its 300 s scale-down window keeps the fallback
    // recommendation of the last failed sync (885 s) until the 1200 s sync.
    expect(run.timeline.find((p) => p.t === 1200)!.replicas).toBe(6);
    expect(run.timeline.find((p) => p.t === 1201)!.replicas).toBe(1);
  });

  test('KEDA 2.16: the scale loop writes fallback.replicas from the first failed poll, and back to min after', () => {
    const run = outage({ failureThreshold: 3, replicas: 6 }, '2.16.1');
    expect(run.timeline.find((p) => p.t === 300)!.replicas).toBe(1);
    expect(run.timeline.find((p) => p.t === 301)!.replicas).toBe(6);
    expect(run.timeline.find((p) => p.t === 900)!.replicas).toBe(6);
    expect(run.timeline.find((p) => p.t === 1200)!.replicas).toBe(6);
    expect(run.timeline.find((p) => p.t === 1201)!.replicas).toBe(1);
  });

  test('with fallback off the HPA leaves the count alone during the outage', () => {
    expect(outage(false).timeline.every((p) => p.replicas === 1)).toBe(true);
    expect(outage(undefined).timeline.every((p) => p.replicas === 1)).toBe(true);
  });

  test.each([
    // [failureThreshold, first second with 2 pods]: syncs at 300, 315, … fail; the (threshold + 1)th reads
    // int64(100) × 2 = 200, which over 8 pods at 100 each asks for 2.
    [3, 346],
    [5, 376],
  ])(
    'the HPA reads the fallback metric only past failureThreshold %i failed requests: 2 pods at %i s',
    (failureThreshold, at) => {
      // KEDA polls at 0 and 600 only, so its scale loop never sees the outage (300-550 s); a scale-down
      // window of 0 lets the HPA act at once. Before the outage 800 waiting over 8 pods is on target.
      const run = simulate({
        scaling: {
          threshold: 100,
          minReplicas: 1,
          maxReplicas: 20,
          pollingIntervalSeconds: 600,
          behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
          fallback: { failureThreshold, replicas: 2 },
        },
        workload: { messagesPerSecondPerPod: 0, startupSeconds: 0 },
        traffic: { arrivals: [0], initialBacklog: 800 },
        timing: { metricStalenessSeconds: 0, outages: [{ fromSecond: 300, toSecond: 550 }] },
        durationSeconds: 600,
        initialReplicas: 8,
      });
      expect(run.timeline.find((p) => p.t === at - 1)!.replicas).toBe(8);
      expect(run.timeline.find((p) => p.t === at)!.replicas).toBe(2);
    },
  );
});
