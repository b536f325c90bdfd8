/** Thin helpers over rocketmq-client-nodejs for the tests, with the client's log captured, not written to ~/logs. */
import { format } from 'node:util';
import { type MessageView, Producer, SimpleConsumer } from 'rocketmq-client-nodejs';
import type { Account } from './stack-plan';

export interface CapturedLogger {
  readonly lines: string[];
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

export function capturedLogger(): CapturedLogger {
  const lines: string[] = [];
  const push = (...args: unknown[]): void => {
    lines.push(format(...args));
  };
  return { lines, info: push, warn: push, error: push, debug: () => undefined };
}

/** Starts a client; one that fails to start is shut down, so its timers do not outlive the test. */
async function started(client: Producer | SimpleConsumer): Promise<void> {
  try {
    await client.startup();
  } catch (error) {
    await client.shutdown().catch(() => undefined);
    throw error;
  }
}

/** Resolves to the error of `work`, or undefined when it succeeds. */
export async function failureOf(work: () => Promise<unknown>): Promise<Error | undefined> {
  try {
    await work();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

/** The message of an error with its causes, as the client nests them. */
export function describeError(error: Error | undefined): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(current.message);
    current = (current as Error & { cause?: unknown }).cause;
  }
  return parts.join(' <- ');
}

const credentials = (account: Account) => ({ accessKey: account.username, accessSecret: account.password });

export async function producer(
  endpoint: string,
  account: Account,
  topic: string,
  logger = capturedLogger(),
): Promise<Producer> {
  const p = new Producer({
    endpoints: endpoint,
    namespace: '',
    topic,
    sessionCredentials: credentials(account),
    logger,
  });
  await started(p);
  return p;
}

/** Sends `count` messages; FIFO topics need a message group (the client refuses a send without one). */
export async function sendMany(
  p: Producer,
  topic: string,
  count: number,
  { tag = 'test', fifo = false }: { tag?: string; fifo?: boolean } = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 50) {
    const batch = Array.from({ length: Math.min(50, count - start) }, (_, i) =>
      p.send({ topic, tag, body: Buffer.from(`m-${start + i}`), ...(fifo && { messageGroup: 'test' }) }),
    );
    for (const receipt of await Promise.all(batch)) ids.push(receipt.messageId);
  }
  return ids;
}

export async function simpleConsumer(
  endpoint: string,
  account: Account,
  topic: string,
  group: string,
  logger = capturedLogger(),
  awaitSeconds = 5,
): Promise<SimpleConsumer> {
  const c = new SimpleConsumer({
    endpoints: endpoint,
    namespace: '',
    consumerGroup: group,
    subscriptions: new Map([[topic, '*']]),
    sessionCredentials: credentials(account),
    awaitDuration: awaitSeconds * 1000,
    logger,
  });
  await started(c);
  return c;
}

/** Receives until `count` messages are held or `timeoutMs` passes; acks them when `ack` is set. */
export async function receive(
  c: SimpleConsumer,
  count: number,
  {
    ack,
    invisibleMs = 60_000,
    timeoutMs = 30_000,
  }: { ack: boolean; invisibleMs?: number; timeoutMs?: number },
): Promise<MessageView[]> {
  const got: MessageView[] = [];
  const deadline = Date.now() + timeoutMs;
  while (got.length < count && Date.now() < deadline) {
    const batch = await c.receive(Math.min(32, count - got.length), invisibleMs);
    for (const m of batch) {
      got.push(m);
      if (ack) await c.ack(m);
    }
  }
  return got;
}

/** Receives and acks until every id in `ids` has been seen (older messages of the group are acked too). */
export async function receiveIds(
  c: SimpleConsumer,
  ids: readonly string[],
  timeoutMs = 60_000,
): Promise<Set<string>> {
  const wanted = new Set(ids);
  const seen = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  while ([...wanted].some((id) => !seen.has(id)) && Date.now() < deadline) {
    for (const m of await c.receive(32, 60_000)) {
      seen.add(m.messageId);
      await c.ack(m);
    }
  }
  return seen;
}
