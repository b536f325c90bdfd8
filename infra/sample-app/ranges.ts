/**
 * The numbers the sample app reads: `load`'s flags and the consumer's environment variables, each range once,
 * for the parsers and `--help` (infra/shared/numeric-flag.ts).
 */
import type { NumericRange } from '../shared/numeric-flag';

/** Proxy limit of a message body (Source: apache/rocketmq proxy ProxyConfig maxMessageSize, 4 MiB). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export const LOAD_NUMERIC_FLAGS = {
  '--rate': {
    min: 0,
    minExclusive: true,
    max: 100_000,
    integer: false,
    unit: 'msg/s',
    why: 'one process paces the sends; above 100,000 msg/s is a typo, not a test; a trickle (0.5/s) is a fair one',
  },
  '--duration': {
    min: 1,
    max: 86_400,
    integer: true,
    unit: 'seconds',
    why: 'a run is timed in whole seconds; a day is the longest soak the sample app is for',
  },
  '--count': {
    min: 1,
    max: 100_000_000,
    integer: true,
    unit: 'messages',
    why: '10^8 messages of the default 256 bytes is 24 GiB on the topic; more is a typo, not a test',
  },
  '--body-bytes': {
    min: 1,
    max: MAX_BODY_BYTES,
    integer: true,
    unit: 'bytes',
    why: "the proxy refuses a body above its maxMessageSize (4 MiB); an empty body is not a message's load",
  },
  '--concurrency': {
    min: 1,
    max: 10_000,
    integer: true,
    unit: 'sends',
    why: 'sends awaiting a receipt; 10,000 at once is far past what one client channel carries usefully',
  },
} as const satisfies Record<string, NumericRange>;

// Source: apache/rocketmq 5.3.3 proxy GrpcValidator.validateInvisibleTime (ChangeInvisibleDurationActivity passes
// min 0) and ProxyConfig maxInvisibleTimeMills (12 h).
/** One step of SAMPLE_RETRY_DELAYS_SECONDS. */
export const RETRY_DELAY_STEP: NumericRange = {
  min: 1,
  max: 43_200,
  integer: true,
  unit: 'seconds',
  why: 'the proxy refuses an invisible time above 12 h',
};

/**
 * The consumer's numeric variables. Names as constructs/shared/consumer-contract.ts spells them (the two it owns
 * are ConsumerWorkload's; the SAMPLE_* ones are this app's own knobs).
 */
export const CONSUMER_NUMERIC_ENV = {
  CONSUMER_SHUTDOWN_GRACE_SECONDS: {
    min: 3,
    max: 86_400 + 60,
    integer: true,
    unit: 'seconds',
    // ConsumerWorkload sets it to the pod's terminationGracePeriodSeconds: maxProcessingSeconds (<= a day) + margin.
    why: 'the drain needs a few seconds; ConsumerWorkload never sets more than a day plus its margin',
  },
  CONSUMER_HTTP_PORT: {
    min: 0,
    max: 65_535,
    integer: true,
    unit: '',
    why: 'a TCP port; 0 asks the OS for a free one (tests)',
  },
  SAMPLE_PROCESSING_MS: {
    min: 0,
    max: 3_600_000,
    integer: true,
    unit: 'ms',
    why: 'timers count whole milliseconds; an hour of work per message is past any invisible time worth testing',
  },
  SAMPLE_FAILURE_RATIO: {
    min: 0,
    max: 1,
    integer: false,
    unit: '',
    why: 'a share of the messages',
  },
  SAMPLE_CONCURRENCY: {
    min: 1,
    max: 1024,
    integer: true,
    unit: 'messages',
    why: 'messages held at once; one receive asks for the free slots',
  },
  // Source: apache/rocketmq proxy ProxyConfig minInvisibleTimeMillsForRecv (10 s) and maxInvisibleTimeMills (12 h).
  SAMPLE_INVISIBLE_SECONDS: {
    min: 10,
    max: 43_200,
    integer: true,
    unit: 'seconds',
    why: 'the proxy refuses an invisible time outside 10 s to 12 h',
  },
  // Source: apache/rocketmq proxy ProxyConfig grpcClientConsumerMin/MaxLongPollingTimeoutMillis (5 s, 20 s):
  // a shorter wait is refused ("deadline time remaining is not enough for polling").
  SAMPLE_AWAIT_SECONDS: {
    min: 5,
    max: 20,
    integer: true,
    unit: 'seconds',
    why: "the proxy's long-polling limits",
  },
  SAMPLE_MAX_HELD_BYTES: {
    min: MAX_BODY_BYTES,
    max: 64 * 1024 ** 3,
    integer: true,
    unit: 'bytes',
    why: 'message bodies held at once; one largest body (4 MiB) must fit, 64 GiB is past any pod',
  },
  SAMPLE_DEDUP_KEYS: {
    min: 0,
    max: 1_000_000,
    integer: true,
    unit: 'keys',
    why: 'keys of processed messages remembered to skip redeliveries; 0 turns it off, 10^6 keys is ~100 MB',
  },
} as const satisfies Record<string, NumericRange>;
