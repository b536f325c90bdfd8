/**
 * A real Prometheus (Debian's `prometheus`) scraping a loopback exporter every second, started and stopped
 * by pid. `binary` is '' when it is not installed: suites skip loudly locally and fail under CI=true.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../e2e/harness/processes';
import { ownPrometheusReady } from '../e2e/harness/prometheus';

export const binary = spawnSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' }).stdout.trim();

/** describe, or describe.skip with a loud warning (and a failing test under CI=true) without Prometheus. */
export function describeWithPrometheus(suite: string): jest.Describe {
  if (binary !== '') return describe;
  if (process.env.CI === 'true') {
    test(`${suite}: prometheus is installed (required under CI=true)`, () => {
      throw new Error('prometheus binary not found: .ci/run must apt-get install prometheus');
    });
  } else {
    console.warn(
      `\n!!! SKIPPING ${suite}: no \`prometheus\` on PATH.\n` +
        '!!! Install it with: apt-get update && apt-get install -y prometheus (CI fails without it).\n',
    );
  }
  return describe.skip;
}

export interface QueryResult {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** The request KEDA's prometheus scaler sends: GET <serverAddress>/api/v1/query?query=...&time=<RFC3339>. */
export async function kedaQuery(serverAddress: string, query: string): Promise<QueryResult> {
  const url = `${serverAddress}/api/v1/query?query=${encodeURIComponent(query)}&time=${encodeURIComponent(new Date().toISOString())}`;
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`query ${query}: HTTP ${response.status}`);
  return (await response.json()) as QueryResult;
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 45_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface RunningPrometheus {
  readonly serverAddress: string;
  /** Stops Prometheus by pid, then the exporter, and removes the work directory. */
  stop(): Promise<void>;
}

/** Starts an exporter serving `exposition()` at /metrics and a Prometheus scraping it every second. */
export async function startPrometheus(exposition: () => string): Promise<RunningPrometheus> {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-prom-'));
  const exporter = http.createServer((req, res) => {
    res.writeHead(req.url === '/metrics' ? 200 : 404, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(req.url === '/metrics' ? exposition() : '');
  });
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  const exporterPort = (exporter.address() as AddressInfo).port;
  const port = await freePort();
  const serverAddress = `http://127.0.0.1:${port}`;
  fs.writeFileSync(
    path.join(workdir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: rocketmq',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${exporterPort}']`,
      '',
    ].join('\n'),
  );
  const prometheus: ChildProcess = spawn(
    binary,
    [
      `--config.file=${path.join(workdir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(workdir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const stop = async (): Promise<void> => {
    if (prometheus.exitCode === null && prometheus.pid !== undefined) {
      const exited = new Promise((resolve) => prometheus.once('exit', resolve));
      process.kill(prometheus.pid, 'SIGTERM');
      await exited;
    }
    await new Promise<void>((resolve) => exporter.close(() => resolve()));
    fs.rmSync(workdir, { recursive: true, force: true });
  };
  try {
    await waitFor('Prometheus to be ready', () =>
      ownPrometheusReady(serverAddress, path.join(workdir, 'data')),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { serverAddress, stop };
}
