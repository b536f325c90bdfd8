/**
 * BacklogScaler on its own: every rule with its exact message and a passing boundary, every default and every
 * optional behaviour with a figure worked out by hand.
 */
import { Testing } from 'cdk8s';
import {
  BacklogScaler,
  ConstructPropsError,
  validateBacklogScalerProps,
  type BacklogScalerProps,
} from '../../constructs/k8s';
import { SCALER_PROPS as base } from './fixtures';
import { testChart } from '../shared/scratch';

// KEDA 2.17+ fallback behavior: an outage never scales in (pkg/fallback/fallback.go doFallback; issue 11).
const IF_HIGHER = 'currentReplicasIfHigher';

interface Synth {
  scaled: {
    spec: Record<string, unknown> & { triggers: { name: string; metadata: Record<string, string> }[] };
  };
  auth: { spec: { secretTargetRef: unknown[] } };
}

function synth(patch: Partial<BacklogScalerProps>): Synth {
  const chart = testChart();
  new BacklogScaler(chart, 'scaler', { ...base, ...patch });
  const objects = Testing.synth(chart) as { kind: string }[];
  return {
    scaled: objects.find((o) => o.kind === 'ScaledObject') as unknown as Synth['scaled'],
    auth: objects.find((o) => o.kind === 'TriggerAuthentication') as unknown as Synth['auth'],
  };
}

function violations(patch: Partial<BacklogScalerProps>): readonly string[] {
  try {
    validateBacklogScalerProps({ ...base, ...patch });
    return [];
  } catch (error) {
    if (error instanceof ConstructPropsError) return error.violations;
    throw error;
  }
}

describe('BacklogScaler defaults (worked by hand)', () => {
  test('polling 30 s, cooldown 300 s, activation 0, fallback after 3 failed polls at max(1, 1, ceil(10 / 2)) = 5', () => {
    const { spec } = synth({}).scaled;
    expect({
      pollingInterval: spec.pollingInterval,
      cooldownPeriod: spec.cooldownPeriod,
      fallback: spec.fallback,
      minReplicaCount: spec.minReplicaCount,
      maxReplicaCount: spec.maxReplicaCount,
      idleReplicaCount: spec.idleReplicaCount,
      advanced: spec.advanced,
    }).toEqual({
      pollingInterval: 30,
      cooldownPeriod: 300,
      fallback: { failureThreshold: 3, replicas: 5, behavior: IF_HIGHER },
      minReplicaCount: 1,
      maxReplicaCount: 10,
      idleReplicaCount: undefined,
      advanced: undefined,
    });
    expect(spec.triggers.map((t) => t.name)).toEqual(['backlog']);
    expect(spec.triggers[0].metadata).toEqual({
      serverAddress: base.serverAddress,
      authModes: 'custom',
      query:
        'sum({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", instance_id="rmq-cn-x", topic="orders", consumer_group="orders-group"})',
      threshold: '30',
      activationThreshold: '0',
      // An empty result is an error, not 0 (kedacore/keda pkg/scalers/prometheus_scaler.go ExecutePromQuery).
      ignoreNullValues: 'false',
    });
  });

  test('min 0: with no group series the query reads threshold (30) when the topic had an arrival in 5 m', () => {
    const { spec } = synth({ minReplicaCount: 0 }).scaled;
    expect(spec.triggers[0].metadata.query).toBe(
      'sum({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", instance_id="rmq-cn-x", topic="orders", consumer_group="orders-group"})' +
        ' or (sum(increase(rocketmq_messages_in_total{instance_id="rmq-cn-x", topic="orders"}[5m])) > bool 0) * 30',
    );
  });

  test.each([
    // [min, max, fallback replicas]: max(min, 1, ceil(max / 2)), never above max.
    [0, 1, 1],
    [0, 5, 3],
    [1, 10, 5],
    [3, 4, 3],
    [7, 8, 7],
    [2, 16, 8],
  ])('default fallback replicas for min %i, max %i: %i', (minReplicaCount, maxReplicaCount, replicas) => {
    expect(synth({ minReplicaCount, maxReplicaCount }).scaled.spec.fallback).toEqual({
      failureThreshold: 3,
      replicas,
      behavior: IF_HIGHER,
    });
  });

  test('fallback: false leaves the fallback out', () => {
    const { spec } = synth({ fallback: false }).scaled;
    expect('fallback' in spec).toBe(false);
  });

  test('a fallback with only failureThreshold keeps the default replicas; with only replicas the default threshold', () => {
    expect(synth({ fallback: { failureThreshold: 6 } }).scaled.spec.fallback).toEqual({
      failureThreshold: 6,
      replicas: 5,
      behavior: IF_HIGHER,
    });
    expect(synth({ fallback: { replicas: 2 } }).scaled.spec.fallback).toEqual({
      failureThreshold: 3,
      replicas: 2,
      behavior: IF_HIGHER,
    });
  });

  test('queue-based: the default fallback comes from the capped max: ceil(min(10, 4) / 2) = 2, not ceil(10 / 2)', () => {
    const { spec } = synth({ loadBalancing: 'queue', queueCount: 4 }).scaled;
    expect(spec.maxReplicaCount).toBe(4);
    expect(spec.fallback).toEqual({ failureThreshold: 3, replicas: 2, behavior: IF_HIGHER });
    // clamp_max at the capped max × threshold: 4 × 30 = 120.
    expect(spec.triggers[0].metadata.query).toBe(
      'clamp_max(sum({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", instance_id="rmq-cn-x", topic="orders", consumer_group="orders-group"}), 120)',
    );
  });

  test('queue-based below the queue count: max stays, clamp at max × threshold = 3 × 30 = 90', () => {
    const { spec } = synth({ loadBalancing: 'queue', queueCount: 8, maxReplicaCount: 3 }).scaled;
    expect(spec.maxReplicaCount).toBe(3);
    expect(spec.triggers[0].metadata.query).toMatch(/\), 90\)$/);
    expect(spec.fallback).toEqual({ failureThreshold: 3, replicas: 2, behavior: IF_HIGHER });
  });

  test('message-based: no clamp, whatever queueCount says', () => {
    const { spec } = synth({ loadBalancing: 'message', queueCount: 4 }).scaled;
    expect(spec.maxReplicaCount).toBe(10);
    expect(spec.triggers[0].metadata.query).toMatch(/^sum\(/);
  });
});

describe('BacklogScaler optional behaviour', () => {
  test('idle replicas, activation, polling and cooldown as given', () => {
    const { spec } = synth({
      minReplicaCount: 2,
      idleReplicaCount: 0,
      activationThreshold: 25,
      pollingIntervalSeconds: 15,
      cooldownPeriodSeconds: 0,
    }).scaled;
    expect(spec.idleReplicaCount).toBe(0);
    expect(spec.pollingInterval).toBe(15);
    expect(spec.cooldownPeriod).toBe(0);
    expect(spec.triggers[0].metadata.activationThreshold).toBe('25');
  });

  test('the arrival-rate trigger: its own query and threshold, the same server and auth', () => {
    const { spec } = synth({ arrivalRate: { threshold: 37.5 }, auth: 'accessKey' }).scaled;
    expect(spec.triggers.map((t) => t.name)).toEqual(['backlog', 'arrival-rate']);
    expect(spec.triggers[1]).toEqual({
      type: 'prometheus',
      name: 'arrival-rate',
      metricType: 'AverageValue',
      metadata: {
        serverAddress: base.serverAddress,
        authModes: 'basic',
        query: 'sum(rate(rocketmq_messages_in_total{instance_id="rmq-cn-x", topic="orders"}[1m]))',
        threshold: '37.5',
      },
      authenticationRef: { name: 'orders-prometheus' },
    });
    const custom = synth({ arrivalRate: { threshold: 2, metricName: 'acme:in_total' } }).scaled.spec;
    expect(custom.triggers[1].metadata.query).toBe(
      'sum(rate(acme:in_total{instance_id="rmq-cn-x", topic="orders"}[1m]))',
    );
  });

  test('the TriggerAuthentication reads the header pair for token auth, the basic pair for AccessKey auth', () => {
    const ref = (key: string) => ({ parameter: key, name: 'keda-arms-prometheus-auth', key });
    expect(synth({}).auth.spec.secretTargetRef).toEqual([ref('customAuthHeader'), ref('customAuthValue')]);
    expect(synth({ auth: 'accessKey' }).auth.spec.secretTargetRef).toEqual([
      ref('username'),
      ref('password'),
    ]);
  });

  test('the behavior as given, only the parts given', () => {
    const { spec } = synth({
      behavior: {
        scaleDown: {
          policies: [{ periodSeconds: 60, value: 20, type: 'Percent' }],
          selectPolicy: 'Min',
          stabilizationWindowSeconds: 120,
        },
        scaleUp: { selectPolicy: 'Disabled' },
      },
    }).scaled;
    expect(spec.advanced).toEqual({
      horizontalPodAutoscalerConfig: {
        behavior: {
          scaleUp: { selectPolicy: 'Disabled' },
          scaleDown: {
            stabilizationWindowSeconds: 120,
            selectPolicy: 'Min',
            policies: [{ type: 'Percent', value: 20, periodSeconds: 60 }],
          },
        },
      },
    });
    expect(synth({ behavior: {} }).scaled.spec.advanced).toEqual({
      horizontalPodAutoscalerConfig: { behavior: {} },
    });
  });

  test('the scale target is the Deployment named by scaleTargetName', () => {
    expect(synth({ scaleTargetName: 'orders-v2' }).scaled.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'orders-v2',
    });
  });
});

describe('BacklogScaler rules: each violation exactly', () => {
  const INT_MAX = 2 ** 31 - 1;
  test.each([
    [
      'name',
      { name: 'Orders' },
      'name ("Orders") must be a DNS-1123 label: [a-z0-9-], at most 63 characters',
    ],
    [
      'environment',
      { environment: 'dev_1' },
      'environment ("dev_1") must be a DNS-1123 label: [a-z0-9-], at most 63 characters',
    ],
    [
      'scale target',
      { scaleTargetName: '-x' },
      'scaleTargetName ("-x") must be a DNS-1123 label: [a-z0-9-], at most 63 characters',
    ],
    [
      'auth secret',
      { authSecretName: 'a'.repeat(64) },
      `authSecretName ("${'a'.repeat(64)}") must be a DNS-1123 label: [a-z0-9-], at most 63 characters`,
    ],
    [
      'instance label of 64 characters',
      { name: 'a'.repeat(60), selectorScheme: 'instance-label' },
      `name with environment gives the label app.kubernetes.io/instance "${'a'.repeat(60)}-dev" (64 characters); the limit is 63`,
    ],
    ['server address', { serverAddress: 'ftp://x' }, 'serverAddress ("ftp://x") must be an http(s) URL'],
    [
      'server address with the query path',
      { serverAddress: 'https://x/api/v1/query/' },
      'serverAddress must be the base URL: KEDA appends /api/v1/query itself',
    ],
    [
      'auth',
      { auth: 'oauth' as 'token' },
      'auth ("oauth") must be one of token, accessKey, none, bearer, basic',
    ],
    ['instance id', { instanceId: ' ' }, 'instanceId must be a non-empty string'],
    ['topic', { topic: '' }, 'topic must be a non-empty string'],
    ['group', { consumerGroup: '' }, 'consumerGroup must be a non-empty string'],
    ['threshold', { threshold: -1 }, 'threshold (-1) must be a number > 0'],
    ['threshold infinite', { threshold: Infinity }, 'threshold (Infinity) must be a number > 0'],
    ['activation', { activationThreshold: -0.5 }, 'activationThreshold (-0.5) must be >= 0'],
    ['activation NaN', { activationThreshold: NaN }, 'activationThreshold (NaN) must be >= 0'],
    ['min negative', { minReplicaCount: -1 }, `minReplicaCount (-1) must be an integer in [0, ${INT_MAX}]`],
    [
      'min fractional',
      { minReplicaCount: 1.5 },
      `minReplicaCount (1.5) must be an integer in [0, ${INT_MAX}]`,
    ],
    ['min above max', { minReplicaCount: 11 }, 'minReplicaCount (11) must be <= maxReplicaCount (10)'],
    ['idle equal to min', { idleReplicaCount: 1 }, 'idleReplicaCount (1) must be < minReplicaCount (1)'],
    [
      'idle negative',
      { idleReplicaCount: -1 },
      `idleReplicaCount (-1) must be an integer in [0, ${INT_MAX}]`,
    ],
    [
      'polling',
      { pollingIntervalSeconds: 0 },
      `pollingIntervalSeconds (0) must be an integer in [1, ${INT_MAX}]`,
    ],
    [
      'cooldown',
      { cooldownPeriodSeconds: -1 },
      `cooldownPeriodSeconds (-1) must be an integer in [0, ${INT_MAX}]`,
    ],
    [
      'load balancing',
      { loadBalancing: 'round' as 'queue' },
      'loadBalancing ("round") must be message or queue',
    ],
    ['queue count missing', { loadBalancing: 'queue' }, 'queueCount is required for queue-based consumers'],
    [
      'queue count zero',
      { loadBalancing: 'queue', queueCount: 0 },
      `queueCount (0) must be an integer in [1, ${INT_MAX}]`,
    ],
    [
      'fallback threshold',
      { fallback: { failureThreshold: 0 } },
      `fallback.failureThreshold (0) must be an integer in [1, ${INT_MAX}]`,
    ],
    [
      'fallback replicas above max',
      { fallback: { replicas: 11 } },
      'fallback.replicas (11) must be an integer in [max(minReplicaCount, 1), maxReplicaCount] = [1, 10]',
    ],
    [
      'fallback replicas below min',
      { minReplicaCount: 3, fallback: { replicas: 2 } },
      'fallback.replicas (2) must be an integer in [max(minReplicaCount, 1), maxReplicaCount] = [3, 10]',
    ],
    [
      'fallback replicas zero with min 0',
      { minReplicaCount: 0, fallback: { replicas: 0 } },
      'fallback.replicas (0) must be an integer in [max(minReplicaCount, 1), maxReplicaCount] = [1, 10]',
    ],
    [
      'fallback replicas fractional',
      { fallback: { replicas: 2.5 } },
      'fallback.replicas (2.5) must be an integer in [max(minReplicaCount, 1), maxReplicaCount] = [1, 10]',
    ],
    [
      'arrival threshold',
      { arrivalRate: { threshold: 0 } },
      'arrivalRate.threshold (0) must be a number > 0',
    ],
    [
      'arrival metric',
      { arrivalRate: { threshold: 1, metricName: '1bad' } },
      'arrivalRate.metricName ("1bad") must be a Prometheus metric name',
    ],
    [
      'select policy',
      { behavior: { scaleUp: { selectPolicy: 'Avg' as 'Max' } } },
      'behavior.scaleUp.selectPolicy ("Avg") must be Max, Min or Disabled',
    ],
    [
      'empty policies',
      { behavior: { scaleDown: { policies: [] } } },
      'behavior.scaleDown.policies must list at least one policy',
    ],
    [
      'policy type',
      { behavior: { scaleUp: { policies: [{ type: 'Nodes' as 'Pods', value: 1, periodSeconds: 15 }] } } },
      'behavior.scaleUp.policies[0].type ("Nodes") must be Pods or Percent',
    ],
    [
      'policy value',
      { behavior: { scaleUp: { policies: [{ type: 'Pods', value: 0, periodSeconds: 15 }] } } },
      `behavior.scaleUp.policies[0].value (0) must be an integer in [1, ${INT_MAX}]`,
    ],
    [
      'policy period above 1800',
      { behavior: { scaleDown: { policies: [{ type: 'Pods', value: 1, periodSeconds: 1801 }] } } },
      'behavior.scaleDown.policies[0].periodSeconds (1801) must be an integer in [1, 1800]',
    ],
    [
      'window above 3600',
      { behavior: { scaleUp: { stabilizationWindowSeconds: 3601 } } },
      'behavior.scaleUp.stabilizationWindowSeconds (3601) must be an integer in [0, 3600]',
    ],
  ] as [string, Partial<BacklogScalerProps>, string][])('%s', (_case, patch, message) => {
    expect(violations(patch)).toEqual([message]);
  });

  test('the construct throws them all at once before creating anything', () => {
    const chart = testChart();
    expect(() => new BacklogScaler(chart, 'bad', { ...base, threshold: 0, topic: '' })).toThrow(
      new ConstructPropsError('BacklogScaler', [
        'topic must be a non-empty string',
        'threshold (0) must be a number > 0',
      ]),
    );
    expect(chart.node.children).toHaveLength(1);
    expect(chart.node.children[0].node.children).toEqual([]);
  });

  test('the error message lists the construct and each violation', () => {
    expect(new ConstructPropsError('BacklogScaler', ['a', 'b']).message).toBe(
      'BacklogScaler: invalid props:\n  - a\n  - b',
    );
  });

  test.each([
    ['the base props', {}],
    ['idle one below min', { minReplicaCount: 3, idleReplicaCount: 2 }],
    ['min equal to max', { minReplicaCount: 10 }],
    ['fallback replicas at max', { fallback: { replicas: 10 } }],
    ['fallback replicas at min', { minReplicaCount: 4, fallback: { replicas: 4 } }],
    [
      'fallback replicas 1 with min 0',
      { minReplicaCount: 0, fallback: { replicas: 1, failureThreshold: 1 } },
    ],
    [
      'activation 0, cooldown 0, polling 1',
      { activationThreshold: 0, cooldownPeriodSeconds: 0, pollingIntervalSeconds: 1 },
    ],
    ['a fractional threshold', { threshold: 0.5, arrivalRate: { threshold: 0.1 } }],
    [
      'an https base URL with a trailing slash',
      { serverAddress: 'https://arms.example.com/api/v1/prometheus/x/' },
    ],
    ['queue count 1', { loadBalancing: 'queue', queueCount: 1 }],
    [
      'windows at 0 and 3600, periods at 1 and 1800',
      {
        behavior: {
          scaleUp: {
            stabilizationWindowSeconds: 0,
            policies: [{ type: 'Pods', value: 1, periodSeconds: 1 }],
          },
          scaleDown: {
            stabilizationWindowSeconds: 3600,
            selectPolicy: 'Disabled',
            policies: [{ type: 'Percent', value: 100, periodSeconds: 1800 }],
          },
        },
      },
    ],
    [
      'an instance label of exactly 63 characters',
      { name: 'a'.repeat(59), selectorScheme: 'instance-label' },
    ],
    ['a name of 63 characters on the default selector scheme', { name: 'a'.repeat(63) }],
    ['the instance-label selector scheme', { selectorScheme: 'instance-label' }],
  ] as [string, Partial<BacklogScalerProps>][])('accepts %s', (_case, patch) => {
    expect(violations(patch)).toEqual([]);
  });
});
