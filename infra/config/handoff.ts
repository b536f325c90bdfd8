/**
 * The non-secret hand-off from a deployed Pulumi stack to the cdk8s app: `stacks/<env>.outputs.json`.
 * It holds ids, addresses and Secret names — never a password, key or token.
 */
import * as path from 'node:path';
import * as z from 'zod';
import { InputError } from '../shared/input-error';
import { DNS1123_LABEL } from '../../constructs/shared';
import { assertEnvironmentName, defaultStacksDir, formatPath } from './environment';
import { InputFileError, MAX_HANDOFF_BYTES, readInputFile } from './input-file';
import { parseJsonText } from './json-text';
import { isShowableKey, secretFindings } from './secret-findings';

const secretName = z.string().max(253).regex(DNS1123_LABEL, 'must be a DNS-1123 name');

export const handoffSchema = z.strictObject({
  /** Stack the values were read from (a stack name, so a message may show it). */
  environment: z.string().regex(DNS1123_LABEL, 'must be a stack name (a DNS-1123 label such as prod)'),
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

const workloadsSchema = handoffSchema.shape.workloads;

/**
 * The hand-off of a self-managed environment (issue 27): no instance, the broker cluster the queries select, and
 * the in-cluster Prometheus; `broker` tells it from an ApsaraMQ hand-off.
 */
export const selfManagedHandoffSchema = z
  .strictObject({
    environment: handoffSchema.shape.environment,
    broker: z.literal('self-managed'),
    /** gRPC endpoint of the RocketMQ proxy the consumers connect to (host:port). */
    rocketMqEndpoint: handoffSchema.shape.rocketMqEndpoint,
    /** The label that carries the broker cluster on its metrics, and the cluster's name. */
    brokerCluster: z.strictObject({
      label: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name'),
      name: z.string().min(1),
    }),
    prometheus: z.strictObject({
      /** In-cluster Prometheus HTTP API base URL, as KEDA's serverAddress. */
      serverAddress: z.url({ protocol: /^https?$/ }),
      auth: z.enum(['none', 'bearer', 'basic']),
      /** Secret with KEDA's credentials for it; absent with auth none. */
      secretName: secretName.optional(),
    }),
    namespace: handoffSchema.shape.namespace,
    workloads: workloadsSchema,
  })
  .superRefine((h, ctx) => {
    if ((h.prometheus.auth === 'none') !== (h.prometheus.secretName === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['prometheus', 'secretName'],
        message: 'is required with auth bearer or basic, and refused with auth none',
      });
    }
  });

export type ApsaraMqHandoff = z.infer<typeof handoffSchema>;
export type SelfManagedHandoff = z.infer<typeof selfManagedHandoffSchema>;
export type Handoff = ApsaraMqHandoff | SelfManagedHandoff;

/** The ApsaraMQ hand-off; throws for a self-managed one (for code only the ApsaraMQ flavor reaches). */
export function apsaraMqHandoff(handoff: Handoff): ApsaraMqHandoff {
  if ('broker' in handoff)
    throw new TypeError(`the hand-off of ${handoff.environment} is broker ${handoff.broker}`);
  return handoff;
}

export class HandoffError extends InputError {
  constructor(
    readonly source: string,
    readonly violations: readonly string[],
  ) {
    super(`${source} is invalid:\n  - ${violations.join('\n  - ')}`);
  }
}

/**
 * A schema issue as `<path>: <message>`. zod's messages show no input value (its en locale names types, limits
 * and options); an unrecognized key is input, so one that is itself a credential is left to secretFindings.
 */
function issueMessages(issue: z.core.$ZodIssue): string[] {
  const at = issue.path.length === 0 ? '(root)' : formatPath(issue.path);
  if (issue.code !== 'unrecognized_keys') return [`${at}: ${issue.message}`];
  const keys = issue.keys.filter(isShowableKey);
  if (keys.length === 0) return [];
  return [`${at}: Unrecognized key${keys.length > 1 ? 's' : ''}: ${keys.map((k) => `"${k}"`).join(', ')}`];
}

/**
 * The validated hand-off: a value that holds or names a secret (secretFindings) is refused wherever a hand-off
 * is read — `npm run outputs`, synth, the Pulumi program — beside every schema violation. Throws HandoffError.
 */
export function parseHandoff(source: string, value: unknown): Handoff {
  const findings = secretFindings(value);
  const selfManaged =
    typeof value === 'object' && value !== null && (value as { broker?: unknown }).broker === 'self-managed';
  const parsed = selfManaged
    ? selfManagedHandoffSchema.safeParse(value, { jitless: true })
    : handoffSchema.safeParse(value, { jitless: true });
  const violations = [...findings, ...(parsed.success ? [] : parsed.error.issues.flatMap(issueMessages))];
  if (violations.length > 0 || !parsed.success) throw new HandoffError(source, violations);
  return parsed.data;
}

/** The hand-off in `text`, read from `source`: a syntax error names its line and column, never the text. */
export function parseHandoffText(source: string, text: string): Handoff {
  const read = parseJsonText(text);
  if ('error' in read) throw new HandoffError(source, [read.error]);
  return parseHandoff(source, read.value);
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
  return parseHandoffText(file, text);
}
