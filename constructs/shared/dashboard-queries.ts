/**
 * The queries of a workload's dashboard panels, built from the same builders as the ScaledObject and the alert
 * rules, so what the dashboard shows is what scales and what alerts. Pure; the tests run every one on promtool.
 */
import {
  brokerScope,
  drainCapacity,
  HPA_CURRENT_REPLICAS_METRIC,
  HPA_MAX_REPLICAS_METRIC,
  KEDA_SCALED_OBJECT_ERRORS_METRIC,
  kedaHpaName,
  lagLatencyMetric,
  type WorkloadAlertsInput,
} from './alerts';
import {
  ARRIVAL_RATE_WINDOW,
  arrivalRateQuery,
  backlogQuery,
  brokerScopeLabels,
  promqlString,
} from './promql';

/** kube-state-metrics: the replicas the HPA asks for. Source: kube-state-metrics docs/horizontalpodautoscaler-metrics.md. */
export const HPA_DESIRED_REPLICAS_METRIC = 'kube_horizontalpodautoscaler_status_desired_replicas';
/** Messages the group consumed. Source: apache/rocketmq BrokerMetricsConstant COUNTER_MESSAGES_OUT_TOTAL. */
export const MESSAGES_OUT_METRIC = 'rocketmq_messages_out_total';

/** Which Prometheus a query runs on: the one holding the broker metrics (ARMS) or the cluster's. */
export type QuerySource = 'broker' | 'cluster';

/** One query of a panel. */
export interface PanelQuery {
  /** The Prometheus it runs on. */
  readonly source: QuerySource;
  /** Legend of the series. */
  readonly legend: string;
  /** PromQL, run by the tests on promtool. */
  readonly expr: string;
}

/** One panel of a workload's row. */
export interface PanelSpec {
  /** Panel title. */
  readonly title: string;
  /** Grafana unit id. */
  readonly unit: string;
  /** Its queries, all on one source. */
  readonly queries: readonly PanelQuery[];
}

function selector(labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${promqlString(v)}`)
    .join(', ')}}`;
}

/** The panels of one workload, in order: backlog, replicas, rates, lag latency, scaler errors. */
export function workloadPanels(input: WorkloadAlertsInput): PanelSpec[] {
  const scope = brokerScope(input);
  const group = { ...brokerScopeLabels(input), topic: input.topic, consumer_group: input.consumerGroup };
  const hpa = selector({ namespace: input.namespace, horizontalpodautoscaler: kedaHpaName(input.workload) });
  return [
    {
      title: `${input.workload}: backlog against what ${input.maxReplicas} replicas drain in ${input.targetDrainSeconds}s`,
      unit: 'short',
      queries: [
        {
          source: 'broker',
          legend: 'backlog',
          expr: backlogQuery({
            ...scope,
            topic: input.topic,
            consumerGroup: input.consumerGroup,
          }),
        },
        { source: 'broker', legend: 'capacity', expr: `vector(${drainCapacity(input)})` },
      ],
    },
    {
      title: `${input.workload}: replicas against desired and max`,
      unit: 'short',
      queries: [
        { source: 'cluster', legend: 'current', expr: `${HPA_CURRENT_REPLICAS_METRIC}${hpa}` },
        { source: 'cluster', legend: 'desired', expr: `${HPA_DESIRED_REPLICAS_METRIC}${hpa}` },
        { source: 'cluster', legend: 'max', expr: `${HPA_MAX_REPLICAS_METRIC}${hpa}` },
      ],
    },
    {
      title: `${input.workload}: arrival and consumption rates`,
      unit: 'short',
      queries: [
        {
          source: 'broker',
          legend: 'arrivals/s',
          expr: arrivalRateQuery({
            ...scope,
            topic: input.topic,
            ...(input.arrivalMetricName !== undefined && { metricName: input.arrivalMetricName }),
          }),
        },
        {
          source: 'broker',
          legend: 'consumed/s',
          expr: `sum(rate(${MESSAGES_OUT_METRIC}${selector(group)}[${ARRIVAL_RATE_WINDOW}]))`,
        },
      ],
    },
    {
      title: `${input.workload}: lag latency (oldest unconsumed message)`,
      unit: 'ms',
      queries: [
        {
          source: 'broker',
          legend: 'lag latency',
          expr: `max(${lagLatencyMetric(input)}${selector(group)})`,
        },
      ],
    },
    {
      title: `${input.workload}: KEDA scaler errors`,
      unit: 'short',
      queries: [
        {
          source: 'cluster',
          legend: 'errors/min',
          expr: `sum(increase(${KEDA_SCALED_OBJECT_ERRORS_METRIC}${selector({ namespace: input.namespace, scaledObject: input.workload })}[1m]))`,
        },
      ],
    },
  ];
}
