/**
 * The sample consumer under failure, on a real Apache RocketMQ 5.3.3: the broker stopped and restarted under a
 * running consumer (readiness, liveness, backoff, nothing lost or processed twice), and a poison message that
 * the broker moves to the group's dead-letter topic after the group's maxRetryTimes while the others flow.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RECEIVE_BACKOFF_CAP_MS } from '../../infra/sample-app/backoff';
import { EXIT_DRAIN_UNFINISHED } from '../../infra/sample-app/config';
import { describeWith } from './harness/availability';
import { type Started, stopProcess, waitFor } from './harness/processes';
import { type RocketMq, startRocketMq } from './harness/rocketmq';
import { httpPort, type LogLine, logLines, runLoad, startSampleConsumer } from './harness/sample-consumer';

jest.setTimeout(600_000);

const describeBroker = describeWith(
  ['java', 'mvn', 'cc'],
  'install Java 17, Maven and a C compiler (apt-get install -y openjdk-17-jdk-headless maven gcc libc6-dev)',
);

const OUTAGE = { topic: 'failure-outage', group: 'failure-outage' };
const POISON = { topic: 'failure-poison', group: 'failure-poison' };
const GRACE = { topic: 'failure-grace', group: 'failure-grace' };
/** A small maxRetryTimes for the poison group: 1 + 2 deliveries, then %DLQ%failure-poison. */
const POISON_RETRIES = 2;
/** How long the broker stays down after the consumer has gone unready: long enough to reach the backoff cap. */
const DOWN_AFTER_UNREADY_MS = 15_000;

const ids = (file: string): string[] => fs.readFileSync(file, 'utf8').trim().split('\n');
const at = (line: LogLine): number => Date.parse(line.time!);

describeBroker('the sample consumer under failure, on a real broker', () => {
  let broker: RocketMq;
  let workdir: string;
  const consumers: Started[] = [];
  beforeAll(async () => {
    broker = await startRocketMq({
      plan: {
        topics: [{ name: OUTAGE.topic }, { name: POISON.topic }, { name: GRACE.topic }],
        groups: [
          { name: OUTAGE.group },
          { name: POISON.group, retryMaxTimes: POISON_RETRIES },
          { name: GRACE.group },
        ],
      },
    });
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-failure-'));
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => stopProcess(c)));
    await broker?.stop();
    if (workdir !== undefined) fs.rmSync(workdir, { recursive: true, force: true });
  });

  const load = (topic: string, count: number, file: string, tag = 'load'): string[] => {
    const result = runLoad({
      endpoint: broker.endpoint,
      topic,
      ...broker.adminUser,
      count,
      idsFile: file,
      tag,
    });
    expect(result.stdout).toContain(`load: done: sent ${count}, failed 0`);
    return ids(file);
  };

  test('broker stopped and restarted under a running consumer: readiness 503 then 200, liveness 200 throughout, backoff to the cap, nothing lost or processed twice', async () => {
    const began = Date.now();
    const sent = load(OUTAGE.topic, 300, path.join(workdir, 'outage.ids'));
    const consumer = startSampleConsumer({
      endpoint: broker.endpoint,
      topic: OUTAGE.topic,
      consumerGroup: OUTAGE.group,
      ...broker.adminUser,
      graceSeconds: 30,
      // 2 × 100 ms: ~20 msg/s, so the backlog outlasts the outage.
      sample: { SAMPLE_PROCESSING_MS: '100', SAMPLE_CONCURRENCY: '2', SAMPLE_INVISIBLE_SECONDS: '10' },
    });
    consumers.push(consumer);
    const lines = (): LogLine[] => logLines(consumer.output());
    const processed = (): LogLine[] => lines().filter((l) => l.msg === 'acked');
    await waitFor('40 messages processed', () => processed().length >= 40, 120_000, 100);
    const port = httpPort(consumer)!;
    const status = async (p: string): Promise<number> => (await fetch(`http://127.0.0.1:${port}${p}`)).status;
    expect(await status('/readyz')).toBe(200);

    const liveness: number[] = [];
    const stoppedAt = Date.now();
    await broker.stopBroker();
    const stopMs = Date.now() - stoppedAt;
    await waitFor(
      'readiness to go 503',
      async () => {
        liveness.push(await status('/livez'));
        return (await status('/readyz')) === 503;
      },
      60_000,
      250,
    );
    const unreadyMs = Date.now() - stoppedAt;
    const unreadyUntil = Date.now() + DOWN_AFTER_UNREADY_MS;
    while (Date.now() < unreadyUntil) {
      liveness.push(await status('/livez'));
      expect(await status('/readyz')).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(consumer.child.exitCode).toBeNull();
    const restartAt = Date.now();
    await broker.startBroker();
    const brokerUpMs = Date.now() - restartAt;
    const upAt = Date.now();
    await waitFor(
      'readiness back to 200',
      async () => {
        liveness.push(await status('/livez'));
        return (await status('/readyz')) === 200;
      },
      120_000,
      250,
    );
    const readyAt = Date.now();
    const readyAgainMs = readyAt - upAt;
    expect(new Set(liveness)).toEqual(new Set([200]));
    // Back within one backoff cap of the broker serving, not after the old channel's own gRPC backoff (up to
    // 120 s). Judged from the consumer's own log, not a wall-clock bound that a loaded machine's client start-up
    // would decide. Two paths are correct: a fresh client ('reconnected') or, when the old channel's backoff
    // happens to retry first, the old client's next receive. The lower bound is the restart, not upAt: the proxy
    // accepts clients before it logs its start-up line, so a client can get through in the poll that notices the
    // line (the clean-clone CI of 022d572 failed there); the broker was down, /readyz 503, until restartAt.
    const recovered = lines().find((l) => l.msg === 'receive recovered' && at(l) >= restartAt);
    expect(recovered).toBeDefined();
    const reconnected = lines().find(
      (l) => l.msg === 'reconnected' && at(l) >= restartAt && at(l) <= at(recovered!),
    );
    // The attempt that got through: the last fresh-client attempt before 'reconnected', else the receive that
    // recovered (it began at most one backoff wait before its line).
    const attempts = lines().filter(
      (l) => l.msg === 'reconnecting' && at(l) <= at(reconnected ?? recovered!),
    );
    const succeeded = reconnected === undefined ? at(recovered!) : at(attempts[attempts.length - 1]);
    // A fresh-client attempt still running when the broker came up may fail late: count from its end.
    const failedSinceUp = lines().filter(
      (l) => l.msg === 'reconnect failed' && at(l) >= upAt && at(l) <= succeeded,
    );
    const from = failedSinceUp.length === 0 ? upAt : at(failedSinceUp[failedSinceUp.length - 1]);
    // + 2 s: the old client's receive that fails before the wait (its channel refuses at once while backing off).
    expect(succeeded - from).toBeLessThanOrEqual(RECEIVE_BACKOFF_CAP_MS + 2_000);
    expect(readyAt - Math.max(at(recovered!), upAt)).toBeLessThan(5_000);

    // Each failed receive waited 500 ms .. 10 s, growing to the cap: no spin, no crash loop.
    const failures = lines().filter((l) => l.msg === 'receive failed');
    expect(failures.length).toBeGreaterThanOrEqual(3);
    for (const f of failures) {
      expect(f.waitMs).toBeGreaterThanOrEqual(500);
      expect(f.waitMs).toBeLessThan(10_000);
    }
    const outageSeconds = (upAt - stoppedAt) / 1000;
    // At 500 ms the shortest wait, a spinning loop would log 2 per second; backoff logs far fewer.
    expect(failures.length).toBeLessThan(outageSeconds);

    const done = (): Set<string> =>
      new Set(
        lines()
          .filter((l) => l.msg === 'acked' || l.msg === 'duplicate skipped')
          .map((l) => l.messageId!),
      );
    await waitFor('every sent message to be acked', () => sent.every((id) => done().has(id)), 240_000, 500);
    const byId = new Map<string, number>();
    for (const l of processed()) byId.set(l.messageId!, (byId.get(l.messageId!) ?? 0) + 1);
    const processedTwice = [...byId].filter(([, n]) => n > 1).map(([id]) => id);
    const skipped = lines().filter((l) => l.msg === 'duplicate skipped').length;
    const ackFailed = lines().filter((l) => l.msg === 'ack failed').length;
    expect(sent.filter((id) => !done().has(id))).toEqual([]);
    expect(processedTwice).toEqual([]);

    const exited = new Promise<number | null>((resolve) =>
      consumer.child.once('exit', (code) => resolve(code)),
    );
    process.kill(consumer.pid, 'SIGTERM');
    expect(await exited).toBe(0);
    console.info(
      `outage: broker stop took ${stopMs} ms; /readyz 503 ${(unreadyMs / 1000).toFixed(1)} s after the stop began; ` +
        `down ${outageSeconds.toFixed(1)} s; broker restart ${(brokerUpMs / 1000).toFixed(1)} s; /readyz 200 ` +
        `${(readyAgainMs / 1000).toFixed(1)} s after the broker served again (` +
        (reconnected === undefined
          ? 'through the old channel'
          : `fresh client started in ${((at(reconnected) - succeeded) / 1000).toFixed(1)} s`) +
        `); ${failures.length} failed receives ` +
        `(waits ${failures.map((f) => f.waitMs).join(', ')} ms); /livez ${liveness.length} × 200; ` +
        `${sent.length} sent, lost 0, processed twice ${processedTwice.length}, ack failures ${ackFailed}, ` +
        `redeliveries skipped as duplicates ${skipped}; case ${((Date.now() - began) / 1000).toFixed(1)} s`,
    );
  });

  test(`a poison message is retried with a growing invisible time and moved to %DLQ%<group> after maxRetryTimes (${POISON_RETRIES}); the others flow`, async () => {
    const began = Date.now();
    const good = load(POISON.topic, 20, path.join(workdir, 'good.ids'));
    const [poison] = load(POISON.topic, 1, path.join(workdir, 'poison.ids'), 'poison');
    const consumer = startSampleConsumer({
      endpoint: broker.endpoint,
      topic: POISON.topic,
      consumerGroup: POISON.group,
      ...broker.adminUser,
      graceSeconds: 30,
      sample: {
        SAMPLE_PROCESSING_MS: '10',
        SAMPLE_FAIL_TAG: 'poison',
        SAMPLE_RETRY_DELAYS_SECONDS: '2,4',
        SAMPLE_INVISIBLE_SECONDS: '10',
      },
    });
    consumers.push(consumer);
    const lines = (): LogLine[] => logLines(consumer.output());
    const failed = (): LogLine[] =>
      lines().filter((l) => l.msg === 'processing failed' && l.messageId === poison);
    const dlq = async (): Promise<number> => {
      const text = await (await fetch(`http://${broker.metricsTarget}/metrics`)).text();
      // `name{labels} value [timestamp]`: the value is the token after the labels.
      const sample = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('rocketmq_send_to_dlq_messages_total{') &&
            l.includes(`consumer_group="${POISON.group}"`),
        );
      return sample === undefined ? 0 : Number(sample.slice(sample.lastIndexOf('} ') + 2).split(' ')[0]);
    };
    await waitFor(
      'the good messages to be acked',
      () => {
        const acked = new Set(
          lines()
            .filter((l) => l.msg === 'acked')
            .map((l) => l.messageId),
        );
        return good.every((id) => acked.has(id));
      },
      120_000,
      250,
    );
    await waitFor(
      'the broker to move the poison message to the DLQ',
      async () => (await dlq()) >= 1,
      180_000,
      1000,
    );
    const movedAt = Date.now();
    // No delivery after the move: wait past the longest retry delay and look again.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const deliveries = failed();
    expect(deliveries.map((l) => [l.attempt, l.retryInMs])).toEqual([
      [1, 2000],
      [2, 4000],
      [3, 4000],
    ]);
    // The broker delivers again only once the invisible time set after the failure has run out.
    const gaps = deliveries.slice(1).map((l, i) => at(l) - at(deliveries[i]));
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(deliveries[i].retryInMs!));
    expect(lines().filter((l) => l.messageId === poison && l.msg === 'acked')).toEqual([]);
    expect(await dlq()).toBe(1);

    const exited = new Promise<number | null>((resolve) =>
      consumer.child.once('exit', (code) => resolve(code)),
    );
    process.kill(consumer.pid, 'SIGTERM');
    expect(await exited).toBe(0);
    console.info(
      `poison: ${deliveries.length} deliveries (maxRetryTimes ${POISON_RETRIES}), gaps ${gaps.join(', ')} ms for ` +
        `invisible times ${deliveries.map((l) => l.retryInMs).join(', ')} ms; in %DLQ%${POISON.group} ` +
        `${((movedAt - at(deliveries[deliveries.length - 1])) / 1000).toFixed(1)} s after the last failure; ` +
        `${good.length} others acked; case ${((Date.now() - began) / 1000).toFixed(1)} s`,
    );
  });

  test('work that outlasts the grace period: SIGTERM exits 3 naming what it left, and the broker redelivers it to the next consumer', async () => {
    const began = Date.now();
    const sent = load(GRACE.topic, 4, path.join(workdir, 'grace.ids'));
    const options = {
      endpoint: broker.endpoint,
      topic: GRACE.topic,
      consumerGroup: GRACE.group,
      ...broker.adminUser,
    };
    // 15 s of work per message against a 4 s grace period (2 s of drain budget after the exit reserve).
    const slow = startSampleConsumer({
      ...options,
      graceSeconds: 4,
      sample: { SAMPLE_PROCESSING_MS: '15000', SAMPLE_INVISIBLE_SECONDS: '20', SAMPLE_CONCURRENCY: '4' },
    });
    consumers.push(slow);
    const metric = async (name: string): Promise<number> => {
      const port = httpPort(slow);
      if (port === undefined) return 0;
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    };
    await waitFor(
      '4 messages in work',
      async () => (await metric('sample_consumer_messages_in_flight')) === 4,
      120_000,
    );
    const exited = new Promise<number | null>((resolve) => slow.child.once('exit', (code) => resolve(code)));
    const termAt = Date.now();
    process.kill(slow.pid, 'SIGTERM');
    expect(await exited).toBe(EXIT_DRAIN_UNFINISHED);
    const exitMs = Date.now() - termAt;
    expect(exitMs).toBeLessThan(4000);
    const drained = logLines(slow.output()).find((l) => l.msg === 'drained');
    expect(drained).toMatchObject({ finished: 0, unfinished: 4 });

    const next = startSampleConsumer({
      ...options,
      graceSeconds: 30,
      sample: { SAMPLE_PROCESSING_MS: '10' },
    });
    consumers.push(next);
    await waitFor(
      'the next consumer to process what the first left',
      () => {
        const acked = new Set(
          logLines(next.output())
            .filter((l) => l.msg === 'acked')
            .map((l) => l.messageId),
        );
        return sent.every((id) => acked.has(id));
      },
      120_000,
      250,
    );
    const redeliveredAfterMs = Date.now() - termAt;
    await stopProcess(next);
    console.info(
      `grace: SIGTERM with 4 messages in work → exit ${EXIT_DRAIN_UNFINISHED} in ${exitMs} ms (drained ${JSON.stringify(drained)}); ` +
        `all 4 processed by the next consumer ${(redeliveredAfterMs / 1000).toFixed(1)} s after the SIGTERM ` +
        `(invisible time 20 s from the receive); case ${((Date.now() - began) / 1000).toFixed(1)} s`,
    );
  });
});
