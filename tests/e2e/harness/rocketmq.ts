/**
 * Apache RocketMQ 5.x for the tests, from Maven Central: a namesrv and a proxy in local mode with the broker
 * embedded, listening on 127.0.0.1 only, with a temporary store, a small heap, the broker's native Prometheus
 * exporter and ACL 2.0 (an admin user with a password made for the run; users, policies, topics and groups
 * added by RocketMqAdmin.java). Jars are resolved once with Maven into the user's Maven repository; later runs
 * reuse them.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePortWith, ProcessGone, startProcess, type Started, stopProcess, waitFor } from './processes';
import { cacheDir } from './cache';
import { loopbackBindLibrary, rewrittenPorts } from './loopback-bind';

/** Pinned broker version (5.3.0 brought ACL 2.0; 5.3.3 is the last 5.3.x on Maven Central). */
export const ROCKETMQ_VERSION = '5.3.3';
const CLUSTER = 'DefaultCluster';
const BROKER_NAME = 'broker-a';

export interface TopicPlan {
  readonly name: string;
  /** @default 4 */
  readonly queues?: number;
  /** @default NORMAL */
  readonly messageType?: 'NORMAL' | 'FIFO' | 'DELAY' | 'TRANSACTION';
}
export interface GroupPlan {
  readonly name: string;
  /** Topics written into the group's own subscription (read by the broker when useStaticSubscription is on). */
  readonly staticTopics?: readonly string[];
  /**
   * Deliveries after the first before the broker moves a message to %DLQ%<group>.
   * @default 16 (apache/rocketmq 5.3.3 SubscriptionGroupConfig.retryMaxTimes)
   */
  readonly retryMaxTimes?: number;
}
export interface UserPlan {
  readonly username: string;
  readonly password: string;
  /** @default Normal */
  readonly userType?: 'Normal' | 'Super';
}
export interface AclPlan {
  /** e.g. User:alice */
  readonly subject: string;
  /** e.g. Topic:orders, Group:order-fulfilment */
  readonly resources: readonly string[];
  readonly actions: readonly string[];
  /** @default Allow */
  readonly decision?: 'Allow' | 'Deny';
}
export interface AdminPlan {
  readonly topics?: readonly TopicPlan[];
  readonly groups?: readonly GroupPlan[];
  readonly users?: readonly UserPlan[];
  readonly acls?: readonly AclPlan[];
  /** Broker settings changed at runtime (updateBrokerConfig). */
  readonly brokerConfig?: Readonly<Record<string, string>>;
  /**
   * Topics created elsewhere (e.g. by mqadmin) whose route to wait for on the name server, ≤ 30 s each, as for
   * `topics`: a client asking the proxy earlier gets a missing route the proxy keeps for 20 s.
   */
  readonly awaitRoutes?: readonly string[];
  /** How long to wait for each route. @default 30 */
  readonly awaitSeconds?: number;
}

export interface RocketMqOptions {
  /** Extra broker.conf lines (key → value). @default none */
  readonly brokerConfig?: Readonly<Record<string, string>>;
  /** Applied once the broker is up. @default nothing */
  readonly plan?: AdminPlan;
}

/** What listens in the two JVMs: namesrv; the proxy's gRPC and remoting servers; the embedded broker's three. */
export type RocketMqListener =
  'namesrv' | 'broker' | 'brokerFastRemoting' | 'brokerHa' | 'proxyGrpc' | 'proxyRemoting' | 'brokerMetrics';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export interface RocketMq {
  /** The super user created at start, with a password made for this run (never logged). */
  readonly adminUser: Credentials;
  /** gRPC endpoint of the proxy, host:port: what clients and ROCKETMQ_ENDPOINT take. */
  readonly endpoint: string;
  /** The broker's Prometheus exporter, host:port. */
  readonly metricsTarget: string;
  readonly namesrvAddr: string;
  readonly brokerAddr: string;
  /** Every port the harness gave the JVMs, by what listens on it. */
  readonly ports: Readonly<Record<RocketMqListener, number>>;
  /** The namesrv and proxy JVMs (the broker runs inside the proxy); the proxy's changes with restartBroker. */
  readonly pids: readonly number[];
  /**
   * Stops the proxy JVM and with it the embedded broker (SIGTERM, as a pod or systemd stops it), keeping its
   * store and ports; namesrv keeps running. Clients see an outage until startBroker.
   */
  stopBroker(): Promise<void>;
  /** Starts the proxy and broker again on the same store, config and ports; resolves once it serves gRPC. */
  startBroker(): Promise<void>;
  /** Ports that RocketMQ binds to the wildcard address whatever its config, moved to loopback by the shim. */
  shimmedPorts(): number[];
  /** Milliseconds from spawning namesrv to the proxy serving gRPC and the exporter answering. */
  readonly startMs: number;
  readonly workdir: string;
  admin(plan: AdminPlan): void;
  /** The broker's log (rocketmq_client is the JVM's stdout). */
  logs(): string;
  stop(): Promise<void>;
}

/** `-Dmaven.repo.local` when MAVEN_REPO_LOCAL is set (used to measure a cold cache). */
function mavenRepoArgs(): string[] {
  const repo = process.env.MAVEN_REPO_LOCAL;
  return repo === undefined || repo === '' ? [] : [`-Dmaven.repo.local=${repo}`];
}

function pom(version: string): string {
  const dependency = (artifactId: string): string =>
    `    <dependency><groupId>org.apache.rocketmq</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
  return [
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>local.apsaramq-keda</groupId>',
    '  <artifactId>rocketmq-test-harness</artifactId>',
    '  <version>1</version>',
    '  <packaging>pom</packaging>',
    '  <dependencies>',
    dependency('rocketmq-namesrv'),
    dependency('rocketmq-proxy'),
    dependency('rocketmq-tools'),
    '  </dependencies>',
    '</project>',
    '',
  ].join('\n');
}

/** The classpath of namesrv, proxy (with the broker) and tools, resolved by Maven on first use. */
export function rocketMqClasspath(version = ROCKETMQ_VERSION): string {
  const dir = path.join(cacheDir(), `rocketmq-${version}`);
  fs.mkdirSync(dir, { recursive: true });
  const key = crypto.createHash('sha256').update(mavenRepoArgs().join(' ')).digest('hex').slice(0, 12);
  const classpathFile = path.join(dir, `classpath-${key}.txt`);
  if (fs.existsSync(classpathFile)) {
    const cached = fs.readFileSync(classpathFile, 'utf8').trim();
    if (cached !== '' && cached.split(path.delimiter).every((jar) => fs.existsSync(jar))) return cached;
  }
  fs.writeFileSync(path.join(dir, 'pom.xml'), pom(version));
  const result = spawnSync(
    'mvn',
    ['-B', '-q', ...mavenRepoArgs(), 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`],
    { cwd: dir, encoding: 'utf8', timeout: 15 * 60_000 },
  );
  if (result.status !== 0) {
    throw new Error(
      `mvn could not resolve RocketMQ ${version} (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return fs.readFileSync(classpathFile, 'utf8').trim();
}

/** Config files hold the run's admin password: readable by this user only, never on a command line. */
function writePrivate(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600 });
}

function properties(values: Record<string, string | number | boolean>): string {
  return `${Object.entries(values)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n')}\n`;
}

const ADMIN_SOURCE = path.join(__dirname, 'RocketMqAdmin.java');
// Short-lived JVMs: C1 only and serial GC start faster and use less memory on a 2-core machine.
const JVM_SMALL = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xss512k'];

export async function startRocketMq(options: RocketMqOptions = {}): Promise<RocketMq> {
  const classpath = rocketMqClasspath();
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-rocketmq-'));
  const conf = path.join(workdir, 'conf');
  const store = path.join(workdir, 'store');
  fs.mkdirSync(conf, { recursive: true });
  // One block of free ports below Linux's ephemeral range (32768+), so no outgoing connection takes one
  // between the check and the bind. Source: apache/rocketmq BrokerController: the broker also listens on
  // listenPort - 2 (fast remoting) and listenPort + 1 (HA).
  const base = await freePortWith([1, 2, 3, 4, 5, 6, 7]);
  const brokerPort = base + 2;
  const namesrvPort = base + 4;
  const grpcPort = base + 5;
  const remotingPort = base + 6;
  const metricsPort = base + 7;
  const namesrvAddr = `127.0.0.1:${namesrvPort}`;
  // 192 random bits per run, so no password of a test broker is ever written in the repository.
  const adminUser: Credentials = {
    username: 'harness-admin',
    password: crypto.randomBytes(24).toString('base64url'),
  };
  const adminCredentials = JSON.stringify({ accessKey: adminUser.username, secretKey: adminUser.password });

  // Source: apache/rocketmq remoting NettyServerConfig.bindAddress (5.3.3, default "0.0.0.0"), read from the
  // namesrv's -c file by NamesrvStartup and from the broker's by BrokerStartup (MixAll.properties2Object).
  fs.writeFileSync(
    path.join(conf, 'namesrv.conf'),
    properties({ listenPort: namesrvPort, bindAddress: '127.0.0.1' }),
  );
  writePrivate(
    path.join(conf, 'broker.conf'),
    properties({
      brokerClusterName: CLUSTER,
      brokerName: BROKER_NAME,
      brokerId: 0,
      // The address the broker registers and the proxy routes clients to: never another interface.
      brokerIP1: '127.0.0.1',
      brokerIP2: '127.0.0.1',
      // Both broker remoting servers (listenPort and the fast one at listenPort - 2) use this NettyServerConfig.
      // Source: apache/rocketmq broker BrokerController.initializeRemotingServer (5.3.3).
      bindAddress: '127.0.0.1',
      listenPort: brokerPort,
      namesrvAddr,
      storePathRootDir: store,
      storePathCommitLog: path.join(store, 'commitlog'),
      mappedFileSizeCommitLog: 64 * 1024 * 1024,
      autoCreateTopicEnable: false,
      autoCreateSubscriptionGroup: false,
      // Source: apache/rocketmq common MetricsExporterType: 2 = PROM (BrokerMetricsManager's Prometheus HTTP server).
      metricsExporterType: 2,
      // Source: apache/rocketmq common BrokerConfig.metricsPromExporterHost (5.3.3), the exporter's bind address.
      metricsPromExporterHost: '127.0.0.1',
      metricsPromExporterPort: metricsPort,
      authenticationEnabled: true,
      authenticationProvider:
        'org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider',
      authenticationMetadataProvider:
        'org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider',
      authorizationEnabled: true,
      authorizationProvider: 'org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider',
      authorizationMetadataProvider:
        'org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider',
      initAuthenticationUser: JSON.stringify({ username: adminUser.username, password: adminUser.password }),
      innerClientAuthenticationCredentials: adminCredentials,
      authConfigPath: path.join(store, 'auth'),
      ...options.brokerConfig,
    }),
  );
  // Source: apache/rocketmq proxy LocalMetadataService: in local mode the proxy's auth metadata providers read
  // the embedded broker's users and policies.
  // Source: apache/rocketmq proxy ProxyConfig (5.3.3): grpcServerPort and remotingListenPort have no bind address;
  // GrpcServerBuilder uses NettyServerBuilder.forPort and RemotingProtocolServer a fresh NettyServerConfig
  // ("0.0.0.0"). The shim below moves both to loopback.
  writePrivate(
    path.join(conf, 'rmq-proxy.json'),
    JSON.stringify(
      {
        rocketMQClusterName: CLUSTER,
        proxyMode: 'local',
        grpcServerPort: grpcPort,
        remotingListenPort: remotingPort,
        namesrvAddr,
        authenticationEnabled: true,
        authenticationProvider:
          'org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider',
        authenticationMetadataProvider: 'org.apache.rocketmq.proxy.auth.ProxyAuthenticationMetadataProvider',
        authorizationEnabled: true,
        authorizationProvider: 'org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider',
        authorizationMetadataProvider: 'org.apache.rocketmq.proxy.auth.ProxyAuthorizationMetadataProvider',
        innerClientAuthenticationCredentials: adminCredentials,
      },
      null,
      2,
    ),
  );
  // mqadmin-style tools read the admin credentials from $ROCKETMQ_HOME/conf/tools.yml.
  writePrivate(
    path.join(conf, 'tools.yml'),
    `accessKey: ${JSON.stringify(adminUser.username)}\nsecretKey: ${JSON.stringify(adminUser.password)}\n`,
  );
  // Three listeners of RocketMQ 5.3.3 bind the wildcard address whatever the config: the proxy's gRPC and
  // remoting servers (above) and the broker's HA acceptor (source: apache/rocketmq store
  // DefaultHAService.AcceptSocketService, `new InetSocketAddress(haListenPort)`; HA cannot be turned off
  // without duplicationEnable, which changes how the commit log is written). The JVMs run with an LD_PRELOAD
  // shim that binds any wildcard bind() to loopback instead (loopback-bind.c).
  const preload = [loopbackBindLibrary(), process.env.LD_PRELOAD]
    .filter((p) => p !== undefined && p !== '')
    .join(' ');
  const jvmEnv = { ...process.env, LD_PRELOAD: preload };

  const jvm = (heapMiB: number): string[] => [
    // Temporary files go into the work directory, which stop() removes: RocksDB's unpacked JNI library, and the
    // proxy's self-signed TLS certificate (Netty SelfSignedCertificate: keyutil_<host>_<n>.crt/.key).
    `-Djava.io.tmpdir=${workdir}`,
    `-Xms${heapMiB}m`,
    `-Xmx${heapMiB}m`,
    '-XX:MaxDirectMemorySize=256m',
    ...JVM_SMALL,
    // Logs and RocksDB files under the temporary directory, never in the user's home.
    `-Duser.home=${workdir}`,
    `-Drocketmq.home.dir=${workdir}`,
    '-cp',
    classpath,
  ];
  const began = Date.now();
  let namesrv: Started | undefined;
  let proxy: Started | undefined;
  let proxyStarts = 0;
  const brokerLog = path.join(workdir, 'logs', 'rocketmqlogs', 'broker.log');
  // Source: apache/rocketmq 5.3.3 broker BrokerOuterAPI.registerBrokerAll, logged after each registration.
  const REGISTERED = 'Registering current broker to name server completed';
  const registrations = (): number =>
    fs.existsSync(brokerLog) ? fs.readFileSync(brokerLog, 'utf8').split(REGISTERED).length - 1 : 0;
  const startProxy = async (awaitRegistration: boolean): Promise<Started> => {
    const registeredBefore = registrations();
    proxyStarts += 1;
    const started = startProcess(
      'java',
      [
        ...jvm(384),
        'org.apache.rocketmq.proxy.ProxyStartup',
        '-pm',
        'local',
        '-bc',
        path.join(conf, 'broker.conf'),
        '-pc',
        path.join(conf, 'rmq-proxy.json'),
      ],
      {
        cwd: workdir,
        env: jvmEnv,
        logFile: path.join(workdir, proxyStarts === 1 ? 'proxy.out' : `proxy-${proxyStarts}.out`),
      },
    );
    proxy = started;
    await waitFor(
      'the RocketMQ proxy to start',
      () => {
        if (started.child.exitCode !== null)
          throw new ProcessGone(`proxy exited ${started.child.exitCode}:\n${started.output()}`);
        if (/Failed to bind|BindException/.test(started.output()))
          throw new ProcessGone(`proxy could not bind:\n${started.output()}`);
        return started.output().includes('rocketmq-proxy startup successfully');
      },
      120_000,
    );
    // A broker serves before the name server lists it when its first registration fails (a loaded machine); until
    // then mqadmin's cluster commands find no broker. The next attempt comes 10 s after start, then every 30 s
    // (BrokerController.start, registerNameServerPeriod). Only at the first start: startBroker resolves when the
    // restarted broker serves, the moment tests/e2e/consumer-failure.test.ts times the consumers' reconnect from.
    if (awaitRegistration)
      await waitFor(
        'the broker to register with the name server',
        () => {
          if (started.child.exitCode !== null)
            throw new ProcessGone(`proxy exited ${started.child.exitCode}:\n${started.output()}`);
          return registrations() > registeredBefore;
        },
        60_000,
      );
    return started;
  };
  const stop = async (): Promise<void> => {
    await stopProcess(proxy, 15_000);
    await stopProcess(namesrv, 10_000);
    if (process.env.APSARAMQ_KEDA_KEEP_BROKER_DIR !== 'true')
      fs.rmSync(workdir, { recursive: true, force: true });
  };
  try {
    namesrv = startProcess(
      'java',
      [...jvm(128), 'org.apache.rocketmq.namesrv.NamesrvStartup', '-c', path.join(conf, 'namesrv.conf')],
      { cwd: workdir, env: jvmEnv, logFile: path.join(workdir, 'namesrv.out') },
    );
    await startProxy(true);
    await waitFor(
      'the broker Prometheus exporter',
      async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).ok,
      30_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const startMs = Date.now() - began;
  const jvms = (): Started[] => [namesrv, proxy].filter((jvm): jvm is Started => jvm !== undefined);
  const brokerAddr = `127.0.0.1:${brokerPort}`;
  const admin = (plan: AdminPlan): void => {
    const file = path.join(workdir, `admin-${crypto.randomUUID()}.json`);
    writePrivate(
      file,
      JSON.stringify({
        brokerAddr,
        namesrvAddr,
        accessKey: adminUser.username,
        secretKey: adminUser.password,
        topics: (plan.topics ?? []).map((t) => ({
          name: t.name,
          queues: t.queues ?? 4,
          messageType: t.messageType ?? 'NORMAL',
        })),
        groups: plan.groups ?? [],
        users: (plan.users ?? []).map((u) => ({ ...u, userType: u.userType ?? 'Normal' })),
        acls: (plan.acls ?? []).map((a) => ({ ...a, decision: a.decision ?? 'Allow' })),
        brokerConfig: plan.brokerConfig,
        awaitRoutes: plan.awaitRoutes ?? [],
        awaitSeconds: plan.awaitSeconds ?? 30,
      }),
    );
    const result = spawnSync('java', [...jvm(128), ADMIN_SOURCE, file], {
      cwd: workdir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.status !== 0 || !result.stdout.includes('admin plan applied')) {
      throw new Error(`RocketMqAdmin failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    }
  };
  const broker: RocketMq = {
    adminUser,
    endpoint: `127.0.0.1:${grpcPort}`,
    metricsTarget: `127.0.0.1:${metricsPort}`,
    namesrvAddr,
    brokerAddr,
    ports: {
      namesrv: namesrvPort,
      broker: brokerPort,
      brokerFastRemoting: brokerPort - 2,
      brokerHa: brokerPort + 1,
      proxyGrpc: grpcPort,
      proxyRemoting: remotingPort,
      brokerMetrics: metricsPort,
    },
    get pids() {
      return jvms().map((jvm) => jvm.pid);
    },
    stopBroker: async () => {
      await stopProcess(proxy, 15_000);
      proxy = undefined;
    },
    startBroker: async () => {
      if (proxy !== undefined) throw new Error('startBroker: the broker is running; stopBroker first');
      await startProxy(false);
    },
    shimmedPorts: () =>
      rewrittenPorts(
        jvms()
          .map((jvm) => jvm.output())
          .join('\n'),
      ),
    startMs,
    workdir,
    admin,
    logs: () => (fs.existsSync(brokerLog) ? fs.readFileSync(brokerLog, 'utf8') : ''),
    stop,
  };
  if (options.plan !== undefined) {
    try {
      admin(options.plan);
    } catch (error) {
      await stop();
      throw error;
    }
  }
  return broker;
}

/** One series of the broker's exporter: its labels and value. */
export interface BrokerSample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

/** The broker's own numbers: the series `name` of its exporter's text, parsed (no Prometheus in between). */
export async function brokerSamples(broker: RocketMq, name: string): Promise<BrokerSample[]> {
  const text = await (await fetch(`http://${broker.metricsTarget}/metrics`)).text();
  const out: BrokerSample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)/.exec(line);
    if (match === null || match[1] !== name) continue;
    const metric: Record<string, string> = {};
    for (const [, k, v] of match[2].matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) metric[k] = v!;
    out.push({ metric, value: Number(match[3]) });
  }
  return out;
}
