/**
 * The sample app against a real RocketMQ 5.x: the load generator (`npm run load`) fills a backlog, several
 * sample consumers drain it, one gets SIGTERM mid-work. Counted by message id from the consumers' JSON logs:
 * nothing lost, duplicates only where a consumer was stopped. Runs for every workload whose image is the
 * sample app, in every stack file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CONSUMER_ENV } from '../../constructs/shared/consumer-contract';
import { consumerShutdownSeconds } from '../../constructs/scaling';
import { listEnvironments, loadEnvironment } from '../../infra/config/environment';
import { describeWith } from './harness/availability';
import { startProcess, type Started, stopProcess, waitFor } from './harness/processes';
import { type RocketMq, startRocketMq } from './harness/rocketmq';
import { logLines } from './harness/sample-consumer';
import { stackPlan } from './harness/stack-plan';

jest.setTimeout(300_000);

const describeBroker = describeWith(
  ['java', 'mvn', 'cc'],
  'install Java 17, Maven and a C compiler (apt-get install -y openjdk-17-jdk-headless maven gcc libc6-dev)',
);
const specs = listEnvironments().map((environment) => loadEnvironment(environment));
const access = stackPlan(specs);
const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(ROOT, 'infra', 'sample-app', 'main.ts');
/** Message-based workloads running the sample app, with a producer on their topic in the same stack. */
const cases = specs.flatMap((spec) =>
  spec.workloads
    .filter((w) => w.image.includes('/sample-app:') && w.loadBalancing === 'message')
    .filter((w) => spec.topics.find((t) => t.name === w.topic)?.messageType === 'NORMAL')
    .flatMap((w) => {
      const p = spec.producers.find((x) => x.topic === w.topic);
      return p === undefined ? [] : [{ spec, workload: w, producer: p }];
    }),
);
const CONSUMERS = 3;
const MESSAGES = 600;
const PROCESSING_MS = 50;
const CONCURRENCY = 4;

interface Acked {
  messageId: string;
  pid: number;
}

function acked(log: string, pid: number): Acked[] {
  return logLines(log)
    .filter((l) => l.msg === 'acked' && l.messageId !== undefined)
    .map((l) => ({ messageId: l.messageId!, pid }));
}

describeBroker('sample consumers drain a real backlog; SIGTERM mid-work loses nothing', () => {
  let broker: RocketMq;
  let workdir: string;
  const consumers: Started[] = [];
  beforeAll(async () => {
    broker = await startRocketMq({ plan: access.plan });
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-drain-'));
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => stopProcess(c)));
    await broker?.stop();
    if (workdir !== undefined) fs.rmSync(workdir, { recursive: true, force: true });
  });

  test.each(cases.map((c) => [`${c.spec.name}/${c.workload.name}`, c] as const))(
    '%s: the backlog drains across the sample consumers, counted by message id',
    async (key, { spec, workload, producer }) => {
      // The grace period ConsumerWorkload gives this workload's pods.
      const graceSeconds = consumerShutdownSeconds({
        maxProcessingSeconds: workload.maxProcessingSeconds,
        messagesPerSecondPerPod: workload.messagesPerSecondPerPod,
      });
      const account = access.consumers.get(key)!;
      const idsFile = path.join(workdir, `${spec.name}-${workload.name}.ids`);
      // Fill the backlog first, with the producer's own account (Pub on the topic only).
      const producerAccount = access.producers.get(`${spec.name}/${producer.name}`)!;
      const load = spawnSync(
        TSX,
        [
          MAIN,
          'load',
          '--topic',
          workload.topic,
          '--count',
          String(MESSAGES),
          '--rate',
          '500',
          '--ids-file',
          idsFile,
        ],
        {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 120_000,
          env: {
            ...process.env,
            [CONSUMER_ENV.endpoint]: broker.endpoint,
            [CONSUMER_ENV.username]: producerAccount.username,
            [CONSUMER_ENV.password]: producerAccount.password,
          },
        },
      );
      expect(load.stdout).toMatch(new RegExp(`load: done: sent ${MESSAGES}, failed 0`));
      const sent = fs.readFileSync(idsFile, 'utf8').trim().split('\n');
      expect(new Set(sent).size).toBe(MESSAGES);

      const started = Date.now();
      for (let i = 0; i < CONSUMERS; i += 1) {
        consumers.push(
          // node with tsx's loader in-process, not the tsx CLI: the CLI's parent relays SIGTERM and SIGKILLs the
          // child when it does not confirm within 30 ms (tsx dist/cli.mjs relaySignals), which a loaded machine
          // misses, so the drain under test would be cut short. The image runs plain node, exec form, too.
          startProcess(process.execPath, ['--import', 'tsx', MAIN, 'consumer'], {
            cwd: ROOT,
            env: {
              ...process.env,
              [CONSUMER_ENV.endpoint]: broker.endpoint,
              [CONSUMER_ENV.topic]: workload.topic,
              [CONSUMER_ENV.consumerGroup]: workload.consumerGroup,
              [CONSUMER_ENV.username]: account.username,
              [CONSUMER_ENV.password]: account.password,
              [CONSUMER_ENV.shutdownGraceSeconds]: String(graceSeconds),
              [CONSUMER_ENV.httpPort]: '0',
              SAMPLE_HTTP_HOST: '127.0.0.1',
              SAMPLE_PROCESSING_MS: String(PROCESSING_MS),
              SAMPLE_CONCURRENCY: String(CONCURRENCY),
              SAMPLE_LOG_EACH_MESSAGE: 'true',
            },
          }),
        );
      }
      const mine = consumers.slice(-CONSUMERS);
      const all = (): Acked[] => mine.flatMap((c) => acked(c.output(), c.pid));
      // SIGTERM the first consumer once it is mid-work, and time its exit against the grace period.
      await waitFor(
        'the first consumer to be mid-work',
        () => acked(mine[0].output(), mine[0].pid).length >= 20,
        90_000,
        50,
      );
      // Ready and live on the real process while it consumes.
      const httpPort = logLines(mine[0].output()).find((l) => l.msg === 'http listening')!.port!;
      const status = async (p: string): Promise<number> =>
        (await fetch(`http://127.0.0.1:${httpPort}${p}`)).status;
      expect(await status('/readyz')).toBe(200);
      expect(await status('/livez')).toBe(200);
      const termAt = Date.now();
      const exited = new Promise<number | null>((resolve) =>
        mine[0].child.once('exit', (code) => resolve(code)),
      );
      process.kill(mine[0].pid, 'SIGTERM');
      const code = await exited;
      const exitMs = Date.now() - termAt;
      expect(code).toBe(0);
      expect(exitMs).toBeLessThan(graceSeconds * 1000);
      // What the drained consumer itself held, finished and left (its DrainResult, logged as "drained").
      const own = logLines(mine[0].output());
      const draining = own.find((l) => l.msg === 'draining');
      const drained = own.find((l) => l.msg === 'drained');
      expect(draining?.inFlight).toBeGreaterThan(0);
      expect(drained?.unfinished).toBe(0);
      // Everything it held is finished; a receive returning during the drain can add to it.
      expect(drained?.finished).toBeGreaterThanOrEqual(draining!.inFlight!);
      // The exit waited for the drain: it took at least as long as the drain measured.
      expect(exitMs).toBeGreaterThanOrEqual(drained!.elapsedMs!);

      const sentSet = new Set(sent);
      await waitFor(
        'every sent message to be acked',
        () => sent.every((id) => all().some((a) => a.messageId === id)),
        180_000,
        500,
      );
      const elapsedSeconds = (Date.now() - started) / 1000;
      const records = all();
      const byId = new Map<string, Acked[]>();
      for (const r of records) byId.set(r.messageId, [...(byId.get(r.messageId) ?? []), r]);
      const lost = sent.filter((id) => !byId.has(id));
      const duplicates = [...byId.values()].filter((rs) => rs.length > 1);
      expect(lost).toEqual([]);
      // A message acked twice was redelivered after its invisible time: only the stopped consumer causes that.
      for (const rs of duplicates) expect(rs.some((r) => r.pid === mine[0].pid)).toBe(true);
      expect([...byId.keys()].filter((id) => !sentSet.has(id))).toEqual([]);
      const perConsumer = mine.map((c) => acked(c.output(), c.pid).length);
      const skipped = mine
        .flatMap((c) => logLines(c.output()))
        .filter((l) => l.msg === 'duplicate skipped').length;
      console.info(
        `${key}: ${MESSAGES} messages, ${CONSUMERS} consumers × concurrency ${CONCURRENCY} at ${PROCESSING_MS} ms: ` +
          `drained in ${elapsedSeconds.toFixed(1)} s (${(MESSAGES / elapsedSeconds / CONSUMERS).toFixed(1)} msg/s per consumer, ` +
          `ideal ${((CONCURRENCY * 1000) / PROCESSING_MS).toFixed(0)}); acked per consumer ${perConsumer.join('/')}; ` +
          `SIGTERM → exit ${exitMs} ms (grace ${graceSeconds} s; drain held ${draining!.inFlight}, finished ${drained!.finished}, ` +
          `unfinished ${drained!.unfinished} in ${drained!.elapsedMs} ms); processed twice ${duplicates.length}, ` +
          `skipped as duplicates ${skipped} (${((100 * (duplicates.length + skipped)) / MESSAGES).toFixed(2)} % of ${MESSAGES}); lost ${lost.length}`,
      );
      await Promise.all(mine.map((c) => stopProcess(c)));
    },
  );
});
