/**
 * The alert rules on real Prometheus: `promtool check rules` and `promtool test rules` with, per rule, a case that
 * fires and one that stays quiet, on series labelled as the broker (ARMS cloud-service metrics), the KEDA
 * operator (v2.17.2 prommetrics.go) and kube-state-metrics export them. Workload: prod's order-fulfilment
 * (50 msg/s per pod, drain 60 s, 30 s per message, max 40 replicas, polling 15 s, fallback 3 / 10 replicas).
 */
import {
  alertLabels,
  type AlertRule,
  toPrometheusRule,
  workloadAlertRules,
  type WorkloadAlertsInput,
} from '../../constructs/shared/alerts';
import { describeWithPrometheus } from '../synth/prometheus-harness';
import { checkRules, type PromtoolTest, type RuleFile, testRules } from './promtool';
import { PROD_ORDER_FULFILMENT } from './prod-order-fulfilment';

const input: WorkloadAlertsInput = PROD_ORDER_FULFILMENT;
const rules = workloadAlertRules(input);
const ruleFile: RuleFile = {
  groups: [
    {
      name: 'apsaramq-keda.prod.order-fulfilment',
      rules: rules.map((r) => toPrometheusRule(r, alertLabels(input, r.severity))),
    },
  ],
};

function rule(alert: string): AlertRule {
  const found = rules.find((r) => r.alert === alert);
  if (found === undefined) throw new Error(`no rule ${alert}`);
  return found;
}

/** The alert as promtool reports it: the rule's labels over the series' (sum/max leave none), its annotations. */
function firing(alert: string, seriesLabels: Record<string, string> = {}) {
  const r = rule(alert);
  return {
    exp_labels: { ...seriesLabels, ...alertLabels(input, r.severity) },
    exp_annotations: { summary: r.summary, description: r.description, runbook: r.runbook },
  };
}

// Labels of the cloud-service metrics in ARMS beside the ones the queries select on.
const broker = 'instance_id="rmq-cn-fakeprod0000", cluster="rmq-cn-fakeprod0000", node_type="broker"';
const group = `${broker}, topic="orders", consumer_group="order-fulfilment"`;
const otherGroup = `${broker}, topic="orders", consumer_group="order-analytics"`;
const keda = 'job="keda-operator", namespace="orders-prod", scaledObject="order-fulfilment"';
const kedaBacklog = `${keda}, scaler="backlog", triggerIndex="0", metric="s0-prometheus", type="scaledobject"`;
const ksmLabels = {
  job: 'kube-state-metrics',
  namespace: 'orders-prod',
  horizontalpodautoscaler: 'keda-hpa-order-fulfilment',
};
const ksm =
  'job="kube-state-metrics", namespace="orders-prod", horizontalpodautoscaler="keda-hpa-order-fulfilment"';

/** promtool's verdict on the unit tests, for `toEqual(PASSED)`: its output names the failing case. */
function promtoolTest(tests: PromtoolTest[]): { status: number | null; output: string } {
  const run = testRules(ruleFile, tests);
  return { status: run.status, output: run.output };
}
const PASSED = { status: 0, output: expect.stringContaining('SUCCESS') };

// promtool ships in the same Debian package as prometheus, so the prometheus gate covers it.
describeWithPrometheus('workloadAlertRules on promtool')('workloadAlertRules on promtool', () => {
  test('promtool check rules accepts every rule of the workload', () => {
    const run = checkRules(ruleFile);
    expect(run.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(run.status).toBe(0);
  });

  test('backlog beyond capacity fires once the backlog has stayed above 120000 for 60 s, not before', () => {
    // Ready 100000 + 1000 per 15 s scrape, inflight 2000: the sum is 102000 + 1000k at k × 15 s, above 120000
    // from k = 19 (285 s). Evaluated each minute: pending at 300 s, firing at 360 s (60 s later).
    expect(
      promtoolTest([
        {
          name: 'fires',
          interval: '15s',
          input_series: [
            { series: `rocketmq_consumer_ready_messages{${group}}`, values: '100000+1000x40' },
            { series: `rocketmq_consumer_inflight_messages{${group}}`, values: '2000x40' },
            // Another group's backlog on the same topic never counts.
            { series: `rocketmq_consumer_ready_messages{${otherGroup}}`, values: '500000x40' },
          ],
          alert_rule_test: [
            { eval_time: '5m', alertname: 'RocketMQBacklogBeyondCapacity', exp_alerts: [] },
            {
              eval_time: '6m',
              alertname: 'RocketMQBacklogBeyondCapacity',
              exp_alerts: [firing('RocketMQBacklogBeyondCapacity')],
            },
          ],
        },
        {
          name: 'quiet at exactly the capacity',
          interval: '15s',
          input_series: [
            { series: `rocketmq_consumer_ready_messages{${group}}`, values: '118000x40' },
            { series: `rocketmq_consumer_inflight_messages{${group}}`, values: '2000x40' },
          ],
          alert_rule_test: [{ eval_time: '10m', alertname: 'RocketMQBacklogBeyondCapacity', exp_alerts: [] }],
        },
      ]),
    ).toEqual(PASSED);
  });

  test('consumption delay fires after the lag latency stays above 90000 ms for 60 s', () => {
    // 60000 + 15000 ms per scrape: 105000 at 45 s; true at the 60 s evaluation, firing at 120 s.
    expect(
      promtoolTest([
        {
          name: 'fires',
          interval: '15s',
          input_series: [
            {
              series: `rocketmq_consumer_lag_latency{${group}, is_retry="false"}`,
              values: '60000+15000x20',
            },
            { series: `rocketmq_consumer_lag_latency{${group}, is_retry="true"}`, values: '0x20' },
          ],
          alert_rule_test: [
            { eval_time: '1m', alertname: 'RocketMQConsumptionDelay', exp_alerts: [] },
            {
              eval_time: '2m',
              alertname: 'RocketMQConsumptionDelay',
              exp_alerts: [firing('RocketMQConsumptionDelay')],
            },
          ],
        },
        {
          name: 'quiet at the bound',
          interval: '15s',
          input_series: [
            { series: `rocketmq_consumer_lag_latency{${group}, is_retry="false"}`, values: '90000x40' },
            { series: `rocketmq_consumer_lag_latency{${otherGroup}, is_retry="false"}`, values: '900000x40' },
          ],
          alert_rule_test: [{ eval_time: '10m', alertname: 'RocketMQConsumptionDelay', exp_alerts: [] }],
        },
      ]),
    ).toEqual(PASSED);
  });

  test('dead letters fire at the first dead-lettered message and clear 5 min after the last', () => {
    // 0 until 150 s, 1 from 165 s: increase > 0 at the 180 s evaluation (for 0); at 480 s the 5 min window
    // [180 s, 480 s] holds only 1s: quiet again.
    expect(
      promtoolTest([
        {
          name: 'fires, then clears',
          interval: '15s',
          input_series: [
            {
              series: `rocketmq_send_to_dlq_messages_total{${broker}, consumer_group="order-fulfilment", is_system="false"}`,
              values: '0x10 1x30',
            },
          ],
          alert_rule_test: [
            { eval_time: '2m', alertname: 'RocketMQDeadLetters', exp_alerts: [] },
            {
              eval_time: '3m',
              alertname: 'RocketMQDeadLetters',
              exp_alerts: [firing('RocketMQDeadLetters')],
            },
            { eval_time: '8m', alertname: 'RocketMQDeadLetters', exp_alerts: [] },
          ],
        },
        {
          // As the real broker exports it (tests/e2e/broker-metrics.test.ts): no series until the group's first
          // dead letter, then a counter born at 1. increase() sees 1 → 1, so only the new series tells.
          name: 'fires at the first dead letter of a group: a series born at 1',
          interval: '15s',
          input_series: [
            {
              series: `rocketmq_send_to_dlq_messages_total{${broker}, consumer_group="order-fulfilment", is_system="false"}`,
              values: '_x10 1x30',
            },
          ],
          alert_rule_test: [
            { eval_time: '2m', alertname: 'RocketMQDeadLetters', exp_alerts: [] },
            {
              eval_time: '3m',
              alertname: 'RocketMQDeadLetters',
              exp_alerts: [firing('RocketMQDeadLetters')],
            },
            // Born at 150 s: `offset 5m` first finds it at 450 s (7.5 min).
            {
              eval_time: '7m',
              alertname: 'RocketMQDeadLetters',
              exp_alerts: [firing('RocketMQDeadLetters')],
            },
            { eval_time: '8m', alertname: 'RocketMQDeadLetters', exp_alerts: [] },
          ],
        },
        {
          name: 'quiet: another group dead-letters',
          interval: '15s',
          input_series: [
            {
              series: `rocketmq_send_to_dlq_messages_total{${broker}, consumer_group="order-fulfilment", is_system="false"}`,
              values: '3x40',
            },
            {
              series: `rocketmq_send_to_dlq_messages_total{${broker}, consumer_group="order-analytics", is_system="false"}`,
              values: '0+1x40',
            },
          ],
          alert_rule_test: [{ eval_time: '10m', alertname: 'RocketMQDeadLetters', exp_alerts: [] }],
        },
      ]),
    ).toEqual(PASSED);
  });

  test('nobody consuming fires when messages arrive for 5 min and the group has no series', () => {
    // Arrivals +10 per scrape: increase > 0 from the 60 s evaluation (two samples); firing 300 s later, at 6 min.
    expect(
      promtoolTest([
        {
          name: 'fires',
          interval: '15s',
          input_series: [
            {
              series: `rocketmq_messages_in_total{${broker}, topic="orders", message_type="Normal"}`,
              values: '0+10x40',
            },
            // The other group is online: its series do not hide the absence of ours.
            { series: `rocketmq_consumer_ready_messages{${otherGroup}}`, values: '0x40' },
          ],
          alert_rule_test: [
            { eval_time: '5m', alertname: 'RocketMQNobodyConsuming', exp_alerts: [] },
            {
              eval_time: '6m',
              alertname: 'RocketMQNobodyConsuming',
              exp_alerts: [firing('RocketMQNobodyConsuming')],
            },
          ],
        },
        {
          name: 'quiet: the group has a series, even at 0',
          interval: '15s',
          input_series: [
            {
              series: `rocketmq_messages_in_total{${broker}, topic="orders", message_type="Normal"}`,
              values: '0+10x40',
            },
            { series: `rocketmq_consumer_ready_messages{${group}}`, values: '0x40' },
            { series: `rocketmq_consumer_inflight_messages{${group}}`, values: '0x40' },
          ],
          alert_rule_test: [{ eval_time: '10m', alertname: 'RocketMQNobodyConsuming', exp_alerts: [] }],
        },
      ]),
    ).toEqual(PASSED);
  });

  test('scaler failing fires 60 s after the errors start, fallback active 120 s after, both quiet after', () => {
    // 0 until 120 s, then +1 per scrape from 135 s to 435 s, flat after. The 60 s window sees errors at the
    // 180 s evaluation: ScalerFailing fires at 240 s, FallbackActive (for 120 s) at 300 s. The window
    // [480 s, 540 s] is flat: both quiet at 9 min.
    expect(
      promtoolTest([
        {
          name: 'fires, then clears',
          interval: '15s',
          input_series: [
            { series: `keda_scaled_object_errors_total{${keda}}`, values: '0x8 1+1x20 21x40' },
            // Another ScaledObject's errors in the same namespace do not count.
            {
              series:
                'keda_scaled_object_errors_total{job="keda-operator", namespace="orders-prod", scaledObject="order-analytics"}',
              values: '0+1x70',
            },
          ],
          alert_rule_test: [
            { eval_time: '3m', alertname: 'KedaScalerFailing', exp_alerts: [] },
            { eval_time: '4m', alertname: 'KedaScalerFailing', exp_alerts: [firing('KedaScalerFailing')] },
            { eval_time: '4m', alertname: 'KedaFallbackActive', exp_alerts: [] },
            { eval_time: '5m', alertname: 'KedaFallbackActive', exp_alerts: [firing('KedaFallbackActive')] },
            { eval_time: '9m', alertname: 'KedaScalerFailing', exp_alerts: [] },
            { eval_time: '9m', alertname: 'KedaFallbackActive', exp_alerts: [] },
          ],
        },
        {
          name: 'quiet: the counter is initialised to 0 and stays there',
          interval: '15s',
          input_series: [{ series: `keda_scaled_object_errors_total{${keda}}`, values: '0x40' }],
          alert_rule_test: [
            { eval_time: '10m', alertname: 'KedaScalerFailing', exp_alerts: [] },
            { eval_time: '10m', alertname: 'KedaFallbackActive', exp_alerts: [] },
          ],
        },
      ]),
    ).toEqual(PASSED);
  });

  test('pinned at max fires when the HPA runs 40 of 40 replicas for 60 s while the backlog grows', () => {
    // deriv over 5 min is positive from two samples (15 s): true at the 60 s evaluation, firing at 120 s.
    expect(
      promtoolTest([
        {
          name: 'fires',
          interval: '15s',
          input_series: [
            { series: `kube_horizontalpodautoscaler_status_current_replicas{${ksm}}`, values: '40x40' },
            { series: `kube_horizontalpodautoscaler_spec_max_replicas{${ksm}}`, values: '40x40' },
            { series: `keda_scaler_metrics_value{${kedaBacklog}}`, values: '100000+500x40' },
          ],
          alert_rule_test: [
            { eval_time: '1m', alertname: 'KedaPinnedAtMax', exp_alerts: [] },
            {
              eval_time: '2m',
              alertname: 'KedaPinnedAtMax',
              exp_alerts: [firing('KedaPinnedAtMax', ksmLabels)],
            },
          ],
        },
        {
          name: 'quiet: at max while the backlog shrinks, or growing below max',
          interval: '15s',
          input_series: [
            { series: `kube_horizontalpodautoscaler_status_current_replicas{${ksm}}`, values: '40x20 39x20' },
            { series: `kube_horizontalpodautoscaler_spec_max_replicas{${ksm}}`, values: '40x40' },
            { series: `keda_scaler_metrics_value{${kedaBacklog}}`, values: '100000-500x20 90000+500x20' },
          ],
          alert_rule_test: [
            { eval_time: '4m', alertname: 'KedaPinnedAtMax', exp_alerts: [] },
            { eval_time: '9m', alertname: 'KedaPinnedAtMax', exp_alerts: [] },
          ],
        },
      ]),
    ).toEqual(PASSED);
  });
});
