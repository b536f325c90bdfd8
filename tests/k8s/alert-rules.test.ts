import { Testing } from 'cdk8s';
import { AlertRules, type AlertRulesProps, ConstructPropsError } from '../../constructs/k8s';
import type { WorkloadAlertsInput } from '../../constructs/shared/alerts';
import { testChart } from '../shared/scratch';

const workload: WorkloadAlertsInput = {
  environment: 'dev',
  workload: 'orders',
  namespace: 'orders-dev',
  instanceId: 'rmq-cn-fakedev0000',
  topic: 'orders',
  consumerGroup: 'orders',
  messagesPerSecondPerPod: 10,
  targetDrainSeconds: 30,
  maxProcessingSeconds: 5,
  maxReplicas: 4,
  pollingIntervalSeconds: 30,
  fallback: false,
};
const props: AlertRulesProps = { name: 'alerts', environment: 'dev', workloads: [workload] };

function synth(p: AlertRulesProps) {
  const chart = testChart();
  const rules = new AlertRules(chart, 'rules', p);
  return {
    rules,
    objects: Testing.synth(chart) as { kind: string; spec: { groups: { rules: { alert: string }[] }[] } }[],
  };
}

describe('AlertRules', () => {
  test('holds the cluster-side rules by default: no fallback rule without a fallback', () => {
    const { rules, objects } = synth(props);
    expect(objects.map((o) => o.kind)).toEqual(['PrometheusRule']);
    expect(objects[0]?.spec.groups[0]?.rules.map((r) => r.alert)).toEqual([
      'KedaScalerFailing',
      'KedaPinnedAtMax',
    ]);
    expect(rules.ruleCount).toBe(2);
  });

  test('sides [broker, cluster] holds every rule, for a Prometheus that also scrapes the broker', () => {
    const { rules } = synth({ ...props, sides: ['broker', 'cluster'] });
    expect(rules.ruleCount).toBe(6);
  });

  test('rejects invalid props all at once, naming each prop', () => {
    const build = () =>
      synth({
        name: 'Alerts',
        environment: 'dev',
        workloads: [workload, { ...workload, environment: 'prod', maxReplicas: 0 }],
      });
    expect(build).toThrow(ConstructPropsError);
    expect(build).toThrow(
      [
        'AlertRules: invalid props:',
        '  - name ("Alerts") must be a DNS-1123 label: [a-z0-9-], at most 63 characters',
        '  - workloads[1].workload ("orders") must be unique',
        '  - workloads[1].environment ("prod") must equal environment ("dev")',
        '  - workloads[1]: maxReplicas must be an integer >= 1, got 0',
      ].join('\n'),
    );
  });

  test('an empty workload list is refused', () => {
    expect(() => synth({ ...props, workloads: [] })).toThrow('  - workloads must list at least one workload');
  });
});
