import {
  instanceTps,
  ScaleEventLog,
  simulate,
  simulateOracle,
  type SimulationInput,
} from '../../constructs/scaling';

describe('ScaleEventLog', () => {
  test('a scale-down undone by a scale-up within the window is one flap; later or upward moves are not', () => {
    const log = new ScaleEventLog(300);
    log.record(0, 3, 4); // up: no scale-down before it
    log.record(100, 4, 4); // no change: not an event
    log.record(400, 4, 3); // down
    log.record(700, 3, 4); // up 300 s later: within the window (inclusive)
    log.record(720, 4, 5); // a second step up after the same scale-down is the same flap
    log.record(800, 5, 4); // down
    log.record(1101, 4, 5); // up 301 s later: outside
    expect(log.stats()).toEqual({ scaleEvents: 6, oscillations: 1, lastScaleEventAtSecond: 1101 });
  });

  test('no event: zero counts and no last second', () => {
    expect(new ScaleEventLog(300).stats()).toEqual({
      scaleEvents: 0,
      oscillations: 0,
      lastScaleEventAtSecond: null,
    });
  });
});

describe('simulate: flapping and unfinished waits', () => {
  // 3.4 pods' worth of traffic on a backlog trigger only: 3 pods fall 20 msg/s short, a 4th drains the backlog
  // and is removed again once it is gone, and the backlog is back above 3 × 1500 × 1.1 within 300 s.
  const sawTooth: SimulationInput = {
    scaling: { threshold: 1500, minReplicas: 3, maxReplicas: 40, pollingIntervalSeconds: 15 },
    workload: { messagesPerSecondPerPod: 50, targetDrainSeconds: 60 },
    traffic: { arrivals: [170] },
    durationSeconds: 3600,
  };

  test('a backlog-only trigger at 3.4 pods of traffic flaps; an arrival-rate trigger at 40 msg/s holds 5 pods', () => {
    const flapping = simulate(sawTooth).summary;
    expect(flapping.scaleEvents).toBeGreaterThan(2);
    expect(flapping.oscillations).toBeGreaterThan(0);
    const held = simulate({
      ...sawTooth,
      scaling: { ...sawTooth.scaling, arrivalRateThreshold: 40 },
    }).summary;
    // ceil(170 / 40) = 5 from the first sync that sees the rate, then nothing.
    expect(held).toMatchObject({ scaleEvents: 1, oscillations: 0, peakReplicas: 5 });
    expect(held.lastScaleEventAtSecond).toBeLessThan(600);
  });

  test('messages still waiting at the end count with their age so far', () => {
    // One pod at 10 msg/s, 1e9 msg/s arriving for 60 s: almost every message is still waiting at the end.
    const run = simulate({
      scaling: { threshold: 1e12, minReplicas: 1, maxReplicas: 1 },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [1e9] },
      durationSeconds: 60,
    }).summary;
    expect(run.waitingAtEnd).toBeCloseTo(60 * 1e9 - 600, 0);
    // The first second's messages are 60 s old at the end; the p99 is among those still waiting.
    expect(run.oldestWaitingSeconds).toBe(60);
    expect(run.maxWaitSeconds).toBe(60);
    expect(run.p99WaitSeconds).toBeGreaterThanOrEqual(59);
    expect(run.drainSecondsAfterPeak).toBeNull();
  });

  test('a drained run has nothing waiting and the oracle reports its flaps too', () => {
    const oracle = simulateOracle(sawTooth).summary;
    expect(oracle).toMatchObject({ waitingAtEnd: 0, oldestWaitingSeconds: 0, oscillations: 0 });
  });
});

describe('instanceTps', () => {
  test('sums every consumer and every topic: stated sends, else what its busiest consumer receives', () => {
    expect(
      instanceTps(
        [
          { name: 'a', topic: 'orders', receiveTps: 2000 },
          { name: 'b', topic: 'orders', receiveTps: 1200 },
          { name: 'c', topic: 'payments', receiveTps: 480 },
        ],
        [{ name: 'orders', sendTps: 1600 }, { name: 'payments' }, { name: 'dlq' }],
      ),
    ).toEqual({ sendTps: 1600 + 480, receiveTps: 3680, totalTps: 5760 });
  });
});
