import { spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveProbes } from '../../constructs/k8s/consumer-workload';
import * as contractModule from '../../constructs/shared/consumer-contract';
import { CONSUMER_ENV, CONSUMER_HTTP_DEFAULTS } from '../../constructs/shared/consumer-contract';
import { consumerConfigFromEnv, DEFAULT_HTTP_PORT, HTTP_PATHS } from '../../infra/sample-app/config';
import { startHttpServer } from '../../infra/sample-app/http-server';
import { consumerMetrics } from '../../infra/sample-app/metrics';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(ROOT, 'infra', 'sample-app', 'main.ts');
const base = {
  [CONSUMER_ENV.endpoint]: '127.0.0.1:8081',
  [CONSUMER_ENV.topic]: 'orders',
  [CONSUMER_ENV.consumerGroup]: 'order-fulfilment',
};

describe('sample app contract', () => {
  test("ConsumerWorkload's default probes are the paths and port the sample app serves", () => {
    expect(resolveProbes(undefined)).toEqual({
      port: DEFAULT_HTTP_PORT,
      livenessPath: HTTP_PATHS.liveness,
      readinessPath: HTTP_PATHS.readiness,
    });
    expect(CONSUMER_HTTP_DEFAULTS.metricsPath).toBe(HTTP_PATHS.metrics);
    expect(resolveProbes(false)).toBeUndefined();
  });

  test('the sample app imports nothing from constructs/ but the contract of env names, through the shared entry point', () => {
    const dir = path.join(ROOT, 'infra', 'sample-app');
    const contract = Object.keys(contractModule).sort();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const [, names, from] of source.matchAll(/import (?:type )?\{([^}]*)\} from '([^']+)'/g)) {
        if (!from.includes('constructs')) continue;
        expect(`${file}: ${from}`).toBe(`${file}: ../../constructs/shared`);
        const imported = names.split(',').map((name) => name.trim().replace(/^type /, ''));
        expect(imported.filter((name) => name !== '' && !contract.includes(name))).toEqual([]);
      }
      // Every other form of import names no constructs/ module.
      const other = source.replace(/import (?:type )?\{[^}]*\} from '[^']+'/g, '');
      expect(other.match(/['"][./]*constructs[^'"]*['"]/g) ?? []).toEqual([]);
    }
    expect(contract).toEqual(['CONSUMER_ENV', 'CONSUMER_HTTP_DEFAULTS', 'PRODUCER_ENV']);
  });

  test('the rocketmq client is pinned to an exact version, as a devDependency (the library does not ship the app)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies['rocketmq-client-nodejs']).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('consumerConfigFromEnv', () => {
  test('reads the variables ConsumerWorkload sets, with defaults for the knobs', () => {
    const config = consumerConfigFromEnv({
      ...base,
      [CONSUMER_ENV.username]: 'u',
      [CONSUMER_ENV.password]: 'p',
      [CONSUMER_ENV.shutdownGraceSeconds]: '35',
    });
    expect(config).toMatchObject({
      endpoint: '127.0.0.1:8081',
      topic: 'orders',
      consumerGroup: 'order-fulfilment',
      username: 'u',
      password: 'p',
      graceSeconds: 35,
      httpPort: 8080,
      processingMs: 100,
      concurrency: 16,
      awaitSeconds: 5,
      maxHeldBytes: 64 * 1024 * 1024,
      dedupKeys: 10_000,
      failTag: undefined,
    });
    expect(config.retryDelaysSeconds).toEqual([
      10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200,
    ]);
    expect(
      consumerConfigFromEnv({ ...base, SAMPLE_RETRY_DELAYS_SECONDS: '1,2,2,5' }).retryDelaysSeconds,
    ).toEqual([1, 2, 2, 5]);
  });

  test.each([
    [{ [CONSUMER_ENV.topic]: '' }, 'ROCKETMQ_TOPIC is required'],
    [{ [CONSUMER_ENV.endpoint]: 'nope' }, 'ROCKETMQ_ENDPOINT ("nope") must be host:port'],
    [{ [CONSUMER_ENV.username]: 'u' }, 'ROCKETMQ_USERNAME and ROCKETMQ_PASSWORD must be set together'],
    [
      { SAMPLE_FAILURE_RATIO: '2' },
      'SAMPLE_FAILURE_RATIO ("2") must be a number from 0 to 1, in plain decimal digits, optionally with a fraction',
    ],
    [
      { SAMPLE_AWAIT_SECONDS: '2' },
      'SAMPLE_AWAIT_SECONDS ("2") must be an integer from 5 to 20 seconds, in plain decimal digits',
    ],
    [
      { SAMPLE_CONCURRENCY: '1.5' },
      'SAMPLE_CONCURRENCY ("1.5") must be an integer from 1 to 1024 messages, in plain decimal digits',
    ],
    [
      { SAMPLE_PROCESSING_MS: '40000' },
      'SAMPLE_PROCESSING_MS (40000) must be < SAMPLE_INVISIBLE_SECONDS (30) × 1000',
    ],
    [
      { SAMPLE_RETRY_DELAYS_SECONDS: '30,10' },
      'SAMPLE_RETRY_DELAYS_SECONDS ("30,10") must be comma-separated steps, each an integer from 1 to 43200 seconds in plain decimal digits, never decreasing',
    ],
    [
      { SAMPLE_RETRY_DELAYS_SECONDS: '10,,20' },
      'SAMPLE_RETRY_DELAYS_SECONDS ("10,,20") must be comma-separated steps',
    ],
    [
      { SAMPLE_RETRY_DELAYS_SECONDS: '43201' },
      'SAMPLE_RETRY_DELAYS_SECONDS ("43201") must be comma-separated steps',
    ],
    [
      { SAMPLE_MAX_HELD_BYTES: '4194303' },
      'SAMPLE_MAX_HELD_BYTES ("4194303") must be an integer from 4194304 to 68719476736 bytes, in plain decimal digits',
    ],
    [
      { SAMPLE_DEDUP_KEYS: '-1' },
      'SAMPLE_DEDUP_KEYS ("-1") must be an integer from 0 to 1000000 keys, in plain decimal digits',
    ],
  ])('refuses %j: %s', (override, message) => {
    expect(() => consumerConfigFromEnv({ ...base, ...override })).toThrow(message);
  });
});

describe('http server', () => {
  test('liveness, readiness (not while draining) and Prometheus counters on one port', async () => {
    let state = 'ready';
    const metrics = consumerMetrics();
    metrics.acked.inc(3);
    const { server, port } = await startHttpServer(
      '127.0.0.1',
      0,
      { ready: () => state === 'ready', live: () => true },
      metrics.registry,
    );
    try {
      const get = (p: string) => fetch(`http://127.0.0.1:${port}${p}`);
      expect((await get(HTTP_PATHS.liveness)).status).toBe(200);
      expect((await get(HTTP_PATHS.readiness)).status).toBe(200);
      state = 'draining';
      expect((await get(HTTP_PATHS.readiness)).status).toBe(503);
      expect((await get(HTTP_PATHS.liveness)).status).toBe(200);
      const text = await (await get(HTTP_PATHS.metrics)).text();
      expect(text).toMatch(/^sample_consumer_messages_acked_total 3$/m);
      expect(text).toMatch(/^sample_consumer_messages_in_flight 0$/m);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** A port nothing listens on: bound, read and closed (connections to it are refused). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the consumer process (main.ts, as the image runs it)', () => {
  test('with the broker unreachable it keeps retrying: /readyz 503, /livez 200, no crash loop; SIGTERM exits 0', async () => {
    const brokerPort = await closedPort();
    // node with tsx's loader in-process, as tests/e2e/drain.test.ts starts it (the tsx CLI would relay signals).
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'consumer'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        [CONSUMER_ENV.endpoint]: `127.0.0.1:${brokerPort}`,
        [CONSUMER_ENV.topic]: 'orders',
        [CONSUMER_ENV.consumerGroup]: 'order-fulfilment',
        [CONSUMER_ENV.httpPort]: '0',
        SAMPLE_HTTP_HOST: '127.0.0.1',
      },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const lines = (): { msg: string; port?: number }[] =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; port?: number });
    const until = async (what: string, check: () => boolean): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!check()) {
        if (child.exitCode !== null)
          throw new Error(`consumer exited ${child.exitCode} waiting for ${what}:\n${out}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    try {
      await until('the HTTP port', () => lines().some((l) => l.msg === 'http listening'));
      const port = lines().find((l) => l.msg === 'http listening')!.port!;
      const get = async (p: string): Promise<number> => (await fetch(`http://127.0.0.1:${port}${p}`)).status;
      // The client gives up a startup after 3 route fetches (1 s, 2 s apart); the consumer then backs off and retries.
      await until('a failed startup', () => lines().some((l) => l.msg === 'startup failed'));
      expect(await get(HTTP_PATHS.readiness)).toBe(503);
      expect(await get(HTTP_PATHS.liveness)).toBe(200);
      await until(
        'a second startup attempt to fail',
        () => lines().filter((l) => l.msg === 'startup failed').length >= 2,
      );
      expect(child.exitCode).toBeNull();
      expect(await get(HTTP_PATHS.readiness)).toBe(503);
      expect(await get(HTTP_PATHS.liveness)).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(lines().map((l) => l.msg)).toContain('drained');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('the consumer process on a bug', () => {
  // A preloaded module plants the bug 1.5 s after start, once main.ts has installed its handlers.
  test.each([
    [
      'an unhandled rejection',
      'setTimeout(() => { void Promise.reject(new Error("planted")); }, 1500);',
      'unhandled rejection',
    ],
    [
      'an uncaught exception',
      'setTimeout(() => { throw new Error("planted"); }, 1500);',
      'uncaught exception',
    ],
  ])('%s is logged as one JSON line and exits 1', async (_what, plant, msg) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-sample-bug-'));
    const preload = path.join(dir, 'plant.mjs');
    fs.writeFileSync(preload, `${plant}\n`);
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', preload, MAIN, 'consumer'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
        env: {
          ...process.env,
          ...base,
          [CONSUMER_ENV.endpoint]: `127.0.0.1:${await closedPort()}`,
          [CONSUMER_ENV.httpPort]: '0',
          SAMPLE_HTTP_HOST: '127.0.0.1',
        },
      });
      expect(r.status).toBe(1);
      const lines = r.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: string; msg: string; error?: string });
      expect(lines.filter((l) => l.msg === msg)).toEqual([
        expect.objectContaining({ level: 'error', msg, error: 'planted' }),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run load', () => {
  test.each([
    [['--rate', 'abc', '--topic', 't'], "option '--rate <msgs>' argument 'abc' is invalid"],
    [['--topic', 't', '--count', '0'], "option '--count <n>' argument '0' is invalid"],
    [
      ['--topic', 't', '--count', '5', '--duration', '3'],
      "option '--duration <seconds>' cannot be used with option '--count <n>'",
    ],
    [['--rate', '10'], "required option '--topic <name>' not specified"],
    [['--topic', 't', '--endpoint', 'x'], '--endpoint ("x") must be host:port'],
  ])('%j exits 2 naming the flag', (args, message) => {
    const r = spawnSync(TSX, [MAIN, 'load', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ROCKETMQ_ENDPOINT: '' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('ConsumerWorkload probes from the stack files', () => {
  const { environmentsWithHandoff, synthObjects, find } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily: only this block synthesizes
    require('../synth/helpers') as typeof import('../synth/helpers');
  const { loadEnvironment } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
    require('../../infra/config/environment') as typeof import('../../infra/config/environment');
  // Environments that can be synthesized: a new one without a hand-off yet has no manifests.
  const workloads = environmentsWithHandoff().flatMap((env) =>
    loadEnvironment(env).workloads.map((w) => ({ label: `${env}/${w.name}`, env, w })),
  );
  // The workloads whose image serves HTTP (probes on), and those marked `probes: false`.
  const withProbes = workloads.flatMap(({ label, env, w }) =>
    w.probes === false ? [] : [[label, env, w.name, w.probes] as const],
  );
  const withoutProbes = workloads
    .filter(({ w }) => w.probes === false)
    .map(({ label, env, w }) => [label, env, w.name]);

  const containerOf = (env: string, name: string) => {
    const deployment = find(synthObjects(env), 'Deployment', name) as unknown as {
      spec: {
        template: { spec: { terminationGracePeriodSeconds: number; containers: Record<string, unknown>[] } };
      };
    };
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0] as {
      ports?: { containerPort: number; name: string }[];
      readinessProbe?: { httpGet: { path: string; port: number } };
      livenessProbe?: { httpGet: { path: string; port: number } };
      env: { name: string; value?: string }[];
    };
    const value = (variable: string) => container.env.find((e) => e.name === variable)?.value;
    return { pod, container, value };
  };

  test.each(workloads.map(({ label, env, w }) => [label, env, w.name]))(
    '%s: the consumer is told its grace period',
    (_label, env, name) => {
      const { pod, value } = containerOf(env, name);
      expect(value(CONSUMER_ENV.shutdownGraceSeconds)).toBe(String(pod.terminationGracePeriodSeconds));
    },
  );

  test.each(withProbes)(
    '%s: container port, probes and contract env follow the stack file',
    (_label, env, name, probes) => {
      const { container, value } = containerOf(env, name);
      expect(container.ports).toEqual([
        expect.objectContaining({ containerPort: probes.port, name: 'http' }),
      ]);
      expect(container.readinessProbe?.httpGet).toMatchObject({
        path: probes.readinessPath,
        port: probes.port,
      });
      expect(container.livenessProbe?.httpGet).toMatchObject({
        path: probes.livenessPath,
        port: probes.port,
      });
      expect(value(CONSUMER_ENV.httpPort)).toBe(String(probes.port));
    },
  );

  test.each(withoutProbes)(
    '%s: probes: false, so no container port, probes or HTTP port',
    (_label, env, name) => {
      const { container, value } = containerOf(env, name);
      expect(container.ports).toBeUndefined();
      expect(container.readinessProbe).toBeUndefined();
      expect(container.livenessProbe).toBeUndefined();
      expect(value(CONSUMER_ENV.httpPort)).toBeUndefined();
    },
  );
});
