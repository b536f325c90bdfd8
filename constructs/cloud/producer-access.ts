import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import { ACL_DECISION_ALLOW, aclAccount, aclAccountViolations } from './acl-account';
import { assertNoViolations } from './invalid-args-error';

// Source: @pulumi/alicloud rocketmq.Acl.actions: Topic takes Pub and Sub. A producer needs Pub on its topic
// and nothing on any group; it is never granted Sub.
/** The only action a producer is granted, on its topic. */
export const PRODUCER_ACL_ACTIONS = ['Pub'] as const;

/** One producer that gets its own account. */
export interface ProducerAccessProducer {
  /** Producer name; names the child resources. */
  readonly name: string;
  /** ACL account username. */
  readonly username: string;
  /** Topic it sends to; pass the topic resource's output so the grant waits for the topic. */
  readonly topicName: pulumi.Input<string>;
}

/** Arguments of ProducerAccess. */
export interface ProducerAccessArgs {
  /** Instance the accounts live on. */
  readonly instanceId: pulumi.Input<string>;
  /** One account per producer. */
  readonly producers: readonly ProducerAccessProducer[];
  /** Length of each generated password (alphanumeric). @default 32 */
  readonly passwordLength?: number;
}

/** The credentials of one producer; the password is a Pulumi secret. */
export interface ProducerCredentials {
  /** ACL account username. */
  readonly username: pulumi.Output<string>;
  /** Generated password, a Pulumi secret. */
  readonly password: pulumi.Output<string>;
}

/** Every violation of the arguments, each naming its field; empty when valid. */
export function producerAccessViolations(args: ProducerAccessArgs): string[] {
  return aclAccountViolations('producers', args.producers, args.passwordLength);
}

/**
 * Per producer: an ACL account on the instance with a generated password, allowed to Pub on its topic and
 * nothing else (no group grant: a producer reads nothing).
 */
export class ProducerAccess extends pulumi.ComponentResource {
  /** Credentials by producer name. */
  readonly credentials: Readonly<Record<string, ProducerCredentials>>;

  constructor(name: string, args: ProducerAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    assertNoViolations('ProducerAccess', name, producerAccessViolations(args));
    super('apsaramq-keda:cloud:ProducerAccess', name, {}, opts);

    const credentials: Record<string, ProducerCredentials> = {};
    for (const producer of args.producers) {
      const prefix = `${name}-${producer.name}`;
      const { account, password } = aclAccount(
        this,
        prefix,
        args.instanceId,
        producer.username,
        args.passwordLength,
      );
      new alicloud.rocketmq.Acl(
        `${prefix}-topic-acl`,
        {
          instanceId: args.instanceId,
          username: account.username,
          resourceType: 'Topic',
          resourceName: producer.topicName,
          actions: [...PRODUCER_ACL_ACTIONS],
          decision: ACL_DECISION_ALLOW,
        },
        { parent: this },
      );
      credentials[producer.name] = { username: account.username, password };
    }
    this.credentials = credentials;

    this.registerOutputs({ credentials: pulumi.secret(credentials) });
  }
}
