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

/**
 * A self-managed Apache RocketMQ 5.x broker cluster, as its native exporter labels it (issue 27). Measured on
 * 5.3.3 (tests/e2e/self-managed-metrics.test.ts): rocketmq_consumer_ready_messages and _inflight_messages carry
 * cluster, node_type, node_id, topic, consumer_group, is_retry, is_system; rocketmq_messages_in_total carries
 * cluster, node_type, node_id, topic, message_type, is_system; no instance_id.
 */
export interface BrokerClusterSelector {
  /** The label that carries the cluster name: `cluster` on the 5.x exporter (BrokerMetricsConstant.LABEL_CLUSTER_NAME). */
  readonly label: string;
  /** The brokers' brokerClusterName, e.g. DefaultCluster. */
  readonly name: string;
}

// Source: apache/rocketmq 5.3.3 broker BrokerMetricsConstant.LABEL_NODE_ID ("node_id", the brokerName; measured
// node_id="broker-a" for brokerName broker-a). A master and its slaves share it.
/** The label that tells the brokers of a cluster apart on the 5.x exporter. */
export const NODE_ID_LABEL = 'node_id';
/** Labels a broker-cluster selector may not use: the query selects them itself. */
const RESERVED_SELECTOR_LABELS = ['__name__', 'topic', 'consumer_group', NODE_ID_LABEL, 'is_retry'];
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** What backlogQuery selects: exactly one instance (or broker cluster), topic and consumer group. */
export interface BacklogQueryInput {
  /** ApsaraMQ for RocketMQ instance id, e.g. rmq-cn-xxxxxxxx; set exactly one of instanceId or brokerCluster. @default none */
  readonly instanceId?: string;
  /** A self-managed broker cluster; set exactly one of instanceId or brokerCluster. @default none */
  readonly brokerCluster?: BrokerClusterSelector;
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

/** The labels that pick the broker side: `instance_id` on ARMS, the cluster label on a self-managed exporter. */
export function brokerScopeLabels(input: {
  readonly instanceId?: string;
  readonly brokerCluster?: BrokerClusterSelector;
}): Record<string, string> {
  if ((input.instanceId === undefined) === (input.brokerCluster === undefined)) {
    throw new RangeError('set exactly one of instanceId or brokerCluster');
  }
  if (input.instanceId !== undefined) {
    requireNonEmpty('instanceId', input.instanceId);
    return { instance_id: input.instanceId };
  }
  const { label, name } = input.brokerCluster as BrokerClusterSelector;
  if (typeof label !== 'string' || !LABEL_NAME.test(label) || RESERVED_SELECTOR_LABELS.includes(label)) {
    throw new RangeError(
      `brokerCluster.label must be a Prometheus label name other than ${RESERVED_SELECTOR_LABELS.join(', ')}, got ${String(label)}`,
    );
  }
  requireNonEmpty('brokerCluster.name', name);
  return { [label]: name };
}

/**
 * Ready + inflight messages of one instance, topic and group. Exact-match selectors and no `by` clause:
 * the result is one series whatever other groups read the topic (KEDA rejects a multi-series result).
 *
 * On a self-managed broker cluster each broker's series is counted once: `max by (__name__, node_id, is_retry)`
 * first, so the same broker scraped twice (two Prometheus jobs, an HA pair of scrapers, a slave exporting its
 * master's brokerName) does not double the backlog, while the brokers of the cluster (distinct node_id) add up.
 */
export function backlogQuery(input: BacklogQueryInput): string {
  const scope = brokerScopeLabels(input);
  requireNonEmpty('topic', input.topic);
  requireNonEmpty('consumerGroup', input.consumerGroup);
  const names = `${READY_MESSAGES_METRIC}|${INFLIGHT_MESSAGES_METRIC}`;
  const series = `{__name__=~"${names}", ${selector({
    ...scope,
    topic: input.topic,
    consumer_group: input.consumerGroup,
  })}}`;
  const group =
    input.brokerCluster === undefined
      ? `sum(${series})`
      : `sum(max by (__name__, ${NODE_ID_LABEL}, is_retry) (${series}))`;
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
    const arrived = `sum(increase(${metric}{${selector({ ...scope, topic: input.topic })}}[${FROM_ZERO_ARRIVAL_WINDOW}]))`;
    // `or` between two label-less vectors keeps the left one when it exists: still exactly one series.
    sum = `${group} or (${arrived} > bool 0) * ${threshold}`;
  }
  if (input.clampMax === undefined) return sum;
  if (!Number.isInteger(input.clampMax) || input.clampMax < 1) {
    throw new RangeError(`clampMax must be a positive integer, got ${input.clampMax}`);
  }
  return `clamp_max(${input.whenGroupAbsent === undefined ? sum : `(${sum})`}, ${input.clampMax})`;
}

/** What arrivalRateQuery selects: one topic of one instance (or broker cluster). */
export interface ArrivalRateQueryInput {
  /** ApsaraMQ for RocketMQ instance id, e.g. rmq-cn-xxxxxxxx; set exactly one of instanceId or brokerCluster. @default none */
  readonly instanceId?: string;
  /** A self-managed broker cluster; set exactly one of instanceId or brokerCluster. @default none */
  readonly brokerCluster?: BrokerClusterSelector;
  /** Topic name. */
  readonly topic: string;
  /** @default rocketmq_messages_in_total */
  readonly metricName?: string;
}

/**
 * Messages per second arriving on one topic of one instance, as one series; on a self-managed cluster each
 * broker (node_id) counted once, as in backlogQuery.
 */
export function arrivalRateQuery(input: ArrivalRateQueryInput): string {
  const scope = brokerScopeLabels(input);
  requireNonEmpty('topic', input.topic);
  const metric = input.metricName ?? DEFAULT_ARRIVAL_RATE_METRIC;
  if (!METRIC_NAME.test(metric))
    throw new RangeError(`metricName must match ${METRIC_NAME.source}, got ${metric}`);
  const rate = `rate(${metric}{${selector({ ...scope, topic: input.topic })}}[${ARRIVAL_RATE_WINDOW}])`;
  return input.brokerCluster === undefined
    ? `sum(${rate})`
    : `sum(max by (${NODE_ID_LABEL}, message_type) (${rate}))`;
}

function requireNonEmpty(name: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0)
    throw new RangeError(`${name} must be a non-empty string`);
}

/** What demandQuery selects and how it weighs the backlog. */
export interface DemandQueryInput {
  /** ApsaraMQ for RocketMQ instance id, e.g. rmq-cn-xxxxxxxx; set exactly one of instanceId or brokerCluster. @default none */
  readonly instanceId?: string;
  /** A self-managed broker cluster; set exactly one of instanceId or brokerCluster. @default none */
  readonly brokerCluster?: BrokerClusterSelector;
  /** Topic name. */
  readonly topic: string;
  /** Consumer group id. */
  readonly consumerGroup: string;
  /** Messages/s one replica is given (per-pod throughput × target utilization). */
  readonly messagesPerSecondPerReplica: number;
  /** Seconds the backlog is to drain in: backlog / drainSeconds joins the arrival rate. */
  readonly drainSeconds: number;
  /** @default rocketmq_messages_in_total */
  readonly metricName?: string;
  /** Queue-based consumers: the demand is clamped at this many pods. @default none */
  readonly clampMaxReplicas?: number;
  /** The backlog part reads the scale-from-zero stand-in, one replica's worth (see backlogQuery). @default false */
  readonly whenGroupAbsent?: boolean;
}

/**
 * The demand in pods as one series: (arrival rate + backlog / drainSeconds) / messagesPerSecondPerReplica, against
 * an AverageValue target of 1. One query, so the pinned KEDA treats it as any Prometheus trigger (activation,
 * fallback, ignoreNullValues per trigger) and cron triggers stay beside it; KEDA's scalingModifiers would fold
 * every trigger into one composite metric that fails whenever any of them fails (kedacore/keda v2.17.2
 * pkg/scaling/scale_handler.go getScaledObjectState, GetScaledObjectMetrics). `+` between two label-less
 * one-series vectors keeps one series, and is empty when the backlog side is (an error with ignoreNullValues
 * false; prometheus.io/docs/prometheus/latest/querying/operators, "Vector matching").
 */
export function demandQuery(input: DemandQueryInput): string {
  for (const [name, value] of [
    ['messagesPerSecondPerReplica', input.messagesPerSecondPerReplica],
    ['drainSeconds', input.drainSeconds],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0)
      throw new RangeError(`${name} must be a positive number, got ${value}`);
  }
  const metric = input.metricName ?? DEFAULT_ARRIVAL_RATE_METRIC;
  // backlogQuery and arrivalRateQuery check that exactly one is set.
  const scope = {
    ...(input.instanceId !== undefined && { instanceId: input.instanceId }),
    ...(input.brokerCluster !== undefined && { brokerCluster: input.brokerCluster }),
  };
  const backlog = backlogQuery({
    ...scope,
    topic: input.topic,
    consumerGroup: input.consumerGroup,
    ...(input.whenGroupAbsent === true && {
      whenGroupAbsent: {
        arrivalMetricName: metric,
        threshold: Number((input.messagesPerSecondPerReplica * input.drainSeconds).toPrecision(12)),
      },
    }),
  });
  const rate = arrivalRateQuery({ ...scope, topic: input.topic, metricName: metric });
  // A missing arrival series reads 0, as the arrival-rate trigger's (ignoreNullValues default true): the demand
  // falls back to the backlog's share; a missing backlog still empties the sum (an error, no silent zero).
  const pods = `((${rate} or vector(0)) + (${backlog}) / ${input.drainSeconds}) / ${input.messagesPerSecondPerReplica}`;
  if (input.clampMaxReplicas === undefined) return pods;
  if (!Number.isInteger(input.clampMaxReplicas) || input.clampMaxReplicas < 1)
    throw new RangeError(`clampMaxReplicas must be a positive integer, got ${input.clampMaxReplicas}`);
  return `clamp_max(${pods}, ${input.clampMaxReplicas})`;
}
