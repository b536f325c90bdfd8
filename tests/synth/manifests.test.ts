import { loadEnvironment } from '../../infra/config/environment';
import { loadHandoff } from '../../infra/config/handoff';
import { workloadThreshold } from '../../infra/config/workload-threshold';
import { backlogQuery, DEFAULT_ARRIVAL_RATE_METRIC } from '../../constructs/shared/promql';
import { consumerShutdownSeconds } from '../../constructs/scaling';
import {
  environmentsWithHandoff,
  find,
  synthObjects,
  type DeploymentView,
  type ScaledObjectView,
} from './helpers';

// Every environment that can be synthesized: a new one without a hand-off yet is left to tests/synth/cli.test.ts.
const environments = environmentsWithHandoff();

describe.each(environments)('manifests of %s', (environment) => {
  const spec = loadEnvironment(environment);
  const handoff = loadHandoff(environment);
  const objects = synthObjects(environment);

  test('match the reviewed snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('never contain a Secret object', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('put every object in the environment namespace with the recommended labels', () => {
    for (const o of objects) {
      expect(o.metadata.namespace).toBe(spec.kubernetes.namespace);
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/part-of': 'apsaramq-keda',
        'app.kubernetes.io/managed-by': 'cdk8s',
      });
    }
  });

  describe.each(spec.workloads.map((w) => [w.name, w] as const))('workload %s', (name, w) => {
    const scaled = find(objects, 'ScaledObject', name) as unknown as ScaledObjectView;
    const deployment = find(objects, 'Deployment', name) as unknown as DeploymentView;
    const podSpec = deployment.spec.template.spec;
    const container = podSpec.containers[0];
    const queueBased = w.loadBalancing === 'queue';
    const threshold = workloadThreshold(w);

    test('the backlog trigger runs the one-series query with the derived threshold', () => {
      const backlog = scaled.spec.triggers.find((t) => t.name === 'backlog')!;
      expect(backlog.type).toBe('prometheus');
      expect(backlog.metricType).toBe('AverageValue');
      expect(backlog.metadata.serverAddress).toBe(handoff.prometheus.serverAddress);
      expect(backlog.metadata.threshold).toBe(String(threshold));
      expect(backlog.metadata.activationThreshold).toBe(String(w.scaling.activationThreshold));
      expect(backlog.metadata.query).toBe(
        backlogQuery({
          instanceId: handoff.instanceId,
          topic: w.topic,
          consumerGroup: w.consumerGroup,
          ...(queueBased && { clampMax: w.maxReplicas * threshold }),
          // A workload that can sit at zero falls back to the topic's arrivals when the group has no series.
          ...((w.minReplicas === 0 || w.idleReplicaCount === 0) && {
            whenGroupAbsent: {
              arrivalMetricName: w.scaling.scaleOnArrivalRate?.metricName ?? DEFAULT_ARRIVAL_RATE_METRIC,
            },
          }),
        }),
      );
      if (w.minReplicas === 0) {
        expect(backlog.metadata.query).toContain(' or sum(increase(rocketmq_messages_in_total{');
      }
      expect(backlog.metadata.query).not.toMatch(/\bby\b/);
      expect(backlog.metadata.query).toContain(`consumer_group="${w.consumerGroup}"`);
    });

    test('a missing backlog series is an error, and the fallback never scales in (KEDA 2.17+)', () => {
      // Source: kedacore/keda pkg/scalers/prometheus_scaler.go ExecutePromQuery (ignoreNullValues default true
      // reads an empty result as 0); pkg/fallback/fallback.go doFallback (currentReplicasIfHigher).
      const backlog = scaled.spec.triggers.find((t) => t.name === 'backlog')!;
      expect(backlog.metadata.ignoreNullValues).toBe('false');
      const fallback = (scaled.spec as { fallback?: Record<string, unknown> }).fallback;
      if (w.scaling.fallback === false) expect(fallback).toBeUndefined();
      else {
        expect(fallback?.behavior).toBe('currentReplicasIfHigher');
        expect(fallback?.replicas).toBeLessThanOrEqual(scaled.spec.maxReplicaCount);
      }
    });

    test('authenticates through the TriggerAuthentication reading the Pulumi-created Secret', () => {
      const authName = `${name}-prometheus`;
      for (const trigger of scaled.spec.triggers) {
        expect(trigger.authenticationRef).toEqual({ name: authName });
        expect(trigger.metadata.authModes).toBe(spec.prometheus.auth === 'token' ? 'custom' : 'basic');
      }
      const auth = find(objects, 'TriggerAuthentication', authName) as unknown as {
        spec: { secretTargetRef: { parameter: string; name: string; key: string }[] };
      };
      const parameters =
        spec.prometheus.auth === 'token' ? ['customAuthHeader', 'customAuthValue'] : ['username', 'password'];
      expect(auth.spec.secretTargetRef).toEqual(
        parameters.map((p) => ({ parameter: p, key: p, name: handoff.prometheus.secretName })),
      );
    });

    test('replica bounds, timing and fallback follow the environment', () => {
      expect(scaled.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
      expect(scaled.spec.minReplicaCount).toBe(w.minReplicas);
      expect(scaled.spec.maxReplicaCount).toBe(
        queueBased ? Math.min(w.maxReplicas, w.queueCount!) : w.maxReplicas,
      );
      expect(scaled.spec.pollingInterval).toBe(w.scaling.pollingIntervalSeconds);
      expect(scaled.spec.cooldownPeriod).toBe(w.scaling.cooldownPeriodSeconds);
      if (w.scaling.fallback === false) expect(scaled.spec.fallback).toBeUndefined();
      else {
        expect(scaled.spec.fallback?.failureThreshold).toBe(w.scaling.fallback.failureThreshold);
        const replicas = scaled.spec.fallback!.replicas;
        expect(replicas).toBeGreaterThanOrEqual(Math.max(w.minReplicas, 1));
        expect(replicas).toBeLessThanOrEqual(w.maxReplicas);
        if (w.scaling.fallback.replicas !== undefined) expect(replicas).toBe(w.scaling.fallback.replicas);
      }
      if (w.scaling.behavior === undefined) expect(scaled.spec.advanced).toBeUndefined();
      else expect(scaled.spec.advanced?.horizontalPodAutoscalerConfig.behavior).toEqual(w.scaling.behavior);
    });

    test('the arrival-rate trigger appears exactly when configured', () => {
      const rate = scaled.spec.triggers.find((t) => t.name === 'arrival-rate');
      if (w.scaling.scaleOnArrivalRate === undefined) {
        expect(rate).toBeUndefined();
        return;
      }
      expect(rate?.metadata.query).toBe(
        `sum(rate(${w.scaling.scaleOnArrivalRate.metricName}{instance_id="${handoff.instanceId}", topic="${w.topic}"}[1m]))`,
      );
      expect(Number(rate?.metadata.threshold)).toBeCloseTo(
        w.messagesPerSecondPerPod * w.scaling.scaleOnArrivalRate.targetUtilization,
        9,
      );
    });

    test('the Deployment leaves replicas to KEDA and runs locked down', () => {
      expect(deployment.spec.replicas).toBeUndefined();
      expect(podSpec.automountServiceAccountToken).toBe(false);
      expect(podSpec.serviceAccountName).toBe(name);
      expect(podSpec.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.image).toBe(w.image);
      expect(container.resources).toEqual({
        requests: {
          cpu: w.resources.cpuRequest,
          memory: w.resources.memoryRequest,
          'ephemeral-storage': '256Mi',
        },
        limits: { cpu: w.resources.cpuLimit, memory: w.resources.memoryLimit },
      });
      expect(podSpec.topologySpreadConstraints.map((c) => c.topologyKey)).toEqual([
        'topology.kubernetes.io/zone',
        'kubernetes.io/hostname',
      ]);
    });

    test('scale-in lets in-flight messages finish: grace period covers the receive wait and max processing', () => {
      expect(podSpec.terminationGracePeriodSeconds).toBe(
        consumerShutdownSeconds({
          maxProcessingSeconds: w.maxProcessingSeconds,
          messagesPerSecondPerPod: w.messagesPerSecondPerPod,
        }),
      );
      // The client's 30 s receive long-poll plus its 3 s request timeout come before the work it holds.
      expect(podSpec.terminationGracePeriodSeconds).toBeGreaterThan(33 + w.maxProcessingSeconds);
    });

    test('a rollout never cuts capacity, /tmp is bounded and reserved, spreading counts one ReplicaSet', () => {
      const deployment = find(objects, 'Deployment', name) as unknown as {
        spec: { strategy: unknown; template: { spec: { volumes: unknown[] } } };
      };
      expect(deployment.spec.strategy).toEqual({
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 },
      });
      expect(deployment.spec.template.spec.volumes).toEqual([
        { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
      ]);
      for (const constraint of podSpec.topologySpreadConstraints as { matchLabelKeys?: string[] }[]) {
        expect(constraint.matchLabelKeys).toEqual(['pod-template-hash']);
      }
    });

    test('credentials come from the Secret by reference, connection settings as values', () => {
      const env = Object.fromEntries(container.env.map((e) => [e.name, e]));
      const secretName = handoff.workloads.find((h) => h.name === name)!.credentialsSecretName;
      expect(env.ROCKETMQ_USERNAME?.valueFrom?.secretKeyRef).toEqual({ name: secretName, key: 'username' });
      expect(env.ROCKETMQ_PASSWORD?.valueFrom?.secretKeyRef).toEqual({ name: secretName, key: 'password' });
      expect(env.ROCKETMQ_PASSWORD?.value).toBeUndefined();
      expect(env.ROCKETMQ_ENDPOINT?.value).toBe(handoff.rocketMqEndpoint);
      expect(env.ROCKETMQ_TOPIC?.value).toBe(w.topic);
      expect(env.ROCKETMQ_CONSUMER_GROUP?.value).toBe(w.consumerGroup);
    });

    test('a PodDisruptionBudget exists exactly when min >= 2', () => {
      const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === name);
      // unhealthyPodEvictionPolicy AlwaysAllow: a crash-looping pod never blocks a node drain.
      if (w.minReplicas >= 2)
        expect(pdb).toMatchObject({ spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' } });
      else expect(pdb).toBeUndefined();
    });
  });
});

test('prod: two groups on one topic get two queries that differ only in consumer_group', () => {
  const objects = synthObjects('prod');
  const query = (name: string): string =>
    (find(objects, 'ScaledObject', name) as unknown as ScaledObjectView).spec.triggers[0].metadata.query;
  expect(query('order-fulfilment').replace('order-fulfilment', 'X')).toBe(
    query('order-analytics').replace('order-analytics', 'X'),
  );
});
