/**
 * The non-secret hand-off from a deployed Pulumi stack to the cdk8s app: `stacks/<env>.outputs.json`.
 * It holds ids, addresses and Secret names — never a password, key or token.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { InputError } from '../shared/input-error';
import { DNS1123_LABEL } from '../../constructs/shared/names';
import { defaultStacksDir, formatPath } from './environment';

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

export function handoffFilePath(environment: string, stacksDir = defaultStacksDir()): string {
  return path.join(stacksDir, `${environment}.outputs.json`);
}

/** Reads `stacks/<env>.outputs.json`. */
export function loadHandoff(environment: string, stacksDir = defaultStacksDir()): Handoff {
  const file = handoffFilePath(environment, stacksDir);
  if (!fs.existsSync(file)) {
    throw new HandoffError(file, [
      `missing: run pulumi up --stack ${environment}, then npm run outputs -- ${environment}`,
    ]);
  }
  return parseHandoff(file, JSON.parse(fs.readFileSync(file, 'utf8')) as unknown);
}
