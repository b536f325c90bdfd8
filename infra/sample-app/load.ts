/**
 * The load generator: sends messages to one topic at a fixed rate, for a duration or a count, with a
 * progress line while it runs and a summary at the end.
 */
import * as fs from 'node:fs';
import { Producer } from 'rocketmq-client-nodejs';
import type { Logger } from './log';
import { rocketMqClientLogger } from './log';

export interface LoadOptions {
  readonly endpoint: string;
  readonly topic: string;
  /** Messages per second. */
  readonly rate: number;
  /** Stop after this many seconds (when count is absent). */
  readonly durationSeconds: number;
  /** Stop after this many messages. @default rate × duration */
  readonly count?: number;
  readonly tag: string;
  readonly bodyBytes: number;
  /** Sends awaiting their receipt at once. */
  readonly concurrency: number;
  readonly username?: string;
  readonly password?: string;
  /** Write each sent message id on its own line to this file. @default none */
  readonly idsFile?: string;
}

export interface LoadSummary {
  readonly sent: number;
  readonly failed: number;
  readonly elapsedSeconds: number;
  /** sent / elapsedSeconds. */
  readonly achievedRate: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function formatProgress(sent: number, failed: number, elapsedSeconds: number, target: number): string {
  const rate = elapsedSeconds > 0 ? sent / elapsedSeconds : 0;
  return `load: ${sent}/${target} sent, ${failed} failed, ${rate.toFixed(1)} msg/s, ${elapsedSeconds.toFixed(1)} s`;
}

export function formatSummary(summary: LoadSummary): string {
  return (
    `load: done: sent ${summary.sent}, failed ${summary.failed}, ` +
    `${summary.elapsedSeconds.toFixed(1)} s, achieved ${summary.achievedRate.toFixed(1)} msg/s`
  );
}

export async function runLoad(
  options: LoadOptions,
  logger: Logger,
  progress: (line: string) => void,
): Promise<LoadSummary> {
  const producer = new Producer({
    endpoints: options.endpoint,
    namespace: '',
    topic: options.topic,
    logger: rocketMqClientLogger(logger),
    ...(options.username !== undefined &&
      options.password !== undefined && {
        sessionCredentials: { accessKey: options.username, accessSecret: options.password },
      }),
  });
  await producer.startup();
  const ids = options.idsFile === undefined ? undefined : fs.openSync(options.idsFile, 'w');
  const target = options.count ?? Math.round(options.rate * options.durationSeconds);
  const body = Buffer.alloc(options.bodyBytes, 'x');
  const pending = new Set<Promise<void>>();
  let sent = 0;
  let failed = 0;
  let firstError: string | undefined;
  const started = Date.now();
  const elapsed = (): number => (Date.now() - started) / 1000;
  const ticker = setInterval(() => progress(formatProgress(sent, failed, elapsed(), target)), 1000);
  try {
    for (let i = 0; i < target; i += 1) {
      if (options.count === undefined && elapsed() >= options.durationSeconds) break;
      const due = started + (i * 1000) / options.rate;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      while (pending.size >= options.concurrency) await Promise.race(pending);
      const send = producer
        .send({ topic: options.topic, tag: options.tag, keys: [`load-${started}-${i}`], body })
        .then(
          (receipt) => {
            sent += 1;
            if (ids !== undefined) fs.writeSync(ids, `${receipt.messageId}\n`);
          },
          (error: Error) => {
            failed += 1;
            firstError ??= error.message;
          },
        );
      pending.add(send);
      void send.finally(() => pending.delete(send));
    }
    await Promise.all(pending);
  } finally {
    clearInterval(ticker);
    if (ids !== undefined) fs.closeSync(ids);
    await producer.shutdown().catch(() => undefined);
  }
  if (firstError !== undefined) logger.warn('sends failed', { failed, firstError });
  const elapsedSeconds = elapsed();
  return { sent, failed, elapsedSeconds, achievedRate: elapsedSeconds > 0 ? sent / elapsedSeconds : 0 };
}
