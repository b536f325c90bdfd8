/**
 * The alert rules of one workload, derived from the same numbers as its ScaledObject (per-pod throughput, max
 * replicas, drain target) and built on the same queries, so a threshold is never typed twice. Pure: the cdk8s
 * PrometheusRule (cluster side) and the ARMS alert rules (broker side) only render these.
 */
import {
  backlogQuery,
  type BrokerClusterSelector,
  brokerScopeLabels,
  DEFAULT_ARRIVAL_RATE_METRIC,
  FROM_ZERO_ARRIVAL_WINDOW,
  promqlString,
} from './promql';

/**
 * Lag latency of the oldest unconsumed message of a group, in milliseconds, under the name of the metrics table
 * ARMS dashboards follow (rocketmq.apache.org/docs/observability/01metrics: rocketmq_consumer_lag_latency,
 * millisecond). Instrument: apache/rocketmq 5.3.3 BrokerMetricsConstant.GAUGE_CONSUMER_LAG_LATENCY, unit
 * "milliseconds" (BrokerMetricsManager.initLagAndDlqMetrics).
 */
export const LAG_LATENCY_METRIC = 'rocketmq_consumer_lag_latency';
/**
 * The same gauge as Apache RocketMQ 5.3.3's own exporter names it: OpenTelemetry's Prometheus exporter
 * (opentelemetry-exporter-prometheus 1.29.0-alpha, PrometheusMetricNameMapper) appends the unit. Confirmed on the
 * real broker (tests/e2e/broker-metrics.test.ts); set it as lagLatencyMetricName for a self-managed broker.
 */
export const APACHE_LAG_LATENCY_METRIC = 'rocketmq_consumer_lag_latency_milliseconds';
/**
 * Messages of a group sent to its dead-letter topic, labelled with the group and its original topic; the same
 * name on both (a counter has no unit). Source: apache/rocketmq 5.3.3 BrokerMetricsConstant
 * COUNTER_CONSUMER_SEND_TO_DLQ_MESSAGES_TOTAL, AbstractSendMessageProcessor.consumerSendMsgBack; confirmed on the
 * real broker (tests/e2e/broker-metrics.test.ts).
 */
export const DLQ_MESSAGES_METRIC = 'rocketmq_send_to_dlq_messages_total';

/**
 * KEDA operator metrics at v2.17.2: the errors of a ScaledObject (its scalers' errors included: RecordScalerError
 * also calls RecordScaledObjectError) and the value each trigger's metric last had. No metric says whether the
 * fallback is active (it is only a status condition). Source: kedacore/keda v2.17.2
 * pkg/metricscollector/prommetrics.go, scaledObjectErrors (scaled_object_errors_total: namespace, scaledObject)
 * and scalerMetricsValue (scaler_metrics_value: namespace, scaledObject, scaler, triggerIndex, metric, type), in
 * the namespace "keda" (metricscollectors.go DefaultPromMetricsNamespace).
 */
export const KEDA_SCALED_OBJECT_ERRORS_METRIC = 'keda_scaled_object_errors_total';
/** The value a trigger's metric last had. Source: as KEDA_SCALED_OBJECT_ERRORS_METRIC. */
export const KEDA_SCALER_METRICS_VALUE_METRIC = 'keda_scaler_metrics_value';

/**
 * kube-state-metrics HPA series, labels namespace and horizontalpodautoscaler.
 * Source: kubernetes/kube-state-metrics docs/horizontalpodautoscaler-metrics.md (STABLE).
 */
export const HPA_CURRENT_REPLICAS_METRIC = 'kube_horizontalpodautoscaler_status_current_replicas';
/** The HPA's maxReplicas. Source: as HPA_CURRENT_REPLICAS_METRIC. */
export const HPA_MAX_REPLICAS_METRIC = 'kube_horizontalpodautoscaler_spec_max_replicas';

/** KEDA names the HPA of a ScaledObject `keda-hpa-<name>`. Source: kedacore/keda v2.17.2 controllers/keda/hpa.go getHPAName. */
export function kedaHpaName(scaledObjectName: string): string {
  return `keda-hpa-${scaledObjectName}`;
}

/** The HPA controller's default sync period (kube-controller-manager --horizontal-pod-autoscaler-sync-period). */
export const HPA_SYNC_SECONDS = 15;
/** Shortest window of a rate or increase: four 15 s scrapes, so a missed scrape still leaves two samples. */
export const MIN_WINDOW_SECONDS = 60;
/** Window over which "the backlog keeps growing" is judged (deriv). */
export const GROWTH_WINDOW = '5m';

/** Where a rule is evaluated: beside the broker's metrics (ARMS) or the cluster's (KEDA, kube-state-metrics). */
export type AlertSide = 'broker' | 'cluster';
/** How urgent an alert is: critical pages, warning notifies. */
export type AlertSeverity = 'critical' | 'warning';

/** One alert rule of a workload, independent of where it is evaluated. */
export interface AlertRule {
  /** Rule name, CamelCase, the same for every workload (the labels tell workloads apart). */
  readonly alert: string;
  /** Where it is evaluated. */
  readonly side: AlertSide;
  /** PromQL: a result means the alert condition holds. */
  readonly expr: string;
  /** How long the condition holds before the alert fires, in seconds. */
  readonly forSeconds: number;
  /** How urgent it is. */
  readonly severity: AlertSeverity;
  /** One line naming the environment, workload and group. */
  readonly summary: string;
  /** What it means, with the threshold and where it comes from. */
  readonly description: string;
  /** What to look at first. */
  readonly runbook: string;
}

/** A rule as Prometheus rule files and the PrometheusRule CRD spell it (spec.groups[].rules[]). */
export interface PrometheusAlertingRule {
  /** Rule name. */
  readonly alert: string;
  /** PromQL condition. */
  readonly expr: string;
  /** How long it holds before firing, as a Prometheus duration. */
  readonly for: string;
  /** Labels of the alert. */
  readonly labels: Readonly<Record<string, string>>;
  /** Annotations of the alert. */
  readonly annotations: {
    /** One line naming the environment, workload and group. */
    readonly summary: string;
    /** What it means. */
    readonly description: string;
    /** What to look at first. */
    readonly runbook: string;
  };
}

/** Labels every alert of a workload carries, for routing and grouping in Alertmanager. */
export function alertLabels(
  input: Pick<WorkloadAlertsInput, 'environment' | 'workload' | 'consumerGroup' | 'topic'>,
  severity: AlertSeverity,
): Record<string, string> {
  return {
    severity,
    environment: input.environment,
    workload: input.workload,
    consumer_group: input.consumerGroup,
    topic: input.topic,
  };
}

/** The rule in rule-file form; `labels` as alertLabels gives them for its workload. */
export function toPrometheusRule(
  rule: AlertRule,
  labels: Readonly<Record<string, string>>,
): PrometheusAlertingRule {
  return {
    alert: rule.alert,
    expr: rule.expr,
    for: promDuration(rule.forSeconds),
    labels: { ...labels, severity: rule.severity },
    annotations: { summary: rule.summary, description: rule.description, runbook: rule.runbook },
  };
}

/** What the rules of one workload derive from: its ScaledObject's numbers and names. */
export interface WorkloadAlertsInput {
  /** Environment name. */
  readonly environment: string;
  /** Workload name: the Deployment and the ScaledObject. */
  readonly workload: string;
  /** Kubernetes namespace of the ScaledObject. */
  readonly namespace: string;
  /** ApsaraMQ for RocketMQ instance id (instance_id label); set exactly one of instanceId or brokerCluster. @default none */
  readonly instanceId?: string;
  /** A self-managed broker cluster (its exporter's cluster label); set exactly one of instanceId or brokerCluster. @default none */
  readonly brokerCluster?: BrokerClusterSelector;
  /** Topic the group consumes. */
  readonly topic: string;
  /** Consumer group. */
  readonly consumerGroup: string;
  /** Messages one pod processes per second. */
  readonly messagesPerSecondPerPod: number;
  /** Seconds in which a backlog must drain. */
  readonly targetDrainSeconds: number;
  /** Longest time one message takes, in seconds. */
  readonly maxProcessingSeconds: number;
  /** The ScaledObject's maxReplicaCount (already capped at the queue count for queue-based consumers). */
  readonly maxReplicas: number;
  /** KEDA polling interval of the ScaledObject, in seconds. */
  readonly pollingIntervalSeconds: number;
  /** The ScaledObject's fallback, or false when it has none. */
  readonly fallback:
    | false
    | {
        /** Failed reads before KEDA serves the fallback. */
        readonly failureThreshold: number;
        /** Replicas the fallback asks for. */
        readonly replicas: number;
      };
  /** Counter of the messages arriving on the topic. @default rocketmq_messages_in_total */
  readonly arrivalMetricName?: string;
  /**
   * The ScaledObject's trigger that reads the backlog: `demand` when the demand trigger replaces the backlog one
   * (its metric, demand in pods, grows with the backlog). @default 'backlog'
   */
  readonly backlogTrigger?: 'backlog' | 'demand';
  /** Gauge of the group's lag latency in milliseconds. @default LAG_LATENCY_METRIC with instanceId (ARMS), APACHE_LAG_LATENCY_METRIC with brokerCluster */
  readonly lagLatencyMetricName?: string;
}

/** Exactly one of an ApsaraMQ instance id or a self-managed broker cluster, as the query builders take it. */
export type BrokerScope =
  | {
      /** ApsaraMQ for RocketMQ instance id (instance_id label). */
      readonly instanceId: string;
    }
  | {
      /** A self-managed broker cluster (its exporter's cluster label). */
      readonly brokerCluster: BrokerClusterSelector;
    };

/** The instance id or the broker cluster of a workload's input, as the query builders take it. */
export function brokerScope(input: Pick<WorkloadAlertsInput, 'instanceId' | 'brokerCluster'>): BrokerScope {
  brokerScopeLabels(input);
  return input.instanceId !== undefined
    ? { instanceId: input.instanceId }
    : { brokerCluster: input.brokerCluster as BrokerClusterSelector };
}

/** The lag-latency gauge: ARMS' name with an instance id, the Apache exporter's with a broker cluster. */
export function lagLatencyMetric(
  input: Pick<WorkloadAlertsInput, 'instanceId' | 'lagLatencyMetricName'>,
): string {
  return (
    input.lagLatencyMetricName ??
    (input.instanceId !== undefined ? LAG_LATENCY_METRIC : APACHE_LAG_LATENCY_METRIC)
  );
}

/** Backlog that maxReplicas pods drain in targetDrainSeconds: floor(max × rate × seconds), 12 significant digits first. */
export function drainCapacity(input: {
  readonly maxReplicas: number;
  readonly messagesPerSecondPerPod: number;
  readonly targetDrainSeconds: number;
}): number {
  requirePositive('maxReplicas', input.maxReplicas);
  requirePositive('messagesPerSecondPerPod', input.messagesPerSecondPerPod);
  requirePositive('targetDrainSeconds', input.targetDrainSeconds);
  return Math.floor(
    Number((input.maxReplicas * input.messagesPerSecondPerPod * input.targetDrainSeconds).toPrecision(12)),
  );
}

/** Lag latency bound in milliseconds: the drain target plus one message's processing time. */
export function lagLatencyBoundMs(input: {
  readonly targetDrainSeconds: number;
  readonly maxProcessingSeconds: number;
}): number {
  requirePositive('targetDrainSeconds', input.targetDrainSeconds);
  requirePositive('maxProcessingSeconds', input.maxProcessingSeconds);
  return (input.targetDrainSeconds + input.maxProcessingSeconds) * 1000;
}

/** A Prometheus duration (`1h2m3s`, `0s`) for whole seconds, as rule files and the PrometheusRule CRD accept. */
export function promDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new RangeError(`duration must be a non-negative whole number of seconds, got ${seconds}`);
  }
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
}

function labelSelector(labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels)
    .map(([name, value]) => `${name}=${promqlString(value)}`)
    .join(', ')}}`;
}

/**
 * The rules of one workload, broker side first, in a fixed order. Thresholds:
 * - backlog beyond capacity: backlog > drainCapacity for max(targetDrainSeconds, 60 s);
 * - consumption delay: lag latency > lagLatencyBoundMs for max(targetDrainSeconds, 60 s);
 * - dead letters: any message sent to the group's DLQ over FROM_ZERO_ARRIVAL_WINDOW, its first one included (a
 *   counter younger than the window); so it also fires for that window after the Prometheus holding the metrics
 *   starts, for every group with dead letters since the broker started;
 * - nobody consuming: arrivals over FROM_ZERO_ARRIVAL_WINDOW while the group has no series, for that window;
 * - scaler failing: the ScaledObject's errors increased over W = max(60 s, 2 × polling) for W;
 * - fallback active (with a fallback): the same for W + (failureThreshold + 1) HPA syncs, when KEDA serves it;
 * - pinned at max: the HPA at its max while the backlog KEDA reads grows, for max(targetDrainSeconds, 60 s).
 */
export function workloadAlertRules(input: WorkloadAlertsInput): AlertRule[] {
  requireInt('maxReplicas', input.maxReplicas, 1);
  requireInt('pollingIntervalSeconds', input.pollingIntervalSeconds, 1);
  requireInt('targetDrainSeconds', input.targetDrainSeconds, 1);
  if (input.fallback !== false) requireInt('fallback.failureThreshold', input.fallback.failureThreshold, 0);
  const who = `${input.environment}/${input.workload} (group ${input.consumerGroup}, topic ${input.topic})`;
  const capacity = drainCapacity(input);
  const lagBound = lagLatencyBoundMs(input);
  const sustained = Math.max(input.targetDrainSeconds, MIN_WINDOW_SECONDS);
  const windowSeconds = Math.max(MIN_WINDOW_SECONDS, 2 * input.pollingIntervalSeconds);
  const window = promDuration(windowSeconds);
  const scope = brokerScopeLabels(input);
  const group = { ...scope, topic: input.topic, consumer_group: input.consumerGroup };
  const backlog = backlogQuery({
    ...brokerScope(input),
    topic: input.topic,
    consumerGroup: input.consumerGroup,
  });
  const arrivals = `sum(increase(${input.arrivalMetricName ?? DEFAULT_ARRIVAL_RATE_METRIC}${labelSelector({
    ...scope,
    topic: input.topic,
  })}[${FROM_ZERO_ARRIVAL_WINDOW}]))`;
  const dlq = `${DLQ_MESSAGES_METRIC}${labelSelector({
    ...scope,
    consumer_group: input.consumerGroup,
  })}`;
  const scaledObject = labelSelector({ namespace: input.namespace, scaledObject: input.workload });
  const errors = `sum(increase(${KEDA_SCALED_OBJECT_ERRORS_METRIC}${scaledObject}[${window}])) > 0`;
  const hpa = labelSelector({
    namespace: input.namespace,
    horizontalpodautoscaler: kedaHpaName(input.workload),
  });
  const kedaBacklog = `${KEDA_SCALER_METRICS_VALUE_METRIC}${labelSelector({
    namespace: input.namespace,
    scaledObject: input.workload,
    // keda_scaler_metrics_value's scaler label is the trigger's name (kedacore/keda v2.17.2
    // pkg/scaling/scale_handler.go: the trigger name, else its type and index).
    scaler: input.backlogTrigger ?? 'backlog',
    type: 'scaledobject',
  })}`;
  const rules: AlertRule[] = [
    {
      alert: 'RocketMQBacklogBeyondCapacity',
      side: 'broker',
      expr: `${backlog} > ${capacity}`,
      forSeconds: sustained,
      severity: 'critical',
      summary: `${who}: backlog will not drain within ${input.targetDrainSeconds}s even at ${input.maxReplicas} replicas`,
      description: `The backlog (ready + inflight) is above ${capacity} messages, what ${input.maxReplicas} pods × ${input.messagesPerSecondPerPod} msg/s drain in ${input.targetDrainSeconds}s.`,
      runbook:
        'Compare the arrival rate with maxReplicas × messagesPerSecondPerPod (dashboard); if consumers are slower than measured, look at their dependencies; raise maxReplicas only if the instance TPS allows it.',
    },
    {
      alert: 'RocketMQConsumptionDelay',
      side: 'broker',
      expr: `max(${lagLatencyMetric(input)}${labelSelector(group)}) > ${lagBound}`,
      forSeconds: sustained,
      severity: 'warning',
      summary: `${who}: the oldest unconsumed message is older than ${lagBound / 1000}s`,
      description: `Lag latency above ${lagBound} ms: the drain target (${input.targetDrainSeconds}s) plus one message's processing (${input.maxProcessingSeconds}s).`,
      runbook:
        'Check the replicas against maxReplicas (pinned at max?), then consumer logs for slow or stuck processing; an Orderly group is held up by one failing message.',
    },
    {
      alert: 'RocketMQDeadLetters',
      side: 'broker',
      // The broker creates a group's counter at its first dead letter, already at 1 (OpenTelemetry exports no
      // zero; tests/e2e/broker-metrics.test.ts): increase() sees 1 → 1, so a series newer than the window counts too.
      expr: `sum(increase(${dlq}[${FROM_ZERO_ARRIVAL_WINDOW}])) > 0 or sum(${dlq} unless ${dlq} offset ${FROM_ZERO_ARRIVAL_WINDOW}) > 0`,
      forSeconds: 0,
      severity: 'warning',
      summary: `${who}: messages moved to the dead-letter queue`,
      description: `Messages of group ${input.consumerGroup} exhausted their retries over the last ${FROM_ZERO_ARRIVAL_WINDOW} and went to its dead-letter topic.`,
      runbook:
        "Read the dead-lettered messages (console: message query on the group's dead-letter topic) and the consumer's error logs for the failure; resend them once fixed.",
    },
    {
      alert: 'RocketMQNobodyConsuming',
      side: 'broker',
      expr: `${arrivals} > 0 unless on() ${backlog}`,
      forSeconds: windowToSeconds(FROM_ZERO_ARRIVAL_WINDOW),
      severity: 'critical',
      summary: `${who}: messages arrive and no consumer of the group is online`,
      description: `Messages arrived on ${input.topic} over the last ${FROM_ZERO_ARRIVAL_WINDOW} and group ${input.consumerGroup} has no backlog series: no consumer is online, so nothing scales or drains.`,
      runbook:
        'kubectl get deploy,scaledobject,pods in the namespace: replicas 0 (scaled to zero and not woken?), pods crash-looping or unable to authenticate?',
    },
    {
      alert: 'KedaScalerFailing',
      side: 'cluster',
      expr: errors,
      forSeconds: windowSeconds,
      severity: input.fallback === false ? 'critical' : 'warning',
      summary: `${who}: KEDA cannot read the metrics of ScaledObject ${input.namespace}/${input.workload}`,
      description:
        input.fallback === false
          ? `The ScaledObject's triggers have errored for ${window}; with no fallback the HPA keeps the current replicas whatever the backlog.`
          : `The ScaledObject's triggers have errored for ${window}; after ${input.fallback.failureThreshold + 1} failed reads the HPA holds the fallback: ${input.fallback.replicas} replicas, or the current count if higher (fallback behavior currentReplicasIfHigher).`,
      runbook:
        'kubectl describe scaledobject (KEDAScalerFailed events) and the keda-operator logs: Prometheus endpoint reachable, auth Secret valid, the query returns one series?',
    },
  ];
  if (input.fallback !== false) {
    const fallbackSeconds = windowSeconds + (input.fallback.failureThreshold + 1) * HPA_SYNC_SECONDS;
    rules.push({
      alert: 'KedaFallbackActive',
      side: 'cluster',
      expr: errors,
      forSeconds: fallbackSeconds,
      severity: 'critical',
      summary: `${who}: KEDA's fallback holds at least ${input.fallback.replicas} replicas; scaling no longer follows the backlog`,
      description: `Errors for ${promDuration(fallbackSeconds)}: past ${input.fallback.failureThreshold + 1} failed HPA reads (${HPA_SYNC_SECONDS}s each) KEDA serves the fallback (KEDA 2.17.2 exports no fallback metric, so it is inferred from the errors).`,
      runbook:
        'Fix the metric source first (see KedaScalerFailing); kubectl get scaledobject shows the Fallback condition; check the fallback replicas keep up with the arrival rate meanwhile.',
    });
  }
  rules.push({
    alert: 'KedaPinnedAtMax',
    side: 'cluster',
    expr: `${HPA_CURRENT_REPLICAS_METRIC}${hpa} >= ${HPA_MAX_REPLICAS_METRIC}${hpa} and on() (deriv(${kedaBacklog}[${GROWTH_WINDOW}]) > 0)`,
    forSeconds: sustained,
    severity: 'warning',
    summary: `${who}: at its maximum of ${input.maxReplicas} replicas and the backlog still grows`,
    description: `The HPA keda-hpa-${input.workload} runs its maxReplicas while the backlog KEDA reads has grown over ${GROWTH_WINDOW}.`,
    runbook:
      'More pods would help only if they are the bottleneck: check the consumers CPU and dependencies, the instance TPS, and for queue-based consumers the queue count; then raise maxReplicas.',
  });
  return rules;
}

function windowToSeconds(window: string): number {
  const match = /^(\d+)([sm])$/.exec(window);
  if (match === null) throw new RangeError(`unsupported window ${window}`);
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
}

function requirePositive(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number, got ${value}`);
}

function requireInt(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
}
