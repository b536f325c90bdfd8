/** The stack file's alerts section: defaults, the label rules, and the broker side's need for an ARMS instance. */
import { parseEnvironment } from '../../infra/config/environment';
import { brokerAlertsInstance, clusterAlertsEnabled } from '../../infra/config/alert-targets';
import { section, stackConfig, violationsOf } from './helpers';

describe('alerts config', () => {
  test('absent (dev), both sides are on: the broker rules go on prometheus.instanceId', () => {
    const spec = parseEnvironment('dev', stackConfig('dev'));
    expect(spec.alerts).toEqual({ cluster: { enabled: true, ruleLabels: {} }, broker: {} });
    expect([brokerAlertsInstance(spec), clusterAlertsEnabled(spec)]).toEqual([
      'c0fakedev0000000000000000000000000',
      true,
    ]);
  });

  test('without an instance id and without enabled, the broker side is off', () => {
    const config = stackConfig('staging');
    delete config['apsaramq-keda:alerts'];
    expect(brokerAlertsInstance(parseEnvironment('staging', config))).toBeUndefined();
  });

  test('staging turns the broker side off: it reads ARMS through a serverAddress, with no instance id', () => {
    const spec = parseEnvironment('staging', stackConfig('staging'));
    expect([spec.alerts.broker.enabled, brokerAlertsInstance(spec)]).toEqual([false, undefined]);
    expect(violationsOf('staging', (c) => (section(c, 'alerts').broker.enabled = true))).toEqual([
      'alerts.broker.enabled is true, but there is no ARMS Prometheus instance to put the rules on: set alerts.broker.armsPrometheusId (or prometheus.instanceId), or set enabled: false and say why in a comment',
    ]);
  });

  test('an explicit armsPrometheusId is enough for the broker side', () => {
    expect(
      violationsOf('staging', (c) => {
        section(c, 'alerts').broker = {
          enabled: true,
          armsPrometheusId: 'c0fakestaging0000000000000000000000',
        };
      }),
    ).toEqual([]);
    const config = stackConfig('staging');
    config['apsaramq-keda:alerts'] = { broker: { armsPrometheusId: 'c0fakestaging0000000000000000000000' } };
    expect(brokerAlertsInstance(parseEnvironment('staging', config))).toBe(
      'c0fakestaging0000000000000000000000',
    );
  });

  test('a rule label that is no Kubernetes label is refused with its path', () => {
    expect(
      violationsOf('prod', (c) => {
        c['apsaramq-keda:alerts'] = { cluster: { ruleLabels: { release: 'kube prometheus' } } };
      }),
    ).toEqual(['alerts.cluster.ruleLabels.release: must be a Kubernetes label value']);
  });

  test('an unknown key under alerts is refused with a suggestion', () => {
    expect(
      violationsOf('prod', (c) => {
        c['apsaramq-keda:alerts'] = { cluster: { enable: false } };
      }),
    ).toEqual(['alerts.cluster.enable: unknown key; did you mean enabled?']);
  });
});

describe('workload names beside the monitoring files', () => {
  test.each(['apsaramq-keda-alerts', 'apsaramq-keda-dashboard'])(
    'a workload named %s is refused: dist/<env>/ has a file of that name',
    (name) => {
      expect(
        violationsOf('dev', (c) => {
          section(c, 'workloads')[0].name = name;
        }),
      ).toEqual([
        `workloads[0].name "${name}" is the name of the environment's ${name}.yaml monitoring file in dist/`,
      ]);
    },
  );
});

describe('prod alerts', () => {
  test('notify through its ARMS dispatch rule', () => {
    expect(parseEnvironment('prod', stackConfig('prod')).alerts.broker).toEqual({ dispatchRuleId: '10001' });
  });
});
