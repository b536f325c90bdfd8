/**
 * `npm run bench`: medians of wall time over several runs, printed as a table against the targets.
 * A benchmark, not a test: it reports, it does not fail the build.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InvalidArgumentError } from 'commander';
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

/** A command timed end to end as a child process, what a user waits for; its runs interleave with the others'. */
interface CommandRow {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly targetMs?: number;
  /** Most the median may be, in bare node starts (the first row's median) of the same run. */
  readonly targetRatio?: number;
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
  readonly runs?: number;
}

interface Result {
  readonly name: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  /** The median in bare node starts of the same run (command rows only). */
  readonly ratio?: number;
  /** Median CPU ms of the command and its children (command rows, on Linux). */
  readonly cpuMs?: number;
  readonly targetMs?: number;
  readonly targetRatio?: number;
  /** Whether the median meets every target the row has; absent without a target. */
  readonly ok?: boolean;
}

/** Clock ticks a second of /proc's CPU times (`getconf CLK_TCK`); undefined off Linux. */
function clockTicks(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout);
  return Number.isInteger(ticks) && ticks > 0 ? ticks : undefined;
}

/**
 * CPU ms (user + system) of this process's waited-for children so far: /proc/self/stat cutime and cstime, which
 * count a child's own children too (npm, node). Unlike wall time, the machine's load hardly moves it.
 */
function childrenCpuMs(ticks: number | undefined): number | undefined {
  if (ticks === undefined) return undefined;
  // The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of proc(5), the 14th and 15th after the name.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticks;
}

/** Wall and CPU time of one child process in ms; throws when it fails. */
function timeCommand(
  row: CommandRow,
  cwd: string,
  ticks: number | undefined,
): { wall: number; cpu?: number } {
  const cpuBefore = childrenCpuMs(ticks);
  const start = performance.now();
  const run = spawnSync(row.command, [...row.args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  const cpuAfter = childrenCpuMs(ticks);
  if (run.status !== 0) {
    throw new Error(
      `${row.name}: ${row.command} ${row.args.join(' ')} exited with ${run.status}\n${String(run.stderr)}`,
    );
  }
  return {
    wall: ms,
    ...(cpuBefore !== undefined && cpuAfter !== undefined && { cpu: cpuAfter - cpuBefore }),
  };
}

function result(
  name: string,
  times: readonly number[],
  targets: Omit<Result, 'name' | 'runs' | 'medianMs' | 'minMs'>,
): Result {
  const med = median([...times]);
  const checks = [
    targets.targetMs === undefined ? undefined : med <= targets.targetMs,
    targets.targetRatio === undefined || targets.ratio === undefined
      ? undefined
      : targets.ratio <= targets.targetRatio,
  ].filter((c): c is boolean => c !== undefined);
  return {
    name,
    runs: times.length,
    medianMs: Math.round(med),
    minMs: Math.round(Math.min(...times)),
    ...targets,
    ...(checks.length > 0 && { ok: checks.every(Boolean) }),
  };
}

function main(argv: readonly string[]): number {
  const options = cliProgram(
    'bench',
    'Benchmark synth, plan, simulate and recommend: medians against the targets',
  )
    .option('--json', 'print the results as JSON instead of the table')
    .option('--runs <n>', 'runs of each command, after a warm-up (default 5)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 100)
        throw new InvalidArgumentError('must be a whole number from 1 to 100');
      return n;
    })
    .parse([...argv], { from: 'user' })
    .opts<BenchOptions>();
  const root = path.resolve(__dirname, '..', '..');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-bench-'));
  const large = generatedEnvironment(200);
  const diurnal = builtInProfile('diurnal', 500);
  const flash = builtInProfile('flash-sale', 100);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const plan = (profile: string): string[] => [
    'run',
    '--silent',
    'plan',
    '--',
    '--env',
    'prod',
    '--workload',
    'order-fulfilment',
    '--profile',
    profile,
    '--out',
    path.join(scratch, 'plan'),
  ];
  // What a user types, through npm; `npm run env` (npm's built-in script) is npm's own share of each.
  const commands: CommandRow[] = [
    { name: 'bare node start (node -e 0)', command: process.execPath, args: ['-e', '0'] },
    { name: "npm's own start (npm run env)", command: npm, args: ['run', '--silent', 'env'] },
    {
      name: 'npm run synth, 3 envs, end to end',
      command: npm,
      args: ['run', '--silent', 'synth', '--', '--out', path.join(scratch, 'cli')],
      targetMs: 1000,
      targetRatio: 10,
    },
    {
      name: 'npm run plan, one workload, flash sale',
      command: npm,
      args: plan('flash-sale'),
      targetMs: 1000,
    },
    { name: 'npm run plan, one workload, diurnal', command: npm, args: plan('diurnal'), targetMs: 2000 },
  ];
  const rows: Row[] = [
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
  const total = 1 + rows.length;
  const results: Result[] = [];
  // Round robin after one warm-up each (which also builds what a first run builds): load on the machine
  // then weighs on every command alike, and the ratios compare runs made side by side.
  const runs = options.runs ?? 5;
  process.stderr.write(`... [1/${total}] ${commands.length} commands, ${runs} rounds after a warm-up\n`);
  const ticks = clockTicks();
  for (const row of commands) timeCommand(row, root, ticks);
  const times = commands.map((): number[] => []);
  const cpu = commands.map((): number[] => []);
  for (let round = 0; round < runs; round += 1) {
    commands.forEach((row, i) => {
      const measured = timeCommand(row, root, ticks);
      times[i].push(measured.wall);
      if (measured.cpu !== undefined) cpu[i].push(measured.cpu);
    });
  }
  const bareNode = median([...times[0]]);
  commands.forEach((row, i) => {
    const ratio = Math.round((median([...times[i]]) / bareNode) * 10) / 10;
    results.push(
      result(row.name, times[i], {
        ratio,
        ...(cpu[i].length > 0 && { cpuMs: Math.round(median([...cpu[i]])) }),
        ...(row.targetMs !== undefined && { targetMs: row.targetMs }),
        ...(row.targetRatio !== undefined && { targetRatio: row.targetRatio }),
      }),
    );
  });
  for (const [index, row] of rows.entries()) {
    process.stderr.write(`... [${index + 2}/${total}] ${row.name}: ${row.runs} runs after a warm-up\n`);
    row.fn(); // warm-up
    const rowTimes: number[] = [];
    for (let i = 0; i < row.runs; i += 1) {
      const start = performance.now();
      row.fn();
      rowTimes.push(performance.now() - start);
    }
    results.push(result(row.name, rowTimes, row.targetMs === undefined ? {} : { targetMs: row.targetMs }));
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  // resourceUsage().maxRSS is in KiB.
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  if (options.json === true) {
    process.stdout.write(
      `${JSON.stringify({ node: process.version, cores: os.cpus().length, loadAverage: os.loadavg(), results, peakRssMiB }, null, 2)}\n`,
    );
    return EXIT_OK;
  }
  const table: string[][] = [['benchmark', 'runs', 'median ms', 'min ms', '× node', 'CPU ms', 'target', '']];
  for (const r of results) {
    const target = [
      r.targetMs === undefined ? undefined : `${r.targetMs} ms`,
      r.targetRatio === undefined ? undefined : `${r.targetRatio}×`,
    ].filter((t) => t !== undefined);
    table.push([
      r.name,
      String(r.runs),
      String(r.medianMs),
      String(r.minMs),
      r.ratio === undefined ? '-' : r.ratio.toFixed(1),
      r.cpuMs === undefined ? '-' : String(r.cpuMs),
      target.length === 0 ? '-' : target.join(', '),
      r.ok === undefined ? '' : r.ok ? 'ok' : 'OVER',
    ]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(`node ${process.version}, ${os.cpus().length} cores, load average ${load}`);
  for (const r of table)
    console.log(
      r
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
        .join('  ')
        .trimEnd(),
    );
  console.log(
    `× node: the median over a bare node start's of the same rounds; CPU ms: the median user + system time of the command and its children; peak RSS of the benchmark process: ${peakRssMiB} MiB`,
  );
  return EXIT_OK;
}

if (require.main === module) runCli('bench', () => main(process.argv.slice(2)));
