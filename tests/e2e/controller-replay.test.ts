/**
 * The simulator against the real controllers: kube-apiserver, kube-controller-manager's HPA and KEDA's
 * operator and metrics API server (built from the Go module proxy, tests/e2e/harness/control-plane-build.ts)
 * replay scripted metric timelines on loopback. Each scenario is a synthesized environment's manifests,
 * applied to the real API server (which validates them, KEDA's CRDs included), driven by a real Prometheus; the
 * Deployment's spec.replicas is recorded and compared with `simulate` on the same scenario and periods.
 * The side-by-side report goes to the OS temp dir (the path is printed); tests/README.md describes the suite.
 */
import { Testing } from 'cdk8s';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEnvironment, type WorkloadSpec } from '../../infra/config/environment';
import { loadHandoff } from '../../infra/config/handoff';
import { buildEnvironment } from '../../infra/synth/app';
import { type DeploymentView, environmentsWithHandoff } from '../synth/helpers';
import { describeWith, which } from './harness/availability';
import { resourcePath, startControlPlane, type ControlPlane, type KubeObject } from './harness/control-plane';
import {
  binariesBuilt,
  binaryPaths,
  KEDA_VERSION,
  kedaModuleDir,
  KUBERNETES_VERSION,
} from './harness/control-plane-build';
import { type Prometheus, startPrometheus } from './harness/prometheus';
import { listeningSockets } from './harness/sockets';
import {
  type Change,
  compare,
  exposition,
  gate,
  listen,
  report,
  type ReplayTiming,
  type Scenario,
  scenarioEnvironment,
  scenarioWorkload,
  type Server,
  seriesAt,
  simulateScenario,
  simulatedChanges,
} from './harness/replay';

jest.setTimeout(15 * 60_000);

// Compressed periods, the same on both sides: HPA sync 5 s (default 15), legacy downscale stabilization 30 s
// (default 300), KEDA polling 5 s and cooldown 20 s in every scenario's ScaledObject.
const TIMING: ReplayTiming = { hpaSyncSeconds: 5, downscaleStabilizationSeconds: 30, scrapeSeconds: 1 };
const POLLING = 5;
/** Outside the tree: the report, its JSON and the component logs. */
const REPORT_DIR = path.join(os.tmpdir(), 'apsaramq-keda-controller-replay');
const COOLDOWN = 20;
/** The target: each change within one HPA sync period plus one polling interval of the simulated one. */
const TOLERANCE = TIMING.hpaSyncSeconds + POLLING;

/** Messages/s from `from` until `to` (exclusive), else 0. */
const burst = (from: number, to: number, rate: number) => [
  { fromSecond: 0, ratePerSecond: 0 },
  { fromSecond: from, ratePerSecond: rate },
  { fromSecond: to, ratePerSecond: 0 },
];
const noFallback = { fallback: false as const };

function scenarios(base: WorkloadSpec): Scenario[] {
  const common = {
    activationThreshold: 0,
    pollingIntervalSeconds: POLLING,
    cooldownPeriodSeconds: COOLDOWN,
  };
  return [
    {
      name: 'seed-guide',
      description:
        "The seed guide's config (threshold 30, min 2, max 10, no behavior): a backlog of 300 from t = 5 s climbs " +
        'to 10 in legacy steps, holds through the 30 s stabilization after the backlog is gone at t = 60 s, drops to 2.',
      workload: { minReplicas: 2, maxReplicas: 10, scaling: { ...common, threshold: 30, ...noFallback } },
      traffic: { arrivals: burst(5, 6, 300), externalDrain: burst(60, 61, 300) },
      durationSeconds: 130,
    },
    {
      name: 'behavior-arrival-rate',
      description:
        'behavior (up: 2 pods per 10 s; down: 20 s window, 50 % per 10 s) and the arrival-rate trigger at 10 msg/s ' +
        'per replica: 60 msg/s arrive from t = 5 s to 70 s and are drained as they come (backlog 0).',
      workload: {
        minReplicas: 1,
        maxReplicas: 10,
        scaling: {
          ...common,
          threshold: 1000,
          ...noFallback,
          scaleOnArrivalRate: {
            targetUtilization: Number((10 / base.messagesPerSecondPerPod).toPrecision(12)),
            metricName: base.scaling.scaleOnArrivalRate?.metricName ?? 'rocketmq_messages_in_total',
          },
          behavior: {
            scaleUp: {
              stabilizationWindowSeconds: 0,
              selectPolicy: 'Max',
              policies: [{ type: 'Pods', value: 2, periodSeconds: 10 }],
            },
            scaleDown: {
              stabilizationWindowSeconds: 20,
              selectPolicy: 'Max',
              policies: [{ type: 'Percent', value: 50, periodSeconds: 10 }],
            },
          },
        },
      },
      traffic: { arrivals: burst(5, 70, 60), externalDrain: burst(5, 70, 60) },
      durationSeconds: 170,
    },
    {
      name: 'from-zero',
      description:
        'min 0, max 5, threshold 30: a backlog of 90 from t = 5 s activates the Deployment (KEDA 0 -> 1), the HPA ' +
        'takes it to 3; the backlog is gone at t = 45 s and KEDA scales to 0 after the 20 s cooldown.',
      workload: { minReplicas: 0, maxReplicas: 5, scaling: { ...common, threshold: 30, ...noFallback } },
      traffic: { arrivals: burst(5, 6, 90), externalDrain: burst(45, 46, 90) },
      durationSeconds: 100,
    },
    {
      name: 'outage-no-fallback',
      description:
        'min 2, max 10, threshold 30, no fallback: a backlog of 150 from t = 5 s (5 replicas); every query fails ' +
        'from t = 30 s to 70 s while the backlog goes at t = 40 s; the count holds, then drops after the window.',
      workload: { minReplicas: 2, maxReplicas: 10, scaling: { ...common, threshold: 30, ...noFallback } },
      traffic: { arrivals: burst(5, 6, 150), externalDrain: burst(40, 41, 150) },
      outages: [{ fromSecond: 30, toSecond: 70 }],
      durationSeconds: 130,
    },
    {
      name: 'outage-fallback',
      description:
        "As outage-no-fallback with fallback (failureThreshold 2, replicas 8, the manifests' behavior): past two " +
        'failed metric requests the HPA reads the fallback metric and goes to 8, then back to 2 after the outage.',
      workload: {
        minReplicas: 2,
        maxReplicas: 10,
        scaling: { ...common, threshold: 30, fallback: { failureThreshold: 2, replicas: 8 } },
      },
      traffic: { arrivals: burst(5, 6, 150), externalDrain: burst(40, 41, 150) },
      outages: [{ fromSecond: 30, toSecond: 70 }],
      durationSeconds: 130,
    },
  ];
}

// The built binaries live in the cache, not on PATH: without them the suite names kube-apiserver as missing.
const describeReplay = describeWith(
  ['go', 'prometheus', 'openssl', ...(binariesBuilt() ? [] : ['kube-apiserver'])],
  'install Go and run `npx tsx tests/e2e/harness/control-plane-build-cli.ts` (.ci/run does) to build the control plane',
);

describeReplay(
  `controller replay: Kubernetes v${KUBERNETES_VERSION} HPA + KEDA ${KEDA_VERSION} vs simulate`,
  () => {
    // The first environment with a hand-off and a message-based workload: its manifests are what is applied.
    const environment = environmentsWithHandoff().find((env) =>
      loadEnvironment(env).workloads.some((w) => w.loadBalancing === 'message'),
    )!;
    const spec = loadEnvironment(environment);
    const handoff = loadHandoff(environment);
    const base = spec.workloads.find((w) => w.loadBalancing === 'message')!;
    const list = scenarios(base);
    let plane: ControlPlane | undefined;
    let prometheus: Prometheus | undefined;
    const servers: Server[] = [];
    const results: {
      scenario: Scenario;
      real: Change[];
      simulated: Change[];
      comparison: ReturnType<typeof compare>;
      tolerance: number;
    }[] = [];

    beforeAll(async () => {
      plane = await startControlPlane(binaryPaths(), kedaModuleDir(), {
        hpaSyncSeconds: TIMING.hpaSyncSeconds,
        downscaleStabilizationSeconds: TIMING.downscaleStabilizationSeconds,
      });
    });
    afterAll(async () => {
      // Every component's log beside the report, for a failing run.
      if (plane !== undefined) {
        const logs = path.join(REPORT_DIR, 'logs');
        fs.mkdirSync(logs, { recursive: true });
        for (const [name, text] of Object.entries(plane.logs()))
          fs.writeFileSync(path.join(logs, `${name}.log`), text);
      }
      await Promise.all(servers.map((s) => s.close()));
      await prometheus?.stop();
      await plane?.stop();
    });

    test('every component listens on 127.0.0.1 only, kube-controller-manager on nothing', () => {
      const names = new Map(Object.entries(plane!.pids).map(([name, pid]) => [pid, name]));
      const sockets = listeningSockets(Object.values(plane!.pids)).map(
        (s) => `${names.get(s.pid) ?? `child of the control plane, pid ${s.pid}`} ${s.address}`,
      );
      // etcd: client and peer URLs; kube-apiserver: its secure port; keda-operator: metrics, health probe and
      // the gRPC metrics service; keda-adapter: its secure port and its /metrics (patched to loopback at build).
      expect(sockets.sort()).toEqual([
        'etcd 127.0.0.1',
        'etcd 127.0.0.1',
        'keda-adapter 127.0.0.1',
        'keda-adapter 127.0.0.1',
        'keda-operator 127.0.0.1',
        'keda-operator 127.0.0.1',
        'keda-operator 127.0.0.1',
        'kube-apiserver 127.0.0.1',
      ]);
    });

    test("the committed environment's dist/ applies to the real API server with KEDA's CRDs", async () => {
      const dir = path.join(__dirname, '..', '..', 'dist', environment);
      const objects = Testing.synth(buildEnvironment(Testing.app(), spec, handoff)[0]) as KubeObject[];
      await plane!.apply({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: spec.kubernetes.namespace },
      });
      // dry-run on the server: validation without starting to scale a workload that has no Prometheus.
      for (const object of objects) {
        const applied = (await plane!.request(
          'PATCH',
          `${resourcePath(object)}?fieldManager=replay&force=true&dryRun=All`,
          object,
          'application/apply-patch+yaml',
        )) as KubeObject;
        expect(applied.kind).toBe(object.kind);
      }
      expect(fs.existsSync(dir)).toBe(true);
    });

    test('every scenario: the same replica sequence as simulate, each change within one sync + one polling interval', async () => {
      const prom = which('prometheus');
      if (prom === undefined) throw new Error('prometheus not on PATH');
      // One exporter per scenario, each a target of one Prometheus with its own instance_id (as ARMS labels them).
      const clocks = list.map(() => ({ t0: undefined as number | undefined }));
      const runs = list.map((scenario) => {
        const workload = scenarioWorkload(base, scenario);
        const initial = workload.minReplicas;
        return { scenario, workload, initial, run: simulateScenario(workload, scenario, TIMING, initial) };
      });
      const instanceIds = list.map((_, i) => `rmq-cn-replay${String.fromCharCode(97 + i)}`);
      const exporters = await Promise.all(
        runs.map(({ workload, run }, i) =>
          listen((_req, res) => {
            const t0 = clocks[i].t0;
            const t = t0 === undefined ? 0 : (Date.now() - t0) / 1000;
            res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
            res.end(
              exposition(
                { instanceId: instanceIds[i], topic: workload.topic, group: workload.consumerGroup },
                workload.scaling.scaleOnArrivalRate?.metricName ?? 'rocketmq_messages_in_total',
                seriesAt(run, t),
              ).replace(/instance_id="[^"]*",?/g, ''),
            );
          }),
        ),
      );
      servers.push(...exporters);
      prometheus = await startPrometheus(
        prom,
        exporters.map((e, i) => ({
          job: list[i].name,
          target: e.address.replace('http://', ''),
          labels: { instance_id: instanceIds[i] },
        })),
        TIMING.scrapeSeconds,
      );
      const upstream = prometheus.serverAddress;
      const gates = await Promise.all(
        list.map((scenario, i) =>
          gate(upstream, () => {
            const t0 = clocks[i].t0;
            if (t0 === undefined) return false;
            const t = (Date.now() - t0) / 1000;
            return (scenario.outages ?? []).some((o) => t >= o.fromSecond && t < o.toSecond);
          }),
        ),
      );
      servers.push(...gates);

      const replayOne = async (i: number): Promise<void> => {
        const { scenario, workload, initial, run } = runs[i];
        const namespace = `replay-${scenario.name}`;
        const env = scenarioEnvironment(
          spec,
          { ...handoff, instanceId: instanceIds[i] },
          workload,
          namespace,
          gates[i].address,
        );
        const objects = Testing.synth(
          buildEnvironment(Testing.app(), env.spec, env.handoff)[0],
        ) as KubeObject[];
        await plane!.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
        // The Secrets Pulumi writes into the cluster, dummy values: KEDA reads the TriggerAuthentication's, and it
        // resolves the scale target's container env too (its secretKeyRefs), without which it creates no HPA.
        const keys = new Map<string, Set<string>>();
        const need = (name: string, key: string): void => {
          keys.set(name, (keys.get(name) ?? new Set()).add(key));
        };
        for (const auth of objects.filter((o) => o.kind === 'TriggerAuthentication'))
          for (const r of (auth.spec as { secretTargetRef: { name: string; key: string }[] }).secretTargetRef)
            need(r.name, r.key);
        for (const d of objects.filter((o) => o.kind === 'Deployment'))
          for (const c of (d.spec as DeploymentView['spec']).template.spec.containers)
            for (const e of c.env)
              if (e.valueFrom !== undefined)
                need(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
        for (const [name, secretKeys] of keys)
          await plane!.apply({
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name, namespace },
            stringData: Object.fromEntries([...secretKeys].map((k) => [k, 'replay'])),
          });
        for (const object of objects) await plane!.apply(object);
        const deployment = objects.find((o) => o.kind === 'Deployment')!;
        const deploymentPath = `/apis/apps/v1/namespaces/${namespace}/deployments/${deployment.metadata.name}`;
        const replicas = async (): Promise<number> =>
          ((await plane!.request('GET', deploymentPath)) as { spec: { replicas: number } }).spec.replicas;
        // Settle at the starting count (the HPA lifts a new Deployment's 1 to min; KEDA takes it to 0 for min 0).
        const settleDeadline = Date.now() + 90_000;
        while ((await replicas()) !== initial) {
          if (Date.now() > settleDeadline)
            throw new Error(
              `${scenario.name}: never settled at ${initial} replicas; ScaledObject status: ${JSON.stringify(
                (
                  (await plane!.request(
                    'GET',
                    `/apis/keda.sh/v1alpha1/namespaces/${namespace}/scaledobjects/${deployment.metadata.name}`,
                  )) as { status?: unknown }
                ).status,
              )}`,
            );
          await new Promise((r) => setTimeout(r, 250));
        }
        clocks[i].t0 = Date.now();
        const t0 = clocks[i].t0;
        const real: Change[] = [{ t: 0, replicas: initial }];
        // A watch sees every write of spec.replicas, also one that lasts less than a poll would catch.
        const stopWatch = plane!.watch(
          `/apis/apps/v1/namespaces/${namespace}/deployments?watch=1&fieldSelector=${encodeURIComponent(`metadata.name=${deployment.metadata.name}`)}`,
          (object) => {
            const now = (object.spec as { replicas: number }).replicas;
            const t = Number(((Date.now() - t0) / 1000).toFixed(1));
            if (t >= 0 && now !== real[real.length - 1].replicas) real.push({ t, replicas: now });
          },
        );
        await new Promise((r) => setTimeout(r, scenario.durationSeconds * 1000));
        stopWatch();
        const simulated = simulatedChanges(run, initial);
        results[i] = {
          scenario,
          real,
          simulated,
          comparison: compare(real, simulated),
          tolerance: TOLERANCE,
        };
      };
      await Promise.all(list.map((_, i) => replayOne(i)));

      const out = REPORT_DIR;
      fs.mkdirSync(out, { recursive: true });
      const header =
        `# Controller replay: Kubernetes v${KUBERNETES_VERSION} (kube-apiserver, kube-controller-manager HPA) + KEDA ` +
        `${KEDA_VERSION} vs simulate\n\nHPA sync ${TIMING.hpaSyncSeconds} s, legacy downscale stabilization ` +
        `${TIMING.downscaleStabilizationSeconds} s, KEDA polling ${POLLING} s, cooldown ${COOLDOWN} s, scrape ` +
        `${TIMING.scrapeSeconds} s. Environment: ${environment}/${base.name} manifests. Written ${new Date().toISOString()}.`;
      fs.writeFileSync(path.join(out, 'report.md'), report(results, header));
      fs.writeFileSync(path.join(out, 'report.json'), `${JSON.stringify(results, null, 2)}\n`);
      console.log(`controller replay report: ${path.join(out, 'report.md')}\n${report(results, header)}`);

      for (const r of results) {
        expect({ scenario: r.scenario.name, real: r.real.map((c) => c.replicas) }).toEqual({
          scenario: r.scenario.name,
          real: r.simulated.map((c) => c.replicas),
        });
        expect({ scenario: r.scenario.name, maxAbsLag: r.comparison.maxAbsLag <= TOLERANCE }).toEqual({
          scenario: r.scenario.name,
          maxAbsLag: true,
        });
      }
    });
  },
);
