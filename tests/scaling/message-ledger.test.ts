import { DRAINED_EPSILON, MessageLedger } from '../../constructs/scaling/message-ledger';

const control = {
  scaleEvents: 3,
  oscillations: 1,
  lastScaleEventAtSecond: 42,
  replicaSeconds: 7,
  peakReplicas: 2,
};

describe('MessageLedger', () => {
  test('a worked FIFO: 10 waiting, 5 arrive, pods fetch 4 a second, 2 s in flight, 1 taken externally', () => {
    const ledger = new MessageLedger(10, 2, 3);
    expect(ledger.backlog).toBe(10);
    // [0, 1): 15 wait (arrived at 0); pods fetch 4 (in flight until 3), the external drain acks 1; all waited 1 s.
    ledger.advance(0, 1, 5, 4, 1);
    expect([ledger.waitingMessages, ledger.inflightMessages, ledger.backlog]).toEqual([10, 4, 14]);
    // [1, 2): 4 more fetched (until 4), waited 2 s; nothing acked yet. The backlog stays 14: no new peak.
    ledger.advance(1, 1, 0, 4, 0);
    expect([ledger.waitingMessages, ledger.inflightMessages]).toEqual([6, 8]);
    // [2, 3): 4 fetched (waited 3 s, until 5); the first 4 are acked at 3.
    ledger.advance(2, 1, 0, 4, 0);
    expect([ledger.waitingMessages, ledger.inflightMessages]).toEqual([2, 8]);
    // [3, 4): the last 2 fetched (waited 4 s): drained at 4.
    ledger.advance(3, 1, 0, 4, 0);
    expect([ledger.waitingMessages, ledger.inflightMessages]).toEqual([0, 6]);
    ledger.advance(4, 1, 0, 4, 0);
    ledger.advance(5, 1, 0, 4, 0);
    expect(ledger.backlog).toBe(0);
    expect(ledger.summary(control)).toStrictEqual({
      peakBacklog: 14,
      peakAtSecond: 1,
      drainSecondsAfterPeak: 3,
      // Waits: 5 × 1 s, 4 × 2 s, 4 × 3 s, 2 × 4 s; 99 % of 15 is 14.85, reached only at 4 s.
      maxWaitSeconds: 4,
      p99WaitSeconds: 4,
      waitingAtEnd: 0,
      oldestWaitingSeconds: 0,
      // The oldest message (arrived at 0) was fetched at 4: 3 s old at 3, not older than the 3 s target.
      secondsOverDrainTarget: 0,
      ...control,
      // No KEDA in a bare ledger: no idle fights.
      idleFights: 0,
      arrived: 15,
      consumed: 15,
      finalBacklog: 0,
    });
  });

  test('seconds over the drain target: the oldest waiting message older than the target at a step end', () => {
    const ledger = new MessageLedger(10, 0, 2);
    // The 10 messages of t = 0 are 1, 2, 3 s old at the ends of the steps, the last one fetched at 4.
    for (let t = 0; t < 4; t += 1) ledger.advance(t, 1, 0, 3, 0);
    // Only the end of [2, 3) counts: 3 > 2; at 4 nothing waits.
    expect(ledger.summary(control).secondsOverDrainTarget).toBe(1);
    const none = new MessageLedger(10, 0, undefined);
    for (let t = 0; t < 4; t += 1) none.advance(t, 1, 0, 3, 0);
    expect(none.summary(control).secondsOverDrainTarget).toBe(0);
  });

  test('the 99th percentile is the first wait whose cumulative share reaches 99 %', () => {
    const ledger = new MessageLedger(100, 0, undefined);
    ledger.advance(0, 1, 0, 99, 0); // 99 wait 1 s
    for (let t = 1; t < 5; t += 1) ledger.advance(t, 1, 0, 0, 0);
    ledger.advance(5, 1, 0, 1, 0); // 1 waits 6 s
    const summary = ledger.summary(control);
    // 99 of 100 is exactly 99 %: 1 s.
    expect(summary.p99WaitSeconds).toBe(1);
    expect(summary.maxWaitSeconds).toBe(6);
  });

  test('fractional waits go to the nearest second; the max keeps the exact wait', () => {
    const ledger = new MessageLedger(10, 0, undefined);
    ledger.advance(0, 1.4, 0, 10, 0);
    const summary = ledger.summary(control);
    expect(summary.p99WaitSeconds).toBe(1);
    expect(summary.maxWaitSeconds).toBe(1.4);
  });

  test('messages still waiting count with their age so far, and summary() leaves the run as it was', () => {
    const ledger = new MessageLedger(0, 0, undefined);
    ledger.advance(0, 1, 10, 4, 0); // 4 fetched after 1 s; 6 wait (from 0)
    ledger.advance(1, 1, 10, 4, 0); // 4 more of t = 0 after 2 s; 2 of t = 0 and 10 of t = 1 wait
    const expected = {
      // Waits so far: 4 × 1 s, 4 × 2 s; still waiting at 2: 2 aged 2 s, 10 aged 1 s. 99 % of 20 = 19.8: 2 s.
      maxWaitSeconds: 2,
      p99WaitSeconds: 2,
      waitingAtEnd: 12,
      oldestWaitingSeconds: 2,
      finalBacklog: 12,
      arrived: 20,
      consumed: 8,
    };
    expect(ledger.summary(control)).toMatchObject(expected);
    expect(ledger.summary(control)).toMatchObject(expected);
  });

  test('drained when at most DRAINED_EPSILON waits; a new peak starts the drain clock again', () => {
    expect(DRAINED_EPSILON).toBe(0.5);
    expect(new MessageLedger(0.5, 0, undefined).summary(control).drainSecondsAfterPeak).toBe(0);
    expect(new MessageLedger(0, 0, undefined).summary(control)).toMatchObject({
      peakBacklog: 0,
      peakAtSecond: 0,
      drainSecondsAfterPeak: 0,
      p99WaitSeconds: 0,
      maxWaitSeconds: 0,
    });
    const ledger = new MessageLedger(0.6, 0, undefined);
    expect(ledger.summary(control).drainSecondsAfterPeak).toBeNull();
    ledger.advance(0, 1, 0, 0.1, 0); // 0.5 left at 1: drained, 1 s after the peak at 0
    expect(ledger.summary(control).drainSecondsAfterPeak).toBe(1);
    ledger.advance(1, 1, 5, 0, 0); // 5.5 at 2: a new peak, not drained
    expect(ledger.summary(control)).toMatchObject({
      peakBacklog: 5.5,
      peakAtSecond: 2,
      drainSecondsAfterPeak: null,
    });
    ledger.advance(2, 1, 0, 5, 0); // 0.5 at 3: drained 1 s after it
    expect(ledger.summary(control)).toMatchObject({ drainSecondsAfterPeak: 1, oldestWaitingSeconds: 0 });
    expect(ledger.summary(control).waitingAtEnd).toBeCloseTo(0.5, 12);
  });

  test('the oldest waiting age is reported once more than DRAINED_EPSILON waits', () => {
    const ledger = new MessageLedger(0.6, 0, undefined);
    ledger.advance(0, 1, 0, 0, 0);
    ledger.advance(1, 1, 0, 0, 0);
    expect(ledger.summary(control).oldestWaitingSeconds).toBe(2);
  });

  test('binary residue of a fully taken queue counts as 0', () => {
    const ledger = new MessageLedger(0, 0, undefined);
    ledger.advance(0, 1, 0.1, 0, 0);
    ledger.advance(1, 1, 0.2, 0, 0);
    // 0.1 + 0.2 = 0.30000000000000004 waiting; fetching 0.3 leaves 5.6e-17 of it, which is no message.
    ledger.advance(2, 1, 0, 0.3, 0);
    expect(ledger.waitingMessages).toBe(0);
    expect(ledger.backlog).toBe(0);
  });
});

describe('MessageLedger: empty and negligible arrivals', () => {
  test('no message arriving leaves no bucket behind: nothing waits, nothing is over a 0.5 s target', () => {
    const ledger = new MessageLedger(0, 0, 0.5);
    for (let t = 0; t < 3; t += 1) ledger.advance(t, 1, 0, 0, 0);
    expect(ledger.summary(control)).toMatchObject({ secondsOverDrainTarget: 0, maxWaitSeconds: 0 });
  });

  test('a residue of 1e-10 message is no message: no wait, nothing waiting at the end', () => {
    const ledger = new MessageLedger(0, 0, undefined);
    ledger.advance(0, 1, 1e-10, 0, 0);
    expect(ledger.summary(control)).toMatchObject({ maxWaitSeconds: 0, waitingAtEnd: 0, finalBacklog: 0 });
  });
});
