import {
  APACHE_LAG_LATENCY_METRIC,
  drainCapacity,
  kedaHpaName,
  lagLatencyBoundMs,
  promDuration,
  toPrometheusRule,
  alertLabels,
  workloadAlertRules,
  type WorkloadAlertsInput,
} from '../../constructs/shared/alerts';
import { PROD_ORDER_FULFILMENT } from './prod-order-fulfilment';

const orderFulfilment: WorkloadAlertsInput = PROD_ORDER_FULFILMENT;

describe('drainCapacity', () => {
  test.each([
    // maxReplicas × msg/s per pod × drain seconds, worked out by hand (prod's three workloads).
    [40, 50, 60, 120_000],
    [6, 200, 600, 720_000],
    [16, 30, 120, 57_600],
    // 0.29 × 100 = 28.999… in binary: rounded to 12 digits first, so 29, not 28.
    [1, 0.29, 100, 29],
    [3, 0.5, 1, 1],
  ])(
    '%d pods × %d msg/s × %d s = %d',
    (maxReplicas, messagesPerSecondPerPod, targetDrainSeconds, expected) => {
      expect(drainCapacity({ maxReplicas, messagesPerSecondPerPod, targetDrainSeconds })).toBe(expected);
    },
  );

  test('a non-positive input is refused with its name and value', () => {
    expect(() =>
      drainCapacity({ maxReplicas: 0, messagesPerSecondPerPod: 1, targetDrainSeconds: 1 }),
    ).toThrow('maxReplicas must be a positive number, got 0');
  });
});

describe('lagLatencyBoundMs', () => {
  test('is the drain target plus one message, in milliseconds', () => {
    expect(lagLatencyBoundMs({ targetDrainSeconds: 60, maxProcessingSeconds: 30 })).toBe(90_000);
    expect(lagLatencyBoundMs({ targetDrainSeconds: 600, maxProcessingSeconds: 10 })).toBe(610_000);
  });
});

describe('promDuration', () => {
  test.each([
    [0, '0s'],
    [15, '15s'],
    [60, '1m'],
    [120, '2m'],
    [90, '1m30s'],
    [3600, '1h'],
    [3725, '1h2m5s'],
  ])('%d s is %s', (seconds, expected) => {
    expect(promDuration(seconds)).toBe(expected);
  });

  test('a fraction of a second is refused', () => {
    expect(() => promDuration(1.5)).toThrow(
      'duration must be a non-negative whole number of seconds, got 1.5',
    );
  });
});

describe('kedaHpaName', () => {
  test('is keda-hpa-<ScaledObject name>', () => {
    expect(kedaHpaName('order-fulfilment')).toBe('keda-hpa-order-fulfilment');
  });
});

describe('workloadAlertRules', () => {
  const rules = workloadAlertRules(orderFulfilment);
  const byName = Object.fromEntries(rules.map((r) => [r.alert, r]));

  test('gives every rule once, broker side first', () => {
    expect(rules.map((r) => [r.alert, r.side, r.severity, r.forSeconds])).toEqual([
      ['RocketMQBacklogBeyondCapacity', 'broker', 'critical', 60],
      ['RocketMQConsumptionDelay', 'broker', 'warning', 60],
      ['RocketMQDeadLetters', 'broker', 'warning', 0],
      ['RocketMQNobodyConsuming', 'broker', 'critical', 300],
      ['KedaScalerFailing', 'cluster', 'warning', 60],
      // 60 s window + (3 + 1) HPA syncs of 15 s.
      ['KedaFallbackActive', 'cluster', 'critical', 120],
      ['KedaPinnedAtMax', 'cluster', 'warning', 60],
    ]);
  });

  test('the backlog rule compares the ScaledObject backlog query with 40 × 50 × 60', () => {
    expect(byName.RocketMQBacklogBeyondCapacity?.expr).toBe(
      'sum({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", instance_id="rmq-cn-fakeprod0000", topic="orders", consumer_group="order-fulfilment"}) > 120000',
    );
  });

  test('the delay rule reads ARMS lag latency, or the gauge Apache RocketMQ exports when told', () => {
    const group = 'instance_id="rmq-cn-fakeprod0000", topic="orders", consumer_group="order-fulfilment"';
    // (60 s drain + 30 s per message) × 1000.
    expect(byName.RocketMQConsumptionDelay?.expr).toBe(
      `max(rocketmq_consumer_lag_latency{${group}}) > 90000`,
    );
    const apache = workloadAlertRules({
      ...orderFulfilment,
      lagLatencyMetricName: APACHE_LAG_LATENCY_METRIC,
    });
    expect(apache.find((r) => r.alert === 'RocketMQConsumptionDelay')?.expr).toBe(
      `max(rocketmq_consumer_lag_latency_milliseconds{${group}}) > 90000`,
    );
  });

  test("the dead-letter rule counts a group's counter that is new within 5 min, as the broker creates it at 1", () => {
    const dlq =
      'rocketmq_send_to_dlq_messages_total{instance_id="rmq-cn-fakeprod0000", consumer_group="order-fulfilment"}';
    expect(byName.RocketMQDeadLetters?.expr).toBe(
      `sum(increase(${dlq}[5m])) > 0 or sum(${dlq} unless ${dlq} offset 5m) > 0`,
    );
  });

  test('the cluster rules select the ScaledObject and its HPA by namespace and name', () => {
    expect(byName.KedaScalerFailing?.expr).toBe(
      'sum(increase(keda_scaled_object_errors_total{namespace="orders-prod", scaledObject="order-fulfilment"}[1m])) > 0',
    );
    expect(byName.KedaPinnedAtMax?.expr).toBe(
      'kube_horizontalpodautoscaler_status_current_replicas{namespace="orders-prod", horizontalpodautoscaler="keda-hpa-order-fulfilment"} >= kube_horizontalpodautoscaler_spec_max_replicas{namespace="orders-prod", horizontalpodautoscaler="keda-hpa-order-fulfilment"} and on() (deriv(keda_scaler_metrics_value{namespace="orders-prod", scaledObject="order-fulfilment", scaler="backlog", type="scaledobject"}[5m]) > 0)',
    );
  });

  test('the summary names the environment, workload and group', () => {
    expect(byName.RocketMQBacklogBeyondCapacity?.summary).toBe(
      'prod/order-fulfilment (group order-fulfilment, topic orders): backlog will not drain within 60s even at 40 replicas',
    );
  });

  test('without a fallback there is no fallback rule and a failing scaler is critical', () => {
    const noFallback = workloadAlertRules({ ...orderFulfilment, fallback: false });
    expect(noFallback.map((r) => r.alert)).not.toContain('KedaFallbackActive');
    expect(noFallback.find((r) => r.alert === 'KedaScalerFailing')?.severity).toBe('critical');
  });

  test('a slow poll widens the error window to two polls', () => {
    const slow = workloadAlertRules({ ...orderFulfilment, pollingIntervalSeconds: 45 });
    const failing = slow.find((r) => r.alert === 'KedaScalerFailing');
    expect([failing?.forSeconds, failing?.expr.includes('[1m30s]')]).toEqual([90, true]);
  });

  test('label values are escaped as PromQL strings, never interpolated raw', () => {
    const odd = workloadAlertRules({ ...orderFulfilment, consumerGroup: 'a"b' });
    expect(odd[0]?.expr).toContain('consumer_group="a\\"b"');
  });

  test.each([
    ['maxReplicas', { maxReplicas: 0 }, 'maxReplicas must be an integer >= 1, got 0'],
    [
      'pollingIntervalSeconds',
      { pollingIntervalSeconds: 1.5 },
      'pollingIntervalSeconds must be an integer >= 1, got 1.5',
    ],
    [
      'fallback.failureThreshold',
      { fallback: { failureThreshold: -1, replicas: 1 } },
      'fallback.failureThreshold must be an integer >= 0, got -1',
    ],
  ])('an invalid %s is refused', (_field, patch, message) => {
    expect(() => workloadAlertRules({ ...orderFulfilment, ...patch })).toThrow(message);
  });
});

describe('toPrometheusRule', () => {
  test('spells the rule as a rule file does, the severity over the common labels', () => {
    const [first] = workloadAlertRules(orderFulfilment);
    if (first === undefined) throw new Error('no rule');
    expect(toPrometheusRule(first, alertLabels(orderFulfilment, 'warning'))).toEqual({
      alert: 'RocketMQBacklogBeyondCapacity',
      expr: first.expr,
      for: '1m',
      labels: {
        severity: 'critical',
        environment: 'prod',
        workload: 'order-fulfilment',
        consumer_group: 'order-fulfilment',
        topic: 'orders',
      },
      annotations: { summary: first.summary, description: first.description, runbook: first.runbook },
    });
  });
});

describe('KedaPinnedAtMax with the demand trigger (issue 28)', () => {
  test("reads the demand trigger's series: KEDA labels keda_scaler_metrics_value with the trigger's name", () => {
    const rules = workloadAlertRules({ ...orderFulfilment, fallback: false, backlogTrigger: 'demand' });
    expect(rules.find((r) => r.alert === 'KedaPinnedAtMax')!.expr).toContain(
      'deriv(keda_scaler_metrics_value{namespace="orders-prod", scaledObject="order-fulfilment", scaler="demand", type="scaledobject"}[5m]) > 0',
    );
  });
});
