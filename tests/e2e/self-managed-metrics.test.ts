/**
 * The self-managed environment's synthesized queries (issue 27) against the real Apache RocketMQ 5.x exporter and
 * a real Prometheus, with the exporter's own labels only: no scrape label is added (the ApsaraMQ suite adds
 * instance_id). The broker is scraped by two jobs, as an HA pair of scrapers or a duplicated monitor would: each
 * broker must still count once.
 */
import { Testing } from 'cdk8s';
import { arrivalRateQuery, DEFAULT_ARRIVAL_RATE_METRIC } from '../../constructs/shared/promql';
import { listEnvironments, loadEnvironment } from '../../infra/config/environment';
import type { SelfManagedEnvironmentSpec } from '../../infra/config/self-managed';
import { loadHandoff, type SelfManagedHandoff } from '../../infra/config/handoff';
import { buildEnvironment } from '../../infra/synth/app';
import type { Manifest, ScaledObjectView } from '../synth/helpers';
import { describeWith, which } from './harness/availability';
import { producer, receive, receiveIds, sendMany, simpleConsumer } from './harness/clients';
import { type Prometheus, startPrometheus } from './harness/prometheus';
import { brokerSamples, type RocketMq, startRocketMq } from './harness/rocketmq';
import { testApp } from '../shared/scratch';

jest.setTimeout(240_000);

const describeBroker = describeWith(
  ['java', 'mvn', 'cc', 'prometheus'],
  'install Java 17, Maven, a C compiler and Prometheus (apt-get install -y openjdk-17-jdk-headless maven gcc libc6-dev prometheus)',
);
const specs = listEnvironments()
  .map((environment) => loadEnvironment(environment))
  .filter((spec): spec is SelfManagedEnvironmentSpec => spec.broker === 'self-managed');
const spec = specs[0];
const workload = spec.workloads[0];
const peerGroup = `${workload.consumerGroup}-peer`;
const NEVER = 'self-managed-never-consumed';

async function brokerBacklog(broker: RocketMq, group: string): Promise<number> {
  let total = 0;
  for (const name of ['rocketmq_consumer_ready_messages', 'rocketmq_consumer_inflight_messages']) {
    for (const s of await brokerSamples(broker, name)) {
      if (s.metric.topic === workload.topic && s.metric.consumer_group === group) total += s.value;
    }
  }
  return total;
}

if (spec === undefined)
  throw new Error('no self-managed stack file (stacks/Pulumi.selfhosted.yaml is the committed one)');

describeBroker('self-managed queries against a real RocketMQ 5.x exporter and a real Prometheus', () => {
  let broker: RocketMq;
  let prometheus: Prometheus;
  const account = { username: 'selfhosted-e2e', password: `p-${Date.now().toString(36)}-e2e` };

  beforeAll(async () => {
    broker = await startRocketMq({
      plan: {
        topics: spec.topics.map((t) => ({ name: t.name, messageType: t.messageType })),
        groups: [workload.consumerGroup, peerGroup, NEVER].map((name) => ({ name })),
        users: [{ ...account, userType: 'Super' }],
      },
    });
    // Two jobs scrape the same exporter; neither adds a label (the exporter's own set is what KEDA sees).
    prometheus = await startPrometheus(which('prometheus')!, [
      { job: 'rocketmq-a', target: broker.metricsTarget },
      { job: 'rocketmq-b', target: broker.metricsTarget },
    ]);
    await prometheus.nextScrape();
  });

  afterAll(async () => {
    await prometheus?.stop();
    await broker?.stop();
  });

  /** The committed self-managed environment synthesized against the local Prometheus, optionally edited. */
  function backlogTrigger(edit?: (s: SelfManagedEnvironmentSpec) => SelfManagedEnvironmentSpec) {
    const handoff = loadHandoff(spec.name) as SelfManagedHandoff;
    const local: SelfManagedHandoff = {
      ...handoff,
      prometheus: { ...handoff.prometheus, serverAddress: prometheus.serverAddress },
    };
    const env = edit === undefined ? spec : edit(spec);
    const objects = buildEnvironment(
      testApp(),
      { ...env, prometheus: { ...env.prometheus, serverAddress: prometheus.serverAddress } },
      local,
    ).flatMap((c) => Testing.synth(c) as Manifest[]);
    const scaled = objects.find((o) => o.kind === 'ScaledObject' && o.metadata.name === workload.name);
    if (scaled === undefined) throw new Error(`no ScaledObject ${workload.name}`);
    const view = scaled as unknown as ScaledObjectView;
    return { view, trigger: view.spec.triggers.find((t) => t.name === 'backlog')! };
  }

  test('the 5.x exporter labels: the cluster, no instance_id, one series per group and is_retry', async () => {
    const admin = await producer(broker.endpoint, account, workload.topic);
    const consumer = await simpleConsumer(broker.endpoint, account, workload.topic, workload.consumerGroup);
    try {
      await sendMany(admin, workload.topic, 5);
      await receive(consumer, 1, { ack: true, timeoutMs: 10_000 });
      await prometheus.nextScrape();
      const ready = (await brokerSamples(broker, 'rocketmq_consumer_ready_messages')).filter(
        (s) => s.metric.consumer_group === workload.consumerGroup,
      );
      expect(ready.length).toBeGreaterThan(0);
      const labels = [...new Set(ready.flatMap((s) => Object.keys(s.metric)))].sort();
      console.info(`rocketmq_consumer_ready_messages labels: ${labels.join(', ')}`);
      expect(labels).toEqual(
        [
          'cluster',
          'consumer_group',
          'is_retry',
          'is_system',
          'node_id',
          'node_type',
          'otel_scope_name',
          'topic',
        ].sort(),
      );
      expect(ready.every((s) => s.metric.cluster === spec.selfManaged.brokerCluster)).toBe(true);
      expect(ready.every((s) => s.metric.node_type === 'broker' && s.metric.node_id === 'broker-a')).toBe(
        true,
      );
      const inflight = await brokerSamples(broker, 'rocketmq_consumer_inflight_messages');
      const lag = await brokerSamples(broker, 'rocketmq_consumer_lag_messages');
      for (const other of [inflight, lag]) {
        const own = other.filter((s) => s.metric.consumer_group === workload.consumerGroup);
        expect([...new Set(own.flatMap((s) => Object.keys(s.metric)))].sort()).toEqual(labels);
      }
      const arrivals = (await brokerSamples(broker, DEFAULT_ARRIVAL_RATE_METRIC)).filter(
        (s) => s.metric.topic === workload.topic,
      );
      expect([...new Set(arrivals.flatMap((s) => Object.keys(s.metric)))].sort()).toEqual(
        ['cluster', 'is_system', 'message_type', 'node_id', 'node_type', 'otel_scope_name', 'topic'].sort(),
      );
    } finally {
      await Promise.all([consumer.shutdown(), admin.shutdown()].map((p) => p.catch(() => undefined)));
    }
  });

  test('the synthesized backlog query: one series, ready + in flight of its own group, each broker once', async () => {
    const admin = await producer(broker.endpoint, account, workload.topic);
    const own = await simpleConsumer(broker.endpoint, account, workload.topic, workload.consumerGroup);
    const peer = await simpleConsumer(broker.endpoint, account, workload.topic, peerGroup);
    try {
      // Start from what is already there: drain both groups.
      await receive(own, 1000, { ack: true, timeoutMs: 8_000 });
      await receive(peer, 1000, { ack: true, timeoutMs: 8_000 });
      const ids = await sendMany(admin, workload.topic, 40);
      await receiveIds(peer, ids);
      const held = await receive(own, 5, { ack: false, invisibleMs: 10_000, timeoutMs: 15_000 });
      expect(held.length).toBeGreaterThan(0);
      await prometheus.nextScrape();
      await prometheus.nextScrape();
      const { trigger } = backlogTrigger();
      expect(trigger.metadata.query).toContain(`cluster="${spec.selfManaged.brokerCluster}"`);
      expect(trigger.metadata.query).not.toContain('instance_id');
      const result = await prometheus.query(trigger.metadata.query);
      expect(result.status).toBe('success');
      expect(result.data.result).toHaveLength(1);
      const mine = await brokerBacklog(broker, workload.consumerGroup);
      console.info(`selfhosted/${workload.name}: held ${held.length} of 40; broker says ${mine}`);
      expect(mine).toBeGreaterThanOrEqual(35);
      expect(Number(result.data.result[0].value[1])).toBe(mine);
      // The same sum without the per-broker max counts every series twice (two scrape jobs): what the max prevents.
      const naive = await prometheus.query(
        `sum({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", cluster="${spec.selfManaged.brokerCluster}", topic="${workload.topic}", consumer_group="${workload.consumerGroup}"})`,
      );
      expect(Number(naive.data.result[0].value[1])).toBe(2 * mine);
      // The neighbour on the topic has drained: its own query reads 0, and it does not leak into ours.
      const peerQuery = trigger.metadata.query.replace(
        `consumer_group="${workload.consumerGroup}"`,
        `consumer_group="${peerGroup}"`,
      );
      const peerResult = await prometheus.query(peerQuery);
      expect(peerResult.data.result).toHaveLength(1);
      expect(Number(peerResult.data.result[0].value[1])).toBe(await brokerBacklog(broker, peerGroup));
      await receiveIds(own, ids, 90_000);
    } finally {
      await Promise.all(
        [own.shutdown(), peer.shutdown(), admin.shutdown()].map((p) => p.catch(() => undefined)),
      );
    }
  });

  test('no silent zero: a group with no consumer has no series, and the stand-in reads one pod worth (the threshold) after arrivals', async () => {
    const { trigger } = backlogTrigger();
    const threshold = Number(trigger.metadata.threshold);
    // The committed workload scales to zero: its query carries the stand-in. Its threshold is the 600 its plan
    // recommends (stacks/Pulumi.selfhosted.yaml, issue 28), half of floor(20 msg/s × 60 s) = 1200.
    expect(threshold).toBe(600);
    const neverQuery = trigger.metadata.query.replace(
      `consumer_group="${workload.consumerGroup}"`,
      `consumer_group="${NEVER}"`,
    );
    const groupOnly = neverQuery.slice(0, neverQuery.indexOf(' or ('));
    const admin = await producer(broker.endpoint, account, workload.topic);
    try {
      await sendMany(admin, workload.topic, 10);
      await prometheus.nextScrape();
      await sendMany(admin, workload.topic, 10);
    } finally {
      await admin.shutdown();
    }
    await prometheus.nextScrape();
    expect(
      await brokerSamples(broker, 'rocketmq_consumer_ready_messages').then((s) =>
        s.filter((x) => x.metric.consumer_group === NEVER),
      ),
    ).toEqual([]);
    // The group's part alone is empty (KEDA with ignoreNullValues false: an error, not 0) ...
    expect((await prometheus.query(groupOnly)).data.result).toEqual([]);
    // ... and the stand-in makes it one series of exactly one pod's worth, however many arrived (20 here).
    const woken = await prometheus.query(neverQuery);
    expect(woken.data.result).toHaveLength(1);
    expect(Number(woken.data.result[0].value[1])).toBe(threshold);
    expect(trigger.metadata.ignoreNullValues).toBe('false');
  });

  test('the queue clamp of a queue-based variant holds on real data (2 queues × threshold 5 = 10)', async () => {
    const { view, trigger } = backlogTrigger((s) => ({
      ...s,
      workloads: s.workloads.map((w) =>
        w.name === workload.name
          ? { ...w, loadBalancing: 'queue', queueCount: 2, scaling: { ...w.scaling, threshold: 5 } }
          : w,
      ),
    }));
    expect(view.spec.maxReplicaCount).toBe(2);
    expect(trigger.metadata.query.startsWith('clamp_max(')).toBe(true);
    expect(trigger.metadata.query.endsWith(', 10)')).toBe(true);
    const admin = await producer(broker.endpoint, account, workload.topic);
    const own = await simpleConsumer(broker.endpoint, account, workload.topic, workload.consumerGroup);
    try {
      await receive(own, 1, { ack: true, timeoutMs: 6_000 });
      await sendMany(admin, workload.topic, 30);
      await prometheus.nextScrape();
      await prometheus.nextScrape();
      expect(await brokerBacklog(broker, workload.consumerGroup)).toBeGreaterThan(10);
      const result = await prometheus.query(trigger.metadata.query);
      expect(result.data.result).toHaveLength(1);
      expect(Number(result.data.result[0].value[1])).toBe(10);
      await receive(own, 1000, { ack: true, timeoutMs: 10_000 });
    } finally {
      await Promise.all([own.shutdown(), admin.shutdown()].map((p) => p.catch(() => undefined)));
    }
  });

  test('the arrival rate counts each broker once though two jobs scrape it', async () => {
    const query = arrivalRateQuery({
      brokerCluster: { label: spec.selfManaged.clusterLabel, name: spec.selfManaged.brokerCluster },
      topic: workload.topic,
    });
    const admin = await producer(broker.endpoint, account, workload.topic);
    try {
      for (let i = 0; i < 6; i += 1) {
        await sendMany(admin, workload.topic, 10);
        await prometheus.nextScrape();
      }
    } finally {
      await admin.shutdown();
    }
    const selector = `${DEFAULT_ARRIVAL_RATE_METRIC}{cluster="${spec.selfManaged.brokerCluster}", topic="${workload.topic}"}`;
    const naive = `sum(rate(${selector}[1m]))`;
    const perJob = `max(sum by (job) (rate(${selector}[1m])))`;
    // One expression each, so both sides are evaluated at the same instant.
    const value = async (expr: string): Promise<number> =>
      Number((await prometheus.query(expr)).data.result[0].value[1]);
    expect(await value(query)).toBeGreaterThan(0);
    // Each job's copy is the same counter sampled at its own instants, so rate() extrapolates each a little
    // differently: the query takes the larger copy (exactly), the naive sum is about twice as much.
    expect(await value(`(${query}) - (${perJob})`)).toBe(0);
    const ratio = await value(`(${naive}) / (${query})`);
    expect(ratio).toBeGreaterThan(1.9);
    expect(ratio).toBeLessThanOrEqual(2);
  });
});
