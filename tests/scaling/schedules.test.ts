/**
 * Cron triggers in `simulate` and the pre-scaling placement, worked by hand. A cron trigger's metric is
 * desiredReplicas while its window is open and 1 otherwise, against AverageValue 1 (kedacore/keda v2.17.2
 * pkg/scalers/cron_scaler.go); the HPA takes the larger proposal of all triggers (horizontal.go
 * computeReplicasForMetrics); an open window keeps the ScaledObject active (executor RequestScale).
 */
import {
  RECOMMENDED_BEHAVIOR,
  recommendPreScale,
  simulate,
  type SimulationInput,
  type TimelinePoint,
} from '../../constructs/scaling';

const idle: Omit<SimulationInput, 'scaling'> = {
  workload: { messagesPerSecondPerPod: 10 },
  traffic: { arrivals: [0] },
  durationSeconds: 900,
};
/** The state during the step that starts at second t. */
const at = (timeline: readonly TimelinePoint[], t: number): TimelinePoint => timeline[t];

describe('simulate with a cron trigger', () => {
  test('legacy HPA: 1 -> 4 -> 6 while the window is open, then back to 1 after the 300 s stabilization', () => {
    const { timeline, summary } = simulate({
      ...idle,
      scaling: {
        threshold: 100,
        minReplicas: 1,
        maxReplicas: 10,
        schedules: [{ name: 'sale', desiredReplicas: 6, windows: [{ fromSecond: 60, toSecond: 300 }] }],
      },
    });
    expect(at(timeline, 59).replicas).toBe(1);
    // Sync at 60: metric 6 / target 1 = 6, the legacy scale-up limit max(2 × 1, 4) = 4; at 75 the rest.
    expect(at(timeline, 60).replicas).toBe(4);
    expect(at(timeline, 75).replicas).toBe(6);
    // Closed at 300: the proposal is 1, held back by the 300 s window of recommendations (the last 6 at 285).
    expect(at(timeline, 584).replicas).toBe(6);
    expect(at(timeline, 600).replicas).toBe(1);
    expect(summary.scaleEvents).toBe(3);
  });

  test('the HPA takes the larger proposal: a backlog of 10 × threshold beats desiredReplicas 3', () => {
    const { summary } = simulate({
      workload: { messagesPerSecondPerPod: 0 },
      traffic: { arrivals: [0], initialBacklog: 10_000 },
      durationSeconds: 300,
      scaling: {
        threshold: 1000,
        minReplicas: 1,
        maxReplicas: 20,
        schedules: [{ name: 'sale', desiredReplicas: 3, windows: [{ fromSecond: 0, toSecond: 300 }] }],
      },
    });
    expect(summary.peakReplicas).toBe(10);
  });

  test('an open window activates a workload at zero and keeps it active; cooldown after it closes', () => {
    const { timeline } = simulate({
      ...idle,
      scaling: {
        threshold: 100,
        minReplicas: 0,
        maxReplicas: 10,
        pollingIntervalSeconds: 30,
        cooldownPeriodSeconds: 300,
        schedules: [{ name: 'sale', desiredReplicas: 5, windows: [{ fromSecond: 30, toSecond: 120 }] }],
      },
    });
    expect(at(timeline, 29).replicas).toBe(0);
    // Poll at 30: active, 0 -> 1 (KEDA); sync at 30: 1 -> 4 (legacy limit), 45: 5.
    expect(at(timeline, 30).replicas).toBe(4);
    expect(at(timeline, 45).replicas).toBe(5);
    // Last active poll 90; KEDA scales to zero at the first poll 300 s after it: 390.
    expect(at(timeline, 389).replicas).toBeGreaterThan(0);
    expect(at(timeline, 390).replicas).toBe(0);
  });

  test('a Prometheus outage does not touch the cron trigger, which still scales up', () => {
    const { timeline } = simulate({
      ...idle,
      timing: { outages: [{ fromSecond: 0, toSecond: 900 }] },
      scaling: {
        threshold: 100,
        minReplicas: 2,
        maxReplicas: 10,
        schedules: [{ name: 'sale', desiredReplicas: 4, windows: [{ fromSecond: 60, toSecond: 900 }] }],
      },
    });
    // The backlog metric fails, the cron proposal 4 is above spec 2: computeReplicasForMetrics is no error.
    expect(at(timeline, 60).replicas).toBe(4);
  });

  test('windows must be ordered and non-empty', () => {
    const scaling = { threshold: 1, minReplicas: 1, maxReplicas: 2 };
    expect(() =>
      simulate({
        ...idle,
        scaling: {
          ...scaling,
          schedules: [{ name: 'x', desiredReplicas: 2, windows: [{ fromSecond: 5, toSecond: 5 }] }],
        },
      }),
    ).toThrow('scaling.schedules[0].windows[0] must have finite seconds with toSecond > fromSecond');
    expect(() =>
      simulate({
        ...idle,
        scaling: { ...scaling, schedules: [{ name: 'x', desiredReplicas: 0, windows: [] }] },
      }),
    ).toThrow(/scaling\.schedules\[0\]\.desiredReplicas/);
  });
});

describe('recommendPreScale', () => {
  // prod/order-fulfilment on flash-sale: 160 msg/s, 1600 from 1800 s to 2700 s, 50 msg/s per pod, min 3.
  const input = {
    workload: { messagesPerSecondPerPod: 50, targetDrainSeconds: 60 },
    traffic: {
      arrivals: [
        { fromSecond: 0, ratePerSecond: 160 },
        { fromSecond: 1800, ratePerSecond: 1600 },
        { fromSecond: 2700, ratePerSecond: 160 },
      ],
    },
    durationSeconds: 7200,
    scaling: { threshold: 1500, minReplicas: 3, maxReplicas: 40, behavior: RECOMMENDED_BEHAVIOR },
    peak: { fromSecond: 1800, toSecond: 2700 },
    desiredReplicas: 32,
  };

  test('lead: one sync + scale-up and start-up in whole minutes; close by the scale-down window less a sync', () => {
    const pre = recommendPreScale(input);
    // From 3: +8 pods (beats +100% = 3) -> 11, -> 19, then +100% = 38 capped at 32, at +30 s; ready 20 s later.
    expect(pre.rampSeconds).toBe(50);
    expect(pre.hpaSyncSeconds).toBe(15);
    // ceil((15 + 50) / 60) = 2 min.
    expect(pre.leadSeconds).toBe(120);
    // floor((300 - 15) / 60) = 4 min before the end.
    expect(pre.endBeforePeakEndSeconds).toBe(240);
    expect(pre.window).toEqual({ fromSecond: 1680, toSecond: 2460 });
    expect(pre.scaling.schedules).toEqual([
      { name: 'scheduled', desiredReplicas: 32, windows: [{ fromSecond: 1680, toSecond: 2460 }] },
    ]);
    expect(pre.result.summary.secondsOverDrainTarget).toBe(0);
  });

  test('keeps the window to the peak end when closing early costs over-target seconds', () => {
    // 20 replicas cannot keep up with 1600 msg/s: the backlog builds anyway, and an early close would let the
    // stabilization window alone decide; the placement keeps whichever costs fewer over-target seconds.
    const pre = recommendPreScale({ ...input, desiredReplicas: 20 });
    const closed = simulate({
      ...input,
      scaling: {
        ...input.scaling,
        schedules: [
          { name: 'scheduled', desiredReplicas: 20, windows: [{ fromSecond: 1680, toSecond: 2460 }] },
        ],
      },
    }).summary.secondsOverDrainTarget;
    const open = simulate({
      ...input,
      scaling: {
        ...input.scaling,
        schedules: [
          { name: 'scheduled', desiredReplicas: 20, windows: [{ fromSecond: 1680, toSecond: 2700 }] },
        ],
      },
    }).summary.secondsOverDrainTarget;
    expect(pre.endBeforePeakEndSeconds).toBe(closed <= open ? 240 : 0);
    expect(pre.result.summary.secondsOverDrainTarget).toBe(Math.min(closed, open));
  });
});
