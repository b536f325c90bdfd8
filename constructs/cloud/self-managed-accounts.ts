import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { aclAccountViolations, DEFAULT_PASSWORD_LENGTH } from './acl-account';
import { assertNoViolations } from './invalid-args-error';

/** One account on a self-managed broker: a workload's (Sub) or a producer's (Pub). */
export interface SelfManagedAccount {
  /** Workload or producer name; its Secret is rocketMqCredentialsSecretName(name). */
  readonly name: string;
  /** ACL 2.0 username on the broker. */
  readonly username: string;
}

/** The credentials of one account on a self-managed broker. */
export interface SelfManagedCredentials {
  /** ACL 2.0 username. */
  readonly username: string;
  /** Generated password, a Pulumi secret. */
  readonly password: pulumi.Output<string>;
}

/** Arguments of SelfManagedAccounts. */
export interface SelfManagedAccountsArgs {
  /** The accounts, workloads and producers together; names and usernames unique. */
  readonly accounts: readonly SelfManagedAccount[];
  /** Length of each generated password (alphanumeric). @default 32 */
  readonly passwordLength?: number;
}

/** Every violation of the arguments, each naming its field; empty when valid. */
export function selfManagedAccountsViolations(args: SelfManagedAccountsArgs): string[] {
  return aclAccountViolations('accounts', args.accounts, args.passwordLength);
}

/**
 * The credentials of the ACL 2.0 users of a self-managed Apache RocketMQ 5.x (issue 27): one generated password
 * per account, and nothing on any cloud. The users and their grants are created on the broker by the
 * provisioning Job in dist/<env>/ (constructs/k8s BrokerProvisioning), which reads these passwords from the
 * Secrets ClusterSecrets writes; so the broker's admin never needs to reach Pulumi, nor Pulumi the broker.
 * Alphanumeric passwords: they pass through a shell and mqadmin's command line unquoted-safe.
 */
export class SelfManagedAccounts extends pulumi.ComponentResource {
  /** Username and generated password (a Pulumi secret) of each account, by name. */
  readonly credentials: Readonly<Record<string, SelfManagedCredentials>>;

  constructor(name: string, args: SelfManagedAccountsArgs, opts?: pulumi.ComponentResourceOptions) {
    assertNoViolations('SelfManagedAccounts', name, selfManagedAccountsViolations(args));
    super('apsaramq-keda:cloud:SelfManagedAccounts', name, {}, opts);
    const credentials: Record<string, SelfManagedCredentials> = {};
    for (const account of args.accounts) {
      const generated = new random.RandomPassword(
        `${name}-${account.name}-password`,
        {
          length: args.passwordLength ?? DEFAULT_PASSWORD_LENGTH,
          special: false,
          minLower: 1,
          minUpper: 1,
          minNumeric: 1,
        },
        { parent: this },
      );
      credentials[account.name] = { username: account.username, password: pulumi.secret(generated.result) };
    }
    this.credentials = credentials;
    this.registerOutputs({});
  }
}
