/**
 * The cdk8s app (cdk8s.yaml `app`). `cdk8s synth` runs it with CDK8S_OUTDIR set to a scratch directory; it
 * checks every environment and the output directory (APSARAMQ_KEDA_DIST, default dist/), synthesizes them
 * there, and then publishes them with the same record as `npm run synth` (ownership.ts) — unless
 * `npm run synth` runs it (SYNTH_ONLY_VARIABLE), which publishes or checks by itself. On bad input, or an
 * output directory synth did not write, it writes nothing and exits 2. There is no --force here: adopting a
 * directory is `npm run synth -- --out <dir> --force`, once.
 */
import * as path from 'node:path';
import { listEnvironments } from '../config/environment';
import { runCli } from '../shared/cli';
import { displayOf, OutputRefusedError, planOutput, publish, type OutputRequest } from './ownership';
import {
  DIST_VARIABLE,
  ENVIRONMENTS_VARIABLE,
  prepareEnvironments,
  SCRATCH_OUTDIR,
  SYNTH_ONLY_VARIABLE,
  synthInto,
} from './pipeline';

runCli('cdk8s synth', () => {
  const only = process.env[ENVIRONMENTS_VARIABLE];
  const prepared = prepareEnvironments(only === undefined || only === '' ? undefined : only.split(','));
  const scratch = process.env.CDK8S_OUTDIR ?? SCRATCH_OUTDIR;
  const publishing = process.env[SYNTH_ONLY_VARIABLE] !== '1';
  const target = process.env[DIST_VARIABLE] ?? 'dist';
  const request: OutputRequest = {
    out: target,
    write: prepared.ready.map((r) => r.spec.name),
    all: prepared.all,
    known: listEnvironments(),
    force: false,
    hints: {
      label: DIST_VARIABLE,
      force: `Run npm run synth -- --out ${displayOf(target)} --force`,
    },
    scratch,
  };
  if (publishing) {
    const early = planOutput(request);
    if (early.refusal !== undefined) throw new OutputRefusedError(early.refusal);
  }
  synthInto(scratch, prepared);
  for (const { environment, reason } of prepared.skipped) {
    process.stderr.write(`skipped ${environment}: ${reason}\n`);
  }
  if (!publishing) return 0;
  // npm run synth prints the notes of its own check; the plain cdk8s CLI has only these.
  for (const note of prepared.notes) process.stderr.write(`${note}\n`);
  const { plan, restored } = publish(scratch, request);
  const lines = [
    ...restored.map(
      (e) => `restored ${path.join(plan.display, e)}/ (its previous version, left by an interrupted synth)`,
    ),
    ...plan.write.map((e) => `published ${path.join(plan.display, e)}/`),
    ...plan.remove.map((r) => `removed ${path.join(plan.display, r.environment)}/ (${r.reason})`),
    ...(plan.leftAlone.length === 0
      ? []
      : [`${plan.display}/: left alone (not written by synth): ${plan.leftAlone.join(', ')}`]),
  ];
  for (const line of lines) process.stderr.write(`${line}\n`);
  return 0;
});
