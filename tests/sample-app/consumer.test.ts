/**
 * SampleConsumer on a fake client, for the paths a broker rarely shows: an ack that fails, a receive that
 * throws, a drain with nothing in flight, a receive that returns during the drain. The fake answers as
 * rocketmq-client-nodejs 1.0.8's SimpleConsumer does: receive resolves with the messages (an empty array after
 * the long-polling wait) or rejects; ack and changeInvisibleDuration resolve or reject.
 */
import { consumerConfigFromEnv, type ConsumerConfig } from '../../infra/sample-app/config';
import { type ConsumerClient, type ReceivedMessage, SampleConsumer } from '../../infra/sample-app/consumer';
import type { Logger } from '../../infra/sample-app/log';
import { consumerMetrics } from '../../infra/sample-app/metrics';

interface Line {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

function recordingLogger(): Logger & { lines: Line[]; msgs(): string[] } {
  const lines: Line[] = [];
  const at =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}): void => {
      lines.push({ level, msg, fields });
    };
  return {
    lines,
    msgs: () => lines.map((l) => l.msg),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Each receive takes the next scripted answer; past the script it long-polls: [] after 20 ms unless answered. */
class FakeClient implements ConsumerClient {
  readonly calls: string[] = [];
  readonly receives: number[] = [];
  readonly acks: string[] = [];
  readonly invisible: [string, number][] = [];
  pendingReceive?: Deferred<ReceivedMessage[]>;
  constructor(
    private readonly script: (() => Promise<ReceivedMessage[]>)[],
    private readonly ackError?: (message: ReceivedMessage) => Error | undefined,
  ) {}
  startup(): Promise<void> {
    this.calls.push('startup');
    return Promise.resolve();
  }
  receive(maxMessageNum: number): Promise<ReceivedMessage[]> {
    this.receives.push(maxMessageNum);
    const next = this.script.shift();
    if (next !== undefined) return next();
    const pending = deferred<ReceivedMessage[]>();
    this.pendingReceive = pending;
    setTimeout(() => pending.resolve([]), 20);
    return pending.promise;
  }
  ack(message: ReceivedMessage): Promise<void> {
    const error = this.ackError?.(message);
    if (error !== undefined) return Promise.reject(error);
    this.acks.push(message.messageId);
    return Promise.resolve();
  }
  changeInvisibleDuration(message: ReceivedMessage, ms: number): Promise<void> {
    this.invisible.push([message.messageId, ms]);
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    this.calls.push('shutdown');
    return Promise.resolve();
  }
}

const message = (id: string, over: Partial<ReceivedMessage> = {}): ReceivedMessage => ({
  messageId: id,
  keys: [`key-${id}`],
  body: Buffer.alloc(16),
  deliveryAttempt: 1,
  ...over,
});
const batch =
  (...messages: ReceivedMessage[]) =>
  (): Promise<ReceivedMessage[]> =>
    Promise.resolve(messages);
const failing = (text: string) => (): Promise<ReceivedMessage[]> => Promise.reject(new Error(text));

const config = (env: Record<string, string> = {}): ConsumerConfig =>
  consumerConfigFromEnv({
    ROCKETMQ_ENDPOINT: '127.0.0.1:8081',
    ROCKETMQ_TOPIC: 'orders',
    ROCKETMQ_CONSUMER_GROUP: 'order-fulfilment',
    CONSUMER_SHUTDOWN_GRACE_SECONDS: '10',
    SAMPLE_PROCESSING_MS: '0',
    SAMPLE_CONCURRENCY: '4',
    ...env,
  });

/** Lets every settled promise's callbacks run (the fake client answers at once). */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 100; i += 1) await Promise.resolve();
};

/** A drain under fake timers: the receive in progress ends its 20 ms long poll. */
async function drainWithFakeTimers(consumer: SampleConsumer) {
  const draining = consumer.drain();
  await jest.advanceTimersByTimeAsync(20);
  return draining;
}

function setUp(
  client: FakeClient,
  options: {
    env?: Record<string, string>;
    work?: (m: ReceivedMessage) => Promise<void>;
    random?: () => number;
  } = {},
) {
  const logger = recordingLogger();
  const metrics = consumerMetrics();
  const fatal: Error[] = [];
  const consumer = new SampleConsumer(config(options.env), logger, metrics, {
    createClient: () => client,
    work: options.work ?? (() => Promise.resolve()),
    random: options.random ?? (() => 0),
    onFatal: (error) => fatal.push(error),
  });
  const count = async (name: string): Promise<number> =>
    (await metrics.registry.getSingleMetric(name)!.get()).values[0]?.value ?? 0;
  return { consumer, logger, metrics, fatal, count };
}

afterEach(() => {
  jest.useRealTimers();
});

describe('SampleConsumer', () => {
  test('a message whose ack fails is logged as an ack failure, not acked, and its redelivery is acked without redoing the work', async () => {
    let ackCalls = 0;
    // The first ack (delivery 1) fails; the redelivery's ack succeeds.
    const client = new FakeClient([batch(message('m1')), batch(message('m1', { deliveryAttempt: 2 }))], () =>
      (ackCalls += 1) === 1 ? new Error('DEADLINE_EXCEEDED') : undefined,
    );
    const worked: string[] = [];
    const { consumer, logger, count } = setUp(client, {
      work: (m) => {
        worked.push(m.messageId);
        return Promise.resolve();
      },
    });
    await consumer.start();
    await flush();
    expect(worked).toEqual(['m1']);
    expect(client.acks).toEqual(['m1']);
    expect(logger.lines.find((l) => l.msg === 'ack failed')?.fields).toEqual({
      messageId: 'm1',
      error: 'DEADLINE_EXCEEDED',
    });
    expect(logger.lines.find((l) => l.msg === 'duplicate skipped')?.fields).toEqual({
      messageId: 'm1',
      key: 'key-m1',
      attempt: 2,
    });
    expect(await count('sample_consumer_ack_failures_total')).toBe(1);
    expect(await count('sample_consumer_duplicates_skipped_total')).toBe(1);
    expect(await count('sample_consumer_messages_acked_total')).toBe(0);
    expect(await count('sample_consumer_messages_failed_total')).toBe(0);
    await consumer.drain();
  });

  test('a skipped duplicate whose ack fails is logged as an ack failure and the consumer goes on', async () => {
    // Delivery 1 is processed and acked; its redelivery's ack fails; then another message flows.
    let ackCalls = 0;
    const client = new FakeClient(
      [batch(message('d')), batch(message('d', { deliveryAttempt: 2 })), batch(message('e'))],
      () => ((ackCalls += 1) === 2 ? new Error('UNAVAILABLE') : undefined),
    );
    const { consumer, logger, fatal, count } = setUp(client);
    await consumer.start();
    await flush();
    expect(fatal).toEqual([]);
    expect(client.acks).toEqual(['d', 'e']);
    expect(logger.lines.filter((l) => l.msg === 'ack failed').map((l) => l.fields)).toEqual([
      { messageId: 'd', error: 'UNAVAILABLE' },
    ]);
    expect(await count('sample_consumer_duplicates_skipped_total')).toBe(0);
    expect(await count('sample_consumer_ack_failures_total')).toBe(1);
    await consumer.drain();
  });

  test('a message whose processing fails is never acked: its invisible time grows with each delivery', async () => {
    const client = new FakeClient([
      batch(message('p', { deliveryAttempt: 1 })),
      batch(message('p', { deliveryAttempt: 2 })),
      batch(message('p', { deliveryAttempt: 3 })),
    ]);
    const { consumer, logger, count } = setUp(client, {
      env: { SAMPLE_RETRY_DELAYS_SECONDS: '2,4' },
      work: () => Promise.reject(new Error('bad payload')),
    });
    await consumer.start();
    await flush();
    expect(client.acks).toEqual([]);
    // Delivery 1 → 2 s, 2 → 4 s, 3 → 4 s (the last step repeats).
    expect(client.invisible).toEqual([
      ['p', 2000],
      ['p', 4000],
      ['p', 4000],
    ]);
    expect(logger.msgs().filter((m) => m === 'processing failed')).toHaveLength(3);
    expect(logger.msgs()).not.toContain('ack failed');
    expect(logger.lines.find((l) => l.msg === 'processing failed')?.fields).toEqual({
      messageId: 'p',
      attempt: 1,
      retryInMs: 2000,
      error: 'bad payload',
    });
    expect(await count('sample_consumer_messages_failed_total')).toBe(3);
    await consumer.drain();
  });

  test("with the default schedule a failed first delivery is retried after the broker's 10 s, the second after 30 s", async () => {
    const client = new FakeClient([batch(message('p')), batch(message('p', { deliveryAttempt: 2 }))]);
    const { consumer } = setUp(client, { work: () => Promise.reject(new Error('no')) });
    await consumer.start();
    await flush();
    expect(client.invisible).toEqual([
      ['p', 10_000],
      ['p', 30_000],
    ]);
    await consumer.drain();
  });

  test('a receive that throws is retried with backoff; readiness turns 503 after 10 s of failures and 200 at the next success; liveness stays 200', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const client = new FakeClient([
      failing('UNAVAILABLE: connect ECONNREFUSED'),
      failing('UNAVAILABLE: connect ECONNREFUSED'),
      failing('UNAVAILABLE: connect ECONNREFUSED'),
      failing('UNAVAILABLE: connect ECONNREFUSED'),
      failing('UNAVAILABLE: connect ECONNREFUSED'),
      batch(message('after')),
    ]);
    // random() = 0.5: waits of 750, 1500, 3000, 6000, 7500 ms (1 s × 2^(n−1), capped at 10 s, 3/4 of it).
    const { consumer, logger } = setUp(client, { random: () => 0.5 });
    await consumer.start();
    await flush();
    expect(consumer.ready()).toBe(true);
    const waits = (): unknown[] =>
      logger.lines.filter((l) => l.msg === 'receive failed').map((l) => l.fields.waitMs);
    expect(waits()).toEqual([750]);
    await jest.advanceTimersByTimeAsync(750);
    await jest.advanceTimersByTimeAsync(1500);
    await jest.advanceTimersByTimeAsync(3000);
    // 5250 ms since the first failure.
    expect(waits()).toEqual([750, 1500, 3000, 6000]);
    expect(consumer.ready()).toBe(true);
    await jest.advanceTimersByTimeAsync(4749);
    expect(consumer.ready()).toBe(true);
    await jest.advanceTimersByTimeAsync(1);
    expect(consumer.ready()).toBe(false);
    expect(consumer.live()).toBe(true);
    await jest.advanceTimersByTimeAsync(1250);
    expect(waits()).toEqual([750, 1500, 3000, 6000, 7500]);
    expect(consumer.ready()).toBe(false);
    await jest.advanceTimersByTimeAsync(7500);
    expect(consumer.ready()).toBe(true);
    expect(client.acks).toEqual(['after']);
    expect(logger.lines.find((l) => l.msg === 'receive recovered')?.fields).toEqual({
      failures: 5,
      unreachableMs: 18_750,
    });
    // Unreachable past 10 s at the ends of the 4th and 5th waits: a fresh client each time.
    expect(logger.msgs().filter((m) => m === 'reconnected')).toHaveLength(2);
    await drainWithFakeTimers(consumer);
  });

  test('after 10 s of failed receives it replaces its client (a fresh gRPC channel) and receives on the new one', async () => {
    jest.useFakeTimers({ now: 0 });
    const down = new FakeClient(
      Array.from({ length: 5 }, () => failing('UNAVAILABLE: No connection established')),
    );
    const up = new FakeClient([batch(message('m'))]);
    const made = [down, up];
    const logger = recordingLogger();
    const consumer = new SampleConsumer(config(), logger, consumerMetrics(), {
      createClient: () => made.shift()!,
      work: () => Promise.resolve(),
      random: () => 0,
    });
    await consumer.start();
    // random() = 0: waits of 500, 1000, 2000, 4000, 5000 ms; the fifth ends 12.5 s after the first failure.
    await jest.advanceTimersByTimeAsync(12_499);
    expect(down.calls).toEqual(['startup']);
    expect(consumer.ready()).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(down.calls).toEqual(['startup', 'shutdown']);
    expect(up.calls).toEqual(['startup']);
    expect(up.acks).toEqual(['m']);
    expect(consumer.ready()).toBe(true);
    expect(logger.msgs().filter((m) => m === 'reconnected')).toHaveLength(1);
    await drainWithFakeTimers(consumer);
  });

  test('a drain with nothing in flight closes the client at once and finishes nothing', async () => {
    const client = new FakeClient([]);
    const { consumer, logger } = setUp(client);
    await consumer.start();
    await flush();
    expect(client.receives).toEqual([4]);
    const result = await consumer.drain();
    expect(result).toMatchObject({ finished: 0, unfinished: 0 });
    expect(result.elapsedMs).toBeLessThan(1000);
    expect(client.calls).toEqual(['startup', 'shutdown']);
    expect(consumer.state).toBe('stopped');
    expect(consumer.ready()).toBe(false);
    expect(client.receives).toEqual([4]);
    expect(logger.lines.filter((l) => l.msg === 'drained').map((l) => l.fields)).toEqual([result]);
  });

  test('a drain finishes and acks every message it holds before closing the client', async () => {
    const gates = new Map<string, Deferred<void>>();
    const client = new FakeClient([batch(message('a'), message('b'))]);
    const { consumer } = setUp(client, {
      work: (m) => {
        const gate = deferred<void>();
        gates.set(m.messageId, gate);
        return gate.promise;
      },
    });
    await consumer.start();
    await flush();
    const draining = consumer.drain();
    // Past the receive in progress (its 20 ms long poll): only the held work keeps the drain going now.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(consumer.ready()).toBe(false);
    expect(client.calls).toEqual(['startup']);
    gates.get('a')!.resolve();
    gates.get('b')!.resolve();
    const result = await draining;
    expect(result).toMatchObject({ finished: 2, unfinished: 0 });
    expect(client.acks).toEqual(['a', 'b']);
    expect(client.calls).toEqual(['startup', 'shutdown']);
  });

  test('a receive that returns during the drain hands over messages that are processed and acked, not dropped', async () => {
    const client = new FakeClient([]);
    const { consumer } = setUp(client);
    await consumer.start();
    await flush();
    const draining = consumer.drain();
    await flush();
    client.pendingReceive!.resolve([message('late-1'), message('late-2')]);
    const result = await draining;
    expect(result).toMatchObject({ finished: 2, unfinished: 0 });
    expect(client.acks).toEqual(['late-1', 'late-2']);
  });

  test('work that outlasts the grace period is left unfinished, unacked, and counted', async () => {
    jest.useFakeTimers({ now: 0 });
    const client = new FakeClient([batch(message('slow'))]);
    // Grace 3 s less the 2 s exit reserve: a 1 s budget.
    const { consumer, logger } = setUp(client, {
      env: { CONSUMER_SHUTDOWN_GRACE_SECONDS: '3' },
      work: () => new Promise(() => undefined),
    });
    await consumer.start();
    await flush();
    const draining = consumer.drain();
    await jest.advanceTimersByTimeAsync(1000);
    const result = await draining;
    expect(result).toEqual({ finished: 0, unfinished: 1, elapsedMs: 1000 });
    expect(client.acks).toEqual([]);
    expect(logger.msgs()).toContain('grace period ending: unfinished messages are left for redelivery');
  });

  test('a receive never asks for more bodies than fit SAMPLE_MAX_HELD_BYTES at 4 MiB each', async () => {
    const MiB = 1024 * 1024;
    const gate = deferred<void>();
    // 9 MiB: two largest bodies fit; while a 3 MiB body is held, only one more does (9 − 3 = 6 MiB).
    const client = new FakeClient([batch(message('big', { body: Buffer.alloc(3 * MiB) }))]);
    const { consumer } = setUp(client, {
      env: { SAMPLE_CONCURRENCY: '16', SAMPLE_MAX_HELD_BYTES: String(9 * MiB) },
      work: () => gate.promise,
    });
    await consumer.start();
    await flush();
    expect(client.receives).toEqual([2, 1]);
    gate.resolve();
    await consumer.drain();
  });

  test('the idempotency window forgets the oldest key past SAMPLE_DEDUP_KEYS', async () => {
    const client = new FakeClient([
      batch(message('a')),
      batch(message('b')),
      batch(message('c')),
      batch(message('a2', { keys: ['key-a'] })),
      batch(message('c2', { keys: ['key-c'] })),
    ]);
    const worked: string[] = [];
    const { consumer, count } = setUp(client, {
      env: { SAMPLE_DEDUP_KEYS: '2' },
      work: (m) => {
        worked.push(m.messageId);
        return Promise.resolve();
      },
    });
    await consumer.start();
    await flush();
    // key-a was pushed out by key-c, so a2 is worked again; key-c is still in the window.
    expect(worked).toEqual(['a', 'b', 'c', 'a2']);
    expect(client.acks).toEqual(['a', 'b', 'c', 'a2', 'c2']);
    expect(await count('sample_consumer_duplicates_skipped_total')).toBe(1);
    await consumer.drain();
  });

  test('a failure of the receive loop itself is reported as fatal, not left as an unhandled rejection', async () => {
    // A receive that resolves with no array: iterating it throws inside the loop.
    const client = new FakeClient([() => Promise.resolve(undefined as unknown as ReceivedMessage[])]);
    const { consumer, fatal, logger } = setUp(client);
    await consumer.start();
    await flush();
    expect(fatal.map((e) => e.constructor.name)).toEqual(['TypeError']);
    expect(logger.lines.find((l) => l.msg === 'receive loop failed')?.level).toBe('error');
  });

  test('a startup that fails is retried with backoff, not ready but alive meanwhile', async () => {
    jest.useFakeTimers({ now: 0 });
    let attempts = 0;
    const client = new FakeClient([]);
    const flaky: ConsumerClient = {
      ...client,
      receive: (n) => client.receive(n),
      ack: (m) => client.ack(m),
      changeInvisibleDuration: (m, ms) => client.changeInvisibleDuration(m, ms),
      shutdown: () => client.shutdown(),
      startup: () => {
        attempts += 1;
        return attempts < 3
          ? Promise.reject(new Error('Failed to fetch topic routes after 3 attempts'))
          : Promise.resolve();
      },
    };
    const logger = recordingLogger();
    const consumer = new SampleConsumer(config(), logger, consumerMetrics(), {
      createClient: () => flaky,
      work: () => Promise.resolve(),
      random: () => 0,
    });
    const starting = consumer.start();
    await flush();
    expect(consumer.state).toBe('starting');
    expect(consumer.ready()).toBe(false);
    expect(consumer.live()).toBe(true);
    // random() = 0: waits of 500 and 1000 ms.
    await jest.advanceTimersByTimeAsync(1500);
    await starting;
    expect(consumer.ready()).toBe(true);
    expect(logger.lines.filter((l) => l.msg === 'startup failed').map((l) => l.fields.waitMs)).toEqual([
      500, 1000,
    ]);
    await drainWithFakeTimers(consumer);
  });

  test('a drain during a startup backoff stops at once', async () => {
    jest.useFakeTimers({ now: 0 });
    const client = new FakeClient([]);
    const down: ConsumerClient = {
      ...client,
      receive: (n) => client.receive(n),
      ack: (m) => client.ack(m),
      changeInvisibleDuration: (m, ms) => client.changeInvisibleDuration(m, ms),
      shutdown: () => client.shutdown(),
      startup: () => Promise.reject(new Error('UNAVAILABLE')),
    };
    const consumer = new SampleConsumer(config(), recordingLogger(), consumerMetrics(), {
      createClient: () => down,
      random: () => 0.99,
    });
    const starting = consumer.start();
    await flush();
    expect(await consumer.drain()).toEqual({ finished: 0, unfinished: 0, elapsedMs: 0 });
    await starting;
    expect(consumer.state).toBe('stopped');
  });
});
