import fc from 'fast-check';
import { propertyRuns } from './property-runs';
import {
  builtInProfile,
  simulate,
  simulateOracle,
  type SimulationInput,
  type SimulationScaling,
} from '../../constructs/scaling';

const SEED_GUIDE: SimulationScaling = { threshold: 30, minReplicas: 2, maxReplicas: 10 };

describe('simulate: the seed guide replay', () => {
  const profile = builtInProfile('seed-replay', 1);
  // Run inside each test (a few ms), not at collection time, so Stryker sees which test covers what.
  const replay = () => {
    const run = simulate({
      scaling: SEED_GUIDE,
      workload: { messagesPerSecondPerPod: 0, startupSeconds: 5 },
      traffic: profile.traffic,
      durationSeconds: profile.durationSeconds,
    });
    const at = (t: number) => run.timeline.find((p) => p.t === t)!;
    const drainedAt = run.timeline.find((p) => p.t > run.summary.peakAtSecond && p.backlog === 0)!.t;
    return { run, at, drainedAt };
  };

  test('a backlog of about 2,300 builds and an external consumer drains it within about a minute', () => {
    const { run, drainedAt } = replay();
    expect(run.summary.peakBacklog).toBe(2300);
    expect(drainedAt - 180).toBeLessThanOrEqual(60);
  });

  test('replicas climb to 10 in legacy steps (×2 or +4 per sync)', () => {
    const { run } = replay();
    const counts = [...new Set(run.timeline.map((p) => p.replicas))];
    expect(counts.slice(0, 4)).toEqual([2, 4, 8, 10]);
  });

  test('after the backlog reaches 0 they hold 10 through the 5-minute stabilization, then drop straight to 2', () => {
    const { run, at, drainedAt } = replay();
    const dropAt = run.timeline.find((p) => p.t > drainedAt && p.replicas < 10)!;
    expect(dropAt.replicas).toBe(2);
    // Held for the 300 s window after the last high recommendation (which lags by the metric staleness).
    expect(dropAt.t - drainedAt).toBeGreaterThanOrEqual(300);
    expect(dropAt.t - drainedAt).toBeLessThanOrEqual(300 + 30 + 2 * 15);
    expect(at(drainedAt + 299).replicas).toBe(10);
  });

  test('contrast: pods that drain the backlog themselves step down instead of dropping at once', () => {
    const gradual = simulate({
      scaling: SEED_GUIDE,
      workload: { messagesPerSecondPerPod: 0.5, startupSeconds: 5 },
      traffic: { arrivals: profile.traffic.arrivals },
      durationSeconds: 2400,
    });
    const counts = gradual.timeline.map((p) => p.replicas);
    const afterPeak = counts.slice(counts.indexOf(10)).filter((c, i, all) => i === 0 || c !== all[i - 1]);
    // Each sync's recommendation falls with the backlog; the window keeps only the recent maximum.
    expect(afterPeak).toEqual([10, 8, 6, 3, 2]);
  });
});

describe('simulate: invariants', () => {
  const scenario = fc.record({
    min: fc.integer({ min: 0, max: 3 }),
    extra: fc.integer({ min: 1, max: 12 }),
    threshold: fc.integer({ min: 5, max: 500 }),
    perPod: fc.integer({ min: 1, max: 50 }),
    startup: fc.integer({ min: 0, max: 60 }),
    rates: fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 6 }),
    initialBacklog: fc.integer({ min: 0, max: 5000 }),
    withBehavior: fc.boolean(),
    queueCap: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
    processing: fc.integer({ min: 0, max: 90 }),
  });
  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
  const toInput = (c: Scenario): SimulationInput => ({
    scaling: {
      threshold: c.threshold,
      minReplicas: c.min,
      maxReplicas: c.min + c.extra,
      ...(c.withBehavior && { behavior: {} }),
      ...(c.queueCap !== undefined && { queueCap: c.queueCap }),
    },
    workload: {
      messagesPerSecondPerPod: c.perPod,
      startupSeconds: c.startup,
      processingSeconds: c.processing,
    },
    traffic: {
      arrivals: c.rates.map((r, i) => ({ fromSecond: i * 300, ratePerSecond: r })),
      initialBacklog: c.initialBacklog,
    },
    durationSeconds: c.rates.length * 300,
  });

  test('conservation: arrived = consumed + backlog', () => {
    fc.assert(
      fc.property(scenario, (c) => {
        const { summary } = simulate(toInput(c));
        expect(summary.arrived).toBeCloseTo(summary.consumed + summary.finalBacklog, 6);
      }),
      { numRuns: propertyRuns(60, 10) },
    );
  });

  test('replicas stay within [minReplicas, maxReplicas], and no more are ready than asked for', () => {
    fc.assert(
      fc.property(scenario, (c) => {
        const input = toInput(c);
        const timeline = simulate(input).timeline;
        const outOfBounds = timeline.filter(
          (p) => p.replicas < c.min || p.replicas > input.scaling.maxReplicas || p.readyReplicas > p.replicas,
        );
        expect(outOfBounds).toEqual([]);
      }),
      { numRuns: propertyRuns(60, 10) },
    );
  });

  test('unready pods consume nothing: with a start-up longer than the run, nothing is consumed', () => {
    const run = simulate({
      scaling: { threshold: 10, minReplicas: 0, maxReplicas: 5 },
      workload: { messagesPerSecondPerPod: 100, startupSeconds: 10_000 },
      traffic: { arrivals: [50] },
      durationSeconds: 600,
    });
    expect(run.summary.consumed).toBe(0);
    expect(run.summary.peakReplicas).toBeGreaterThan(0);
    expect(run.timeline.every((p) => p.readyReplicas === 0)).toBe(true);
  });

  test('the queue cap: pods beyond the queue count consume nothing', () => {
    const input: SimulationInput = {
      scaling: { threshold: 10, minReplicas: 8, maxReplicas: 8, queueCap: 4 },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0], initialBacklog: 10_000 },
      durationSeconds: 100,
      initialReplicas: 8,
    };
    expect(simulate(input).summary.consumed).toBe(4 * 10 * 100);
  });
});

describe('simulate: in-flight messages', () => {
  // 50 msg/s, one pod fetches 100/s: nothing waits once it runs, but each message is in flight 10 s.
  const input: SimulationInput = {
    scaling: { threshold: 100, minReplicas: 1, maxReplicas: 10 },
    workload: { messagesPerSecondPerPod: 100, startupSeconds: 0, processingSeconds: 10 },
    traffic: { arrivals: [50] },
    timing: { metricStalenessSeconds: 0 },
    durationSeconds: 600,
  };
  test('in flight at steady state is arrival rate × processing time, and the query counts it', () => {
    const run = simulate(input);
    const late = run.timeline.filter((p) => p.t >= 300);
    expect(late.every((p) => p.inflight === 500)).toBe(true);
    expect(late.every((p) => p.backlog === 500)).toBe(true);
    expect(run.summary.p99WaitSeconds).toBe(1);
  });

  test('the HPA scales on ready + in-flight: 500 in flight over a threshold of 100 asks for 5 pods', () => {
    const run = simulate(input);
    expect(run.timeline[run.timeline.length - 1].replicas).toBe(5);
    const instant = simulate({ ...input, workload: { ...input.workload, processingSeconds: 0 } });
    expect(instant.summary.peakReplicas).toBe(1);
    expect(instant.timeline.every((p) => p.inflight === 0)).toBe(true);
  });

  test('acked messages are consumed; in-flight ones are still backlog (conservation)', () => {
    const run = simulate(input);
    expect(run.summary.arrived).toBe(50 * 600);
    expect(run.summary.finalBacklog).toBe(500);
    expect(run.summary.consumed).toBe(50 * 600 - 500);
  });

  test('a pod removed by a scale-down is billed until its in-flight messages are done', () => {
    const downscale = (processingSeconds: number, maxProcessingSeconds?: number) =>
      simulate({
        scaling: { threshold: 100, minReplicas: 1, maxReplicas: 4, behavior: {} },
        workload: {
          messagesPerSecondPerPod: 1,
          startupSeconds: 0,
          processingSeconds,
          ...(maxProcessingSeconds !== undefined && { maxProcessingSeconds }),
        },
        traffic: { arrivals: [0] },
        timing: { metricStalenessSeconds: 0 },
        durationSeconds: 900,
        initialReplicas: 4,
      }).summary;
    // Nothing to do: the HPA drops 4 -> 1 after the 300 s stabilization; three ready pods leave.
    expect(downscale(20).replicaSeconds - downscale(0).replicaSeconds).toBe(3 * 20);
    // The slowest in-flight message decides when a pod is gone.
    expect(downscale(20, 45).replicaSeconds - downscale(0).replicaSeconds).toBe(3 * 45);
    // Nothing in flight: a pod leaves at once, whatever the longest handling time.
    expect(downscale(0, 45).replicaSeconds).toBe(downscale(0).replicaSeconds);
  });
});

describe('simulate: KEDA activation, cooldown and fallback', () => {
  const idleAfterBurst = (cooldownPeriodSeconds: number) =>
    simulate({
      scaling: {
        threshold: 100,
        arrivalRateThreshold: 40,
        minReplicas: 0,
        maxReplicas: 5,
        pollingIntervalSeconds: 30,
        cooldownPeriodSeconds,
      },
      workload: { messagesPerSecondPerPod: 100, startupSeconds: 0 },
      traffic: {
        arrivals: [
          { fromSecond: 0, ratePerSecond: 50 },
          { fromSecond: 120, ratePerSecond: 0 },
        ],
      },
      timing: { metricStalenessSeconds: 0 },
      durationSeconds: 1500,
    });
  const zeroAfter = (run: ReturnType<typeof simulate>, t: number) =>
    run.timeline.find((p) => p.t > t && p.replicas === 0)!.t;

  test('scale to zero only after cooldownPeriod with no activity', () => {
    // The arrival rate (rate over 1 min) stays active until 60 s after the last message at 120 s.
    const run = idleAfterBurst(300);
    expect(run.timeline.filter((p) => p.t <= 180).every((p) => p.replicas > 0 || p.t <= 30)).toBe(true);
    const zeroAt = zeroAfter(run, 120);
    expect(zeroAt).toBeGreaterThan(120 + 300);
    expect(zeroAt).toBeLessThanOrEqual(180 + 300 + 30 + 1);
    expect(zeroAfter(idleAfterBurst(600), 120) - zeroAt).toBe(300);
  });

  test('backlog alone: consumers that keep up make the ScaledObject inactive under load (why the rate trigger exists)', () => {
    const run = simulate({
      scaling: { threshold: 100, minReplicas: 0, maxReplicas: 5, cooldownPeriodSeconds: 300 },
      workload: { messagesPerSecondPerPod: 100, startupSeconds: 0 },
      traffic: { arrivals: [50] },
      timing: { metricStalenessSeconds: 0 },
      durationSeconds: 900,
    });
    expect(run.timeline.some((p) => p.t > 400 && p.replicas === 0)).toBe(true);
  });

  test('KEDA 2.16: during a metric outage the fallback count is held instead of dropping to min', () => {
    const input: SimulationInput = {
      scaling: {
        threshold: 100,
        minReplicas: 1,
        maxReplicas: 20,
        pollingIntervalSeconds: 15,
        fallback: { failureThreshold: 3, replicas: 6 },
        // The scale-loop fallback of KEDA 2.16 and earlier (2.17+: tests/scaling/simulate-keda-semantics.test.ts).
        kedaVersion: '2.16.1',
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0], initialBacklog: 0 },
      timing: { outages: [{ fromSecond: 300, toSecond: 1200 }] },
      durationSeconds: 1200,
    };
    const run = simulate(input);
    expect(run.timeline.find((p) => p.t === 290)!.replicas).toBe(1);
    // The scale loop sets the fallback count at the first failed poll (300 s); the HPA, which gets errors
    // until more than failureThreshold requests failed, leaves it; then it reads 6 × threshold and holds 6.
    expect(run.timeline.find((p) => p.t === 301)!.replicas).toBe(6);
    expect(run.timeline.filter((p) => p.t > 300).every((p) => p.replicas === 6)).toBe(true);
    expect(run.timeline.find((p) => p.t === 1100)!.replicas).toBe(6);
    const without = simulate({ ...input, scaling: { ...input.scaling, fallback: false } });
    expect(without.timeline.find((p) => p.t === 1100)!.replicas).toBe(1);
  });
});

describe('simulate: loop phases and the HPA guards', () => {
  const stepUp = (timing: SimulationInput['timing']) =>
    simulate({
      scaling: { threshold: 100, minReplicas: 1, maxReplicas: 20 },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: {
        arrivals: [
          { fromSecond: 0, ratePerSecond: 0 },
          { fromSecond: 60, ratePerSecond: 100 },
        ],
      },
      durationSeconds: 300,
      timing: { metricStalenessSeconds: 0, ...timing },
    });
  const firstScaleUp = (run: ReturnType<typeof simulate>) => run.timeline.find((p) => p.replicas > 1)!.t;

  test('the HPA acts on its own timer: a step change waits for the next sync at its phase', () => {
    // 1 pod, 90 msg/s net from 60 s: the backlog passes threshold × (1 + tolerance) = 110 at 62 s.
    // Aligned syncs (…, 60, 75) act at 75; phase 2 syncs at 62; phase 7 at 67. The point after is t + 1.
    expect(firstScaleUp(stepUp({}))).toBe(76);
    expect(firstScaleUp(stepUp({ hpaPhaseSeconds: 2 }))).toBe(63);
    expect(firstScaleUp(stepUp({ hpaPhaseSeconds: 7 }))).toBe(68);
  });

  test.each([
    [
      { hpaPhaseSeconds: 15 },
      'timing.hpaPhaseSeconds (15) must be a multiple of stepSeconds (1) below timing.hpaSyncSeconds (15)',
    ],
    [{ kedaPhaseSeconds: -1 }, 'timing.kedaPhaseSeconds must be >= 0, got -1'],
    [{ kedaPhaseSeconds: 2.5 }, 'timing.kedaPhaseSeconds must be an integer, got 2.5'],
  ])('rejects phase %j', (timing, message) => {
    expect(() => stepUp(timing)).toThrow(message);
  });

  test.each([
    [9, 5],
    [1, 3],
  ])('%i replicas are clamped to %i at the first sync even while every query fails', (initial, clamped) => {
    const run = simulate({
      scaling: { threshold: 100, minReplicas: 3, maxReplicas: 5 },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [0] },
      // KEDA polls at 7 s, so the HPA's guard at 0 s is what clamps.
      timing: { outages: [{ fromSecond: 0, toSecond: 600 }], kedaPhaseSeconds: 7 },
      durationSeconds: 120,
      initialReplicas: initial,
    });
    expect(run.timeline[0].replicas).toBe(clamped);
    expect(run.timeline.every((p) => p.replicas === clamped)).toBe(true);
  });
});

describe('simulate: an outage without fallback', () => {
  test('scales nothing: a workload with minReplicas 0 keeps its pods through the outage', () => {
    // Source: kedacore/keda pkg/scaling/executor/scale_scaledobjects.go RequestScale `isError && Fallback ==
    // nil` only sets Ready=False; the HPA makes no change on metric errors (horizontal.go reconcileAutoscaler).
    const run = simulate({
      // The arrival-rate trigger keeps the ScaledObject active until the outage starts.
      scaling: {
        threshold: 100,
        arrivalRateThreshold: 10,
        minReplicas: 0,
        maxReplicas: 5,
        cooldownPeriodSeconds: 300,
      },
      workload: { messagesPerSecondPerPod: 10, startupSeconds: 0 },
      traffic: { arrivals: [20] },
      timing: { metricStalenessSeconds: 0, outages: [{ fromSecond: 600, toSecond: 1800 }] },
      durationSeconds: 1800,
    });
    const before = run.timeline.find((p) => p.t === 600)!.replicas;
    expect(before).toBeGreaterThan(0);
    expect(run.timeline.filter((p) => p.t > 600).every((p) => p.replicas === before)).toBe(true);
  });
});

describe('simulate: steps longer than a second', () => {
  test('sum the arrivals of every second in the step', () => {
    // 10 msg/s in every fifth second, none in the others: 120 messages over a minute at any step.
    const arrivals = Array.from({ length: 60 }, (_, i) => (i % 5 === 2 ? 10 : 0));
    const at = (stepSeconds: number) =>
      simulate({
        scaling: { threshold: 100, minReplicas: 1, maxReplicas: 2 },
        workload: { messagesPerSecondPerPod: 0 },
        traffic: { arrivals },
        durationSeconds: 60,
        stepSeconds,
      }).summary.arrived;
    expect([at(1), at(5), at(15)]).toEqual([120, 120, 120]);
  });
});

describe('simulateOracle', () => {
  test('replicas follow ceil(arrival / per-pod rate) with no delay', () => {
    const run = simulateOracle({
      scaling: { threshold: 1, minReplicas: 0, maxReplicas: 100 },
      workload: { messagesPerSecondPerPod: 10 },
      traffic: {
        arrivals: [
          { fromSecond: 0, ratePerSecond: 95 },
          { fromSecond: 60, ratePerSecond: 10 },
        ],
      },
      durationSeconds: 120,
    });
    expect(run.timeline[0].replicas).toBe(10);
    expect(run.timeline[100].replicas).toBe(1);
    expect(run.summary.peakBacklog).toBe(0);
  });

  test('a queue-based consumer cannot use more pods than queues, even in the oracle', () => {
    const run = simulateOracle({
      scaling: { threshold: 1, minReplicas: 0, maxReplicas: 100, queueCap: 4 },
      workload: { messagesPerSecondPerPod: 10 },
      traffic: { arrivals: [100] },
      durationSeconds: 60,
    });
    expect(run.summary.peakReplicas).toBe(4);
    expect(run.summary.finalBacklog).toBe((100 - 40) * 60);
  });

  test('binary noise does not buy a pod: 0.3 msg/s at 0.1 msg/s per pod is 3 pods', () => {
    const run = simulateOracle({
      scaling: { threshold: 1, minReplicas: 0, maxReplicas: 100 },
      workload: { messagesPerSecondPerPod: 0.1 },
      traffic: { arrivals: [0.3] },
      durationSeconds: 10,
    });
    expect(run.timeline.map((p) => p.replicas)).toEqual(Array(10).fill(3));
  });
});

describe('simulate: input validation', () => {
  const ok: SimulationInput = {
    scaling: { threshold: 10, minReplicas: 1, maxReplicas: 2 },
    workload: { messagesPerSecondPerPod: 1 },
    traffic: { arrivals: [1] },
    durationSeconds: 60,
  };
  test.each([
    [{ ...ok, scaling: { ...ok.scaling, threshold: 0 } }, /scaling.threshold must be > 0/],
    [
      { ...ok, scaling: { ...ok.scaling, minReplicas: 3 } },
      /scaling.minReplicas \(3\) must be <= scaling.maxReplicas \(2\)/,
    ],
    [{ ...ok, durationSeconds: 8 * 86_400 }, /durationSeconds \(691200\) must be <= 604800 \(one week\)/],
    [{ ...ok, traffic: { arrivals: [-1] } }, /traffic.arrivals\[0\] must be >= 0/],
    [
      { ...ok, traffic: { arrivals: [5, { fromSecond: 10, ratePerSecond: 1 }] } },
      /traffic.arrivals\[1\] must be a number like traffic.arrivals\[0\]/,
    ],
    [
      { ...ok, traffic: { arrivals: [{ fromSecond: 0, ratePerSecond: 1 }, 5] } },
      /traffic.arrivals\[1\] must be a \{ fromSecond, ratePerSecond \} segment like traffic.arrivals\[0\]/,
    ],
    [
      { ...ok, traffic: { arrivals: [{ fromSecond: 0.5, ratePerSecond: 1 }] } },
      /traffic.arrivals\[0\].fromSecond must be an integer, got 0.5/,
    ],
    [
      { ...ok, scaling: { ...ok.scaling, idleReplicaCount: 1 } },
      /scaling.idleReplicaCount \(1\) must be < scaling.minReplicas \(1\)/,
    ],
    [
      { ...ok, scaling: { ...ok.scaling, fallback: { failureThreshold: 3, replicas: 5 } } },
      /scaling.fallback.replicas \(5\) must be <= scaling.maxReplicas \(2\)/,
    ],
    [
      { ...ok, workload: { ...ok.workload, processingSeconds: -1 } },
      /workload.processingSeconds must be >= 0, got -1/,
    ],
    [
      { ...ok, workload: { ...ok.workload, processingSeconds: 5, maxProcessingSeconds: 2 } },
      /workload.maxProcessingSeconds \(2\) must be >= workload.processingSeconds \(5\)/,
    ],
    [{ ...ok, stepSeconds: 7 }, /timing.hpaSyncSeconds \(15\) must be a multiple of stepSeconds \(7\)/],
    [
      { ...ok, timing: { outages: [{ fromSecond: 10, toSecond: 5 }] } },
      /timing.outages\[0\].toSecond must be > fromSecond/,
    ],
  ] as [SimulationInput, RegExp][])('rejects input %# with a message naming the field', (input, message) => {
    expect(() => simulate(input)).toThrow(RangeError);
    expect(() => simulate(input)).toThrow(message);
  });
});
