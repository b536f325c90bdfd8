/**
 * BrokerAlertRules under the provider mocks: one ARMS rule per workload and broker-side rule, with the
 * expression of workloadAlertRules on the instance id known only after the instance exists, durations in whole
 * minutes, and the notification by dispatch rule or Alertmanager. Expected values are worked out by hand.
 */
import * as pulumi from '@pulumi/pulumi';
import {
  armsDurationMinutes,
  BrokerAlertRules,
  type BrokerAlertRulesArgs,
  brokerAlertRulesViolations,
  InvalidArgsError,
} from '../../constructs/cloud';
import { runWithMocks } from '../pulumi/harness';
import { CONTRACTS, contractViolations } from '../pulumi/provider-contract';

const RULE_TYPE = 'alicloud:arms/prometheusAlertRule:PrometheusAlertRule';
const ARMS = 'c0fakeprod000000000000000000000000';
const args: BrokerAlertRulesArgs = {
  armsPrometheusId: ARMS,
  instanceId: pulumi.output('rmq-cn-fakeprod0000'),
  workloads: [
    {
      environment: 'prod',
      workload: 'order-fulfilment',
      namespace: 'orders-prod',
      topic: 'orders',
      consumerGroup: 'order-fulfilment',
      messagesPerSecondPerPod: 50,
      targetDrainSeconds: 60,
      maxProcessingSeconds: 30,
      maxReplicas: 40,
      pollingIntervalSeconds: 15,
      fallback: { failureThreshold: 3, replicas: 10 },
    },
  ],
};

function run<T>(construct: () => T) {
  return runWithMocks('test', { 'alicloud:region': 'cn-hangzhou' }, construct);
}

describe('armsDurationMinutes', () => {
  test.each([
    [0, '1'],
    [60, '1'],
    [61, '2'],
    [300, '5'],
  ])('%d s is %s min', (seconds, minutes) => {
    expect(armsDurationMinutes(seconds)).toBe(minutes);
  });
});

describe('brokerAlertRulesViolations', () => {
  test('every rule broken is reported at once', () => {
    const first = args.workloads[0];
    expect(
      brokerAlertRulesViolations({
        armsPrometheusId: ' ',
        instanceId: 'x',
        dispatchRuleId: '',
        workloads: [first, { ...first, maxReplicas: 0 }],
      }),
    ).toEqual([
      'armsPrometheusId must be a non-empty string',
      'dispatchRuleId must not be empty',
      'workloads[1].workload ("order-fulfilment") must be unique',
      'workloads[1]: maxReplicas must be an integer >= 1, got 0',
    ]);
  });
});

describe('BrokerAlertRules', () => {
  test('registers the four broker-side rules of the workload through Alertmanager, on the instance id', async () => {
    const r = await run(() => new BrokerAlertRules('alerts', args));
    expect(r.error).toBeUndefined();
    const rules = r.resources.filter((x) => x.type === RULE_TYPE);
    expect(rules.map((x) => [x.name, x.parent, x.inputs.prometheusAlertRuleName, x.inputs.duration])).toEqual(
      [
        // for 60 s, 60 s, 0 s (at least 1 min in ARMS), 300 s.
        [
          'alerts-order-fulfilment-rocketmq-backlog-beyond-capacity',
          'alerts',
          'prod-order-fulfilment-RocketMQBacklogBeyondCapacity',
          '1',
        ],
        [
          'alerts-order-fulfilment-rocketmq-consumption-delay',
          'alerts',
          'prod-order-fulfilment-RocketMQConsumptionDelay',
          '1',
        ],
        [
          'alerts-order-fulfilment-rocketmq-dead-letters',
          'alerts',
          'prod-order-fulfilment-RocketMQDeadLetters',
          '1',
        ],
        [
          'alerts-order-fulfilment-rocketmq-nobody-consuming',
          'alerts',
          'prod-order-fulfilment-RocketMQNobodyConsuming',
          '5',
        ],
      ],
    );
    const backlog = rules[0].inputs;
    expect(backlog).toEqual({
      clusterId: ARMS,
      prometheusAlertRuleName: 'prod-order-fulfilment-RocketMQBacklogBeyondCapacity',
      expression:
        'sum({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", instance_id="rmq-cn-fakeprod0000", topic="orders", consumer_group="order-fulfilment"}) > 120000',
      duration: '1',
      message:
        'prod/order-fulfilment (group order-fulfilment, topic orders): backlog will not drain within 60s even at 40 replicas. Compare the arrival rate with maxReplicas × messagesPerSecondPerPod (dashboard); if consumers are slower than measured, look at their dependencies; raise maxReplicas only if the instance TPS allows it.',
      labels: [
        { name: 'severity', value: 'critical' },
        { name: 'environment', value: 'prod' },
        { name: 'workload', value: 'order-fulfilment' },
        { name: 'consumer_group', value: 'order-fulfilment' },
        { name: 'topic', value: 'orders' },
      ],
      annotations: [
        { name: 'summary', value: expect.stringContaining('backlog will not drain') as unknown },
        { name: 'description', value: expect.stringContaining('above 120000 messages') as unknown },
        { name: 'runbook', value: expect.stringContaining('Compare the arrival rate') as unknown },
      ],
      notifyType: 'ALERT_MANAGER',
    });
    // Every input holds the provider's contract (resource_alicloud_arms_prometheus_alert_rule.go).
    const contract = CONTRACTS.find((c) => c.type === RULE_TYPE)!;
    expect(rules.flatMap((x) => contractViolations(contract, x.name, x.inputs))).toEqual([]);
  });

  test('a dispatch rule sends DISPATCH_RULE with its id', async () => {
    const r = await run(() => new BrokerAlertRules('alerts', { ...args, dispatchRuleId: '10001' }));
    const inputs = r.resources
      .filter((x) => x.type === RULE_TYPE)
      .map((x) => [x.inputs.notifyType, x.inputs.dispatchRuleId]);
    expect(inputs).toEqual(Array(4).fill(['DISPATCH_RULE', '10001']));
  });

  test('invalid arguments throw before anything is registered', async () => {
    const r = await run(() => new BrokerAlertRules('alerts', { ...args, armsPrometheusId: '' }));
    expect(r.error).toBeInstanceOf(InvalidArgsError);
    expect((r.error as Error).message).toBe(
      'BrokerAlertRules "alerts" has invalid arguments:\n  - armsPrometheusId must be a non-empty string',
    );
    expect(r.resources).toEqual([]);
  });
});
