import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { assertNoViolations } from './invalid-args-error';

// Source: @pulumi/alicloud rocketmq.Acl.actions: Topic takes Pub and Sub, Group takes Sub only. A consumer
// needs Sub on both; it is never granted Pub.
export const CONSUMER_ACL_ACTIONS = ['Sub'] as const;
// Source: resource_alicloud_rocketmq_acl.go schema decision (StringInSlice Deny, Allow).
export const ACL_DECISION_ALLOW = 'Allow';
/** Length of the generated passwords. */
export const DEFAULT_PASSWORD_LENGTH = 32;

// Conservative: the characters RocketMQ accepts in topic and group names, which every SDK config handles.
const USERNAME = /^[A-Za-z0-9_-]{1,64}$/;

/** One consumer that gets its own account. */
export interface ConsumerAccessWorkload {
  /** Workload name; names the child resources. */
  readonly name: string;
  /** ACL account username. */
  readonly username: string;
  /** Topic the workload reads; pass the topic resource's output so the grant waits for the topic. */
  readonly topicName: pulumi.Input<string>;
  /** Consumer group it reads as; pass the group resource's output so the grant waits for the group. */
  readonly consumerGroupId: pulumi.Input<string>;
}

export interface ConsumerAccessArgs {
  /** Instance the accounts live on. */
  readonly instanceId: pulumi.Input<string>;
  /** One account per workload. */
  readonly workloads: readonly ConsumerAccessWorkload[];
  /** Length of each generated password (alphanumeric). @default 32 */
  readonly passwordLength?: number;
}

/** The credentials of one workload; the password is a Pulumi secret. */
export interface ConsumerCredentials {
  /** ACL account username. */
  readonly username: pulumi.Output<string>;
  /** Generated password, a Pulumi secret. */
  readonly password: pulumi.Output<string>;
}

/** Every violation of the arguments, each naming its field; empty when valid. */
export function consumerAccessViolations(args: ConsumerAccessArgs): string[] {
  const out: string[] = [];
  const length = args.passwordLength ?? DEFAULT_PASSWORD_LENGTH;
  if (!Number.isInteger(length) || length < 16 || length > 64) {
    out.push(`passwordLength (${length}) must be an integer within [16, 64]`);
  }
  const names = new Set<string>();
  const usernames = new Set<string>();
  args.workloads.forEach((w, i) => {
    if (names.has(w.name)) out.push(`workloads[${i}].name ("${w.name}") is declared twice`);
    names.add(w.name);
    if (!USERNAME.test(w.username)) {
      out.push(`workloads[${i}].username ("${w.username}") must match ${USERNAME.source}`);
    }
    if (usernames.has(w.username)) out.push(`workloads[${i}].username ("${w.username}") is used twice`);
    usernames.add(w.username);
  });
  return out;
}

/**
 * Per workload: an ACL account on the instance with a generated password, allowed to Sub on its topic and
 * its consumer group and nothing else. The data plane of RocketMQ 5.x authenticates these accounts, not RAM
 * AccessKeys.
 */
export class ConsumerAccess extends pulumi.ComponentResource {
  /** Credentials by workload name. */
  readonly credentials: Readonly<Record<string, ConsumerCredentials>>;

  constructor(name: string, args: ConsumerAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    assertNoViolations('ConsumerAccess', name, consumerAccessViolations(args));
    super('apsaramq-keda:cloud:ConsumerAccess', name, {}, opts);

    const credentials: Record<string, ConsumerCredentials> = {};
    for (const workload of args.workloads) {
      const prefix = `${name}-${workload.name}`;
      const generated = new random.RandomPassword(
        `${prefix}-password`,
        {
          length: args.passwordLength ?? DEFAULT_PASSWORD_LENGTH,
          special: false,
          minLower: 1,
          minUpper: 1,
          minNumeric: 1,
        },
        { parent: this },
      );
      // Secret here as well as in the provider's schema, so it never depends on who marks it.
      const password = pulumi.secret(generated.result);
      const account = new alicloud.rocketmq.Account(
        `${prefix}-account`,
        {
          instanceId: args.instanceId,
          username: workload.username,
          password,
          // No accountStatus: a new account is ENABLE, and setting it makes the provider's Create run an
          // extra update that sends the password in the query string (resource_alicloud_rocketmq_account.go
          // resourceAliCloudRocketmqAccountUpdate: HasChange("account_status") -> RoaPatch with
          // query["password"]).
        },
        { parent: this, additionalSecretOutputs: ['password'] },
      );
      const grant = (kind: 'Topic' | 'Group', resourceName: pulumi.Input<string>) =>
        new alicloud.rocketmq.Acl(
          `${prefix}-${kind.toLowerCase()}-acl`,
          {
            instanceId: args.instanceId,
            username: account.username,
            resourceType: kind,
            resourceName,
            actions: [...CONSUMER_ACL_ACTIONS],
            decision: ACL_DECISION_ALLOW,
          },
          { parent: this },
        );
      grant('Topic', workload.topicName);
      grant('Group', workload.consumerGroupId);
      credentials[workload.name] = { username: account.username, password };
    }
    this.credentials = credentials;

    this.registerOutputs({ credentials: pulumi.secret(credentials) });
  }
}
