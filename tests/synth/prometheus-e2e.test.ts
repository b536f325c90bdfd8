/**
 * End to end against a real Prometheus (Debian's `prometheus`): it scrapes a loopback exporter serving
 * RocketMQ 5.x consumer series, then every synthesized ScaledObject query runs through the HTTP API the way
 * KEDA's prometheus scaler calls it. Locally the suite skips loudly without the binary; under CI=true it fails.
 */
import { Testing } from 'cdk8s';
import { hpaExternalProposal } from '../../constructs/scaling';
import { loadEnvironment } from '../../infra/config/environment';
import { environmentsWithHandoff } from './helpers';
import { apsaraMqHandoff, loadHandoff } from '../../infra/config/handoff';
import { buildEnvironment } from '../../infra/synth/app';
import type { Manifest, ScaledObjectView } from './helpers';
import { testApp } from '../shared/scratch';
import {
  describeWithPrometheus,
  kedaQuery,
  type RunningPrometheus,
  startPrometheus,
  waitFor,
} from './prometheus-harness';

jest.setTimeout(90_000);

const describeE2e = describeWithPrometheus('the real-Prometheus end-to-end suite');

interface Series {
  instanceId: string;
  topic: string;
  group: string;
  ready: number;
  inflight: number;
  /**
   * HPA proposal from one replica, worked out by hand from the committed thresholds (for a demand trigger from
   * its backlog part alone, the arrival rate being extrapolated low here); absent for decoys.
   */
  replicasFromOne?: number;
}

/** Backlog series per instance, topic and group; decoys share topic or group names across instances. */
const SERIES: Series[] = [
  // dev
  {
    instanceId: 'rmq-cn-fakedev0000',
    topic: 'orders',
    group: 'order-fulfilment',
    ready: 2000,
    inflight: 321,
    replicasFromOne: 4,
  }, // 2321 / 600 = 3.87
  // staging: one message-based, one queue-based consumer whose backlog exceeds the clamp
  {
    instanceId: 'rmq-cn-fakestaging0000',
    topic: 'orders',
    group: 'order-fulfilment',
    ready: 5000,
    inflight: 200,
    replicasFromOne: 5,
  }, // demand: 5200 / 30 s / 40 msg/s = 4.33 pods
  {
    instanceId: 'rmq-cn-fakestaging0000',
    topic: 'order-events',
    group: 'legacy-billing',
    ready: 20_000,
    inflight: 400,
    replicasFromOne: 8,
  }, // demand: 20400 / 60 s / 15 msg/s = 22.7 pods, clamped to 8
  // prod: two groups on one topic, plus an ordered consumer
  {
    instanceId: 'rmq-cn-fakeprod0000',
    topic: 'orders',
    group: 'order-fulfilment',
    ready: 9000,
    inflight: 600,
    replicasFromOne: 7,
  }, // demand: 9600 / 30 s / 50 msg/s = 6.4 pods
  {
    instanceId: 'rmq-cn-fakeprod0000',
    topic: 'orders',
    group: 'order-analytics',
    ready: 300_000,
    inflight: 4000,
    replicasFromOne: 3,
  }, // 304000 / 120000
  {
    instanceId: 'rmq-cn-fakeprod0000',
    topic: 'payments',
    group: 'payment-ledger',
    ready: 700,
    inflight: 16,
    replicasFromOne: 1,
  }, // ratio 0.2, outside tolerance: ceil
  // decoys: same topic and group on another instance, another group on a used topic
  { instanceId: 'rmq-cn-decoy0000', topic: 'orders', group: 'order-fulfilment', ready: 777_777, inflight: 1 },
  { instanceId: 'rmq-cn-fakeprod0000', topic: 'orders', group: 'audit', ready: 55_555, inflight: 5 },
];
/** Messages per second arriving per (instance, topic), as a counter that grows with wall time. */
const ARRIVAL_RATES: Record<string, number> = {
  'rmq-cn-fakeprod0000/orders': 40,
  'rmq-cn-fakeprod0000/payments': 20,
  'rmq-cn-fakedev0000/orders': 8,
  'rmq-cn-fakestaging0000/orders': 12,
  'rmq-cn-decoy0000/orders': 1000,
};

function exposition(startedAt: number): string {
  const lines: string[] = [
    '# TYPE rocketmq_consumer_ready_messages gauge',
    '# TYPE rocketmq_consumer_inflight_messages gauge',
    '# TYPE rocketmq_messages_in_total counter',
  ];
  for (const s of SERIES) {
    const labels = `instance_id="${s.instanceId}",topic="${s.topic}",consumer_group="${s.group}"`;
    lines.push(`rocketmq_consumer_ready_messages{${labels}} ${s.ready}`);
    lines.push(`rocketmq_consumer_inflight_messages{${labels}} ${s.inflight}`);
  }
  const elapsedSeconds = (Date.now() - startedAt) / 1000;
  for (const [key, rate] of Object.entries(ARRIVAL_RATES)) {
    const [instanceId, topic] = key.split('/');
    lines.push(
      `rocketmq_messages_in_total{instance_id="${instanceId}",topic="${topic}"} ${(rate * elapsedSeconds).toFixed(3)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describeE2e('backlog queries against a real Prometheus', () => {
  const startedAt = Date.now();
  let prometheus: RunningPrometheus | undefined;
  let serverAddress: string;

  beforeAll(async () => {
    prometheus = await startPrometheus(() => exposition(startedAt));
    serverAddress = prometheus.serverAddress;
    // Wait for enough scrapes for rate() over the counters: a few samples.
    await waitFor('the exporter series and rate samples', async () => {
      const r = await kedaQuery(serverAddress, 'count_over_time(rocketmq_messages_in_total[1m])');
      return r.data.result.length > 0 && r.data.result.every((s) => Number(s.value[1]) >= 4);
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
  });

  /** The committed environment synthesized against the local Prometheus standing in for ARMS. */
  function scaledObjects(environment: string): { name: string; view: ScaledObjectView }[] {
    const handoff = apsaraMqHandoff(loadHandoff(environment));
    const local = { ...handoff, prometheus: { ...handoff.prometheus, serverAddress } };
    const charts = buildEnvironment(testApp(), loadEnvironment(environment), local);
    return charts
      .flatMap((c) => Testing.synth(c) as Manifest[])
      .filter((o) => o.kind === 'ScaledObject')
      .map((o) => ({ name: o.metadata.name, view: o as unknown as ScaledObjectView }));
  }

  // The ARMS environments: the exposition below names instance_id (self-managed: tests/e2e/self-managed-metrics.test.ts).
  const cases = environmentsWithHandoff()
    .filter((environment) => loadEnvironment(environment).broker === 'apsaramq')
    .flatMap((environment) => {
      const spec = loadEnvironment(environment);
      return spec.workloads.map((w) => ({ environment, workload: w }));
    });

  test.each(cases.map((c) => [`${c.environment}/${c.workload.name}`, c] as const))(
    '%s: the backlog (or demand) query returns exactly one series with ready + inflight, and the HPA proposal follows',
    async (_label, { environment, workload }) => {
      const handoff = apsaraMqHandoff(loadHandoff(environment));
      const { view } = scaledObjects(environment).find((s) => s.name === workload.name)!;
      const trigger = view.spec.triggers.find((t) => t.name === 'backlog' || t.name === 'demand')!;
      expect(trigger.metadata.serverAddress).toBe(serverAddress);

      const result = await kedaQuery(trigger.metadata.serverAddress, trigger.metadata.query);
      expect(result.status).toBe('success');
      expect(result.data.resultType).toBe('vector');
      expect(result.data.result).toHaveLength(1);

      const series = SERIES.find(
        (s) =>
          s.instanceId === handoff.instanceId &&
          s.topic === workload.topic &&
          s.group === workload.consumerGroup,
      )!;
      const threshold = Number(trigger.metadata.threshold);
      const backlog = series.ready + series.inflight;
      const value = Number(result.data.result[0].value[1]);
      const demand = workload.scaling.scaleOnDemand;
      // The backlog trigger reads the backlog (clamped at the queues). The demand trigger reads pods: the backlog's
      // share, backlog / drainSeconds / per-replica rate, plus the arrival rate's (0 up to the produced rate,
      // rate() extrapolating low while its range fills); clamped at the queues.
      const clampAt = workload.loadBalancing === 'queue' ? view.spec.maxReplicaCount : Infinity;
      const perReplica = workload.messagesPerSecondPerPod * (demand?.targetUtilization ?? 1);
      const fromBacklog = backlog / (demand?.drainSeconds ?? workload.targetDrainSeconds) / perReplica;
      const rate = (ARRIVAL_RATES[`${handoff.instanceId}/${workload.topic}`] ?? 0) * 1.1;
      const [low, high] =
        demand === undefined
          ? [Math.min(backlog, clampAt * threshold), Math.min(backlog, clampAt * threshold)]
          : [Math.min(clampAt, fromBacklog), Math.min(clampAt, fromBacklog + rate / perReplica)];
      expect(value).toBeGreaterThanOrEqual(low - 1e-9);
      expect(value).toBeLessThanOrEqual(high + 1e-9);

      // KEDA hands the value to the HPA; from one replica the proposal is ceil(value / threshold).
      const proposal = hpaExternalProposal({
        statusReplicas: 1,
        metricValue: value,
        targetAverageValue: threshold,
      });
      // A demand's arrival share may add a pod to what its backlog alone asks for.
      expect(proposal - series.replicasFromOne!).toBeGreaterThanOrEqual(0);
      expect(proposal - series.replicasFromOne!).toBeLessThanOrEqual(demand === undefined ? 0 : 1);
      expect(proposal).toBeLessThanOrEqual(view.spec.maxReplicaCount);
    },
  );

  test('the demand query is the arrival rate plus the backlog over drainSeconds, per replica, at one instant', async () => {
    // prod order-fulfilment: (rate + 9600 / 30) / 50; the rate's share subtracted in the same evaluation leaves
    // 9600 / 30 / 50 = 6.4 exactly.
    const { view } = scaledObjects('prod').find((s) => s.name === 'order-fulfilment')!;
    const demand = view.spec.triggers.find((t) => t.name === 'demand')!;
    const rate =
      'sum(rate(rocketmq_messages_in_total{instance_id="rmq-cn-fakeprod0000", topic="orders"}[1m]))';
    const r = await kedaQuery(serverAddress, `(${demand.metadata.query}) - (${rate}) / 50`);
    expect(r.data.result).toHaveLength(1);
    expect(Number(r.data.result[0].value[1])).toBeCloseTo(6.4, 9);
  });

  test('prod order-analytics: a second group on the same topic does not leak into order-fulfilment', async () => {
    const objects = scaledObjects('prod');
    const values = await Promise.all(
      ['order-fulfilment', 'order-analytics'].map(async (name) => {
        // order-fulfilment's demand query holds its group's backlog sum: the same selection as order-analytics'.
        const query = objects.find((o) => o.name === name)!.view.spec.triggers[0].metadata.query;
        const group = /sum\(\{__name__[^}]*\}\)/.exec(query)![0];
        const r = await kedaQuery(serverAddress, group);
        return Number(r.data.result[0].value[1]);
      }),
    );
    expect(values).toEqual([9600, 304_000]);
  });

  test('the arrival-rate trigger returns one series per topic, in proportion to the produced rates', async () => {
    // rate() over 1m sees only the seconds scraped so far, so the absolute value is extrapolated low; both
    // series share scrape timestamps, so their ratio in one evaluation is exact. A leak of the decoy instance
    // (1000/s) would show.
    const measured: Record<string, number> = {};
    const queries: Record<string, string> = {};
    for (const { environment, workload } of cases.filter(
      (c) => c.workload.scaling.scaleOnArrivalRate !== undefined,
    )) {
      const handoff = apsaraMqHandoff(loadHandoff(environment));
      const { view } = scaledObjects(environment).find((s) => s.name === workload.name)!;
      const trigger = view.spec.triggers.find((t) => t.name === 'arrival-rate')!;
      const result = await kedaQuery(serverAddress, trigger.metadata.query);
      expect(result.data.result).toHaveLength(1);
      const key = `${handoff.instanceId}/${workload.topic}`;
      measured[key] = Number(result.data.result[0].value[1]);
      queries[key] = trigger.metadata.query;
      expect(measured[key]).toBeGreaterThan(0);
      expect(measured[key]).toBeLessThanOrEqual(ARRIVAL_RATES[key] * 1.1);
    }
    // Two label-less one-series vectors divide into one series, both read at the same instant.
    const ratio = await kedaQuery(
      serverAddress,
      `(${queries['rmq-cn-fakeprod0000/payments']}) / (${queries['rmq-cn-fakedev0000/orders']})`,
    );
    expect(Number(ratio.data.result[0].value[1])).toBeCloseTo(20 / 8, 2);
  });

  test("the seed guide's `by (consumer_group)` form returns one series per group, which KEDA rejects", async () => {
    const r = await kedaQuery(
      serverAddress,
      'sum by (consumer_group) ({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", topic="orders"})',
    );
    expect(r.data.result.length).toBeGreaterThan(1);
    expect(prometheus?.log()).not.toMatch(/level=error/);
  });
});
