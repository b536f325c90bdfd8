/**
 * The PromQL the KEDA triggers run against ARMS Prometheus. One module, shared by the manifests, the
 * simulator and the docs, so the query a test checks is the query that ships.
 */

// RocketMQ 5.x cloud-service metrics in ARMS (Source: Alibaba Cloud ApsaraMQ for RocketMQ "Metrics" reference).
/** Messages ready to be consumed (not yet delivered), per topic and consumer group. */
export const READY_MESSAGES_METRIC = 'rocketmq_consumer_ready_messages';
/** Messages delivered to a consumer and not yet acknowledged, per topic and group. */
export const INFLIGHT_MESSAGES_METRIC = 'rocketmq_consumer_inflight_messages';
/** Messages written to a topic, a counter; the arrival-rate trigger's default metric. */
export const DEFAULT_ARRIVAL_RATE_METRIC = 'rocketmq_messages_in_total';
/** Window of the arrival-rate `rate()`: at least two 15 s-scrape samples with margin. */
export const ARRIVAL_RATE_WINDOW = '1m';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * A PromQL double-quoted string literal. Backslash, double quote and the control characters are escaped
 * (Source: prometheus.io/docs/prometheus/latest/querying/basics, "String literals" — Go escaping rules).
 */
export function promqlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function selector(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}=${promqlString(value)}`)
    .join(', ');
}

/** What backlogQuery selects: exactly one instance, topic and consumer group. */
export interface BacklogQueryInput {
  /** ApsaraMQ for RocketMQ instance id, e.g. rmq-cn-xxxxxxxx. */
  readonly instanceId: string;
  /** Topic name. */
  readonly topic: string;
  /** Consumer group id. */
  readonly consumerGroup: string;
  /** For queue-based consumers: the backlog is clamped to this so the HPA never asks for idle pods. @default none */
  readonly clampMax?: number;
  /**
   * For workloads that scale to zero: when the group has no series (no consumer online), a stand-in reads
   * `threshold` if the topic had any arrival over FROM_ZERO_ARRIVAL_WINDOW, else 0. It only wakes the workload:
   * above activationThreshold (which must be below threshold), and one pod's worth, so the HPA proposes at
   * most one replica from it however many messages arrived. @default none: the group's series only
   */
  readonly whenGroupAbsent?: {
    /** The topic's arrival counter, e.g. DEFAULT_ARRIVAL_RATE_METRIC. */
    readonly arrivalMetricName: string;
    /** The trigger's threshold: what the stand-in reads when anything arrived (one pod's worth). */
    readonly threshold: number;
  };
}

/**
 * Window of the scale-from-zero arrivals: longer than a KEDA polling interval plus the metric's staleness, so
 * every arrival is seen by at least one poll.
 */
export const FROM_ZERO_ARRIVAL_WINDOW = '5m';

/**
 * Ready + inflight messages of one instance, topic and group. Exact-match selectors and no `by` clause:
 * the result is one series whatever other groups read the topic (KEDA rejects a multi-series result).
 */
export function backlogQuery(input: BacklogQueryInput): string {
  requireNonEmpty('instanceId', input.instanceId);
  requireNonEmpty('topic', input.topic);
  requireNonEmpty('consumerGroup', input.consumerGroup);
  const names = `${READY_MESSAGES_METRIC}|${INFLIGHT_MESSAGES_METRIC}`;
  const group = `sum({__name__=~"${names}", ${selector({
    instance_id: input.instanceId,
    topic: input.topic,
    consumer_group: input.consumerGroup,
  })}})`;
  let sum = group;
  if (input.whenGroupAbsent !== undefined) {
    const metric = input.whenGroupAbsent.arrivalMetricName;
    if (!METRIC_NAME.test(metric))
      throw new RangeError(
        `whenGroupAbsent.arrivalMetricName must match ${METRIC_NAME.source}, got ${metric}`,
      );
    const threshold = input.whenGroupAbsent.threshold;
    if (!Number.isFinite(threshold) || threshold <= 0)
      throw new RangeError(`whenGroupAbsent.threshold must be a positive number, got ${threshold}`);
    // `> bool 0` gives 1 or 0 and keeps the series (Source: prometheus.io/docs/prometheus/latest/querying/operators,
    // "Comparison binary operators", bool modifier); × threshold makes it one pod's worth: the HPA's
    // ceil(value / threshold) is at most 1 (k8s replica_calculator.go GetExternalPerPodMetricReplicas).
    const arrived = `sum(increase(${metric}{${selector({ instance_id: input.instanceId, topic: input.topic })}}[${FROM_ZERO_ARRIVAL_WINDOW}]))`;
    // `or` between two label-less vectors keeps the left one when it exists: still exactly one series.
    sum = `${group} or (${arrived} > bool 0) * ${threshold}`;
  }
  if (input.clampMax === undefined) return sum;
  if (!Number.isInteger(input.clampMax) || input.clampMax < 1) {
    throw new RangeError(`clampMax must be a positive integer, got ${input.clampMax}`);
  }
  return `clamp_max(${input.whenGroupAbsent === undefined ? sum : `(${sum})`}, ${input.clampMax})`;
}

/** What arrivalRateQuery selects: one topic of one instance. */
export interface ArrivalRateQueryInput {
  /** ApsaraMQ for RocketMQ instance id, e.g. rmq-cn-xxxxxxxx. */
  readonly instanceId: string;
  /** Topic name. */
  readonly topic: string;
  /** @default rocketmq_messages_in_total */
  readonly metricName?: string;
}

/** Messages per second arriving on one topic of one instance, as one series. */
export function arrivalRateQuery(input: ArrivalRateQueryInput): string {
  requireNonEmpty('instanceId', input.instanceId);
  requireNonEmpty('topic', input.topic);
  const metric = input.metricName ?? DEFAULT_ARRIVAL_RATE_METRIC;
  if (!METRIC_NAME.test(metric))
    throw new RangeError(`metricName must match ${METRIC_NAME.source}, got ${metric}`);
  return `sum(rate(${metric}{${selector({ instance_id: input.instanceId, topic: input.topic })}}[${ARRIVAL_RATE_WINDOW}]))`;
}

function requireNonEmpty(name: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0)
    throw new RangeError(`${name} must be a non-empty string`);
}
