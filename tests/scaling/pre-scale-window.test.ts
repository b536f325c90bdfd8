import { RECOMMENDED_BEHAVIOR, recommendPreScale, type PreScaleInput } from '../../constructs/scaling';

// recommendPreScale's edges: a probe opened after t = 0, a peak shorter than the early close, a behavior without
// scaleDown, a close that costs over-target seconds, and its argument messages. Legacy HPA unless stated:
// sync every 15 s, scale-down stabilization 300 s, scale-up limit max(2 × current, 4) (kubernetes
// pkg/controller/podautoscaler/horizontal.go); a cron trigger proposes desiredReplicas while open.
// Early close, for every case below that closes early: min(floor((hold − 15) / 60), floor((to − from − 60) / 60)) × 60.
const idle: Omit<PreScaleInput, 'scaling' | 'peak' | 'desiredReplicas'> = {
  workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
  traffic: { arrivals: [0] },
  durationSeconds: 2400,
};

describe('recommendPreScale: the ramp measured from a probe opened after t = 0', () => {
  test('pods already at desiredReplicas before the probe opens: ramp 0, not a negative or late one', () => {
    // Peak [1200, 1500): probe from max(0, floor((1200 − 900) / 60) × 60) = 300. minReplicas 3 = desiredReplicas,
    // so 3 pods are ready all along and the first point the ramp may count is the step from 300: ramp 0.
    // Lead max(60, ceil((15 + 0) / 60) × 60) = 60: window from 1140; early min(240, floor(300 / 60) × 60) = 240.
    const pre = recommendPreScale({
      ...idle,
      scaling: { threshold: 1000, minReplicas: 3, maxReplicas: 5 },
      peak: { fromSecond: 1200, toSecond: 1500 },
      desiredReplicas: 3,
    });
    expect(pre.rampSeconds).toBe(0);
    expect(pre.leadSeconds).toBe(60);
    expect(pre.window).toEqual({ fromSecond: 1140, toSecond: 1260 });
    expect(pre.endBeforePeakEndSeconds).toBe(240);
  });
});

describe('recommendPreScale: the early close', () => {
  test('a peak shorter than the stabilization hold closes early by its own length less a minute', () => {
    // Peak [600, 720), from 1 pod: probe from 0, 3 pods at the sync at 0 (max(2, 4) allows it), ready at once:
    // ramp 0, lead 60, window from 540. Early min(floor(285 / 60), floor((720 − 540 − 60) / 60)) × 60
    // = min(240, 120) = 120: the window is [540, 600), open one minute. Nothing arrives, so no second is over target.
    const pre = recommendPreScale({
      ...idle,
      durationSeconds: 1500,
      scaling: { threshold: 1000, minReplicas: 1, maxReplicas: 5 },
      peak: { fromSecond: 600, toSecond: 720 },
      desiredReplicas: 3,
    });
    expect(pre.endBeforePeakEndSeconds).toBe(120);
    expect(pre.window).toEqual({ fromSecond: 540, toSecond: 600 });
    expect(pre.result.summary.secondsOverDrainTarget).toBe(0);
  });

  test('a behavior without scaleDown holds for the HPA default of 300 s', () => {
    // Source: kubernetes pkg/apis/autoscaling/v2/defaults.go GenerateHPAScaleDownRules (300 s stabilization).
    // Peak [600, 900): ramp 0 (+100 % or +8 pods from 1 allows 3 at once), lead 60, window from 540;
    // early min(floor(285 / 60), floor((900 − 540 − 60) / 60)) × 60 = 240: [540, 660).
    const pre = recommendPreScale({
      ...idle,
      durationSeconds: 1500,
      scaling: {
        threshold: 1000,
        minReplicas: 1,
        maxReplicas: 5,
        behavior: { scaleUp: RECOMMENDED_BEHAVIOR.scaleUp },
      },
      peak: { fromSecond: 600, toSecond: 900 },
      desiredReplicas: 3,
    });
    expect(pre.endBeforePeakEndSeconds).toBe(240);
    expect(pre.window).toEqual({ fromSecond: 540, toSecond: 660 });
  });

  test('kept to the peak end when KEDA would scale to zero in the rest of the peak', () => {
    // 100 msg/s in [600, 1200), 10 per pod, drain target 60 s; minReplicas 0, an activation threshold the backlog
    // never reaches, cooldown 30 s, KEDA polls every 30 s from 0. Probe [0, 1200): KEDA activates 0 -> 1 at 0, the
    // HPA then goes 4 (0), 8 (15), 10 (30): ramp 30, lead max(60, ceil(45 / 60) × 60) = 60, window from 540.
    // Closing early by 240 s, at 960: the poll at 960 sees the cron trigger closed, the last active poll at 930
    // (30.5 s > 30 with the sub-second poll offset) and scales to zero, bypassing the HPA's hold; the 100 × 240 =
    // 24 000 messages of [960, 1200) are never consumed. Open to 1200: the pods drain the peak as it arrives (10 × 10
    // = 100 msg/s) and KEDA scales to zero only once nothing arrives. So the window stays [540, 1200).
    const input: PreScaleInput = {
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0, targetDrainSeconds: 60 },
      traffic: {
        arrivals: [
          { fromSecond: 0, ratePerSecond: 0 },
          { fromSecond: 600, ratePerSecond: 100 },
          { fromSecond: 1200, ratePerSecond: 0 },
        ],
      },
      durationSeconds: 2400,
      scaling: {
        threshold: 1e6,
        activationThreshold: 1e6,
        minReplicas: 0,
        maxReplicas: 20,
        cooldownPeriodSeconds: 30,
      },
      peak: { fromSecond: 600, toSecond: 1200 },
      desiredReplicas: 10,
    };
    const pre = recommendPreScale(input);
    expect(pre.rampSeconds).toBe(30);
    expect(pre.leadSeconds).toBe(60);
    expect(pre.endBeforePeakEndSeconds).toBe(0);
    expect(pre.window).toEqual({ fromSecond: 540, toSecond: 1200 });
    expect(pre.result.summary.secondsOverDrainTarget).toBe(0);
    expect(pre.result.summary.finalBacklog).toBe(0);
    expect(pre.result.summary.arrived).toBe(60_000);
  });
});

describe('recommendPreScale: argument messages', () => {
  const valid: PreScaleInput = {
    ...idle,
    scaling: { threshold: 1000, minReplicas: 1, maxReplicas: 5 },
    peak: { fromSecond: 600, toSecond: 900 },
    desiredReplicas: 3,
  };

  test('desiredReplicas below 1 and a fractional peak start name the argument', () => {
    expect(() => recommendPreScale({ ...valid, desiredReplicas: 0 })).toThrow(
      new RangeError('desiredReplicas must be >= 1, got 0'),
    );
    expect(() => recommendPreScale({ ...valid, peak: { fromSecond: 600.5, toSecond: 900 } })).toThrow(
      new RangeError('peak.fromSecond must be an integer, got 600.5'),
    );
  });
});
