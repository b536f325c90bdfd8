/**
 * `npm run plan -- --env <env> [--workload <name>] [--profile steady|flash-sale|diurnal|seed-replay|<file.csv>]
 * [--out <dir>]`: what the autoscaler will do, against the recommendation and the physical bound.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { parseCsvProfile, type TrafficProfile } from '../constructs/scaling';
import { loadEnvironment, type WorkloadSpec } from './environment';
import { buildPlan, chartSpec, formatPlanTable, renderSvg, resolveProfile } from './plan-report';

class UsageError extends Error {}

function profileFor(option: string, w: WorkloadSpec, baseRate?: number): TrafficProfile {
  if (option.endsWith('.csv')) {
    if (!fs.existsSync(option)) throw new UsageError(`profile file ${option} does not exist`);
    const profile = parseCsvProfile(fs.readFileSync(option, 'utf8'), option);
    return { ...profile, name: path.basename(option, '.csv') };
  }
  try {
    return resolveProfile(option, w, baseRate);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function main(): Promise<void> {
  const program = new Command()
    .name('plan')
    .description(
      'Predict what KEDA and the HPA will do for a workload, beside a recommendation and the oracle',
    )
    .requiredOption('-e, --env <env>', 'environment (stacks/Pulumi.<env>.yaml)')
    .option('-w, --workload <name>', 'workload (default: every workload of the environment)')
    .option(
      '-p, --profile <profile>',
      'steady | flash-sale | diurnal | seed-replay | <file.csv>',
      'flash-sale',
    )
    .option('-r, --base-rate <msgPerSecond>', 'base arrival rate of the built-in profiles', (v) => Number(v))
    .option('-o, --out <dir>', 'output directory for the SVG chart and JSON', 'plan-out')
    .parse();
  const options = program.opts<{
    env: string;
    workload?: string;
    profile: string;
    baseRate?: number;
    out: string;
  }>();
  if (options.baseRate !== undefined && !(options.baseRate > 0))
    throw new UsageError('--base-rate must be a number > 0');

  const spec = loadEnvironment(options.env);
  const workloads =
    options.workload === undefined
      ? spec.workloads
      : spec.workloads.filter((w) => w.name === options.workload);
  if (workloads.length === 0) {
    throw new UsageError(
      `unknown workload ${options.workload} in ${spec.name} (workloads: ${spec.workloads.map((w) => w.name).join(', ')})`,
    );
  }
  fs.mkdirSync(options.out, { recursive: true });
  for (const w of workloads) {
    const profile = profileFor(options.profile, w, options.baseRate);
    const run = buildPlan(spec, w, profile);
    const stem = path.join(options.out, `${spec.name}-${w.name}-${profile.name}`);
    fs.writeFileSync(`${stem}.svg`, await renderSvg(chartSpec(run.plan, run.timelines)));
    fs.writeFileSync(`${stem}.json`, `${JSON.stringify(run.plan, null, 2)}\n`);
    console.log(formatPlanTable(run.plan));
    console.log(`chart: ${stem}.svg  numbers: ${stem}.json\n`);
  }
}

main().catch((error: unknown) => {
  console.error(`plan: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
