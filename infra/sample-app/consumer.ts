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
import { type ConsumerConfig, EXIT_RESERVE_MS, MAX_BATCH } from './config';
import { type Logger, rocketMqClientLogger } from './log';
import type { ConsumerMetrics } from './metrics';

export type ConsumerState = 'starting' | 'ready' | 'draining' | 'stopped';

/** What a drain left: messages finished and acked, and those left for the broker to redeliver. */
export interface DrainResult {
  readonly finished: number;
  readonly unfinished: number;
  readonly elapsedMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class SampleConsumer {
  private stateValue: ConsumerState = 'starting';
  private client?: SimpleConsumer;
  private loop?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();
  private finishedSinceDrain = 0;

  constructor(
    private readonly config: ConsumerConfig,
    private readonly logger: Logger,
    private readonly metrics: ConsumerMetrics,
    private readonly random: () => number = Math.random,
  ) {}

  get state(): ConsumerState {
    return this.stateValue;
  }

  /** Connects and subscribes; ready once the client has its route and settings from the proxy. */
  async start(): Promise<void> {
    const { config } = this;
    this.client = new SimpleConsumer({
      endpoints: config.endpoint,
      namespace: '',
      consumerGroup: config.consumerGroup,
      subscriptions: new Map([[config.topic, '*']]),
      awaitDuration: config.awaitSeconds * 1000,
      logger: rocketMqClientLogger(this.logger),
      ...(config.username !== undefined &&
        config.password !== undefined && {
          sessionCredentials: { accessKey: config.username, accessSecret: config.password },
        }),
    });
    await this.client.startup();
    this.stateValue = 'ready';
    this.logger.info('subscribed', { topic: config.topic, consumerGroup: config.consumerGroup });
    this.loop = this.receiveLoop(this.client);
  }

  private async receiveLoop(client: SimpleConsumer): Promise<void> {
    const { config } = this;
    while (this.stateValue === 'ready') {
      const free = config.concurrency - this.inFlight.size;
      if (free <= 0) {
        await Promise.race(this.inFlight);
        continue;
      }
      let messages: MessageView[];
      try {
        messages = await client.receive(Math.min(free, MAX_BATCH), config.invisibleSeconds * 1000);
      } catch (error) {
        if (this.stateValue !== 'ready') break;
        this.logger.warn('receive failed', { error: (error as Error).message });
        await sleep(1000);
        continue;
      }
      // A receive that returns during a drain still hands over messages we now hold: they are processed.
      for (const message of messages) this.track(this.handle(client, message));
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(client: SimpleConsumer, message: MessageView): Promise<void> {
    const { metrics } = this;
    metrics.received.inc();
    metrics.inFlight.inc();
    const started = process.hrtime.bigint();
    try {
      if (this.config.processingMs > 0) await sleep(this.config.processingMs);
      if (this.random() < this.config.failureRatio) {
        // Left unacknowledged: the broker redelivers it once the invisible duration is over.
        metrics.failed.inc();
        this.logger.warn('processing failed (simulated)', { messageId: message.messageId });
        return;
      }
      await client.ack(message);
      metrics.acked.inc();
      if (this.stateValue === 'draining') this.finishedSinceDrain += 1;
      if (this.config.logEachMessage) {
        this.logger.info('acked', { messageId: message.messageId, attempt: message.deliveryAttempt });
      }
    } catch (error) {
      metrics.failed.inc();
      this.logger.warn('ack failed', { messageId: message.messageId, error: (error as Error).message });
    } finally {
      metrics.inFlight.dec();
      metrics.processingSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /**
   * Stops receiving, finishes and acks what it holds, then closes the client, all within the grace period
   * less EXIT_RESERVE_MS. Messages not finished by then stay unacknowledged and the broker redelivers them.
   */
  async drain(): Promise<DrainResult> {
    const started = Date.now();
    if (this.stateValue === 'starting') {
      this.stateValue = 'stopped';
      return { finished: 0, unfinished: 0, elapsedMs: 0 };
    }
    this.stateValue = 'draining';
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
    const result = { finished: this.finishedSinceDrain, unfinished, elapsedMs: Date.now() - started };
    this.logger.info('drained', { ...result });
    return result;
  }
}
