/**
 * The provisioning Job of the committed self-managed environment (issue 27), run against a real Apache RocketMQ
 * 5.x with ACL 2.0: the script synthesized into dist/selfhosted/rocketmq-provisioning.yaml, with the environment
 * its Job gives it (the Secrets' values supplied here as the cluster would). It creates the topics, groups, users
 * and grants; a second run changes nothing; a changed grant and a changed password are applied, a grant no longer
 * in the spec is removed. Each outcome is checked by what the broker then allows.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { listEnvironments, loadEnvironment } from '../../infra/config/environment';
import type { SelfManagedEnvironmentSpec } from '../../infra/config/self-managed';
import { loadHandoff, type SelfManagedHandoff } from '../../infra/config/handoff';
import { buildEnvironment, PROVISIONING_CHART } from '../../infra/synth/app';
import { describeWith } from './harness/availability';
import { describeError, failureOf, producer, receiveIds, sendMany, simpleConsumer } from './harness/clients';
import { type RocketMq, rocketMqClasspath, startRocketMq } from './harness/rocketmq';
import { testApp } from '../shared/scratch';

jest.setTimeout(300_000);

const describeBroker = describeWith(
  ['java', 'mvn', 'cc'],
  'install Java 17, Maven and a C compiler (apt-get install -y openjdk-17-jdk-headless maven gcc libc6-dev)',
);
const spec = listEnvironments()
  .map((environment) => loadEnvironment(environment))
  .find((s): s is SelfManagedEnvironmentSpec => s.broker === 'self-managed');
if (spec === undefined)
  throw new Error('no self-managed stack file (stacks/Pulumi.selfhosted.yaml is the committed one)');
const workload = spec.workloads[0];
const load = spec.producers[0];

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}

/** The script and the Job's environment, as synthesized for `env`. */
function synthesized(env: SelfManagedEnvironmentSpec): { script: string; jobEnv: EnvVar[]; jobName: string } {
  const committed = loadHandoff(env.name) as SelfManagedHandoff;
  // The hand-off as Pulumi writes it for this spec: the workloads' topics follow the spec.
  const handoff: SelfManagedHandoff = {
    ...committed,
    workloads: committed.workloads.map((h) => ({
      ...h,
      topic: env.workloads.find((w) => w.name === h.name)!.topic,
    })),
  };
  const charts = buildEnvironment(testApp(), env, handoff);
  const chart = charts.find((c) => c.node.id === PROVISIONING_CHART)!;
  const objects = Testing.synth(chart) as {
    kind: string;
    metadata: { name: string };
    data?: Record<string, string>;
    spec?: { template: { spec: { containers: { env: EnvVar[] }[] } } };
  }[];
  const configMap = objects.find((o) => o.kind === 'ConfigMap')!;
  const job = objects.find((o) => o.kind === 'Job')!;
  return {
    script: configMap.data!['provision.sh'],
    jobEnv: job.spec!.template.spec.containers[0].env,
    jobName: job.metadata.name,
  };
}

describeBroker('the provisioning Job against a real RocketMQ 5.x with ACL 2.0', () => {
  let broker: RocketMq;
  let workdir: string;
  /** What the cluster's Secrets hold, by Secret name and key. */
  const secrets: Record<string, Record<string, string>> = {};
  const password = (): string => crypto.randomBytes(16).toString('hex');
  const consumerAccount = () => ({
    username: `${spec.name}-${workload.name}`,
    password: secrets[`${workload.name}-rocketmq-credentials`].password,
  });
  const producerAccount = () => ({
    username: `${spec.name}-${load.name}`,
    password: secrets[`${load.name}-rocketmq-credentials`].password,
  });

  /** Runs the synthesized script as the Job would: its env, the Secrets' values, mqadmin from Maven Central. */
  function runJob(
    env: SelfManagedEnvironmentSpec,
    overrides: Record<string, string> = {},
  ): { status: number | null; log: string } {
    const { script, jobEnv } = synthesized(env);
    const file = path.join(workdir, 'provision.sh');
    fs.writeFileSync(file, script);
    const values: Record<string, string> = {};
    for (const e of jobEnv) {
      values[e.name] =
        e.value ??
        secrets[e.valueFrom!.secretKeyRef.name]?.[e.valueFrom!.secretKeyRef.key] ??
        (() => {
          throw new Error(`no Secret value for ${e.name}`);
        })();
    }
    // The name server of the test broker, not the in-cluster Service the committed file names.
    values.NAMESRV = broker.namesrvAddr;
    Object.assign(values, overrides);
    const result = spawnSync('sh', [file], {
      env: {
        PATH: process.env.PATH,
        TMPDIR: workdir,
        ROCKETMQ_CLASSPATH: rocketMqClasspath(),
        JAVA_OPT: '-Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
        ...values,
      },
      encoding: 'utf8',
      timeout: 240_000,
    });
    const log = `${result.stdout}${result.stderr}`;
    console.info(`provisioning run (exit ${result.status}):\n${log}`);
    return { status: result.status, log };
  }

  /**
   * A client of a topic mqadmin just created. The broker registers the topic with the name server as it creates
   * it (apache/rocketmq 5.3.3 AdminBrokerProcessor.updateAndCreateTopic → registerIncrementBrokerData), but a
   * proxy asked before that keeps the missing route for topicRouteServiceCacheRefreshSeconds (ProxyConfig, 20 s;
   * TopicRouteService caches WRAPPED_EMPTY_QUEUE). So: the name server's route first (≤ 30 s, a clear error if it
   * never comes), then the client, retried on a missing route for at most 60 s (one cache refresh, the client's
   * three attempts of 1 + 2 s backoff each, and a loaded machine's margin).
   */
  async function routed<T>(topic: string, start: () => Promise<T>): Promise<T> {
    broker.admin({ awaitRoutes: [topic] });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        return await start();
      } catch (error) {
        if (!/Failed to fetch topic routes/.test(String(error)) || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  async function canConsume(topic: string, group: string): Promise<void> {
    const admin = await routed(topic, () => producer(broker.endpoint, broker.adminUser, topic));
    const consumer = await simpleConsumer(broker.endpoint, consumerAccount(), topic, group);
    try {
      const ids = await sendMany(admin, topic, 3);
      const seen = await receiveIds(consumer, ids, 60_000);
      expect(ids.filter((id) => !seen.has(id))).toEqual([]);
    } finally {
      await Promise.all([consumer.shutdown(), admin.shutdown()].map((p) => p.catch(() => undefined)));
    }
  }

  async function consumeRefused(topic: string, group: string): Promise<string> {
    const error = await failureOf(async () => {
      const consumer = await simpleConsumer(broker.endpoint, consumerAccount(), topic, group);
      try {
        await consumer.receive(1, 15_000);
      } finally {
        await consumer.shutdown();
      }
    });
    return describeError(error);
  }

  beforeAll(async () => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-provisioning-'));
    // Nothing but the admin user: the Job creates everything else.
    broker = await startRocketMq();
    secrets[spec.selfManaged.adminSecretName] = {
      accessKey: broker.adminUser.username,
      secretKey: broker.adminUser.password,
    };
    for (const name of [workload.name, load.name]) {
      secrets[`${name}-rocketmq-credentials`] = { username: `${spec.name}-${name}`, password: password() };
    }
  });

  afterAll(async () => {
    await broker?.stop();
    if (workdir !== undefined) fs.rmSync(workdir, { recursive: true, force: true });
  });

  test('first run: creates the topic, group, both users and exactly their grants', async () => {
    const { status, log } = runJob(spec);
    expect(status).toBe(0);
    expect(log.split('\n').filter((l) => l !== '')).toEqual([
      'topic invoices: applied (8 queues, NORMAL)',
      'group invoice-posting: applied (retryMaxTimes 16, orderly false)',
      'user selfhosted-invoice-posting: created',
      'grant User:selfhosted-invoice-posting Topic:invoices [Sub]: applied',
      'grant User:selfhosted-invoice-posting Group:invoice-posting [Sub]: applied',
      'user selfhosted-invoice-load: created',
      'grant User:selfhosted-invoice-load Topic:invoices [Pub]: applied',
      'provisioning complete',
    ]);
    // No password in the log (usernames are no secret).
    const passwords = Object.values(secrets).flatMap((values) =>
      Object.entries(values)
        .filter(([key]) => key === 'password' || key === 'secretKey')
        .map(([, value]) => value),
    );
    expect(passwords.filter((p) => log.includes(p))).toEqual([]);
    await canConsume(workload.topic, workload.consumerGroup);
    // The producer account publishes; the consumer account may not.
    const p = await producer(broker.endpoint, producerAccount(), load.topic);
    try {
      expect(await sendMany(p, load.topic, 1)).toHaveLength(1);
    } finally {
      await p.shutdown();
    }
    const refused = await failureOf(async () => {
      const c = await producer(broker.endpoint, consumerAccount(), workload.topic);
      try {
        await c.send({ topic: workload.topic, body: Buffer.from('must not be stored') });
      } finally {
        await c.shutdown();
      }
    });
    expect(describeError(refused)).toMatch(/no permission to access Topic:invoices/);
  });

  test('second run: every user and grant unchanged, nothing written but the topic and group re-applied as they are', () => {
    const { status, log } = runJob(spec);
    expect(status).toBe(0);
    expect(log.split('\n').filter((l) => l !== '')).toEqual([
      'topic invoices: applied (8 queues, NORMAL)',
      'group invoice-posting: applied (retryMaxTimes 16, orderly false)',
      'user selfhosted-invoice-posting: unchanged',
      'grant User:selfhosted-invoice-posting Topic:invoices [Sub]: unchanged',
      'grant User:selfhosted-invoice-posting Group:invoice-posting [Sub]: unchanged',
      'user selfhosted-invoice-load: unchanged',
      'grant User:selfhosted-invoice-load Topic:invoices [Pub]: unchanged',
      'provisioning complete',
    ]);
  });

  test('a changed grant is applied and the old one removed; a new password is set; the Job gets a new name', async () => {
    // The workload moves to a new topic: its Sub grant follows, and the old topic's grant goes.
    const moved: SelfManagedEnvironmentSpec = {
      ...spec,
      topics: [...spec.topics, { name: 'invoices-v2', messageType: 'NORMAL' }],
      workloads: spec.workloads.map((w) => (w.name === workload.name ? { ...w, topic: 'invoices-v2' } : w)),
    };
    expect(synthesized(moved).jobName).not.toBe(synthesized(spec).jobName);
    secrets[`${workload.name}-rocketmq-credentials`].password = password();
    const { status, log } = runJob(moved);
    expect(status).toBe(0);
    expect(log.split('\n').filter((l) => l !== '')).toEqual([
      'topic invoices: applied (8 queues, NORMAL)',
      'topic invoices-v2: applied (8 queues, NORMAL)',
      'group invoice-posting: applied (retryMaxTimes 16, orderly false)',
      'user selfhosted-invoice-posting: password updated',
      'grant User:selfhosted-invoice-posting Topic:invoices-v2 [Sub]: applied',
      'grant User:selfhosted-invoice-posting Group:invoice-posting [Sub]: unchanged',
      'grant User:selfhosted-invoice-posting Topic:invoices: removed',
      'user selfhosted-invoice-load: unchanged',
      'grant User:selfhosted-invoice-load Topic:invoices [Pub]: unchanged',
      'provisioning complete',
    ]);
    await canConsume('invoices-v2', workload.consumerGroup);
    expect(await consumeRefused(workload.topic, workload.consumerGroup)).toMatch(
      /no permission to access Topic:invoices/,
    );
  });

  test('a cluster name no broker registered fails the Job before anything is written (mqadmin would act on no broker and exit 0)', () => {
    const withNewTopic: SelfManagedEnvironmentSpec = {
      ...spec,
      topics: [{ name: 'never-created', messageType: 'NORMAL' }, ...spec.topics],
    };
    // As if the stack file named another cluster than the brokers' brokerClusterName.
    const { status, log } = runJob(withNewTopic, { CLUSTER: 'NoSuchCluster' });
    expect(status).toBe(1);
    expect(log.split('\n').filter((l) => l !== '')).toEqual([
      `no master broker of cluster NoSuchCluster is registered at the name server ${broker.namesrvAddr}`,
    ]);
    // Nothing was written: the topic the run would have created first does not exist.
    expect(() => broker.admin({ awaitRoutes: ['never-created'], awaitSeconds: 1 })).toThrow(
      /no route for topic never-created/,
    );
  });

  test('a failed mqadmin command fails the Job (mqadmin itself exits 0)', () => {
    const saved = secrets[spec.selfManaged.adminSecretName];
    secrets[spec.selfManaged.adminSecretName] = { ...saved, secretKey: 'not-the-admin-password' };
    try {
      const { status, log } = runJob(spec);
      expect(status).toBe(1);
      // The first command, clusterList, already asks the broker (its runtime stats) with the admin user.
      expect(log).toMatch(/^mqadmin clusterList failed:/m);
      expect(log).toMatch(/check signature failed/);
      expect(log).not.toMatch(/: applied/);
      expect(log).not.toContain('provisioning complete');
    } finally {
      secrets[spec.selfManaged.adminSecretName] = saved;
    }
  });
});
