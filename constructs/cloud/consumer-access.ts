import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import { ACL_DECISION_ALLOW, aclAccount, aclAccountViolations, DEFAULT_PASSWORD_LENGTH } from './acl-account';
import { assertNoViolations } from './invalid-args-error';

// Source: @pulumi/alicloud rocketmq.Acl.actions: Topic takes Pub and Sub, Group takes Sub only. A consumer
// needs Sub on both; it is never granted Pub.
/** The only action a consumer is granted, on its topic and on its group. */
export const CONSUMER_ACL_ACTIONS = ['Sub'] as const;
export { ACL_DECISION_ALLOW, DEFAULT_PASSWORD_LENGTH };

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

/** Arguments of ConsumerAccess. */
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
  return aclAccountViolations('workloads', args.workloads, args.passwordLength);
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
      const { account, password } = aclAccount(
        this,
        prefix,
        args.instanceId,
        workload.username,
        args.passwordLength,
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
