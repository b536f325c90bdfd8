import {
  choosePreScale,
  recommendPreScale,
  SimulationMemo,
  type PreScaleInput,
  type SimulationScaling,
} from '../../constructs/scaling';

// Nothing arrives, so no message ever waits (0 over-target seconds) and the replica counts come from the cron
// triggers alone; pods are ready at once. A peak [600, 900) of 3 replicas on a 1500 s run, legacy HPA (no behavior).
// Source for the HPA arithmetic: kubernetes pkg/controller/podautoscaler/horizontal.go (sync every 15 s,
// scale-down stabilization 300 s, scale-up limit max(2 × current, 4)) and replica_calculator.go (ceil(metric / target)).
// recommendPreScale, for every candidate below: the probe window opens at max(0, floor((600 − 900) / 60) × 60) = 0,
// the first sync (t = 0) proposes 3 and the pods are ready at once: ramp 0, lead max(60, ceil((15 + 0) / 60) × 60)
// = 60, window from 540; closing early by min(floor((300 − 15) / 60), floor((900 − 540 − 60) / 60)) × 60 = 240 s
// costs nothing (no message waits), so the window is [540, 660).
// Across the timer placements (HPA phase p in {0, 5, 10}; KEDA never acts above minReplicas >= 1): up at the sync
// 540 + p, the last sync in the window 645 + p, down at the first sync later than 645 + p + 300: 960 + p.
const input: Omit<PreScaleInput, 'scaling'> = {
  workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
  traffic: { arrivals: [0] },
  durationSeconds: 1500,
  peak: { fromSecond: 600, toSecond: 900 },
  desiredReplicas: 3,
};
const reactive = (minReplicas: number, maxReplicas: number): SimulationScaling => ({
  threshold: 1000,
  minReplicas,
  maxReplicas,
});
// A: 1 pod, 3 in [540 + p, 960 + p): (540 + p) + 3 × 420 + (540 − p) = 2340 replica-seconds, 2 events.
const A = reactive(1, 5);
// B: minReplicas 3 already covers the peak: 3 × 1500 = 4500 replica-seconds, no event.
const B = reactive(3, 5);
// C: 2 pods, 3 in the window: 2 × (540 + p) + 3 × 420 + 2 × (540 − p) = 3420 replica-seconds, 2 events.
const C = reactive(2, 5);
// D: maxReplicas 2 caps the cron proposal: (540 + p) + 2 × 420 + (540 − p) = 1920 replica-seconds, 2 events.
const D = reactive(1, 2);
/**
 * A candidate whose own cron trigger proposes `desired` in [0, 60) and [420, 480): up at p, down at 360 + p (the
 * last high proposal at 45 + p is then 300 s old), up again at 420 + p, within the 300 s window of that
 * scale-down: one flap at every placement, no over-target second.
 */
const flappy = (desired: number): SimulationScaling => ({
  ...A,
  schedules: [
    {
      name: 'own',
      desiredReplicas: desired,
      windows: [
        { fromSecond: 0, toSecond: 60 },
        { fromSecond: 420, toSecond: 480 },
      ],
    },
  ],
});
// F1 (2 pods): p + 2 × 360 + 60 + 2 × 120 + 3 × 420 (the peak window from 540 + p) + (540 − p) = 2820, 5 events.
const F1 = flappy(2);
// F2 (3 pods, held from 420 + p to 960 + p): p + 3 × 360 + 60 + 3 × 540 + (540 − p) = 3300, 4 events.
const F2 = flappy(3);

describe('choosePreScale', () => {
  test('each candidate gets the window [540, 660) and the spread of its six timer placements', () => {
    const choice = choosePreScale(input, [A], 1e9);
    expect(choice.window).toEqual({ fromSecond: 540, toSecond: 660 });
    expect(choice.endBeforePeakEndSeconds).toBe(240);
    expect(choice.candidatesEvaluated).toBe(1);
    expect(choice.acrossPhases.phases).toHaveLength(6);
    expect(choice.acrossPhases.replicaSeconds).toEqual({ min: 2340, max: 2340 });
    expect(choice.acrossPhases.scaleEvents).toEqual({ min: 2, max: 2 });
    expect(choice.acrossPhases.oscillations).toEqual({ min: 0, max: 0 });
    expect(choice.acrossPhases.secondsOverDrainTarget).toEqual({ min: 0, max: 0 });
  });

  test('all calm and all within 1.1× the oracle: the fewest scale events wins over the cheapest', () => {
    const choice = choosePreScale(input, [A, C, B, D], 10_000);
    expect(choice.scaling.minReplicas).toBe(3); // B: 0 events, 4500 replica-seconds
    expect(choice.acrossPhases.replicaSeconds.max).toBe(4500);
    expect(choice.candidatesEvaluated).toBe(4);
  });

  test('equal scale events: the cheapest wins', () => {
    const choice = choosePreScale(input, [C, D, A], 10_000);
    expect(choice.scaling.maxReplicas).toBe(2); // D: 1920 replica-seconds
    expect(choice.acrossPhases.replicaSeconds.max).toBe(1920);
  });

  test('only the candidates within 1.1× the oracle compete; exactly 1.1× is within', () => {
    // 1.1 × (2340 / 1.1) is exactly 2340 in binary: A sits on the bound, C (3420) and B (4500) are above it.
    const choice = choosePreScale(input, [C, B, A], 2340 / 1.1);
    expect(choice.scaling).toMatchObject({ minReplicas: 1, maxReplicas: 5 });
    expect(choice.acrossPhases.replicaSeconds.max).toBe(2340);
  });

  test('a candidate whose own run is above 1.1× the oracle is not run at the other placements', () => {
    // C's run at the input's placement (both timers at 0) costs 3420 and B's 4500, both above the bound 2340:
    // with A cheap and calm, only A's five other placements are run.
    const memo = new SimulationMemo();
    const choice = choosePreScale(input, [C, B, A], 2340 / 1.1, memo);
    expect(choice.acrossPhases.replicaSeconds.max).toBe(2340);
    expect(choice.candidatesEvaluated).toBe(3);
    expect(memo.counts).toEqual({ simulated: 5, remembered: 0 });
  });

  test('none within 1.1× the oracle: every calm candidate competes, the fewest events first', () => {
    const memo = new SimulationMemo();
    const choice = choosePreScale(input, [A, C, B], 1, memo);
    expect(choice.scaling.minReplicas).toBe(3);
    expect(choice.candidatesEvaluated).toBe(3);
    // Each candidate weighed at its five other placements.
    expect(memo.counts).toEqual({ simulated: 15, remembered: 0 });
  });

  test('a flap makes a candidate not calm; with none calm the cheapest of the least over-target wins', () => {
    const choice = choosePreScale(input, [F2, F1], 10_000);
    expect(choice.acrossPhases.oscillations).toEqual({ min: 1, max: 1 });
    expect(choice.acrossPhases.scaleEvents.max).toBe(5);
    // F1 (2820) over F2 (3300); sorted by events instead, F2 (4 events) would have won.
    expect(choice.acrossPhases.replicaSeconds.max).toBe(2820);
    expect(choice.scaling.schedules?.[0].desiredReplicas).toBe(2);
  });

  test('a calm candidate beats a cheaper flapping one', () => {
    const choice = choosePreScale(input, [F1, C], 10_000);
    expect(choice.acrossPhases.replicaSeconds.max).toBe(3420);
    expect(choice.acrossPhases.oscillations.max).toBe(0);
  });

  test('none calm: the fewest over-target seconds wins over the cheapest', () => {
    // minReplicas = maxReplicas: neither KEDA nor the HPA (nor the cron trigger) changes the count, at any timer
    // placement. 150 messages wait at 0 with a 5 s drain target. X, 1 pod at 10 msg/s: messages still wait at the
    // ends of seconds 1..14, the oldest (from 0) older than 5 s at 6..14: 9 s over, 300 replica-seconds.
    // Y, 2 pods: waiting until 7, over at 6 and 7: 2 s, 600 replica-seconds.
    const backlog = { ...input, traffic: { arrivals: [0], initialBacklog: 150 }, durationSeconds: 300 };
    const workload = { messagesPerSecondPerPod: 10, startupSeconds: 0, targetDrainSeconds: 5 };
    const X = reactive(1, 1);
    const Y = reactive(2, 2);
    const choice = choosePreScale(
      { ...backlog, workload, peak: { fromSecond: 60, toSecond: 120 } },
      [X, Y],
      1e9,
    );
    expect(choice.acrossPhases.secondsOverDrainTarget).toEqual({ min: 2, max: 2 });
    expect(choice.acrossPhases.replicaSeconds.max).toBe(600);
    expect(choice.scaling.minReplicas).toBe(2);
  });

  test('rejects an empty candidate list', () => {
    expect(() => choosePreScale(input, [], 1)).toThrow(
      new RangeError('candidates must list at least one config'),
    );
  });
});

describe('recommendPreScale edges', () => {
  test('pods that are never ready in time: the ramp is the whole probe, from the probe start to the peak', () => {
    // Peak [1200, 1400): the probe opens at floor((1200 − 900) / 60) × 60 = 300; pods take 5000 s to start, so
    // none is ready: ramp 1200 − 300 = 900, lead ceil((15 + 900) / 60) × 60 = 960, window from 1200 − 960 = 240,
    // closed min(240, floor((1400 − 240 − 60) / 60) × 60) = 240 s before the peak's end.
    const pre = recommendPreScale({
      ...input,
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 5000 },
      scaling: A,
      peak: { fromSecond: 1200, toSecond: 1400 },
    });
    expect(pre.rampSeconds).toBe(900);
    expect(pre.leadSeconds).toBe(960);
    expect(pre.window).toEqual({ fromSecond: 240, toSecond: 1160 });
  });

  test('a scale-down window shorter than a minute plus a sync keeps the window to the peak end', () => {
    // floor((60 − 15) / 60) = 0 minutes to close early.
    const scaling: SimulationScaling = { ...A, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } };
    const pre = recommendPreScale({ ...input, scaling });
    expect(pre.endBeforePeakEndSeconds).toBe(0);
    expect(pre.window).toEqual({ fromSecond: 540, toSecond: 900 });
    expect(pre.scaling).toEqual({
      ...scaling,
      schedules: [{ name: 'scheduled', desiredReplicas: 3, windows: [{ fromSecond: 540, toSecond: 900 }] }],
    });
    expect(pre.result.summary.peakReplicas).toBe(3);
  });

  test('rejects a peak that ends where it starts', () => {
    expect(() =>
      recommendPreScale({ ...input, scaling: A, peak: { fromSecond: 600, toSecond: 600 } }),
    ).toThrow(new RangeError('peak.toSecond (600) must be > peak.fromSecond (600)'));
  });
});
