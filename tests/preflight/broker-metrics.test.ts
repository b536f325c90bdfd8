/**
 * The preflight's broker-metrics check (issue 26): the guide's ARMS prerequisite ("Aliyun RocketMQ (5.0) Service
 * integrated in the ARMS console") is a console step no provider resource takes, so the preflight reports whether
 * the instance's metrics reach the Prometheus KEDA reads. Its query runs on real Prometheus (promtool) over series
 * labelled as ARMS labels them; its verdicts are worked out by hand.
 */
import {
  brokerMetricsQuery,
  classifyQueryAnswer,
  formatResult,
  judgeBrokerMetrics,
} from '../../infra/preflight/classify';
import { type PromtoolTest, testRules } from '../shared/promtool';
import { describeWithPrometheus } from '../synth/prometheus-harness';

const where = { scope: 'rmq-cn-abc', serverAddress: 'https://arms.example/api', environment: 'prod' };
const vector = (series: unknown[]): string =>
  JSON.stringify({ status: 'success', data: { resultType: 'vector', result: series } });

describe('brokerMetricsQuery', () => {
  test('counts every rocketmq_* series of exactly the instance, its id escaped as a PromQL string', () => {
    expect(brokerMetricsQuery('rmq-cn-abc')).toBe(
      'count({__name__=~"rocketmq_.+", instance_id="rmq-cn-abc"})',
    );
    expect(brokerMetricsQuery('a"b\\c')).toBe('count({__name__=~"rocketmq_.+", instance_id="a\\"b\\\\c"})');
  });
});

describe('judgeBrokerMetrics', () => {
  test('series there: ok, with their count', () => {
    const outcome = classifyQueryAnswer(200, vector([{ metric: {}, value: [1767000000, '37'] }]));
    expect(judgeBrokerMetrics(outcome, where)).toEqual({
      status: 'ok',
      message: '37 rocketmq_* series with instance_id rmq-cn-abc at https://arms.example/api',
    });
    expect(
      formatResult({
        check: 'broker-metrics',
        object: 'instance rmq-cn-abc',
        ...judgeBrokerMetrics(outcome, where),
      }),
    ).toBe(
      'ok   broker-metrics instance rmq-cn-abc: 37 rocketmq_* series with instance_id rmq-cn-abc at https://arms.example/api',
    );
  });

  test('no series: FAIL naming the console step the stack cannot take', () => {
    expect(judgeBrokerMetrics(classifyQueryAnswer(200, vector([])), where)).toEqual({
      status: 'FAIL',
      message:
        "no rocketmq_* series with instance_id rmq-cn-abc at https://arms.example/api: the instance's metrics do not reach the Prometheus KEDA reads, so nothing scales or alerts",
      fix: 'integrate "Alibaba Cloud RocketMQ (5.0)" in the ARMS console (Integration Center), a step pulumi up cannot take (infra/README.md), and check that instanceId in the hand-off is the instance\'s',
    });
  });

  test.each([
    [
      'a refused token',
      401,
      'Unauthorized',
      {
        status: 'FAIL',
        message: 'https://arms.example/api answered HTTP 401: Unauthorized',
        fix: 'the credentials in the Secret are refused: rotate them with pulumi up --stack prod',
      },
    ],
    [
      'a server error',
      502,
      'bad gateway',
      {
        status: 'FAIL',
        message: 'https://arms.example/api answered HTTP 502: bad gateway',
        fix: 'check the serverAddress in the hand-off (npm run outputs)',
      },
    ],
    [
      'a login page',
      200,
      '<html>login</html>',
      {
        status: 'FAIL',
        message: 'https://arms.example/api answered no Prometheus result: not JSON: <html>login</html>',
        fix: 'serverAddress must be the Prometheus HTTP API base (KEDA appends /api/v1/query)',
      },
    ],
    [
      'two series to a count() (no Prometheus)',
      200,
      vector([
        { metric: { a: '1' }, value: [1, '1'] },
        { metric: { a: '2' }, value: [1, '1'] },
      ]),
      {
        status: 'FAIL',
        message: 'https://arms.example/api answered 2 series to a count(): not a Prometheus API',
        fix: 'serverAddress must be the Prometheus HTTP API base (KEDA appends /api/v1/query)',
      },
    ],
  ])('%s: FAIL with the answer and the fix', (_name, status, text, expected) => {
    expect(judgeBrokerMetrics(classifyQueryAnswer(status, text), where)).toEqual(expected);
  });
});

describeWithPrometheus('the broker-metrics query on Prometheus')(
  'the broker-metrics query on Prometheus',
  () => {
    test('counts the instance series (not a neighbour, not a non-RocketMQ series) and answers nothing for an instance without metrics', () => {
      const mine = 'instance_id="rmq-cn-abc", cluster="rmq-cn-abc", node_type="broker"';
      const tests: PromtoolTest[] = [
        {
          name: 'broker metrics of rmq-cn-abc',
          interval: '1m',
          input_series: [
            {
              series: `rocketmq_consumer_ready_messages{${mine}, topic="orders", consumer_group="g"}`,
              values: '5x5',
            },
            {
              series: `rocketmq_consumer_inflight_messages{${mine}, topic="orders", consumer_group="g"}`,
              values: '1x5',
            },
            {
              series: `rocketmq_messages_in_total{${mine}, topic="orders", message_type="Normal"}`,
              values: '0+3x5',
            },
            // Another instance, and a non-RocketMQ series with the same label: neither counts.
            {
              series:
                'rocketmq_consumer_ready_messages{instance_id="rmq-cn-other", topic="orders", consumer_group="g"}',
              values: '9x5',
            },
            { series: 'up{instance_id="rmq-cn-abc", job="x"}', values: '1x5' },
          ],
          promql_expr_test: [
            {
              expr: brokerMetricsQuery('rmq-cn-abc'),
              eval_time: '3m',
              exp_samples: [{ labels: '{}', value: 3 }],
            },
            { expr: brokerMetricsQuery('rmq-cn-missing'), eval_time: '3m', exp_samples: [] },
          ],
        },
      ];
      const run = testRules({ groups: [] }, tests);
      expect(run.output).toContain('SUCCESS');
      expect(run.status).toBe(0);
    });
  },
);
