import * as fs from 'node:fs';
import * as path from 'node:path';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { parseAllDocuments } from 'yaml';
import { loadEnvironment, parseEnvironment } from '../../infra/config/environment';
import { loadHandoff, parseHandoff, HandoffError } from '../../infra/config/handoff';
import { synthEnvironment, SynthInputError } from '../../infra/synth/app';
import { synthAll } from '../../infra/synth/pipeline';
import { environmentsWithHandoff, synthObjects, type Manifest } from './helpers';
import { scratchDir } from '../shared/scratch';

/** Kubernetes 1.28, KEDA 2.x and Prometheus Operator schemas, one validating model per kind. */
const MODELS: Record<string, (o: Manifest) => { validate(): void }> = {
  'apps/v1/Deployment': (o) => new Deployment(o),
  'v1/ServiceAccount': (o) => new ServiceAccount(o),
  // The provisioning Job of a self-managed environment (issue 27) and its script.
  'batch/v1/Job': (o) => new Job(o),
  'v1/ConfigMap': (o) => new ConfigMap(o),
  'policy/v1/PodDisruptionBudget': (o) => new PodDisruptionBudget(o),
  'keda.sh/v1alpha1/ScaledObject': (o) =>
    new ScaledObject(o as unknown as ConstructorParameters<typeof ScaledObject>[0]),
  'keda.sh/v1alpha1/TriggerAuthentication': (o) =>
    new TriggerAuthentication(o as unknown as ConstructorParameters<typeof TriggerAuthentication>[0]),
  'monitoring.coreos.com/v1/PrometheusRule': (o) =>
    new PrometheusRule(o as unknown as ConstructorParameters<typeof PrometheusRule>[0]),
};

const tmp = (): string => scratchDir('apsaramq-keda-test-');

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  }
  return out;
}

describe.each(environmentsWithHandoff())('schema validation of %s', (environment) => {
  test('every synthesized object validates against its Kubernetes 1.28 / KEDA 2.x schema', () => {
    const objects = synthObjects(environment);
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) {
      const model = MODELS[`${o.apiVersion}/${o.kind}`];
      expect(model).toBeDefined();
      expect(() => model(o).validate()).not.toThrow();
    }
  });
});

describe('synth output', () => {
  test('is byte-identical across two runs', () => {
    const a = tmp();
    const b = tmp();
    synthAll(a);
    synthAll(b);
    const first = readTree(a);
    // One file per workload of the stack file, plus the kustomization, the alert rules and the dashboard (every
    // committed stack keeps the cluster side on), for every environment with a hand-off; a self-managed one also
    // its provisioning Job (issue 27).
    const expected = environmentsWithHandoff().flatMap((env) => [
      `${env}/kustomization.yaml`,
      `${env}/apsaramq-keda-alerts.yaml`,
      `${env}/apsaramq-keda-dashboard.yaml`,
      ...loadEnvironment(env).workloads.map((w) => `${env}/${w.name}.yaml`),
      ...(loadEnvironment(env).broker === 'self-managed' ? [`${env}/rocketmq-provisioning.yaml`] : []),
    ]);
    expect(Object.keys(first).sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(0);
    expect(readTree(b)).toEqual(first);
  });

  test('kustomization.yaml lists exactly the workload files, the alert rules and the dashboard', () => {
    const out = tmp();
    const result = synthEnvironment(loadEnvironment('prod'), loadHandoff('prod'), out);
    const kustomization = parseAllDocuments(
      fs.readFileSync(path.join(out, 'kustomization.yaml'), 'utf8'),
    )[0].toJSON() as {
      kind: string;
      namespace: string;
      resources: string[];
    };
    expect(kustomization.kind).toBe('Kustomization');
    expect(kustomization.namespace).toBe('orders-prod');
    expect(kustomization.resources).toEqual([
      'apsaramq-keda-alerts.yaml',
      'apsaramq-keda-dashboard.yaml',
      'order-analytics.yaml',
      'order-fulfilment.yaml',
      'payment-ledger.yaml',
    ]);
    expect(result.files).toEqual([...kustomization.resources, 'kustomization.yaml'].sort());
  });

  test('replaces stale files of a removed workload', () => {
    const out = tmp();
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'removed-workload.yaml'), 'stale');
    synthEnvironment(loadEnvironment('dev'), loadHandoff('dev'), out);
    expect(fs.existsSync(path.join(out, 'removed-workload.yaml'))).toBe(false);
  });
});

describe('secrets', () => {
  const CANARY = 'CANARY-5f0c1e-never-in-dist';

  test('a secure config value in the stack never reaches dist/', () => {
    const file = path.resolve(__dirname, '../../stacks/Pulumi.dev.yaml');
    const document = parseAllDocuments(fs.readFileSync(file, 'utf8'))[0].toJSON() as {
      config: Record<string, unknown>;
    };
    const spec = parseEnvironment('dev', {
      ...document.config,
      'apsaramq-keda:prometheusToken': { secure: CANARY },
    });
    const out = tmp();
    synthEnvironment(spec, loadHandoff('dev'), out);
    for (const content of Object.values(readTree(out))) expect(content).not.toContain(CANARY);
  });

  test('a plain-text secret in the stack is refused before anything is written', () => {
    const file = path.resolve(__dirname, '../../stacks/Pulumi.dev.yaml');
    const document = parseAllDocuments(fs.readFileSync(file, 'utf8'))[0].toJSON() as {
      config: Record<string, unknown>;
    };
    expect(() =>
      parseEnvironment('dev', { ...document.config, 'apsaramq-keda:prometheusToken': CANARY }),
    ).toThrow(/apsaramq-keda:prometheusToken: holds a secret in plain text/);
  });

  test('a hand-off carrying a secret field is rejected, so it cannot reach dist/', () => {
    const handoff = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../stacks/dev.outputs.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(() => parseHandoff('dev.outputs.json', { ...handoff, prometheusToken: CANARY })).toThrow(
      HandoffError,
    );
    const prometheus = handoff.prometheus as Record<string, unknown>;
    expect(() =>
      parseHandoff('dev.outputs.json', { ...handoff, prometheus: { ...prometheus, token: CANARY } }),
    ).toThrow(/prometheus: Unrecognized key: "token"/);
  });
});

describe('spec and hand-off cross-check', () => {
  test('every disagreement is reported, and nothing is written', () => {
    const handoff = loadHandoff('prod');
    const broken = {
      ...handoff,
      environment: 'staging',
      namespace: 'elsewhere',
      workloads: handoff.workloads
        .map((w) => (w.name === 'payment-ledger' ? { ...w, topic: 'orders' } : w))
        .slice(1),
    };
    const out = path.join(tmp(), 'prod');
    let error: unknown;
    try {
      synthEnvironment(loadEnvironment('prod'), broken, out);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SynthInputError);
    expect((error as SynthInputError).violations).toEqual([
      'handoff.environment (staging) must be prod',
      'handoff.namespace (elsewhere) must equal kubernetes.namespace (orders-prod)',
      'workloads[0] (order-fulfilment) has no entry in handoff.workloads: run pulumi up, then npm run outputs',
      'handoff.workloads[payment-ledger].topic (orders) must equal workloads[2].topic (payments)',
    ]);
    expect(fs.existsSync(out)).toBe(false);
  });
});

test('the schema validators do reject a malformed object (they are not a no-op)', () => {
  const objects = synthObjects('dev');
  const scaled = objects.find((o) => o.kind === 'ScaledObject')!;
  const broken = {
    ...scaled,
    spec: { ...(scaled.spec as object), minReplicaCount: 'zero' },
  } as unknown as Manifest;
  expect(() => MODELS['keda.sh/v1alpha1/ScaledObject'](broken).validate()).toThrow();
  const deployment = objects.find((o) => o.kind === 'Deployment')!;
  const noContainers = {
    ...deployment,
    spec: { selector: {}, template: { spec: {} } },
  } as unknown as Manifest;
  expect(() => MODELS['apps/v1/Deployment'](noContainers).validate()).toThrow();
});
