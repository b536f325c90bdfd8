/**
 * What `npm run synth` and a plain `cdk8s synth` share: check every input before anything is written, synthesize
 * into a scratch directory, then either publish it into dist/ (ownership.ts: only the environment folders synth
 * recorded are replaced) or compare it with dist/ (`--check`). cdk8s-cli empties its output directory before it runs the app (cdk8s-cli
 * lib/cli/cmds/synth.js, handler: `fs.rmSync(outdir)`), so cdk8s.yaml points it at a scratch directory and
 * dist/ is only ever written here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { committedCollisions } from '../config/cross-environment';
import {
  displayPath,
  EnvironmentSpecError,
  listEnvironments,
  loadEnvironment,
  stackFilePath,
} from '../config/environment';
import type { EnvironmentSpec } from '../config/environment';
import { handoffFilePath, HandoffError, loadHandoff, type Handoff } from '../config/handoff';
import { InputError } from '../shared/input-error';
import { handoffViolations, SynthInputError, synthEnvironment } from './app';

/** Comma-separated environments to synthesize (set by `npm run synth -- --env`); all when unset. */
export const ENVIRONMENTS_VARIABLE = 'APSARAMQ_KEDA_ENVIRONMENTS';
/** The directory the app publishes into when cdk8s synth runs it. @default dist */
export const DIST_VARIABLE = 'APSARAMQ_KEDA_DIST';
/** Set by `npm run synth`, which publishes or checks itself: the app only synthesizes into CDK8S_OUTDIR. */
export const SYNTH_ONLY_VARIABLE = 'APSARAMQ_KEDA_SYNTH_ONLY';

/** Every input problem of every selected environment, so one run reports them all. */
export class SynthInputsError extends InputError {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

export interface PreparedEnvironment {
  readonly spec: EnvironmentSpec;
  readonly handoff: Handoff;
}

export interface Prepared {
  readonly ready: readonly PreparedEnvironment[];
  /** Environments left out, each with the reason (no hand-off yet). */
  readonly skipped: readonly { readonly environment: string; readonly reason: string }[];
  /** Whether every environment was selected (then recorded folders without a stack file are removed). */
  readonly all: boolean;
  /** Stack files left out of the collision check (invalid, not selected), each with why. */
  readonly notes: readonly string[];
}

/**
 * Loads and cross-checks the selected environments (all when `selected` is undefined). An environment without
 * a hand-off yet (before its first `pulumi up`) is skipped with its reason when all are synthesized, and is an
 * error when it was asked for by name. The selected environments are also compared with every other stack file
 * (infra/config/cross-environment.ts): a collision that involves one of them is a problem too. Throws
 * SynthInputsError with every problem found.
 */
export function prepareEnvironments(selected?: readonly string[]): Prepared {
  const known = listEnvironments();
  const problems: string[] = [];
  const unknown = (selected ?? []).filter((e) => !known.includes(e));
  if (unknown.length > 0) {
    problems.push(`unknown environment ${unknown.join(', ')} (known: ${known.join(', ') || 'none'})`);
  }
  const ready: PreparedEnvironment[] = [];
  const skipped: { environment: string; reason: string }[] = [];
  for (const environment of (selected ?? known).filter((e) => known.includes(e))) {
    try {
      const spec = loadEnvironment(environment);
      if (!fs.existsSync(handoffFilePath(environment)) && selected === undefined) {
        skipped.push({
          environment,
          reason: `no hand-off ${path.relative(process.cwd(), handoffFilePath(environment))} yet: run pulumi up --stack ${environment}, then npm run outputs -- ${environment}`,
        });
        continue;
      }
      const handoff = loadHandoff(environment);
      const violations = handoffViolations(spec, handoff);
      if (violations.length > 0) throw new SynthInputError(environment, violations);
      ready.push({ spec, handoff });
    } catch (error) {
      if (!(
        error instanceof EnvironmentSpecError ||
        error instanceof HandoffError ||
        error instanceof SynthInputError
      ))
        throw error;
      problems.push(error.message);
    }
  }
  // Files valid alone may still share a namespace or an instance (a copied stack file). The environments read
  // above are passed as read, with the instance id of their hand-off, so no file is parsed twice.
  const crossCheck = committedCollisions(
    (selected ?? known).filter((e) => known.includes(e)),
    ready.map(({ spec, handoff }) => ({
      file: displayPath(stackFilePath(spec.name)),
      spec,
      // A self-managed hand-off names a broker cluster, no instance (handedOffInstanceId reads it the same way).
      ...(!('broker' in handoff) && { handoffInstanceId: handoff.instanceId }),
    })),
  );
  problems.push(...crossCheck.collisions);
  if (problems.length > 0) throw new SynthInputsError(problems);
  return { ready, skipped, all: selected === undefined, notes: crossCheck.notes };
}

/** cdk8s.yaml's `app`: the launcher runs infra/synth/main.ts from its bundle (infra/launch/launch.cjs). */
export const CDK8S_APP = 'node infra/launch/launch.cjs infra/synth/main.ts';

/** cdk8s.yaml parsed, or undefined when it is missing or no YAML. */
export function readCdk8sConfig(root: string): unknown {
  try {
    return parseYaml(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Whether a cdk8s.yaml asks `cdk8s synth` for nothing but to empty its output and run CDK8S_APP there: no
 * validation plugins, imports, Helm format or other app (cdk8s-cli 2.207 lib/cli/cmds/synth.js, handler). Then
 * `npm run synth` runs the app's code in its own process and skips the CLI's start.
 */
export function cdk8sOnlyRunsTheApp(config: unknown): boolean {
  return isDeepStrictEqual(config, { language: 'typescript', app: CDK8S_APP, output: SCRATCH_OUTDIR });
}

/** cdk8s.yaml `output`: the CLI empties it before every run, so it is never dist/. */
export const SCRATCH_OUTDIR = 'cdk8s.out';

/** Synthesizes the prepared environments into `scratch/<env>/`; returns the environment names. */
export function synthInto(scratch: string, prepared: Prepared): string[] {
  return prepared.ready.map(({ spec, handoff }) => {
    synthEnvironment(spec, handoff, path.join(scratch, spec.name));
    return spec.name;
  });
}

/** The files of a directory tree, relative to it, sorted; empty when it is no directory. */
function filesOf(dir: string): string[] {
  if (fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

export interface EnvironmentDiff {
  readonly environment: string;
  readonly status: 'up-to-date' | 'stale' | 'missing';
  readonly changed: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** How each environment folder in `target` differs from what was synthesized into `scratch`. */
export function compareOutput(
  scratch: string,
  target: string,
  environments: readonly string[],
): EnvironmentDiff[] {
  return environments.map((environment) => {
    const fresh = path.join(scratch, environment);
    const current = path.join(target, environment);
    const freshFiles = filesOf(fresh);
    const currentFiles = filesOf(current);
    const added = freshFiles.filter((f) => !currentFiles.includes(f));
    const removed = currentFiles.filter((f) => !freshFiles.includes(f));
    const changed = freshFiles.filter(
      (f) =>
        currentFiles.includes(f) &&
        !fs.readFileSync(path.join(fresh, f)).equals(fs.readFileSync(path.join(current, f))),
    );
    const status =
      currentFiles.length === 0
        ? 'missing'
        : added.length + removed.length + changed.length === 0
          ? 'up-to-date'
          : 'stale';
    return { environment, status, changed, added, removed };
  });
}

/** Checks and synthesizes the selected (default: all) environments under `baseOutdir/<env>`; their names. */
export function synthAll(baseOutdir: string, environments?: readonly string[]): string[] {
  return synthInto(baseOutdir, prepareEnvironments(environments));
}
