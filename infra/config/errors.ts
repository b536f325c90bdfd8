/** The loader's error: every violation of one environment at once, each naming its path. */
import * as path from 'node:path';
import { DNS1123_LABEL, DNS1123_LABEL_MAX_LENGTH } from '../../constructs/shared';
import { InputError } from '../shared/input-error';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** A file as messages show it: relative to the repository when inside it (`stacks/Pulumi.dev.yaml`). */
export function displayPath(file: string): string {
  const relative = path.relative(REPO_ROOT, path.resolve(file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(file) : relative;
}

/** The rule an environment (stack) name follows: it names files, Kubernetes objects and cloud resources. */
export const ENVIRONMENT_NAME_RULE = `must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most ${DNS1123_LABEL_MAX_LENGTH} characters`;

/** Whether `name` can be an environment: a DNS-1123 label (so it holds no path separator and no `..`). */
export function isEnvironmentName(name: string): boolean {
  return name.length <= DNS1123_LABEL_MAX_LENGTH && DNS1123_LABEL.test(name);
}

/** An environment name that is no stack name: refused before any path is built from it, and echoed quoted. */
export class EnvironmentNameError extends InputError {
  constructor(readonly environment: string) {
    super(`environment ${JSON.stringify(environment)} is not a stack name: ${ENVIRONMENT_NAME_RULE}`);
  }
}

/** Throws EnvironmentNameError unless `name` is an environment name. */
export function assertEnvironmentName(name: string): void {
  if (!isEnvironmentName(name)) throw new EnvironmentNameError(name);
}

/** The stack file of an environment as messages show it; never a path built from a name that is no stack name. */
function defaultDisplay(environment: string): string {
  const stacks = path.join(REPO_ROOT, 'stacks');
  return displayPath(
    isEnvironmentName(environment) ? path.join(stacks, `Pulumi.${environment}.yaml`) : stacks,
  );
}

/**
 * Thrown with every violation of a spec at once, each naming its path. Shape errors (types, ranges, names)
 * come first; rules across fields (a workload's topic exists, min <= max, ...) are checked once every field
 * has its shape, and are then all reported together.
 */
export class EnvironmentSpecError extends InputError {
  constructor(
    readonly environment: string,
    readonly violations: readonly string[],
    /** The stack file, as displayPath shows it; every message starts with it. */
    readonly file: string = defaultDisplay(environment),
  ) {
    super(`${file}: environment "${environment}" is invalid:\n  - ${violations.join('\n  - ')}`);
  }
}

/** Renders a zod path as `workloads[1].maxReplicas`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`))
    .join('');
}

export interface Violation {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}
