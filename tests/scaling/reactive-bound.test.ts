import fc from 'fast-check';
import { propertyRuns } from './property-runs';
import { reactiveBound, type SimulationInput } from '../../constructs/scaling';

// Every expectation is worked by hand from the class the bound searches (constructs/scaling/reactive-bound.ts):
// requested r(u) >= lo(u) = ceil(rate(u - D) / per-pod), pods ready at t = min(r(t - S .. t)), consumption FIFO,
// a second over target when, after it, a message keyed at or before t - target still waits.
// D = staleness 4 + polling 1 = 5 s, S = 5 s, 10 msg/s per pod.
const segments = (xs: readonly (readonly [number, number])[]) =>
  xs.map(([fromSecond, ratePerSecond]) => ({ fromSecond, ratePerSecond }));
const bound = (
  arrivals: readonly (readonly [number, number])[],
  durationSeconds: number,
  workload: Partial<SimulationInput['workload']> = {},
  maxReplicas = 5,
) =>
  reactiveBound({
    scaling: { threshold: 1, minReplicas: 0, maxReplicas, pollingIntervalSeconds: 1 },
    workload: { messagesPerSecondPerPod: 10, startupSeconds: 5, targetDrainSeconds: 20, ...workload },
    traffic: { arrivals: segments(arrivals) },
    timing: { metricStalenessSeconds: 4 },
    durationSeconds,
  });

describe('reactiveBound', () => {
  test('steady traffic: the rate’s need, nothing more', () => {
    // 20 msg/s: lo = 2 every second, no backlog; 2 × 100 s.
    const run = bound([[0, 20]], 100);
    expect(run.informationDelaySeconds).toBe(5);
    expect(run.summary.replicaSeconds).toBe(200);
    expect(run.summary.secondsOverDrainTarget).toBe(0);
    expect(run.summary.scaleEvents).toBe(0);
  });

  test('a rise is met when it shows, and a fall is let go without holding pods the target does not need', () => {
    // 10 msg/s, 30 from t = 100 to 300, then 10. lo = 1 until u = 104, 3 for u in [105, 305), 1 after; ready
    // 3 from t = 110. Steps 100-109 gain 20 each: 200 wait, and with 3 pods taking the 30 that arrive they keep
    // waiting, the oldest 7 s old (consumed 100 + 30 (t - 109): key t - 6 at its end t + 1). From u = 305 one
    // pod takes the 10 that arrive: the 100 left (200 less 5 × 20) wait 10 s each, within 20 s, so the bound
    // holds nothing: 3 × 200 + 1 × 200 = 800, the last 100 still waiting at the end.
    const run = bound(
      [
        [0, 10],
        [100, 30],
        [300, 10],
      ],
      400,
    );
    expect(run.summary.replicaSeconds).toBe(800);
    expect(run.summary.secondsOverDrainTarget).toBe(0);
    expect(run.summary.peakBacklog).toBe(200);
    expect(run.summary.waitingAtEnd).toBe(100);
    expect(run.extraReplicas).toBe(0);
  });

  test('a tight target: the fewest extra pods, only where the fastest timeline meets it', () => {
    // Target 6 s, 10 → 30 msg/s at t = 100, for good. On lo alone the oldest message stays 7 s old from t = 109.
    // The backlog (20 at the end of step 100) shows at u = 106 (u - 1 - D = 100): extra pods asked for then
    // are ready at 111. Seconds 109 and 110 are over for any timeline (ready 1, then min(r(105 .. 110)) = 3).
    // From 111 the deadline is every message keyed <= t - 6: 30 (t - 105) of those after 99; 130 are
    // consumed by the end of 110, so at 111 130 + 10 (3 + k) >= 180 needs k >= 2 (5 pods, maxReplicas). The
    // 180 waiting then drain at 20/s: empty after step 120, so lo (3) from u = 121.
    // 105 × 1 + 1 × 3 (u = 105) + 15 × 5 (u = 106 .. 120) + 79 × 3 (u = 121 .. 199) = 420.
    const run = bound(
      [
        [0, 10],
        [100, 30],
      ],
      200,
      { targetDrainSeconds: 6 },
    );
    expect(run.extraReplicas).toBe(2);
    expect(run.summary.replicaSeconds).toBe(420);
    expect(run.summary.secondsOverDrainTarget).toBe(2);
    expect(run.fastest.secondsOverDrainTarget).toBe(2);
  });

  test('pods removed on a fall are billed their shutdown linger', () => {
    // 20 msg/s until t = 50, then nothing. lo = 2 until u = 54, 0 from 55, when 2 ready pods go: each lingers
    // maxProcessingSeconds 3 (messages are in flight: processing 1 s). 55 × 2 + 2 × 3 = 116.
    const run = bound(
      [
        [0, 20],
        [50, 0],
      ],
      100,
      { processingSeconds: 1, maxProcessingSeconds: 3, targetDrainSeconds: 10 },
    );
    expect(run.summary.replicaSeconds).toBe(116);
    expect(run.summary.secondsOverDrainTarget).toBe(0);
  });

  test('the bound is never above the fastest reactive timeline, nor over target where it is not', () => {
    const run = bound(
      [
        [0, 12],
        [60, 45],
        [200, 5],
        [260, 38],
        [400, 0],
      ],
      600,
      { targetDrainSeconds: 15 },
    );
    expect(run.summary.replicaSeconds).toBeLessThanOrEqual(run.fastest.replicaSeconds);
    expect(run.summary.secondsOverDrainTarget).toBeLessThanOrEqual(run.fastest.secondsOverDrainTarget);
  });

  test('with no start-up a pod is ready the second it is asked for, and a removed one still lingers', () => {
    // As above with S = 0: lo = 2 until u = 54, 0 from 55, ready at once, no backlog; 55 × 2 + 2 × 3 = 116.
    const run = bound(
      [
        [0, 20],
        [50, 0],
      ],
      100,
      { startupSeconds: 0, processingSeconds: 1, maxProcessingSeconds: 3, targetDrainSeconds: 10 },
    );
    expect(run.summary.replicaSeconds).toBe(116);
    expect(run.timeline.every((p) => p.readyReplicas === p.replicas)).toBe(true);
  });

  test('the pods ready at each second are the fewest asked for over the start-up before it and at it', () => {
    const scenario = fc.record({
      rates: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 5 }),
      startup: fc.integer({ min: 0, max: 12 }),
      target: fc.integer({ min: 3, max: 40 }),
    });
    fc.assert(
      fc.property(scenario, (c) => {
        const run = bound(
          c.rates.map((r, i) => [i * 40, r] as const),
          c.rates.length * 40,
          { startupSeconds: c.startup, targetDrainSeconds: c.target },
        );
        // Before 0 the traffic ran at its first rate: ceil(rate / 10) pods, at most maxReplicas 5.
        const before = Math.min(5, Math.ceil(c.rates[0] / 10));
        const asked = (u: number): number => (u < 0 ? before : run.timeline[u].replicas);
        run.timeline.forEach((p, u) => {
          let fewest = p.replicas;
          for (let v = u - c.startup; v < u; v += 1) fewest = Math.min(fewest, asked(v));
          expect(p.readyReplicas).toBe(fewest);
        });
      }),
      { numRuns: propertyRuns(40, 8) },
    );
  });

  test('refuses pods that consume nothing', () => {
    expect(() => bound([[0, 1]], 10, { messagesPerSecondPerPod: 0 })).toThrow(
      'workload.messagesPerSecondPerPod must be > 0 for the bound, got 0',
    );
  });
});
