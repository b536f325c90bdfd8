/**
 * The environment loader: one stack file (`stacks/Pulumi.<env>.yaml`) in, one validated EnvironmentSpec out.
 * Both programs read environments through here — the Pulumi program from its runtime config, the cdk8s app
 * and the CLIs straight from the file — so it makes no Pulumi runtime call.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as z from 'zod';
import { closestKey, isEngineKey, knownConfigKeys, REGION_KEY, unknownKeyMessage } from './config-keys';
import {
  assertEnvironmentName,
  displayPath,
  EnvironmentSpecError,
  formatPath,
  isEnvironmentName,
} from './errors';
import { InputFileError, MAX_STACK_FILE_BYTES, readInputFile } from './input-file';
import { PROJECT, RETRY_POLICY_FOR_ORDER, SECRET_CONFIG_KEYS } from './limits';
import { crossFieldViolations } from './rules';
import { keysAt } from './schema-keys';
import { credentialValueFindings } from './secret-findings';
import { parseStackYaml } from './stack-file';
import { type EnvironmentSpec, rawSpecSchema } from './schema';
import {
  brokerFlavor,
  foreignKeyViolations,
  selfManagedSpecSchema,
  selfManagedViolations,
} from './self-managed';

export * from './errors';
export * from './limits';
export * from './schema';
export * from './self-managed';

/**
 * Issues with paths made absolute; a failed union (an instance to create, or one to adopt) reports the issues
 * of the branch that came closest, so `instance.seriesCode` is named instead of a bare "instance: Invalid input".
 */
function closestIssues(
  issues: readonly z.core.$ZodIssue[],
  base: readonly PropertyKey[] = [],
): z.core.$ZodIssue[] {
  return issues.flatMap((issue): z.core.$ZodIssue[] => {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
      return closestIssues(closest, path);
    }
    return [{ ...issue, path }];
  });
}

/**
 * The project's own sections (`apsaramq-keda:<section>`) of either broker flavor; the region comes from
 * `alicloud:region`.
 */
export const PROJECT_SECTIONS: readonly string[] = [
  ...new Set([...Object.keys(rawSpecSchema.shape), ...Object.keys(selfManagedSpecSchema.shape)]),
].filter((k) => k !== 'region');

/**
 * Validates the config values of one stack (keys with their namespace, e.g. `apsaramq-keda:topics`, values
 * already decoded from YAML or JSON) and returns the EnvironmentSpec. Throws EnvironmentSpecError listing
 * every violation; its message starts with `file`.
 */
export function parseEnvironment(
  environment: string,
  config: Readonly<Record<string, unknown>>,
  file?: string,
): EnvironmentSpec {
  const fail = (violations: string[]): never => {
    throw file === undefined
      ? new EnvironmentSpecError(environment, violations)
      : new EnvironmentSpecError(environment, violations, displayPath(file));
  };
  const violations: string[] = [];
  if (!isEnvironmentName(environment)) {
    violations.push(`stack name "${environment}" must be a DNS-1123 label`);
  }
  const known = knownConfigKeys(PROJECT_SECTIONS);
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const [namespace, name] = key.includes(':') ? key.split(':', 2) : ['', key];
    if (key === REGION_KEY) {
      raw.region = value;
    } else if ((SECRET_CONFIG_KEYS as readonly string[]).includes(key)) {
      if (!isSecureValue(value)) {
        violations.push(`${key}: holds a secret in plain text; set it with pulumi config set --secret`);
      }
    } else if (namespace === PROJECT && PROJECT_SECTIONS.includes(name)) {
      raw[name] = value;
    } else if (namespace === '') {
      const suggestion = closestKey(`${PROJECT}:${key}`, known);
      violations.push(
        `${key}: config keys need a namespace${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`,
      );
    } else if (!isEngineKey(key) && !known.includes(key)) {
      violations.push(unknownKeyMessage(key, known));
    }
  }
  // issue 27: the flavor decides the schema; a key of the other flavor is named with its rule and left out.
  const named = brokerFlavor(raw.broker);
  const flavor = 'flavor' in named ? named.flavor : 'apsaramq';
  if ('error' in named) {
    violations.push(`${PROJECT}:broker: ${named.error}`);
    delete raw.broker;
  }
  const foreign = foreignKeyViolations(flavor, raw);
  for (const v of foreign.violations) {
    violations.push(`${v.path[0] === REGION_KEY ? REGION_KEY : formatPath(v.path)}: ${v.message}`);
  }
  const kept = { ...foreign.rest };
  for (const key of Object.keys(raw)) delete raw[key];
  Object.assign(raw, kept);
  const schema = flavor === 'self-managed' ? selfManagedSpecSchema : rawSpecSchema;
  if (flavor === 'apsaramq' && raw.region === undefined) {
    violations.push(`${REGION_KEY}: is required: the region of the environment, such as cn-hangzhou`);
  }
  // Reported whatever else is wrong: the file is committed, so a credential in it must go first.
  for (const name of PROJECT_SECTIONS) {
    for (const finding of credentialValueFindings(raw[name], [name])) {
      violations.push(`${formatPath(finding.path)}: ${finding.message}`);
    }
  }
  // Once per run: zod's generated fast path (new Function per object schema) costs more to build than it saves.
  const parsed = schema.safeParse(raw, { jitless: true });
  if (!parsed.success) {
    for (const issue of closestIssues(parsed.error.issues)) {
      if (issue.path[0] === 'region' && raw.region === undefined) continue;
      if (issue.path.length === 1 && raw[String(issue.path[0])] === undefined) {
        violations.push(`${PROJECT}:${String(issue.path[0])}: is required`);
        continue;
      }
      if (issue.code === 'unrecognized_keys') {
        const allowed = keysAt(schema, issue.path);
        for (const key of issue.keys) {
          const suggestion = closestKey(key, allowed);
          const at = formatPath([...issue.path, key]);
          violations.push(
            suggestion === undefined
              ? `${at}: unknown key (known: ${allowed.join(', ')})`
              : `${at}: unknown key; did you mean ${suggestion}?`,
          );
        }
        continue;
      }
      const where =
        issue.path.length === 0 ? PROJECT : issue.path[0] === 'region' ? REGION_KEY : formatPath(issue.path);
      const missing = issue.code === 'invalid_type' && / received undefined$/.test(issue.message);
      violations.push(`${where}: ${missing ? `is required (${issue.expected})` : issue.message}`);
    }
    return fail(violations);
  }
  violations.push(
    ...crossFieldViolations(parsed.data, environment).map((v) => `${formatPath(v.path)} ${v.message}`),
  );
  if (parsed.data.broker === 'self-managed') {
    violations.push(...selfManagedViolations(parsed.data).map((v) => `${formatPath(v.path)}: ${v.message}`));
  }
  if (violations.length > 0) return fail(violations);
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

/** Path of the stack file of an environment; throws EnvironmentNameError for a name that is no stack name. */
export function stackFilePath(environment: string, stacksDir = defaultStacksDir()): string {
  assertEnvironmentName(environment);
  return path.join(stacksDir, `Pulumi.${environment}.yaml`);
}

/** Environment variable that points the loader at another stacks directory (tests, a scratch copy). */
export const STACKS_DIR_VARIABLE = 'APSARAMQ_KEDA_STACKS_DIR';

export function defaultStacksDir(): string {
  const override = process.env[STACKS_DIR_VARIABLE];
  return override !== undefined && override !== ''
    ? path.resolve(override)
    : path.resolve(__dirname, '..', '..', 'stacks');
}

/**
 * The environments with a stack file, sorted: every `Pulumi.<env>.yaml` entry, whatever its type, so a directory,
 * a FIFO or a link of that name is refused when loaded (synth fails) instead of silently left out (and its dist/
 * folder removed).
 */
export function listEnvironments(stacksDir = defaultStacksDir()): string[] {
  return fs
    .readdirSync(stacksDir)
    .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
    .filter((env): env is string => env !== undefined)
    .sort();
}

/**
 * Reads and validates `stacks/Pulumi.<env>.yaml` directly, without the Pulumi CLI. The name is checked before a
 * path is built from it; the file is read as readInputFile does (a regular file in the stacks directory, at most
 * MAX_STACK_FILE_BYTES, strict UTF-8); every problem is an EnvironmentSpecError naming the file.
 */
export function loadEnvironment(environment: string, stacksDir = defaultStacksDir()): EnvironmentSpec {
  const known = (): string[] => (fs.existsSync(stacksDir) ? listEnvironments(stacksDir) : []);
  if (!isEnvironmentName(environment) && known().includes(environment)) {
    // A file of that name is there: name it. A listed name comes from a directory entry matching [^.]+, so it
    // holds neither a separator nor `..`, and the path stays in stacksDir.
    const file = displayPath(path.join(stacksDir, `Pulumi.${environment}.yaml`));
    throw new EnvironmentSpecError(
      environment,
      [`stack name "${environment}" must be a DNS-1123 label`],
      file,
    );
  }
  const file = stackFilePath(environment, stacksDir);
  let source: string;
  try {
    source = readInputFile(file, {
      what: 'stack file',
      maxBytes: MAX_STACK_FILE_BYTES,
      root: stacksDir,
      display: displayPath(file),
    });
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    const violation =
      error.problem === 'missing'
        ? `no such stack file (known environments: ${fs.existsSync(stacksDir) ? known().join(', ') : 'none'})`
        : error.reason;
    throw new EnvironmentSpecError(environment, [violation], error.file);
  }
  const read = parseStackYaml(source);
  if ('errors' in read) throw new EnvironmentSpecError(environment, read.errors, displayPath(file));
  const document = read.value;
  const config =
    typeof document === 'object' && document !== null && 'config' in document ? document.config : undefined;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new EnvironmentSpecError(environment, ['has no config: map'], displayPath(file));
  }
  return parseEnvironment(environment, config as Record<string, unknown>, file);
}
