/**
 * The library as another repository gets it (issue 22): `npm pack`, the tarball installed into a scratch
 * project under os.tmpdir() from the npm cache, and programs there that use only the public entry points
 * (tests/library/scratch/, type-checked against the installed declarations, run by plain Node.js).
 */
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packAndInstall, ROOT, type Scratch } from './pack';

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  license: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const PEERS = [
  '@pulumi/pulumi',
  '@pulumi/alicloud',
  '@pulumi/kubernetes',
  '@pulumi/random',
  'cdk8s',
  'cdk8s-plus-28',
  'constructs',
];
/** Files npm adds to every tarball whatever `files` says, and the changelog we list. */
const TOP_FILES = ['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json'];
/** The tarball's size limit: today about 94 kB; a doubling means something that does not belong got in. */
const MAX_TARBALL_BYTES = 192 * 1024;
// Source: sha256 of https://www.apache.org/licenses/LICENSE-2.0.txt, the canonical Apache License 2.0 text.
const APACHE_2_0_SHA256 = 'cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30';
const SCRATCH_SOURCES = path.join(__dirname, 'scratch');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

let scratch: Scratch;
let app: string;
let installed: string;
let compileSeconds: number;

/** Runs a compiled scratch program and parses what it prints. */
function run(program: string): unknown {
  return JSON.parse(
    execFileSync(process.execPath, [path.join(app, 'out', `${program}.js`)], { cwd: app, encoding: 'utf8' }),
  );
}

/** The bare modules a file of lib/ and everything it reaches through relative requires load. */
function bareRequires(entry: string): string[] {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)) {
      if (!spec.startsWith('.')) {
        bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
        continue;
      }
      const target = path.resolve(path.dirname(file), spec);
      walk(fs.existsSync(`${target}.js`) ? `${target}.js` : path.join(target, 'index.js'));
    }
  };
  walk(entry);
  return [...bare].sort();
}

beforeAll(() => {
  scratch = packAndInstall(Object.fromEntries(PEERS.map((name) => [name, manifest.devDependencies[name]])));
  app = path.join(scratch.dir, 'app');
  installed = path.join(app, 'node_modules', ...manifest.name.split('/'));
  for (const file of fs.readdirSync(SCRATCH_SOURCES)) {
    fs.copyFileSync(path.join(SCRATCH_SOURCES, file), path.join(app, file));
  }
  const started = process.hrtime.bigint();
  // The scratch programs type-check against the installed declarations, as another team's build would.
  const tsc = spawnSync(process.execPath, [TSC, '-p', app], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc in the scratch project failed:\n${tsc.stdout}${tsc.stderr}`);
  compileSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(
    `pack-and-install: npm pack ${scratch.packSeconds.toFixed(1)} s, npm ci --offline ` +
      `${scratch.installSeconds.toFixed(1)} s, tsc ${compileSeconds.toFixed(1)} s; tarball ` +
      `${scratch.tarball.size} B (${scratch.tarball.unpackedSize} B unpacked, ${scratch.tarball.files.length} files)\n`,
  );
}, 600_000);

afterAll(() => {
  if (scratch !== undefined) fs.rmSync(scratch.dir, { recursive: true, force: true });
});

describe('the packed library', () => {
  test('holds only the compiled JavaScript and declarations of lib/, the manifest, README, LICENSE and changelog', () => {
    const files = scratch.tarball.files.map((f) => f.path).sort();
    expect(files.filter((f) => !TOP_FILES.includes(f) && !/^lib\/.+\.(js|d\.ts)$/.test(f))).toEqual([]);
    expect(TOP_FILES.filter((f) => !files.includes(f))).toEqual([]);
    for (const folder of ['', 'cloud/', 'k8s/', 'scaling/', 'shared/']) {
      expect(files).toEqual(expect.arrayContaining([`lib/${folder}index.js`, `lib/${folder}index.d.ts`]));
    }
    // No sources but declarations, nothing of tests/, infra/ or stacks/.
    expect(files.filter((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f))).toEqual([]);
    expect(files.filter((f) => /^(tests|infra|stacks)\//.test(f) || f.includes('/tests/'))).toEqual([]);
  });

  test(`is at most ${MAX_TARBALL_BYTES} bytes packed`, () => {
    expect(scratch.tarball.size).toBeLessThanOrEqual(MAX_TARBALL_BYTES);
  });

  test("carries apache.org's Apache-2.0 text, unmodified, as the license package.json names", () => {
    const text = fs.readFileSync(path.join(installed, 'LICENSE'));
    expect(createHash('sha256').update(text).digest('hex')).toBe(APACHE_2_0_SHA256);
    expect(manifest.license).toBe('Apache-2.0');
  });

  test('requires at run time exactly its dependencies, peer dependencies and one Node.js built-in; scaling and shared need no framework', () => {
    const lib = path.join(installed, 'lib');
    // node:crypto: the provisioning Job's name hashes what it applies (constructs/k8s/broker-provisioning.ts).
    expect(bareRequires(path.join(lib, 'index.js'))).toEqual(
      [...Object.keys(manifest.dependencies), ...PEERS, 'node:crypto'].sort(),
    );
    expect(bareRequires(path.join(lib, 'scaling', 'index.js'))).toEqual([]);
    expect(bareRequires(path.join(lib, 'shared', 'index.js'))).toEqual(['cron-parser']);
    expect(bareRequires(path.join(lib, 'cloud', 'index.js'))).toEqual([
      '@pulumi/alicloud',
      '@pulumi/kubernetes',
      '@pulumi/pulumi',
      '@pulumi/random',
    ]);
    // The Grafana dashboard construct builds its model with @grafana/grafana-foundation-sdk (issue 26).
    expect(bareRequires(path.join(lib, 'k8s', 'index.js'))).toEqual([
      '@grafana/grafana-foundation-sdk',
      '@kubernetes-models/keda',
      'cdk8s',
      'cdk8s-plus-28',
      'constructs',
      'cron-parser',
      'node:crypto',
    ]);
  });

  test('declares the frameworks and the Pulumi providers as optional peers, caret ranges from the exact versions the repository tests', () => {
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual([...PEERS].sort());
    for (const name of PEERS) {
      expect(manifest.devDependencies[name]).toMatch(/^\d+\.\d+\.\d+$/);
      expect(`${name}@${manifest.peerDependencies[name]}`).toBe(`${name}@^${manifest.devDependencies[name]}`);
      expect(manifest.peerDependenciesMeta[name]).toEqual({ optional: true });
    }
  });

  test('a Pulumi program creates RocketMqMessaging and ConsumerAccess through apsaramq-keda/cloud under the mocks', () => {
    const out = run('cloud') as {
      vpcEndpoint: string;
      passwordLength: number;
      passwordIsSecret: boolean;
      recorded: { type: string; name: string; inputs: Record<string, unknown> }[];
    };
    expect(out.recorded.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      'alicloud:rocketmq/account:Account consumers-orders-account',
      'alicloud:rocketmq/acl:Acl consumers-orders-group-acl',
      'alicloud:rocketmq/acl:Acl consumers-orders-topic-acl',
      'alicloud:rocketmq/consumerGroup:ConsumerGroup orders-group-orders-consumer',
      'alicloud:rocketmq/rocketMQInstance:RocketMQInstance orders-instance',
      'alicloud:rocketmq/rocketMQTopic:RocketMQTopic orders-topic-orders',
      'apsaramq-keda:cloud:ConsumerAccess consumers',
      'apsaramq-keda:cloud:RocketMqMessaging orders',
      'random:index/randomPassword:RandomPassword consumers-orders-password',
    ]);
    const inputs = (name: string) => out.recorded.find((r) => r.name === name)?.inputs;
    expect(inputs('orders-group-orders-consumer')).toEqual({
      instanceId: 'rmq-cn-scratch1',
      consumerGroupId: 'orders-consumer',
      deliveryOrderType: 'Concurrently',
      consumeRetryPolicy: { retryPolicy: 'DefaultRetryPolicy', maxRetryTimes: 16 },
    });
    expect(inputs('consumers-orders-topic-acl')).toEqual({
      instanceId: 'rmq-cn-scratch1',
      username: 'orders-consumer',
      resourceType: 'Topic',
      resourceName: 'orders',
      actions: ['Sub'],
      decision: 'Allow',
    });
    // The endpoint the mocked instance reads back, as host:port; a 32-character password that stays secret.
    expect(out.vpcEndpoint).toBe('rmq-cn-scratch1-vpc.cn-hangzhou.rmq.aliyuncs.com:8080');
    expect([out.passwordLength, out.passwordIsSecret]).toEqual([32, true]);
  });

  test('a cdk8s chart with ConsumerWorkload and BacklogScaler synthesizes a valid ScaledObject through apsaramq-keda/k8s', () => {
    const objects = run('k8s') as { kind: string; metadata: { name: string }; spec: Record<string, any> }[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are untyped JSON
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/orders',
      'ScaledObject/orders',
      'ServiceAccount/orders',
      'TriggerAuthentication/orders-prometheus',
    ]);
    const scaledObject = objects.find((o) => o.kind === 'ScaledObject');
    expect(() => new ScaledObject(scaledObject as never).validate()).not.toThrow();
    expect(scaledObject?.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' },
      minReplicaCount: 1,
      maxReplicaCount: 10,
      pollingInterval: 30,
      cooldownPeriod: 300,
      // ceil(maxReplicaCount 10 / 2) = 5, above max(minReplicaCount, 1) = 1.
      fallback: { failureThreshold: 3, replicas: 5, behavior: 'currentReplicasIfHigher' },
      triggers: [
        {
          type: 'prometheus',
          name: 'backlog',
          metricType: 'AverageValue',
          authenticationRef: { name: 'orders-prometheus' },
          metadata: {
            serverAddress:
              'http://cn-hangzhou-intranet.arms.aliyuncs.com:9090/api/v1/prometheus/abc/1/cn-hangzhou',
            query:
              'sum({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", ' +
              'instance_id="rmq-cn-x", topic="orders", consumer_group="orders"})',
            threshold: '600',
            activationThreshold: '0',
            ignoreNullValues: 'false',
            authModes: 'custom',
          },
        },
      ],
    });
    // Receive wait 30 + request 3 + maxProcessingSeconds 30 + ack 3 + margin 5 = 71 s.
    const deployment = objects.find((o) => o.kind === 'Deployment');
    expect(deployment?.spec.template.spec.terminationGracePeriodSeconds).toBe(71);
  });

  test('the scaling math answers through apsaramq-keda/scaling', () => {
    expect(run('scaling')).toEqual({
      threshold: 600, // 20 msg/s per pod × 30 s
      shutdownSeconds: 52, // ceil(30 + 3 + 10 / 200 + 10 + 3 + 5) = ceil(51.05)
      proposal: 5, // 3000 / (600 × 2) = 2.5, outside the 0.1 tolerance: ceil(3000 / 600)
    });
  });

  test('an ES module imports the entry points by name', () => {
    const source =
      "import { thresholdFor } from 'apsaramq-keda/scaling'; import { backlogQuery } from 'apsaramq-keda/shared';" +
      'process.stdout.write(JSON.stringify([thresholdFor({ messagesPerSecondPerPod: 5, targetDrainSeconds: 60 }), typeof backlogQuery]));';
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', source], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual([300, 'function']);
  });

  test('a deep import past the entry points is refused', () => {
    const result = spawnSync(process.execPath, ['-e', "require('apsaramq-keda/lib/scaling/thresholds')"], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});
