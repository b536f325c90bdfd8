/**
 * The controller replay: one scenario is a ScaledObject config and a scripted metric timeline. The same
 * scenario runs through `simulate` and, on the real control plane, through the synthesized manifests; the
 * replica changes of both are compared.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  simulate,
  type SimulationOutage,
  type SimulationResult,
  type SimulationSchedule,
  type SimulationTiming,
  type SimulationTraffic,
  type SimulationTrigger,
} from '../../../constructs/scaling';
import type { EnvironmentSpec, WorkloadSpec } from '../../../infra/config/environment';
import type { Handoff } from '../../../infra/config/handoff';
import { currentScaling } from '../../../infra/plan/plan';
import type { KubeObject } from './control-plane';
import { KEDA_VERSION, KUBERNETES_VERSION } from './control-plane-build';
import { alertLines, type AlertOutcome } from './replay-alerts';

/**
 * Periods of the real side that are not a ScaledObject's: kube-controller-manager's flags (one process for every
 * scenario) and the Prometheus scrape. The simulated side runs the production values, K times these.
 */
export interface ReplayTiming {
  /** The time-compression factor K: every period of the real side is its production value / K. */
  readonly compression: number;
  readonly hpaSyncSeconds: number;
  readonly downscaleStabilizationSeconds: number;
  /** Prometheus scrape interval: the age of the newest sample a query can see. */
  readonly scrapeSeconds: number;
}

/** A trigger-scoped metric outage in production seconds (see SimulationOutage). */
export type ScenarioOutage = SimulationOutage;

/** One committed ScaledObject and a scripted metric timeline, in production seconds. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** The committed environment and workload whose synthesized manifests are applied as they are. */
  readonly environment: string;
  readonly workload: string;
  /**
   * A field no committed workload sets, when the scenario is about it (idle), or a `scaling` block the workload
   * had before the committed one, when the scenario is about a trigger that block has. @default none
   */
  readonly variant?: Partial<Pick<WorkloadSpec, 'idleReplicaCount' | 'scaling'>>;
  /** Arrivals and external drain (the pods consume nothing: no kubelet runs them). */
  readonly traffic: SimulationTraffic;
  /** Windows in which the scenario's queries fail (HTTP 503) or come back empty, per trigger. */
  readonly outages?: readonly ScenarioOutage[];
  /** The cron trigger moved onto the replay's clock: active for `minutes` real minutes. @default none */
  readonly cron?: { readonly trigger: string; readonly minutes: number };
  /** Production seconds replayed (at most, with `endAfterChanges`). */
  readonly durationSeconds: number;
  /**
   * End the replay half a rate period (ratePeriods) after the real side's change number `endAfterChanges`, the
   * simulator at the same second: a chain of policy steps is cut between two steps whatever the phases. @default none
   */
  readonly endAfterChanges?: number;
}

/**
 * A replica change: at `t` seconds the Deployment asks for `replicas`; `by` the controller that wrote it. An
 * expected change with `anchor` 'previous' is timed from the preceding real change (expectedChanges).
 */
export interface Change {
  readonly t: number;
  readonly replicas: number;
  readonly by?: 'hpa' | 'keda';
  readonly anchor?: 'previous';
  /** KEDA's activation this change followed within a sync (activationCollapsed). */
  readonly through?: { readonly t: number; readonly replicas: number };
}

/**
 * KEDA's activation (a change out of 0) and the HPA's first sync after it can fall in one production second,
 * below simulate's 1 s step, in either order: simulate then writes N at once, the real side 1 and then N, 0.2 s
 * or one sync apart. So on both sides 0 → 1 → N with N within `withinSeconds` of the 1 is compared as 0 → N at
 * N's time (the 1 kept in `through`); N is still held to the bound.
 */
export function activationCollapsed(changes: readonly Change[], withinSeconds: number): Change[] {
  const out: Change[] = [];
  for (const c of changes) {
    const last = out[out.length - 1];
    const before = out[out.length - 2];
    if (before?.replicas === 0 && last.through === undefined && c.t - last.t <= withinSeconds)
      out[out.length - 1] = { ...c, through: { t: last.t, replicas: last.replicas } };
    else out.push(c);
  }
  return out;
}

/** The committed workload the scenario replays, with its variant. */
export function scenarioWorkload(base: WorkloadSpec, scenario: Scenario): WorkloadSpec {
  return { ...base, ...scenario.variant };
}

/** The committed environment narrowed to one workload in the scenario's namespace, and its hand-off. */
export function scenarioEnvironment(
  spec: EnvironmentSpec,
  handoff: Handoff,
  workload: WorkloadSpec,
  namespace: string,
  serverAddress: string,
): { spec: EnvironmentSpec; handoff: Handoff } {
  const scoped =
    spec.broker === 'self-managed' && 'brokerCluster' in handoff
      ? // The scenario's own broker cluster (withReplayScope) on both sides, as synth requires them equal.
        // The in-cluster Prometheus address is the spec's too.
        {
          ...spec,
          selfManaged: { ...spec.selfManaged, brokerCluster: handoff.brokerCluster.name },
          prometheus: { ...spec.prometheus, serverAddress },
        }
      : spec;
  return {
    spec: { ...scoped, kubernetes: { ...spec.kubernetes, namespace }, workloads: [workload] },
    // The spread keeps the hand-off's own flavor (its prometheus comes from the same object); TypeScript cannot
    // see that through a union spread.
    handoff: {
      ...handoff,
      namespace,
      prometheus: { ...handoff.prometheus, serverAddress },
      workloads: handoff.workloads.filter((h) => h.name === workload.name),
    } as Handoff,
  };
}

/** The controllers' timer offsets measured on the real side, in production seconds (whole: the step). */
export interface Phases {
  readonly hpaPhaseSeconds: number;
  readonly kedaPhaseSeconds: number;
}

/**
 * The scenario through `simulate` at production periods: HPA sync and stabilization K times the real flags, the
 * ScaledObject's own periods as committed (the real side runs them / K), the metric's age as measured (production
 * seconds; default one scrape × K).
 */
export function simulateScenario(
  workload: WorkloadSpec,
  scenario: Scenario,
  timing: ReplayTiming,
  initialReplicas: number,
  phases: Phases = { hpaPhaseSeconds: 0, kedaPhaseSeconds: 0 },
  schedules: readonly SimulationSchedule[] = [],
  metricStalenessSeconds = timing.scrapeSeconds * timing.compression,
): SimulationResult {
  const k = timing.compression;
  const simTiming: SimulationTiming = {
    hpaSyncSeconds: timing.hpaSyncSeconds * k,
    hpaDownscaleStabilizationSeconds: timing.downscaleStabilizationSeconds * k,
    metricStalenessSeconds,
    ...phases,
    // The scenario's exporter serves the group's series whether or not a pod runs (seriesAt, groupSeriesServed).
    groupSeriesWithoutConsumers: true,
    ...(scenario.outages !== undefined && { outages: scenario.outages }),
  };
  return simulate({
    scaling: {
      // The HPA of the control plane the replay runs (1.32: |1 − r| > tolerance), not the stack file's minor.
      ...currentScaling(workload, KEDA_VERSION, KUBERNETES_VERSION.split('.').slice(0, 2).join('.')),
      ...(schedules.length > 0 && { schedules }),
    },
    workload: { messagesPerSecondPerPod: 0 },
    traffic: scenario.traffic,
    timing: simTiming,
    durationSeconds: scenario.durationSeconds,
    initialReplicas,
  });
}

/** The trigger a query of the scenario's ScaledObject belongs to (the backlog query reads the group's series). */
export function queryTrigger(query: string): SimulationTrigger {
  return query.includes('rocketmq_consumer_ready_messages') ? 'backlog' : 'arrivalRate';
}

/**
 * Whether the exporter serves the group's backlog series at production second `t`: not while a `groupAbsent`
 * outage holds (the group's series missing while its consumers run, issue 24 item 1); the topic's counter stays.
 */
export function groupSeriesServed(scenario: Scenario, t: number): boolean {
  return !(scenario.outages ?? []).some(
    (o) =>
      o.kind === 'groupAbsent' &&
      t >= o.fromSecond &&
      t < o.toSecond &&
      (o.triggers?.includes('backlog') ?? true),
  );
}

/** The outage (if any) that holds for `trigger` at production second `t`. */
export function outageAt(
  outages: readonly ScenarioOutage[],
  trigger: SimulationTrigger,
  t: number,
): ScenarioOutage | undefined {
  return outages.find(
    (o) => t >= o.fromSecond && t < o.toSecond && (o.triggers === undefined || o.triggers.includes(trigger)),
  );
}

/** The metric series the scenario's exporter serves at second `t`: the simulator's own backlog and arrivals. */
export function seriesAt(run: SimulationResult, t: number): { backlog: number; arrived: number } {
  const i = Math.max(0, Math.min(run.timeline.length, Math.floor(t)));
  let arrived = 0;
  for (let k = 0; k < i; k += 1) arrived += run.timeline[k].arrivalRate;
  return { backlog: i === 0 ? 0 : run.timeline[i - 1].backlog, arrived };
}

/** The simulated changes, on the real side's clock (production seconds / K). */
export function simulatedChanges(run: SimulationResult, initialReplicas: number, k: number): Change[] {
  const changes: Change[] = [{ t: 0, replicas: initialReplicas }];
  for (const p of run.timeline) {
    // A timeline point holds the count after acting at t - 1.
    if (p.replicas !== changes[changes.length - 1].replicas)
      changes.push({ t: Number(((p.t - 1) / k).toFixed(1)), replicas: p.replicas });
  }
  return changes;
}

export interface Comparison {
  readonly sameSequence: boolean;
  /** Per change: real t minus expected t (real seconds), when the sequences match. */
  readonly lags: readonly number[];
  readonly maxAbsLag: number;
}

export function compare(real: readonly Change[], expected: readonly Change[]): Comparison {
  const sameSequence =
    real.length === expected.length && real.every((c, i) => c.replicas === expected[i].replicas);
  const lags = sameSequence ? real.slice(1).map((c, i) => Number((c.t - expected[i + 1].t).toFixed(1))) : [];
  return { sameSequence, lags, maxAbsLag: lags.reduce((m, l) => Math.max(m, Math.abs(l)), 0) };
}

/** Real seconds per direction over which the replayed HPA's rate limit counts its scale events. */
export interface RatePeriods {
  readonly up: number;
  readonly down: number;
  /** No behavior: the HPA's legacy path (stabilizeRecommendation, limits at every sync). */
  readonly legacy: boolean;
}

/**
 * The rate-limit periods of a (compressed) ScaledObject's HPA: the longest policy period per direction of its
 * behavior, or one sync without one: the API server defaults no behavior that is absent
 * (k8s.io/kubernetes v1.32 pkg/apis/autoscaling/v2/defaults.go SetDefaults_HorizontalPodAutoscalerBehavior), and
 * the HPA then applies its legacy limits at every sync (pkg/controller/podautoscaler/horizontal.go
 * normalizeDesiredReplicas).
 */
export function ratePeriods(scaledObject: KubeObject, syncSeconds: number): RatePeriods {
  const behavior = (
    scaledObject.spec as {
      advanced?: {
        horizontalPodAutoscalerConfig?: {
          behavior?: Partial<Record<'scaleUp' | 'scaleDown', { policies?: { periodSeconds: number }[] }>>;
        };
      };
    }
  ).advanced?.horizontalPodAutoscalerConfig?.behavior;
  const longest = (rules?: { policies?: { periodSeconds: number }[] }): number =>
    Math.max(syncSeconds, ...(rules?.policies ?? []).map((p) => p.periodSeconds));
  return behavior === undefined
    ? { up: syncSeconds, down: syncSeconds, legacy: true }
    : { up: longest(behavior.scaleUp), down: longest(behavior.scaleDown), legacy: false };
}

/**
 * Where each simulated change is expected on the real side (k8s.io/kubernetes v1.32
 * pkg/controller/podautoscaler/horizontal.go throughout).
 * - A step the HPA's rate limit held back lands on the first sync one policy period after the preceding scale
 *   event (getReplicasChangePerPeriod counts the events of the last periodSeconds, stamped when the HPA wrote
 *   them): when the simulated step follows the preceding change by [period, period + sync) in the same direction
 *   on simulate's exact clock, both written by the real HPA, it is expected that long (on the HPA's measured
 *   clock) after the preceding REAL change (`anchor` 'previous'), so the time the real HPA's re-queue adds to each
 *   step does not add up over a chain of steps.
 * - Any other change is caused on the scenario's clock (a metric, a window's or a cooldown's end, KEDA's timer)
 *   and stays where onHpaClock puts it; but a scale-down on the legacy path (no behavior) one sync earlier: its
 *   stabilization keeps the recommendations not Before(now - window) (stabilizeRecommendation), so on simulate's
 *   exact clock one stored a whole window (20 syncs) earlier still holds the count, while on the real HPA, whose
 *   syncs each run a little over the period, it has expired. (The behavior path keeps only those After the
 *   cutoff: the same on both clocks.)
 * As simulated (on the HPA's clock) when the sequences differ.
 */
export function expectedChanges(
  simulated: readonly Change[],
  real: readonly Change[],
  periods: RatePeriods,
  syncSeconds: number,
  clock: { readonly firstWrite: number | undefined; readonly ratio: number } = {
    firstWrite: undefined,
    ratio: 1,
  },
): Change[] {
  const onClock = onHpaClock(simulated, real, clock.firstWrite, clock.ratio);
  const sameSequence =
    real.length === simulated.length && real.every((c, i) => c.replicas === simulated[i].replicas);
  if (!sameSequence) return onClock;
  return onClock.map((c, i) => {
    if (i === 0 || real[i].by !== 'hpa') return c;
    const [previous, step] = [simulated[i - 1], simulated[i]];
    const up = step.replicas > previous.replicas;
    const gap = step.t - previous.t;
    const period = up ? periods.up : periods.down;
    const held =
      i >= 2 &&
      real[i - 1].by === 'hpa' &&
      up === previous.replicas > simulated[i - 2].replicas &&
      // 0.05: simulated times are whole production seconds shown to 0.1 real s.
      gap >= period - 0.05 &&
      gap < period + syncSeconds - 0.05;
    if (held)
      return { ...c, t: Number((real[i - 1].t + gap * clock.ratio).toFixed(1)), anchor: 'previous' as const };
    if (periods.legacy && !up) return { ...c, t: Number((c.t - syncSeconds * clock.ratio).toFixed(1)) };
    return c;
  });
}

/**
 * The phase of a controller's timer relative to t0: the first of its own writes after t0 (`at`, real seconds)
 * modulo its period, in production seconds (whole, below the production period).
 */
/**
 * The age of the newest sample a query sees at `at` (ms): `at` minus the last scrape of the exporter at or
 * before it (ms), in production seconds (whole). undefined without both.
 */
export function measuredAge(
  at: number | undefined,
  scrapes: readonly number[],
  k: number,
): number | undefined {
  if (at === undefined) return undefined;
  const before = scrapes.filter((s) => s <= at);
  if (before.length === 0) return undefined;
  return Math.round(((at - before[before.length - 1]) / 1000) * k);
}

/**
 * The HPA's real period from its own writes (real seconds): it re-queues each HPA one sync period after the end
 * of its reconcile (k8s.io/kubernetes v1.32 pkg/controller/podautoscaler horizontal.go processNextWorkItem,
 * AddRateLimited with a fixed-interval limiter), so its ticks drift by the reconcile time. Counted per gap between
 * two writes, where the drift is well below half a sync (over a whole run it is not: 2.98 s read for 3.05 s),
 * gaps below one sync left out. `sync` without such a gap.
 */
export function measuredPeriod(writes: readonly number[], sync: number): number {
  let span = 0;
  let ticks = 0;
  for (let i = 1; i < writes.length; i += 1) {
    const gap = writes[i] - writes[i - 1];
    const n = Math.round(gap / sync);
    if (n === 0) continue;
    span += gap;
    ticks += n;
  }
  return ticks === 0 ? sync : Number((span / ticks).toFixed(4));
}

/**
 * The simulated changes on the real HPA's clock: a change the real HPA wrote is expected `period / sync` as far
 * from its first write as the simulated one is; KEDA's timer does not drift (scale_handler.go startScaleLoop
 * arms it before each poll), its changes stay.
 */
export function onHpaClock(
  simulated: readonly Change[],
  real: readonly Change[],
  firstWrite: number | undefined,
  ratio: number,
): Change[] {
  if (firstWrite === undefined || ratio === 1) return [...simulated];
  return simulated.map((c, i) =>
    i > 0 && real[i]?.by === 'hpa'
      ? { ...c, t: Number((firstWrite + (c.t - firstWrite) * ratio).toFixed(1)) }
      : c,
  );
}

export function measuredPhase(at: number | undefined, realPeriod: number, k: number): number | undefined {
  if (at === undefined) return undefined;
  const production = realPeriod * k;
  return Math.round((((at % realPeriod) + realPeriod) % realPeriod) * k) % production;
}

/**
 * Exposition text of the scenario's exporter: RocketMQ 5.x consumer series as ARMS names them, or, with
 * `selfManaged`, as the Apache 5.x exporter does (one broker's node_id, is_retry and message_type: measured in
 * tests/e2e/self-managed-metrics.test.ts). Prometheus adds the instance_id or cluster label as a target label.
 */
export function exposition(
  labels: { instanceId: string; topic: string; group: string },
  arrivalMetric: string,
  series: { backlog: number; arrived: number },
  groupSeries = true,
  selfManaged = false,
): string {
  const broker = selfManaged ? ',node_id="broker-a"' : '';
  const group = `instance_id="${labels.instanceId}",topic="${labels.topic}",consumer_group="${labels.group}"${broker}${selfManaged ? ',is_retry="false"' : ''}`;
  return [
    ...(groupSeries
      ? [
          '# TYPE rocketmq_consumer_ready_messages gauge',
          `rocketmq_consumer_ready_messages{${group}} ${series.backlog}`,
          '# TYPE rocketmq_consumer_inflight_messages gauge',
          `rocketmq_consumer_inflight_messages{${group}} 0`,
        ]
      : []),
    `# TYPE ${arrivalMetric} counter`,
    `${arrivalMetric}{instance_id="${labels.instanceId}",topic="${labels.topic}"${broker}${selfManaged ? ',message_type="NORMAL"' : ''}} ${series.arrived}`,
    '',
  ].join('\n');
}

/** The label and value that give a scenario its own broker in the shared Prometheus. */
export interface ReplayScope {
  /** instance_id (ARMS), or the self-managed hand-off's cluster label. */
  readonly label: string;
  readonly value: string;
}

/** Scenario `i`'s own instance id, or its own broker cluster name for a self-managed hand-off. */
export function replayScope(handoff: Handoff, i: number): ReplayScope {
  const suffix = String.fromCharCode(97 + i);
  return 'brokerCluster' in handoff
    ? { label: handoff.brokerCluster.label, value: `replay-${suffix}` }
    : { label: 'instance_id', value: `rmq-cn-replay${suffix}` };
}

/** The hand-off with the scenario's own instance id or broker cluster name. */
export function withReplayScope(handoff: Handoff, scope: ReplayScope): Handoff {
  return 'brokerCluster' in handoff
    ? { ...handoff, brokerCluster: { ...handoff.brokerCluster, name: scope.value } }
    : { ...handoff, instanceId: scope.value };
}

export interface Server {
  readonly address: string;
  close(): Promise<void>;
}

export async function listen(handler: http.RequestListener): Promise<Server> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the gate answers a query with: Prometheus' own answer, an error, or an empty result. */
export type GateMode = 'pass' | 'error' | 'empty';

/**
 * A loopback proxy in front of Prometheus: per query (its trigger is read from the query text) it passes, answers
 * 503 (a metric outage), or answers an empty vector (a lost series; KEDA's prometheus_scaler.go
 * ExecutePromQuery reads `data.result` of /api/v1/query).
 */
export function gate(upstream: string, mode: (query: string) => GateMode): Promise<Server> {
  return listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gate');
    const query = url.searchParams.get('query') ?? '';
    const answer = mode(query);
    // KEDA evaluates each query at `time=` now in whole seconds (prometheus_scaler.go ExecutePromQuery,
    // time.RFC3339): up to 1 s more age, which compression would turn into K s. The gate evaluates it at the
    // instant it arrives instead, so the age is the scrape's alone, as it is (relatively) in production.
    if (url.searchParams.has('time')) url.searchParams.set('time', (Date.now() / 1000).toFixed(3));
    if (answer === 'error') {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('outage (replay scenario)');
      return;
    }
    if (answer === 'empty') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
      return;
    }
    fetch(`${upstream}${url.pathname}${url.search}`)
      .then(async (response) => {
        res.writeHead(response.status, {
          'content-type': response.headers.get('content-type') ?? 'text/plain',
        });
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch((error: unknown) => {
        res.writeHead(502);
        res.end(String(error));
      });
  });
}

/** One scenario's outcome, as the report states it. */
export interface ReplayResult {
  readonly scenario: Scenario;
  readonly real: readonly Change[];
  readonly simulated: readonly Change[];
  readonly comparison: Comparison;
  readonly phases: Phases & {
    readonly measured: { readonly hpa: boolean; readonly keda: boolean };
    /** Production seconds: the age of the sample at the HPA's first write after t0. */
    readonly metricStalenessSeconds: number;
    /** Real seconds between the HPA's syncs, from its writes. */
    readonly hpaPeriodSeconds: number;
    /** Real seconds from the namespace's apply to its starting count. */
    readonly settledSeconds: number;
    /** Production seconds replayed (the scenario's duration, or up to its end after a change). */
    readonly replayedSeconds: number;
  };
  /** Why the simulator is known to differ here (the report states it), if it is. */
  readonly knownDivergence?: string;
  /** Real seconds between the ticks of each controller: the HPA's sync, the ScaledObject's polling interval. */
  readonly timers: Timers;
  /** The KEDA alert rules as the replay's Prometheus evaluated them. @default none reported */
  readonly alerts?: readonly AlertOutcome[];
}

/** Real seconds between the ticks of the HPA and of KEDA's polling loop for one scenario. */
export interface Timers {
  readonly hpa: number;
  readonly keda: number;
}

/** What the committed report states per scenario, read back by the suite (the fenced block at its end). */
export interface ReportData {
  readonly compression: number;
  readonly boundSeconds: number;
  readonly scenarios: Readonly<
    Record<
      string,
      {
        real: readonly Change[];
        simulated: readonly Change[];
        maxAbsLag: number | null;
        timers: Timers;
        known?: boolean;
      }
    >
  >;
}

const DATA_OPEN = '<!-- replay-data';
const DATA_CLOSE = '-->';

/** The side-by-side report: real and simulated replica changes per scenario, and the data block the suite reads. */
export function report(
  results: readonly ReplayResult[],
  header: string,
  boundSeconds: number,
  k: number,
): string {
  const lines = [header, ''];
  lines.push(
    '| Scenario | Changes (real) | Same sequence | Largest divergence, real s (production s) |',
    '| --- | --- | --- | --- |',
  );
  for (const { scenario, real, comparison } of results)
    lines.push(
      `| [${scenario.name}](#${scenario.name}) | ${real.map((c) => c.replicas).join(' → ')} | ${comparison.sameSequence ? 'yes' : '**no**'} | ${comparison.sameSequence ? `${comparison.maxAbsLag} (${Number((comparison.maxAbsLag * k).toFixed(1))})` : '—'} |`,
    );
  lines.push('');
  for (const { scenario, real, simulated, comparison, phases, knownDivergence, alerts } of results) {
    lines.push(
      `## ${scenario.name}`,
      '',
      `${scenario.environment}/${scenario.workload}. ${scenario.description}`,
      '',
    );
    lines.push(
      `Measured from the controllers' own writes: timer phases (production seconds) HPA ${phases.measured.hpa ? phases.hpaPhaseSeconds : `${phases.hpaPhaseSeconds} (no HPA write seen)`}, KEDA ${phases.measured.keda ? phases.kedaPhaseSeconds : `${phases.kedaPhaseSeconds} (no KEDA poll seen)`}; metric age at the HPA's syncs ${phases.metricStalenessSeconds} production s; HPA period ${phases.hpaPeriodSeconds} real s. Settled ${phases.settledSeconds} real s after its apply; ${phases.replayedSeconds} production s replayed.`,
      '',
    );
    if (comparison.sameSequence) {
      lines.push(
        '| Change | Real, s | Written by | Simulated, s | Timed from | Real − simulated, s |',
        '| --- | --- | --- | --- | --- | --- |',
      );
      real.slice(1).forEach((c, i) => {
        const from = simulated[i + 1].anchor === 'previous' ? 'the previous real change' : 'the start';
        const through = (x: Change): string =>
          x.through === undefined ? '' : ` (${x.through.replicas} at ${x.through.t})`;
        lines.push(
          `| ${real[i].replicas} → ${c.replicas} | ${c.t}${through(c)} | ${c.by ?? '?'} | ${simulated[i + 1].t}${through(simulated[i + 1])} | ${from} | ${comparison.lags[i]} |`,
        );
      });
      lines.push('', `Largest divergence: ${comparison.maxAbsLag} s (bound ${boundSeconds} s).`, '');
    } else {
      const fmt = (changes: readonly Change[]): string =>
        changes.map((c) => `${c.replicas}@${c.t}s`).join(' → ');
      lines.push(
        '| | replicas@second |',
        '| --- | --- |',
        `| real | ${fmt(real)} |`,
        `| simulated | ${fmt(simulated)} |`,
        '',
      );
      lines.push('**Different sequences.**', '');
    }
    if (knownDivergence !== undefined) lines.push(`Known divergence: ${knownDivergence}`, '');
    lines.push(...alertLines(alerts ?? []));
  }
  const data: ReportData = {
    compression: k,
    boundSeconds,
    scenarios: Object.fromEntries(
      results.map((r) => [
        r.scenario.name,
        {
          real: r.real,
          simulated: r.simulated,
          maxAbsLag: r.comparison.sameSequence ? r.comparison.maxAbsLag : null,
          timers: r.timers,
          ...(r.knownDivergence !== undefined && { known: true }),
        },
      ]),
    ),
  };
  lines.push(DATA_OPEN, JSON.stringify(data, null, 1), DATA_CLOSE, '');
  return lines.join('\n');
}

/** The data block of a report written by `report`; throws naming the file when there is none. */
export function reportData(file: string, text: string): ReportData {
  const open = text.lastIndexOf(DATA_OPEN);
  const close = text.indexOf(DATA_CLOSE, open);
  if (open < 0 || close < 0) throw new Error(`${file}: no "${DATA_OPEN}" block: regenerate it`);
  return JSON.parse(text.slice(open + DATA_OPEN.length, close)) as ReportData;
}

/**
 * Where a run disagrees with the committed report: a different replica sequence (real or simulated), or a change
 * more than two ticks of the controller that wrote it plus a scrape apart. A change lands on a tick of its
 * writer; another run starts that timer at another phase (up to one tick apart), and which tick sees a metric
 * change can differ by one more (the metric a scrape apart, the bound's case). A change timed from the previous
 * real change (in either report) is compared by its distance from that change. [] when the report is current.
 */
export function reportDrift(committed: ReportData, measured: ReportData, scrapeSeconds: number): string[] {
  const drift: string[] = [];
  const names = new Set([...Object.keys(committed.scenarios), ...Object.keys(measured.scenarios)]);
  for (const name of [...names].sort()) {
    const a = committed.scenarios[name];
    const b = measured.scenarios[name];
    if (a === undefined || b === undefined) {
      drift.push(`${name}: ${a === undefined ? 'not in the report' : 'no longer replayed'}`);
      continue;
    }
    // A known divergence varies with the scrape alignment; the suite holds it to differing from simulate.
    if (a.known === true || b.known === true) {
      if (a.known !== b.known)
        drift.push(`${name}: a known divergence ${b.known === true ? 'now' : 'no longer'}`);
      continue;
    }
    for (const side of ['real', 'simulated'] as const) {
      const x = a[side];
      const y = b[side];
      if (x.length !== y.length || x.some((c, i) => c.replicas !== y[i].replicas)) {
        drift.push(
          `${name}: ${side} ${y.map((c) => c.replicas).join(' → ')}, the report states ${x.map((c) => c.replicas).join(' → ')}`,
        );
        continue;
      }
      x.forEach((c, i) => {
        const relative =
          i > 0 && (a.simulated[i]?.anchor === 'previous' || b.simulated[i]?.anchor === 'previous');
        const at = (run: ReportData['scenarios'][string], t: number): number =>
          relative && run.real.length > i ? Number((t - run.real[i - 1].t).toFixed(1)) : t;
        const stated = at(a, c.t);
        const now = at(b, y[i].t);
        const by = b.real[i]?.by ?? a.real[i]?.by ?? 'hpa';
        const within = Number((2 * b.timers[by] + scrapeSeconds).toFixed(1));
        if (Math.abs(stated - now) > within)
          drift.push(
            relative
              ? `${name}: ${side} change ${i} ${now} s after the previous real change, the report states ${stated} s (within ${within} s)`
              : `${name}: ${side} change ${i} at ${now} s, the report states ${stated} s (within ${within} s)`,
          );
      });
    }
  }
  return drift;
}
