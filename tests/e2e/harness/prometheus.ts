/** Debian's Prometheus for the tests: bound to 127.0.0.1, a temporary TSDB, stopped by pid. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { freePort, ProcessGone, startProcess, type Started, stopProcess, waitFor } from './processes';

export interface ScrapeTarget {
  readonly job: string;
  /** host:port */
  readonly target: string;
  /** Labels attached to every series of the target (as ARMS attaches instance_id to its cloud metrics). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface QueryResult {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** One series of a range selector's answer: [unix seconds, value] per stored sample. */
export interface SampledSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface Prometheus {
  readonly serverAddress: string;
  readonly pid: number;
  readonly scrapeIntervalSeconds: number;
  /** GET /api/v1/query?query=...&time=<RFC3339>: the request KEDA's prometheus scaler sends. */
  query(promql: string): Promise<QueryResult>;
  /** Every stored sample of `selector` in the last `seconds`, with its own timestamp (a range selector's answer). */
  samples(selector: string, seconds: number): Promise<SampledSeries[]>;
  /** Waits until the next scrape of every target after now has landed. */
  nextScrape(): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Whether the Prometheus at `serverAddress` is ready and is the one started with `storage` as its TSDB path; a
 * stranger's (its own failed to bind the port) throws, so queries never answer from another run's data.
 */
export async function ownPrometheusReady(serverAddress: string, storage: string): Promise<boolean> {
  if (!(await fetch(`${serverAddress}/-/ready`)).ok) return false;
  const flags = (await (await fetch(`${serverAddress}/api/v1/status/flags`)).json()) as {
    data: Record<string, string>;
  };
  if (flags.data['storage.tsdb.path'] !== storage)
    throw new ProcessGone(`another Prometheus answers on ${serverAddress}`);
  return true;
}

export async function startPrometheus(
  binary: string,
  targets: readonly ScrapeTarget[],
  scrapeIntervalSeconds = 1,
  /** Rule groups as a rule file holds them (`groups:`), evaluated at each group's own interval. @default none */
  ruleGroups: readonly unknown[] = [],
): Promise<Prometheus> {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-prom-'));
  const port = await freePort();
  const serverAddress = `http://127.0.0.1:${port}`;
  const lines = [
    'global:',
    `  scrape_interval: ${scrapeIntervalSeconds}s`,
    `  evaluation_interval: ${scrapeIntervalSeconds}s`,
    ...(ruleGroups.length > 0 ? ['rule_files: [rules.yml]'] : []),
    'scrape_configs:',
  ];
  for (const t of targets) {
    lines.push(
      `  - job_name: ${JSON.stringify(t.job)}`,
      '    static_configs:',
      `      - targets: [${JSON.stringify(t.target)}]`,
    );
    const labels = Object.entries(t.labels ?? {});
    if (labels.length > 0) {
      lines.push('        labels:');
      for (const [k, v] of labels) lines.push(`          ${k}: ${JSON.stringify(v)}`);
    }
  }
  fs.writeFileSync(path.join(workdir, 'prometheus.yml'), `${lines.join('\n')}\n`);
  // Relative rule_files resolve against the configuration file's directory.
  if (ruleGroups.length > 0)
    fs.writeFileSync(path.join(workdir, 'rules.yml'), stringify({ groups: ruleGroups }));
  let server: Started | undefined;
  const stop = async (): Promise<void> => {
    await stopProcess(server);
    fs.rmSync(workdir, { recursive: true, force: true });
  };
  try {
    server = startProcess(
      binary,
      [
        `--config.file=${path.join(workdir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(workdir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { cwd: workdir },
    );
    const started = server;
    const storage = path.join(workdir, 'data');
    await waitFor(
      'Prometheus to be ready',
      async () => {
        if (started.child.exitCode !== null)
          throw new ProcessGone(`prometheus exited ${started.child.exitCode}`);
        return await ownPrometheusReady(serverAddress, storage);
      },
      45_000,
    );
  } catch (error) {
    // Its own words (a refused configuration or rule file, a port in use) with the timeout.
    const output = server?.output().slice(-3000) ?? '';
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- prometheus\n${output}`, {
      cause: error,
    });
  }
  const query = async (promql: string): Promise<QueryResult> => {
    const url = `${serverAddress}/api/v1/query?query=${encodeURIComponent(promql)}&time=${encodeURIComponent(new Date().toISOString())}`;
    const response = await fetch(url);
    if (response.status !== 200)
      throw new Error(`Prometheus answered ${response.status} to ${promql}: ${await response.text()}`);
    return (await response.json()) as QueryResult;
  };
  const samples = async (selector: string, seconds: number): Promise<SampledSeries[]> => {
    const promql = `${selector}[${Math.ceil(seconds)}s]`;
    const response = await fetch(`${serverAddress}/api/v1/query?query=${encodeURIComponent(promql)}`);
    if (response.status !== 200)
      throw new Error(`Prometheus answered ${response.status} to ${promql}: ${await response.text()}`);
    return ((await response.json()) as { data: { result: SampledSeries[] } }).data.result;
  };
  const nextScrape = async (): Promise<void> => {
    const after = Date.now() / 1000;
    await waitFor(
      'a fresh scrape of every target',
      async () => {
        const r = await query('timestamp(up)');
        return (
          r.data.result.length === targets.length && r.data.result.every((s) => Number(s.value[1]) > after)
        );
      },
      30_000,
      200,
    );
  };
  const running = server;
  return {
    serverAddress,
    pid: running.pid,
    scrapeIntervalSeconds,
    query,
    samples,
    nextScrape,
    log: () => running.output(),
    stop,
  };
}
