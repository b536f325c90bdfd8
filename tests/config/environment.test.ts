import {
  apsaraMqSpec,
  decodePulumiConfig,
  EnvironmentSpecError,
  formatPath,
  loadEnvironment,
  parseEnvironment,
} from '../../infra/config/environment';
import { section, stackConfig, violationsOf } from './helpers';

describe('parseEnvironment', () => {
  test('refuses a stack name that is not a DNS-1123 label, beside the other violations', () => {
    const config = stackConfig('dev');
    section(config, 'workloads')[0].minReplicas = 6;
    expect(() => parseEnvironment('Dev_1', config)).toThrow(
      new EnvironmentSpecError('Dev_1', [
        'stack name "Dev_1" must be a DNS-1123 label',
        'workloads[0].minReplicas (6) must be <= maxReplicas (5)',
      ]),
    );
  });

  test('shape errors come alone: the cross-field rules wait until every field has its shape', () => {
    expect(
      violationsOf('prod', (c) => {
        section(c, 'workloads')[1].minReplicas = 7; // cross-field: above max 6
        section(c, 'topics')[1].name = 'TBW102'; // shape
      }),
    ).toEqual(['topics[1].name: "TBW102" is a reserved RocketMQ system topic name']);
  });

  test('reports every cross-field violation at once, in file order', () => {
    expect(
      violationsOf('prod', (c) => {
        section(c, 'workloads')[1].minReplicas = 7;
        section(c, 'workloads')[2].maxReplicas = 17;
      }),
    ).toEqual([
      'workloads[1].minReplicas (7) must be <= maxReplicas (6)',
      'workloads[2].maxReplicas (17) must be <= queueCount (16) for queue-based consumers',
    ]);
  });

  test('an instance matching neither shape is reported on the branch that came closest', () => {
    expect(violationsOf('staging', (c) => (section(c, 'instance').seriesCode = 'enterprise'))).toEqual([
      'instance.seriesCode: Invalid option: expected one of "standard"|"professional"|"ultimate"',
    ]);
  });

  test('defaults: retry policy from the delivery order, fallback 3 failed polls, polling 30 s, cooldown 300 s', () => {
    const spec = loadEnvironment('prod');
    expect(spec.consumerGroups.map((g) => [g.id, g.retryPolicy])).toEqual([
      ['order-fulfilment', 'DefaultRetryPolicy'],
      ['order-analytics', 'DefaultRetryPolicy'],
      ['payment-ledger', 'FixedRetryPolicy'],
    ]);
    expect(spec.workloads[1].scaling).toEqual({
      activationThreshold: 0,
      pollingIntervalSeconds: 30,
      cooldownPeriodSeconds: 300,
      fallback: { failureThreshold: 3 },
    });
    expect(spec.name).toBe('prod');
  });

  test('the spec is frozen all the way down', () => {
    const spec = loadEnvironment('staging');
    expect(Object.isFrozen(spec)).toBe(true);
    expect(Object.isFrozen(spec.workloads[1].scaling)).toBe(true);
    expect(Object.isFrozen(apsaraMqSpec(spec).instance)).toBe(true);
  });
});

describe('decodePulumiConfig', () => {
  test('decodes JSON objects and arrays, keeps every other value a string', () => {
    expect(
      decodePulumiConfig({
        'apsaramq-keda:topics': ' [{"name":"orders"}]',
        'apsaramq-keda:kubernetes': '{"namespace":"x"}',
        'alicloud:region': 'cn-hangzhou',
        'apsaramq-keda:count': '3',
      }),
    ).toEqual({
      'apsaramq-keda:topics': [{ name: 'orders' }],
      'apsaramq-keda:kubernetes': { namespace: 'x' },
      'alicloud:region': 'cn-hangzhou',
      'apsaramq-keda:count': '3',
    });
  });
});

describe('formatPath', () => {
  test.each([
    [['workloads', 1, 'maxReplicas'], 'workloads[1].maxReplicas'],
    [['instance', 'network', 'vSwitchIds', 0], 'instance.network.vSwitchIds[0]'],
    [['region'], 'region'],
    [[], ''],
  ] as [PropertyKey[], string][])('%j → %s', (segments, text) => {
    expect(formatPath(segments)).toBe(text);
  });
});
