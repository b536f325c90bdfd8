/**
 * The simulator against the real controllers: kube-apiserver, kube-controller-manager's HPA and KEDA's
 * operator and metrics API server (built from the Go module proxy, tests/e2e/harness/control-plane-build.ts)
 * replay every committed environment's ScaledObjects as synthesized, side by side in namespaces of one control
 * plane, each driven by a scripted metric timeline through a real Prometheus. Every period on both sides is the
 * production value divided by one compression factor (tests/e2e/harness/replay-compress.ts). The Deployment's
 * spec.replicas is recorded and compared with `simulate` run at production periods, with the controllers'
 * timer phases measured from their own writes (HPA status.lastScaleTime, ScaledObject status.lastActiveTime).
 * The side-by-side report is tests/e2e/REPLAY.md; the suite fails when a run disagrees with it beyond the
 * stated bound, and rewrites it under REPLAY_WRITE=1 (never under CI=true).
 */
import { Testing } from 'cdk8s';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SimulationSchedule } from '../../constructs/scaling';
import { loadEnvironment } from '../../infra/config/environment';
import { loadHandoff } from '../../infra/config/handoff';
import { buildEnvironment } from '../../infra/synth/app';
import { type DeploymentView, environmentsWithHandoff } from '../synth/helpers';
import { describeWith, IN_CI, which } from './harness/availability';
import {
  resourcePath,
  startControlPlane,
  type ControlPlane,
  type KubeObject,
  watchControllerWrites,
  watchOne,
} from './harness/control-plane';
import {
  binariesBuilt,
  binaryPaths,
  KEDA_VERSION,
  kedaModuleDir,
  KUBERNETES_VERSION,
} from './harness/control-plane-build';
import { freePort } from './harness/processes';
import { type Prometheus, startPrometheus } from './harness/prometheus';
import {
  activationCollapsed,
  type Change,
  compare,
  expectedChanges,
  exposition,
  gate,
  listen,
  groupSeriesServed,
  measuredAge,
  measuredPeriod,
  measuredPhase,
  outageAt,
  queryTrigger,
  ratePeriods,
  report,
  reportData,
  reportDrift,
  type ReplayResult,
  replayScope,
  type ReplayTiming,
  scenarioEnvironment,
  scenarioWorkload,
  type Server,
  seriesAt,
  simulatedChanges,
  simulateScenario,
  withReplayScope,
} from './harness/replay';
import {
  type AlertClock,
  alertEpisodes,
  type AlertOutcome,
  type AlertSample,
  expectedAlert,
  longEnoughToFire,
} from './harness/replay-alerts';
import {
  compressRuleGroups,
  compressScaledObject,
  moveCronWindow,
  type PrometheusRuleGroup,
} from './harness/replay-compress';
import { KNOWN_DIVERGENCES, REPLAY_SCENARIOS } from './harness/replay-scenarios';
import { listeningSockets } from './harness/sockets';
import { testApp } from '../shared/scratch';

jest.setTimeout(20 * 60_000);

/**
 * K = 5: every committed period is a whole multiple of 5 s (polling 15 and 30, cooldown 300, behavior periods
 * 15 and 60, windows 0 and 300, query ranges 1m and 5m), so each divides exactly; the fastest, polling 15 s and
 * the HPA sync, become 3 s, three Prometheus scrapes. kube-controller-manager runs its defaults / K: sync 15 s
 * (--horizontal-pod-autoscaler-sync-period) and downscale stabilization 300 s.
 */
const TIMING: ReplayTiming = {
  compression: 5,
  hpaSyncSeconds: 15 / 5,
  downscaleStabilizationSeconds: 300 / 5,
  scrapeSeconds: 1,
};
/**
 * The bound of each change, real seconds. simulate puts a change on the tick of the controller that writes it, at
 * its measured phase (KEDA's timer re-arms before each poll and does not drift; the HPA's ticks are stretched by
 * its measured period), and expectedChanges times a step the HPA's rate limit held back from the preceding real
 * change, so nothing adds up over a chain, and a legacy stabilization's end one sync early, as the real HPA's
 * late-running syncs have it. What is left per change is which HPA sync it lands on: simulate reads the metric at
 * the age measured at the HPA's first write, while the real age at a later sync differs by up to one scrape (the
 * sync period is no multiple of the scrape interval), which can move a change to the neighbouring sync; and a
 * held step lands on the first sync after its period has passed since the HPA's write, which the sync one period
 * later may just miss (measured: 12.0 or 15.0 s after the previous step, for a 12 s period).
 */
const BOUND_SECONDS = TIMING.hpaSyncSeconds + TIMING.scrapeSeconds;
const REPORT_FILE = path.join(__dirname, 'REPLAY.md');
/** A cron window opens this many production seconds into its scenario: four HPA syncs with nothing to do. */
const CRON_LEAD_SECONDS = 60;
/**
 * Real seconds a namespace may take from its apply to its starting count, which a cron window's minute is chosen
 * after (measured 0.4-9.6 s with eleven namespaces at once on 2 cores); later, the window moves a minute on.
 */
const SETTLE_BUDGET_SECONDS = 20;
/** Real seconds of samples Prometheus holds before the first scenario starts: the rate() range (1m / K) and a scrape. */
const HISTORY_SECONDS = 60 / TIMING.compression + TIMING.scrapeSeconds;
/**
 * The KEDA alert rules of every replayed ScaledObject (constructs/shared/alerts.ts workloadAlertRules) on the
 * replay's clock, worked by hand: the window W = max(60 s, 2 × polling) = 60 s for polling 15 s (dev's and prod's
 * order-fulfilment) and 30 s (the default: every other), / K = 12 s (12 scrapes); KedaScalerFailing for W = 60 s → 12 s; KedaFallbackActive for W + (3
 * failures + 1) × the 15 s HPA sync = 120 s → 24 s (every fallback failureThreshold is 3); evaluated every 30 s,
 * the Prometheus Operator's default as the PrometheusRule sets no interval, → 6 s; KEDA's metrics scraped every 1 s.
 * So after the first failing query KedaScalerFailing is pending by 1 + 6 = 7 s and firing by 7 + 12 = 19 s,
 * KedaFallbackActive firing by 7 + 24 = 31 s; both quiet by 12 + 6 + 1 = 19 s after the last (replay-alerts.ts).
 */
const KEDA_ALERTS: Readonly<Record<'KedaScalerFailing' | 'KedaFallbackActive', AlertClock>> = {
  KedaScalerFailing: { windowSeconds: 12, forSeconds: 12, evalSeconds: 6, scrapeSeconds: 1 },
  KedaFallbackActive: { windowSeconds: 12, forSeconds: 24, evalSeconds: 6, scrapeSeconds: 1 },
};
/** REPLAY_WRITE=1 rewrites the committed report from this run; CI never writes to the tree. */
const WRITE_REPORT = process.env.REPLAY_WRITE === '1';
/** Outside the tree: the component logs and this run's report. */
const RUN_DIR = path.join(os.tmpdir(), 'apsaramq-keda-controller-replay');

// The built binaries live in the cache, not on PATH: without them the suite names kube-apiserver as missing.
const describeReplay = describeWith(
  ['go', 'prometheus', 'openssl', ...(binariesBuilt() ? [] : ['kube-apiserver'])],
  'install Go and run `npx tsx tests/e2e/harness/control-plane-build-cli.ts` (.ci/run does) to build the control plane',
);

/** The scenario's namespace on the replay's control plane. */
const namespaceOf = (scenarioName: string): string => `replay-${scenarioName}`;

describeReplay(
  `controller replay: Kubernetes v${KUBERNETES_VERSION} HPA + KEDA ${KEDA_VERSION} vs simulate`,
  () => {
    const environments = environmentsWithHandoff();
    const list = REPLAY_SCENARIOS;
    let plane: ControlPlane | undefined;
    let prometheus: Prometheus | undefined;
    const servers: Server[] = [];
    const stops: (() => void)[] = [];

    /** The scenarios' metrics: one exporter each, scraped by one Prometheus, behind one gate each. */
    const startMetrics = async (kedaOperatorMetrics: string) => {
      const prom = which('prometheus');
      if (prom === undefined) throw new Error('prometheus not on PATH');
      const k = TIMING.compression;
      const clocks = list.map(() => ({ t0: undefined as number | undefined }));
      /** Production seconds since the scenario's t0 (0 before it). */
      const productionSecond = (i: number): number => {
        const t0 = clocks[i].t0;
        return t0 === undefined ? 0 : ((Date.now() - t0) / 1000) * k;
      };
      const runs = list.map((scenario) => {
        const spec = loadEnvironment(scenario.environment);
        const base = spec.workloads.find((w) => w.name === scenario.workload);
        if (base === undefined)
          throw new Error(`${scenario.name}: no workload ${scenario.workload} in ${scenario.environment}`);
        const workload = scenarioWorkload(base, scenario);
        // KEDA takes a Deployment that scales to zero, or idles, to 0 at its first inactive poll.
        const initial =
          workload.minReplicas === 0 || workload.idleReplicaCount !== undefined ? 0 : workload.minReplicas;
        // The pods consume nothing (no kubelet), so the series do not depend on the replicas.
        return {
          scenario,
          spec,
          workload,
          initial,
          series: simulateScenario(workload, scenario, TIMING, initial),
        };
      });
      // One exporter per scenario, each a target of one Prometheus with its own instance_id (as ARMS labels them)
      // or, for a self-managed environment, its own broker cluster.
      const scopes = list.map((scenario, i) => replayScope(loadHandoff(scenario.environment), i));
      /** When Prometheus scraped each scenario's exporter (ms). */
      const scrapes = list.map((): number[] => []);
      const exporters = await Promise.all(
        runs.map(({ workload, series }, i) =>
          listen((_req, res) => {
            scrapes[i].push(Date.now());
            res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
            res.end(
              exposition(
                { instanceId: scopes[i].value, topic: workload.topic, group: workload.consumerGroup },
                workload.scaling.scaleOnDemand?.metricName ??
                  workload.scaling.scaleOnArrivalRate?.metricName ??
                  'rocketmq_messages_in_total',
                seriesAt(series, productionSecond(i)),
                groupSeriesServed(list[i], productionSecond(i)),
                scopes[i].label !== 'instance_id',
              ).replace(/instance_id="[^"]*",?/g, ''),
            );
          }),
        ),
      );
      servers.push(...exporters);
      /**
       * The cluster-side rules `npm run synth` writes for each scenario's namespace, every time / K, each labelled
       * with its scenario: the rules (and groups) of two scenarios of one environment and workload have the same
       * labels (and names).
       */
      const ruleGroups = runs.flatMap(({ scenario, spec, workload }, i): PrometheusRuleGroup[] => {
        const handoff = loadHandoff(scenario.environment);
        const env = scenarioEnvironment(
          spec,
          withReplayScope(handoff, scopes[i]),
          workload,
          namespaceOf(scenario.name),
          handoff.prometheus.serverAddress,
        );
        const rule = buildEnvironment(testApp(), env.spec, env.handoff)
          .flatMap((chart) => Testing.synth(chart) as KubeObject[])
          .find((o) => o.kind === 'PrometheusRule');
        if (rule === undefined) return [];
        return compressRuleGroups(
          (rule.spec as { groups: PrometheusRuleGroup[] }).groups,
          k,
          TIMING.scrapeSeconds,
        ).map((g) => ({
          ...g,
          // Group names are unique in a rule file: the scenario's namespace in front.
          name: `${namespaceOf(scenario.name)}.${g.name}`,
          rules: g.rules.map((r) => ({ ...r, labels: { ...r.labels, replay_scenario: scenario.name } })),
        }));
      });
      prometheus = await startPrometheus(
        prom,
        [
          ...exporters.map((e, i) => ({
            job: list[i].name,
            target: e.address.replace('http://', ''),
            labels: { [scopes[i].label]: scopes[i].value },
          })),
          // Up once the operator listens (a few seconds in); its errors counter exists from each first poll.
          { job: 'keda-operator', target: kedaOperatorMetrics },
        ],
        TIMING.scrapeSeconds,
        ruleGroups,
      );
      const upstream = prometheus.serverAddress;
      /** When each scenario's gate failed a query (ms): KEDA's failing polls and HPA reads. */
      const failures = list.map((): number[] => []);
      const gates = await Promise.all(
        list.map((scenario, i) =>
          gate(upstream, (query) => {
            if (clocks[i].t0 === undefined) return 'pass';
            const kind = outageAt(scenario.outages ?? [], queryTrigger(query), productionSecond(i))?.kind;
            // Any other kind (the group's series missing) is the exporter's, not the gate's.
            if (kind !== 'error' && kind !== 'empty') return 'pass';
            failures[i].push(Date.now());
            return kind;
          }),
        ),
      );
      servers.push(...gates);

      return { runs, scopes, scrapes, gates, clocks, failures, since: Date.now() };
    };
    let metrics: Awaited<ReturnType<typeof startMetrics>> | undefined;

    beforeAll(async () => {
      // Prometheus gathers its history while the control plane starts; it scrapes KEDA's operator at a port
      // chosen before either starts.
      const kedaOperatorMetricsPort = await freePort();
      [plane, metrics] = await Promise.all([
        startControlPlane(
          binaryPaths(),
          kedaModuleDir(),
          {
            hpaSyncSeconds: TIMING.hpaSyncSeconds,
            downscaleStabilizationSeconds: TIMING.downscaleStabilizationSeconds,
          },
          { kedaOperatorMetricsPort },
        ),
        startMetrics(`127.0.0.1:${kedaOperatorMetricsPort}`),
      ]);
    });
    afterAll(async () => {
      for (const stop of stops) stop();
      // Every component's log outside the tree, for a failing run.
      if (plane !== undefined) {
        const logs = path.join(RUN_DIR, 'logs');
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
      // the gRPC metrics service; keda-adapter: its secure port and its /metrics (patched to loopback at build);
      // keda-webhooks: its webhook server (patched to loopback at build), metrics and health probe.
      expect(sockets.sort()).toEqual([
        'etcd 127.0.0.1',
        'etcd 127.0.0.1',
        'keda-adapter 127.0.0.1',
        'keda-adapter 127.0.0.1',
        'keda-operator 127.0.0.1',
        'keda-operator 127.0.0.1',
        'keda-operator 127.0.0.1',
        'keda-webhooks 127.0.0.1',
        'keda-webhooks 127.0.0.1',
        'keda-webhooks 127.0.0.1',
        'kube-apiserver 127.0.0.1',
      ]);
    });

    test("every committed environment's dist/ applies to the real API server with KEDA's CRDs (PrometheusRule aside)", async () => {
      for (const environment of environments) {
        const spec = loadEnvironment(environment);
        const all = buildEnvironment(testApp(), spec, loadHandoff(environment)).flatMap(
          (chart) => Testing.synth(chart) as KubeObject[],
        );
        // The Prometheus Operator's CRD is not part of this control plane: a PrometheusRule is validated against
        // its schema by tests/synth/schema-and-determinism.test.ts and its rules by promtool.
        const objects = all.filter((o) => o.kind !== 'PrometheusRule');
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
        expect(fs.existsSync(path.join(__dirname, '..', '..', 'dist', environment))).toBe(true);
      }
    });

    test("KEDA's admission webhook refuses what KEDA 2.17.2 refuses, and lets through what it lets through", async () => {
      const environment = environments[0];
      const so = buildEnvironment(testApp(), loadEnvironment(environment), loadHandoff(environment))
        .flatMap((chart) => Testing.synth(chart) as KubeObject[])
        .find((o) => o.kind === 'ScaledObject')!;
      const spec = so.spec as { maxReplicaCount: number; triggers: { metricType: string }[] };
      const dryRun = (object: KubeObject): Promise<unknown> =>
        plane!.request(
          'PATCH',
          `${resourcePath(object)}?fieldManager=replay&force=true&dryRun=All`,
          object,
          'application/apply-patch+yaml',
        );
      await expect(dryRun(so)).resolves.toMatchObject({ kind: 'ScaledObject' });
      // Fallback with no AverageValue trigger: the CRD schema allows metricType Value, the webhook refuses it
      // (apis/keda/v1alpha1/scaledobject_types.go CheckFallbackValid, via scaledobject_webhook.go verifyFallback).
      const valueOnly = {
        ...so,
        spec: { ...spec, triggers: spec.triggers.map((t) => ({ ...t, metricType: 'Value' })) },
      };
      const refusal = await dryRun(valueOnly).then(
        () => 'accepted',
        (error: Error) => JSON.parse(error.message.slice(error.message.indexOf('{'))) as unknown,
      );
      expect(refusal).toMatchObject({
        code: 403,
        message:
          'admission webhook "vscaledobject.kb.io" denied the request: at least one trigger (that is not cpu or memory) has to have the `AverageValue` type for the fallback to be enabled',
      });
      // min above max: in 2.17.2 verifyReplicaCount logs CheckReplicaCountBoundsAreValid's error and returns nil,
      // so a cluster accepts it (the loader refuses it before synth).
      const minAboveMax = { ...so, spec: { ...spec, minReplicaCount: spec.maxReplicaCount + 1 } };
      await expect(dryRun(minAboveMax)).resolves.toMatchObject({ kind: 'ScaledObject' });
    });

    test('every committed workload has a scenario', () => {
      const replayed = new Set(list.map((s) => `${s.environment}/${s.workload}`));
      const committed = environments.flatMap((env) =>
        loadEnvironment(env).workloads.map((w) => `${env}/${w.name}`),
      );
      expect(committed.filter((w) => !replayed.has(w))).toEqual([]);
    });

    test('every scenario: the same replica sequence as simulate, each change within the bound, as tests/e2e/REPLAY.md states', async () => {
      if (WRITE_REPORT && IN_CI) throw new Error('REPLAY_WRITE=1 under CI=true: CI never writes to the tree');
      const k = TIMING.compression;
      // Every rate() range of the queries holds samples: a series younger than its range reads higher after a
      // jump (extrapolatedRate over the few samples there are; 1.29 × seen for a burst 9 s after Prometheus started).
      await new Promise((r) =>
        setTimeout(r, Math.max(0, metrics!.since + HISTORY_SECONDS * 1000 - Date.now())),
      );
      const { runs, scopes, scrapes, gates, clocks, failures } = metrics!;
      /** When each scenario's ScaledObject first had its Fallback condition True (ms). */
      const fallbackAt: (number | undefined)[] = list.map(() => undefined);

      const replayOne = async (i: number): Promise<ReplayResult> => {
        const { scenario, spec, workload, initial } = runs[i];
        const namespace = namespaceOf(scenario.name);
        const env = scenarioEnvironment(
          spec,
          withReplayScope(loadHandoff(scenario.environment), scopes[i]),
          workload,
          namespace,
          gates[i].address,
        );
        // The manifests as `npm run synth` writes them, every period / K.
        let objects = Testing.synth(
          // The workload's chart (a self-managed environment's provisioning Job has its own).
          buildEnvironment(testApp(), env.spec, env.handoff).find((c) => c.node.id === workload.name)!,
        ) as KubeObject[];
        objects = objects.map((o) => compressScaledObject(o, k));
        const applied = Date.now();
        const leadMs = (CRON_LEAD_SECONDS / k) * 1000;
        let cronWindow: { start: Date; end: Date } | undefined;
        /** The ScaledObject with its cron trigger on the first whole minute a lead after `from` (ms). */
        const withCronWindow = (from: number): KubeObject => {
          const start = new Date(Math.ceil((from + leadMs) / 60_000) * 60_000);
          cronWindow = { start, end: new Date(start.getTime() + scenario.cron!.minutes * 60_000) };
          const so = objects.find((o) => o.kind === 'ScaledObject')!;
          return moveCronWindow(so, scenario.cron!.trigger, cronWindow.start, cronWindow.end);
        };
        if (scenario.cron !== undefined) {
          const moved = withCronWindow(applied + SETTLE_BUDGET_SECONDS * 1000);
          objects = objects.map((o) => (o.kind === 'ScaledObject' ? moved : o));
        }
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
            stringData: Object.fromEntries([...secretKeys].map((key) => [key, 'replay'])),
          });
        for (const object of objects) await plane!.apply(object);
        const deployment = objects.find((o) => o.kind === 'Deployment')!;
        const name = deployment.metadata.name;
        const deploymentPath = `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`;
        const scaledObjectPath = `/apis/keda.sh/v1alpha1/namespaces/${namespace}/scaledobjects/${name}`;
        const replicas = async (): Promise<number> =>
          ((await plane!.request('GET', deploymentPath)) as { spec: { replicas: number } }).spec.replicas;
        // The controllers' own writes, in real ms.
        const writes = watchControllerWrites(plane!, namespace, name);
        stops.push(writes.stop);
        const { hpaWrites, kedaPolls } = writes;
        const selector = watchOne;
        // KEDA sets the Fallback condition when a trigger has failed more than failureThreshold HPA reads
        // (kedacore/keda v2.17.2 pkg/fallback/fallback.go updateStatus): KedaFallbackActive's premise.
        stops.push(
          plane!.watch(
            `/apis/keda.sh/v1alpha1/namespaces/${namespace}/scaledobjects?${selector(name)}`,
            (o) => {
              const conditions = (o.status as { conditions?: { type: string; status: string }[] } | undefined)
                ?.conditions;
              if (
                fallbackAt[i] === undefined &&
                conditions?.some((c) => c.type === 'Fallback' && c.status === 'True')
              )
                fallbackAt[i] = Date.now();
            },
          ),
        );
        // Settle at the starting count (the HPA lifts a new Deployment's 1 to min; KEDA takes it to 0 for min 0).
        const settleDeadline = Date.now() + 120_000;
        while ((await replicas()) !== initial) {
          if (Date.now() > settleDeadline)
            throw new Error(
              `${scenario.name}: never settled at ${initial} replicas; ScaledObject status: ${JSON.stringify(
                ((await plane!.request('GET', scaledObjectPath)) as { status?: unknown }).status,
              )}`,
            );
          await new Promise((r) => setTimeout(r, 250));
        }
        const settledSeconds = Number(((Date.now() - applied) / 1000).toFixed(1));
        if (cronWindow !== undefined) {
          // A cron scenario's clock starts CRON_LEAD_SECONDS / K before its window, whatever the settling took, so
          // its times are the same from run to run; settled too late for it, the window moves to a later minute.
          if (Date.now() > cronWindow.start.getTime() - leadMs)
            await plane!.apply(withCronWindow(Date.now()));
          await new Promise((r) => setTimeout(r, cronWindow!.start.getTime() - leadMs - Date.now()));
        }
        clocks[i].t0 = Date.now();
        const t0 = clocks[i].t0;
        const realSecond = (ms: number): number => Number(((ms - t0) / 1000).toFixed(1));
        const real: Change[] = [{ t: 0, replicas: initial }];
        // A watch sees every write of spec.replicas, also one that lasts less than a poll would catch.
        stops.push(
          plane!.watch(`/apis/apps/v1/namespaces/${namespace}/deployments?${selector(name)}`, (object) => {
            const now = (object.spec as { replicas: number }).replicas;
            const t = realSecond(Date.now());
            if (t >= 0 && now !== real[real.length - 1].replicas) real.push({ t, replicas: now });
          }),
        );
        const scaledObject = objects.find((o) => o.kind === 'ScaledObject')!;
        const periods = ratePeriods(scaledObject, TIMING.hpaSyncSeconds);
        // The scenario's end (ms): its duration, or half a rate period after the real side's change number
        // endAfterChanges, so the cut falls between two steps of a chain (each a period apart, ± one bound).
        const endAt = (): number => {
          const n = scenario.endAfterChanges;
          const deadline = t0 + (scenario.durationSeconds / k) * 1000;
          if (n === undefined || real.length <= n) return deadline;
          const period = real[n].replicas > real[n - 1].replicas ? periods.up : periods.down;
          return Math.min(deadline, t0 + (real[n].t + period / 2) * 1000);
        };
        while (Date.now() < endAt())
          await new Promise((r) => setTimeout(r, Math.min(250, endAt() - Date.now())));
        const ended = endAt();
        const durationSeconds = Math.round(((ended - t0) / 1000) * k);
        const inRun = (c: Change): boolean => c.t < realSecond(ended);
        // Each change's writer: the HPA when its lastScaleTime moved within a second of it, else KEDA.
        const hpaAt = hpaWrites.filter((ms) => ms >= t0 && ms < ended).map(realSecond);
        const attributed = activationCollapsed(
          real.filter(inRun).map((c, n) =>
            n === 0
              ? c
              : {
                  ...c,
                  by: hpaAt.some((h) => Math.abs(h - c.t) <= 1) ? ('hpa' as const) : ('keda' as const),
                },
          ),
          BOUND_SECONDS,
        );
        const firstHpa = hpaAt[0];
        const firstKeda = kedaPolls.filter((ms) => ms >= t0).map(realSecond)[0];
        const polling = workload.scaling.pollingIntervalSeconds / k;
        const hpaPeriod = measuredPeriod(hpaAt, TIMING.hpaSyncSeconds);
        const staleness =
          measuredAge(firstHpa === undefined ? undefined : t0 + firstHpa * 1000, scrapes[i], k) ??
          TIMING.scrapeSeconds * k;
        const phases = {
          hpaPhaseSeconds: measuredPhase(firstHpa, TIMING.hpaSyncSeconds, k) ?? 0,
          kedaPhaseSeconds: measuredPhase(firstKeda, polling, k) ?? 0,
          measured: { hpa: firstHpa !== undefined, keda: firstKeda !== undefined },
          metricStalenessSeconds: staleness,
          hpaPeriodSeconds: hpaPeriod,
          settledSeconds,
          replayedSeconds: durationSeconds,
        };
        const schedules: SimulationSchedule[] =
          cronWindow === undefined
            ? []
            : [
                {
                  name: scenario.cron!.trigger,
                  desiredReplicas: Number(
                    (
                      objects.find((o) => o.kind === 'ScaledObject')!.spec as {
                        triggers: { type: string; name?: string; metadata: Record<string, string> }[];
                      }
                    ).triggers.find((t) => t.name === scenario.cron!.trigger)!.metadata.desiredReplicas,
                  ),
                  windows: [
                    {
                      fromSecond: Math.round(((cronWindow.start.getTime() - t0) / 1000) * k),
                      toSecond: Math.round(((cronWindow.end.getTime() - t0) / 1000) * k),
                    },
                  ],
                },
              ];
        const run = simulateScenario(
          workload,
          { ...scenario, durationSeconds },
          TIMING,
          initial,
          phases,
          schedules,
          staleness,
        );
        const simulated = expectedChanges(
          activationCollapsed(simulatedChanges(run, initial, k), BOUND_SECONDS),
          attributed,
          periods,
          TIMING.hpaSyncSeconds,
          { firstWrite: firstHpa, ratio: hpaPeriod / TIMING.hpaSyncSeconds },
        );
        return {
          scenario,
          real: attributed,
          simulated,
          comparison: compare(attributed, simulated),
          phases,
          timers: { hpa: TIMING.hpaSyncSeconds, keda: polling },
          ...(KNOWN_DIVERGENCES[scenario.name] !== undefined && {
            knownDivergence: KNOWN_DIVERGENCES[scenario.name],
          }),
        };
      };
      const replayed = await Promise.all(list.map((_, i) => replayOne(i)));

      // The KEDA alert rules as Prometheus evaluated them on the real operator's metrics, once every outage's
      // alerts are due to be quiet (the longer scenarios usually ran past that already).
      const alertNames = Object.keys(KEDA_ALERTS) as (keyof typeof KEDA_ALERTS)[];
      const quietDue = Math.max(
        0,
        ...failures.map((f) => {
          const c = KEDA_ALERTS.KedaScalerFailing;
          // The bound, plus a second for the resolving evaluation to be recorded.
          return f.length === 0
            ? 0
            : f[f.length - 1] + (c.windowSeconds + c.evalSeconds + c.scrapeSeconds + 1) * 1000;
        }),
      );
      await new Promise((r) => setTimeout(r, Math.max(0, quietDue - Date.now())));
      const alertSeries = await prometheus!.samples(
        `ALERTS{alertname=~"${alertNames.join('|')}"}`,
        (Date.now() - metrics!.since) / 1000 + 10,
      );
      /** Per scenario, per rule: real seconds from the scenario's start. */
      const alerts: AlertOutcome[][] = list.map((scenario, i) => {
        const t0 = clocks[i].t0!;
        const f = failures[i];
        const failing =
          f.length === 0 ? undefined : { first: (f[0] - t0) / 1000, last: (f[f.length - 1] - t0) / 1000 };
        return alertNames.map((alert) => {
          const clock = KEDA_ALERTS[alert];
          const samples: AlertSample[] = alertSeries
            .filter((x) => x.metric.alertname === alert && x.metric.replay_scenario === scenario.name)
            .flatMap((x) =>
              x.values.map(([t]) => ({
                t: t - t0 / 1000,
                state: x.metric.alertstate as AlertSample['state'],
              })),
            );
          const expected =
            failing !== undefined && longEnoughToFire(failing.first, failing.last, clock)
              ? expectedAlert(failing.first, failing.last, clock)
              : undefined;
          return {
            alert,
            episodes: alertEpisodes(samples, clock.evalSeconds),
            ...(failing !== undefined && { failing }),
            ...(expected !== undefined && { expected }),
            ...(alert === 'KedaFallbackActive' &&
              fallbackAt[i] !== undefined && { fallbackConditionAt: (fallbackAt[i] - t0) / 1000 }),
          };
        });
      });
      const results = replayed.map((r, i) => ({ ...r, alerts: alerts[i] }));

      const header = [
        `# Controller replay: Kubernetes v${KUBERNETES_VERSION} HPA + KEDA ${KEDA_VERSION} vs simulate`,
        '',
        `Written by \`REPLAY_WRITE=1 npx jest tests/e2e/controller-replay.test.ts\`; every run of the suite fails when`,
        `a change is beyond the bound of its simulation (below), or the run differs from what is stated here: another`,
        'replica sequence, or a change (or its distance to the previous one, when timed from it) more than two ticks',
        "of its controller and a scrape from the time stated (another run's timers start at other phases). Each",
        'committed ScaledObject as `npm run synth`',
        'writes it, in its own namespace of one control plane, side by side, with every period divided by',
        `K = ${k}: KEDA polling, cooldown, the HPA behavior's periods and windows, the queries' ranges (a per-second`,
        `threshold × ${k}); kube-controller-manager's HPA sync`,
        `${TIMING.hpaSyncSeconds} s and downscale stabilization ${TIMING.downscaleStabilizationSeconds} s (15 s and 300 s / ${k}); Prometheus scrapes every ${TIMING.scrapeSeconds} s.`,
        `\`simulate\` runs the production periods; its times are shown / ${k}. Times are real seconds from the`,
        "scenario's start (× K for production seconds); scenario times in the descriptions are production seconds.",
        "Measured from the controllers' own writes (the HPA's status.lastScaleTime, KEDA's status.lastActiveTime)",
        "and Prometheus' scrapes of the exporter, and given to `simulate`: the timer phases, the metric's age at the",
        "HPA's syncs, the HPA's real period (it drifts by its reconcile time; the simulated HPA changes are put on",
        'its clock). A change is attributed to the HPA when its lastScaleTime moved within 1 s of it, else to KEDA.',
        `The bound is per change: one HPA sync plus one scrape, ${BOUND_SECONDS} s (the metric's age at a sync varies by`,
        "up to a scrape from the one measured, which can move a change to the neighbouring sync). A step the HPA's rate",
        'limit held back (it follows the previous step by one policy period in the same direction) is timed from the',
        'previous real change, as the HPA counts the period from its own write, so the time its re-queue adds to each',
        'step does not add up (a step may land a sync after its period); every other change from the start. A',
        'scale-down on the legacy path (no behavior) is',
        "expected one sync before simulate's: the recommendation 20 syncs old that still counts on simulate's exact",
        "clock (stabilizeRecommendation keeps those not Before the cutoff) has expired on the real HPA's late syncs.",
        "KEDA's activation and the HPA's first sync after it may fall in one production second (simulate's step), in",
        'either order: on both sides 0 → 1 → N within the bound is compared as 0 → N at the time of N (the 1 shown).',
        'A replay with a stated end stops half a rate period after that change of the real side; `simulate` runs to',
        'the same second.',
        'A scenario with a known divergence may differ from `simulate` (with the scrape alignment); when it does not,',
        'it is held to the bound; it is not held to the sequences stated here.',
        'The gate in front of Prometheus evaluates each query at the instant it arrives (KEDA sends whole seconds).',
        "The same Prometheus scrapes KEDA's operator (its metrics endpoint on 127.0.0.1) and evaluates the",
        'cluster-side alert rules `npm run synth` writes for each scenario (the PrometheusRule of',
        `dist/<env>/apsaramq-keda-alerts.yaml) with every \`for\` and range / ${k} and each group evaluated every`,
        `${KEDA_ALERTS.KedaScalerFailing.evalSeconds} s (the Prometheus Operator's 30 s / ${k}): KedaScalerFailing,`,
        `\`increase(keda_scaled_object_errors_total[${KEDA_ALERTS.KedaScalerFailing.windowSeconds}s]) > 0\` for ${KEDA_ALERTS.KedaScalerFailing.forSeconds} s, and KedaFallbackActive, the same for`,
        `${KEDA_ALERTS.KedaFallbackActive.forSeconds} s. Without an outage neither is ever pending; with one, each is held to where the outage's first and last`,
        'failing queries put it: pending by a scrape and an evaluation after the first, firing its `for` later,',
        'quiet after the last and by the range, an evaluation and a scrape after it',
        "(tests/e2e/harness/replay-alerts.ts expectedAlert), KedaFallbackActive firing after the ScaledObject's",
        "Fallback condition turned True; times are real seconds from the scenario's start. (KedaPinnedAtMax reads",
        'kube-state-metrics, which the replay does not run.)',
      ].join('\n');
      const raw = report(results, header, BOUND_SECONDS, k);
      fs.mkdirSync(RUN_DIR, { recursive: true });
      fs.writeFileSync(path.join(RUN_DIR, 'REPLAY.raw.md'), raw);
      // As `npm run lint` (prettier --check) wants the committed file; the CLI, as jest cannot load prettier's
      // dynamic imports without --experimental-vm-modules.
      const formatted = spawnSync(
        path.join(__dirname, '..', '..', 'node_modules', '.bin', 'prettier'),
        ['--stdin-filepath', REPORT_FILE],
        { input: raw, encoding: 'utf8' },
      );
      if (formatted.status !== 0) throw new Error(`prettier: ${formatted.stderr}`);
      const text = formatted.stdout;
      fs.writeFileSync(path.join(RUN_DIR, 'REPLAY.md'), text);
      console.log(`controller replay report of this run: ${path.join(RUN_DIR, 'REPLAY.md')}\n${text}`);
      if (WRITE_REPORT) fs.writeFileSync(REPORT_FILE, text);

      for (const r of results) {
        // A known divergence may differ (it varies with the scrape alignment); any other must not.
        expect({
          scenario: r.scenario.name,
          sameSequence: r.comparison.sameSequence || r.knownDivergence !== undefined,
        }).toEqual({ scenario: r.scenario.name, sameSequence: true });
        expect({ scenario: r.scenario.name, withinBound: r.comparison.maxAbsLag <= BOUND_SECONDS }).toEqual({
          scenario: r.scenario.name,
          withinBound: true,
        });
      }
      const committed = reportData(REPORT_FILE, fs.readFileSync(REPORT_FILE, 'utf8'));
      expect(reportDrift(committed, reportData('this run', text), TIMING.scrapeSeconds)).toEqual([]);

      // The alert rules on real KEDA: quiet without an outage; with one, pending and firing after its first
      // failing query within the rule's times, quiet again after its last (expectedAlert's bounds).
      const violations: string[] = [];
      results.forEach(({ scenario, alerts: outcomes }) => {
        for (const o of outcomes) {
          const where = `${scenario.name} ${o.alert}`;
          const check = (ok: boolean, what: string): void => {
            if (!ok) violations.push(`${where}: ${what}`);
          };
          if (o.failing === undefined) {
            check(
              o.episodes.length === 0,
              `pending or firing at ${o.episodes.map((e) => e.pending).join(', ')} s without an outage`,
            );
            continue;
          }
          const x = o.expected;
          const first = o.failing.first;
          const quietBy = expectedAlert(
            first,
            o.failing.last,
            KEDA_ALERTS[o.alert as keyof typeof KEDA_ALERTS],
          ).quietBy;
          for (const e of o.episodes) {
            check(
              e.pending > first,
              `pending at ${e.pending} s, before the first failing query at ${first} s`,
            );
            check(e.quiet <= quietBy, `quiet at ${e.quiet} s, after ${quietBy} s`);
          }
          if (x === undefined) {
            check(
              o.alert !== 'KedaScalerFailing',
              `the outage (${first}–${o.failing.last} s) is too short to hold it to its times`,
            );
            continue;
          }
          check(o.episodes.length === 1, `${o.episodes.length} episodes, not one`);
          const [e] = o.episodes;
          if (e === undefined) continue;
          check(e.pending <= x.pendingBy, `pending at ${e.pending} s, after ${x.pendingBy} s`);
          check(
            e.firing !== undefined && Math.abs(e.firing - e.pending - x.firingAfterPendingSeconds) < 0.01,
            `firing at ${e.firing} s, not ${x.firingAfterPendingSeconds} s after pending at ${e.pending} s`,
          );
          check(
            e.firing !== undefined && e.firing <= x.firingBy,
            `firing at ${e.firing} s, after ${x.firingBy} s`,
          );
          check(
            e.quiet > x.quietAfter,
            `quiet at ${e.quiet} s, before the last failing query at ${x.quietAfter} s`,
          );
          if (o.alert === 'KedaFallbackActive')
            check(
              o.fallbackConditionAt !== undefined &&
                e.firing !== undefined &&
                o.fallbackConditionAt <= e.firing,
              `firing at ${e.firing} s, before the ScaledObject's Fallback condition (${o.fallbackConditionAt} s)`,
            );
        }
      });
      if (
        !results.some((r) =>
          r.alerts.some((o) => o.alert === 'KedaFallbackActive' && o.expected !== undefined),
        )
      )
        violations.push("KedaFallbackActive: no scenario's outage is long enough to hold it to its times");
      // Nothing left pending or firing (every outage is over), and the series the rules select are the operator's.
      const active = (
        (await (await fetch(`${prometheus!.serverAddress}/api/v1/alerts`)).json()) as {
          data: { alerts: { labels: Record<string, string>; state: string }[] };
        }
      ).data.alerts.filter((a) => (alertNames as string[]).includes(a.labels.alertname));
      for (const a of active)
        violations.push(`${a.labels.replay_scenario} ${a.labels.alertname}: still ${a.state} at the end`);
      for (const { scenario, workload } of runs) {
        const selected = `namespace="${namespaceOf(scenario.name)}", scaledObject="${workload.name}"`;
        for (const selector of [
          `keda_scaled_object_errors_total{${selected}}`,
          // KedaPinnedAtMax reads the trigger that carries the backlog: demand when it replaces backlog.
          `keda_scaler_metrics_value{${selected}, scaler="${workload.scaling.scaleOnDemand === undefined ? 'backlog' : 'demand'}", type="scaledobject"}`,
        ])
          if ((await prometheus!.query(selector)).data.result.length === 0)
            violations.push(`${scenario.name}: no series ${selector} on KEDA's operator`);
      }
      expect(violations).toEqual([]);
    });
  },
);
