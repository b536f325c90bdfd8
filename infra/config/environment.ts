/**
 * The environment loader: one stack file (`stacks/Pulumi.<env>.yaml`) in, one validated EnvironmentSpec out.
 * Both programs read environments through here — the Pulumi program from its runtime config, the cdk8s app
 * and the CLIs straight from the file — so it makes no Pulumi runtime call.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { DNS1123_LABEL } from '../../constructs/shared/names';
import { EnvironmentSpecError, formatPath, type Violation } from './errors';
import { PROJECT, RETRY_POLICY_FOR_ORDER, SECRET_CONFIG_KEYS } from './limits';
import { crossFieldViolations } from './rules';
import { type EnvironmentSpec, rawSpecSchema } from './schema';

export * from './errors';
export * from './limits';
export * from './schema';

/**
 * Issues with paths made absolute; a failed union (an instance to create, or one to adopt) reports the issues
 * of the branch that came closest, so `instance.seriesCode` is named instead of a bare "instance: Invalid input".
 */
function closestIssues(issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[] = []): Violation[] {
  return issues.flatMap((issue): Violation[] => {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
      return closestIssues(closest, path);
    }
    return [{ path, message: issue.message }];
  });
}

/**
 * Validates the config values of one stack (keys with their namespace, e.g. `apsaramq-keda:topics`, values
 * already decoded from YAML or JSON) and returns the EnvironmentSpec. Throws EnvironmentSpecError listing
 * every violation.
 */
export function parseEnvironment(
  environment: string,
  config: Readonly<Record<string, unknown>>,
): EnvironmentSpec {
  const violations: string[] = [];
  if (!DNS1123_LABEL.test(environment)) {
    violations.push(`stack name "${environment}" must be a DNS-1123 label`);
  }
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const [namespace, name] = key.includes(':') ? key.split(':', 2) : ['', key];
    if (key === 'alicloud:region') {
      raw.region = value;
    } else if ((SECRET_CONFIG_KEYS as readonly string[]).includes(key)) {
      if (!isSecureValue(value)) {
        violations.push(`${key}: holds a secret in plain text; set it with pulumi config set --secret`);
      }
    } else if (namespace === PROJECT) {
      raw[name] = value;
    } else if (namespace === '' || namespace === undefined) {
      violations.push(`${key}: config keys need a namespace (${PROJECT}:${key})`);
    }
  }
  const parsed = rawSpecSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of closestIssues(parsed.error.issues)) {
      const where = issue.path.length === 0 ? PROJECT : formatPath(issue.path);
      violations.push(`${where}: ${issue.message}`);
    }
    throw new EnvironmentSpecError(environment, violations);
  }
  violations.push(
    ...crossFieldViolations(parsed.data, environment).map((v) => `${formatPath(v.path)} ${v.message}`),
  );
  if (violations.length > 0) throw new EnvironmentSpecError(environment, violations);
  const consumerGroups = parsed.data.consumerGroups.map((g) => ({
    ...g,
    retryPolicy: g.retryPolicy ?? RETRY_POLICY_FOR_ORDER[g.deliveryOrderType],
  }));
  return deepFreeze({ name: environment, ...parsed.data, consumerGroups });
}

function isSecureValue(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'secure' in value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Decodes Pulumi's runtime config (`pulumi.runtime.allConfig()`: every value a string, structured values as
 * JSON) into plain values for parseEnvironment.
 */
export function decodePulumiConfig(allConfig: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(allConfig)) {
    const looksStructured = /^\s*[[{]/.test(value);
    out[key] = looksStructured ? (JSON.parse(value) as unknown) : value;
  }
  return out;
}

/** Path of the stack file of an environment. */
export function stackFilePath(environment: string, stacksDir = defaultStacksDir()): string {
  return path.join(stacksDir, `Pulumi.${environment}.yaml`);
}

export function defaultStacksDir(): string {
  return path.resolve(__dirname, '..', '..', 'stacks');
}

/** The environments with a committed stack file, sorted. */
export function listEnvironments(stacksDir = defaultStacksDir()): string[] {
  return fs
    .readdirSync(stacksDir)
    .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
    .filter((env): env is string => env !== undefined)
    .sort();
}

/** Reads and validates `stacks/Pulumi.<env>.yaml` directly, without the Pulumi CLI. */
export function loadEnvironment(environment: string, stacksDir = defaultStacksDir()): EnvironmentSpec {
  const file = stackFilePath(environment, stacksDir);
  if (!fs.existsSync(file)) {
    const known = fs.existsSync(stacksDir) ? listEnvironments(stacksDir).join(', ') : 'none';
    throw new EnvironmentSpecError(environment, [`no stack file ${file} (known environments: ${known})`]);
  }
  const document: unknown = parseYaml(fs.readFileSync(file, 'utf8'));
  const config =
    typeof document === 'object' && document !== null && 'config' in document ? document.config : undefined;
  if (typeof config !== 'object' || config === null) {
    throw new EnvironmentSpecError(environment, [`${file}: has no config: map`]);
  }
  return parseEnvironment(environment, config as Record<string, unknown>);
}
