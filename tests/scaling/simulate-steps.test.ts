import { simulate, type SimulationInput } from '../../constructs/scaling';

// simulate with steps longer than a second. Every expectation is worked by hand from the model: at each step
// start t the due loops act on the metric as it was `metricStalenessSeconds` before, then the arrivals of
// [t, t + step) come in and ready pods take replicas × per-pod rate × step of them. minReplicas 1 keeps KEDA
// out (nothing to activate, nothing to scale in); the HPA without behavior scales up to at most max(2 × current, 4).

describe('simulate: 5 s steps, the backlog trigger', () => {
  // 30 msg/s, one ready pod taking 10 msg/s, threshold 100; the HPA syncs at 0 and 15 (the last step) and
  // reads the backlog as it is (staleness 0).
  const run = () =>
    simulate({
      scaling: { threshold: 100, minReplicas: 1, maxReplicas: 10 },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [30] },
      timing: { hpaSyncSeconds: 15, metricStalenessSeconds: 0 },
      durationSeconds: 20,
      stepSeconds: 5,
    });

  test('the timeline: one point per step, the backlog read at the sync at 15 buys 3 replicas', () => {
    // 20 s / 5 = 4 steps at t = 0, 5, 10, 15. Each step 150 arrive; 1 pod takes 10 × 5 = 50: +100 a step.
    // Sync at 0: backlog 0 -> the seeded recommendation keeps 1. Sync at 15: backlog after 3 steps = 300 ->
    // ceil(300 / 100) = 3 (below the limit 4), ready at once; 3 pods take 150, as many as arrive: 300 stays.
    expect(
      run().timeline.map((p) => ({ t: p.t, rate: p.arrivalRate, backlog: p.backlog, replicas: p.replicas })),
    ).toEqual([
      { t: 5, rate: 30, backlog: 100, replicas: 1 },
      { t: 10, rate: 30, backlog: 200, replicas: 1 },
      { t: 15, rate: 30, backlog: 300, replicas: 1 },
      { t: 20, rate: 30, backlog: 300, replicas: 3 },
    ]);
  });

  test('the summary: replica-seconds by step, the oldest waiting message aged from its step start', () => {
    const { summary } = run();
    // 1 + 1 + 1 + 3 pods, 5 s each.
    expect(summary.replicaSeconds).toBe(30);
    // 4 × 150 arrived; taken 50 + 50 + 50 + 150 = 300, FIFO: the 150 of step 0, then the 150 of step 5. The
    // 300 left arrived in the steps starting at 10 and 15: at the end (t = 20) the oldest is 20 - 10 = 10 s old.
    expect([summary.arrived, summary.consumed, summary.waitingAtEnd]).toEqual([600, 300, 300]);
    expect(summary.oldestWaitingSeconds).toBe(10);
    expect([summary.scaleEvents, summary.lastScaleEventAtSecond, summary.peakReplicas]).toEqual([1, 15, 3]);
  });
});

describe('simulate: 5 s steps, the arrival-rate trigger', () => {
  // The arrival-rate trigger alone in effect (10 msg/s per replica): the backlog trigger's threshold is out of
  // reach and an external drain takes every arrival, so the backlog stays 0. One HPA sync, at `syncAt`.
  const input = (
    arrivals: SimulationInput['traffic']['arrivals'],
    syncAt: number,
    metricStalenessSeconds: number,
  ): SimulationInput => ({
    scaling: { threshold: 1_000_000, arrivalRateThreshold: 10, minReplicas: 1, maxReplicas: 10 },
    workload: { messagesPerSecondPerPod: 0, startupSeconds: 0 },
    traffic: { arrivals, externalDrain: arrivals },
    timing: { hpaSyncSeconds: syncAt + 5, hpaPhaseSeconds: syncAt, metricStalenessSeconds },
    durationSeconds: syncAt + 5,
    stepSeconds: 5,
  });
  const lastReplicas = (run: ReturnType<typeof simulate>): number => run.timeline.at(-1)!.replicas;

  test('a steady 20 msg/s reads 20 msg/s in the first minute: the window before t = 0 at the rate of step 0', () => {
    // Sync at 30 (the last of 7 steps), staleness 0: the 1m window [-30, 30) holds 6 steps × 100 = 600, the 30 s
    // before t = 0 are taken at step 0's 100 / 5 = 20 msg/s: (600 + 30 × 20) / 60 = 20 -> ceil(20 / 10) = 2.
    const run = simulate(input([20], 30, 0));
    expect(run.timeline.map((p) => p.backlog)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(lastReplicas(run)).toBe(2);
  });

  test('a burst during [5, 10) seen 10 s late at t = 60 still lies inside the window', () => {
    // Sync at 60, staleness 10: the window is [-10, 50), so step [5, 10)'s 5 × 240 = 1200 messages count, the
    // 10 s before t = 0 at step 0's rate 0: 1200 / 60 = 20 msg/s -> 2 replicas.
    const burst = [
      { fromSecond: 0, ratePerSecond: 0 },
      { fromSecond: 5, ratePerSecond: 240 },
      { fromSecond: 10, ratePerSecond: 0 },
    ];
    expect(lastReplicas(simulate(input(burst, 60, 10)))).toBe(2);
  });

  test('a steady 31 msg/s reads 31 msg/s with 7 s steps, which do not divide the 1m window', () => {
    // Sync at 70 only (period 77, phase 70), staleness 3: the window ends at 67, in step 9 (floor(67 / 7)), and
    // starts at 7, step 1: steps 1 to 8 hold 8 × 7 × 31 = 1736 messages over 56 s; the 4 s the step grid leaves
    // out are taken at step 0's rate 31: (1736 + 4 × 31) / 60 = 31 -> ceil(3.1) = 4, the limit max(2 × 1, 4).
    const run = simulate({
      scaling: {
        threshold: 1_000_000,
        arrivalRateThreshold: 10,
        minReplicas: 1,
        maxReplicas: 10,
        pollingIntervalSeconds: 28,
      },
      workload: { messagesPerSecondPerPod: 0, startupSeconds: 0 },
      traffic: { arrivals: [31], externalDrain: [31] },
      timing: { hpaSyncSeconds: 77, hpaPhaseSeconds: 70, metricStalenessSeconds: 3 },
      durationSeconds: 77,
      stepSeconds: 7,
    });
    expect(run.timeline.map((p) => p.t)).toEqual([7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77]);
    expect(lastReplicas(run)).toBe(4);
  });
});
