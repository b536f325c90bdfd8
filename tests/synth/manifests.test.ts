/**
 * The synthesized manifests of every committed environment. Two kinds of test:
 * - generic ones iterate the stack files found (a new environment is covered without a row here) and check
 *   relations that hold for any valid stack;
 * - HAND_WORKED states, per committed env/workload, the numbers worked out by hand from the stack file (the
 *   comment of each row shows the arithmetic). They never call the code under test, so a wrong formula fails.
 * Everything is computed inside the tests, not while jest collects them (Stryker's per-test coverage).
 */
import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { loadEnvironment, stackFilePath } from '../../infra/config/environment';
import { apsaraMqHandoff, loadHandoff, type SelfManagedHandoff } from '../../infra/config/handoff';
import {
  environmentsWithHandoff,
  find,
  synthObjects,
  type DeploymentView,
  type ScaledObjectView,
} from './helpers';

// Every environment that can be synthesized: a new one without a hand-off yet is left to tests/synth/cli.test.ts.
const environments = environmentsWithHandoff();

/** Workload names of a stack file, read without the loader (the loader is code under test). */
function workloadNames(environment: string): string[] {
  const document = parseYaml(fs.readFileSync(stackFilePath(environment), 'utf8')) as {
    config: Record<string, { name: string }[]>;
  };
  return document.config['apsaramq-keda:workloads'].map((w) => w.name);
}

interface Expected {
  /** The first trigger: the backlog's, or the demand trigger in its place (stack key scaleOnDemand). */
  readonly trigger: 'backlog' | 'demand';
  /** That trigger's threshold and activationThreshold as the ScaledObject strings them. */
  readonly threshold: string;
  readonly activationThreshold: string;
  /** Its complete query. */
  readonly query: string;
  readonly minReplicaCount: number;
  readonly maxReplicaCount: number;
  readonly pollingInterval: number;
  readonly cooldownPeriod: number;
  readonly fallback:
    { failureThreshold: number; replicas: number; behavior: 'currentReplicasIfHigher' } | undefined;
  readonly arrivalRate: { query: string; threshold: string } | undefined;
  readonly authModes: 'custom' | 'basic';
  readonly terminationGracePeriodSeconds: number;
  readonly podDisruptionBudget: boolean;
  /** The HTTP probes' port and paths (readiness, liveness), or none for an image without HTTP. */
  readonly probes: { port: number; readinessPath: string; livenessPath: string } | undefined;
  readonly resources: { requests: Record<string, string>; limits: Record<string, string> };
  readonly behavior: boolean;
  /** The cron triggers (scheduled events) in order, as the ScaledObject writes them; [] when none. */
  readonly schedules: readonly {
    name: string;
    metricType: 'AverageValue';
    metadata: { timezone: string; start: string; end: string; desiredReplicas: string };
  }[];
}

const METRICS = '__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages"';
// ephemeral-storage: the 256Mi /tmp emptyDir reserved on the node.
const DEFAULT_RESOURCES = {
  requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '256Mi' },
  limits: { cpu: '1', memory: '512Mi' },
};

/**
 * Worked by hand from stacks/Pulumi.<env>.yaml and stacks/<env>.outputs.json. Rules applied:
 * threshold = floor(messagesPerSecondPerPod × targetDrainSeconds); queue-based: maxReplicaCount =
 * min(maxReplicas, queueCount) and the query clamped at that × threshold; fallback default failureThreshold
 * 3 and replicas max(min, 1, ceil(max / 2)), behavior currentReplicasIfHigher (KEDA 2.17); a PDB when min >= 2;
 * arrival-rate threshold = messagesPerSecondPerPod × targetUtilization; defaults polling 30 s, cooldown 300 s;
 * scaleOnDemand: one trigger `demand`, threshold 1, activation 0, query `((<rate> or vector(0)) + (<group sum>) / drainSeconds) /
 * (messagesPerSecondPerPod × targetUtilization)`, clamped at maxReplicaCount pods when queue-based;
 * min 0: without the group's series the query wakes on the topic's arrivals, `<group> or (sum(increase(
 * rocketmq_messages_in_total{instance_id, topic}[5m])) > bool 0) * threshold`; grace period (constructs/scaling/consumer-shutdown.ts) = ceil(receive wait 30
 * + request timeout 3 + held 10 / messagesPerSecondPerPod + maxProcessingSeconds + request timeout 3 + margin 5)
 * = ceil(41 + 10 / rate + maxProcessing); probes: port 8080, /readyz, /livez unless `probes: false`.
 */
const SAMPLE_APP_PROBES = { port: 8080, readinessPath: '/readyz', livenessPath: '/livez' } as const;
const HAND_WORKED: Record<string, Record<string, Expected>> = {
  dev: {
    // threshold 600 as written; activation 0 (min 0); min 0, max 5, so the arrival fallback; fallback
    // ceil(5 / 2) = 3; rate 20 × 0.8 = 16; grace ceil(41 + 10 / 20 + 20) = ceil(61.5) = 62.
    'order-fulfilment': {
      trigger: 'backlog',
      threshold: '600',
      activationThreshold: '0',
      query:
        `sum({${METRICS}, instance_id="rmq-cn-fakedev0000", topic="orders", consumer_group="order-fulfilment"})` +
        ' or (sum(increase(rocketmq_messages_in_total{instance_id="rmq-cn-fakedev0000", topic="orders"}[5m])) > bool 0) * 600',
      minReplicaCount: 0,
      maxReplicaCount: 5,
      pollingInterval: 15,
      cooldownPeriod: 300,
      fallback: { failureThreshold: 3, replicas: 3, behavior: 'currentReplicasIfHigher' },
      arrivalRate: {
        query: 'sum(rate(rocketmq_messages_in_total{instance_id="rmq-cn-fakedev0000", topic="orders"}[1m]))',
        threshold: '16',
      },
      authModes: 'custom',
      terminationGracePeriodSeconds: 62,
      podDisruptionBudget: false,
      probes: SAMPLE_APP_PROBES,
      resources: DEFAULT_RESOURCES,
      behavior: false,
      schedules: [],
    },
  },
  staging: {
    // Demand: 40 msg/s × utilization 1 = 40 per replica, drain 30 s as written; min 1 (no stand-in), max 10;
    // fallback ceil(10 / 2) = 5; grace ceil(41 + 10 / 40 + 20) = ceil(61.25) = 62.
    'order-fulfilment': {
      trigger: 'demand',
      threshold: '1',
      activationThreshold: '0',
      query:
        '((sum(rate(rocketmq_messages_in_total{instance_id="rmq-cn-fakestaging0000", topic="orders"}[1m])) or vector(0)) + ' +
        `(sum({${METRICS}, instance_id="rmq-cn-fakestaging0000", topic="orders", consumer_group="order-fulfilment"})) / 30) / 40`,
      minReplicaCount: 1,
      maxReplicaCount: 10,
      pollingInterval: 15,
      cooldownPeriod: 300,
      fallback: { failureThreshold: 3, replicas: 5, behavior: 'currentReplicasIfHigher' },
      arrivalRate: undefined,
      authModes: 'basic',
      terminationGracePeriodSeconds: 62,
      podDisruptionBudget: false,
      probes: SAMPLE_APP_PROBES,
      resources: DEFAULT_RESOURCES,
      behavior: true,
      schedules: [],
    },
    // Queue-based, 8 queues, demand: 15 per replica, drain 60 s as written, max min(8, 8) = 8 so clamped at 8
    // pods; fallback ceil(8 / 2) = 4; grace ceil(41 + 10 / 15 + 45) = ceil(86.67) = 87; probes: false (4.x image).
    'legacy-billing': {
      trigger: 'demand',
      threshold: '1',
      activationThreshold: '0',
      query:
        'clamp_max(((sum(rate(rocketmq_messages_in_total{instance_id="rmq-cn-fakestaging0000", topic="order-events"}[1m])) or vector(0)) + ' +
        `(sum({${METRICS}, instance_id="rmq-cn-fakestaging0000", topic="order-events", consumer_group="legacy-billing"})) / 60) / 15, 8)`,
      minReplicaCount: 1,
      maxReplicaCount: 8,
      pollingInterval: 15,
      cooldownPeriod: 300,
      fallback: { failureThreshold: 3, replicas: 4, behavior: 'currentReplicasIfHigher' },
      arrivalRate: undefined,
      authModes: 'basic',
      terminationGracePeriodSeconds: 87,
      podDisruptionBudget: false,
      probes: undefined,
      resources: DEFAULT_RESOURCES,
      behavior: true,
      schedules: [],
    },
  },
  prod: {
    // Demand: 50 msg/s × 1 = 50 per replica, drain 30 s as written; min 3, max 40; fallback as written (3, 10);
    // grace ceil(41 + 10 / 50 + 30) = ceil(71.2) = 72; PDB (min 3 >= 2).
    'order-fulfilment': {
      trigger: 'demand',
      threshold: '1',
      activationThreshold: '0',
      query:
        '((sum(rate(rocketmq_messages_in_total{instance_id="rmq-cn-fakeprod0000", topic="orders"}[1m])) or vector(0)) + ' +
        `(sum({${METRICS}, instance_id="rmq-cn-fakeprod0000", topic="orders", consumer_group="order-fulfilment"})) / 30) / 50`,
      minReplicaCount: 3,
      maxReplicaCount: 40,
      pollingInterval: 15,
      cooldownPeriod: 300,
      fallback: { failureThreshold: 3, replicas: 10, behavior: 'currentReplicasIfHigher' },
      arrivalRate: undefined,
      authModes: 'custom',
      terminationGracePeriodSeconds: 72,
      podDisruptionBudget: true,
      probes: SAMPLE_APP_PROBES,
      resources: {
        requests: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '256Mi' },
        limits: { cpu: '2', memory: '1Gi' },
      },
      behavior: true,
      // schedules[0] double-eleven: expectedMessagesPerSecond 1600 / messagesPerSecondPerPod 50 = 32 exactly,
      // so desiredReplicas '32'; the cron times and zone as written; AverageValue, so the HPA proposes
      // ceil(32 / target 1) = 32 (kedacore/keda v2.17.2 pkg/scalers/cron_scaler.go GetMetricSpecForScaling).
      schedules: [
        {
          name: 'double-eleven',
          metricType: 'AverageValue',
          metadata: {
            timezone: 'Asia/Shanghai',
            start: '59 19 11 11 *',
            end: '15 20 11 11 *',
            desiredReplicas: '32',
          },
        },
      ],
    },
    // 200 msg/s × 600 s = 120000; min 2, max 6; fallback max(2, 1, ceil(6 / 2)) = 3;
    // grace ceil(41 + 10 / 200 + 10) = ceil(51.05) = 52.
    'order-analytics': {
      trigger: 'backlog',
      threshold: '120000',
      activationThreshold: '0',
      query: `sum({${METRICS}, instance_id="rmq-cn-fakeprod0000", topic="orders", consumer_group="order-analytics"})`,
      minReplicaCount: 2,
      maxReplicaCount: 6,
      pollingInterval: 30,
      cooldownPeriod: 300,
      fallback: { failureThreshold: 3, replicas: 3, behavior: 'currentReplicasIfHigher' },
      arrivalRate: undefined,
      authModes: 'custom',
      terminationGracePeriodSeconds: 52,
      podDisruptionBudget: true,
      probes: SAMPLE_APP_PROBES,
      resources: DEFAULT_RESOURCES,
      behavior: false,
      schedules: [],
    },
    // Queue-based, 16 queues: 30 msg/s × 120 s = 3600; max min(16, 16) = 16; clamp 16 × 3600 = 57600;
    // rate 30 × 0.8 = 24; fallback ceil(16 / 2) = 8; grace ceil(41 + 10 / 30 + 60) = ceil(101.33) = 102.
    'payment-ledger': {
      trigger: 'backlog',
      threshold: '3600',
      activationThreshold: '0',
      query: `clamp_max(sum({${METRICS}, instance_id="rmq-cn-fakeprod0000", topic="payments", consumer_group="payment-ledger"}), 57600)`,
      minReplicaCount: 2,
      maxReplicaCount: 16,
      pollingInterval: 15,
      cooldownPeriod: 300,
      fallback: { failureThreshold: 3, replicas: 8, behavior: 'currentReplicasIfHigher' },
      arrivalRate: {
        query:
          'sum(rate(rocketmq_messages_in_total{instance_id="rmq-cn-fakeprod0000", topic="payments"}[1m]))',
        threshold: '24',
      },
      authModes: 'custom',
      terminationGracePeriodSeconds: 102,
      podDisruptionBudget: true,
      probes: SAMPLE_APP_PROBES,
      resources: DEFAULT_RESOURCES,
      behavior: false,
      schedules: [],
    },
  },
};

const scaledObject = (environment: string, name: string): ScaledObjectView =>
  find(synthObjects(environment), 'ScaledObject', name) as unknown as ScaledObjectView;
const podSpec = (environment: string, name: string) =>
  (find(synthObjects(environment), 'Deployment', name) as unknown as DeploymentView).spec.template.spec;

test('every hand-worked row names a committed environment and one of its workloads', () => {
  const rows = Object.entries(HAND_WORKED).flatMap(([env, workloads]) =>
    Object.keys(workloads).map((name) => `${env}/${name}`),
  );
  const committed = environments.flatMap((env) => workloadNames(env).map((name) => `${env}/${name}`));
  expect(rows.filter((row) => !committed.includes(row))).toEqual([]);
});

const rows = Object.entries(HAND_WORKED).flatMap(([env, workloads]) =>
  Object.entries(workloads).map(([name, expected]) => [`${env}/${name}`, env, name, expected] as const),
);

describe.each(rows)('hand-worked %s', (_row, env, name, expected) => {
  test('the backlog trigger, or the demand trigger in its place: threshold, activation and the complete query', () => {
    const triggers = scaledObject(env, name).spec.triggers;
    const other = expected.trigger === 'backlog' ? 'demand' : 'backlog';
    expect(triggers.find((t) => t.name === other)).toBeUndefined();
    const backlog = triggers.find((t) => t.name === expected.trigger);
    expect(backlog).toMatchObject({
      type: 'prometheus',
      metricType: 'AverageValue',
      metadata: {
        threshold: expected.threshold,
        activationThreshold: expected.activationThreshold,
        query: expected.query,
        authModes: expected.authModes,
        // An empty result is an error, not 0 (KEDA 2.17 pkg/scalers/prometheus_scaler.go ExecutePromQuery).
        ignoreNullValues: 'false',
      },
    });
  });

  test('replica bounds, polling, cooldown and fallback', () => {
    const spec = scaledObject(env, name).spec;
    expect({
      minReplicaCount: spec.minReplicaCount,
      maxReplicaCount: spec.maxReplicaCount,
      pollingInterval: spec.pollingInterval,
      cooldownPeriod: spec.cooldownPeriod,
      fallback: spec.fallback,
      idleReplicaCount: spec.idleReplicaCount,
    }).toEqual({
      minReplicaCount: expected.minReplicaCount,
      maxReplicaCount: expected.maxReplicaCount,
      pollingInterval: expected.pollingInterval,
      cooldownPeriod: expected.cooldownPeriod,
      fallback: expected.fallback,
      idleReplicaCount: undefined,
    });
  });

  test('the cron triggers of the scheduled events, after the Prometheus ones, or none', () => {
    const triggers = scaledObject(env, name).spec.triggers;
    const cron = triggers.filter((t) => t.type === 'cron');
    expect(cron.map(({ name: n, metricType, metadata }) => ({ name: n, metricType, metadata }))).toEqual(
      expected.schedules,
    );
    expect(triggers.slice(triggers.length - cron.length).every((t) => t.type === 'cron')).toBe(true);
    expect(cron.every((t) => !('authenticationRef' in t))).toBe(true);
  });

  test('the arrival-rate trigger: its query and threshold, or none', () => {
    const rate = scaledObject(env, name).spec.triggers.find((t) => t.name === 'arrival-rate');
    expect(rate && { query: rate.metadata.query, threshold: rate.metadata.threshold }).toEqual(
      expected.arrivalRate,
    );
  });

  test('termination grace period, resources and the PodDisruptionBudget', () => {
    const pod = podSpec(env, name);
    expect(pod.terminationGracePeriodSeconds).toBe(expected.terminationGracePeriodSeconds);
    expect(pod.containers[0].resources).toEqual(expected.resources);
    const pdb = synthObjects(env).find(
      (o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === name,
    ) as { spec: Record<string, unknown> } | undefined;
    // maxUnavailable 1; AlwaysAllow: a crash-looping pod never blocks a node drain.
    const pdbSpec = pdb && {
      maxUnavailable: pdb.spec.maxUnavailable,
      unhealthyPodEvictionPolicy: pdb.spec.unhealthyPodEvictionPolicy,
    };
    expect(pdbSpec).toEqual(
      expected.podDisruptionBudget
        ? { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' }
        : undefined,
    );
  });

  test('the HTTP probes and the container port, or none', () => {
    const container = podSpec(env, name).containers[0] as unknown as {
      ports?: { containerPort: number; name: string }[];
      readinessProbe?: { httpGet: { path: string; port: number } };
      livenessProbe?: { httpGet: { path: string; port: number } };
    };
    expect({
      ports: container.ports?.map((p) => ({ containerPort: p.containerPort, name: p.name })),
      readiness: container.readinessProbe?.httpGet,
      liveness: container.livenessProbe?.httpGet,
    }).toEqual({
      ports: expected.probes && [{ containerPort: expected.probes.port, name: 'http' }],
      readiness: expected.probes && {
        path: expected.probes.readinessPath,
        port: expected.probes.port,
        scheme: 'HTTP',
      },
      liveness: expected.probes && {
        path: expected.probes.livenessPath,
        port: expected.probes.port,
        scheme: 'HTTP',
      },
    });
  });

  test('an HPA behavior exactly when the stack writes one', () => {
    expect(scaledObject(env, name).spec.advanced !== undefined).toBe(expected.behavior);
  });
});

test('prod/order-fulfilment: the behavior as the stack file writes it, keys in API order', () => {
  expect(scaledObject('prod', 'order-fulfilment').spec.advanced).toEqual({
    horizontalPodAutoscalerConfig: {
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: 'Max',
          policies: [
            { type: 'Percent', value: 900, periodSeconds: 15 },
            { type: 'Pods', value: 8, periodSeconds: 15 },
          ],
        },
        scaleDown: {
          stabilizationWindowSeconds: 30,
          selectPolicy: 'Max',
          policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
        },
      },
    },
  });
});

describe.each(environments)('manifests of %s', (environment) => {
  test('match the reviewed snapshot', () => {
    expect(synthObjects(environment)).toMatchSnapshot();
  });

  // issue 27: a self-managed environment provisions its broker from dist/ (the ApsaraMQ ones through Pulumi).
  if (loadEnvironment(environment).broker === 'self-managed') {
    test('hold the provisioning Job: every account of the stack, its password read from its Secret by reference', () => {
      const spec = loadEnvironment(environment);
      const jobs = synthObjects(environment).filter((o) => o.kind === 'Job');
      expect(jobs).toHaveLength(1);
      const job = jobs[0] as unknown as {
        metadata: { name: string };
        spec: {
          template: {
            spec: {
              containers: {
                env: {
                  name: string;
                  value?: string;
                  valueFrom?: { secretKeyRef: { name: string; key: string } };
                }[];
              }[];
            };
          };
        };
      };
      expect(job.metadata.name).toMatch(/^rocketmq-provisioning-[0-9a-f]{10}$/);
      const env = job.spec.template.spec.containers[0].env;
      expect(env.filter((e) => e.value !== undefined).map((e) => e.name)).toEqual(['NAMESRV', 'CLUSTER']);
      expect(env.filter((e) => e.name.startsWith('USER_')).map((e) => e.valueFrom!.secretKeyRef)).toEqual(
        [...spec.workloads, ...spec.producers].map((a) => ({
          name: `${a.name}-rocketmq-credentials`,
          key: 'password',
        })),
      );
    });
  }

  test('never contain a Secret object', () => {
    expect(synthObjects(environment).filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('put every object in the environment namespace with the recommended labels', () => {
    const spec = loadEnvironment(environment);
    for (const o of synthObjects(environment)) {
      expect(o.metadata.namespace).toBe(spec.kubernetes.namespace);
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/part-of': 'apsaramq-keda',
        'app.kubernetes.io/managed-by': 'cdk8s',
      });
    }
  });

  describe.each(workloadNames(environment))('workload %s', (name) => {
    const workload = () => loadEnvironment(environment).workloads.find((w) => w.name === name)!;

    if (loadEnvironment(environment).broker === 'apsaramq') {
      test('the backlog (or demand) trigger runs one exact-match query of its instance, topic and group, without a by', () => {
        const w = workload();
        const handoff = apsaraMqHandoff(loadHandoff(environment));
        const backlog = scaledObject(environment, name).spec.triggers.find(
          (t) => t.name === 'backlog' || t.name === 'demand',
        )!;
        expect(backlog.metadata.serverAddress).toBe(handoff.prometheus.serverAddress);
        expect(backlog.metadata.query).not.toMatch(/\bby\b/);
        // Exact-match label selectors: the only regex matcher picks the two metric names.
        expect(backlog.metadata.query.match(/\w+=~/g)).toEqual(['__name__=~']);
        expect(backlog.metadata.query).toContain(
          `instance_id="${handoff.instanceId}", topic="${w.topic}", consumer_group="${w.consumerGroup}"})`,
        );
        expect(Number(backlog.metadata.threshold)).toBeGreaterThan(0);
      });

      test('authenticates through the TriggerAuthentication reading the Pulumi-created Secret', () => {
        const objects = synthObjects(environment);
        const handoff = loadHandoff(environment);
        const scaled = find(objects, 'ScaledObject', name) as unknown as ScaledObjectView;
        // The Prometheus triggers authenticate; a cron trigger reads no metric store.
        const prometheus = scaled.spec.triggers.filter((t) => t.type === 'prometheus');
        expect(
          scaled.spec.triggers.filter((t) => t.type !== 'prometheus').every((t) => t.type === 'cron'),
        ).toBe(true);
        const refs = prometheus.map((t) => t.authenticationRef.name);
        expect(new Set(refs).size).toBe(1);
        const auth = find(objects, 'TriggerAuthentication', refs[0]) as unknown as {
          spec: { secretTargetRef: { parameter: string; name: string; key: string }[] };
        };
        const parameters = {
          custom: ['customAuthHeader', 'customAuthValue'],
          basic: ['username', 'password'],
        };
        const mode = scaled.spec.triggers[0].metadata.authModes as 'custom' | 'basic';
        expect(mode).toBe(handoff.prometheus.auth === 'token' ? 'custom' : 'basic');
        expect(auth.spec.secretTargetRef).toEqual(
          parameters[mode].map((p) => ({ parameter: p, key: p, name: handoff.prometheus.secretName })),
        );
      });
    } else {
      // issue 27: a self-managed environment selects its broker cluster and reads an in-cluster Prometheus.
      test('the backlog trigger selects the broker cluster label, topic and group exactly; one series (no by outside the per-broker max)', () => {
        const w = workload();
        const handoff = loadHandoff(environment) as SelfManagedHandoff;
        const backlog = scaledObject(environment, name).spec.triggers.find((t) => t.name === 'backlog')!;
        const query = backlog.metadata.query;
        expect(backlog.metadata.serverAddress).toBe(handoff.prometheus.serverAddress);
        expect(query).not.toContain('instance_id');
        expect(query.match(/\w+=~/g)).toEqual(['__name__=~']);
        const { label, name: cluster } = handoff.brokerCluster;
        expect(query).toContain(
          `${label}="${cluster}", topic="${w.topic}", consumer_group="${w.consumerGroup}"}))`,
        );
        // The only by is the per-broker max inside the outer sum: the result has no labels, one series.
        expect(query.match(/\bby \([^)]*\)/g)).toEqual(['by (__name__, node_id, is_retry)']);
        expect(
          query.startsWith('sum(max by (__name__, node_id, is_retry) (') ||
            query.startsWith('clamp_max((sum(max by'),
        ).toBe(true);
      });

      test('with auth none the triggers name no TriggerAuthentication, and none is synthesized', () => {
        const objects = synthObjects(environment);
        const handoff = loadHandoff(environment) as SelfManagedHandoff;
        expect(handoff.prometheus.auth).toBe('none');
        const scaled = find(objects, 'ScaledObject', name) as unknown as {
          spec: {
            triggers: { type: string; authenticationRef?: unknown; metadata: Record<string, string> }[];
          };
        };
        for (const t of scaled.spec.triggers.filter((x) => x.type === 'prometheus')) {
          expect(t.authenticationRef).toBeUndefined();
          expect(t.metadata.authModes).toBeUndefined();
        }
        expect(objects.filter((o) => o.kind === 'TriggerAuthentication')).toEqual([]);
      });
    }

    test('a missing backlog series is an error, and a fallback never scales in (KEDA 2.17+)', () => {
      // Source: kedacore/keda pkg/scalers/prometheus_scaler.go ExecutePromQuery (ignoreNullValues default true
      // reads an empty result as 0); pkg/fallback/fallback.go doFallback (currentReplicasIfHigher).
      const spec = scaledObject(environment, name).spec as ScaledObjectView['spec'] & {
        fallback?: { behavior?: string };
      };
      const first = spec.triggers.find((t) => t.name === 'backlog' || t.name === 'demand')!;
      expect(first.metadata.ignoreNullValues).toBe('false');
      expect(spec.fallback === undefined ? 'no fallback' : spec.fallback.behavior).toBe(
        workload().scaling.fallback === false ? 'no fallback' : 'currentReplicasIfHigher',
      );
    });

    test('replica bounds and fallback stay within what the stack allows', () => {
      const w = workload();
      const spec = scaledObject(environment, name).spec;
      expect(spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
      expect(spec.minReplicaCount).toBe(w.minReplicas);
      expect(spec.maxReplicaCount).toBeLessThanOrEqual(Math.min(w.maxReplicas, w.queueCount ?? Infinity));
      expect(spec.fallback === undefined).toBe(w.scaling.fallback === false);
      const replicas = spec.fallback?.replicas ?? Math.max(w.minReplicas, 1);
      expect(replicas).toBeGreaterThanOrEqual(Math.max(w.minReplicas, 1));
      expect(replicas).toBeLessThanOrEqual(spec.maxReplicaCount);
    });

    test('the Deployment leaves replicas to KEDA and runs locked down', () => {
      const w = workload();
      const deployment = find(synthObjects(environment), 'Deployment', name) as unknown as DeploymentView;
      const pod = deployment.spec.template.spec;
      expect(deployment.spec.replicas).toBeUndefined();
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.serviceAccountName).toBe(name);
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.containers[0].securityContext).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(pod.containers[0].image).toBe(w.image);
      expect(pod.topologySpreadConstraints.map((c) => c.topologyKey)).toEqual([
        'topology.kubernetes.io/zone',
        'kubernetes.io/hostname',
      ]);
    });

    test('scale-in lets in-flight messages finish: grace covers the 30 s receive wait, 3 s timeout and max processing', () => {
      // apache/rocketmq-clients nodejs SimpleConsumer awaitDuration 30 s + BaseClient requestTimeout 3 s.
      expect(podSpec(environment, name).terminationGracePeriodSeconds).toBeGreaterThan(
        33 + workload().maxProcessingSeconds,
      );
    });

    test('a rollout never cuts capacity, /tmp is bounded and reserved, spreading counts one ReplicaSet', () => {
      const deployment = find(synthObjects(environment), 'Deployment', name) as unknown as {
        spec: { strategy: unknown; template: { spec: { volumes: unknown[] } } };
      };
      expect(deployment.spec.strategy).toEqual({
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 },
      });
      expect(deployment.spec.template.spec.volumes).toEqual([
        { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
      ]);
      expect(podSpec(environment, name).containers[0].resources.requests['ephemeral-storage']).toBe('256Mi');
      const spread = podSpec(environment, name).topologySpreadConstraints as { matchLabelKeys?: string[] }[];
      expect(spread.map((c) => c.matchLabelKeys)).toEqual(spread.map(() => ['pod-template-hash']));
    });

    test('credentials come from the Secret by reference, connection settings as values', () => {
      const w = workload();
      const handoff = loadHandoff(environment);
      const env = Object.fromEntries(podSpec(environment, name).containers[0].env.map((e) => [e.name, e]));
      const secretName = handoff.workloads.find((h) => h.name === name)!.credentialsSecretName;
      expect(env.ROCKETMQ_USERNAME?.valueFrom?.secretKeyRef).toEqual({ name: secretName, key: 'username' });
      expect(env.ROCKETMQ_PASSWORD?.valueFrom?.secretKeyRef).toEqual({ name: secretName, key: 'password' });
      expect(env.ROCKETMQ_PASSWORD?.value).toBeUndefined();
      expect(env.ROCKETMQ_ENDPOINT?.value).toBe(handoff.rocketMqEndpoint);
      expect(env.ROCKETMQ_TOPIC?.value).toBe(w.topic);
      expect(env.ROCKETMQ_CONSUMER_GROUP?.value).toBe(w.consumerGroup);
    });
  });
});

test('prod: two groups on one topic get two backlog selections that differ only in consumer_group', () => {
  // order-fulfilment's demand query holds its group's backlog sum as order-analytics' backlog query is.
  const query = (name: string): string =>
    /sum\(\{__name__[^}]*\}\)/.exec(scaledObject('prod', name).spec.triggers[0].metadata.query)![0];
  expect(query('order-fulfilment').replace('order-fulfilment', 'X')).toBe(
    query('order-analytics').replace('order-analytics', 'X'),
  );
});
