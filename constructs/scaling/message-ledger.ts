import type { ScaleEventStats } from './scale-events';
import type { SimulationSummary } from './simulation-types';

/** Below this many messages the backlog counts as drained. */
export const DRAINED_EPSILON = 0.5;

/**
 * FIFO of messages as (second, count) buckets: waiting messages keyed by arrival (for exact per-message
 * waits), in-flight messages keyed by the second their ack is due. The buckets live in two typed arrays used as
 * a queue (head to tail), compacted and grown in place: a simulation adds two buckets a step, and no step
 * allocates.
 */
class MessageFifo {
  private ats: Float64Array = new Float64Array(256);
  private counts: Float64Array = new Float64Array(256);
  private head = 0;
  private tail = 0;
  total = 0;

  add(at: number, count: number): void {
    if (count <= 0) return;
    const last = this.tail - 1;
    if (last >= this.head && this.ats[last] === at) this.counts[last] += count;
    else {
      if (this.tail === this.ats.length) this.makeRoom();
      this.ats[this.tail] = at;
      this.counts[this.tail] = count;
      this.tail += 1;
    }
    this.total += count;
  }

  /** Moves the buckets to the front of the arrays, doubled first when the buckets fill more than half. */
  private makeRoom(): void {
    const held = this.tail - this.head;
    const size = held * 2 > this.ats.length ? this.ats.length * 2 : this.ats.length;
    this.ats = moved(this.ats, this.head, this.tail, size);
    this.counts = moved(this.counts, this.head, this.tail, size);
    this.head = 0;
    this.tail = held;
  }

  /**
   * Removes up to `count` of the oldest messages keyed at or before `until`, reporting each bucket's key
   * through `onTaken`; returns how many were removed.
   */
  take(count: number, until = Infinity, onTaken?: (at: number, messages: number) => void): number {
    let removed = 0;
    while (removed < count && this.head < this.tail && this.ats[this.head] <= until) {
      const taken = Math.min(this.counts[this.head], count - removed);
      this.counts[this.head] -= taken;
      removed += taken;
      this.total -= taken;
      onTaken?.(this.ats[this.head], taken);
      if (this.counts[this.head] <= 1e-9) this.head += 1;
    }
    if (this.total < 1e-9) this.total = 0;
    return removed;
  }

  /** Each bucket still held, oldest first. */
  forEach(fn: (at: number, count: number) => void): void {
    for (let i = this.head; i < this.tail; i += 1) {
      if (this.counts[i] > 1e-9) fn(this.ats[i], this.counts[i]);
    }
  }

  oldestAt(): number | undefined {
    return this.head < this.tail ? this.ats[this.head] : undefined;
  }
}

/** `array[from, to)` at the front of an array of `size` elements: `array` itself when the size stays. */
function moved(array: Float64Array, from: number, to: number, size: number): Float64Array {
  if (size === array.length) return array.copyWithin(0, from, to);
  const grown = new Float64Array(size);
  grown.set(array.subarray(from, to));
  return grown;
}

/** Weighted wait histogram at 1 s resolution. */
class WaitHistogram {
  /** Messages by wait rounded to the second; dense, since waits never exceed the simulated duration. */
  private readonly counts: number[] = [];
  private total = 0;
  max = 0;

  add(waitSeconds: number, messages: number): void {
    const key = Math.max(0, Math.round(waitSeconds));
    while (this.counts.length <= key) this.counts.push(0);
    this.counts[key] += messages;
    this.total += messages;
    if (waitSeconds > this.max) this.max = waitSeconds;
  }

  /** A copy, so the messages still waiting at the end can join it without changing the run's own. */
  clone(): WaitHistogram {
    const copy = new WaitHistogram();
    copy.counts.push(...this.counts);
    copy.total = this.total;
    copy.max = this.max;
    return copy;
  }

  quantile(q: number): number {
    if (this.total === 0) return 0;
    const target = q * this.total;
    let seen = 0;
    for (let key = 0; key < this.counts.length; key += 1) {
      seen += this.counts[key];
      if (seen >= target) return key;
    }
    return this.max;
  }
}

/** What happens to the messages, step by step: shared by `simulate` and `simulateOracle`. */
export class MessageLedger {
  private readonly waiting = new MessageFifo();
  /** Keyed by the second the ack is due. */
  private readonly inflight = new MessageFifo();
  private readonly waits = new WaitHistogram();
  private arrived: number;
  private consumed = 0;
  private peak: { value: number; at: number };
  private drainedAt: number | null;
  private secondsOver = 0;
  /** End of the step being advanced, for the waits of the messages it takes. */
  private now = 0;
  private readonly recordWait = (at: number, messages: number): void =>
    this.waits.add(this.now - at, messages);

  constructor(
    initialBacklog: number,
    private readonly processingSeconds: number,
    private readonly targetDrainSeconds: number | undefined,
  ) {
    this.waiting.add(0, initialBacklog);
    this.arrived = initialBacklog;
    this.peak = { value: initialBacklog, at: 0 };
    this.drainedAt = initialBacklog <= DRAINED_EPSILON ? 0 : null;
  }

  /** Ready + in-flight: what the backlog query returns. */
  get backlog(): number {
    return this.waiting.total + this.inflight.total;
  }

  get inflightMessages(): number {
    return this.inflight.total;
  }

  get waitingMessages(): number {
    return this.waiting.total;
  }

  /**
   * One step [t, t + step): `arriving` messages join the queue; the pods fetch up to `podCapacity` (in flight
   * until `processingSeconds` later), the external consumer takes up to `externalCapacity` (acked at once);
   * acks that are due leave the backlog.
   */
  advance(t: number, step: number, arriving: number, podCapacity: number, externalCapacity: number): void {
    const now = t + step;
    this.waiting.add(t, arriving);
    this.arrived += arriving;
    this.now = now;
    const fetched = this.waiting.take(podCapacity, Infinity, this.recordWait);
    if (this.processingSeconds === 0) {
      // Acked as fetched: the in-flight fifo would take back at once what it was given (it is empty between
      // steps), and the sum is the same in the same order.
      if (externalCapacity > 0)
        this.consumed += this.waiting.take(externalCapacity, Infinity, this.recordWait);
      this.consumed += fetched;
    } else {
      this.inflight.add(now + this.processingSeconds, fetched);
      this.consumed += this.waiting.take(externalCapacity, Infinity, this.recordWait);
      this.consumed += this.inflight.take(Infinity, now);
    }

    const backlog = this.backlog;
    if (backlog > this.peak.value) {
      this.peak = { value: backlog, at: now };
      this.drainedAt = null;
    }
    if (this.drainedAt === null && this.waiting.total <= DRAINED_EPSILON) this.drainedAt = now;
    const oldest = this.waiting.oldestAt();
    if (
      this.targetDrainSeconds !== undefined &&
      oldest !== undefined &&
      now - oldest > this.targetDrainSeconds
    ) {
      this.secondsOver += step;
    }
  }

  summary(
    control: ScaleEventStats & {
      readonly replicaSeconds: number;
      readonly peakReplicas: number;
      /** @default 0 (an oracle or a ledger without KEDA has none) */
      readonly idleFights?: number;
    },
  ): SimulationSummary {
    // Messages still waiting count with their age so far: the waits are then lower bounds, not a flattering
    // statistic of the messages that happened to be consumed.
    const waits = this.waits.clone();
    let unfinished = 0;
    this.waiting.forEach((at, count) => {
      waits.add(this.now - at, count);
      unfinished += count;
    });
    const oldest = this.waiting.oldestAt();
    return {
      peakBacklog: this.peak.value,
      peakAtSecond: this.peak.at,
      drainSecondsAfterPeak: this.drainedAt === null ? null : this.drainedAt - this.peak.at,
      maxWaitSeconds: waits.max,
      p99WaitSeconds: waits.quantile(0.99),
      waitingAtEnd: unfinished,
      oldestWaitingSeconds: oldest === undefined || unfinished <= DRAINED_EPSILON ? 0 : this.now - oldest,
      secondsOverDrainTarget: this.secondsOver,
      ...control,
      idleFights: control.idleFights ?? 0,
      arrived: this.arrived,
      consumed: this.consumed,
      finalBacklog: this.backlog,
    };
  }
}
