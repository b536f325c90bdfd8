/**
 * The ports the harnesses hand to the processes they start. A port is probed free, closed, then bound by a
 * process that starts a moment later: in between, nothing else may take it. The kernel takes the source port of
 * every outgoing connection from net.ipv4.ip_local_port_range, so a probed port there can go to any of the
 * API server's or the controllers' connections first (the clean-clone CI of e3b89a7: KEDA's metrics adapter
 * exited with "bind: address already in use" on 42539).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { freePort, freePortWith, ProcessGone, waitFor } from './harness/processes';
import { ownPrometheusReady } from './harness/prometheus';
import { waitFor as waitForPrometheus } from '../synth/prometheus-harness';

const [ephemeralLow, ephemeralHigh] = fs
  .readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
  .trim()
  .split(/\s+/)
  .map(Number);

const outsideEphemeral = (port: number): boolean => port < ephemeralLow || port > ephemeralHigh;

describe('harness ports', () => {
  test('every port handed out is outside the kernel ephemeral range, unprivileged, and never handed out twice', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 200; i += 1) ports.push(await freePort());
    expect(ports.filter((p) => !outsideEphemeral(p))).toEqual([]);
    expect(ports.filter((p) => p < 1024 || p > 65535)).toEqual([]);
    expect(new Set(ports).size).toBe(ports.length);
  });

  test('a port group (the broker: base, -2 .. +7) is free, outside the ephemeral range, and shares no port with others', async () => {
    const offsets = [-2, 1, 2, 3, 4, 5, 6, 7];
    const taken = new Set<number>();
    for (let i = 0; i < 20; i += 1) {
      const base = await freePortWith(offsets);
      const group = [base, ...offsets.map((o) => base + o)];
      expect(group.filter((p) => !outsideEphemeral(p))).toEqual([]);
      expect(group.filter((p) => taken.has(p))).toEqual([]);
      for (const p of group) taken.add(p);
    }
    const single = await freePort();
    expect(taken.has(single)).toBe(false);
  });

  test('a port handed out is one a process can bind on 127.0.0.1', async () => {
    const port = await freePort();
    const server = net.createServer();
    const bound = new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    });
    await expect(bound).resolves.toBe(port);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

/** Runs `use` with a server on a free port that answers as any ready Prometheus does, from another TSDB path. */
async function withStranger(use: (address: string) => Promise<void>): Promise<void> {
  const server = http.createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(
      request.url === '/api/v1/status/flags'
        ? JSON.stringify({ status: 'success', data: { 'storage.tsdb.path': '/tmp/someone-else/data' } })
        : 'Prometheus Server is Ready.\n',
    );
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  try {
    await use(`http://127.0.0.1:${port}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('a Prometheus on the port that is not the one the harness started', () => {
  test('is refused with a clear error instead of answering queries from its own data', () =>
    withStranger(async (address) => {
      await expect(ownPrometheusReady(address, '/tmp/ours/data')).rejects.toThrow(
        `another Prometheus answers on ${address}`,
      );
      await expect(ownPrometheusReady(address, '/tmp/someone-else/data')).resolves.toBe(true);
    }));
});

describe('waitFor', () => {
  test('ends at once when a check reports its process gone, naming it', async () => {
    const started = Date.now();
    await expect(
      waitFor('a server', () => Promise.reject(new ProcessGone('server exited 1')), 10_000),
    ).rejects.toThrow('server exited 1');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('keeps waiting through any other error, and names the last one when it times out', async () => {
    let calls = 0;
    await expect(
      waitFor(
        'a server',
        () => {
          calls += 1;
          throw new Error(`connection refused (${calls})`);
        },
        600,
        100,
      ),
    ).rejects.toThrow(/^timed out after 600 ms waiting for a server: connection refused \(\d+\)$/);
    expect(calls).toBeGreaterThanOrEqual(3);
  });

  test('a stranger on the Prometheus port ends the wait at once', () =>
    withStranger(async (address) => {
      const started = Date.now();
      await expect(
        waitFor('Prometheus to be ready', () => ownPrometheusReady(address, '/tmp/ours/data'), 10_000),
      ).rejects.toBeInstanceOf(ProcessGone);
      // The tests/synth suites' wait, 45 s by default.
      await expect(
        waitForPrometheus('Prometheus to be ready', () => ownPrometheusReady(address, '/tmp/ours/data')),
      ).rejects.toBeInstanceOf(ProcessGone);
      expect(Date.now() - started).toBeLessThan(2_000);
    }));
});
