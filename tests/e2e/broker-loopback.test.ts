/**
 * The real components the harness starts listen on loopback only: every TCP socket in LISTEN state owned by
 * the RocketMQ JVMs (namesrv, proxy with the embedded broker) or Prometheus, or by any child of theirs, read
 * from /proc, is bound to 127.0.0.1 (or ::1), and is one of the ports the harness handed out. The broker's
 * admin password is made for the run and kept off command lines and logs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWith, which } from './harness/availability';
import { type Prometheus, startPrometheus } from './harness/prometheus';
import { type RocketMq, type RocketMqListener, startRocketMq } from './harness/rocketmq';
import { decodeProcAddress, isLoopback, type ListeningSocket, listeningSockets } from './harness/sockets';

jest.setTimeout(180_000);

describe('decodeProcAddress', () => {
  // /proc/net/tcp prints each 32-bit word as a host-order (little-endian on x86-64 and arm64) integer.
  test.each([
    ['0100007F', '127.0.0.1'],
    ['00000000', '0.0.0.0'],
    ['0101A8C0', '192.168.1.1'],
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000001000000', '::1'],
    ['0000000000000000FFFF00000100007F', '::ffff:127.0.0.1'],
    ['0000000000000000FFFF000000000000', '::ffff:0.0.0.0'],
    ['000080FE00000000FF00FC00010000FE', 'fe80::fc:ff:fe00:1'],
  ])('decodes %s as %s', (hex, address) => {
    expect(decodeProcAddress(hex)).toBe(address);
  });

  test.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['::ffff:0.0.0.0', false],
    ['192.168.1.1', false],
  ])('isLoopback(%s) is %s', (address, loopback) => {
    expect(isLoopback(address)).toBe(loopback);
  });
});

/** `address:port role (pid)`, the role being the harness's name for the port. */
function describeSocket(socket: ListeningSocket, roles: ReadonlyMap<number, string>): string {
  return `${socket.address}:${socket.port} ${roles.get(socket.port) ?? 'unexpected'} (pid ${socket.pid})`;
}

/** Every regular file under `dir`, skipping the `skip` folders (relative to `dir`). */
function filesUnder(dir: string, skip: readonly string[], root = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (skip.includes(path.relative(root, full))) return [];
    if (entry.isDirectory()) return filesUnder(full, skip, root);
    return entry.isFile() ? [full] : [];
  });
}

const describeBroker = describeWith(
  ['java', 'mvn', 'cc'],
  'install Java 17, Maven and a C compiler (apt-get install -y openjdk-17-jdk-headless maven gcc libc6-dev); .ci/run requires them',
);

describeBroker('the test RocketMQ (namesrv, proxy, embedded broker) listens on loopback only', () => {
  let broker: RocketMq;
  let sockets: ListeningSocket[];
  let roles: Map<number, string>;
  beforeAll(async () => {
    broker = await startRocketMq();
    sockets = listeningSockets(broker.pids);
    roles = new Map(Object.entries(broker.ports).map(([role, port]) => [port, role]));
    console.info(`RocketMQ listening sockets:\n${sockets.map((s) => describeSocket(s, roles)).join('\n')}`);
  });
  afterAll(async () => {
    await broker?.stop();
  });

  test('every listening TCP socket of the namesrv and proxy JVMs is bound to loopback', () => {
    expect(sockets.filter((s) => !isLoopback(s.address)).map((s) => describeSocket(s, roles))).toEqual([]);
  });

  test('they listen on exactly the ports the harness handed out, one socket each', () => {
    const expected = (Object.entries(broker.ports) as [RocketMqListener, number][])
      .map(([role, port]) => `${role}:${port}`)
      .sort();
    expect(sockets.map((s) => `${roles.get(s.port) ?? 'unexpected'}:${s.port}`).sort()).toEqual(expected);
  });

  test('config binds all but the three listeners RocketMQ 5.3.3 puts on the wildcard address, which the shim moves', () => {
    expect(broker.shimmedPorts().map((port) => roles.get(port) ?? `unexpected:${port}`)).toEqual([
      'brokerHa',
      'proxyGrpc',
      'proxyRemoting',
    ]);
  });

  test('the admin password is 24 random bytes made for the run, on no command line and in no environment', () => {
    const { password } = broker.adminUser;
    // base64url of 24 bytes; the value itself never reaches a message.
    expect(/^[A-Za-z0-9_-]{32}$/.test(password)).toBe(true);
    for (const pid of broker.pids) {
      expect(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(password)).toBe(false);
      expect(fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(password)).toBe(false);
    }
  });

  test('only the three config files hold the admin password, with mode 0600; no log does', () => {
    const { password } = broker.adminUser;
    // The store holds the user metadata (the broker's own record of the user); everything else is config or log.
    const holding = filesUnder(broker.workdir, ['store'])
      .filter((file) => fs.readFileSync(file, 'utf8').includes(password))
      .map(
        (file) => `${path.relative(broker.workdir, file)} ${(fs.statSync(file).mode & 0o777).toString(8)}`,
      );
    expect(holding.sort()).toEqual(['conf/broker.conf 600', 'conf/rmq-proxy.json 600', 'conf/tools.yml 600']);
  });
});

const describePrometheus = describeWith(
  ['prometheus'],
  'install Prometheus (apt-get install -y prometheus); .ci/run requires it',
);

describePrometheus('the test Prometheus listens on loopback only', () => {
  let prometheus: Prometheus;
  beforeAll(async () => {
    prometheus = await startPrometheus(which('prometheus')!, []);
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  test('its only listening TCP socket is its web address on 127.0.0.1', () => {
    const port = Number(new URL(prometheus.serverAddress).port);
    expect(listeningSockets([prometheus.pid]).map((s) => `${s.address}:${s.port}`)).toEqual([
      `127.0.0.1:${port}`,
    ]);
  });
});
