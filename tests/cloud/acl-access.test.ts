/**
 * ConsumerAccess and ProducerAccess (and the ACL account they share) on their own, under the provider mocks: the
 * account-list rules with messages and passing boundaries, and the exact password, account and ACL grants each
 * registers. Expected values are worked out by hand from the arguments.
 */
import * as pulumi from '@pulumi/pulumi';
import {
  ConsumerAccess,
  consumerAccessViolations,
  InvalidArgsError,
  ProducerAccess,
  producerAccessViolations,
} from '../../constructs/cloud';
import { aclAccountViolations } from '../../constructs/cloud/acl-account';
import { CANARY, type RecordedResource, type Run, runWithMocks, valueOf } from '../pulumi/harness';
import { TYPE } from '../pulumi/types';
import { freshModule } from './fresh-module';

type AclModule = typeof import('../../constructs/cloud/acl-account');

function run<T>(construct: () => T) {
  return runWithMocks('test', { 'alicloud:region': 'cn-hangzhou' }, construct);
}

function named(r: Run<unknown>, name: string): RecordedResource {
  const found = r.resources.filter((x) => x.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

const entry = (name: string, username = name) => ({ name, username });

describe('aclAccountViolations', () => {
  test.each<[string, ReturnType<typeof entry>[], number | undefined, string[]]>([
    ['no accounts and the default length', [], undefined, []],
    ['passwordLength 16, the lower bound', [], 16, []],
    ['passwordLength 64, the upper bound', [], 64, []],
    ['passwordLength 15', [], 15, ['passwordLength (15) must be an integer within [16, 64]']],
    ['passwordLength 65', [], 65, ['passwordLength (65) must be an integer within [16, 64]']],
    ['passwordLength 20.5', [], 20.5, ['passwordLength (20.5) must be an integer within [16, 64]']],
    ['two distinct accounts', [entry('a', 'dev-a'), entry('b', 'dev_B9')], undefined, []],
    [
      'a name twice',
      [entry('a', 'dev-a'), entry('a', 'dev-b')],
      undefined,
      ['accts[1].name ("a") is declared twice'],
    ],
    [
      'a username twice',
      [entry('a', 'dev'), entry('b', 'x'), entry('c', 'dev')],
      undefined,
      ['accts[2].username ("dev") is used twice'],
    ],
    [
      'a username with a space',
      [entry('a', 'dev a')],
      undefined,
      ['accts[0].username ("dev a") must match ^[A-Za-z0-9_-]{1,64}$'],
    ],
    [
      'an empty username',
      [entry('a', '')],
      undefined,
      ['accts[0].username ("") must match ^[A-Za-z0-9_-]{1,64}$'],
    ],
    [
      'every rule broken at once',
      [entry('a', 'u'), entry('a', 'u')],
      8,
      [
        'passwordLength (8) must be an integer within [16, 64]',
        'accts[1].name ("a") is declared twice',
        'accts[1].username ("u") is used twice',
      ],
    ],
  ])('%s', (_, entries, length, expected) => {
    expect(aclAccountViolations('accts', entries, length)).toEqual(expected);
  });

  test('ConsumerAccess and ProducerAccess name their own list in the messages', () => {
    const consumer = { name: 'w', username: 'u', topicName: 't', consumerGroupId: 'g' };
    expect(
      consumerAccessViolations({
        instanceId: 'rmq-cn-x',
        workloads: [consumer, consumer],
        passwordLength: 16,
      }),
    ).toEqual(['workloads[1].name ("w") is declared twice', 'workloads[1].username ("u") is used twice']);
    const producer = { name: 'p', username: 'u', topicName: 't' };
    expect(
      producerAccessViolations({
        instanceId: 'rmq-cn-x',
        producers: [producer, producer],
        passwordLength: 65,
      }),
    ).toEqual([
      'passwordLength (65) must be an integer within [16, 64]',
      'producers[1].name ("p") is declared twice',
      'producers[1].username ("u") is used twice',
    ]);
  });

  test.each<[string, () => unknown, string]>([
    [
      'ConsumerAccess',
      () => new ConsumerAccess('c', { instanceId: 'rmq-cn-x', workloads: [], passwordLength: 15 }),
      'ConsumerAccess "c" has invalid arguments:\n  - passwordLength (15) must be an integer within [16, 64]',
    ],
    [
      'ProducerAccess',
      () =>
        new ProducerAccess('p', {
          instanceId: 'rmq-cn-x',
          producers: [{ name: 'w', username: 'a b', topicName: 't' }],
        }),
      'ProducerAccess "p" has invalid arguments:\n  - producers[0].username ("a b") must match ^[A-Za-z0-9_-]{1,64}$',
    ],
  ])('%s throws its violations by name before registering anything', async (_, construct, message) => {
    const r = await run(construct);
    expect(r.error).toBeInstanceOf(InvalidArgsError);
    expect((r.error as Error).message).toBe(message);
    expect(r.resources).toEqual([]);
  });

  test('the username pattern and the constants, loaded inside the test', () => {
    const fresh = freshModule(() => require('../../constructs/cloud/acl-account') as AclModule); // eslint-disable-line @typescript-eslint/no-require-imports -- see freshModule
    // Source: resource_alicloud_rocketmq_acl.go schema decision (Allow, Deny).
    expect({ allow: fresh.ACL_DECISION_ALLOW, length: fresh.DEFAULT_PASSWORD_LENGTH }).toEqual({
      allow: 'Allow',
      length: 32,
    });
    const check = (username: string) => fresh.aclAccountViolations('w', [{ name: 'n', username }]);
    // 64 characters pass, 65 do not; the pattern is anchored at both ends.
    expect(['a'.repeat(64), 'A', 'dev_W-9'].map(check)).toEqual([[], [], []]);
    const bad = ['a'.repeat(65), '!dev', 'dev!', 'de v'];
    expect(bad.map(check)).toEqual(
      bad.map((u) => [`w[0].username ("${u}") must match ^[A-Za-z0-9_-]{1,64}$`]),
    );
    expect(fresh.aclAccountViolations('w', [], 16)).toEqual([]);
  });
});

describe('ConsumerAccess', () => {
  test('per workload: a generated alphanumeric password, its account, and Sub on its topic and group only', async () => {
    const r = await run(
      () =>
        new ConsumerAccess('c', {
          instanceId: 'rmq-cn-x',
          workloads: [
            { name: 'fulfil', username: 'dev-fulfil', topicName: 'orders', consumerGroupId: 'fulfilment' },
            { name: 'ledger', username: 'dev-ledger', topicName: 'payments', consumerGroupId: 'ledger-g' },
          ],
        }),
    );
    expect(r.error).toBeUndefined();
    const password = named(r, 'c-fulfil-password');
    expect([password.type, password.parent, password.inputs]).toEqual([
      TYPE.password,
      'c',
      // The default length 32; no special characters, at least one of each class.
      { length: 32, special: false, minLower: 1, minUpper: 1, minNumeric: 1 },
    ]);
    const account = named(r, 'c-fulfil-account');
    expect({
      type: account.type,
      parent: account.parent,
      inputs: account.inputs,
      secretInputs: account.secretInputs,
      additionalSecretOutputs: account.additionalSecretOutputs,
    }).toEqual({
      type: TYPE.account,
      parent: 'c',
      // No accountStatus (see acl-account.ts); the password is the mock's random result for c-fulfil-password.
      inputs: {
        instanceId: 'rmq-cn-x',
        username: 'dev-fulfil',
        password: `${CANARY.rocketMqPassword}-c-fulfil-password`,
      },
      secretInputs: ['password'],
      additionalSecretOutputs: ['password'],
    });
    const acls = r.resources
      .filter((x) => x.type === TYPE.acl)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((a) => [a.name, a.parent, a.inputs]);
    expect(acls).toEqual([
      [
        'c-fulfil-group-acl',
        'c',
        {
          instanceId: 'rmq-cn-x',
          username: 'dev-fulfil',
          resourceType: 'Group',
          resourceName: 'fulfilment',
          actions: ['Sub'],
          decision: 'Allow',
        },
      ],
      [
        'c-fulfil-topic-acl',
        'c',
        {
          instanceId: 'rmq-cn-x',
          username: 'dev-fulfil',
          resourceType: 'Topic',
          resourceName: 'orders',
          actions: ['Sub'],
          decision: 'Allow',
        },
      ],
      [
        'c-ledger-group-acl',
        'c',
        {
          instanceId: 'rmq-cn-x',
          username: 'dev-ledger',
          resourceType: 'Group',
          resourceName: 'ledger-g',
          actions: ['Sub'],
          decision: 'Allow',
        },
      ],
      [
        'c-ledger-topic-acl',
        'c',
        {
          instanceId: 'rmq-cn-x',
          username: 'dev-ledger',
          resourceType: 'Topic',
          resourceName: 'payments',
          actions: ['Sub'],
          decision: 'Allow',
        },
      ],
    ]);
    expect(r.resources.map((x) => x.name).sort()).toEqual([
      'c',
      'c-fulfil-account',
      'c-fulfil-group-acl',
      'c-fulfil-password',
      'c-fulfil-topic-acl',
      'c-ledger-account',
      'c-ledger-group-acl',
      'c-ledger-password',
      'c-ledger-topic-acl',
    ]);

    const credentials = r.result!.credentials;
    expect(Object.keys(credentials)).toEqual(['fulfil', 'ledger']);
    expect(await valueOf(credentials.ledger.username)).toBe('dev-ledger');
    expect(await valueOf(credentials.ledger.password)).toBe(`${CANARY.rocketMqPassword}-c-ledger-password`);
    expect(await pulumi.isSecret(credentials.ledger.password)).toBe(true);
    expect(r.componentOutputs.filter((o) => o.name === 'c')).toEqual([
      {
        name: 'c',
        type: 'apsaramq-keda:cloud:ConsumerAccess',
        secretOutputs: ['credentials'],
        values: {
          credentials: {
            fulfil: { username: 'dev-fulfil', password: `${CANARY.rocketMqPassword}-c-fulfil-password` },
            ledger: { username: 'dev-ledger', password: `${CANARY.rocketMqPassword}-c-ledger-password` },
          },
        },
      },
    ]);
  });

  test('passes a chosen password length to the generator', async () => {
    const r = await run(
      () =>
        new ConsumerAccess('c', {
          instanceId: 'rmq-cn-x',
          passwordLength: 16,
          workloads: [{ name: 'w', username: 'u', topicName: 't', consumerGroupId: 'g' }],
        }),
    );
    expect(r.error).toBeUndefined();
    expect(named(r, 'c-w-password').inputs.length).toBe(16);
  });
});

describe('ProducerAccess', () => {
  test('per producer: a password, its account, and Pub on its topic, with no group grant', async () => {
    const r = await run(
      () =>
        new ProducerAccess('p', {
          instanceId: 'rmq-cn-x',
          passwordLength: 64,
          producers: [{ name: 'checkout', username: 'dev-checkout', topicName: 'orders' }],
        }),
    );
    expect(r.error).toBeUndefined();
    expect(r.resources.map((x) => [x.name, x.type, x.parent]).sort()).toEqual([
      ['p', 'apsaramq-keda:cloud:ProducerAccess', undefined],
      ['p-checkout-account', TYPE.account, 'p'],
      ['p-checkout-password', TYPE.password, 'p'],
      ['p-checkout-topic-acl', TYPE.acl, 'p'],
    ]);
    expect(named(r, 'p-checkout-password').inputs).toEqual({
      length: 64,
      special: false,
      minLower: 1,
      minUpper: 1,
      minNumeric: 1,
    });
    const account = named(r, 'p-checkout-account');
    expect([account.inputs, account.secretInputs, account.additionalSecretOutputs]).toEqual([
      {
        instanceId: 'rmq-cn-x',
        username: 'dev-checkout',
        password: `${CANARY.rocketMqPassword}-p-checkout-password`,
      },
      ['password'],
      ['password'],
    ]);
    expect(named(r, 'p-checkout-topic-acl').inputs).toEqual({
      instanceId: 'rmq-cn-x',
      username: 'dev-checkout',
      resourceType: 'Topic',
      resourceName: 'orders',
      actions: ['Pub'],
      decision: 'Allow',
    });
    const credentials = r.result!.credentials;
    expect(await valueOf(credentials.checkout.username)).toBe('dev-checkout');
    expect(await pulumi.isSecret(credentials.checkout.password)).toBe(true);
    expect(r.componentOutputs.filter((o) => o.name === 'p')).toEqual([
      {
        name: 'p',
        type: 'apsaramq-keda:cloud:ProducerAccess',
        secretOutputs: ['credentials'],
        values: {
          credentials: {
            checkout: {
              username: 'dev-checkout',
              password: `${CANARY.rocketMqPassword}-p-checkout-password`,
            },
          },
        },
      },
    ]);
  });
});
