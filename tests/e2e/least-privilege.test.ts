/**
 * ACL 2.0 for real: every workload's account holds exactly ConsumerAccess's grants (Sub on its topic, Sub on
 * its group) and every producer's exactly ProducerAccess's (Pub on its topic), on a real RocketMQ broker. The
 * consumer account consumes; a send with it is refused; a wrong password is refused; another group is refused.
 */
import { listEnvironments, loadEnvironment } from '../../infra/config/environment';
import { describeWith } from './harness/availability';
import {
  capturedLogger,
  describeError,
  failureOf,
  producer,
  receiveIds,
  sendMany,
  simpleConsumer,
} from './harness/clients';
import { type RocketMq, startRocketMq } from './harness/rocketmq';
import { stackPlan } from './harness/stack-plan';

jest.setTimeout(180_000);

const describeBroker = describeWith(
  ['java', 'mvn', 'cc'],
  'install Java 17, Maven and a C compiler (apt-get install -y openjdk-17-jdk-headless maven gcc libc6-dev); .ci/run requires them',
);
const specs = listEnvironments().map((environment) => loadEnvironment(environment));
const access = stackPlan(specs);
const workloads = specs.flatMap((spec) =>
  spec.workloads.map((w) => ({ environment: spec.name, workload: w })),
);
const producers = specs.flatMap((spec) =>
  spec.producers.map((p) => ({ environment: spec.name, producer: p })),
);

describeBroker('least privilege against a real RocketMQ 5.x with ACL 2.0', () => {
  let broker: RocketMq;
  beforeAll(async () => {
    broker = await startRocketMq({ plan: access.plan });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  const label = (environment: string, name: string): string => `${environment}/${name}`;

  test.each(workloads.map((c) => [label(c.environment, c.workload.name), c] as const))(
    '%s: the consumer account receives and acks on its own topic and group',
    async (key, { workload }) => {
      const account = access.consumers.get(key)!;
      const consumer = await simpleConsumer(broker.endpoint, account, workload.topic, workload.consumerGroup);
      const admin = await producer(broker.endpoint, broker.adminUser, workload.topic);
      try {
        const fifo = specs.some((s) =>
          s.topics.some((t) => t.name === workload.topic && t.messageType === 'FIFO'),
        );
        const ids = await sendMany(admin, workload.topic, 3, { fifo });
        // The group may hold older messages of its topic (other workloads' tests): all are acked, ours must be there.
        const seen = await receiveIds(consumer, ids);
        expect(ids.filter((id) => !seen.has(id))).toEqual([]);
      } finally {
        await consumer.shutdown();
        await admin.shutdown();
      }
    },
  );

  test.each(workloads.map((c) => [label(c.environment, c.workload.name), c] as const))(
    '%s: a send with the consumer account is refused (no Pub)',
    async (key, { workload }) => {
      const logger = capturedLogger();
      await expect(
        (async () => {
          const p = await producer(broker.endpoint, access.consumers.get(key)!, workload.topic, logger);
          try {
            await p.send({ topic: workload.topic, body: Buffer.from('must not be stored') });
          } finally {
            await p.shutdown();
          }
        })(),
      ).rejects.toThrow(new RegExp(`no permission to access Topic:${workload.topic}`));
    },
  );

  test.each(workloads.map((c) => [label(c.environment, c.workload.name), c] as const))(
    '%s: a wrong password is refused',
    async (key, { workload }) => {
      const logger = capturedLogger();
      const wrong = { ...access.consumers.get(key)!, password: 'not-the-password' };
      await expect(
        simpleConsumer(broker.endpoint, wrong, workload.topic, workload.consumerGroup, logger),
      ).rejects.toThrow(/Startup the rocketmq client failed/);
      // Source: apache/rocketmq auth DefaultAuthenticationHandler: a signature that does not match the user's password.
      expect(logger.lines.join('\n')).toMatch(/check signature failed/);
    },
  );

  test.each(workloads.map((c) => [label(c.environment, c.workload.name), c] as const))(
    '%s: the consumer account cannot read as a group it was not granted',
    async (key, { workload }) => {
      const other = specs
        .flatMap((s) => s.consumerGroups.map((g) => g.id))
        .find((g) => g !== workload.consumerGroup);
      // Some group of the stacks always differs; a stack set with one group has nothing to check here.
      if (other === undefined) return;
      // Refused at start-up (the proxy checks the group on the telemetry settings) or at the first receive.
      const error = await failureOf(async () => {
        const consumer = await simpleConsumer(
          broker.endpoint,
          access.consumers.get(key)!,
          workload.topic,
          other,
        );
        try {
          await consumer.receive(1, 15_000);
        } finally {
          await consumer.shutdown();
        }
      });
      expect(describeError(error)).toMatch(new RegExp(`no permission to access Group:${other}`));
    },
  );

  test.each(producers.map((c) => [label(c.environment, c.producer.name), c] as const))(
    '%s: the producer account sends to its topic and cannot consume from it',
    async (key, { producer: spec }) => {
      const account = access.producers.get(key)!;
      const p = await producer(broker.endpoint, account, spec.topic);
      try {
        const [id] = await sendMany(p, spec.topic, 1);
        expect(id).toMatch(/^[0-9A-F]+$/);
      } finally {
        await p.shutdown();
      }
      const group = specs.find((s) => s.producers.includes(spec))!.consumerGroups[0].id;
      const error = await failureOf(async () => {
        const consumer = await simpleConsumer(broker.endpoint, account, spec.topic, group);
        try {
          await consumer.receive(1, 15_000);
        } finally {
          await consumer.shutdown();
        }
      });
      expect(describeError(error)).toMatch(/no permission to access (Topic|Group):/);
    },
  );

  test('the broker came up within two minutes (start-up time is reported in the closing note)', () => {
    console.info(`RocketMQ start to ready: ${broker.startMs} ms`);
    expect(broker.startMs).toBeLessThan(120_000);
  });
});
