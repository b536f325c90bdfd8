/**
 * `npm run synth [-- --env <name>...] [--out <dir>] [--check] [--json]`: runs `cdk8s synth` (cdk8s.yaml) into a
 * scratch directory, then publishes the result into dist/ — or, with --check, only compares it with dist/ and
 * exits 1 when dist/ is stale. Every input is checked before anything runs: bad input exits 2, nothing written.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliProgram, EXIT_FAILURE, EXIT_OK, runCli } from '../shared/cli';
import {
  compareOutput,
  ENVIRONMENTS_VARIABLE,
  prepareEnvironments,
  publish,
  SYNTH_ONLY_VARIABLE,
  type EnvironmentDiff,
} from './pipeline';

interface Options {
  readonly env?: string[];
  readonly out: string;
  readonly check?: boolean;
  readonly json?: boolean;
}

function describeDiff(d: EnvironmentDiff, out: string): string {
  const where = `${path.join(out, d.environment)}/`;
  if (d.status === 'up-to-date') return `${where}: up to date`;
  if (d.status === 'missing') return `${where}: missing (would write ${d.added.join(', ')})`;
  if (d.status === 'extra') return `${where}: not a synthesized environment (would be removed)`;
  const parts = [
    d.changed.length > 0 && `changed ${d.changed.join(', ')}`,
    d.added.length > 0 && `added ${d.added.join(', ')}`,
    d.removed.length > 0 && `removed ${d.removed.join(', ')}`,
  ].filter((p): p is string => p !== false);
  return `${where}: stale (${parts.join('; ')})`;
}

function main(argv: readonly string[]): number {
  const options = cliProgram('synth', 'Synthesize dist/<env>/ from the stack files and hand-offs')
    .option('-e, --env <name...>', 'environments to synthesize (default: all)')
    .option('-o, --out <dir>', 'output directory', 'dist')
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
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-synth-'));
  try {
    const cli = path.resolve(__dirname, '..', '..', 'node_modules', '.bin', 'cdk8s');
    // --no-check-upgrade: the CLI's upgrade check calls the npm registry; synth must run offline.
    const run = spawnSync(cli, ['synth', '--no-check-upgrade', '--output', scratch], {
      cwd: path.resolve(__dirname, '..', '..'),
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        [ENVIRONMENTS_VARIABLE]: environments.join(','),
        [SYNTH_ONLY_VARIABLE]: '1',
      },
    });
    if (run.status !== 0) {
      process.stderr.write(
        `synth: cdk8s synth failed (exit ${run.status ?? run.signal}); ${options.out} is unchanged\n`,
      );
      return EXIT_FAILURE;
    }
    const out = path.resolve(options.out);
    if (options.check === true) {
      const diffs = compareOutput(scratch, out, environments, prepared.all);
      const upToDate = diffs.every((d) => d.status === 'up-to-date');
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ upToDate, environments: diffs, warnings }, null, 2)}\n`);
      } else {
        for (const d of diffs) process.stdout.write(`${describeDiff(d, options.out)}\n`);
        if (!upToDate) process.stdout.write(`run npm run synth to update ${options.out}/\n`);
      }
      return upToDate ? EXIT_OK : EXIT_FAILURE;
    }
    publish(scratch, out, environments, prepared.all);
    const written = environments.map((environment) => ({
      environment,
      directory: path.join(options.out, environment),
      files: fs.readdirSync(path.join(out, environment)).sort(),
    }));
    if (options.json === true) {
      process.stdout.write(`${JSON.stringify({ written, warnings }, null, 2)}\n`);
    } else {
      for (const w of written) process.stdout.write(`${w.directory}/: ${w.files.join(', ')}\n`);
    }
    return EXIT_OK;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) runCli('synth', () => main(process.argv.slice(2)));
