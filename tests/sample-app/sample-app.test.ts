import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
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
    });
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
