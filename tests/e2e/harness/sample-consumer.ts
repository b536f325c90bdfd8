/**
 * The sample app (infra/sample-app/main.ts) as the e2e suites run it: consumers started as real processes, the
 * load generator's CLI, and the consumers' JSON log lines read back.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CONSUMER_ENV } from '../../../constructs/shared/consumer-contract';
import { startProcess, type Started } from './processes';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(ROOT, 'infra', 'sample-app', 'main.ts');

/** One JSON log line of the consumer: its message and the fields the suites read. */
export interface LogLine {
  readonly msg: string;
  readonly level?: string;
  readonly messageId?: string;
  readonly key?: string;
  readonly attempt?: number;
  readonly retryInMs?: number;
  readonly waitMs?: number;
  readonly port?: number;
  readonly inFlight?: number;
  readonly finished?: number;
  readonly unfinished?: number;
  readonly elapsedMs?: number;
  readonly time?: string;
}

export function logLines(log: string): LogLine[] {
  return log
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

export interface SampleConsumerOptions {
  readonly endpoint: string;
  readonly topic: string;
  readonly consumerGroup: string;
  readonly username: string;
  readonly password: string;
  readonly graceSeconds: number;
  /** SAMPLE_* knobs. */
  readonly sample?: Readonly<Record<string, string>>;
}

/**
 * A consumer process: node with tsx's loader in-process, not the tsx CLI: the CLI's parent relays SIGTERM and
 * SIGKILLs the child when it does not confirm within 30 ms (tsx dist/cli.mjs relaySignals), which a loaded
 * machine misses, so the drain under test would be cut short. The image runs plain node, exec form, too.
 */
export function startSampleConsumer(options: SampleConsumerOptions): Started {
  return startProcess(process.execPath, ['--import', 'tsx', MAIN, 'consumer'], {
    cwd: ROOT,
    env: {
      ...process.env,
      [CONSUMER_ENV.endpoint]: options.endpoint,
      [CONSUMER_ENV.topic]: options.topic,
      [CONSUMER_ENV.consumerGroup]: options.consumerGroup,
      [CONSUMER_ENV.username]: options.username,
      [CONSUMER_ENV.password]: options.password,
      [CONSUMER_ENV.shutdownGraceSeconds]: String(options.graceSeconds),
      [CONSUMER_ENV.httpPort]: '0',
      SAMPLE_HTTP_HOST: '127.0.0.1',
      SAMPLE_LOG_EACH_MESSAGE: 'true',
      ...options.sample,
    },
  });
}

/** The consumer's HTTP port, once it has logged it. */
export function httpPort(consumer: Started): number | undefined {
  return logLines(consumer.output()).find((l) => l.msg === 'http listening')?.port;
}

export interface LoadOptions {
  readonly endpoint: string;
  readonly topic: string;
  readonly username: string;
  readonly password: string;
  readonly count: number;
  readonly idsFile: string;
  /** @default load */
  readonly tag?: string;
  /** @default 500 */
  readonly rate?: number;
}

/** The load command's arguments after the entry, and its environment: what runLoad and startLoad share. */
function loadCommand(options: LoadOptions & { readonly concurrency?: number }): {
  args: string[];
  env: NodeJS.ProcessEnv;
} {
  return {
    args: [
      'load',
      '--topic',
      options.topic,
      '--count',
      String(options.count),
      '--rate',
      String(options.rate ?? 500),
      '--tag',
      options.tag ?? 'load',
      '--ids-file',
      options.idsFile,
      ...(options.concurrency === undefined ? [] : ['--concurrency', String(options.concurrency)]),
    ],
    env: {
      ...process.env,
      [CONSUMER_ENV.endpoint]: options.endpoint,
      [CONSUMER_ENV.username]: options.username,
      [CONSUMER_ENV.password]: options.password,
    },
  };
}

/** `npm run load` once, to the end; returns its stdout (the summary line). */
export function runLoad(options: LoadOptions): { stdout: string; stderr: string; status: number | null } {
  const { args, env } = loadCommand(options);
  const result = spawnSync(TSX, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

export interface LoadProcessOptions extends LoadOptions {
  /** Sends awaiting their receipt at once. @default the load generator's (64) */
  readonly concurrency?: number;
}

/**
 * `npm run load` as a background process (runLoad blocks the event loop, which a test that watches the API
 * server meanwhile cannot afford). Its progress line on stderr, once a second, carries the messages sent so far.
 */
export function startLoad(options: LoadProcessOptions): Started {
  const { args, env } = loadCommand(options);
  return startProcess(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env });
}
