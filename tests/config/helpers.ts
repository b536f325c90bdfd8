import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { EnvironmentSpecError, parseEnvironment, stackFilePath } from '../../infra/config/environment';

export type Config = Record<string, unknown>;

/** A fresh, editable copy of the `config:` map of a committed stack file. */
export function stackConfig(environment: string): Config {
  const document = parseYaml(fs.readFileSync(stackFilePath(environment), 'utf8')) as { config: Config };
  return document.config;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the cases edit untyped stack-file YAML in place */
/** The value of `apsaramq-keda:<key>`, for editing. */
export const section = (config: Config, key: string): any => config[`apsaramq-keda:${key}`];
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The violations parseEnvironment reports for the edited stack (none: an empty list). */
export function violationsOf(environment: string, edit: (config: Config) => void): readonly string[] {
  const config = stackConfig(environment);
  edit(config);
  try {
    parseEnvironment(environment, config);
    return [];
  } catch (error) {
    if (error instanceof EnvironmentSpecError) return error.violations;
    throw error;
  }
}

/** The two collision lines a verbatim copy of dev gives, from `from`'s side (its namespace, its instance name). */
export const copiedDevCollisions = (from: string, other: string): string[] => [
  `${from}: kubernetes.namespace "orders-dev" on cluster c0fakedev00000000000000000000000dd is also used by ${other}; each environment needs its own namespace`,
  `${from}: instance.name "orders_dev" in region cn-hangzhou is also used by ${other}; each environment creates its own instance and needs its own name (to share one instance, adopt it with instance.existingInstanceId)`,
];
