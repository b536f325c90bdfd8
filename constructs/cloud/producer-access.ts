import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { ACL_DECISION_ALLOW, DEFAULT_PASSWORD_LENGTH } from './consumer-access';
import { assertNoViolations } from './invalid-args-error';

// Source: @pulumi/alicloud rocketmq.Acl.actions: Topic takes Pub and Sub. A producer needs Pub on its topic
// and nothing on any group; it is never granted Sub.
export const PRODUCER_ACL_ACTIONS = ['Pub'] as const;

const USERNAME = /^[A-Za-z0-9_-]{1,64}$/;

/** One producer that gets its own account. */
export interface ProducerAccessProducer {
  /** Producer name; names the child resources. */
  readonly name: string;
  /** ACL account username. */
  readonly username: string;
  /** Topic it sends to; pass the topic resource's output so the grant waits for the topic. */
  readonly topicName: pulumi.Input<string>;
}

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
  readonly username: pulumi.Output<string>;
  readonly password: pulumi.Output<string>;
}

/** Every violation of the arguments, each naming its field; empty when valid. */
export function producerAccessViolations(args: ProducerAccessArgs): string[] {
  const out: string[] = [];
  const length = args.passwordLength ?? DEFAULT_PASSWORD_LENGTH;
  if (!Number.isInteger(length) || length < 16 || length > 64) {
    out.push(`passwordLength (${length}) must be an integer within [16, 64]`);
  }
  const names = new Set<string>();
  const usernames = new Set<string>();
  args.producers.forEach((p, i) => {
    if (names.has(p.name)) out.push(`producers[${i}].name ("${p.name}") is declared twice`);
    names.add(p.name);
    if (!USERNAME.test(p.username)) {
      out.push(`producers[${i}].username ("${p.username}") must match ${USERNAME.source}`);
    }
    if (usernames.has(p.username)) out.push(`producers[${i}].username ("${p.username}") is used twice`);
    usernames.add(p.username);
  });
  return out;
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
      const password = pulumi.secret(generated.result);
      const account = new alicloud.rocketmq.Account(
        `${prefix}-account`,
        {
          instanceId: args.instanceId,
          username: producer.username,
          password,
          // No accountStatus, as in ConsumerAccess: setting it makes Create send the password in a query string.
        },
        { parent: this, additionalSecretOutputs: ['password'] },
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
