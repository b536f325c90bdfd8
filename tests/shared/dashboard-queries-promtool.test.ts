/**
 * Every panel query of the dashboard on real Prometheus (promtool promql_expr_test), on series labelled as the
 * broker (ARMS), KEDA 2.17.2 and kube-state-metrics export them, with values worked out by hand. Workload: prod's
 * order-fulfilment (max 40 replicas × 50 msg/s × 60 s = 120000).
 */
import type { WorkloadAlertsInput } from '../../constructs/shared/alerts';
import { workloadPanels } from '../../constructs/shared/dashboard-queries';
import { describeWithPrometheus } from '../synth/prometheus-harness';
import { type PromtoolTest, testRules } from './promtool';
import { PROD_ORDER_FULFILMENT } from './prod-order-fulfilment';

const input: WorkloadAlertsInput = PROD_ORDER_FULFILMENT;
const panels = workloadPanels(input);
const query = (legend: string): string => {
  const found = panels.flatMap((p) => p.queries).find((q) => q.legend === legend);
  if (found === undefined) throw new Error(`no query ${legend}`);
  return found.expr;
};

const broker = 'instance_id="rmq-cn-fakeprod0000", cluster="rmq-cn-fakeprod0000", node_type="broker"';
const group = `${broker}, topic="orders", consumer_group="order-fulfilment"`;
const other = `${broker}, topic="orders", consumer_group="order-analytics"`;
const ksm =
  'job="kube-state-metrics", namespace="orders-prod", horizontalpodautoscaler="keda-hpa-order-fulfilment"';
/** A selector without aggregation keeps the metric name beside the series' labels. */
const ksmLabels = (metric: string) =>
  `{__name__="${metric}", horizontalpodautoscaler="keda-hpa-order-fulfilment", job="kube-state-metrics", namespace="orders-prod"}`;

const series: PromtoolTest['input_series'] = [
  { series: `rocketmq_consumer_ready_messages{${group}}`, values: '1000+100x20' },
  { series: `rocketmq_consumer_inflight_messages{${group}}`, values: '50x20' },
  { series: `rocketmq_consumer_ready_messages{${other}}`, values: '99999x20' },
  // 30 messages per 15 s scrape: 2 msg/s arriving; the group consumes 15 per scrape, 1 msg/s.
  {
    series: `rocketmq_messages_in_total{${broker}, topic="orders", message_type="Normal"}`,
    values: '0+30x20',
  },
  { series: `rocketmq_messages_out_total{${group}}`, values: '0+15x20' },
  { series: `rocketmq_messages_out_total{${other}}`, values: '0+300x20' },
  { series: `rocketmq_consumer_lag_latency{${group}, is_retry="false"}`, values: '4000x20' },
  { series: `rocketmq_consumer_lag_latency{${group}, is_retry="true"}`, values: '9000x20' },
  { series: `kube_horizontalpodautoscaler_status_current_replicas{${ksm}}`, values: '12x20' },
  { series: `kube_horizontalpodautoscaler_status_desired_replicas{${ksm}}`, values: '14x20' },
  { series: `kube_horizontalpodautoscaler_spec_max_replicas{${ksm}}`, values: '40x20' },
  // +2 errors per 15 s scrape: 8 over a minute.
  {
    series:
      'keda_scaled_object_errors_total{job="keda-operator", namespace="orders-prod", scaledObject="order-fulfilment"}',
    values: '0+2x20',
  },
];

describeWithPrometheus('dashboard panel queries on promtool')('dashboard panel queries on promtool', () => {
  test('every panel query of the workload returns the hand-worked value at 5 min', () => {
    // At 300 s (k = 20): ready 1000 + 100 × 20 = 3000, inflight 50.
    const expected: [string, string, number][] = [
      ['backlog', '{}', 3050],
      ['capacity', '{}', 120000],
      ['current', ksmLabels('kube_horizontalpodautoscaler_status_current_replicas'), 12],
      ['desired', ksmLabels('kube_horizontalpodautoscaler_status_desired_replicas'), 14],
      ['max', ksmLabels('kube_horizontalpodautoscaler_spec_max_replicas'), 40],
      // rate over 1 min of +30 per 15 s = 2/s; +15 per 15 s = 1/s.
      ['arrivals/s', '{}', 2],
      ['consumed/s', '{}', 1],
      // max over is_retry: 9000 ms.
      ['lag latency', '{}', 9000],
      ['errors/min', '{}', 8],
    ];
    const covered = panels.flatMap((p) => p.queries.map((q) => q.legend)).sort();
    expect(expected.map(([legend]) => legend).sort()).toEqual(covered);
    const run = testRules({ groups: [] }, [
      {
        name: 'panels',
        interval: '15s',
        input_series: series,
        promql_expr_test: expected.map(([legend, labels, value]) => ({
          expr: query(legend),
          eval_time: '5m',
          exp_samples: [{ labels, value }],
        })),
      },
    ]);
    expect({ status: run.status, output: run.output }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });
});

describe('workloadPanels', () => {
  test('the lag latency panel reads the gauge a self-managed broker exports when told (lagLatencyMetricName)', () => {
    const apache = workloadPanels({
      ...input,
      lagLatencyMetricName: 'rocketmq_consumer_lag_latency_milliseconds',
    })
      .flatMap((p) => p.queries)
      .find((q) => q.legend === 'lag latency');
    expect(apache?.expr).toBe(
      'max(rocketmq_consumer_lag_latency_milliseconds{instance_id="rmq-cn-fakeprod0000", topic="orders", consumer_group="order-fulfilment"})',
    );
    expect(query('lag latency')).toBe(
      'max(rocketmq_consumer_lag_latency{instance_id="rmq-cn-fakeprod0000", topic="orders", consumer_group="order-fulfilment"})',
    );
  });
});
