/**
 * BacklogScaler: the objects' names and labels, the backlog trigger in full, the query on idle-to-zero, and the
 * rules the other files leave out (server address forms, the capped fallback range, schedule names and bounds,
 * KEDA releases), each with its exact message and a passing boundary. Figures worked out by hand in comments.
 */
import { Testing } from 'cdk8s';
import {
  BacklogScaler,
  ConstructPropsError,
  validateBacklogScalerProps,
  type BacklogScalerProps,
  type BacklogScalerSchedule,
} from '../../constructs/k8s';
import { SCALER_PROPS as base } from './fixtures';
import { testChart } from '../shared/scratch';

// The KEDA objects' labels for name orders, environment dev: the autoscaler component, no image so no version.
const LABELS = {
  'app.kubernetes.io/name': 'orders',
  'apsaramq-keda/environment': 'dev',
  'app.kubernetes.io/component': 'autoscaler',
  'app.kubernetes.io/part-of': 'apsaramq-keda',
  'app.kubernetes.io/managed-by': 'cdk8s',
};

const BACKLOG =
  'sum({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", instance_id="rmq-cn-x", topic="orders", consumer_group="orders-group"})';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels: Record<string, string> };
  spec: Record<string, unknown> & { triggers?: { name: string; metadata: Record<string, string> }[] };
}

function synth(patch: Partial<BacklogScalerProps>): Record<string, Manifest> {
  const chart = testChart();
  new BacklogScaler(chart, 'scaler', { ...base, ...patch });
  const objects = Testing.synth(chart) as Manifest[];
  return Object.fromEntries(objects.map((o) => [o.kind, o]));
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

function schedule(patch: Partial<BacklogScalerSchedule>): BacklogScalerSchedule {
  return {
    name: 'weekday-open',
    timezone: 'UTC',
    start: '0 1 * * 1-5',
    end: '0 2 * * 1-5',
    desiredReplicas: 6,
    ...patch,
  };
}

describe('BacklogScaler objects', () => {
  test('the TriggerAuthentication: <name>-prometheus, the autoscaler labels, the token header pair', () => {
    const ref = (key: string) => ({ parameter: key, name: 'keda-arms-prometheus-auth', key });
    expect(synth({}).TriggerAuthentication).toEqual({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'TriggerAuthentication',
      metadata: { name: 'orders-prometheus', labels: LABELS },
      spec: { secretTargetRef: [ref('customAuthHeader'), ref('customAuthValue')] },
    });
  });

  test('the ScaledObject: named after the workload, the autoscaler labels, the backlog trigger in full', () => {
    const { ScaledObject } = synth({});
    expect(ScaledObject.apiVersion).toBe('keda.sh/v1alpha1');
    expect(ScaledObject.metadata).toEqual({ name: 'orders', labels: LABELS });
    expect(ScaledObject.spec.triggers).toEqual([
      {
        type: 'prometheus',
        name: 'backlog',
        // Backlog per replica: the HPA proposes ceil(backlog / 30).
        metricType: 'AverageValue',
        metadata: {
          serverAddress: base.serverAddress,
          authModes: 'custom',
          query: BACKLOG,
          threshold: '30',
          activationThreshold: '0',
          ignoreNullValues: 'false',
        },
        authenticationRef: { name: 'orders-prometheus' },
      },
    ]);
  });

  test('idle 0 below min 2: the pods can all go, so the query wakes on the topic arrivals of the last 5 m', () => {
    const { spec } = synth({ minReplicaCount: 2, idleReplicaCount: 0 }).ScaledObject;
    expect(spec.triggers?.[0].metadata.query).toBe(
      `${BACKLOG} or (sum(increase(rocketmq_messages_in_total{instance_id="rmq-cn-x", topic="orders"}[5m])) > bool 0) * 30`,
    );
  });

  test('idle 0 with a custom arrival metric: the fallback reads that metric', () => {
    const { spec } = synth({
      minReplicaCount: 2,
      idleReplicaCount: 0,
      arrivalRate: { threshold: 5, metricName: 'acme_in_total' },
    }).ScaledObject;
    expect(spec.triggers?.[0].metadata.query).toBe(
      `${BACKLOG} or (sum(increase(acme_in_total{instance_id="rmq-cn-x", topic="orders"}[5m])) > bool 0) * 30`,
    );
  });

  test('min 1 and idle 1 below min 2: pods always run, so the plain backlog query', () => {
    expect(synth({}).ScaledObject.spec.triggers?.[0].metadata.query).toBe(BACKLOG);
    expect(
      synth({ minReplicaCount: 2, idleReplicaCount: 1 }).ScaledObject.spec.triggers?.[0].metadata.query,
    ).toBe(BACKLOG);
  });

  test.each([
    // Fallback behavior exists from KEDA 2.17.0 on; 2.16 and earlier have only failureThreshold and replicas.
    ['2.14.0', { failureThreshold: 3, replicas: 5 }],
    ['2.16.1', { failureThreshold: 3, replicas: 5 }],
    ['2.17.0', { failureThreshold: 3, replicas: 5, behavior: 'currentReplicasIfHigher' }],
    ['2.20.2', { failureThreshold: 3, replicas: 5, behavior: 'currentReplicasIfHigher' }],
  ])('KEDA %s: the fallback is %j', (kedaVersion, fallback) => {
    expect(synth({ kedaVersion }).ScaledObject.spec.fallback).toEqual(fallback);
  });
});

describe('BacklogScaler rules the other files leave out', () => {
  const range = (replicas: number, high: string) =>
    `fallback.replicas (${replicas}) must be an integer in [max(minReplicaCount, 1), maxReplicaCount${high}`;
  const desired = (value: number, bounds: string) =>
    `schedules[0].desiredReplicas (${value}) must be an integer in (minReplicaCount, maxReplicaCount] = ${bounds}`;
  test.each([
    [
      // JSON.stringify of a URL object is its href.
      'a URL object',
      { serverAddress: new URL('http://arms.example.com:9090') as unknown as string },
      'serverAddress ("http://arms.example.com:9090/") must be an http(s) URL',
    ],
    [
      'text before the scheme',
      { serverAddress: 'url=http://arms.example.com' },
      'serverAddress ("url=http://arms.example.com") must be an http(s) URL',
    ],
    [
      'text after the address',
      { serverAddress: 'http://arms.example.com:9090 # prod' },
      'serverAddress ("http://arms.example.com:9090 # prod") must be an http(s) URL',
    ],
    [
      'the query path without a trailing slash',
      { serverAddress: 'http://arms.example.com/prom/api/v1/query' },
      'serverAddress must be the base URL: KEDA appends /api/v1/query itself',
    ],
    [
      // 10 asked, 4 queues: the range ends at the capped 4, and the message says why.
      'fallback replicas above the max capped at the queue count',
      { loadBalancing: 'queue', queueCount: 4, fallback: { replicas: 5 } },
      `${range(5, ' capped at queueCount] = [1, 4]')}`,
    ],
    [
      // 16 queues cap nothing below 10: no mention of the cap.
      'fallback replicas above an uncapped queue-based max',
      { loadBalancing: 'queue', queueCount: 16, fallback: { replicas: 11 } },
      `${range(11, '] = [1, 10]')}`,
    ],
    [
      'a schedule named backlog',
      { schedules: [schedule({ name: 'backlog' })] },
      'schedules[0].name ("backlog") is the name of the construct\'s backlog trigger',
    ],
    [
      // Reserved whether or not the arrival-rate trigger is on, as documented and as the loader has it.
      'a schedule named arrival-rate without the arrival-rate trigger',
      { schedules: [schedule({ name: 'arrival-rate' })] },
      'schedules[0].name ("arrival-rate") is the name of the construct\'s arrival-rate trigger',
    ],
    [
      'two schedules of one name',
      { schedules: [schedule({}), schedule({ start: '0 3 * * 6', end: '0 4 * * 6' })] },
      'schedules[1].name ("weekday-open") must be unique among the triggers',
    ],
    [
      // At min 1 the HPA is already at 1: desiredReplicas 1 changes nothing.
      'desiredReplicas equal to min',
      { schedules: [schedule({ desiredReplicas: 1 })] },
      desired(1, '(1, 10]'),
    ],
    [
      'desiredReplicas fractional',
      { schedules: [schedule({ desiredReplicas: 2.5 })] },
      desired(2.5, '(1, 10]'),
    ],
    [
      'kedaVersion below the modelled releases',
      { kedaVersion: '2.13.0' },
      'kedaVersion ("2.13.0") must be a modelled KEDA release 2.14.x to 2.20.x',
    ],
    [
      'kedaVersion above the modelled releases',
      { kedaVersion: '2.21.0' },
      'kedaVersion ("2.21.0") must be a modelled KEDA release 2.14.x to 2.20.x',
    ],
    [
      'kedaVersion without its patch',
      { kedaVersion: '2.17' },
      'kedaVersion ("2.17") must be a modelled KEDA release 2.14.x to 2.20.x',
    ],
  ] as [string, Partial<BacklogScalerProps>, string][])('%s', (_case, patch, message) => {
    expect(violations(patch)).toEqual([message]);
  });

  test.each([
    ['an address without a path', { serverAddress: 'http://arms.example.com:9090' }],
    // Only the suffix is KEDA's own path: /api/v1/query inside the base path is the caller's business.
    ['/api/v1/query inside the path', { serverAddress: 'https://arms.example.com/api/v1/query/cn-hangzhou' }],
    [
      'fallback replicas at the capped max',
      { loadBalancing: 'queue', queueCount: 4, fallback: { replicas: 4 } },
    ],
    ['fallback false', { fallback: false }],
    [
      'selectPolicy Max and Min',
      { behavior: { scaleUp: { selectPolicy: 'Max' }, scaleDown: { selectPolicy: 'Min' } } },
    ],
    ['desiredReplicas one above min', { schedules: [schedule({ desiredReplicas: 2 })] }],
    ['desiredReplicas equal to max', { schedules: [schedule({ desiredReplicas: 10 })] }],
    [
      'desiredReplicas equal to the capped max',
      { loadBalancing: 'queue', queueCount: 4, schedules: [schedule({ desiredReplicas: 4 })] },
    ],
    [
      'a schedule beside the arrival-rate trigger',
      { arrivalRate: { threshold: 5 }, schedules: [schedule({ name: 'weekday-open' })] },
    ],
    ['kedaVersion 2.14.0', { kedaVersion: '2.14.0' }],
    ['kedaVersion 2.20.9', { kedaVersion: '2.20.9' }],
  ] as [string, Partial<BacklogScalerProps>][])('accepts %s', (_case, patch) => {
    expect(violations(patch)).toEqual([]);
  });

  test('the construct throws a ConstructPropsError for BacklogScaler, naming itself', () => {
    let error: unknown;
    try {
      new BacklogScaler(testChart(), 'bad', { ...base, kedaVersion: '1.0.0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConstructPropsError);
    expect((error as ConstructPropsError).name).toBe('ConstructPropsError');
    expect((error as ConstructPropsError).message).toBe(
      'BacklogScaler: invalid props:\n  - kedaVersion ("1.0.0") must be a modelled KEDA release 2.14.x to 2.20.x',
    );
  });
});
