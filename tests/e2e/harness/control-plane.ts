/**
 * A real control plane on loopback: etcd, kube-apiserver, kube-controller-manager (deployment, replicaset and
 * HPA controllers only), KEDA's operator, its metrics API server behind the aggregation layer and its admission
 * webhooks registered with the API server. No scheduler
 * or kubelet: pods stay Pending, which the HPA's External AverageValue path does not need. Certificates are made
 * with openssl per run; every process is started and stopped by pid.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ControlPlaneBinaries } from './control-plane-build';
import { freePort, ProcessGone, startProcess, type Started, stopProcess, waitFor } from './processes';

export interface ControlPlaneTiming {
  /** kube-controller-manager --horizontal-pod-autoscaler-sync-period, seconds. */
  readonly hpaSyncSeconds: number;
  /** kube-controller-manager --horizontal-pod-autoscaler-downscale-stabilization, seconds. */
  readonly downscaleStabilizationSeconds: number;
}

export interface ControlPlaneOptions {
  /**
   * The port of the KEDA operator's Prometheus metrics (--metrics-bind-address on 127.0.0.1), so a Prometheus
   * started beside the control plane can scrape it. @default a free port
   */
  readonly kedaOperatorMetricsPort?: number;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ControlPlane {
  /** GET/POST/PATCH/... against the API server as cluster admin; resolves to the parsed JSON body. */
  request(method: string, urlPath: string, body?: unknown, contentType?: string): Promise<unknown>;
  /** Streams a watch (`?watch=1`) and calls `onObject` with each event's object; returns a stop function. */
  watch(urlPath: string, onObject: (object: KubeObject) => void): () => void;
  /** Server-side apply of one object (the API server validates it, CRDs included). */
  apply(object: KubeObject): Promise<KubeObject>;
  /**
   * The pid of every component, by name (etcd, kube-apiserver, kube-controller-manager, keda-operator,
   * keda-adapter, keda-webhooks).
   */
  readonly pids: Readonly<Record<string, number>>;
  /** A cluster-admin kubeconfig file for the API server (client certificate), for a CLI under test. */
  readonly kubeconfig: string;
  /** host:port of the KEDA operator's Prometheus metrics endpoint (/metrics). */
  readonly kedaOperatorMetrics: string;
  /** The logs of every component so far, for a failing test. */
  logs(): Record<string, string>;
  stop(): Promise<void>;
}

/** Resource paths of the kinds the harness applies (core and namespaced unless said). */
const RESOURCES: Record<string, { plural: string; cluster?: boolean }> = {
  Namespace: { plural: 'namespaces', cluster: true },
  ServiceAccount: { plural: 'serviceaccounts' },
  Secret: { plural: 'secrets' },
  ConfigMap: { plural: 'configmaps' },
  Service: { plural: 'services' },
  Deployment: { plural: 'deployments' },
  // A self-managed environment's provisioning Job (dist/<env>/rocketmq-provisioning.yaml).
  Job: { plural: 'jobs' },
  PodDisruptionBudget: { plural: 'poddisruptionbudgets' },
  ScaledObject: { plural: 'scaledobjects' },
  TriggerAuthentication: { plural: 'triggerauthentications' },
  CustomResourceDefinition: { plural: 'customresourcedefinitions', cluster: true },
  APIService: { plural: 'apiservices', cluster: true },
  ValidatingWebhookConfiguration: { plural: 'validatingwebhookconfigurations', cluster: true },
};

export function resourcePath(object: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const resource = RESOURCES[object.kind];
  if (resource === undefined)
    throw new Error(`the harness does not know the resource of kind ${object.kind}`);
  const prefix = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  const namespace = resource.cluster === true ? '' : `/namespaces/${object.metadata.namespace ?? 'default'}`;
  return `${prefix}${namespace}/${resource.plural}/${object.metadata.name}`;
}

function openssl(args: readonly string[], cwd: string): void {
  const result = spawnSync('openssl', [...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
}

/** A CA, and leaf certificates signed by it (EC P-256, one day). */
function pki(dir: string): (name: string, subject: string, sans: readonly string[], usage: string) => void {
  return (name, subject, sans, usage) => {
    const ext = path.join(dir, `${name}.ext`);
    fs.writeFileSync(
      ext,
      [
        'basicConstraints=CA:FALSE',
        'keyUsage=digitalSignature,keyEncipherment',
        `extendedKeyUsage=${usage}`,
        ...(sans.length > 0 ? [`subjectAltName=${sans.join(',')}`] : []),
        '',
      ].join('\n'),
    );
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], dir);
    openssl(
      ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial'].concat([
        '-days',
        '1',
        '-extfile',
        ext,
        '-out',
        `${name}.crt`,
      ]),
      dir,
    );
  };
}

function makeCa(dir: string, cn: string): void {
  fs.mkdirSync(dir, { recursive: true });
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
  openssl(
    ['req', '-x509', '-new', '-key', 'ca.key', '-subj', `/CN=${cn}`, '-days', '1', '-out', 'ca.crt'],
    dir,
  );
}

/** The CRDs of the KEDA release the operator was built from (config/crd/bases of its module). */
export function kedaCrds(kedaModuleDir: string): KubeObject[] {
  const dir = path.join(kedaModuleDir, 'config', 'crd', 'bases');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) =>
      parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as KubeObject),
    )
    .filter((o) => o !== null && o.kind === 'CustomResourceDefinition');
}

interface WebhookConfiguration extends KubeObject {
  webhooks: {
    clientConfig: { service?: { path: string }; url?: string; caBundle?: string };
    failurePolicy: string;
  }[];
}

/** KEDA's ValidatingWebhookConfiguration as the release ships it (config/webhooks of its module). */
export function webhookConfigurations(kedaModuleDir: string): WebhookConfiguration[] {
  const file = path.join(kedaModuleDir, 'config', 'webhooks', 'validation_webhooks.yaml');
  return parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as WebhookConfiguration)
    .filter((o) => o !== null && o.kind === 'ValidatingWebhookConfiguration');
}

export async function startControlPlane(
  bins: ControlPlaneBinaries,
  kedaModuleDir: string,
  timing: ControlPlaneTiming,
  options: ControlPlaneOptions = {},
): Promise<ControlPlane> {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-kube-'));
  const pkiDir = path.join(workdir, 'pki');
  const frontDir = path.join(workdir, 'front-proxy');
  const kedaCerts = path.join(workdir, 'keda-certs');
  makeCa(pkiDir, 'apsaramq-keda-test-ca');
  makeCa(frontDir, 'apsaramq-keda-front-proxy-ca');
  const leaf = pki(pkiDir);
  const loopbackSans = ['DNS:localhost', 'IP:127.0.0.1'];
  leaf('apiserver', '/CN=kube-apiserver', [...loopbackSans, 'DNS:kubernetes.default.svc'], 'serverAuth');
  leaf('admin', '/O=system:masters/CN=admin', [], 'clientAuth');
  // KEDA's operator gRPC server and the adapter use one mTLS pair (ca.crt, tls.crt, tls.key in one dir).
  leaf(
    'keda',
    '/CN=keda',
    [...loopbackSans, 'DNS:keda-operator.keda.svc', 'DNS:keda-metrics-apiserver.keda.svc'],
    'serverAuth,clientAuth',
  );
  pki(frontDir)('front-proxy-client', '/CN=front-proxy-client', [], 'clientAuth');
  fs.mkdirSync(kedaCerts);
  fs.copyFileSync(path.join(pkiDir, 'ca.crt'), path.join(kedaCerts, 'ca.crt'));
  fs.copyFileSync(path.join(pkiDir, 'keda.crt'), path.join(kedaCerts, 'tls.crt'));
  fs.copyFileSync(path.join(pkiDir, 'keda.key'), path.join(kedaCerts, 'tls.key'));
  openssl(['genrsa', '-out', 'sa.key', '2048'], pkiDir);
  openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], pkiDir);
  const emptyCaDir = path.join(workdir, 'custom-ca');
  fs.mkdirSync(emptyCaDir);

  const [
    etcdClient,
    etcdPeer,
    apiPort,
    adapterPort,
    adapterMetrics,
    grpcPort,
    freeMetricsPort,
    opProbe,
    hookPort,
    hookMetrics,
    hookProbe,
  ] = await Promise.all(Array.from({ length: 11 }, () => freePort()));
  const opMetrics = options.kedaOperatorMetricsPort ?? freeMetricsPort;
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfig = path.join(workdir, 'admin.kubeconfig');
  fs.writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: local`,
      `  cluster: {server: '${server}', certificate-authority: '${path.join(pkiDir, 'ca.crt')}'}`,
      'users:',
      `- name: admin`,
      `  user: {client-certificate: '${path.join(pkiDir, 'admin.crt')}', client-key: '${path.join(pkiDir, 'admin.key')}'}`,
      'contexts:',
      '- name: local',
      '  context: {cluster: local, user: admin}',
      'current-context: local',
      '',
    ].join('\n'),
  );

  const agent = new https.Agent({
    ca: fs.readFileSync(path.join(pkiDir, 'ca.crt')),
    cert: fs.readFileSync(path.join(pkiDir, 'admin.crt')),
    key: fs.readFileSync(path.join(pkiDir, 'admin.key')),
    keepAlive: true,
  });
  const request = (
    method: string,
    urlPath: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = https.request(
        `${server}${urlPath}`,
        {
          method,
          agent,
          headers: {
            accept: 'application/json',
            ...(payload !== undefined && {
              'content-type': contentType,
              'content-length': Buffer.byteLength(payload),
            }),
          },
          timeout: 20_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300)
              reject(new Error(`${method} ${urlPath}: HTTP ${status} ${text}`));
            else if ((res.headers['content-type'] ?? '').startsWith('application/json'))
              resolve(JSON.parse(text));
            else resolve(text);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: timed out`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  const watch = (urlPath: string, onObject: (object: KubeObject) => void): (() => void) => {
    const req = https.request(
      `${server}${urlPath}`,
      { method: 'GET', agent, headers: { accept: 'application/json' } },
      (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let newline = buffer.indexOf('\n');
          while (newline >= 0) {
            const line = buffer.slice(0, newline).trim();
            buffer = buffer.slice(newline + 1);
            if (line !== '') onObject((JSON.parse(line) as { object: KubeObject }).object);
            newline = buffer.indexOf('\n');
          }
        });
      },
    );
    req.on('error', () => undefined);
    req.end();
    return () => req.destroy();
  };
  const apply = async (object: KubeObject): Promise<KubeObject> =>
    (await request(
      'PATCH',
      `${resourcePath(object)}?fieldManager=apsaramq-keda-harness&force=true`,
      object,
      'application/apply-patch+yaml',
    )) as KubeObject;

  const procs: Record<string, Started> = {};
  const stop = async (): Promise<void> => {
    // Dependents first, etcd last.
    for (const name of [
      'keda-webhooks',
      'keda-adapter',
      'keda-operator',
      'kube-controller-manager',
      'kube-apiserver',
      'etcd',
    ]) {
      await stopProcess(procs[name], 5_000);
    }
    agent.destroy();
    fs.rmSync(workdir, { recursive: true, force: true });
  };
  const alive = (name: string): void => {
    const p = procs[name];
    if (p.child.exitCode !== null)
      throw new ProcessGone(`${name} exited (${p.child.exitCode}): ${p.output().slice(-3000)}`);
  };
  const logs = (): Record<string, string> =>
    Object.fromEntries(Object.entries(procs).map(([name, p]) => [name, p.output()]));

  try {
    procs.etcd = startProcess(
      bins.etcd,
      [
        `--data-dir=${path.join(workdir, 'etcd')}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
        '--log-level=warn',
      ],
      {},
    );
    const p = (f: string): string => path.join(pkiDir, f);
    procs['kube-apiserver'] = startProcess(
      bins.kubeApiserver,
      [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        // The kubernetes Service's endpoints would be this loopback address, which validation refuses.
        '--endpoint-reconciler-type=none',
        `--secure-port=${apiPort}`,
        `--tls-cert-file=${p('apiserver.crt')}`,
        `--tls-private-key-file=${p('apiserver.key')}`,
        `--client-ca-file=${p('ca.crt')}`,
        `--service-account-key-file=${p('sa.pub')}`,
        `--service-account-signing-key-file=${p('sa.key')}`,
        '--service-account-issuer=https://kubernetes.default.svc',
        // Addresses are only allocated to Services in etcd: nothing listens on them.
        '--service-cluster-ip-range=10.96.0.0/16',
        '--authorization-mode=RBAC',
        // The aggregation layer: its own client CA and the proxy's client certificate.
        `--requestheader-client-ca-file=${path.join(frontDir, 'ca.crt')}`,
        '--requestheader-allowed-names=front-proxy-client',
        '--requestheader-username-headers=X-Remote-User',
        '--requestheader-group-headers=X-Remote-Group',
        '--requestheader-extra-headers-prefix=X-Remote-Extra-',
        `--proxy-client-cert-file=${path.join(frontDir, 'front-proxy-client.crt')}`,
        `--proxy-client-key-file=${path.join(frontDir, 'front-proxy-client.key')}`,
        '--profiling=false',
      ],
      {},
    );
    await waitFor(
      'kube-apiserver /readyz',
      async () => {
        alive('etcd');
        alive('kube-apiserver');
        await request('GET', '/readyz');
        return true;
      },
      120_000,
      500,
    );
    procs['kube-controller-manager'] = startProcess(
      bins.kubeControllerManager,
      [
        `--kubeconfig=${kubeconfig}`,
        '--controllers=deployment,replicaset,horizontalpodautoscaling',
        '--leader-elect=false',
        '--use-service-account-credentials=false',
        // No serving endpoint at all: nothing listens.
        '--secure-port=0',
        `--horizontal-pod-autoscaler-sync-period=${timing.hpaSyncSeconds}s`,
        `--horizontal-pod-autoscaler-downscale-stabilization=${timing.downscaleStabilizationSeconds}s`,
      ],
      {},
    );
    for (const crd of kedaCrds(kedaModuleDir)) await apply(crd);
    await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'keda' } });
    await waitFor(
      'KEDA CRDs established',
      async () => {
        await request('GET', '/apis/keda.sh/v1alpha1/scaledobjects');
        return true;
      },
      30_000,
    );
    const kedaEnv = {
      ...process.env,
      KUBECONFIG: kubeconfig,
      WATCH_NAMESPACE: '',
      POD_NAMESPACE: 'keda',
      KEDA_CLUSTER_OBJECT_NAMESPACE: 'keda',
    };
    procs['keda-operator'] = startProcess(
      bins.kedaOperator,
      [
        `--kubeconfig=${kubeconfig}`,
        `--metrics-bind-address=127.0.0.1:${opMetrics}`,
        `--health-probe-bind-address=127.0.0.1:${opProbe}`,
        `--metrics-service-bind-address=127.0.0.1:${grpcPort}`,
        `--cert-dir=${kedaCerts}`,
        `--ca-dir=${emptyCaDir}`,
        '--enable-cert-rotation=false',
        '--enable-webhook-patching=false',
        '--leader-elect=false',
        '--zap-log-level=info',
      ],
      { env: kedaEnv },
    );
    procs['keda-adapter'] = startProcess(
      bins.kedaAdapter,
      [
        `--lister-kubeconfig=${kubeconfig}`,
        `--authentication-kubeconfig=${kubeconfig}`,
        `--authorization-kubeconfig=${kubeconfig}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${adapterPort}`,
        `--cert-dir=${kedaCerts}`,
        `--tls-cert-file=${path.join(kedaCerts, 'tls.crt')}`,
        `--tls-private-key-file=${path.join(kedaCerts, 'tls.key')}`,
        `--metrics-service-address=127.0.0.1:${grpcPort}`,
        `--port=${adapterMetrics}`,
        '--v=1',
      ],
      { env: kedaEnv },
    );
    procs['keda-webhooks'] = startProcess(
      bins.kedaWebhooks,
      [
        `--port=${hookPort}`,
        `--cert-dir=${kedaCerts}`,
        `--metrics-bind-address=127.0.0.1:${hookMetrics}`,
        `--health-probe-bind-address=127.0.0.1:${hookProbe}`,
        '--zap-log-level=info',
      ],
      { env: kedaEnv },
    );
    // Endpoints refuse loopback addresses; an ExternalName Service makes the aggregator dial localhost at the
    // APIService's port (k8s.io/apiserver pkg/util/proxy ResolveCluster).
    await apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'keda-metrics-apiserver', namespace: 'keda' },
      spec: {
        type: 'ExternalName',
        externalName: 'localhost',
        ports: [{ name: 'https', port: adapterPort }],
      },
    });
    await apply({
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1beta1.external.metrics.k8s.io' },
      spec: {
        group: 'external.metrics.k8s.io',
        version: 'v1beta1',
        service: { namespace: 'keda', name: 'keda-metrics-apiserver', port: adapterPort },
        caBundle: fs.readFileSync(path.join(pkiDir, 'ca.crt')).toString('base64'),
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    });
    await waitFor(
      'external.metrics.k8s.io served through the aggregator',
      async () => {
        for (const name of Object.keys(procs)) alive(name);
        await request('GET', '/apis/external.metrics.k8s.io/v1beta1');
        return true;
      },
      120_000,
      500,
    );
    await waitFor(
      'keda-webhooks ready',
      async () => {
        alive('keda-webhooks');
        return (await fetch(`http://127.0.0.1:${hookProbe}/readyz`)).ok;
      },
      60_000,
      500,
    );
    // KEDA's own registration (config/webhooks/validation_webhooks.yaml of the module), pointed at the loopback
    // server by URL. failurePolicy Fail where KEDA ships Ignore: a webhook that is down fails the replay instead
    // of letting through what a cluster with a running webhook refuses.
    for (const hook of webhookConfigurations(kedaModuleDir)) {
      for (const w of hook.webhooks) {
        w.clientConfig = {
          url: `https://127.0.0.1:${hookPort}${w.clientConfig.service!.path}`,
          caBundle: fs.readFileSync(path.join(pkiDir, 'ca.crt')).toString('base64'),
        };
        w.failurePolicy = 'Fail';
      }
      await apply(hook);
    }
  } catch (error) {
    const tail = Object.entries(logs())
      .map(([name, out]) => `--- ${name}\n${out.slice(-2500)}`)
      .join('\n');
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${tail}`, { cause: error });
  }
  const pids = Object.fromEntries(Object.entries(procs).map(([name, p]) => [name, p.pid]));
  return {
    request,
    watch,
    apply,
    logs,
    pids,
    kubeconfig,
    kedaOperatorMetrics: `127.0.0.1:${opMetrics}`,
    stop,
  };
}

/** What the HPA and KEDA wrote for one ScaledObject, in real ms, as watchControllerWrites sees it. */
export interface ControllerWrites {
  /** Each change of the HPA's status.lastScaleTime: a rescale. */
  readonly hpaWrites: number[];
  /**
   * Each change of the ScaledObject's status.lastActiveTime: a poll while active (kedacore/keda v2.17.2
   * pkg/scaling/executor/scale_executor.go updateLastActiveTime).
   */
  readonly kedaPolls: number[];
  /** Ends both watches. */
  readonly stop: () => void;
}

/** The query of a watch on the one object named `name`. */
export function watchOne(name: string): string {
  return `watch=1&fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`;
}

/** Watches the ScaledObject `name` in `namespace` and its HPA (keda-hpa-<name>) for the controllers' own writes. */
export function watchControllerWrites(
  plane: ControlPlane,
  namespace: string,
  name: string,
): ControllerWrites {
  const selector = watchOne;
  const changes = (urlPath: string, read: (o: KubeObject) => unknown, into: number[]): (() => void) => {
    let last: unknown;
    let first = true;
    return plane.watch(urlPath, (object) => {
      const value = JSON.stringify(read(object) ?? null);
      if (!first && value !== last && value !== 'null') into.push(Date.now());
      first = false;
      last = value;
    });
  };
  const hpaWrites: number[] = [];
  const kedaPolls: number[] = [];
  const stops = [
    changes(
      `/apis/autoscaling/v2/namespaces/${namespace}/horizontalpodautoscalers?${selector(`keda-hpa-${name}`)}`,
      (o) => (o.status as { lastScaleTime?: string } | undefined)?.lastScaleTime,
      hpaWrites,
    ),
    changes(
      `/apis/keda.sh/v1alpha1/namespaces/${namespace}/scaledobjects?${selector(name)}`,
      (o) => (o.status as { lastActiveTime?: string } | undefined)?.lastActiveTime,
      kedaPolls,
    ),
  ];
  return { hpaWrites, kedaPolls, stop: () => stops.forEach((s) => s()) };
}
