import { builtInProfile, parseCsvProfile, ProfileParseError, recommend } from '../../constructs/scaling';

describe('recommend', () => {
  const flashSale = builtInProfile('flash-sale', 100);
  const input = {
    messagesPerSecondPerPod: 50,
    targetDrainSeconds: 60,
    minReplicas: 3,
    maxReplicas: 40,
    traffic: flashSale.traffic,
    durationSeconds: flashSale.durationSeconds,
  };
  // Computed in the first test that needs it, not while jest collects the tests: code run at collection time
  // counts as static for Stryker, which then reruns every test for each of its mutants.
  let cached: ReturnType<typeof recommend> | undefined;
  const flashSaleResult = (): ReturnType<typeof recommend> => (cached ??= recommend(input));

  test('beats the seed guide config on the flash sale at equal or lower replica-seconds', () => {
    const result = flashSaleResult();
    expect(result.recommended.summary.secondsOverDrainTarget).toBeLessThanOrEqual(
      result.seedGuide.summary.secondsOverDrainTarget,
    );
    expect(result.recommended.summary.replicaSeconds).toBeLessThanOrEqual(
      result.seedGuide.summary.replicaSeconds,
    );
    expect(result.seedGuide.scaling.threshold).toBe(30);
  });

  test('the choice was checked at every timer placement, the aligned one included', () => {
    const { summary, acrossPhases } = flashSaleResult().recommended;
    expect(acrossPhases.phases).toHaveLength(6);
    expect(acrossPhases.secondsOverDrainTarget.min).toBeLessThanOrEqual(summary.secondsOverDrainTarget);
    expect(acrossPhases.secondsOverDrainTarget.max).toBeGreaterThanOrEqual(summary.secondsOverDrainTarget);
    expect(acrossPhases.replicaSeconds.max).toBeGreaterThanOrEqual(summary.replicaSeconds);
  });

  test('with in-flight time the drain threshold grows by what a busy pod holds in flight', () => {
    const withInflight = recommend({ ...input, processingSeconds: 4 });
    // 50 msg/s × (60 s + 4 s): the threshold candidates are 3200 and 1600.
    expect([3200, 1600]).toContain(withInflight.recommended.scaling.threshold);
    expect(() => recommend({ ...input, processingSeconds: -1 })).toThrow(
      /processingSeconds must be >= 0, got -1/,
    );
  });

  test('activation candidates only when KEDA may scale to zero', () => {
    const fromZero = recommend({ ...input, minReplicas: 0 });
    // The grid's 16 twice (activation 0 and a tenth of a pod's share), the 4 demand candidates once (activation 0).
    expect(flashSaleResult().candidatesEvaluated).toBe(20);
    expect(fromZero.candidatesEvaluated).toBe(2 * 16 + 4);
  });

  test('never beats the oracle on replica-seconds, and respects the bounds', () => {
    const result = flashSaleResult();
    expect(result.recommended.summary.replicaSeconds).toBeGreaterThanOrEqual(result.oracle.replicaSeconds);
    expect(result.recommended.scaling.minReplicas).toBe(3);
    expect(result.recommended.scaling.maxReplicas).toBe(40);
    // 2 thresholds × 2 (with or without the rate trigger) × 1 activation × 2 polling intervals × 2 behaviors, and
    // the demand trigger with the backlog drained in 60 or 30 s × 2 behaviors.
    expect(result.candidatesEvaluated).toBe(20);
  });

  test('warns when max replicas exceed the queue count and when peak consumption exceeds serverless lossless TPS', () => {
    const warned = recommend({
      ...input,
      loadBalancing: 'queue',
      queueCount: 16,
      serverless: { mode: 'dedicated-reserved', reservedTps: 200 },
    });
    expect(warned.warnings).toEqual([
      'maxReplicas (40) exceeds the 16 queues of a queue-based consumer: pods beyond 16 idle',
      // Alone on the instance: the topic's 1,000 msg/s peak sent plus 16 pods × 50 received.
      'the instance-wide peak (1,800 TPS: sends 1,000 + receives 800, every workload and producer on the instance) exceeds the serverless lossless threshold (300 TPS): expect throttling above it',
      // 1,000 msg/s for 15 min against 16 × 50 = 800: M pods keep the oldest within 60 s once
      // (1000 − 50·M) × 900 / (50·M) <= 60, i.e. M >= 18.75.
      'the peak arrival (1,000 msg/s) exceeds what the 16 queues of the topic (a pod beyond 16 idles) consume: 16 × 50 = 800 msg/s; draining within the target (60 s) takes maxReplicas >= 19 and at least 19 queues (all running all the time; scaling delays need more)',
    ]);
    expect(warned.capacity).toMatchObject({
      peakArrivalPerSecond: 1000,
      maxConsumptionPerSecond: 800,
      limitedBy: 'queueCount',
      exceeded: true,
      neededMaxReplicas: 19,
    });
    expect(warned.recommended.scaling.maxReplicas).toBe(16);
  });

  test('the instance-wide sum, not the workload alone, is checked against the serverless limit', () => {
    const alone = recommend({ ...input, serverless: { mode: 'dedicated-reserved', reservedTps: 2000 } });
    // 1,000 sent + 40 × 50 = 2,000 received = 3,000 <= 1.5 × 2,000: no warning alone.
    expect(alone.warnings).toEqual([]);
    const shared = recommend({
      ...input,
      serverless: { mode: 'dedicated-reserved', reservedTps: 2000 },
      instanceTps: { sendTps: 1500, receiveTps: 2500, totalTps: 4000 },
    });
    expect(shared.warnings).toEqual([
      'the instance-wide peak (4,000 TPS: sends 1,500 + receives 2,500, every workload and producer on the instance) exceeds the serverless lossless threshold (3,000 TPS): expect throttling above it',
    ]);
  });

  test('a never-draining profile: the capacity bound, and the choice is marked as not draining', () => {
    const over = recommend({ ...input, maxReplicas: 10 });
    // 10 × 50 = 500 msg/s against a 1,000 msg/s sale: (1000 − 50·M) × 900 / (50·M) <= 60 gives M >= 18.75.
    expect(over.capacity).toMatchObject({ exceeded: true, neededMaxReplicas: 19, limitedBy: 'maxReplicas' });
    expect(over.warnings[0]).toMatch(
      /^the peak arrival \(1,000 msg\/s\) exceeds what maxReplicas \(10\) consume/,
    );
    expect(flashSaleResult().capacity).toMatchObject({ exceeded: false, neededMaxReplicas: null });
    expect(flashSaleResult().drains).toBe(true);
  });

  test("churn: no candidate that flaps, and at most twice the oracle's scale events when any manages", () => {
    const steady = builtInProfile('steady', 160);
    const result = recommend({ ...input, traffic: steady.traffic, durationSeconds: steady.durationSeconds });
    // 160 msg/s at 50 per pod: the oracle holds ceil(3.2) = 4 pods, no scale event; the backlog-only
    // candidates saw-tooth 3 ↔ 4; the arrival-rate one (40 msg/s per pod) goes to 4 at the first sync (ratio
    // 4 / 3), 4 × 3600 = 14,400 replica-seconds. The demand one reads 3.2 pods against 3 running, inside the
    // HPA's 0.1 tolerance, until three pods (150 msg/s) have left 450 waiting by t = 45: seen at 75 s (30 s
    // late) as 3.2 + 450 / 60 / 50 = 3.35, ratio 1.117: 4 from 75 s, 3 × 75 + 4 × 3525 = 14,325, one event.
    expect(result.oracle.scaleEvents).toBe(0);
    expect(result.scaleEventBudget).toBe(1);
    expect(result.recommended.summary).toMatchObject({
      scaleEvents: 1,
      oscillations: 0,
      replicaSeconds: 14_325,
    });
    expect(result.recommended.scaling.demand).toEqual({ messagesPerSecondPerReplica: 50, drainSeconds: 60 });
  });

  test('rejects invalid input naming the field', () => {
    expect(() => recommend({ ...input, targetDrainSeconds: 0 })).toThrow(/targetDrainSeconds must be > 0/);
    expect(() => recommend({ ...input, minReplicas: 50 })).toThrow(
      /minReplicas \(50\) must be <= maxReplicas \(40\)/,
    );
  });
});

describe('profiles', () => {
  test('built-in profiles have the documented shapes', () => {
    expect(builtInProfile('steady', 10).durationSeconds).toBe(3600);
    expect(builtInProfile('diurnal', 10).durationSeconds).toBe(86_400);
    expect(builtInProfile('seed-replay', 10).podsConsumeNothing).toBe(true);
    expect(() => builtInProfile('nope' as 'steady', 10)).toThrow(
      /profile must be one of steady, flash-sale, diurnal, seed-replay/,
    );
  });

  test('CSV: header, comments, rows and an optional drain column', () => {
    const profile = parseCsvProfile('second,rate,drain\n# warm-up\n0,10,0\n60,100,5\n', 'sale.csv');
    expect(profile.traffic.arrivals).toEqual([
      { fromSecond: 0, ratePerSecond: 10 },
      { fromSecond: 60, ratePerSecond: 100 },
    ]);
    expect(profile.traffic.externalDrain).toEqual([
      { fromSecond: 0, ratePerSecond: 0 },
      { fromSecond: 60, ratePerSecond: 5 },
    ]);
    expect(profile.durationSeconds).toBe(120);
  });

  test.each([
    ['0,10\n60,abc\n', 'sale.csv:2:4: rate must be a number >= 0, got "abc"'],
    ['0,10\n30,5\n20,1\n', 'sale.csv:3:1: second 20 must be greater than 30'],
    ['5,10\n', 'sale.csv:1:1: the first row must start at second 0'],
    ['0,10,1,2\n', 'sale.csv:1:1: expected second,rate[,drain], got 4 columns'],
    ['0,10\n700000,1\n', 'sale.csv:2:1: the profile runs past one week (604800 s)'],
    ['second,rate\n', 'sale.csv:1:1: no data rows'],
  ])('CSV errors name line and column: %j', (text, message) => {
    expect(() => parseCsvProfile(text, 'sale.csv')).toThrow(ProfileParseError);
    expect(() => parseCsvProfile(text, 'sale.csv')).toThrow(message);
  });
});
