/** The loader's error: every violation of one environment at once, each naming its path. */
import * as path from 'node:path';
import { InputError } from '../shared/input-error';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** A file as messages show it: relative to the repository when inside it (`stacks/Pulumi.dev.yaml`). */
export function displayPath(file: string): string {
  const relative = path.relative(REPO_ROOT, path.resolve(file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(file) : relative;
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
    readonly file: string = displayPath(path.join(REPO_ROOT, 'stacks', `Pulumi.${environment}.yaml`)),
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
