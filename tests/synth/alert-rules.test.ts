/**
 * The PrometheusRule of every environment: its groups and rules derived from the stack file (thresholds worked
 * out by hand for prod), accepted by promtool, and left out when the stack turns the cluster side off.
 */
import { Testing } from 'cdk8s';
import { loadEnvironment, parseEnvironment } from '../../infra/config/environment';
import { loadHandoff } from '../../infra/config/handoff';
import { buildEnvironment } from '../../infra/synth/app';
import { describeWithPrometheus } from './prometheus-harness';
import { checkRules } from '../shared/promtool';
import { stackConfig } from '../config/helpers';
import { find, synthObjects, type Manifest } from './helpers';
import { testApp } from '../shared/scratch';

interface RuleView {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface PrometheusRuleView {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { groups: { name: string; rules: RuleView[] }[] };
}

const prometheusRule = (env: string): PrometheusRuleView =>
  find(synthObjects(env), 'PrometheusRule', 'apsaramq-keda-alerts') as unknown as PrometheusRuleView;

describe('PrometheusRule of prod', () => {
  const rule = prometheusRule('prod');

  test('lives in the namespace of the workloads with the recommended labels', () => {
    expect(rule.metadata).toEqual({
      name: 'apsaramq-keda-alerts',
      namespace: 'orders-prod',
      labels: {
        'app.kubernetes.io/name': 'apsaramq-keda-alerts',
        'app.kubernetes.io/instance': 'apsaramq-keda-alerts-prod',
        'app.kubernetes.io/component': 'alert-rules',
        'app.kubernetes.io/part-of': 'apsaramq-keda',
        'app.kubernetes.io/managed-by': 'cdk8s',
      },
    });
  });

  test('holds one group per workload with the cluster-side rules and their hand-worked timings', () => {
    expect(
      rule.spec.groups.map((g) => [
        g.name,
        g.rules.map((r) => `${r.alert} for ${r.for} ${r.labels.severity}`),
      ]),
    ).toEqual([
      // polling 15 s: window max(60, 30) = 60 s; fallback 60 + (3 + 1) × 15 = 120 s; drain 60 s.
      [
        'apsaramq-keda.prod.order-fulfilment',
        [
          'KedaScalerFailing for 1m warning',
          'KedaFallbackActive for 2m critical',
          'KedaPinnedAtMax for 1m warning',
        ],
      ],
      // polling 30 s (default): window max(60, 60) = 60 s; drain 600 s = 10m.
      [
        'apsaramq-keda.prod.order-analytics',
        [
          'KedaScalerFailing for 1m warning',
          'KedaFallbackActive for 2m critical',
          'KedaPinnedAtMax for 10m warning',
        ],
      ],
      [
        'apsaramq-keda.prod.payment-ledger',
        [
          'KedaScalerFailing for 1m warning',
          'KedaFallbackActive for 2m critical',
          'KedaPinnedAtMax for 2m warning',
        ],
      ],
    ]);
  });

  test("payment-ledger's fallback annotation names the default fallback: ceil(16 / 2) = 8 replicas", () => {
    const failing = rule.spec.groups[2]?.rules.find((r) => r.alert === 'KedaScalerFailing');
    expect(failing?.annotations.description).toBe(
      "The ScaledObject's triggers have errored for 1m; after 4 failed reads the HPA holds the fallback: 8 replicas, or the current count if higher (fallback behavior currentReplicasIfHigher).",
    );
    expect(failing?.labels).toEqual({
      severity: 'warning',
      environment: 'prod',
      workload: 'payment-ledger',
      consumer_group: 'payment-ledger',
      topic: 'payments',
    });
  });
});

describeWithPrometheus('PrometheusRule on promtool')('PrometheusRule on promtool', () => {
  test.each(['dev', 'staging', 'prod', 'selfhosted'])(
    'promtool check rules accepts the rules synthesized for %s',
    (env) => {
      const spec = prometheusRule(env).spec;
      const count = spec.groups.reduce((n, g) => n + g.rules.length, 0);
      const run = checkRules(spec);
      expect(run.output).toContain(`SUCCESS: ${count} rules found`);
      expect(run.status).toBe(0);
    },
  );
});

describe('alerts.cluster.enabled false', () => {
  test('leaves the PrometheusRule and the dashboard out and keeps every workload chart', () => {
    const config = stackConfig('prod');
    config['apsaramq-keda:alerts'] = { cluster: { enabled: false } };
    const app = testApp();
    const charts = buildEnvironment(app, parseEnvironment('prod', config), loadHandoff('prod'));
    const kinds = charts.flatMap((c) => Testing.synth(c) as Manifest[]).map((o) => o.kind);
    expect(charts.map((c) => c.node.id)).toEqual(['order-fulfilment', 'order-analytics', 'payment-ledger']);
    expect(kinds).not.toContain('PrometheusRule');
    expect(kinds).not.toContain('ConfigMap');
  });

  test('ruleLabels reach the PrometheusRule beside the recommended labels', () => {
    const config = stackConfig('prod');
    config['apsaramq-keda:alerts'] = { cluster: { ruleLabels: { release: 'kube-prometheus-stack' } } };
    const charts = buildEnvironment(testApp(), parseEnvironment('prod', config), loadHandoff('prod'));
    const objects = charts.flatMap((c) => Testing.synth(c) as Manifest[]);
    const labels = (find(objects, 'PrometheusRule', 'apsaramq-keda-alerts') as unknown as PrometheusRuleView)
      .metadata.labels;
    expect(labels.release).toBe('kube-prometheus-stack');
    expect(loadEnvironment('prod').alerts.cluster.ruleLabels).toEqual({});
  });
});

describe('the PrometheusRule of a self-managed environment (issue 27)', () => {
  const rule = find(synthObjects('selfhosted'), 'PrometheusRule', 'apsaramq-keda-alerts') as unknown as {
    spec: { groups: { rules: { alert: string; expr: string }[] }[] };
  };
  const rules = rule.spec.groups.flatMap((g) => g.rules);

  test('holds the broker-side rules beside KEDA rules: the in-cluster Prometheus scrapes the broker (no ARMS)', () => {
    expect(rules.map((r) => r.alert)).toEqual([
      'RocketMQBacklogBeyondCapacity',
      'RocketMQConsumptionDelay',
      'RocketMQDeadLetters',
      'RocketMQNobodyConsuming',
      'KedaScalerFailing',
      'KedaFallbackActive',
      'KedaPinnedAtMax',
    ]);
  });

  test("selects the exporter's cluster label and its lag-latency name, never instance_id", () => {
    const byName = Object.fromEntries(rules.map((r) => [r.alert, r.expr]));
    // invoice-posting: 6 replicas × 20 msg/s × 60 s = 7200; lag bound (60 s + 20 s) × 1000 = 80000 ms.
    expect(byName.RocketMQBacklogBeyondCapacity).toBe(
      'sum(max by (__name__, node_id, is_retry) ({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", cluster="DefaultCluster", topic="invoices", consumer_group="invoice-posting"})) > 7200',
    );
    expect(byName.RocketMQConsumptionDelay).toBe(
      'max(rocketmq_consumer_lag_latency_milliseconds{cluster="DefaultCluster", topic="invoices", consumer_group="invoice-posting"}) > 80000',
    );
    expect(rules.filter((r) => r.expr.includes('instance_id'))).toEqual([]);
  });
});
