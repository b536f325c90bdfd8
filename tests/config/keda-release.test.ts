import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { BacklogScaler, type BacklogScalerProps } from '../../constructs/k8s';
import { DEFAULT_KEDA_VERSION } from '../../constructs/scaling';
import { listEnvironments, parseEnvironment, stackFilePath } from '../../infra/config/environment';
import { kedaRelease } from '../../infra/config/keda-release';
import { ACK_KEDA_RELEASES, PINNED_ACK_KEDA_VERSION } from '../../infra/config/limits';
import { testChart } from '../shared/scratch';

type Config = Record<string, unknown>;
/* eslint-disable @typescript-eslint/no-explicit-any -- the cases edit untyped stack-file YAML in place */
const stackConfig = (env: string): Config =>
  (parseYaml(fs.readFileSync(stackFilePath(env), 'utf8')) as { config: Config }).config;
const key = (c: Config, name: string): any => c[`apsaramq-keda:${name}`];
const violationsOf = (env: string, edit: (c: Config) => void): string => {
  const config = stackConfig(env);
  edit(config);
  try {
    parseEnvironment(env, config);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
};

describe('the pinned KEDA release', () => {
  test('the simulator models the pinned ack-keda by default', () => {
    expect(ACK_KEDA_RELEASES[PINNED_ACK_KEDA_VERSION]).toBe(DEFAULT_KEDA_VERSION);
  });

  test.each(listEnvironments())('%s: the stack runs the pinned KEDA release', (env) => {
    expect(kedaRelease(parseEnvironment(env, stackConfig(env)))).toBe(DEFAULT_KEDA_VERSION);
  });

  // The stacks that install ack-keda (those with an ACK cluster), read from the stack file.
  const installing = listEnvironments().filter(
    (env) => parseEnvironment(env, stackConfig(env)).kubernetes.ackClusterId !== undefined,
  );

  test('at least one committed stack installs ack-keda', () => {
    expect(installing.length).toBeGreaterThan(0);
  });

  test.each(installing)('%s: installs ack-keda and pins its version', (env) => {
    expect(parseEnvironment(env, stackConfig(env)).kubernetes.kedaAddonVersion).toBe(PINNED_ACK_KEDA_VERSION);
  });

  test('ackClusterId without kedaAddonVersion is refused', () => {
    expect(violationsOf('prod', (c) => delete key(c, 'kubernetes').kedaAddonVersion)).toContain(
      'kubernetes.kedaAddonVersion is required with ackClusterId: pin the ack-keda version (2.17.2)',
    );
  });

  test('an ack-keda version outside the pinned list is refused', () => {
    expect(violationsOf('prod', (c) => (key(c, 'kubernetes').kedaAddonVersion = '2.14.0'))).toContain(
      'kubernetes.kedaAddonVersion: ("2.14.0") must be a pinned ack-keda version: 2.17.2',
    );
  });
});

describe('activationThreshold on a workload that scales to zero', () => {
  // Source: kedacore/keda pkg/scalers/prometheus_scaler.go GetMetricsAndActivity: active is value >
  // activationThreshold, so at zero replicas up to that many messages never start a consumer.
  test('is refused above 0', () => {
    expect(violationsOf('dev', (c) => (key(c, 'workloads')[0].scaling.activationThreshold = 5))).toContain(
      'workloads[0].scaling.activationThreshold (5) must be 0 when minReplicas is 0: with no consumer running, up to 5 messages would wait forever',
    );
  });

  test('is allowed with minReplicas 1', () => {
    expect(
      violationsOf('dev', (c) => {
        key(c, 'workloads')[0].minReplicas = 1;
        key(c, 'workloads')[0].scaling.activationThreshold = 5;
      }),
    ).toBe('');
  });
});

describe('BacklogScaler fallback against the capped maximum', () => {
  const scaler: BacklogScalerProps = {
    name: 'orders',
    environment: 'dev',
    scaleTargetName: 'orders',
    serverAddress: 'http://arms.example.com:9090/api/v1/prometheus/x/y/z/cn-hangzhou',
    auth: 'token',
    authSecretName: 'keda-arms-prometheus-auth',
    instanceId: 'rmq-cn-x',
    topic: 'orders',
    consumerGroup: 'orders-group',
    threshold: 30,
    minReplicaCount: 2,
    maxReplicaCount: 20,
    loadBalancing: 'queue',
    queueCount: 16,
  };

  test('16 queues and max 20: fallback 18 is refused, since maxReplicaCount is written as 16', () => {
    expect(() => new BacklogScaler(testChart(), 's', { ...scaler, fallback: { replicas: 18 } })).toThrow(
      'fallback.replicas (18) must be an integer in [max(minReplicaCount, 1), maxReplicaCount capped at queueCount] = [2, 16]',
    );
  });

  test('the default fallback is half the capped maximum', () => {
    const s = new BacklogScaler(testChart(), 's', scaler);
    const spec = (s.scaledObject.toJson() as { spec: { maxReplicaCount: number; fallback: unknown } }).spec;
    expect(spec.maxReplicaCount).toBe(16);
    expect(spec.fallback).toEqual({ failureThreshold: 3, replicas: 8, behavior: 'currentReplicasIfHigher' });
  });

  test('KEDA 2.16 gets no fallback.behavior, a field it does not have', () => {
    const s = new BacklogScaler(testChart(), 's', { ...scaler, kedaVersion: '2.16.1' });
    const spec = (s.scaledObject.toJson() as { spec: { fallback: unknown } }).spec;
    expect(spec.fallback).toEqual({ failureThreshold: 3, replicas: 8 });
  });

  test('a KEDA release that was not modelled is refused', () => {
    expect(() => new BacklogScaler(testChart(), 's', { ...scaler, kedaVersion: '2.9.3' })).toThrow(
      'kedaVersion ("2.9.3") must be a modelled KEDA release 2.14.x to 2.20.x',
    );
  });
});
