/**
 * The controller replay: one scenario is a ScaledObject config and a scripted metric timeline. The same
 * scenario runs through `simulate` and, on the real control plane, through the synthesized manifests; the
 * replica changes of both are compared.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  simulate,
  type SimulationResult,
  type SimulationTiming,
  type SimulationTraffic,
} from '../../../constructs/scaling';
import type { EnvironmentSpec, WorkloadSpec } from '../../../infra/config/environment';
import type { Handoff } from '../../../infra/config/handoff';
import { currentScaling } from '../../../infra/plan/plan';
import { KEDA_VERSION, KUBERNETES_VERSION } from './control-plane-build';

/** Periods shared by every scenario (kube-controller-manager flags are per process). */
export interface ReplayTiming {
  readonly hpaSyncSeconds: number;
  readonly downscaleStabilizationSeconds: number;
  /** Prometheus scrape interval: the age of the newest sample a query can see. */
  readonly scrapeSeconds: number;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** The workload as the stack file would hold it; everything else comes from the committed one. */
  readonly workload: Pick<WorkloadSpec, 'minReplicas' | 'maxReplicas' | 'scaling'>;
  /** Arrivals and external drain (the pods consume nothing: no kubelet runs them). */
  readonly traffic: SimulationTraffic;
  /** Windows [from, to) in which every Prometheus query of the scenario fails (HTTP 503). */
  readonly outages?: readonly { readonly fromSecond: number; readonly toSecond: number }[];
  readonly durationSeconds: number;
}

/** A replica change: at `t` seconds the Deployment asks for `replicas`. */
export interface Change {
  readonly t: number;
  readonly replicas: number;
}

export function scenarioWorkload(base: WorkloadSpec, scenario: Scenario): WorkloadSpec {
  // Idle replicas are not part of any scenario.
  return { ...base, idleReplicaCount: undefined, ...scenario.workload };
}

/** The committed environment narrowed to one workload in the scenario's namespace, and its hand-off. */
export function scenarioEnvironment(
  spec: EnvironmentSpec,
  handoff: Handoff,
  workload: WorkloadSpec,
  namespace: string,
  serverAddress: string,
): { spec: EnvironmentSpec; handoff: Handoff } {
  return {
    spec: { ...spec, kubernetes: { ...spec.kubernetes, namespace }, workloads: [workload] },
    handoff: {
      ...handoff,
      namespace,
      prometheus: { ...handoff.prometheus, serverAddress },
      workloads: handoff.workloads.filter((h) => h.name === workload.name),
    },
  };
}

/** The scenario through `simulate`, with the periods the real control plane runs with. */
export function simulateScenario(
  workload: WorkloadSpec,
  scenario: Scenario,
  timing: ReplayTiming,
  initialReplicas: number,
): SimulationResult {
  const simTiming: SimulationTiming = {
    hpaSyncSeconds: timing.hpaSyncSeconds,
    hpaDownscaleStabilizationSeconds: timing.downscaleStabilizationSeconds,
    metricStalenessSeconds: timing.scrapeSeconds,
    // KEDA creates the HPA after its first reconcile of the ScaledObject, so the HPA's timer runs behind KEDA's
    // polling timer: 1 s behind, the smallest offset of the simulator's clock (with both at 0 the simulated HPA
    // acts in the same second as KEDA's activation, and the 1 replica of 0 -> 1 never shows).
    hpaPhaseSeconds: 1,
    // The scenario's exporter serves the group's series whether or not a pod runs (seriesAt).
    groupSeriesWithoutConsumers: true,
    ...(scenario.outages !== undefined && {
      outages: scenario.outages.map((o) => ({ ...o, kind: 'error' as const })),
    }),
  };
  return simulate({
    // The HPA of the control plane the replay runs (1.32: |1 − r| > tolerance).
    scaling: currentScaling(workload, KEDA_VERSION, KUBERNETES_VERSION.split('.').slice(0, 2).join('.')),
    workload: { messagesPerSecondPerPod: 0 },
    traffic: scenario.traffic,
    timing: simTiming,
    durationSeconds: scenario.durationSeconds,
    initialReplicas,
  });
}

/** The metric series the scenario's exporter serves at second `t`: the simulator's own backlog and arrivals. */
export function seriesAt(run: SimulationResult, t: number): { backlog: number; arrived: number } {
  const i = Math.max(0, Math.min(run.timeline.length, Math.floor(t)));
  let arrived = 0;
  for (let k = 0; k < i; k += 1) arrived += run.timeline[k].arrivalRate;
  return { backlog: i === 0 ? 0 : run.timeline[i - 1].backlog, arrived };
}

export function simulatedChanges(run: SimulationResult, initialReplicas: number): Change[] {
  const changes: Change[] = [{ t: 0, replicas: initialReplicas }];
  for (const p of run.timeline) {
    // A timeline point holds the count after acting at t - 1.
    if (p.replicas !== changes[changes.length - 1].replicas)
      changes.push({ t: p.t - 1, replicas: p.replicas });
  }
  return changes;
}

export interface Comparison {
  readonly sameSequence: boolean;
  /** Per change: real t minus simulated t (seconds), when the sequences match. */
  readonly lags: readonly number[];
  readonly maxAbsLag: number;
}

export function compare(real: readonly Change[], simulated: readonly Change[]): Comparison {
  const sameSequence =
    real.length === simulated.length && real.every((c, i) => c.replicas === simulated[i].replicas);
  const lags = sameSequence ? real.slice(1).map((c, i) => Number((c.t - simulated[i + 1].t).toFixed(1))) : [];
  return { sameSequence, lags, maxAbsLag: lags.reduce((m, l) => Math.max(m, Math.abs(l)), 0) };
}

/** Exposition text of the scenario's exporter: RocketMQ 5.x consumer series as ARMS names them. */
export function exposition(
  labels: { instanceId: string; topic: string; group: string },
  arrivalMetric: string,
  series: { backlog: number; arrived: number },
): string {
  const group = `instance_id="${labels.instanceId}",topic="${labels.topic}",consumer_group="${labels.group}"`;
  return [
    '# TYPE rocketmq_consumer_ready_messages gauge',
    `rocketmq_consumer_ready_messages{${group}} ${series.backlog}`,
    '# TYPE rocketmq_consumer_inflight_messages gauge',
    `rocketmq_consumer_inflight_messages{${group}} 0`,
    `# TYPE ${arrivalMetric} counter`,
    `${arrivalMetric}{instance_id="${labels.instanceId}",topic="${labels.topic}"} ${series.arrived}`,
    '',
  ].join('\n');
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

/** A loopback proxy in front of Prometheus that answers 503 while `failing()` (a metric outage). */
export function gate(upstream: string, failing: () => boolean): Promise<Server> {
  return listen((req, res) => {
    if (failing()) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('outage (replay scenario)');
      return;
    }
    fetch(`${upstream}${req.url ?? '/'}`)
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

/** The side-by-side report: real and simulated replica changes per scenario. */
export function report(
  rows: readonly {
    scenario: Scenario;
    real: readonly Change[];
    simulated: readonly Change[];
    comparison: Comparison;
    tolerance: number;
  }[],
  header: string,
): string {
  const fmt = (changes: readonly Change[]): string => changes.map((c) => `${c.replicas}@${c.t}s`).join(' → ');
  const lines = [header, ''];
  for (const { scenario, real, simulated, comparison, tolerance } of rows) {
    lines.push(`## ${scenario.name}`, '', scenario.description, '');
    lines.push('| | replicas@second |', '| --- | --- |');
    lines.push(`| real | ${fmt(real)} |`, `| simulated | ${fmt(simulated)} |`, '');
    lines.push(
      comparison.sameSequence
        ? `Same sequence; lag real - simulated per change: ${comparison.lags.join(', ')} s (max |lag| ${comparison.maxAbsLag} s, allowed ${tolerance} s).`
        : 'DIFFERENT sequences.',
      '',
    );
  }
  return lines.join('\n');
}
