/** The consumer's own counters, in Prometheus text format, on a registry of its own. */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ConsumerMetrics {
  readonly registry: Registry;
  readonly received: Counter;
  readonly acked: Counter;
  readonly failed: Counter;
  readonly ackFailed: Counter;
  readonly duplicates: Counter;
  readonly inFlight: Gauge;
  readonly processingSeconds: Histogram;
}

export function consumerMetrics(): ConsumerMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    received: new Counter({
      name: 'sample_consumer_messages_received_total',
      help: 'Messages received from the broker.',
      registers,
    }),
    acked: new Counter({
      name: 'sample_consumer_messages_acked_total',
      help: 'Messages processed and acknowledged.',
      registers,
    }),
    failed: new Counter({
      name: 'sample_consumer_messages_failed_total',
      help: 'Messages whose processing failed; left unacknowledged for the broker to redeliver.',
      registers,
    }),
    ackFailed: new Counter({
      name: 'sample_consumer_ack_failures_total',
      help: 'Messages processed whose ack failed; the broker redelivers them and they are skipped as duplicates.',
      registers,
    }),
    duplicates: new Counter({
      name: 'sample_consumer_duplicates_skipped_total',
      help: 'Redelivered messages whose key was processed before: acked without processing them again.',
      registers,
    }),
    inFlight: new Gauge({
      name: 'sample_consumer_messages_in_flight',
      help: 'Messages received and not yet acknowledged or failed.',
      registers,
    }),
    processingSeconds: new Histogram({
      name: 'sample_consumer_processing_seconds',
      help: 'Time spent processing one message.',
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
  };
}
