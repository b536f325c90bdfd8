import { requireNonNegative, requirePositive } from './guards';

// Timeouts of the official 5.x Node.js client, apache/rocketmq-clients nodejs (rocketmq-client-nodejs 1.0.7):
/** BaseClient constructor: `requestTimeout` default 3000 ms (ack, notifyClientTermination, every unary call). */
export const CLIENT_REQUEST_TIMEOUT_SECONDS = 3;
/**
 * SimpleConsumer constructor: `awaitDuration` default 30000 ms; PushConsumer's PushSubscriptionSettings
 * `longPollingTimeout` default 30000 ms. Consumer.receiveMessage waits up to requestTimeout + this.
 */
export const CLIENT_RECEIVE_WAIT_SECONDS = 30;
/**
 * Messages a consumer holds received but not yet acknowledged, beyond the one being processed: what it
 * prefetches or caches, which the broker counts as in flight. Until the real-broker measurement of the sample
 * consumer (issue 10) replaces it, one SimpleConsumer batch: SimpleConsumer.receive `maxMessageNum` default 10.
 */
export const DEFAULT_HELD_MESSAGES_PER_POD = 10;
/** Seconds for the kubelet's SIGTERM delivery and the process exit after the client has shut down. */
export const CONSUMER_SHUTDOWN_MARGIN_SECONDS = 5;

/** What consumerShutdownSeconds derives a consumer pod's grace period from. */
export interface ConsumerShutdownInput {
  /** Longest time one message takes to handle. */
  readonly maxProcessingSeconds: number;
  /** Messages per second one pod handles; the held messages drain at this rate. @default none: not counted */
  readonly messagesPerSecondPerPod?: number;
  /** Messages a pod holds received (prefetch, cache, batch). @default DEFAULT_HELD_MESSAGES_PER_POD */
  readonly heldMessagesPerPod?: number;
}

/**
 * Seconds a consumer pod needs from SIGTERM to exit without losing work, for `terminationGracePeriodSeconds`:
 * an outstanding receive may still return a batch (receive wait + request timeout), the pod then handles what it
 * holds at its rate (held / messagesPerSecondPerPod) and the slowest message (maxProcessingSeconds), acks and
 * tells the broker it leaves (request timeout), plus CONSUMER_SHUTDOWN_MARGIN_SECONDS; rounded up to whole seconds.
 */
export function consumerShutdownSeconds(input: ConsumerShutdownInput): number {
  const maxProcessing = requirePositive('maxProcessingSeconds', input.maxProcessingSeconds);
  const held = requireNonNegative(
    'heldMessagesPerPod',
    input.heldMessagesPerPod ?? DEFAULT_HELD_MESSAGES_PER_POD,
  );
  const rate =
    input.messagesPerSecondPerPod === undefined
      ? undefined
      : requirePositive('messagesPerSecondPerPod', input.messagesPerSecondPerPod);
  const drainHeld = rate === undefined ? 0 : held / rate;
  return Math.ceil(
    CLIENT_RECEIVE_WAIT_SECONDS +
      CLIENT_REQUEST_TIMEOUT_SECONDS +
      drainHeld +
      maxProcessing +
      CLIENT_REQUEST_TIMEOUT_SECONDS +
      CONSUMER_SHUTDOWN_MARGIN_SECONDS -
      1e-9,
  );
}
