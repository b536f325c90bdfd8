/** What the writes of a replica count cost: churn (restarts and rebalances of the consumer group). */
export interface ScaleEventStats {
  /** Writes of a new replica count. */
  readonly scaleEvents: number;
  /** Scale-ups that undo a scale-down within `windowSeconds` of it: flapping. */
  readonly oscillations: number;
  /** Second of the last write; null if the count never changed. */
  readonly lastScaleEventAtSecond: number | null;
}

/** Records replica writes and counts the flaps: a scale-down undone by a scale-up within the window. */
export class ScaleEventLog {
  private events = 0;
  private flaps = 0;
  private lastAt: number | null = null;
  private lastDownAt: number | null = null;

  constructor(private readonly windowSeconds: number) {}

  /** Records a write at second `t` from `from` to `to` replicas; no event when they are equal. */
  record(t: number, from: number, to: number): void {
    if (to === from) return;
    this.events += 1;
    this.lastAt = t;
    if (to < from) {
      this.lastDownAt = t;
    } else if (this.lastDownAt !== null && t - this.lastDownAt <= this.windowSeconds) {
      this.flaps += 1;
      // One flap per scale-down: a second step up after the same scale-down is the same flap.
      this.lastDownAt = null;
    }
  }

  /** The counts so far. */
  stats(): ScaleEventStats {
    return { scaleEvents: this.events, oscillations: this.flaps, lastScaleEventAtSecond: this.lastAt };
  }
}
