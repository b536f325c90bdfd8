/**
 * The synthesized queries against the real metrics of Apache RocketMQ 5.x: the broker's native Prometheus
 * exporter, scraped by a real Prometheus. ARMS attaches `instance_id` to the cloud metrics; the open-source
 * exporter has no such label, so each environment gets its own scrape job of the broker that adds its
 * hand-off instanceId as a target label, and the synthesized query of that environment selects it. Then the
 * metrics the broker-side alert rules read (issue 26): the lag latency gauge, its name, unit and labels, and the
 * dead-letter counter after a poison message, each with its rule evaluated by Prometheus.
 */
import { Testing } from 'cdk8s';
import { arrivalRateQuery, backlogQuery } from '../../constructs/shared/promql';
import { listEnvironments, loadEnvironment } from '../../infra/config/environment';
import { apsaraMqHandoff, loadHandoff } from '../../infra/config/handoff';
import { buildEnvironment } from '../../infra/synth/app';
import type { Manifest, ScaledObjectView } from '../synth/helpers';
import { describeWith, which } from './harness/availability';
import { DEFAULT_ARRIVAL_RATE_METRIC } from '../../constructs/shared/promql';
import {
  APACHE_LAG_LATENCY_METRIC,
  DLQ_MESSAGES_METRIC,
  LAG_LATENCY_METRIC,
  workloadAlertRules,
  type WorkloadAlertsInput,
} from '../../constructs/shared/alerts';
import { producer, receive, receiveIds, sendMany, simpleConsumer } from './harness/clients';
import { waitFor } from './harness/processes';
import { type Prometheus, startPrometheus } from './harness/prometheus';
import { type BrokerSample, brokerSamples, type RocketMq, startRocketMq } from './harness/rocketmq';
import { stackPlan } from './harness/stack-plan';
import { testApp } from '../shared/scratch';

jest.setTimeout(240_000);

const describeBroker = describeWith(
  ['java', 'mvn', 'cc', 'prometheus'],
  'install Java 17, Maven, a C compiler and Prometheus (apt-get install -y openjdk-17-jdk-headless maven gcc libc6-dev prometheus)',
);
// The ApsaraMQ environments: each gets a scrape job that adds its instance_id. A self-managed environment selects
// the exporter's own labels instead (tests/e2e/self-managed-metrics.test.ts).
const specs = listEnvironments()
  .map((environment) => loadEnvironment(environment))
  .filter((spec) => spec.broker === 'apsaramq');
const environments = specs.map((spec) => spec.name);
const instanceIdOf = (environment: string): string => apsaraMqHandoff(loadHandoff(environment)).instanceId;
const access = stackPlan(specs);
const workloads = specs.flatMap((spec) => spec.workloads.map((w) => ({ spec, workload: w })));
const fifoTopics = new Set(
  specs.flatMap((s) => s.topics.filter((t) => t.messageType === 'FIFO').map((t) => t.name)),
);
/** A second group on each workload's topic, so every backlog query has a neighbour it must not see. */
const peerGroup = (group: string): string => `${group}-peer`;
const ZERO = { never: 'zero-never-consumed', left: 'zero-consumer-left', static: 'zero-static-subscription' };
// Source: apache/rocketmq broker ConsumerManager.removeExpireConsumerGroupInfo: a group's compensated
// subscription is dropped subscriptionExpiredTimeout (10 min by default) after its last pop; shortened here.
const SUBSCRIPTION_EXPIRED_MS = 15_000;
/** Topics and groups of the alert-metric cases: one queue each, so one offset tells the whole backlog. */
const ALERTS = {
  lag: { topic: 'alerts-lag', group: 'alerts-lag' },
  dlq: { topic: 'alerts-dlq', group: 'alerts-dlq' },
} as const;
/** Deliveries after the first before the broker dead-letters a message of ALERTS.dlq.group. */
const DLQ_RETRIES = 1;

type Sample = BrokerSample;

/** The metric families the exporter declares (`# TYPE <name> <type>`), by name. */
async function brokerFamilies(broker: RocketMq): Promise<Map<string, string>> {
  const text = await (await fetch(`http://${broker.metricsTarget}/metrics`)).text();
  return new Map(
    [...text.matchAll(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)$/gm)].map(
      (m) => [m[1], m[2]] as [string, string],
    ),
  );
}

async function brokerBacklog(
  broker: RocketMq,
  topic: string,
  group: string,
): Promise<{ ready: number; inflight: number; series: Sample[] }> {
  const pick = async (name: string) =>
    (await brokerSamples(broker, name)).filter(
      (s) => s.metric.topic === topic && s.metric.consumer_group === group,
    );
  const ready = await pick('rocketmq_consumer_ready_messages');
  const inflight = await pick('rocketmq_consumer_inflight_messages');
  const total = (xs: Sample[]) => xs.reduce((a, s) => a + s.value, 0);
  return { ready: total(ready), inflight: total(inflight), series: [...ready, ...inflight] };
}

describeBroker('synthesized queries against a real RocketMQ 5.x exporter and a real Prometheus', () => {
  let broker: RocketMq;
  let prometheus: Prometheus;

  beforeAll(async () => {
    const topics = [...new Set(specs.flatMap((s) => s.workloads.map((w) => w.topic)))];
    const firstTopic = specs[0].workloads[0].topic;
    broker = await startRocketMq({
      brokerConfig: { subscriptionExpiredTimeout: String(SUBSCRIPTION_EXPIRED_MS) },
      plan: {
        ...access.plan,
        topics: [
          ...(access.plan.topics ?? []),
          { name: ALERTS.lag.topic, queues: 1 },
          { name: ALERTS.dlq.topic, queues: 1 },
        ],
        groups: [
          ...(access.plan.groups ?? []),
          ...[...new Set(workloads.map((c) => c.workload.consumerGroup))].map((g) => ({
            name: peerGroup(g),
          })),
          { name: ZERO.never },
          { name: ZERO.left },
          { name: ZERO.static, staticTopics: [firstTopic] },
          { name: ALERTS.lag.group },
          { name: ALERTS.dlq.group, retryMaxTimes: DLQ_RETRIES },
        ],
      },
    });
    if (topics.length === 0) throw new Error('no stack file declares a topic: nothing to measure');
    prometheus = await startPrometheus(
      which('prometheus')!,
      environments.map((environment) => ({
        job: `rocketmq-${environment}`,
        target: broker.metricsTarget,
        labels: { instance_id: instanceIdOf(environment) },
      })),
    );
    await prometheus.nextScrape();
  });

  afterAll(async () => {
    await prometheus?.stop();
    await broker?.stop();
  });

  /** The committed environment synthesized against the local Prometheus standing in for ARMS. */
  function scaledObject(environment: string, workload: string): ScaledObjectView {
    const handoff = loadHandoff(environment);
    const local = {
      ...apsaraMqHandoff(handoff),
      prometheus: { ...apsaraMqHandoff(handoff).prometheus, serverAddress: prometheus.serverAddress },
    };
    const objects = buildEnvironment(testApp(), loadEnvironment(environment), local).flatMap(
      (c) => Testing.synth(c) as Manifest[],
    );
    const found = objects.find((o) => o.kind === 'ScaledObject' && o.metadata.name === workload);
    if (found === undefined) throw new Error(`no ScaledObject ${workload} in ${environment}`);
    return found as unknown as ScaledObjectView;
  }

  test('the exporter has no instance_id label and splits every group into is_retry="false" and "true" series', async () => {
    // Any POP (SimpleConsumer) group online gives both series: ConsumerLagCalculator.calculate records the
    // retry topic's lag as is_retry=true (apache/rocketmq broker metrics/ConsumerLagCalculator.java).
    const { workload } = workloads[0];
    const consumer = await simpleConsumer(
      broker.endpoint,
      broker.adminUser,
      workload.topic,
      workload.consumerGroup,
    );
    try {
      await receive(consumer, 1, { ack: true, timeoutMs: 6_000 });
      // Online, the proxy registers a SimpleConsumer as CONSUME_ACTIVELY (proxy ClientActivity.buildConsumeType),
      // so the calculator takes the pull-offset path; after it leaves, PopMessageProcessor's compensated entry
      // (CONSUME_POP) makes the group a POP group with its retry series.
      await consumer.shutdown();
      await waitFor(
        'backlog series of the group',
        async () => (await brokerBacklog(broker, workload.topic, workload.consumerGroup)).series.length > 0,
        30_000,
      );
      await waitFor(
        'the is_retry="true" series',
        async () =>
          (await brokerBacklog(broker, workload.topic, workload.consumerGroup)).series.some(
            (s) => s.metric.is_retry === 'true',
          ),
        30_000,
      );
      const { series } = await brokerBacklog(broker, workload.topic, workload.consumerGroup);
      expect(series.every((s) => !('instance_id' in s.metric))).toBe(true);
      expect([...new Set(series.map((s) => s.metric.is_retry))].sort()).toEqual(['false', 'true']);
    } finally {
      await consumer.shutdown().catch(() => undefined);
    }
  });

  test.each(workloads.map((c) => [`${c.spec.name}/${c.workload.name}`, c] as const))(
    '%s: the backlog query returns one series, ready + in flight of its own group as the broker counts them',
    async (_label, { spec, workload }) => {
      const fifo = fifoTopics.has(workload.topic);
      const admin = await producer(broker.endpoint, broker.adminUser, workload.topic);
      const own = await simpleConsumer(
        broker.endpoint,
        access.consumers.get(`${spec.name}/${workload.name}`)!,
        workload.topic,
        workload.consumerGroup,
      );
      const peer = await simpleConsumer(
        broker.endpoint,
        broker.adminUser,
        workload.topic,
        peerGroup(workload.consumerGroup),
      );
      try {
        const ids = await sendMany(admin, workload.topic, 40, { fifo });
        // The peer group reads everything: its backlog drops to zero while ours keeps the 40.
        await receiveIds(peer, ids);
        // Ours holds a few without acking: they are in flight. (A FIFO group hands out one message group at a time.)
        // 10 s is the proxy's shortest invisible time (ProxyConfig minInvisibleTimeMillsForRecv).
        const held = await receive(own, fifo ? 1 : 5, { ack: false, invisibleMs: 10_000, timeoutMs: 15_000 });
        expect(held.length).toBeGreaterThan(0);
        await prometheus.nextScrape();
        const online = await brokerBacklog(broker, workload.topic, workload.consumerGroup);
        // Both consumers leave: the broker then counts both groups on its POP path (see the first test).
        await Promise.all([own.shutdown(), peer.shutdown()]);
        await prometheus.nextScrape();
        await prometheus.nextScrape();

        const view = scaledObject(spec.name, workload.name);
        // A demand trigger holds the group's backlog sum inside its query (constructs/shared/promql.ts demandQuery).
        const trigger = view.spec.triggers.find((t) => t.name === 'backlog' || t.name === 'demand')!;
        const query =
          trigger.name === 'demand'
            ? /sum\(\{__name__[^}]*\}\)/.exec(trigger.metadata.query)![0]
            : trigger.metadata.query;
        const result = await prometheus.query(query);
        expect(result.status).toBe('success');
        expect(result.data.result).toHaveLength(1);
        const value = Number(result.data.result[0].value[1]);

        const mine = await brokerBacklog(broker, workload.topic, workload.consumerGroup);
        const theirs = await brokerBacklog(broker, workload.topic, peerGroup(workload.consumerGroup));
        console.info(
          `${spec.name}/${workload.name}: held ${held.length} of 40; online ready=${online.ready} inflight=${online.inflight}; ` +
            `after leaving ready=${mine.ready} inflight=${mine.inflight}; peer ready=${theirs.ready} inflight=${theirs.inflight}`,
        );
        const threshold = Number(trigger.metadata.threshold);
        const expected =
          workload.loadBalancing === 'queue' && trigger.name === 'backlog'
            ? Math.min(mine.ready + mine.inflight, view.spec.maxReplicaCount * threshold)
            : mine.ready + mine.inflight;
        expect(value).toBe(expected);
        // The neighbour on the same topic has its own backlog, and it does not leak in.
        const peerQuery = backlogQuery({
          instanceId: instanceIdOf(spec.name),
          topic: workload.topic,
          consumerGroup: peerGroup(workload.consumerGroup),
        });
        const peerResult = await prometheus.query(peerQuery);
        expect(peerResult.data.result).toHaveLength(1);
        expect(Number(peerResult.data.result[0].value[1])).toBe(theirs.ready + theirs.inflight);
        // Drain ours again so the next workload on this topic and group starts from what it sends.
        const again = await simpleConsumer(
          broker.endpoint,
          broker.adminUser,
          workload.topic,
          workload.consumerGroup,
        );
        try {
          await receiveIds(again, ids, 90_000);
        } finally {
          await again.shutdown();
        }
      } finally {
        await Promise.all(
          [own.shutdown(), peer.shutdown(), admin.shutdown()].map((p) => p.catch(() => undefined)),
        );
      }
    },
  );

  const arrival = workloads.filter((c) => c.workload.scaling.scaleOnArrivalRate !== undefined);
  test.each(arrival.map((c) => [`${c.spec.name}/${c.workload.name}`, c] as const))(
    '%s: the arrival-rate query follows the real rocketmq_messages_in_total over a window of >= 4 scrapes',
    async (_label, { spec, workload }) => {
      const view = scaledObject(spec.name, workload.name);
      const trigger = view.spec.triggers.find((t) => t.name === 'arrival-rate')!;
      const windowSeconds = Number(/\[(\d+)m\]/.exec(trigger.metadata.query)![1]) * 60;
      expect(windowSeconds / prometheus.scrapeIntervalSeconds).toBeGreaterThanOrEqual(4);
      // The real counter's labels: topic and message_type, no group and no instance_id.
      const counter = (await brokerSamples(broker, 'rocketmq_messages_in_total')).filter(
        (s) => s.metric.topic === workload.topic,
      );
      expect(counter.length).toBeGreaterThan(0);
      expect(Object.keys(counter[0].metric).sort()).toEqual(
        ['cluster', 'is_system', 'message_type', 'node_id', 'node_type', 'otel_scope_name', 'topic'].sort(),
      );
      const before = counter.reduce((a, s) => a + s.value, 0);
      const admin = await producer(broker.endpoint, broker.adminUser, workload.topic);
      const fifo = fifoTopics.has(workload.topic);
      const started = Date.now();
      let sent = 0;
      try {
        // 20 msg/s for 12 s, all inside the window, so rate() = messages in the window / window.
        while (Date.now() - started < 12_000) {
          sent += (await sendMany(admin, workload.topic, 10, { fifo })).length;
          await new Promise((resolve) =>
            setTimeout(resolve, Math.max(0, (sent / 20) * 1000 - (Date.now() - started))),
          );
        }
      } finally {
        await admin.shutdown();
      }
      await prometheus.nextScrape();
      const after = (await brokerSamples(broker, 'rocketmq_messages_in_total'))
        .filter((s) => s.metric.topic === workload.topic)
        .reduce((a, s) => a + s.value, 0);
      expect(after - before).toBe(sent);
      const result = await prometheus.query(trigger.metadata.query);
      expect(result.data.result).toHaveLength(1);
      const rate = Number(result.data.result[0].value[1]);
      // Earlier tests sent to this topic inside the same window too: the rate is at least ours over the window.
      expect(rate).toBeGreaterThanOrEqual((sent / windowSeconds) * 0.9);
      const other = arrivalRateQuery({ instanceId: 'rmq-cn-not-this-instance', topic: workload.topic });
      expect((await prometheus.query(other)).data.result).toHaveLength(0);
    },
  );

  describe('scale from zero: which series exist when the group has no consumer online', () => {
    const topic = specs[0].workloads[0].topic;
    const instanceId = instanceIdOf(specs[0].name);
    const query = (group: string) => backlogQuery({ instanceId, topic, consumerGroup: group });

    test('a group that never had a consumer has no series, even with messages waiting; the topic arrivals activate it', async () => {
      const admin = await producer(broker.endpoint, broker.adminUser, topic);
      try {
        await sendMany(admin, topic, 10, { fifo: fifoTopics.has(topic) });
        await prometheus.nextScrape();
        // A second batch after a scrape: increase() needs two samples of the topic's counter.
        await sendMany(admin, topic, 10, { fifo: fifoTopics.has(topic) });
      } finally {
        await admin.shutdown();
      }
      await prometheus.nextScrape();
      expect((await brokerBacklog(broker, topic, ZERO.never)).series).toEqual([]);
      expect((await prometheus.query(query(ZERO.never))).data.result).toEqual([]);
      // What the manifests of a scale-to-zero workload ask instead: the topic's recent arrivals wake it, reading
      // one pod's worth (the threshold, 30) whatever their number.
      const safe = await prometheus.query(
        backlogQuery({
          instanceId,
          topic,
          consumerGroup: ZERO.never,
          whenGroupAbsent: { arrivalMetricName: DEFAULT_ARRIVAL_RATE_METRIC, threshold: 30 },
        }),
      );
      expect(safe.data.result).toHaveLength(1);
      expect(Number(safe.data.result[0].value[1])).toBe(30);
    });

    test('after the last consumer left, the series stay until the compensated subscription expires, then vanish', async () => {
      const consumer = await simpleConsumer(broker.endpoint, broker.adminUser, topic, ZERO.left);
      await receive(consumer, 1, { ack: true, timeoutMs: 6_000 });
      await consumer.shutdown();
      const left = Date.now();
      await prometheus.nextScrape();
      expect((await brokerBacklog(broker, topic, ZERO.left)).series.length).toBeGreaterThan(0);
      await waitFor(
        'the series of a group without consumers to vanish',
        async () => (await brokerBacklog(broker, topic, ZERO.left)).series.length === 0,
        90_000,
        1000,
      );
      const goneAfterMs = Date.now() - left;
      console.info(
        `series of ${ZERO.left} vanished ${goneAfterMs} ms after its last consumer left (subscriptionExpiredTimeout ${SUBSCRIPTION_EXPIRED_MS} ms)`,
      );
      expect(goneAfterMs).toBeGreaterThanOrEqual(SUBSCRIPTION_EXPIRED_MS - 5_000);
    });

    test('with useStaticSubscription the group has series without any consumer, but reads waiting messages as 0', async () => {
      broker.admin({ brokerConfig: { useStaticSubscription: 'true' } });
      try {
        await prometheus.nextScrape();
        await prometheus.nextScrape();
        const backlog = await brokerBacklog(broker, topic, ZERO.static);
        console.info(
          `static-subscription group without consumers: ${JSON.stringify(backlog.series.map((s) => [s.metric.is_retry, s.value]))}`,
        );
        expect(backlog.series.length).toBeGreaterThan(0);
        // The series exist, but no consumer ever set a pull offset, and the calculator then starts from the
        // queue's max offset (ConsumerLagCalculator.getAvailableMsgCount): the waiting messages read as 0.
        const stored = (await brokerSamples(broker, 'rocketmq_messages_in_total'))
          .filter((s) => s.metric.topic === topic)
          .reduce((a, s) => a + s.value, 0);
        expect(stored).toBeGreaterThan(0);
        expect(backlog.ready).toBe(0);
        const result = await prometheus.query(query(ZERO.static));
        expect(result.data.result).toHaveLength(1);
      } finally {
        // Back to the default (BrokerConfig.useStaticSubscription false): with it on, a group without a static
        // subscription (those of the cases after this one) has no series at all.
        broker.admin({ brokerConfig: { useStaticSubscription: 'false' } });
      }
    });
  });

  describe('the metrics of the broker-side alert rules (issue 26)', () => {
    const instanceId = instanceIdOf(specs[0].name);
    /** A workload on the alert topic and group whose thresholds the case sets. */
    const ruleInput = (over: Partial<WorkloadAlertsInput>): WorkloadAlertsInput => ({
      environment: 'e2e',
      workload: 'alerts',
      namespace: 'e2e',
      instanceId,
      topic: ALERTS.lag.topic,
      consumerGroup: ALERTS.lag.group,
      messagesPerSecondPerPod: 1,
      targetDrainSeconds: 1,
      maxProcessingSeconds: 1,
      maxReplicas: 1,
      pollingIntervalSeconds: 15,
      fallback: false,
      ...over,
    });
    const ruleExpr = (alert: string, input: WorkloadAlertsInput): string => {
      const found = workloadAlertRules(input).find((r) => r.alert === alert);
      if (found === undefined) throw new Error(`no rule ${alert}`);
      return found.expr;
    };

    test(`lag latency: ${APACHE_LAG_LATENCY_METRIC}, a gauge in milliseconds since the oldest unconsumed message, labelled by group and topic; the delay rule fires on it`, async () => {
      const { topic, group } = ALERTS.lag;
      const admin = await producer(broker.endpoint, broker.adminUser, topic);
      const consumer = await simpleConsumer(broker.endpoint, broker.adminUser, topic, group);
      try {
        // One message consumed gives the group its offset; then it leaves, and the broker counts it on its POP path.
        const [first] = await sendMany(admin, topic, 1);
        expect([...(await receiveIds(consumer, [first]))]).toEqual([first]);
        await consumer.shutdown();
        const left = Date.now();
        await waitFor(
          'the group on the POP path (is_retry="true" series)',
          async () =>
            (await brokerSamples(broker, 'rocketmq_consumer_lag_messages')).some(
              (s) => s.metric.consumer_group === group && s.metric.is_retry === 'true',
            ),
          10_000,
        );
        const sendStart = Date.now();
        await sendMany(admin, topic, 5);
        const sendEnd = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const readStart = Date.now();
        const families = await brokerFamilies(broker);
        const lag = (await brokerSamples(broker, APACHE_LAG_LATENCY_METRIC)).filter(
          (s) => s.metric.consumer_group === group,
        );
        const messages = (await brokerSamples(broker, 'rocketmq_consumer_lag_messages')).filter(
          (s) => s.metric.consumer_group === group && s.metric.is_retry === 'false',
        );
        const readEnd = Date.now();
        // Still inside the compensated subscription: the series are the group's, not gone.
        expect(readEnd - left).toBeLessThan(SUBSCRIPTION_EXPIRED_MS);

        // OpenTelemetry's exporter (1.29.0-alpha) declares the family under the instrument's name but appends the
        // unit to every sample: Prometheus stores the samples' name, not the one ARMS documents.
        expect(families.get(LAG_LATENCY_METRIC)).toBe('gauge');
        expect(families.has(APACHE_LAG_LATENCY_METRIC)).toBe(false);
        expect(await brokerSamples(broker, LAG_LATENCY_METRIC)).toEqual([]);
        expect(lag.map((s) => s.metric.is_retry).sort()).toEqual(['false', 'true']);
        // No retry topic yet: ConsumerLagCalculator.getConsumerLagStats returns Long.MAX_VALUE for a null topic
        // before it zeroes it, so the retry series reads now - Long.MAX_VALUE. max() in the rule passes it over.
        expect(lag.find((s) => s.metric.is_retry === 'true')!.value).toBeLessThan(-9e18);
        const own = lag.find((s) => s.metric.is_retry === 'false')!;
        expect(Object.keys(own.metric).sort()).toEqual(
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
        expect([own.metric.topic, own.metric.is_system]).toEqual([topic, 'false']);
        expect(messages.map((s) => s.value)).toEqual([5]);
        // Milliseconds: collected between readStart and readEnd, the oldest of the 5 stored between sendStart and sendEnd.
        console.info(
          `lag latency ${own.value} ms for 5 messages sent ${readStart - sendEnd}..${readEnd - sendStart} ms before the read`,
        );
        expect(own.value).toBeGreaterThanOrEqual(readStart - sendEnd);
        expect(own.value).toBeLessThanOrEqual(readEnd - sendStart);

        await prometheus.nextScrape();
        // Bound (1 s drain + 1 s per message) × 1000 = 2000 ms < the 3 s waited: the rule's expression has a result.
        const firing = await prometheus.query(
          ruleExpr(
            'RocketMQConsumptionDelay',
            ruleInput({ lagLatencyMetricName: APACHE_LAG_LATENCY_METRIC }),
          ),
        );
        expect(firing.data.result).toHaveLength(1);
        expect(Number(firing.data.result[0].value[1])).toBeGreaterThan(2000);
        // Bound (3600 + 1) × 1000 ms: quiet. With ARMS' name there is nothing to read on this broker.
        const quiet = await prometheus.query(
          ruleExpr(
            'RocketMQConsumptionDelay',
            ruleInput({ lagLatencyMetricName: APACHE_LAG_LATENCY_METRIC, targetDrainSeconds: 3600 }),
          ),
        );
        expect(quiet.data.result).toEqual([]);
        expect((await prometheus.query(`count(${LAG_LATENCY_METRIC})`)).data.result).toEqual([]);
        expect(
          (await prometheus.query(`count(${APACHE_LAG_LATENCY_METRIC}{consumer_group="${group}"})`)).data
            .result,
        ).toHaveLength(1);
        expect(Date.now() - left).toBeLessThan(SUBSCRIPTION_EXPIRED_MS);
      } finally {
        await Promise.all([consumer.shutdown(), admin.shutdown()].map((p) => p.catch(() => undefined)));
      }
    });

    test(`dead letters: ${DLQ_MESSAGES_METRIC} is born at 1 with the group and its topic after ${1 + DLQ_RETRIES} deliveries; the dead-letter rule fires on it`, async () => {
      const { topic, group } = ALERTS.dlq;
      const dlqSamples = async (): Promise<Sample[]> =>
        (await brokerSamples(broker, DLQ_MESSAGES_METRIC)).filter((s) => s.metric.consumer_group === group);
      expect(await dlqSamples()).toEqual([]);
      const admin = await producer(broker.endpoint, broker.adminUser, topic);
      const consumer = await simpleConsumer(broker.endpoint, broker.adminUser, topic, group);
      try {
        const [poison] = await sendMany(admin, topic, 1, { tag: 'poison' });
        let deliveries = 0;
        // Never acked: after each invisible time (10 s, the proxy's shortest) the broker delivers it again, until
        // the proxy sends it to %DLQ%<group> (ConsumerProcessor, PopMessageResultFilterImpl TO_DLQ).
        await waitFor(
          'the poison message in the DLQ counter',
          async () => {
            for (const m of await consumer.receive(1, 10_000)) if (m.messageId === poison) deliveries += 1;
            return (await dlqSamples()).length > 0;
          },
          120_000,
          0,
        );
        const [sample] = await dlqSamples();
        expect((await brokerFamilies(broker)).get(DLQ_MESSAGES_METRIC)).toBe('counter');
        expect(Object.keys(sample.metric).sort()).toEqual(
          [
            'cluster',
            'consumer_group',
            'is_system',
            'node_id',
            'node_type',
            'otel_scope_name',
            'topic',
          ].sort(),
        );
        // The topic the last delivery came from: a redelivery comes from the group's POP retry topic, which the
        // proxy names as the origin (ProducerProcessor.forwardMessageToDeadLetterQueue, ReceiptHandle.getRealTopic,
        // KeyBuilder.buildPopRetryTopicV1: %RETRY%<group>_<topic>). The rule selects the group only.
        expect([sample.metric.topic, sample.metric.is_system, sample.value]).toEqual([
          `%RETRY%${group}_${topic}`,
          'false',
          1,
        ]);
        expect(deliveries).toBe(1 + DLQ_RETRIES);

        await prometheus.nextScrape();
        await prometheus.nextScrape();
        const input = ruleInput({ topic, consumerGroup: group });
        // Born at 1: increase() alone sees no change, so the rule's new-series half is what fires.
        const increaseOnly = await prometheus.query(
          `sum(increase(${DLQ_MESSAGES_METRIC}{instance_id="${instanceId}", consumer_group="${group}"}[5m])) > 0`,
        );
        expect(increaseOnly.data.result).toEqual([]);
        const firing = await prometheus.query(ruleExpr('RocketMQDeadLetters', input));
        expect(firing.data.result).toHaveLength(1);
        expect(Number(firing.data.result[0].value[1])).toBe(1);
        const otherGroup = await prometheus.query(
          ruleExpr('RocketMQDeadLetters', { ...input, consumerGroup: ALERTS.lag.group }),
        );
        expect(otherGroup.data.result).toEqual([]);
      } finally {
        await Promise.all([consumer.shutdown(), admin.shutdown()].map((p) => p.catch(() => undefined)));
      }
    });
  });
});
