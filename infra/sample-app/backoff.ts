/**
 * The consumer's two waits, as pure functions of plain numbers: how long to wait before the next receive after
 * the broker failed to answer, and how long a message whose processing failed stays invisible before the
 * broker delivers it again.
 */

/** First wait after a failed receive. */
export const RECEIVE_BACKOFF_INITIAL_MS = 1000;
/** Longest wait between two receives while the broker is unreachable: it is back within this of returning. */
export const RECEIVE_BACKOFF_CAP_MS = 10_000;

/**
 * Wait before the next receive after `failures` failed receives in a row (1 = the first failure): exponential,
 * `min(cap, initial × 2^(failures − 1))`, with equal jitter, i.e. half of it fixed and half drawn from
 * `random()` in [0, 1), so the pods of a group do not all come back at the same instant and none spins.
 * Whole milliseconds, rounded down. Range: [initial / 2, cap).
 */
export function receiveBackoffMs(
  failures: number,
  random: () => number,
  initialMs = RECEIVE_BACKOFF_INITIAL_MS,
  capMs = RECEIVE_BACKOFF_CAP_MS,
): number {
  if (!Number.isInteger(failures) || failures < 1) {
    throw new RangeError(`failures (${failures}) must be an integer >= 1`);
  }
  // 2^30 × 1 s is far past any cap; the exponent is clamped so the product stays finite.
  const ceiling = Math.min(capMs, initialMs * 2 ** Math.min(failures - 1, 30));
  const draw = random();
  if (!(draw >= 0 && draw < 1)) throw new RangeError(`random() returned ${draw}; must be in [0, 1)`);
  return Math.floor(ceiling / 2 + (ceiling / 2) * draw);
}

/**
 * The broker's default retry schedule for a concurrent group, from the third step on, in seconds: 10 s, 30 s,
 * 1 min, 2 min, …, 2 h. Source: apache/rocketmq 5.3.3 remoting CustomizedRetryPolicy (`next` = 1s 5s 10s 30s 1m
 * … 2h; nextDelayDuration(reconsumeTimes) = next[reconsumeTimes + 2], the last entry once past the end). It is
 * the policy the proxy hands every group whose retry policy is not EXPONENTIAL (GrpcClientSettingsManager
 * .mergeSubscriptionData), and ApsaraMQ's documented DefaultRetryPolicy intervals.
 */
export const DEFAULT_RETRY_DELAYS_SECONDS: readonly number[] = [
  10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200,
];

/**
 * How long a message stays invisible after its processing failed on delivery `deliveryAttempt` (1 = first
 * delivery): `delays[deliveryAttempt − 1]`, the last entry once past the end. The broker counts one more
 * reconsume each time the invisible time runs out, and past the group's maxRetryTimes moves the message to
 * `%DLQ%<group>`, so the schedule only spaces the attempts; it never decides when to give up.
 */
export function retryDelayMs(deliveryAttempt: number, delaysSeconds: readonly number[]): number {
  if (!Number.isInteger(deliveryAttempt) || deliveryAttempt < 1) {
    throw new RangeError(`deliveryAttempt (${deliveryAttempt}) must be an integer >= 1`);
  }
  if (delaysSeconds.length === 0) throw new RangeError('delaysSeconds must not be empty');
  return delaysSeconds[Math.min(deliveryAttempt, delaysSeconds.length) - 1] * 1000;
}
