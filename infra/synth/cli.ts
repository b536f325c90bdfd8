/**
 * `npm run synth [-- --env <name>...] [--out <dir>] [--force] [--check] [--json]`: runs the cdk8s app
 * (cdk8s.yaml) into a scratch directory — in this process while cdk8s.yaml asks the cdk8s CLI for nothing more,
 * else through `cdk8s synth` — then publishes the result into dist/ — or, with --check, only compares
 * it with dist/ and exits 1 when dist/ is stale. Synth owns only the environment folders it recorded in
 * `<out>/.apsaramq-keda-synth.json` (ownership.ts). Every input and the output directory are checked before
 * anything runs: bad input or a directory synth must not write exits 2, nothing written.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listEnvironments } from '../config/environment';
import { cliProgram, EXIT_FAILURE, EXIT_OK, runCli } from '../shared/cli';
import {
  OutputRefusedError,
  planOutput,
  publish,
  RECORD_FILE,
  STAGING_DIR,
  type OutputHints,
  type OutputPlan,
  type OutputRequest,
} from './ownership';
import {
  cdk8sOnlyRunsTheApp,
  compareOutput,
  ENVIRONMENTS_VARIABLE,
  prepareEnvironments,
  readCdk8sConfig,
  SYNTH_ONLY_VARIABLE,
  synthInto,
  type EnvironmentDiff,
} from './pipeline';

interface Options {
  readonly env?: string[];
  readonly out: string;
  readonly force?: boolean;
  readonly check?: boolean;
  readonly json?: boolean;
}

const HINTS: OutputHints = { label: '--out', force: 'Pass --force' };

function describeDiff(d: EnvironmentDiff, out: string): string {
  const where = `${path.join(out, d.environment)}/`;
  if (d.status === 'up-to-date') return `${where}: up to date`;
  if (d.status === 'missing') return `${where}: missing (would write ${d.added.join(', ')})`;
  const parts = [
    d.changed.length > 0 && `changed ${d.changed.join(', ')}`,
    d.added.length > 0 && `added ${d.added.join(', ')}`,
    d.removed.length > 0 && `removed ${d.removed.join(', ')}`,
  ].filter((p): p is string => p !== false);
  return `${where}: stale (${parts.join('; ')})`;
}

/** The lines of a plan that --check and a write share: what is left alone. */
function leftAloneLine(plan: OutputPlan): string[] {
  return plan.leftAlone.length === 0
    ? []
    : [`${plan.display}/: left alone (not written by synth): ${plan.leftAlone.join(', ')}`];
}

const removals = (plan: OutputPlan) =>
  plan.remove.map((r) => ({ ...r, directory: path.join(plan.display, r.environment) }));

/** --check: prints the plan; 0 up to date, 1 stale; a directory synth would refuse throws (exit 2). */
function check(plan: OutputPlan, diffs: EnvironmentDiff[], warnings: string[], json: boolean): number {
  const recordFile = path.join(plan.display, RECORD_FILE);
  const upToDate =
    diffs.every((d) => d.status === 'up-to-date') &&
    plan.remove.length === 0 &&
    plan.record.status === 'up-to-date' &&
    plan.restore === undefined;
  if (json) {
    const report = {
      upToDate,
      environments: diffs,
      remove: removals(plan),
      record: { file: recordFile, status: plan.record.status, environments: plan.record.environments },
      leftAlone: plan.leftAlone,
      ...(plan.restore !== undefined && {
        interrupted: { directory: path.join(plan.display, STAGING_DIR), restore: plan.restore },
      }),
      ...(plan.refusal !== undefined && { refused: plan.refusal }),
      warnings,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [
      ...diffs.map((d) => describeDiff(d, plan.display)),
      ...plan.remove.map((r) => `${path.join(plan.display, r.environment)}/: would be removed (${r.reason})`),
      ...(plan.restore === undefined
        ? []
        : [
            `${path.join(plan.display, STAGING_DIR)}/: left by an interrupted synth (the next synth restores ${plan.restore.map((e) => `${e}/`).join(', ')} from it and removes it)`,
          ]),
      plan.record.status === 'up-to-date'
        ? `${recordFile}: up to date`
        : `${recordFile}: ${plan.record.status} (would record ${plan.record.environments.join(', ') || 'no environment'})`,
      ...leftAloneLine(plan),
      ...(upToDate || plan.refusal !== undefined ? [] : [`run npm run synth to update ${plan.display}/`]),
    ];
    for (const line of lines) process.stdout.write(`${line}\n`);
  }
  if (plan.refusal !== undefined) throw new OutputRefusedError(plan.refusal);
  return upToDate ? EXIT_OK : EXIT_FAILURE;
}

function main(argv: readonly string[]): number {
  const options = cliProgram('synth', 'Synthesize dist/<env>/ from the stack files and hand-offs')
    .option('-e, --env <name...>', 'environments to synthesize (default: all)')
    .option('-o, --out <dir>', 'output directory', 'dist')
    .option(
      '--force',
      `adopt an output directory synth did not write (no ${RECORD_FILE}): write the environment folders there, replacing folders of the same names; nothing else is deleted`,
    )
    .option('--check', 'compare with the output directory instead of writing it; exit 1 when it is stale')
    .option('--json', 'print the result as JSON')
    .parse([...argv], { from: 'user' })
    .opts<Options>();
  // Fails with exit 2 and every problem before cdk8s runs.
  const prepared = prepareEnvironments(options.env);
  const warnings = [
    ...prepared.skipped.map((s) => `skipped ${s.environment}: ${s.reason}`),
    ...prepared.notes,
  ];
  if (!options.json) for (const w of warnings) process.stderr.write(`${w}\n`);
  const environments = prepared.ready.map((r) => r.spec.name);
  const request: OutputRequest = {
    out: options.out,
    write: environments,
    all: prepared.all,
    known: listEnvironments(),
    force: options.force === true,
    hints: HINTS,
  };
  // A directory synth must not write is refused before cdk8s runs; --check reports it after its comparison.
  const early = planOutput(request);
  if (options.check !== true && early.refusal !== undefined) throw new OutputRefusedError(early.refusal);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-synth-'));
  try {
    const root = path.resolve(__dirname, '..', '..');
    if (cdk8sOnlyRunsTheApp(readCdk8sConfig(root))) {
      // What the cdk8s CLI would do in a child process with this cdk8s.yaml, without its start (about 1 s).
      try {
        synthInto(scratch, prepared);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(`synth: ${message}\nsynth: synthesis failed; ${early.display} is unchanged\n`);
        return EXIT_FAILURE;
      }
    } else {
      const cli = path.join(root, 'node_modules', '.bin', 'cdk8s');
      // --no-check-upgrade: the CLI's upgrade check calls the npm registry; synth must run offline.
      const run = spawnSync(cli, ['synth', '--no-check-upgrade', '--output', scratch], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          ...process.env,
          [ENVIRONMENTS_VARIABLE]: environments.join(','),
          [SYNTH_ONLY_VARIABLE]: '1',
        },
      });
      if (run.status !== 0) {
        process.stderr.write(
          `synth: cdk8s synth failed (exit ${run.status ?? run.signal}); ${early.display} is unchanged\n`,
        );
        return EXIT_FAILURE;
      }
    }
    if (options.check === true) {
      return check(
        early,
        compareOutput(scratch, early.target, environments),
        warnings,
        options.json === true,
      );
    }
    const { plan, restored } = publish(scratch, request);
    const written = environments.map((environment) => ({
      environment,
      directory: path.join(plan.display, environment),
      files: fs.readdirSync(path.join(plan.target, environment)).sort(),
    }));
    const adopted =
      plan.ownership === 'force' || plan.ownership === 'earlier-synth' ? plan.ownership : undefined;
    if (options.json === true) {
      const report = {
        written,
        removed: removals(plan),
        restored: restored.map((environment) => ({
          environment,
          directory: path.join(plan.display, environment),
        })),
        ...(adopted !== undefined && { adopted }),
        record: { file: path.join(plan.display, RECORD_FILE), environments: plan.record.environments },
        leftAlone: plan.leftAlone,
        warnings,
      };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const lines = [
        ...restored.map(
          (e) =>
            `restored ${path.join(plan.display, e)}/ (its previous version, left by an interrupted synth)`,
        ),
        ...(adopted === 'force' ? [`adopted ${plan.display}/ (--force)`] : []),
        ...(adopted === 'earlier-synth'
          ? [
              `adopted ${plan.display}/ (an earlier synth wrote it: only environment folders of generated files)`,
            ]
          : []),
        ...written.map((w) => `${w.directory}/: ${w.files.join(', ')}`),
        ...plan.remove.map((r) => `removed ${path.join(plan.display, r.environment)}/ (${r.reason})`),
        ...leftAloneLine(plan),
      ];
      for (const line of lines) process.stdout.write(`${line}\n`);
    }
    return EXIT_OK;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) runCli('synth', () => main(process.argv.slice(2)));
