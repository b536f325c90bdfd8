/**
 * The consumer's configuration, read only from the environment: the variables ConsumerWorkload sets
 * (constructs/shared/consumer-contract.ts) plus the SAMPLE_* knobs of the simulated work.
 */
import { CONSUMER_ENV } from '../../constructs/shared';
import { mustBe, parseDecimal, rangeText } from '../shared/numeric-flag';
import { DEFAULT_RETRY_DELAYS_SECONDS } from './backoff';
import { type LogLevel, parseLogLevel } from './log';
import { CONSUMER_NUMERIC_ENV, RETRY_DELAY_STEP } from './ranges';

/** Kubernetes' default terminationGracePeriodSeconds (Source: k8s.io/api core/v1 types.go, PodSpec). */
export const DEFAULT_GRACE_SECONDS = 30;
export const DEFAULT_HTTP_PORT = 8080;
/** Paths of the HTTP contract; ConsumerWorkload's probe defaults must match them (tests/sample-app). */
export const HTTP_PATHS = { liveness: '/livez', readiness: '/readyz', metrics: '/metrics' } as const;
/** Time kept back from the grace period for the client's shutdown and the process exit. */
export const EXIT_RESERVE_MS = 2000;
// Source: apache/rocketmq proxy ProxyConfig grpcClientConsumerLongPollingBatchSize (32): the proxy caps a batch.
export const MAX_BATCH = 32;
/**
 * Readiness turns 503 once receives have failed for this long without one succeeding (the broker or proxy is
 * unreachable), and 200 at the next receive that succeeds. Liveness stays 200: a restart does not bring the
 * broker back.
 */
export const UNREACHABLE_NOT_READY_MS = 10_000;
/** Exit code when the drain ran out of grace period with messages unfinished (left for redelivery). */
export const EXIT_DRAIN_UNFINISHED = 3;
/** Exit code of an unhandled rejection, an uncaught exception or a receive loop that failed. */
export const EXIT_FATAL = 1;

export interface ConsumerConfig {
  readonly endpoint: string;
  readonly topic: string;
  readonly consumerGroup: string;
  readonly username?: string;
  readonly password?: string;
  readonly graceSeconds: number;
  readonly httpPort: number;
  /** Interface the HTTP server binds. @default 0.0.0.0 (the kubelet probes the pod IP) */
  readonly httpHost: string;
  /** Simulated work per message. @default 100 */
  readonly processingMs: number;
  /** Share of messages whose processing fails (left for redelivery). @default 0 */
  readonly failureRatio: number;
  /** Messages held at once; one receive asks for the free slots. @default 16 */
  readonly concurrency: number;
  /** How long a received message stays invisible to other consumers. @default 30 */
  readonly invisibleSeconds: number;
  /** Long-polling wait of one receive; bounds how long a drain waits for a receive in progress. @default 5 */
  readonly awaitSeconds: number;
  /** Messages with this tag always fail processing (a poison message, for tests). @default none */
  readonly failTag?: string;
  /**
   * Invisible time after a failed delivery n is the n-th entry (the last once past the end), in seconds.
   * @default DEFAULT_RETRY_DELAYS_SECONDS (the broker's default retry schedule: 10 s, 30 s, 1 min, … 2 h)
   */
  readonly retryDelaysSeconds: readonly number[];
  /** Receive no more than can fit this many bytes of bodies, counting each new one at 4 MiB. @default 64 MiB */
  readonly maxHeldBytes: number;
  /** Keys of processed messages remembered, to ack a redelivery without processing it again. @default 10000 */
  readonly dedupKeys: number;
  /** Log one line per acknowledged message (with its id). @default false */
  readonly logEachMessage: boolean;
  readonly logLevel: LogLevel;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The variable's number (the default when unset or empty), or a problem naming it and its range. */
function number(
  env: Env,
  name: keyof typeof CONSUMER_NUMERIC_ENV,
  fallback: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const range = CONSUMER_NUMERIC_ENV[name];
  const value = parseDecimal(raw, range);
  if (value === undefined) {
    problems.push(`${name} (${JSON.stringify(raw)}) ${mustBe(range)}`);
    return fallback;
  }
  return value;
}

/** SAMPLE_RETRY_DELAYS_SECONDS: comma-separated whole seconds, never decreasing; the default when unset. */
function retryDelays(raw: string | undefined, problems: string[]): readonly number[] {
  if (raw === undefined || raw === '') return DEFAULT_RETRY_DELAYS_SECONDS;
  const steps = raw.split(',').map((step) => parseDecimal(step, RETRY_DELAY_STEP) ?? Number.NaN);
  // NaN (a step out of range or not decimal) fails the comparison as well.
  if (!steps.every((s, i) => s >= (i === 0 ? RETRY_DELAY_STEP.min : steps[i - 1]))) {
    problems.push(
      `SAMPLE_RETRY_DELAYS_SECONDS (${JSON.stringify(raw)}) must be comma-separated steps, each ${rangeText(RETRY_DELAY_STEP)} in plain decimal digits, never decreasing`,
    );
    return DEFAULT_RETRY_DELAYS_SECONDS;
  }
  return steps;
}

/** The configuration, or a RangeError listing every problem, each naming its variable. */
export function consumerConfigFromEnv(env: Env): ConsumerConfig {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      problems.push(`${name} is required`);
      return '';
    }
    return value;
  };
  const endpoint = required(CONSUMER_ENV.endpoint);
  if (endpoint !== '' && !/^[A-Za-z0-9.-]+:[0-9]{1,5}$/.test(endpoint)) {
    problems.push(`${CONSUMER_ENV.endpoint} (${JSON.stringify(endpoint)}) must be host:port`);
  }
  const topic = required(CONSUMER_ENV.topic);
  const consumerGroup = required(CONSUMER_ENV.consumerGroup);
  const username = env[CONSUMER_ENV.username] || undefined;
  const password = env[CONSUMER_ENV.password] || undefined;
  if ((username === undefined) !== (password === undefined)) {
    problems.push(`${CONSUMER_ENV.username} and ${CONSUMER_ENV.password} must be set together`);
  }
  const graceSeconds = number(env, CONSUMER_ENV.shutdownGraceSeconds, DEFAULT_GRACE_SECONDS, problems);
  const httpPort = number(env, CONSUMER_ENV.httpPort, DEFAULT_HTTP_PORT, problems);
  const processingMs = number(env, 'SAMPLE_PROCESSING_MS', 100, problems);
  const failureRatio = number(env, 'SAMPLE_FAILURE_RATIO', 0, problems);
  const concurrency = number(env, 'SAMPLE_CONCURRENCY', 16, problems);
  const invisibleSeconds = number(env, 'SAMPLE_INVISIBLE_SECONDS', 30, problems);
  const awaitSeconds = number(env, 'SAMPLE_AWAIT_SECONDS', 5, problems);
  // 16 (the default concurrency) × 4 MiB (the largest body): the default never limits the default concurrency.
  const maxHeldBytes = number(env, 'SAMPLE_MAX_HELD_BYTES', 64 * 1024 * 1024, problems);
  const dedupKeys = number(env, 'SAMPLE_DEDUP_KEYS', 10_000, problems);
  const retryDelaysSeconds = retryDelays(env.SAMPLE_RETRY_DELAYS_SECONDS, problems);
  if (processingMs >= invisibleSeconds * 1000) {
    problems.push(
      `SAMPLE_PROCESSING_MS (${processingMs}) must be < SAMPLE_INVISIBLE_SECONDS (${invisibleSeconds}) × 1000, or every message is redelivered while in work`,
    );
  }
  let logLevel: LogLevel = 'info';
  try {
    logLevel = parseLogLevel(env.LOG_LEVEL);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const logEach = env.SAMPLE_LOG_EACH_MESSAGE ?? 'false';
  if (logEach !== 'true' && logEach !== 'false') {
    problems.push(`SAMPLE_LOG_EACH_MESSAGE (${JSON.stringify(logEach)}) must be true or false`);
  }
  if (problems.length > 0) throw new RangeError(`invalid consumer environment:\n  ${problems.join('\n  ')}`);
  return {
    endpoint,
    topic,
    consumerGroup,
    username,
    password,
    graceSeconds,
    httpPort,
    httpHost: env.SAMPLE_HTTP_HOST || '0.0.0.0',
    processingMs,
    failureRatio,
    concurrency,
    invisibleSeconds,
    awaitSeconds,
    failTag: env.SAMPLE_FAIL_TAG || undefined,
    retryDelaysSeconds,
    maxHeldBytes,
    dedupKeys,
    logEachMessage: logEach === 'true',
    logLevel,
  };
}
