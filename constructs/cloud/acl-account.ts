/**
 * What ConsumerAccess and ProducerAccess share: the checks of their account list, and one ApsaraMQ ACL account
 * with a generated password. The grants differ (Sub on topic and group, or Pub on the topic) and stay with them.
 */
import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';

// Source: resource_alicloud_rocketmq_acl.go schema decision (StringInSlice Deny, Allow).
/** The ACL decision of every grant: allow. */
export const ACL_DECISION_ALLOW = 'Allow';
/** Length of the generated passwords. */
export const DEFAULT_PASSWORD_LENGTH = 32;

// Conservative: the characters RocketMQ accepts in topic and group names, which every SDK config handles.
const USERNAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Every violation of a list of accounts (`field` names the list in messages): the password length, names and
 * usernames unique, usernames of the allowed characters.
 */
export function aclAccountViolations(
  field: string,
  entries: readonly { readonly name: string; readonly username: string }[],
  passwordLength: number = DEFAULT_PASSWORD_LENGTH,
): string[] {
  const out: string[] = [];
  if (!Number.isInteger(passwordLength) || passwordLength < 16 || passwordLength > 64) {
    out.push(`passwordLength (${passwordLength}) must be an integer within [16, 64]`);
  }
  const names = new Set<string>();
  const usernames = new Set<string>();
  entries.forEach((e, i) => {
    if (names.has(e.name)) out.push(`${field}[${i}].name ("${e.name}") is declared twice`);
    names.add(e.name);
    if (!USERNAME.test(e.username)) {
      out.push(`${field}[${i}].username ("${e.username}") must match ${USERNAME.source}`);
    }
    if (usernames.has(e.username)) out.push(`${field}[${i}].username ("${e.username}") is used twice`);
    usernames.add(e.username);
  });
  return out;
}

/**
 * `<prefix>-password` (random, alphanumeric) and `<prefix>-account` on the instance, both children of `parent`.
 * The password is a Pulumi secret here as well as in the provider's schema, so it never depends on who marks it.
 */
export function aclAccount(
  parent: pulumi.Resource,
  prefix: string,
  instanceId: pulumi.Input<string>,
  username: string,
  passwordLength: number = DEFAULT_PASSWORD_LENGTH,
): { readonly account: alicloud.rocketmq.Account; readonly password: pulumi.Output<string> } {
  const generated = new random.RandomPassword(
    `${prefix}-password`,
    { length: passwordLength, special: false, minLower: 1, minUpper: 1, minNumeric: 1 },
    { parent },
  );
  const password = pulumi.secret(generated.result);
  const account = new alicloud.rocketmq.Account(
    `${prefix}-account`,
    {
      instanceId,
      username,
      password,
      // No accountStatus: a new account is ENABLE, and setting it makes the provider's Create run an
      // extra update that sends the password in the query string (resource_alicloud_rocketmq_account.go
      // resourceAliCloudRocketmqAccountUpdate: HasChange("account_status") -> RoaPatch with
      // query["password"]).
    },
    {
      parent,
      additionalSecretOutputs: ['password'],
      // A new password replaces the account instead of updating it: the provider's Update sends the password
      // in the URL query string (resource_alicloud_rocketmq_account.go resourceAliCloudRocketmqAccountUpdate:
      // query["password"]), its Create in the request body. Delete first: the username is fixed.
      replaceOnChanges: ['password'],
      deleteBeforeReplace: true,
    },
  );
  return { account, password };
}
