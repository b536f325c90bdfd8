/**
 * A real Prometheus (Debian's `prometheus`) scraping a loopback exporter every second, started and stopped
 * by pid. `binary` is '' when it is not installed: suites skip loudly locally and fail under CI=true.
 */
import { spawnSync } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor as waitUntil } from '../e2e/harness/processes';
import { type Prometheus, startPrometheus as startScraping } from '../e2e/harness/prometheus';

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

/** Waits for `check` up to `timeoutMs` (45 s by default); a check that reports a dead process ends it at once. */
export function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  return waitUntil(what, check, timeoutMs);
}

export interface RunningPrometheus {
  readonly serverAddress: string;
  /** What Prometheus printed so far. */
  log(): string;
  /** Stops Prometheus by pid, then the exporter, and removes the work directory. */
  stop(): Promise<void>;
}

/** Starts an exporter serving `exposition()` at /metrics and a Prometheus scraping it every second. */
export async function startPrometheus(exposition: () => string): Promise<RunningPrometheus> {
  const exporter = http.createServer((req, res) => {
    res.writeHead(req.url === '/metrics' ? 200 : 404, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(req.url === '/metrics' ? exposition() : '');
  });
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  const closeExporter = () => new Promise<void>((resolve) => exporter.close(() => resolve()));
  const target = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
  let prometheus: Prometheus;
  try {
    prometheus = await startScraping(binary, [{ job: 'rocketmq', target }], 1);
  } catch (error) {
    await closeExporter();
    throw error;
  }
  return {
    serverAddress: prometheus.serverAddress,
    log: () => prometheus.log(),
    stop: async () => {
      await prometheus.stop();
      await closeExporter();
    },
  };
}
