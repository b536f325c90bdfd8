import { DEMAND_BEHAVIOR, recommend, type RecommendInput } from '../../constructs/scaling';

// Small inputs worked by hand: a few short runs each, so the file takes seconds (recommend.test.ts takes ~30 s).

/**
 * 100 messages waiting at the start, nothing arriving, 10 msg/s per pod, at most one pod, none at first.
 * The seed guide's config (threshold 30, polling 30 s, KEDA/HPA defaults) wakes one pod at the t = 0 poll
 * (seen backlog 100 > activation 0); the HPA's proposal ceil(100 / 30) = 4 is clamped to maxReplicas 1.
 */
// The group's series kept at zero (a static subscription): KEDA wakes the pod on the 100 waiting, which the
// scale-from-zero stand-in, with no arrival in 5 min, would read as 0.
const keptSeries = { groupSeriesWithoutConsumers: true } as const;
const oneWakingPod: RecommendInput = {
  messagesPerSecondPerPod: 10,
  targetDrainSeconds: 60,
  minReplicas: 0,
  maxReplicas: 1,
  traffic: { arrivals: [0], initialBacklog: 100 },
  durationSeconds: 100,
  timing: keptSeries,
};

describe('recommend: argument rules', () => {
  const valid: RecommendInput = { ...oneWakingPod, minReplicas: 1, durationSeconds: 20 };

  test('each rule names its argument, shows the value and the rule', () => {
    expect(() => recommend({ ...valid, messagesPerSecondPerPod: 0 })).toThrow(
      new RangeError('messagesPerSecondPerPod must be > 0, got 0'),
    );
    expect(() => recommend({ ...valid, targetDrainSeconds: 0 })).toThrow(
      new RangeError('targetDrainSeconds must be > 0, got 0'),
    );
    expect(() => recommend({ ...valid, processingSeconds: -1 })).toThrow(
      new RangeError('processingSeconds must be >= 0, got -1'),
    );
    expect(() => recommend({ ...valid, minReplicas: 1.5 })).toThrow(
      new RangeError('minReplicas must be an integer, got 1.5'),
    );
    expect(() => recommend({ ...valid, minReplicas: 0, maxReplicas: 0 })).toThrow(
      new RangeError('maxReplicas must be >= 1, got 0'),
    );
    expect(() => recommend({ ...valid, minReplicas: 3, maxReplicas: 2 })).toThrow(
      new RangeError('minReplicas (3) must be <= maxReplicas (2)'),
    );
  });

  test('minReplicas equal to maxReplicas is allowed', () => {
    const result = recommend({ ...valid, minReplicas: 2, maxReplicas: 2 });
    expect(result.recommended.scaling).toMatchObject({ minReplicas: 2, maxReplicas: 2 });
  });
});

describe('recommend: queue-based consumers', () => {
  const queueBased: RecommendInput = {
    ...oneWakingPod,
    minReplicas: 1,
    maxReplicas: 2,
    durationSeconds: 20,
    loadBalancing: 'queue',
    queueCount: 2,
  };

  test('maxReplicas equal to the queue count is no warning, and every config carries the queue cap', () => {
    const result = recommend(queueBased);
    expect(result.warnings).toEqual([]);
    expect(result.capacity.limitedBy).toBe('maxReplicas');
    // The queue cap reaches the simulated configs (it clamps the backlog query and the consuming pods).
    expect(result.recommended.scaling.queueCap).toBe(2);
    expect(result.seedGuide.scaling.queueCap).toBe(2);
  });

  test('one pod more than the queues is warned about and capped', () => {
    const result = recommend({ ...queueBased, maxReplicas: 3 });
    expect(result.warnings).toEqual([
      'maxReplicas (3) exceeds the 2 queues of a queue-based consumer: pods beyond 2 idle',
    ]);
    expect(result.capacity.limitedBy).toBe('queueCount');
    expect(result.recommended.scaling).toMatchObject({ maxReplicas: 2, queueCap: 2 });
  });

  test('message-based consumers have no queue cap', () => {
    const result = recommend({ ...queueBased, loadBalancing: 'message' });
    expect(result.recommended.scaling).not.toHaveProperty('queueCap');
    expect(result.seedGuide.scaling).not.toHaveProperty('queueCap');
  });
});

describe('recommend: the optional workload fields and timing reach the simulations', () => {
  test('startupSeconds delays the woken pod', () => {
    // The pod woken at t = 0 is ready at t = startup and drains 100 messages at 10 msg/s in 10 s; the
    // backlog peaked at t = 0, so it drains startup + 10 s after the peak: 20 + 10 by default, 50 + 10 here.
    expect(recommend(oneWakingPod).seedGuide.summary.drainSecondsAfterPeak).toBe(30);
    expect(recommend({ ...oneWakingPod, startupSeconds: 50 }).seedGuide.summary.drainSecondsAfterPeak).toBe(
      60,
    );
  });

  test('processingSeconds keeps fetched messages unacknowledged', () => {
    // The pod (ready at 20) fetches all 100 in [20, 30); with 100 s in flight each ack is due at >= 121 s,
    // after the 100 s simulated: nothing consumed, the 100 still in the backlog. Without it all 100 are acked.
    const slow = recommend({ ...oneWakingPod, processingSeconds: 100 }).seedGuide.summary;
    expect(slow.consumed).toBe(0);
    expect(slow.finalBacklog).toBe(100);
    expect(recommend(oneWakingPod).seedGuide.summary.consumed).toBe(100);
  });

  test('maxProcessingSeconds is how long the pod removed at scale-in still runs', () => {
    // processing 1 s: the last 10 fetched in [29, 30) are acked at 31, so the poll at 60 still sees 10
    // (backlog at 30) and is the last active one; KEDA scales in at the first poll with 60 + 300 (cooldown)
    // strictly before it: t = 360 (360 − 60 + 0.5 > 300). One pod for [0, 360) is 360 replica-seconds, and the
    // removed ready pod finishes its slowest message for maxProcessingSeconds: 360 + 50 = 410 (360 + 1 without).
    const input: RecommendInput = { ...oneWakingPod, durationSeconds: 400, processingSeconds: 1 };
    expect(recommend({ ...input, maxProcessingSeconds: 50 }).seedGuide.summary.replicaSeconds).toBe(410);
    expect(recommend(input).seedGuide.summary.replicaSeconds).toBe(361);
  });

  test('timing reaches the single runs and the runs at every timer placement', () => {
    // KEDA polls at 10, 40, …: the pod woken at 10 is ready at 30 and drains by 40, 40 s after the peak.
    const result = recommend({
      ...oneWakingPod,
      timing: { ...keptSeries, kedaPhaseSeconds: 10, hpaSyncSeconds: 1 },
    });
    expect(result.seedGuide.summary.drainSecondsAfterPeak).toBe(40);
    // A 1 s HPA sync has one placement (0, 1/3 and 2/3 of it round down to 0), against 3 of the default 15 s;
    // KEDA's two (0 and half its polling interval) remain.
    expect(result.recommended.acrossPhases.phases).toHaveLength(2);
    expect(result.recommended.acrossPhases.phases.map((p) => p.hpaPhaseSeconds)).toEqual([0, 0]);
  });
});

describe('recommend: extra candidates', () => {
  test('an extra candidate is weighed with maxReplicas lowered to the bound', () => {
    // One pod at most: every config drains the 1200 messages at 10 msg/s in 120 s, its oldest message over the
    // 10 s target from 11 s to 119 s (109 s), one pod for the 200 s run. All tie, the first of the grid wins.
    // The extra config would reach 5 pods with threshold 1 if its maxReplicas 5 were kept (4 at t = 0, 5 at 15):
    // drained by 43 s, 32 s over, which would beat every other by far more than the 30 s slack.
    const result = recommend({
      messagesPerSecondPerPod: 10,
      targetDrainSeconds: 10,
      minReplicas: 1,
      maxReplicas: 1,
      traffic: { arrivals: [0], initialBacklog: 1200 },
      durationSeconds: 200,
      extraCandidates: [{ minReplicas: 1, maxReplicas: 5, threshold: 1 }],
    });
    // 2 thresholds (100, 50) × 2 rate triggers × 1 activation × 2 polling intervals × 2 behaviors, 2 drain
    // seconds × 2 behaviors with the demand trigger, + 1 extra.
    expect(result.candidatesEvaluated).toBe(21);
    expect(result.recommended.scaling).toMatchObject({ maxReplicas: 1, threshold: 100 });
    expect(result.recommended.summary.secondsOverDrainTarget).toBe(109);
    expect(result.recommended.summary.replicaSeconds).toBe(200);
  });
});

describe('recommend: the capacity warning', () => {
  test('a backlog at the start needs more pods than the peak rate: the search doubles', () => {
    // 20 msg/s arrive, 10 per pod, 1000 waiting at 0, target 30 s. The peak needs 2 pods, which never drain
    // the 1000; 3 take 1020 / 30 = 34 s for the messages of second 0 (over 30); 4 take 1020 / 40 = 25.5 s,
    // and the later ones wait less. So 4 = 2 doubled.
    const result = recommend({
      messagesPerSecondPerPod: 10,
      targetDrainSeconds: 30,
      minReplicas: 1,
      maxReplicas: 1,
      traffic: { arrivals: [20], initialBacklog: 1000 },
      durationSeconds: 120,
    });
    expect(result.capacity).toEqual({
      peakArrivalPerSecond: 20,
      maxConsumptionPerSecond: 10,
      limitedBy: 'maxReplicas',
      exceeded: true,
      neededMaxReplicas: 4,
    });
    expect(result.warnings).toEqual([
      'the peak arrival (20 msg/s) exceeds what maxReplicas (1) consume: 1 × 10 = 10 msg/s; draining within the target (30 s) takes maxReplicas >= 4 (all running all the time; scaling delays need more)',
    ]);
  });

  test('a peak arrival equal to the maximum consumption is no warning', () => {
    // 10 msg/s against one pod of 10 msg/s: consumed as it comes.
    const result = recommend({
      messagesPerSecondPerPod: 10,
      targetDrainSeconds: 10,
      minReplicas: 1,
      maxReplicas: 1,
      traffic: { arrivals: [10] },
      durationSeconds: 30,
    });
    expect(result.capacity).toEqual({
      peakArrivalPerSecond: 10,
      maxConsumptionPerSecond: 10,
      limitedBy: 'maxReplicas',
      exceeded: false,
      neededMaxReplicas: null,
    });
    expect(result.warnings).toEqual([]);
  });

  /** 1.5 msg/s arriving, one pod of 1 msg/s, target 10 s. */
  const fractional = (durationSeconds: number): RecommendInput => ({
    messagesPerSecondPerPod: 1,
    targetDrainSeconds: 10,
    minReplicas: 1,
    maxReplicas: 1,
    traffic: { arrivals: [1.5] },
    durationSeconds,
  });
  const fractionalWarning = (needed: number): string =>
    `the peak arrival (1.5 msg/s) exceeds what maxReplicas (1) consume: 1 × 1 = 1 msg/s; draining within the target (10 s) takes maxReplicas >= ${needed} (all running all the time; scaling delays need more)`;

  test('fractional rates keep their decimals; the needed pods are those of the simulated seconds', () => {
    // One pod: at the end of second n it has taken n messages, all of the first floor(n / 1.5) seconds, so the
    // oldest waiting arrived at floor(2n / 3): waiting 10 s at n = 30 (30 − 20), 11 s at n = 31 (31 − 20), over
    // the 10 s target. So one pod is enough within 30 s, not within 31 s; 2 pods take each 1.5 at once.
    expect(recommend(fractional(30)).warnings).toEqual([fractionalWarning(1)]);
    expect(recommend(fractional(31)).warnings).toEqual([fractionalWarning(2)]);
  });

  test('large rates are grouped by thousands', () => {
    // One pod of 500,000 msg/s against 1,000,000: the oldest waiting is from second floor(n / 2), 2 s old at
    // n = 3, over the 1 s target; 2 pods keep up.
    const result = recommend({
      messagesPerSecondPerPod: 500_000,
      targetDrainSeconds: 1,
      minReplicas: 1,
      maxReplicas: 1,
      traffic: { arrivals: [1_000_000] },
      durationSeconds: 5,
    });
    expect(result.warnings).toEqual([
      'the peak arrival (1,000,000 msg/s) exceeds what maxReplicas (1) consume: 1 × 500,000 = 500,000 msg/s; draining within the target (1 s) takes maxReplicas >= 2 (all running all the time; scaling delays need more)',
    ]);
  });

  test('a queue-based consumer limited by maxReplicas needing as many pods as queues needs no more queues', () => {
    // 15 msg/s against one pod of 10: the backlog grows 5 msg/s, the oldest wait (about a third of the
    // elapsed time) passes 10 s within the 60 s; 2 pods (= the 2 queues) keep up.
    const result = recommend({
      messagesPerSecondPerPod: 10,
      targetDrainSeconds: 10,
      minReplicas: 1,
      maxReplicas: 1,
      loadBalancing: 'queue',
      queueCount: 2,
      traffic: { arrivals: [15] },
      durationSeconds: 60,
    });
    expect(result.capacity).toMatchObject({ limitedBy: 'maxReplicas', neededMaxReplicas: 2 });
    expect(result.warnings).toEqual([
      'the peak arrival (15 msg/s) exceeds what maxReplicas (1) consume: 1 × 10 = 10 msg/s; draining within the target (10 s) takes maxReplicas >= 2 (all running all the time; scaling delays need more)',
    ]);
  });
});

/** 150 waiting at the start, 10 msg/s per pod, a 10 s target, 1..2 pods, 60 s (worked in the tests below). */
const backlog150: RecommendInput = {
  messagesPerSecondPerPod: 10,
  targetDrainSeconds: 10,
  minReplicas: 1,
  maxReplicas: 2,
  traffic: { arrivals: [0], initialBacklog: 150 },
  durationSeconds: 60,
};

describe('recommend: the drain threshold caps the threshold candidates', () => {
  test('no threshold above the drain threshold, even where one would be cheaper', () => {
    // 10 msg/s × 10 s: drain threshold 100, the other candidate 50. 150 waiting at the start: at the t = 0
    // sync every candidate proposes ceil(150 / 100) = 2 (or 3, clamped to maxReplicas 2), and keeps 2 for
    // the 60 s (the scale-down stabilization is 300 s): 120 replica-seconds. The first pod drains the 150
    // alone by 15 s (the second is ready at 20): over the 10 s target from 11 s to 14 s. All tie, the first
    // (threshold 100) wins. A threshold of 200 would keep one pod (150 / 200 = 0.75 → 1) at 60 replica-seconds
    // with the same 4 s over.
    const result = recommend(backlog150);
    expect(result.recommended.scaling.threshold).toBe(100);
    expect(result.recommended.summary.replicaSeconds).toBe(120);
    expect(result.recommended.summary.secondsOverDrainTarget).toBe(4);
  });
});

describe('recommend: the cheapest of the equally good wins', () => {
  test('a cheaper extra candidate after the whole grid is found and chosen', () => {
    // The grid of the threshold test above: 2 pods, 120 replica-seconds, 4 s over. The extra config's
    // threshold 200 keeps one pod (150 / 200 = 0.75 → ceil 1) at every timer placement: 60 replica-seconds,
    // and the same 4 s over (the second pod of the others is only ready at 20 s, after the 150 are gone).
    const result = recommend({
      ...backlog150,
      extraCandidates: [{ minReplicas: 1, maxReplicas: 2, threshold: 200 }],
    });
    expect(result.recommended.scaling).toEqual({ minReplicas: 1, maxReplicas: 2, threshold: 200 });
    expect(result.recommended.summary.replicaSeconds).toBe(60);
    expect(result.recommended.acrossPhases.replicaSeconds).toEqual({ min: 60, max: 60 });
    expect(result.recommended.summary.secondsOverDrainTarget).toBe(4);
  });
});

describe('recommend: ties in replica-seconds', () => {
  test('among equally cheap configs the one less over the target wins', () => {
    // 400 waiting, 10 msg/s per pod, target 10 s, 1..2 pods, 60 s; every config below runs 2 pods the whole
    // run at every timer placement (120 replica-seconds). The grid's scale 1 → 2 at the first sync (400 / 100
    // → 4, clamped), the second pod ready at 20: 200 taken by then, 200 more at 20 msg/s, drained at 30 s:
    // over the target from 11 s to 29 s (19 s). 'twoReady' starts with both pods ready: drained at 20 s,
    // 9 s over. 'oneConsuming' has both, but a queue cap of 1 lets one consume: drained at 40 s, 29 s over.
    const oneConsuming = { minReplicas: 2, maxReplicas: 2, threshold: 100, queueCap: 1 };
    const twoReady = { minReplicas: 2, maxReplicas: 2, threshold: 100 };
    const result = recommend({
      messagesPerSecondPerPod: 10,
      targetDrainSeconds: 10,
      minReplicas: 1,
      maxReplicas: 2,
      traffic: { arrivals: [0], initialBacklog: 400 },
      durationSeconds: 60,
      extraCandidates: [oneConsuming, twoReady],
    });
    expect(result.recommended.scaling).toEqual(twoReady);
    expect(result.recommended.summary.replicaSeconds).toBe(120);
    expect(result.recommended.summary.secondsOverDrainTarget).toBe(9);
  });
});

describe('recommend: flapping configs are out', () => {
  test('without down-stabilization the configs without behavior flap; a config that does not is chosen', () => {
    // 10 msg/s per pod, target 10 s, 1..2 pods, the HPA scales down at once (stabilization 0) unless the
    // behavior says otherwise. 150 waiting at 0, a burst of 400 at 60 s. The HPA sees the backlog 30 s late.
    // Every config scales 1 → 2 at the 0 s sync (150 / 100 or / 50, clamped); one pod takes the 150 by 15 s
    // (the second is ready at 20): 11..14 s over the target, 4 s.
    // Without behavior: at 45 s it sees the 0 of 15 s and scales to 1; the burst takes one pod 40 s (drained at
    // 100 s, over 71..99 s: 29 s); at 105 s it sees 250 of 75 s and scales to 2 again, 60 s after the scale-down:
    // a flap. 2 × 45 + 1 × 60 + 2 × 15 = 180 replica-seconds, 33 s over.
    // RECOMMENDED_BEHAVIOR keeps 2 (its scale-down stabilization is 300 s): 2 × 120 = 240 replica-seconds, the
    // burst drained at 20 msg/s by 80 s (over 71..79 s): 13 s over. 33 is within 13 + 30 s and cheaper, but flaps.
    // The demand trigger with DEMAND_BEHAVIOR (down within 30 s) reads (0 + 150 / 10) / 10 = 1.5 at 0 s: 2; it
    // sees the backlog gone at 45 s (the 0 of 15 s), its 30 s window holds 2 until 60 s, then 1; at 105 s it sees
    // 250 of 75 s and the burst in the rate window, (400 / 60 + 250 / 10) / 10 = 3.2: 2 again, 45 s after the
    // scale-down, past its own 30 s window: no flap. The burst still waits for one pod (33 s over, as without
    // behavior); 2 × 60 + 1 × 45 + 2 × 15 = 195 replica-seconds, 3 events: within the slack, the cheapest.
    // 'flapsOffAligned' (a cron asking 2 pods in [0, 30) and [55, 56), its backlog threshold too high to matter)
    // does not flap at the aligned syncs: up at 0, down at 30 (2 × 30 + 90 = 150 replica-seconds, 33 s over as
    // above), but at the 10 s placement it scales up at 10, down at 40, up at 55 (a flap, 4 events, within twice
    // the oracle's 3) and down at 70: 165 replica-seconds at worst, cheaper than 240, 33 s over: out all the same.
    const flapsOffAligned = {
      minReplicas: 1,
      maxReplicas: 2,
      threshold: 100_000,
      schedules: [
        {
          name: 'two-pods',
          desiredReplicas: 2,
          windows: [
            { fromSecond: 0, toSecond: 30 },
            { fromSecond: 55, toSecond: 56 },
          ],
        },
      ],
    };
    const result = recommend({
      messagesPerSecondPerPod: 10,
      targetDrainSeconds: 10,
      minReplicas: 1,
      maxReplicas: 2,
      traffic: {
        arrivals: [
          { fromSecond: 0, ratePerSecond: 0 },
          { fromSecond: 60, ratePerSecond: 400 },
          { fromSecond: 61, ratePerSecond: 0 },
        ],
        initialBacklog: 150,
      },
      durationSeconds: 120,
      timing: { hpaDownscaleStabilizationSeconds: 0 },
      extraCandidates: [flapsOffAligned],
    });
    expect(result.recommended.scaling.behavior).toEqual(DEMAND_BEHAVIOR);
    expect(result.recommended.scaling.demand).toEqual({ messagesPerSecondPerReplica: 10, drainSeconds: 10 });
    expect(result.recommended.summary).toMatchObject({
      replicaSeconds: 195,
      secondsOverDrainTarget: 33,
      scaleEvents: 3,
      oscillations: 0,
    });
  });
});

describe('recommend: the scale-event budget', () => {
  /**
   * 15 msg/s arriving, 10 msg/s per pod, target 10 s, 1..2 pods, 61 s. The oracle keeps ceil(15 / 10) = 2 all
   * along: no scale event, so twice its count is 0.
   * - One pod: at the end of second n it has taken 10n, all of the first floor(2n / 3) seconds: the oldest
   *   waits n − floor(2n / 3), over 10 s from n = 31 to 61 (31 s). The grid without the rate trigger stays at one
   *   ready pod (its second, if any, is asked for at 45 s or later and ready after the end): out of the slack.
   * - The grid with the rate trigger sees 15 msg/s from the start (15 / 8 → 2): 2 pods from 0, the second ready
   *   at 20 s; the oldest waits 7 s at most: 0 s over, 2 × 61 = 122 replica-seconds, 1 scale event.
   * - 'laterUp' (a cron asking 2 pods from 1 s) scales up at the 15 s sync (5 and 10 s at the other HPA
   *   placements): ready at 35 s, the oldest waits 11–12 s for n = 31..39, 9 s over; 15 + 2 × 46 = 107
   *   replica-seconds (117 at worst, up at 5 s), 1 scale event.
   */
  const steady15: RecommendInput = {
    messagesPerSecondPerPod: 10,
    targetDrainSeconds: 10,
    minReplicas: 1,
    maxReplicas: 2,
    traffic: { arrivals: [15] },
    durationSeconds: 61,
  };
  const cron = (windows: { fromSecond: number; toSecond: number }[]) => ({
    minReplicas: 1,
    maxReplicas: 2,
    threshold: 1000,
    schedules: [{ name: 'two-pods', desiredReplicas: 2, windows }],
  });

  const twoAlways = { minReplicas: 2, maxReplicas: 2, threshold: 100 };

  test('a config making more scale events than the budget is out, however cheap', () => {
    // 'twoAlways' runs 2 ready pods from the start: 0 s over, 122 replica-seconds, no scale event, so the
    // budget is max(2 × 0, 0) = 0 and the cheaper 'laterUp' configs (crons from 1..6 s, all up at the 15 s
    // sync, 107 replica-seconds, 1 event) are out, though they fill the six-config shortlist.
    const laterUps = [1, 2, 3, 4, 5, 6].map((from) => cron([{ fromSecond: from, toSecond: 1000 }]));
    const result = recommend({ ...steady15, extraCandidates: [...laterUps, twoAlways] });
    expect(result.oracle.scaleEvents).toBe(0);
    expect(result.scaleEventBudget).toBe(0);
    expect(result.recommended.scaling).toEqual(twoAlways);
    expect(result.recommended.summary).toMatchObject({ replicaSeconds: 122, scaleEvents: 0 });
  });

  test('among equal replica-seconds and over-target seconds the one with fewer scale events wins', () => {
    // 5 more waiting at the start: the oracle takes 20 with ceil((15 + 10) / 10) = 3 pods at 0 s, then 2: one
    // scale event, a budget of 2. The rate-trigger grid (2 pods from 0 s, 1 event) and 'twoAlways' (no event)
    // both cost 122 replica-seconds at every timer placement with 0 s over (one pod takes 20 + 15k by second
    // k + 1 ... the oldest waits 7 s at most): the tie goes to the fewer events, though the grid comes first.
    const result = recommend({
      ...steady15,
      traffic: { arrivals: [15], initialBacklog: 5 },
      extraCandidates: [twoAlways],
    });
    expect(result.oracle.scaleEvents).toBe(1);
    expect(result.scaleEventBudget).toBe(2);
    expect(result.recommended.scaling).toEqual(twoAlways);
    expect(result.recommended.acrossPhases.replicaSeconds.max).toBe(122);
  });

  test('the choice is by the worst timer placement, not the aligned one', () => {
    // 'fromOne' and 'fromTen' both scale up at the aligned 15 s sync (107 replica-seconds, 9 s over, 1 event).
    // At the other HPA placements 'fromOne' scales up at 5 or 10 s (worst 5 + 2 × 56 = 117), 'fromTen' at
    // 20 or 10 s (worst 10 + 2 × 51 = 112; at most 19 s over, up at 20: within 0 + 30). So 'fromTen' wins.
    const fromOne = cron([{ fromSecond: 1, toSecond: 1000 }]);
    const fromTen = cron([{ fromSecond: 10, toSecond: 1000 }]);
    const result = recommend({ ...steady15, extraCandidates: [fromOne, fromTen] });
    expect(result.recommended.scaling).toEqual(fromTen);
    expect(result.recommended.summary.replicaSeconds).toBe(107);
    expect(result.recommended.acrossPhases.replicaSeconds).toEqual({ min: 102, max: 112 });
  });

  test('only the six cheapest at the aligned timers are re-run at every placement', () => {
    // 'backLate' asks 2 pods during [11, 16) and from 41 s: the aligned sync at 15 s scales up (kept at 30 s by
    // the 300 s scale-down stabilization): 107 replica-seconds, 9 s over, 1 event, cheaper than the rate-trigger
    // grid (122, 0 s over). The syncs at 5 and 10 s miss [11, 16) and scale up at 50 or 55 s, the second pod
    // ready after the end: one pod all along, 31 s over. Six such configs (thresholds 1000..6000 never matter:
    // the backlog stays below 15 × 61) fill the shortlist; among them 31 s is the best worst case, so the first
    // wins, though a grid config 0 s over at every placement would have pushed them out of the 30 s slack.
    const backLate = [1, 2, 3, 4, 5, 6].map((i) => ({
      ...cron([
        { fromSecond: 11, toSecond: 16 },
        { fromSecond: 41, toSecond: 1000 },
      ]),
      threshold: 1000 * i,
    }));
    const result = recommend({ ...steady15, extraCandidates: backLate });
    expect(result.recommended.scaling).toEqual(backLate[0]);
    expect(result.recommended.summary).toMatchObject({ replicaSeconds: 107, secondsOverDrainTarget: 9 });
    expect(result.recommended.acrossPhases.secondsOverDrainTarget.max).toBe(31);
  });

  test('the budget holds at every timer placement', () => {
    // 'gapAt55' is 'laterUp' with the cron closed for [55, 56) and an immediate scale-down: the aligned syncs
    // (…, 45, 60) and those at 5 s (…, 50) miss the gap, those at 10 s (…, 40, 55) scale down at 55 s: 2 events
    // there. Its worst replica-seconds (117, up at 5 s) beat the grid's 122, its 1 event at the aligned timers
    // is within the budget max(0, 1) = 1; the 2 at the 10 s placement are not, so a rate-trigger grid config wins.
    const gapAt55 = {
      ...cron([
        { fromSecond: 1, toSecond: 55 },
        { fromSecond: 56, toSecond: 1000 },
      ]),
      behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
    };
    const result = recommend({ ...steady15, extraCandidates: [gapAt55] });
    expect(result.scaleEventBudget).toBe(1);
    expect(result.recommended.scaling).toEqual({
      minReplicas: 1,
      maxReplicas: 2,
      threshold: 100,
      arrivalRateThreshold: 8,
      activationThreshold: 0,
      pollingIntervalSeconds: 15,
    });
    expect(result.recommended.acrossPhases.replicaSeconds.max).toBe(122);
  });
});

describe('recommend: activation candidates and the 30 s slack', () => {
  /**
   * 5 messages waiting, none arriving, 10 msg/s per pod, target 10 s: drain threshold 100, activation
   * candidates 0 and floor(100 / 10) = 10. With activation 0 a pod wakes at t = 0, is ready at 20 and takes
   * the 5 then: over the target from 11 s to 20 s (10 s), one pod the whole run. With activation 10 nothing
   * wakes (5 is not above 10): over from 11 s to the end, no pod at all. The group's series are kept at zero.
   */
  const belowActivation = (durationSeconds: number): RecommendInput => ({
    messagesPerSecondPerPod: 10,
    targetDrainSeconds: 10,
    minReplicas: 0,
    maxReplicas: 1,
    traffic: { arrivals: [0], initialBacklog: 5 },
    durationSeconds,
    timing: keptSeries,
  });

  test('exactly 30 s more over the target than the best still counts as equally good: the cheaper wins', () => {
    // 50 s: activation 10 is 40 s over, the best 10 + 30.
    const result = recommend(belowActivation(50));
    expect(result.recommended.scaling.activationThreshold).toBe(10);
    expect(result.recommended.summary.replicaSeconds).toBe(0);
    expect(result.recommended.summary.secondsOverDrainTarget).toBe(40);
    // The 5 are never taken: the chosen config does not drain.
    expect(result.drains).toBe(false);
  });

  test('one second beyond the slack is out, however cheap', () => {
    // 51 s: activation 10 is 41 s over, beyond 10 + 30.
    const result = recommend(belowActivation(51));
    expect(result.recommended.scaling.activationThreshold).toBe(0);
    expect(result.recommended.summary.replicaSeconds).toBe(51);
    expect(result.recommended.summary.secondsOverDrainTarget).toBe(10);
    expect(result.drains).toBe(true);
  });

  test('idle replicas make activation candidates even with minReplicas above zero', () => {
    const input: RecommendInput = { ...belowActivation(30), minReplicas: 1 };
    // 2 thresholds × 2 rate triggers × 2 polling intervals × 2 behaviors, times the activations, + 4 demand
    // candidates (activation 0 only).
    expect(recommend(input).candidatesEvaluated).toBe(20);
    expect(recommend({ ...input, fixed: { idleReplicaCount: 0 } }).candidatesEvaluated).toBe(36);
  });
});
