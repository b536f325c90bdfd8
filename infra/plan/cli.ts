/**
 * `npm run plan -- --env <env> [--workload <name>] [--profile steady|flash-sale|diurnal|seed-replay|<file.csv>]
 * [--base-rate <msg/s>] [--processing-seconds <s>] [--startup-seconds <s>] [--out <dir>] [--json] [--progress]`: what the autoscaler
 * will do, against the recommendation, the seed guide's config and the physical bound.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { parseCsvProfile, ProfileParseError, type TrafficProfile } from '../../constructs/scaling';
import { loadEnvironment, type WorkloadSpec } from '../config/environment';
import { InputFileError, MAX_PROFILE_BYTES, readInputFile } from '../config/input-file';
import { cliProgram, EXIT_OK, InputError, runCli } from '../shared/cli';
import {
  buildPlan,
  chartSpec,
  formatPlanTable,
  planOptionViolations,
  renderSvg,
  resolveProfile,
  type PlanOptions,
} from './report';

/** Far above any ApsaraMQ instance's TPS; keeps ten times the base rate, summed over a week, finite. */
const MAX_BASE_RATE = 1_000_000;

function baseRate(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !(parsed > 0 && parsed <= MAX_BASE_RATE)) {
    throw new InvalidArgumentError(`must be a number > 0 and <= ${MAX_BASE_RATE} msg/s`);
  }
  return parsed;
}

function nonNegativeNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError('must be a number >= 0');
  }
  return parsed;
}

/** `--outage 600-1200` or `600-1200:empty`: whole seconds, from < to. */
function outageWindow(value: string): NonNullable<PlanOptions['outage']> {
  const match = /^(\d+)-(\d+)(:empty|:error)?$/.exec(value.trim());
  const fromSecond = Number(match?.[1]);
  const toSecond = Number(match?.[2]);
  if (match === null || !(toSecond > fromSecond)) {
    throw new InvalidArgumentError('must be <from>-<to> whole seconds with from < to, optionally :empty');
  }
  return { fromSecond, toSecond, kind: match[3] === ':empty' ? 'empty' : 'error' };
}

function profileFor(option: string, w: WorkloadSpec, baseRate?: number): TrafficProfile {
  if (option.endsWith('.csv')) {
    let text: string;
    try {
      text = readInputFile(option, { what: 'profile', maxBytes: MAX_PROFILE_BYTES });
    } catch (error) {
      const unopened = error instanceof InputFileError && ['missing', 'not-regular'].includes(error.problem);
      throw unopened ? new InputError(`profile file ${option} does not exist or is not a file`) : error;
    }
    // Errors name the path as given; the description (chart title, table) only the file's name.
    const profile = parseCsvProfile(text, option, path.basename(option));
    return { ...profile, name: path.basename(option, '.csv') };
  }
  try {
    return resolveProfile(option, w, baseRate);
  } catch (error) {
    // Only the name or the base rate can be wrong here.
    throw new InputError((error as Error).message);
  }
}

interface CliOptions extends PlanOptions {
  readonly env: string;
  readonly workload?: string;
  readonly profile: string;
  readonly baseRate?: number;
  readonly out: string;
}

interface OutputOptions {
  readonly json?: boolean;
  readonly progress?: boolean;
}

async function main(argv: readonly string[]): Promise<number> {
  const options = cliProgram(
    'plan',
    'Predict what KEDA and the HPA will do for a workload, beside a recommendation and the oracle',
  )
    .requiredOption('-e, --env <env>', 'environment (stacks/Pulumi.<env>.yaml)')
    .option('-w, --workload <name>', 'workload (default: every workload of the environment)')
    .option(
      '-p, --profile <profile>',
      'steady | flash-sale | diurnal | seed-replay | <file.csv>',
      'flash-sale',
    )
    .option('-r, --base-rate <msg/s>', 'base arrival rate of the built-in profiles', baseRate)
    .option(
      '--processing-seconds <s>',
      'mean seconds a message stays in flight (<= the workload maxProcessingSeconds)',
      nonNegativeNumber,
    )
    .option('--startup-seconds <s>', 'seconds from pod creation to ready (default 20)', nonNegativeNumber)
    .option(
      '--outage <from-to[:empty]>',
      'seconds during which every metric query fails (or, with :empty, returns no series), for the current config',
      outageWindow,
    )
    .option('-o, --out <dir>', 'output directory for the SVG chart and JSON', 'plan-out')
    .option('--json', 'print the plans as JSON on stdout instead of the tables')
    .option('--progress', 'print progress lines on stderr (the default when stderr is a terminal)')
    .parse([...argv], { from: 'user' })
    .opts<CliOptions & OutputOptions>();
  const spec = loadEnvironment(options.env);
  const workloads =
    options.workload === undefined
      ? spec.workloads
      : spec.workloads.filter((w) => w.name === options.workload);
  if (workloads.length === 0) {
    throw new InputError(
      `unknown workload ${options.workload} in ${spec.name} (workloads: ${spec.workloads.map((w) => w.name).join(', ')})`,
    );
  }
  const planOptions: PlanOptions = {
    ...(options.processingSeconds !== undefined && { processingSeconds: options.processingSeconds }),
    ...(options.startupSeconds !== undefined && { startupSeconds: options.startupSeconds }),
    ...(options.outage !== undefined && { outage: options.outage }),
  };
  // Every check before anything is written.
  const violations = workloads.flatMap((w) => planOptionViolations(w, planOptions));
  if (violations.length > 0) throw new InputError(violations.join('\n'));
  const jobs = workloads.map((w) => ({ w, profile: profileFor(options.profile, w, options.baseRate) }));
  const showProgress = options.progress === true || process.stderr.isTTY === true;

  fs.mkdirSync(options.out, { recursive: true });
  const plans: unknown[] = [];
  for (const { w, profile } of jobs) {
    const label = `${spec.name}/${w.name} (${profile.name})`;
    const progress = (stage: string): void => {
      if (showProgress) process.stderr.write(`... ${label}: ${stage}\n`);
    };
    const run = buildPlan(spec, w, profile, planOptions, progress);
    const stem = path.join(options.out, `${spec.name}-${w.name}-${profile.name}`);
    progress('rendering the chart');
    fs.writeFileSync(`${stem}.svg`, await renderSvg(chartSpec(run.plan, run.timelines)));
    fs.writeFileSync(`${stem}.json`, `${JSON.stringify(run.plan, null, 2)}\n`);
    if (options.json === true) {
      plans.push({ ...run.plan, files: { chart: `${stem}.svg`, numbers: `${stem}.json` } });
    } else {
      process.stdout.write(`${formatPlanTable(run.plan)}\n`);
      process.stdout.write(`chart: ${stem}.svg  numbers: ${stem}.json\n\n`);
    }
  }
  if (options.json === true) process.stdout.write(`${JSON.stringify(plans, null, 2)}\n`);
  return EXIT_OK;
}

runCli(
  'plan',
  () => main(process.argv.slice(2)),
  (error) => error instanceof ProfileParseError,
);
