/**
 * The cdk8s app (cdk8s.yaml `app`). `cdk8s synth` runs it with CDK8S_OUTDIR set to a scratch directory; it
 * checks every environment, synthesizes them there, and then publishes them into dist/ — unless
 * `npm run synth` runs it (SYNTH_ONLY_VARIABLE), which publishes or checks by itself. On bad input it writes
 * nothing and exits 2.
 */
import * as path from 'node:path';
import { runCli } from '../shared/cli';
import {
  DIST_VARIABLE,
  ENVIRONMENTS_VARIABLE,
  prepareEnvironments,
  publish,
  SYNTH_ONLY_VARIABLE,
  synthInto,
} from './pipeline';

/** cdk8s.yaml `output`: the CLI empties it before every run, so it is never dist/. */
const SCRATCH_OUTDIR = 'cdk8s.out';

runCli('cdk8s synth', () => {
  const only = process.env[ENVIRONMENTS_VARIABLE];
  const prepared = prepareEnvironments(only === undefined || only === '' ? undefined : only.split(','));
  const scratch = process.env.CDK8S_OUTDIR ?? SCRATCH_OUTDIR;
  const environments = synthInto(scratch, prepared);
  for (const { environment, reason } of prepared.skipped) {
    process.stderr.write(`skipped ${environment}: ${reason}\n`);
  }
  if (process.env[SYNTH_ONLY_VARIABLE] === '1') return 0;
  // npm run synth prints the notes of its own check; the plain cdk8s CLI has only these.
  for (const note of prepared.notes) process.stderr.write(`${note}\n`);
  const target = process.env[DIST_VARIABLE] ?? 'dist';
  publish(scratch, target, environments, prepared.all);
  for (const environment of environments)
    process.stderr.write(`published ${path.join(target, environment)}/\n`);
  return 0;
});
