import { simulate, type SimulationInput, type SimulationResult } from '../../constructs/scaling';

/** spec.replicas during the step that starts at second t. */
const replicasAt = (run: SimulationResult, t: number): number => run.timeline[t].replicas;

// KEDA scales in once lastActive + cooldownPeriod is before now; it stores LastActiveTime to the second and polls
// a fraction of a second after its tick, so the model adds 0.5 s (kedacore/keda pkg/scaling/executor
// scale_scaledobjects.go scaleToZeroOrIdle).
describe('simulate: the cooldown counts from the last active poll', () => {
  // Two ready pods drain 1000 waiting messages at 2 × 10 msg/s: the backlog at second t is 1000 − 20 t, gone at
  // 50 s. Polls every 30 s (metric read as it is): active at 0 and 30 (400 left), inactive from 60. Threshold 1000:
  // the HPA proposes ceil(1000 / 1000) = 1 and its 300 s stabilization keeps 2, so only KEDA changes the count.
  const drain = (cooldownPeriodSeconds: number): SimulationInput => ({
    scaling: { threshold: 1000, minReplicas: 0, maxReplicas: 5, cooldownPeriodSeconds },
    workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
    traffic: { arrivals: [0], initialBacklog: 1000 },
    timing: { metricStalenessSeconds: 0 },
    durationSeconds: 200,
    initialReplicas: 2,
  });

  test('cooldown 60: last active at 30, so 60.5 s later at the 90 s poll it scales to zero', () => {
    const run = simulate(drain(60));
    // At the 60 s poll only 30.5 s have passed.
    expect(replicasAt(run, 89)).toBe(2);
    expect(replicasAt(run, 90)).toBe(0);
    expect(run.summary.lastScaleEventAtSecond).toBe(90);
  });

  test('cooldown 0: the first inactive poll (60 s) scales to zero', () => {
    const run = simulate(drain(0));
    expect(replicasAt(run, 59)).toBe(2);
    expect(replicasAt(run, 60)).toBe(0);
  });

  test('an existing ScaledObject last active at 0 waits its cooldown from there', () => {
    // Nothing ever waits: inactive from the first poll, 60.5 s after the start at the 60 s poll. (A ScaledObject
    // created at 0 has no lastActiveTime and would scale in at the 0 s poll: simulate-issue24.test.ts.)
    const run = simulate({ ...drain(60), traffic: { arrivals: [0] }, lastActiveSecondsBeforeStart: 0 });
    expect(replicasAt(run, 0)).toBe(2);
    expect(replicasAt(run, 59)).toBe(2);
    expect(replicasAt(run, 60)).toBe(0);
  });
});

describe('simulate: overlapping outages', () => {
  // No traffic, two pods running, minReplicas 0: without an outage KEDA scales to zero at the 60 s poll.
  const idle = (outages: NonNullable<SimulationInput['timing']>['outages']): SimulationResult =>
    simulate({
      scaling: { threshold: 100, minReplicas: 0, maxReplicas: 5, cooldownPeriodSeconds: 60 },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0] },
      timing: { metricStalenessSeconds: 0, outages },
      durationSeconds: 200,
      initialReplicas: 2,
    });

  test('an empty result reads as 0 (ignoreNullValues true): scale to zero at 60 as without an outage', () => {
    expect(replicasAt(idle([{ fromSecond: 0, toSecond: 150, kind: 'empty' }]), 60)).toBe(0);
  });

  test('an error overlapping an empty result wins, whichever is listed first: nothing scales', () => {
    // RequestScale `!isActive && isError` without fallback only sets a condition; the HPA returns on the error.
    const emptyFirst = idle([
      { fromSecond: 0, toSecond: 150, kind: 'empty' },
      { fromSecond: 0, toSecond: 150, kind: 'error' },
    ]);
    expect(replicasAt(emptyFirst, 149)).toBe(2);
    // At 150 the outage is over: 150.5 s since the start, past the cooldown.
    expect(replicasAt(emptyFirst, 150)).toBe(0);
    const errorFirst = idle([
      { fromSecond: 0, toSecond: 150 },
      { fromSecond: 0, toSecond: 150, kind: 'empty' },
    ]);
    expect(replicasAt(errorFirst, 149)).toBe(2);
  });

  test('an outage of the other trigger leaves the backlog query alone', () => {
    expect(replicasAt(idle([{ fromSecond: 0, toSecond: 150, triggers: ['arrivalRate'] }]), 60)).toBe(0);
  });
});

describe('simulate: flaps are counted against the configured scale-down window', () => {
  // A cron trigger of 3 replicas in [0, 60) and [200, 260), minReplicas 1, syncs every 15 s from 0. Up at 0; the
  // last proposal of 3 is at 45; the behavior's down window W lets go at the first sync t with 45 not after
  // t − W; up again at the 210 sync (the first in the second window); the last 3 at 255.
  // Source: kubernetes horizontal.go stabilizeRecommendationWithBehaviors; default policies allow these steps.
  const cron = (stabilizationWindowSeconds: number) =>
    simulate({
      scaling: {
        threshold: 100,
        minReplicas: 1,
        maxReplicas: 5,
        behavior: { scaleDown: { stabilizationWindowSeconds } },
        schedules: [
          {
            name: 'twice',
            desiredReplicas: 3,
            windows: [
              { fromSecond: 0, toSecond: 60 },
              { fromSecond: 200, toSecond: 260 },
            ],
          },
        ],
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0] },
      durationSeconds: 500,
    });

  test('W = 60: down at 105, up at 210 is 105 s later, beyond the window: no flap', () => {
    const run = cron(60);
    expect([replicasAt(run, 104), replicasAt(run, 105), replicasAt(run, 210), replicasAt(run, 315)]).toEqual([
      3, 1, 3, 1,
    ]);
    expect(run.summary).toMatchObject({ scaleEvents: 4, oscillations: 0, lastScaleEventAtSecond: 315 });
  });

  test('W = 120: down at 165, up at 210 is 45 s later, within the window: one flap', () => {
    const run = cron(120);
    expect([replicasAt(run, 164), replicasAt(run, 165), replicasAt(run, 210), replicasAt(run, 375)]).toEqual([
      3, 1, 3, 1,
    ]);
    expect(run.summary).toMatchObject({ scaleEvents: 4, oscillations: 1, lastScaleEventAtSecond: 375 });
  });
});
