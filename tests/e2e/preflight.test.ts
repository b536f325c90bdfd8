/**
 * `npm run preflight` against real components: the replay harness's kube-apiserver with KEDA's CRDs, KEDA's
 * operator and metrics API server behind the aggregation layer (tests/e2e/harness/control-plane.ts), and a real
 * Prometheus scraping the dev workload's consumer series, behind a loopback gate that refuses a request without
 * the token of the cluster's Secret (as ARMS does). One control plane serves every case: the good setup, then
 * each break (a missing Secret, a refused token, an instance whose metrics are not there, another KEDA release, a CRD
 * without fallback.behavior), each undone before the next; then every committed environment's KEDA objects
 * against the real CRDs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { PROMETHEUS_AUTH_KEYS } from '../../constructs/shared/names';
import { loadEnvironment } from '../../infra/config/environment';
import { apsaraMqHandoff, loadHandoff } from '../../infra/config/handoff';
import { main } from '../../infra/preflight/cli';
import { type CrdView, crdName, manifestProblems } from '../../infra/preflight/crd-fields';
import { buildEnvironment } from '../../infra/synth/app';
import { environmentsWithHandoff, synthObjects } from '../synth/helpers';
import { describeWith, which } from './harness/availability';
import { resourcePath, startControlPlane, type ControlPlane, type KubeObject } from './harness/control-plane';
import { binariesBuilt, binaryPaths, KEDA_VERSION, kedaModuleDir } from './harness/control-plane-build';
import { type Prometheus, startPrometheus } from './harness/prometheus';
import { exposition, listen, type Server } from './harness/replay';

jest.setTimeout(10 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const ENV = 'dev';
/** The token the cluster's Secret holds and the gate accepts; it must never appear in the output. */
const TOKEN = 'preflight-e2e-token-5f1c';
/** The backlog the exporter serves: the query's one series has this value. */
const BACKLOG = 7;

const describePreflight = describeWith(
  ['go', 'prometheus', 'openssl', ...(binariesBuilt() ? [] : ['kube-apiserver'])],
  'install Go and run `npx tsx tests/e2e/harness/control-plane-build-cli.ts` (.ci/run does) to build the control plane',
);

describePreflight(`npm run preflight against kube-apiserver + KEDA ${KEDA_VERSION} + Prometheus`, () => {
  const spec = loadEnvironment(ENV);
  const handoff = apsaraMqHandoff(loadHandoff(ENV));
  const workload = spec.workloads[0];
  const namespace = spec.kubernetes.namespace;
  const authName = `${workload.name}-prometheus`;
  const secretPath = `/api/v1/namespaces/${namespace}/secrets/${handoff.prometheus.secretName}`;
  const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/scaledobjects.keda.sh';
  let plane: ControlPlane | undefined;
  let prometheus: Prometheus | undefined;
  const servers: Server[] = [];
  let stacks: string;
  let started: number;
  /** Every run's output, checked for the token at the end. */
  const outputs: string[] = [];

  const secret = (value: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: handoff.prometheus.secretName, namespace },
    stringData: {
      [PROMETHEUS_AUTH_KEYS.customAuthHeader]: 'Authorization',
      [PROMETHEUS_AUTH_KEYS.customAuthValue]: value,
    },
  });

  /** The operator Deployment as KEDA's release YAML ships it (config/manager/manager.yaml, version set by `make release`). */
  const operatorDeployment = (version: string): KubeObject => {
    const manifest = parseAllDocuments(
      fs.readFileSync(path.join(kedaModuleDir(), 'config', 'manager', 'manager.yaml'), 'utf8'),
    )
      .map((d) => d.toJS() as KubeObject)
      .find((o) => o?.kind === 'Deployment')!;
    const spec_ = manifest.spec as {
      replicas: number;
      template: { spec: { containers: { name: string; image: string }[] } };
    };
    // No kubelet runs it: the operator is the harness's process. Zero replicas keep the controllers quiet.
    spec_.replicas = 0;
    for (const c of spec_.template.spec.containers)
      if (c.name === 'keda-operator') c.image = `ghcr.io/kedacore/keda:${version}`;
    const labels = manifest.metadata.labels as Record<string, string>;
    labels['app.kubernetes.io/version'] = version;
    return manifest;
  };

  /** The hand-off in the scratch stacks directory: the gate as Prometheus, and the instance id given. */
  const writeHandoff = (serverAddress: string, instanceId = handoff.instanceId): void => {
    fs.writeFileSync(
      path.join(stacks, `${ENV}.outputs.json`),
      `${JSON.stringify({ ...handoff, instanceId, prometheus: { ...handoff.prometheus, serverAddress } }, null, 2)}\n`,
    );
  };

  const preflight = async (...extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = '';
    let stderr = '';
    const code = await main(
      ['--env', ENV, '--kubeconfig', plane!.kubeconfig, '--stacks-dir', stacks, ...extra],
      { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
      { env: {}, home: os.tmpdir() },
    );
    outputs.push(stdout, stderr);
    return { code, stdout, stderr };
  };

  let gateAddress: string;
  let apiServer: string;

  beforeAll(async () => {
    started = Date.now();
    const prom = which('prometheus');
    if (prom === undefined) throw new Error('prometheus not on PATH');
    plane = await startControlPlane(binaryPaths(), kedaModuleDir(), {
      hpaSyncSeconds: 15,
      downscaleStabilizationSeconds: 300,
    });
    apiServer = /server: '([^']+)'/.exec(fs.readFileSync(plane.kubeconfig, 'utf8'))![1];
    // The workload's series as ARMS names them (instance_id attached by the scrape, as in the replay).
    const exporter = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(
        exposition(
          { instanceId: handoff.instanceId, topic: workload.topic, group: workload.consumerGroup },
          workload.scaling.scaleOnArrivalRate?.metricName ?? 'rocketmq_messages_in_total',
          { backlog: BACKLOG, arrived: 100 },
        ),
      );
    });
    servers.push(exporter);
    prometheus = await startPrometheus(prom, [
      { job: 'rocketmq', target: exporter.address.replace('http://', '') },
    ]);
    const upstream = prometheus.serverAddress;
    // ARMS answers 401 without the token; the gate does the same in front of the real Prometheus.
    const gate = await listen((req, res) => {
      if (req.headers.authorization !== TOKEN) {
        // Echoes what it got, as some servers do: the preflight must redact it.
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end(`invalid token ${JSON.stringify(req.headers.authorization ?? '')}`);
        return;
      }
      fetch(`${upstream}${req.url ?? '/'}`)
        .then(async (answer) => {
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'text/plain',
          });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch((error: unknown) => {
          res.writeHead(502);
          res.end(String(error));
        });
    });
    servers.push(gate);
    gateAddress = gate.address;
    stacks = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-preflight-stacks-'));
    fs.cpSync(path.join(ROOT, 'stacks'), stacks, { recursive: true });
    writeHandoff(gateAddress);
    await plane.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    await plane.apply(secret(TOKEN));
    await plane.apply(operatorDeployment(KEDA_VERSION));
    await prometheus.nextScrape();
    // rate() needs two samples in its range: dev's arrival-rate query reads nothing before the second scrape.
    await prometheus.nextScrape();
    // KEDA's query time is whole seconds (RFC 3339), as the preflight's: a sample under a second old is not seen.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    console.log(
      `preflight e2e: control plane and Prometheus ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await prometheus?.stop();
    await plane?.stop();
    if (stacks !== undefined) fs.rmSync(stacks, { recursive: true, force: true });
    if (started !== undefined)
      console.log(`preflight e2e: wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  const okLines = (): string[] => [
    `preflight ${ENV} against context local (${apiServer})`,
    `ok   keda-version Deployment keda/keda-operator: KEDA ${KEDA_VERSION} (label app.kubernetes.io/version)`,
    'ok   metrics-api APIService v1beta1.external.metrics.k8s.io: Available',
    `ok   crd-fields TriggerAuthentication ${namespace}/${authName}: every field is in triggerauthentications.keda.sh`,
    `ok   crd-fields ScaledObject ${namespace}/${workload.name}: every field is in scaledobjects.keda.sh`,
    `ok   secret Secret ${namespace}/${handoff.prometheus.secretName}: keys customAuthHeader, customAuthValue present (read by TriggerAuthentication ${authName})`,
    // The exporter serves three rocketmq_* series of the instance: ready, inflight and the topic's arrivals.
    `ok   broker-metrics instance ${handoff.instanceId}: 3 rocketmq_* series with instance_id ${handoff.instanceId} at ${gateAddress}`,
    `ok   query ScaledObject ${namespace}/${workload.name} trigger backlog: one series (value ${BACKLOG})`,
    // dev's arrival-rate trigger: the exporter's counter stands at 100, so its rate is 0, one series.
    `ok   query ScaledObject ${namespace}/${workload.name} trigger arrival-rate: one series (value 0)`,
  ];

  test('a good setup: every check ok, exit 0', async () => {
    const result = await preflight();
    expect(result.stdout.split('\n')).toEqual([...okLines(), 'all 8 checks ok', '']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  });

  test('a missing Secret: the secret check fails with the fix, no query is sent, exit 1', async () => {
    await plane!.request('DELETE', secretPath);
    try {
      const result = await preflight();
      const fix =
        `run pulumi up --stack ${ENV} (it writes the Secret when kubernetes.createSecrets is true), or create Secret ` +
        `${handoff.prometheus.secretName} in namespace ${namespace} with keys customAuthHeader, customAuthValue`;
      expect(result.stdout.split('\n').slice(5, 9)).toEqual([
        `FAIL secret Secret ${namespace}/${handoff.prometheus.secretName}: not found (read by TriggerAuthentication ${authName}); fix: ${fix}`,
        `FAIL broker-metrics instance ${handoff.instanceId}: not queried: TriggerAuthentication ${authName} needs key customAuthHeader of Secret ${namespace}/${handoff.prometheus.secretName}; fix: see the secret check`,
        `FAIL query ScaledObject ${namespace}/${workload.name} trigger backlog: not queried: TriggerAuthentication ${authName} needs key customAuthHeader of Secret ${namespace}/${handoff.prometheus.secretName}; fix: see the secret check`,
        `FAIL query ScaledObject ${namespace}/${workload.name} trigger arrival-rate: not queried: TriggerAuthentication ${authName} needs key customAuthHeader of Secret ${namespace}/${handoff.prometheus.secretName}; fix: see the secret check`,
      ]);
      expect(result.stdout.split('\n').slice(9)).toEqual(['4 of 8 checks failed', '']);
      expect(result.code).toBe(1);
    } finally {
      await plane!.apply(secret(TOKEN));
    }
  });

  test('a token the Prometheus refuses: both queries fail with the answer, the token never shown', async () => {
    await plane!.apply(secret(`${TOKEN}-rotated`));
    try {
      const result = await preflight();
      expect(result.stdout.split('\n')[6]).toBe(
        `FAIL broker-metrics instance ${handoff.instanceId}: ${gateAddress} answered HTTP 401: invalid token "[redacted]"; fix: the credentials in the Secret are refused: rotate them with pulumi up --stack ${ENV}`,
      );
      expect(result.stdout.split('\n')[7]).toBe(
        `FAIL query ScaledObject ${namespace}/${workload.name} trigger backlog: ${gateAddress} answered HTTP 401: invalid token "[redacted]"; fix: the credentials in the Secret are refused: rotate them with pulumi up --stack ${ENV}`,
      );
      expect(result.code).toBe(1);
    } finally {
      await plane!.apply(secret(TOKEN));
    }
  });

  test('an instance whose metrics are not in Prometheus (another instance id): no series, the ARMS integration and the query named, exit 1 (--json)', async () => {
    writeHandoff(gateAddress, 'rmq-cn-wronglabel0');
    try {
      const result = await preflight('--json');
      const report = JSON.parse(result.stdout) as { ok: boolean; checks: Record<string, string>[] };
      expect(report.ok).toBe(false);
      expect(report.checks.filter((c) => c.status !== 'ok')).toEqual([
        {
          check: 'broker-metrics',
          object: 'instance rmq-cn-wronglabel0',
          status: 'FAIL',
          message: `no rocketmq_* series with instance_id rmq-cn-wronglabel0 at ${gateAddress}: the instance's metrics do not reach the Prometheus KEDA reads, so nothing scales or alerts`,
          fix: 'integrate "Alibaba Cloud RocketMQ (5.0)" in the ARMS console (Integration Center), a step pulumi up cannot take (infra/README.md), and check that instanceId in the hand-off is the instance\'s',
        },
        {
          check: 'query',
          object: `ScaledObject ${namespace}/${workload.name} trigger backlog`,
          status: 'FAIL',
          message: `no series from ${gateAddress}: KEDA reads an empty result as an error`,
          fix: 'check the query labels (instance_id, topic, consumer_group) against the series Prometheus has',
        },
        {
          check: 'query',
          object: `ScaledObject ${namespace}/${workload.name} trigger arrival-rate`,
          status: 'FAIL',
          message: `no series from ${gateAddress}: KEDA reads an empty result as an error`,
          fix: 'check the query labels (instance_id, topic, consumer_group) against the series Prometheus has',
        },
      ]);
      expect(result.code).toBe(1);
    } finally {
      writeHandoff(gateAddress);
    }
  });

  test('another KEDA release on the cluster: the version check names both, exit 1', async () => {
    await plane!.apply(operatorDeployment('2.16.1'));
    try {
      const result = await preflight();
      expect(result.stdout.split('\n')[1]).toBe(
        `FAIL keda-version Deployment keda/keda-operator: KEDA 2.16.1 (label app.kubernetes.io/version), the stack pins ${KEDA_VERSION}; fix: run KEDA ${KEDA_VERSION} (the ack-keda add-on version the stack pins in kubernetes.kedaAddonVersion)`,
      );
      expect(result.code).toBe(1);
    } finally {
      await plane!.apply(operatorDeployment(KEDA_VERSION));
    }
  });

  test('a ScaledObject CRD without spec.fallback.behavior (as KEDA 2.16 has it): the field is named, exit 1', async () => {
    const original = (await plane!.request('GET', crdPath)) as KubeObject;
    const modified = JSON.parse(JSON.stringify(original)) as {
      spec: {
        versions: {
          schema: {
            openAPIV3Schema: {
              properties: { spec: { properties: { fallback: { properties: Record<string, unknown> } } } };
            };
          };
        }[];
      };
    };
    for (const v of modified.spec.versions)
      delete v.schema.openAPIV3Schema.properties.spec.properties.fallback.properties.behavior;
    await plane!.request('PUT', crdPath, modified);
    try {
      const result = await preflight();
      expect(result.stdout.split('\n')[4]).toBe(
        `FAIL crd-fields ScaledObject ${namespace}/${workload.name}: spec.fallback.behavior is not in scaledobjects.keda.sh v1alpha1 (a create or client-side apply drops it, a server-side apply is refused); fix: install the CRDs of KEDA ${KEDA_VERSION} (the release the manifests are written for)`,
      );
      expect(result.code).toBe(1);
      // What the message says, by the real API server: a create keeps the ScaledObject without the field, a
      // server-side apply is refused.
      const scaledObject = buildEnvironment(new App(), spec, loadHandoff(ENV, stacks))
        .flatMap((chart) => chart.toJson() as KubeObject[])
        .find((o) => o.kind === 'ScaledObject')!;
      const created = (await plane!.request(
        'POST',
        `${resourcePath(scaledObject).replace(/\/[^/]+$/, '')}?dryRun=All`,
        scaledObject,
      )) as { spec: { fallback: Record<string, unknown> } };
      expect({
        sent: (scaledObject.spec as { fallback: Record<string, unknown> }).fallback,
        kept: created.spec.fallback,
      }).toEqual({
        sent: { behavior: 'currentReplicasIfHigher', failureThreshold: 3, replicas: 3 },
        kept: { failureThreshold: 3, replicas: 3 },
      });
      await expect(
        plane!.request(
          'PATCH',
          `${resourcePath(scaledObject)}?fieldManager=preflight-e2e&dryRun=All`,
          scaledObject,
          'application/apply-patch+yaml',
        ),
      ).rejects.toThrow('.spec.fallback.behavior: field not declared in schema');
    } finally {
      const current = (await plane!.request('GET', crdPath)) as KubeObject;
      await plane!.request('PUT', crdPath, {
        ...original,
        metadata: { ...original.metadata, resourceVersion: current.metadata.resourceVersion },
      });
    }
    // Restored: every check is ok again.
    expect((await preflight()).code).toBe(0);
  });

  test("every committed environment's ScaledObjects and TriggerAuthentications have every field in KEDA's CRDs", async () => {
    const problems: string[] = [];
    for (const environment of environmentsWithHandoff()) {
      for (const m of synthObjects(environment)) {
        const plural = { ScaledObject: 'scaledobjects', TriggerAuthentication: 'triggerauthentications' }[
          m.kind
        ];
        if (plural === undefined) continue;
        const crd = (await plane!.request(
          'GET',
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crdName(plural, m.apiVersion)}`,
        )) as CrdView;
        problems.push(
          ...manifestProblems(m, crd).map((p) => `${environment} ${m.kind} ${m.metadata.name}: ${p}`),
        );
      }
    }
    expect(problems).toEqual([]);
  });

  test('no run printed the Secret value', () => {
    expect(outputs.filter((o) => o.includes(TOKEN))).toEqual([]);
  });
});
