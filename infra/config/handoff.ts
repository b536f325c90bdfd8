/**
 * The non-secret hand-off from a deployed Pulumi stack to the cdk8s app: `stacks/<env>.outputs.json`.
 * It holds ids, addresses and Secret names — never a password, key or token.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { InputError } from '../shared/input-error';
import { DNS1123_LABEL } from '../../constructs/shared/names';
import { assertEnvironmentName, defaultStacksDir, formatPath } from './environment';
import { InputFileError, MAX_HANDOFF_BYTES, readInputFile } from './input-file';
import { parseJsonText } from './json-text';

const secretName = z.string().max(253).regex(DNS1123_LABEL, 'must be a DNS-1123 name');

export const handoffSchema = z.strictObject({
  /** Stack the values were read from. */
  environment: z.string().min(1),
  /** ApsaraMQ for RocketMQ 5.x instance id. */
  instanceId: z.string().regex(/^rmq-cn-[a-z0-9]+$/, 'must look like rmq-cn-xxxxxxxx'),
  /** gRPC endpoint the consumers connect to (VPC endpoint, host:port). */
  rocketMqEndpoint: z.string().regex(/^[A-Za-z0-9.-]+:[0-9]{1,5}$/, 'must be host:port'),
  prometheus: z.strictObject({
    /** ARMS Prometheus HTTP API base URL, as KEDA's serverAddress. */
    serverAddress: z.url({ protocol: /^https?$/ }),
    auth: z.enum(['token', 'accessKey']),
    /** Secret in the workload namespace holding KEDA's credentials for it. */
    secretName,
  }),
  /** Namespace the Secrets were written to. */
  namespace: z.string().regex(DNS1123_LABEL),
  workloads: z.array(
    z.strictObject({
      name: z.string().regex(DNS1123_LABEL),
      topic: z.string().min(1),
      consumerGroup: z.string().min(1),
      /** Secret holding the workload's RocketMQ ACL username and password. */
      credentialsSecretName: secretName,
    }),
  ),
});

export type Handoff = z.infer<typeof handoffSchema>;

export class HandoffError extends InputError {
  constructor(
    readonly source: string,
    readonly violations: readonly string[],
  ) {
    super(`${source} is invalid:\n  - ${violations.join('\n  - ')}`);
  }
}

export function parseHandoff(source: string, value: unknown): Handoff {
  const parsed = handoffSchema.safeParse(value);
  if (!parsed.success) {
    throw new HandoffError(
      source,
      parsed.error.issues.map((i) => `${i.path.length === 0 ? '(root)' : formatPath(i.path)}: ${i.message}`),
    );
  }
  return parsed.data;
}

/** Path of the hand-off of an environment; throws EnvironmentNameError for a name that is no stack name. */
export function handoffFilePath(environment: string, stacksDir = defaultStacksDir()): string {
  assertEnvironmentName(environment);
  return path.join(stacksDir, `${environment}.outputs.json`);
}

/**
 * Reads `stacks/<env>.outputs.json`: a regular file in the stacks directory, at most MAX_HANDOFF_BYTES, strict
 * UTF-8 JSON. Every problem is a HandoffError naming the file (and the line and column of a syntax error).
 */
export function loadHandoff(environment: string, stacksDir = defaultStacksDir()): Handoff {
  const file = handoffFilePath(environment, stacksDir);
  const howToWrite = `run pulumi up --stack ${environment}, then npm run outputs -- ${environment}`;
  let text: string;
  try {
    text = readInputFile(file, { what: 'hand-off', maxBytes: MAX_HANDOFF_BYTES, root: stacksDir });
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    throw new HandoffError(file, [error.problem === 'missing' ? `missing: ${howToWrite}` : error.reason]);
  }
  if (text.trim() === '') throw new HandoffError(file, [`is empty: ${howToWrite}`]);
  const read = parseJsonText(text);
  if ('error' in read) throw new HandoffError(file, [read.error]);
  return parseHandoff(file, read.value);
}
