/**
 * The consumer's configuration, read only from the environment: the variables ConsumerWorkload sets
 * (constructs/shared/consumer-contract.ts) plus the SAMPLE_* knobs of the simulated work.
 */
import { CONSUMER_ENV } from '../../constructs/shared';
import { mustBe, parseDecimal } from '../shared/numeric-flag';
import { type LogLevel, parseLogLevel } from './log';
import { CONSUMER_NUMERIC_ENV } from './ranges';

/** Kubernetes' default terminationGracePeriodSeconds (Source: k8s.io/api core/v1 types.go, PodSpec). */
export const DEFAULT_GRACE_SECONDS = 30;
export const DEFAULT_HTTP_PORT = 8080;
/** Paths of the HTTP contract; ConsumerWorkload's probe defaults must match them (tests/sample-app). */
export const HTTP_PATHS = { liveness: '/livez', readiness: '/readyz', metrics: '/metrics' } as const;
/** Time kept back from the grace period for the client's shutdown and the process exit. */
export const EXIT_RESERVE_MS = 2000;
// Source: apache/rocketmq proxy ProxyConfig grpcClientConsumerLongPollingBatchSize (32): the proxy caps a batch.
export const MAX_BATCH = 32;

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
    logEachMessage: logEach === 'true',
    logLevel,
  };
}
