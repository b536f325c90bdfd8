import { simulateOracle, type SimulationInput } from '../../constructs/scaling';

// The oracle with 5 s steps. Every expectation is worked by hand from the oracle's rule: each step [t, t + 5),
// replicas = ceil((arrivals in the step / 5 + 10 if messages from earlier steps wait) / 10), consuming
// replicas × 10 × 5 messages. `+ 0` turns the -0 of ceil(0 - 1e-9) into 0 (JSON prints both as 0).
const oracle = (traffic: SimulationInput['traffic'], durationSeconds: number) =>
  simulateOracle({
    scaling: { threshold: 1, minReplicas: 0, maxReplicas: 100 },
    workload: { messagesPerSecondPerPod: 10 },
    traffic,
    durationSeconds,
    stepSeconds: 5,
  });
const points = (run: ReturnType<typeof simulateOracle>) =>
  run.timeline.map((p) => ({ t: p.t, rate: p.arrivalRate, backlog: p.backlog, replicas: p.replicas + 0 }));

describe('simulateOracle: 5 s steps', () => {
  // 20 msg/s during [5, 10) only.
  const burst = () =>
    oracle(
      {
        arrivals: [
          { fromSecond: 0, ratePerSecond: 0 },
          { fromSecond: 5, ratePerSecond: 20 },
          { fromSecond: 10, ratePerSecond: 0 },
        ],
      },
      20,
    );

  test('a burst in the second step: one point per step, ending at t + 5, at the step mean rate', () => {
    // 20 s / 5 = 4 steps, t = 0, 5, 10, 15, each point at its end. Step [5, 10): 100 messages, 20 msg/s,
    // ceil(20 / 10) = 2 pods taking 2 × 10 × 5 = 100: nothing is left. The other steps: no traffic, 0 pods.
    expect(points(burst())).toEqual([
      { t: 5, rate: 0, backlog: 0, replicas: 0 },
      { t: 10, rate: 20, backlog: 0, replicas: 2 },
      { t: 15, rate: 0, backlog: 0, replicas: 0 },
      { t: 20, rate: 0, backlog: 0, replicas: 0 },
    ]);
  });

  test('a burst in the second step: replica-seconds count whole steps, the first step is no scale event', () => {
    const { summary } = burst();
    // 2 pods × 5 s; the steps with 0 pods add nothing.
    expect(summary.replicaSeconds).toBe(10);
    // 0 -> 2 at t = 5 and 2 -> 0 at t = 10; the first step's 0 is where the run starts, not a write, so no
    // scale-down before the scale-up and no flap.
    expect(summary.scaleEvents).toBe(2);
    expect(summary.lastScaleEventAtSecond).toBe(10);
    expect(summary.oscillations).toBe(0);
    expect(summary.peakReplicas).toBe(2);
    expect([summary.arrived, summary.consumed, summary.finalBacklog]).toEqual([100, 100, 0]);
  });

  test('messages left from earlier steps buy one pod more until they are gone', () => {
    // 120 waiting at t = 0, 20 msg/s (100 a step).
    // [0, 5): 20 msg/s + 10 for the waiting ones -> ceil(30 / 10) = 3 pods take 150 of 220: 70 left.
    // [5, 10): 3 pods take 150 of 170: 20 left. [10, 15): 3 pods take all 120: 0 left.
    // [15, 20): nothing waits -> ceil(20 / 10) = 2 pods take the 100 arriving.
    const run = oracle({ arrivals: [20], initialBacklog: 120 }, 20);
    expect(points(run)).toEqual([
      { t: 5, rate: 20, backlog: 70, replicas: 3 },
      { t: 10, rate: 20, backlog: 20, replicas: 3 },
      { t: 15, rate: 20, backlog: 0, replicas: 3 },
      { t: 20, rate: 20, backlog: 0, replicas: 2 },
    ]);
    // (3 + 3 + 3 + 2) × 5 s; one write, 3 -> 2 at t = 15.
    expect(run.summary.replicaSeconds).toBe(55);
    expect(run.summary.scaleEvents).toBe(1);
    expect(run.summary.lastScaleEventAtSecond).toBe(15);
    expect([run.summary.arrived, run.summary.consumed]).toEqual([520, 520]);
  });

  test('half a message waiting (DRAINED_EPSILON) counts as drained: no extra pod for it', () => {
    // 0.5 waiting and no traffic: 0.5 is not more than DRAINED_EPSILON, so ceil(0 / 10) = 0 pods throughout.
    const run = oracle({ arrivals: [0], initialBacklog: 0.5 }, 10);
    expect(points(run)).toEqual([
      { t: 5, rate: 0, backlog: 0.5, replicas: 0 },
      { t: 10, rate: 0, backlog: 0.5, replicas: 0 },
    ]);
    expect(run.summary.replicaSeconds).toBe(0);
    expect(run.summary.waitingAtEnd).toBe(0.5);
  });
});
