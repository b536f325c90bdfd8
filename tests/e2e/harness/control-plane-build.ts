/**
 * Builds the real control plane from the Go module proxy into the cache (outside the repo), keyed by version:
 * kube-apiserver, kube-controller-manager and etcd at the Kubernetes minor ACK runs, and KEDA's operator and
 * metrics API server at the pinned ack-keda release. Nothing fetched or built lands in the work tree.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PINNED_ACK_KEDA_VERSION, ACK_KEDA_RELEASES } from '../../../infra/config/limits';
import { cacheDir } from './cache';
import { goBinary, runGo } from './go-tool';

/**
 * Kubernetes 1.32: a minor ACK offers, and the newest inside KEDA 2.17's supported range (v1.30 - v1.32, KEDA's
 * "Kubernetes Compatibility" table). The patch is the newest 1.32 the module proxy serves.
 */
export const KUBERNETES_VERSION = '1.32.13';
/** The published staging modules (k8s.io/api, ...) of that release. */
const STAGING_VERSION = `v0.${KUBERNETES_VERSION.split('.').slice(1).join('.')}`;
/**
 * Staging modules whose zip the proxy refuses at STAGING_VERSION ("403 This module version is not available"),
 * with the nearest lower patch it serves.
 */
const STAGING_OVERRIDES: Readonly<Record<string, string>> = { 'k8s.io/endpointslice': 'v0.32.12' };
export const KEDA_VERSION = ACK_KEDA_RELEASES[PINNED_ACK_KEDA_VERSION];

export interface ControlPlaneBinaries {
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kedaOperator: string;
  readonly kedaAdapter: string;
  /** KEDA's admission webhooks (cmd/webhooks of the same module). */
  readonly kedaWebhooks: string;
}

function kubeDir(): string {
  return path.join(cacheDir(), `kube-v${KUBERNETES_VERSION}`);
}
function kedaDir(): string {
  return path.join(cacheDir(), `keda-v${KEDA_VERSION}`);
}

/** Where the binaries are (or will be) for these versions. */
export function binaryPaths(): ControlPlaneBinaries {
  return {
    etcd: path.join(kubeDir(), 'bin', 'etcd'),
    kubeApiserver: path.join(kubeDir(), 'bin', 'kube-apiserver'),
    kubeControllerManager: path.join(kubeDir(), 'bin', 'kube-controller-manager'),
    kedaOperator: path.join(kedaDir(), 'bin', 'keda-operator'),
    kedaAdapter: path.join(kedaDir(), 'bin', 'keda-adapter'),
    kedaWebhooks: path.join(kedaDir(), 'bin', 'keda-webhooks'),
  };
}

/** True when every binary is in the cache. */
export function binariesBuilt(): boolean {
  return Object.values(binaryPaths()).every((file) => fs.existsSync(file));
}

/** The module's directory in GOMODCACHE and its go.mod, downloaded through the proxy if needed. */
function download(module: string, log: (line: string) => void): { dir: string; goMod: string } {
  const info = JSON.parse(runGo(['mod', 'download', '-json', module], cacheDir(), log)) as {
    Dir: string;
    GoMod: string;
  };
  return { dir: info.Dir, goMod: info.GoMod };
}

/**
 * k8s.io/kubernetes cannot be built as a dependency as it stands: its go.mod points the staging modules at
 * ./staging (kubernetes/kubernetes#79384). A wrapper module requires it and replaces each of them with the
 * published release; etcd comes from the same module graph, at the version Kubernetes itself requires.
 */
function buildKubernetes(log: (line: string) => void): void {
  const bins = binaryPaths();
  const src = path.join(kubeDir(), 'src');
  fs.mkdirSync(path.join(src, 'etcd'), { recursive: true });
  const { goMod } = download(`k8s.io/kubernetes@v${KUBERNETES_VERSION}`, log);
  const staging = [
    ...fs.readFileSync(goMod, 'utf8').matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\//gm),
  ].map((m) => m[1]);
  if (staging.length === 0) throw new Error(`${goMod}: no staging replacements found`);
  const replaces = staging.map((m) => `replace ${m} => ${m} ${STAGING_OVERRIDES[m] ?? STAGING_VERSION}`);
  fs.writeFileSync(
    path.join(src, 'go.mod'),
    [
      'module apsaramq-keda.local/kube',
      '',
      'go 1.23.0',
      '',
      `require k8s.io/kubernetes v${KUBERNETES_VERSION}`,
      '',
      ...replaces,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(src, 'etcd', 'main.go'),
    [
      '// etcd as the etcd release binary runs it, at the version k8s.io/kubernetes requires.',
      'package main',
      '',
      'import (',
      '\t"os"',
      '',
      '\t"go.etcd.io/etcd/server/v3/etcdmain"',
      ')',
      '',
      'func main() { etcdmain.Main(os.Args) }',
      '',
    ].join('\n'),
  );
  const apiserver = `k8s.io/kubernetes/cmd/kube-apiserver`;
  const controllerManager = `k8s.io/kubernetes/cmd/kube-controller-manager`;
  runGo(
    ['get', `${apiserver}@v${KUBERNETES_VERSION}`, `${controllerManager}@v${KUBERNETES_VERSION}`],
    src,
    log,
  );
  runGo(['get', './etcd'], src, log);
  const [major, minor] = KUBERNETES_VERSION.split('.');
  const ldflags = [
    `-X k8s.io/component-base/version.gitVersion=v${KUBERNETES_VERSION}`,
    `-X k8s.io/component-base/version.gitMajor=${major}`,
    `-X k8s.io/component-base/version.gitMinor=${minor}`,
    '-X k8s.io/component-base/version.gitTreeState=clean',
  ].join(' ');
  for (const [pkg, out] of [
    [apiserver, bins.kubeApiserver],
    [controllerManager, bins.kubeControllerManager],
    ['./etcd', bins.etcd],
  ] as const) {
    if (!fs.existsSync(out))
      runGo(['build', '-trimpath', '-ldflags', ldflags, '-o', `${out}.tmp`, pkg], src, log);
    if (!fs.existsSync(out)) fs.renameSync(`${out}.tmp`, out);
  }
}

/**
 * KEDA builds from its own module as published (its go.mod pins the Kubernetes libraries with replace
 * directives), copied out of GOMODCACHE with one change: the adapter's Prometheus /metrics listener binds
 * ":<port>" (cmd/adapter/main.go, metricsBindAddress), every interface; the harness binds loopback only. (go
 * build -overlay refuses to replace files under GOMODCACHE.) The admission webhooks' server has no host flag and
 * binds every interface (cmd/webhooks/main.go, webhook.Options without Host): patched to 127.0.0.1 likewise.
 */
function buildKeda(log: (line: string) => void): void {
  const bins = binaryPaths();
  const { dir } = download(`github.com/kedacore/keda/v2@v${KEDA_VERSION}`, log);
  const src = path.join(kedaDir(), 'src');
  fs.rmSync(src, { recursive: true, force: true });
  fs.cpSync(dir, src, { recursive: true });
  spawnSync('chmod', ['-R', 'u+w', src]);
  const adapterMain = path.join(src, 'cmd', 'adapter', 'main.go');
  const original = fs.readFileSync(adapterMain, 'utf8');
  const bind = 'fmt.Sprintf(":%v", metricsAPIServerPort)';
  if (!original.includes(bind))
    throw new Error(`${adapterMain}: "${bind}" not found, update the loopback patch`);
  fs.writeFileSync(adapterMain, original.replace(bind, 'fmt.Sprintf("127.0.0.1:%v", metricsAPIServerPort)'));
  const webhooksMain = path.join(src, 'cmd', 'webhooks', 'main.go');
  const webhooks = fs.readFileSync(webhooksMain, 'utf8');
  const port = 'Port:    webhooksPort,';
  if (!webhooks.includes(port))
    throw new Error(`${webhooksMain}: "${port}" not found, update the loopback patch`);
  fs.writeFileSync(webhooksMain, webhooks.replace(port, `Host: "127.0.0.1",\n\t\t\t${port}`));
  const ldflags = `-X github.com/kedacore/keda/v2/version.Version=${KEDA_VERSION}`;
  for (const [pkg, out] of [
    ['./cmd/operator', bins.kedaOperator],
    ['./cmd/adapter', bins.kedaAdapter],
    ['./cmd/webhooks', bins.kedaWebhooks],
  ] as const) {
    // The module zip carries a vendor/modules.txt without the vendored code: -mod=mod reads GOMODCACHE.
    if (!fs.existsSync(out)) {
      runGo(['build', '-mod=mod', '-trimpath', '-ldflags', ldflags, '-o', `${out}.tmp`, pkg], src, log);
      fs.renameSync(`${out}.tmp`, out);
    }
  }
}

/** Builds whatever is missing from the cache (cold: tens of minutes on 2 cores; warm: nothing to do). */
export function buildControlPlane(log: (line: string) => void = console.log): ControlPlaneBinaries {
  if (goBinary === '') throw new Error('no `go` on PATH: the controller replay needs the Go toolchain');
  fs.mkdirSync(cacheDir(), { recursive: true });
  const bins = binaryPaths();
  if (![bins.etcd, bins.kubeApiserver, bins.kubeControllerManager].every((f) => fs.existsSync(f)))
    buildKubernetes(log);
  if (![bins.kedaOperator, bins.kedaAdapter, bins.kedaWebhooks].every((f) => fs.existsSync(f)))
    buildKeda(log);
  return bins;
}

/** KEDA's module in GOMODCACHE (its CRDs are config/crd/bases there). */
export function kedaModuleDir(): string {
  return download(`github.com/kedacore/keda/v2@v${KEDA_VERSION}`, () => undefined).dir;
}
