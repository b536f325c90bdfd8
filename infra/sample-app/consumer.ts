/**
 * The sample consumer on the official 5.x gRPC client. It uses SimpleConsumer, not PushConsumer: a
 * PushConsumer prefetches up to maxCacheMessageCount (1024 by default) messages into a local cache
 * (rocketmq-client-nodejs src/consumer/PushConsumer.ts, ProcessQueue.cacheMessages), and every cached
 * message is popped on the broker, so it counts as in flight: the autoscaler sees work that no pod is doing,
 * and a pod that stops leaves its cache invisible until the invisible duration runs out. A SimpleConsumer
 * receives only as many messages as it has free slots, so the broker's in-flight count is the work being done,
 * and a drain has only those to finish.
 */
import { type MessageView, SimpleConsumer } from 'rocketmq-client-nodejs';
import { receiveBackoffMs, retryDelayMs } from './backoff';
import { type ConsumerConfig, EXIT_RESERVE_MS, MAX_BATCH, UNREACHABLE_NOT_READY_MS } from './config';
import { type Logger, rocketMqClientLogger } from './log';
import type { ConsumerMetrics } from './metrics';
import { MAX_BODY_BYTES } from './ranges';

export type ConsumerState = 'starting' | 'ready' | 'draining' | 'stopped';

/** What a drain left: messages finished and acked, and those left for the broker to redeliver. */
export interface DrainResult {
  readonly finished: number;
  readonly unfinished: number;
  readonly elapsedMs: number;
}

/** The part of a received message the consumer reads (rocketmq-client-nodejs 1.0.8 src/message/MessageView.ts). */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly keys: readonly string[];
  readonly tag?: string;
  readonly body: Buffer;
  /** 1 on the first delivery; the proxy sends the broker's reconsumeTimes + 1. */
  readonly deliveryAttempt?: number;
}

/** The calls the consumer makes on rocketmq-client-nodejs's SimpleConsumer (1.0.8, src/consumer/SimpleConsumer.ts). */
export interface ConsumerClient {
  startup(): Promise<void>;
  receive(maxMessageNum: number, invisibleDurationMs: number): Promise<ReceivedMessage[]>;
  ack(message: ReceivedMessage): Promise<void>;
  /** Restarts the message's invisible time at `invisibleDurationMs` from now. */
  changeInvisibleDuration(message: ReceivedMessage, invisibleDurationMs: number): Promise<void>;
  shutdown(): Promise<void>;
}

/** What the consumer is given besides its configuration; tests replace the client, the work and the clock. */
export interface ConsumerDeps {
  /** A new, not yet started client. @default the official SimpleConsumer */
  readonly createClient?: (config: ConsumerConfig, logger: Logger) => ConsumerClient;
  /** Processes one message; a rejection leaves it for redelivery. @default sleep SAMPLE_PROCESSING_MS, fail SAMPLE_FAILURE_RATIO or SAMPLE_FAIL_TAG */
  readonly work?: (message: ReceivedMessage) => Promise<void>;
  /** Uniform in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Called once when the receive loop fails with an error of its own (a bug): the process must exit. */
  readonly onFatal?: (error: Error) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function officialClient(config: ConsumerConfig, logger: Logger): ConsumerClient {
  const client = new SimpleConsumer({
    endpoints: config.endpoint,
    namespace: '',
    consumerGroup: config.consumerGroup,
    subscriptions: new Map([[config.topic, '*']]),
    awaitDuration: config.awaitSeconds * 1000,
    logger: rocketMqClientLogger(logger),
    ...(config.username !== undefined &&
      config.password !== undefined && {
        sessionCredentials: { accessKey: config.username, accessSecret: config.password },
      }),
  });
  // Every message handed back came from this client's receive, so it is the client's MessageView.
  const view = (message: ReceivedMessage): MessageView => message as MessageView;
  return {
    startup: () => client.startup(),
    receive: (n, invisibleMs) => client.receive(n, invisibleMs),
    ack: (message) => client.ack(view(message)),
    changeInvisibleDuration: (message, ms) => client.changeInvisibleDuration(view(message), ms),
    shutdown: () => client.shutdown(),
  };
}

export class SampleConsumer {
  private stateValue: ConsumerState = 'starting';
  private client?: ConsumerClient;
  private loop?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();
  private finishedSinceDrain = 0;
  /** Bytes of the bodies held now. */
  private heldBytes = 0;
  /** Keys of processed messages, oldest first (a Map keeps insertion order), at most config.dedupKeys. */
  private readonly processed = new Map<string, true>();
  /** When the first receive of the current run of failures began; undefined while receives succeed. */
  private failingSince?: number;
  /** Ends the current backoff wait early (a drain does not wait out a backoff). */
  private wake?: () => void;
  private readonly createClient: (config: ConsumerConfig, logger: Logger) => ConsumerClient;
  private readonly work: (message: ReceivedMessage) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly onFatal: (error: Error) => void;

  constructor(
    private readonly config: ConsumerConfig,
    private readonly logger: Logger,
    private readonly metrics: ConsumerMetrics,
    deps: ConsumerDeps = {},
  ) {
    this.createClient = deps.createClient ?? officialClient;
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
    this.work = deps.work ?? ((message) => this.simulatedWork(message));
    this.onFatal = deps.onFatal ?? (() => undefined);
  }

  get state(): ConsumerState {
    return this.stateValue;
  }

  /**
   * Ready: subscribed, not draining, and the broker answered a receive within the last
   * UNREACHABLE_NOT_READY_MS of failing ones.
   */
  ready(): boolean {
    if (this.stateValue !== 'ready') return false;
    return this.failingSince === undefined || this.now() - this.failingSince < UNREACHABLE_NOT_READY_MS;
  }

  /** Alive until stopped: a broker outage or a drain is no reason for the kubelet to restart the container. */
  live(): boolean {
    return this.stateValue !== 'stopped';
  }

  /**
   * Connects and subscribes, retrying with backoff while the broker is unreachable (not ready, still alive: a
   * pod that cannot reach the broker waits for it instead of crash-looping); ready once the client has its
   * route and settings from the proxy. Resolves early if a drain starts first.
   */
  async start(): Promise<void> {
    const { config } = this;
    for (let failures = 1; this.stateValue === 'starting'; failures += 1) {
      const client = this.createClient(config, this.logger);
      try {
        await client.startup();
      } catch (error) {
        await client.shutdown().catch(() => undefined);
        if (this.stateValue !== 'starting') return;
        const waitMs = receiveBackoffMs(failures, this.random);
        this.logger.warn('startup failed', { error: (error as Error).message, attempt: failures, waitMs });
        await this.pause(waitMs);
        continue;
      }
      if (this.stateValue !== 'starting') {
        // A drain began while the client was connecting: nothing was received, so just close it.
        await client.shutdown().catch(() => undefined);
        return;
      }
      this.client = client;
      this.stateValue = 'ready';
      this.logger.info('subscribed', { topic: config.topic, consumerGroup: config.consumerGroup });
      // Observed from the start: a failure of the loop itself (not of a receive) is fatal, not an unhandled rejection.
      this.loop = this.receiveLoop().catch((error: Error) => {
        this.logger.error('receive loop failed', { error: error.message });
        this.onFatal(error);
      });
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).then(() => {
      this.wake = undefined;
    });
  }

  /** How many messages one receive may ask for: free slots, and bodies that fit even if each is the largest. */
  private freeSlots(): number {
    const bySlots = this.config.concurrency - this.inFlight.size;
    const byBytes = Math.floor((this.config.maxHeldBytes - this.heldBytes) / MAX_BODY_BYTES);
    return Math.min(bySlots, byBytes, MAX_BATCH);
  }

  /**
   * A new client in place of one whose broker has been unreachable for UNREACHABLE_NOT_READY_MS. The old one's
   * gRPC channel backs off on its own, up to 120 s between connection attempts (@grpc/grpc-js 1.14.7
   * src/backoff-timeout.ts: 1 s × 1.6^n, MAX_BACKOFF_MS 120000), and rocketmq-client-nodejs 1.0.8 passes no
   * channel options (src/client/RpcClient.ts), so after a long outage the old client would find the broker up
   * to two minutes late. A fresh client connects at once. Keeps the old client when the new one cannot start.
   */
  private async reconnect(old: ConsumerClient): Promise<ConsumerClient> {
    this.logger.info('reconnecting');
    const fresh = this.createClient(this.config, this.logger);
    try {
      await fresh.startup();
    } catch (error) {
      await Promise.race([fresh.shutdown().catch(() => undefined), sleep(1000)]);
      this.logger.warn('reconnect failed', { error: (error as Error).message });
      return old;
    }
    // Its termination notice goes to a broker that may be unreachable: do not wait long for it.
    await Promise.race([old.shutdown().catch(() => undefined), sleep(1000)]);
    this.client = fresh;
    this.logger.info('reconnected');
    return fresh;
  }

  private async receiveLoop(): Promise<void> {
    const { config } = this;
    let client = this.client!;
    let failures = 0;
    while (this.stateValue === 'ready') {
      const free = this.freeSlots();
      if (free <= 0) {
        // maxHeldBytes >= MAX_BODY_BYTES, so no free slot means something is in flight.
        await Promise.race(this.inFlight);
        continue;
      }
      const began = this.now();
      let messages: ReceivedMessage[];
      try {
        messages = await client.receive(free, config.invisibleSeconds * 1000);
      } catch (error) {
        if (this.stateValue !== 'ready') break;
        failures += 1;
        this.failingSince ??= began;
        const waitMs = receiveBackoffMs(failures, this.random);
        this.logger.warn('receive failed', { error: (error as Error).message, attempt: failures, waitMs });
        await this.pause(waitMs);
        if (this.stateValue === 'ready' && !this.ready()) client = await this.reconnect(client);
        continue;
      }
      if (failures > 0) {
        this.logger.info('receive recovered', {
          failures,
          unreachableMs: this.now() - (this.failingSince ?? began),
        });
      }
      failures = 0;
      this.failingSince = undefined;
      // A receive that returns during a drain still hands over messages we now hold: they are processed.
      for (const message of messages) this.track(this.handle(message));
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async simulatedWork(message: ReceivedMessage): Promise<void> {
    if (this.config.processingMs > 0) await sleep(this.config.processingMs);
    if (this.config.failTag !== undefined && message.tag === this.config.failTag) {
      throw new Error(`tag ${message.tag} always fails (SAMPLE_FAIL_TAG)`);
    }
    if (this.random() < this.config.failureRatio) throw new Error('simulated failure (SAMPLE_FAILURE_RATIO)');
  }

  /** The idempotency key: the message's first key, else its id (kept across redeliveries). */
  private static keyOf(message: ReceivedMessage): string {
    return message.keys[0] ?? message.messageId;
  }

  private remember(key: string): void {
    if (this.config.dedupKeys === 0) return;
    this.processed.set(key, true);
    if (this.processed.size > this.config.dedupKeys) {
      this.processed.delete(this.processed.keys().next().value as string);
    }
  }

  private async handle(message: ReceivedMessage): Promise<void> {
    const { metrics, logger } = this;
    // The client at the time of each call: a reconnect may replace it while the message is in work. Any client
    // of the group can ack it: a message carries its broker's endpoints and receipt handle (rocketmq-client-nodejs
    // 1.0.8 src/consumer/Consumer.ts ackMessage sends to messageView.endpoints).
    const ack = () => this.client!.ack(message);
    const changeInvisible = (ms: number) => this.client!.changeInvisibleDuration(message, ms);
    const attempt = message.deliveryAttempt ?? 1;
    const key = SampleConsumer.keyOf(message);
    metrics.received.inc();
    metrics.inFlight.inc();
    this.heldBytes += message.body.length;
    const started = process.hrtime.bigint();
    const acked = async (): Promise<boolean> => {
      try {
        await ack();
        return true;
      } catch (error) {
        // Redelivered later; the key makes that a skipped duplicate.
        metrics.ackFailed.inc();
        logger.warn('ack failed', { messageId: message.messageId, error: (error as Error).message });
        return false;
      }
    };
    try {
      if (this.processed.has(key)) {
        // Processed before (a redelivery after a lost ack, or the producer sent it twice): ack, do not redo.
        if (!(await acked())) return;
        metrics.duplicates.inc();
        logger.info('duplicate skipped', { messageId: message.messageId, key, attempt });
        return;
      }
      try {
        await this.work(message);
      } catch (error) {
        metrics.failed.inc();
        // Not acked: the broker delivers it again once the invisible time set here runs out, and moves it to
        // %DLQ%<group> once the group's maxRetryTimes are used up.
        const retryMs = retryDelayMs(attempt, this.config.retryDelaysSeconds);
        logger.warn('processing failed', {
          messageId: message.messageId,
          attempt,
          retryInMs: retryMs,
          error: (error as Error).message,
        });
        await changeInvisible(retryMs).catch((e: Error) =>
          logger.warn('change invisible duration failed: redelivered after the receive invisible time', {
            messageId: message.messageId,
            error: e.message,
          }),
        );
        return;
      }
      this.remember(key);
      if (!(await acked())) return;
      metrics.acked.inc();
      if (this.stateValue === 'draining') this.finishedSinceDrain += 1;
      if (this.config.logEachMessage) logger.info('acked', { messageId: message.messageId, attempt });
    } finally {
      this.heldBytes -= message.body.length;
      metrics.inFlight.dec();
      metrics.processingSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /**
   * Stops receiving, finishes and acks what it holds, then closes the client, all within the grace period
   * less EXIT_RESERVE_MS. Messages not finished by then stay unacknowledged and the broker redelivers them.
   */
  async drain(): Promise<DrainResult> {
    const started = this.now();
    if (this.stateValue === 'starting') {
      this.stateValue = 'stopped';
      this.wake?.();
      const result = { finished: 0, unfinished: 0, elapsedMs: 0 };
      this.logger.info('drained', { ...result });
      return result;
    }
    this.stateValue = 'draining';
    this.wake?.();
    const budgetMs = this.config.graceSeconds * 1000 - EXIT_RESERVE_MS;
    this.logger.info('draining', { inFlight: this.inFlight.size, budgetMs });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), Math.max(0, budgetMs));
    });
    const settled = (async () => {
      await this.loop;
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      return 'done' as const;
    })();
    const outcome = await Promise.race([settled, deadline]);
    clearTimeout(timer);
    const unfinished = this.inFlight.size;
    if (outcome === 'deadline') {
      this.logger.warn('grace period ending: unfinished messages are left for redelivery', { unfinished });
    }
    // Closing sends NotifyClientTermination, so the broker drops this client at once.
    await Promise.race([this.client?.shutdown().catch(() => undefined), sleep(EXIT_RESERVE_MS / 2)]);
    this.stateValue = 'stopped';
    const result = { finished: this.finishedSinceDrain, unfinished, elapsedMs: this.now() - started };
    this.logger.info('drained', { ...result });
    return result;
  }
}
