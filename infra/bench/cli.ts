/**
 * `npm run bench`: medians of wall time over several runs, printed as a table against the targets.
 * A benchmark, not a test: it reports, it does not fail the build.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { cliProgram, EXIT_OK, runCli } from '../shared/cli';
import { builtInProfile, recommend, simulate } from '../../constructs/scaling';
import { parseEnvironment, stackFilePath } from '../config/environment';
import { loadHandoff, type Handoff } from '../config/handoff';
import { synthEnvironment } from '../synth/app';
import { synthAll } from '../synth/pipeline';

interface Row {
  readonly name: string;
  readonly runs: number;
  readonly targetMs?: number;
  readonly fn: () => void;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The prod stack with `count` workloads (and as many groups), and a matching hand-off. */
export function generatedEnvironment(count: number): {
  spec: ReturnType<typeof parseEnvironment>;
  handoff: Handoff;
} {
  const document = parseYaml(fs.readFileSync(stackFilePath('prod'), 'utf8')) as {
    config: Record<string, unknown>;
  };
  const config = { ...document.config };
  const template = (config['apsaramq-keda:workloads'] as Record<string, unknown>[])[1];
  const names = Array.from({ length: count }, (_, i) => `consumer-${String(i).padStart(3, '0')}`);
  config['apsaramq-keda:consumerGroups'] = names.map((id) => ({
    id,
    deliveryOrderType: 'Concurrently',
    maxRetryTimes: 16,
  }));
  config['apsaramq-keda:workloads'] = names.map((name) => ({ ...template, name, consumerGroup: name }));
  const spec = parseEnvironment('prod', config);
  const base = loadHandoff('prod');
  const handoff: Handoff = {
    ...base,
    workloads: names.map((name) => ({
      name,
      topic: String(template.topic),
      consumerGroup: name,
      credentialsSecretName: `${name}-rocketmq-credentials`,
    })),
  };
  return { spec, handoff };
}

interface BenchOptions {
  readonly json?: boolean;
}

function main(argv: readonly string[]): number {
  const options = cliProgram('bench', 'Benchmark synth, simulate and recommend: medians against the targets')
    .option('--json', 'print the results as JSON instead of the table')
    .parse([...argv], { from: 'user' })
    .opts<BenchOptions>();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-bench-'));
  const large = generatedEnvironment(200);
  const diurnal = builtInProfile('diurnal', 500);
  const flash = builtInProfile('flash-sale', 100);
  const tsx = path.resolve(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
  const rows: Row[] = [
    {
      // What CI and users run: tsx, then the cdk8s CLI running the app, then the swap into the output directory.
      name: 'npm run synth, 3 envs, end to end',
      runs: 5,
      targetMs: 3000,
      fn: () => {
        const run = spawnSync(
          tsx,
          [path.join(__dirname, '..', 'synth', 'cli.ts'), '--out', path.join(scratch, 'cli')],
          {
            stdio: 'ignore',
          },
        );
        if (run.status !== 0) throw new Error(`synth exited with ${run.status}`);
      },
    },
    {
      name: 'synth dev + staging + prod, in process',
      runs: 7,
      fn: () => synthAll(path.join(scratch, 'three')),
    },
    {
      name: 'synth one env, 200 workloads',
      runs: 5,
      targetMs: 10_000,
      fn: () => synthEnvironment(large.spec, large.handoff, path.join(scratch, 'large')),
    },
    {
      name: 'simulate 24 h at 1 s',
      runs: 7,
      targetMs: 1000,
      fn: () =>
        simulate({
          scaling: { threshold: 3000, minReplicas: 2, maxReplicas: 40, arrivalRateThreshold: 40 },
          workload: { messagesPerSecondPerPod: 50, targetDrainSeconds: 60 },
          traffic: diurnal.traffic,
          durationSeconds: diurnal.durationSeconds,
        }),
    },
    {
      name: 'recommend one workload (flash sale, 2 h)',
      runs: 5,
      fn: () =>
        recommend({
          messagesPerSecondPerPod: 50,
          targetDrainSeconds: 60,
          minReplicas: 3,
          maxReplicas: 40,
          traffic: flash.traffic,
          durationSeconds: flash.durationSeconds,
        }),
    },
  ];
  const table: string[][] = [['benchmark', 'runs', 'median ms', 'min ms', 'target ms', '']];
  const results: { name: string; runs: number; medianMs: number; minMs: number; targetMs?: number }[] = [];
  for (const [index, row] of rows.entries()) {
    process.stderr.write(`... [${index + 1}/${rows.length}] ${row.name}: ${row.runs} runs after a warm-up\n`);
    row.fn(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < row.runs; i += 1) {
      const start = performance.now();
      row.fn();
      times.push(performance.now() - start);
    }
    const med = median(times);
    results.push({
      name: row.name,
      runs: row.runs,
      medianMs: Math.round(med),
      minMs: Math.round(Math.min(...times)),
      ...(row.targetMs !== undefined && { targetMs: row.targetMs }),
    });
    table.push([
      row.name,
      String(row.runs),
      med.toFixed(0),
      Math.min(...times).toFixed(0),
      row.targetMs === undefined ? '-' : String(row.targetMs),
      row.targetMs === undefined ? '' : med <= row.targetMs ? 'ok' : 'OVER',
    ]);
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  // resourceUsage().maxRSS is in KiB.
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  if (options.json === true) {
    process.stdout.write(
      `${JSON.stringify({ node: process.version, cores: os.cpus().length, results, peakRssMiB }, null, 2)}\n`,
    );
    return EXIT_OK;
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  console.log(`node ${process.version}, ${os.cpus().length} cores`);
  for (const r of table)
    console.log(
      r
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
        .join('  ')
        .trimEnd(),
    );
  console.log(`peak RSS of the benchmark process: ${peakRssMiB} MiB`);
  return EXIT_OK;
}

if (require.main === module) runCli('bench', () => main(process.argv.slice(2)));
