/**
 * `npm run synth [-- --env <name>...]`: runs `cdk8s synth` (cdk8s.yaml) into a scratch directory, then
 * swaps the result into dist/ — all environments, or only the named ones, so a failed run never leaves a
 * half-written dist/.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { listEnvironments } from '../config/environment';
import { ENVIRONMENTS_VARIABLE } from '../synth/app';

const program = new Command()
  .name('synth')
  .description('Synthesize dist/<env>/ for the committed environments')
  .option('-e, --env <name...>', 'environments to synthesize (default: all)')
  .option('-o, --out <dir>', 'output directory', 'dist')
  .parse();

const options = program.opts<{ env?: string[]; out: string }>();
const known = listEnvironments();
const unknown = (options.env ?? []).filter((e) => !known.includes(e));
if (unknown.length > 0) {
  console.error(`unknown environment ${unknown.join(', ')} (known: ${known.join(', ')})`);
  process.exit(2);
}
const selected = options.env ?? known;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-synth-'));
try {
  const cli = path.resolve(__dirname, '..', '..', 'node_modules', '.bin', 'cdk8s');
  // --no-check-upgrade: the CLI's upgrade check calls the npm registry; synth must run offline.
  const run = spawnSync(cli, ['synth', '--no-check-upgrade', '--output', scratch], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, [ENVIRONMENTS_VARIABLE]: selected.join(',') },
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
  if (options.env === undefined) fs.rmSync(options.out, { recursive: true, force: true });
  fs.mkdirSync(options.out, { recursive: true });
  for (const env of selected) {
    const target = path.join(options.out, env);
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(path.join(scratch, env), target, { recursive: true });
    const files = fs.readdirSync(target).sort();
    console.log(`${target}/: ${files.join(', ')}`);
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
