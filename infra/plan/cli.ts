/**
 * `npm run plan -- --env <env> [--workload <name>] [--profile steady|flash-sale|diurnal|seed-replay|<file.csv>]
 * [--base-rate <msg/s>] [--processing-seconds <s>] [--startup-seconds <s>] [--out <dir>] [--json] [--progress]`: what the autoscaler
 * will do, against the recommendation, the seed guide's config and the physical bound.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { parseCsvProfile, ProfileParseError, type TrafficProfile } from '../../constructs/scaling';
import { loadEnvironment, type WorkloadSpec } from '../config/environment';
import { InputFileError, MAX_PROFILE_BYTES, readInputFile } from '../config/input-file';
import { cliProgram, EXIT_OK, InputError, runCli, type CliOutput } from '../shared/cli';
import { decimalArgument, parseDecimal, syntaxText, withRange } from '../shared/numeric-flag';
import { OUTAGE_RULE, PLAN_NUMERIC_FLAGS } from './flags';
import {
  buildPlan,
  chartSpec,
  type ChartAssumptions,
  planFileStem,
  formatPlanTable,
  planOptionViolations,
  renderSvg,
  resolveProfile,
  type PlanOptions,
} from './report';

const FLAGS = PLAN_NUMERIC_FLAGS;

/** `--outage 600-1200` or `600-1200:empty`: whole seconds of the profile, from < to, in plain decimal digits. */
function outageWindow(value: string): NonNullable<PlanOptions['outage']> {
  const match = /^([^-]*)-([^:]*)(:empty|:error)?$/.exec(value);
  const range = FLAGS['--outage'];
  const fromSecond = parseDecimal(match?.[1] ?? '', range);
  const toSecond = parseDecimal(match?.[2] ?? '', range);
  if (match === null || fromSecond === undefined || toSecond === undefined || !(toSecond > fromSecond)) {
    throw new InvalidArgumentError(`must be ${OUTAGE_RULE}, ${syntaxText(range)}`);
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

/** Whether two profiles simulate the same: the same traffic over the same seconds. */
function sameTraffic(a: TrafficProfile, b: TrafficProfile): boolean {
  return a.durationSeconds === b.durationSeconds && JSON.stringify(a.traffic) === JSON.stringify(b.traffic);
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

/** The plan command's flags and their parsers, without running it (tests parse with it in-process). */
export function planProgram(io?: CliOutput): Command {
  return cliProgram(
    'plan',
    'Predict what KEDA and the HPA will do for a workload, beside a recommendation and the oracle',
    io,
  )
    .requiredOption('-e, --env <env>', 'environment (stacks/Pulumi.<env>.yaml)')
    .option('-w, --workload <name>', 'workload (default: every workload of the environment)')
    .option(
      '-p, --profile <profile>',
      'steady | flash-sale | diurnal | seed-replay | <file.csv>',
      'flash-sale',
    )
    .option(
      '-r, --base-rate <msg/s>',
      withRange('base arrival rate of the built-in profiles', FLAGS['--base-rate']),
      decimalArgument(FLAGS['--base-rate']),
    )
    .option(
      '--processing-seconds <s>',
      withRange(
        'mean seconds a message stays in flight (<= the workload maxProcessingSeconds)',
        FLAGS['--processing-seconds'],
      ),
      decimalArgument(FLAGS['--processing-seconds']),
    )
    .option(
      '--startup-seconds <s>',
      withRange('seconds from pod creation to ready (default 20)', FLAGS['--startup-seconds']),
      decimalArgument(FLAGS['--startup-seconds']),
    )
    .option(
      '--outage <from-to[:empty]>',
      `seconds during which every metric query fails (or, with :empty, returns no series), for the current config; ${OUTAGE_RULE}, within the profile`,
      outageWindow,
    )
    .option('-o, --out <dir>', 'output directory for the SVG chart and JSON', 'plan-out')
    .option('--json', 'print the plans as JSON on stdout instead of the tables')
    .option('--progress', 'print progress lines on stderr (the default when stderr is a terminal)');
}

async function main(argv: readonly string[]): Promise<number> {
  const options = planProgram()
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
  // Every check before anything is written; a rule broken by every workload alike is told once.
  const jobs = workloads.map((w) => ({ w, profile: profileFor(options.profile, w, options.baseRate) }));
  const violations = new Set(jobs.flatMap(({ w, profile }) => planOptionViolations(w, planOptions, profile)));
  if (violations.size > 0) throw new InputError([...violations].join('\n'));
  const showProgress = options.progress === true || process.stderr.isTTY === true;

  fs.mkdirSync(options.out, { recursive: true });
  const plans: unknown[] = [];
  for (const { w, profile } of jobs) {
    const label = `${spec.name}/${w.name} (${profile.name})`;
    const progress = (stage: string): void => {
      if (showProgress) process.stderr.write(`... ${label}: ${stage}\n`);
    };
    const run = buildPlan(spec, w, profile, planOptions, progress);
    const assumptions: ChartAssumptions = {
      // The base rate is named only where it shaped the traffic (a CSV file or the seed replay ignore it).
      ...(options.baseRate !== undefined &&
        !sameTraffic(profile, profileFor(options.profile, w)) && { baseRatePerSecond: options.baseRate }),
      ...(options.outage !== undefined && { outage: options.outage }),
    };
    // Every flag that changed the result is in the name, so a run with other flags never overwrites this one.
    const stem = path.join(options.out, planFileStem(run.plan, assumptions));
    progress('rendering the chart');
    // The reactive bound is a replica timeline only (it consumes as the oracle does): the replicas panel.
    const replicaSeries = [
      {
        key: 'reactiveBound',
        label: 'reactive bound',
        points: run.timelines.reactiveBound.timeline,
        note: `metrics ${run.plan.reactiveBound.informationDelaySeconds} s late`,
      },
    ];
    fs.writeFileSync(
      `${stem}.svg`,
      await renderSvg(chartSpec(run.plan, run.timelines, { assumptions, replicaSeries })),
    );
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

if (require.main === module) {
  runCli(
    'plan',
    () => main(process.argv.slice(2)),
    (error) => error instanceof ProfileParseError,
  );
}
