/**
 * The Pulumi program of every committed stack through the real Pulumi engine (tests/pulumi/engine/): up, then
 * preview, the checkpoint, the stack file's secrets, and destroy. The engine's semantics (protect,
 * retainOnDelete, replacements, delete order, secret encryption) are real; what each resource does in the
 * cloud is the stand-in providers' answer from the provider contract. The tests of one stack run in order on
 * one backend: each starts from the state the previous one left.
 */
import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describeWith } from '../e2e/harness/availability';
import { PULUMI_CLI_VERSION, pulumiBinary } from './engine/build-cli';
import { collectSteps, type EngineStack, openStack, type OperationResult } from './engine/engine-harness';
import { SECRET_SIG, SECRET_SIG_KEY } from './engine/stand-in-provider';
import { ALL_CANARIES, CANARY, KUBECONFIG_CONFIG_KEY } from './harness';

// Cold plugin starts and a program run per operation on a shared 2-core machine.
const OPERATION_TIMEOUT_MS = 8 * 60_000;

/**
 * What a preview right after the first `up` plans, besides `same`. A new instance starts with the service's
 * 0.0.0.0/0 beside a configured allowlist, and only the next update removes it (resource_alicloud_rocketmq_
 * instance.go resourceAliCloudRocketmqInstanceUpdate, ip_whitelists); only staging configures one.
 */
const FIRST_PREVIEW: Readonly<Record<string, readonly string[]>> = {
  dev: [],
  staging: ['update messaging-instance ipWhitelists'],
  prod: [],
};

/** The config keys each stack holds as `secure:` values (set with `pulumi config set --secret`). */
const SECRET_CONFIG: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  dev: {},
  // No ackClusterId: the Secrets go through the configured kubeconfig.
  staging: { [KUBECONFIG_CONFIG_KEY]: CANARY.kubeconfig },
  prod: {},
};

/**
 * Where a canary secret value stands in plain text in the raw checkpoint, as `<resource name>.<path>`. By
 * design: an AccessKey's id is its AccessKey ID (resource_alicloud_ram_access_key.go Create: d.SetId(AccessKeyId)),
 * and the engine never encrypts a resource id. Everything else is ciphertext.
 */
const PLAINTEXT_IN_CHECKPOINT: Readonly<Record<string, readonly string[]>> = {
  dev: [],
  staging: ['metrics-reader-key.id'],
  prod: [],
};

/** Paths under `value` whose string holds a canary. */
function canaryPaths(value: unknown, at: string): string[] {
  if (typeof value === 'string') return ALL_CANARIES.some((c) => value.includes(c)) ? [at] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => canaryPaths(v, `${at}.${k}`));
}

/** The URNs in the raw checkpoint, sorted. */
function stateUrns(engine: EngineStack): string[] {
  const checkpoint = JSON.parse(engine.checkpoint()) as {
    checkpoint: { latest?: { resources?: { urn: string }[] } };
  };
  return (checkpoint.checkpoint.latest?.resources ?? []).map((r) => r.urn).sort();
}

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- stack-file YAML

/** One row of the README's "What replaces or deletes cloud resources": a stack-file change and its plan. */
interface Replay {
  readonly change: string;
  readonly edit: (config: Config) => void;
  /** The preview's steps besides `same`, sorted (`op name keys...`), or 'refused' (protect). */
  readonly planned: readonly string[] | 'refused';
}

/** dev's broker-side ARMS alert rules (issue 26): ForceNew expression and message name the instance and group. */
const DEV_ALERT_RULES: readonly string[] = [
  'backlog-beyond-capacity',
  'consumption-delay',
  'dead-letters',
  'nobody-consuming',
].map((rule) => `alerts-order-fulfilment-rocketmq-${rule}`);

/** The steps of replacing each of `names` for `keys` (the changed ForceNew fields, sorted). */
const replaced = (names: readonly string[], keys: string): string[] =>
  ['replace', 'create-replacement', 'delete-replaced'].flatMap((op) =>
    names.map((name) => (op === 'delete-replaced' ? `${op} ${name}` : `${op} ${name} ${keys}`)),
  );

const VSWITCH_CASCADE: readonly string[] = ['replace', 'create-replacement', 'delete-replaced'].flatMap(
  (op) => {
    const keys = (key: string) => (op === 'delete-replaced' ? '' : ` ${key}`);
    return [
      `${op} consumers-order-fulfilment-account${keys('instanceId')}`,
      // The grants follow their account: its username is unknown until the new one exists.
      `${op} consumers-order-fulfilment-group-acl${op === 'create-replacement' ? ' username' : ''}`,
      `${op} consumers-order-fulfilment-topic-acl${op === 'create-replacement' ? ' username' : ''}`,
      `${op} messaging-group-order-fulfilment${keys('instanceId')}`,
      `${op} messaging-instance${keys('networkInfo')}`,
      `${op} messaging-topic-orders${keys('instanceId')}`,
      `${op} messaging-topic-orders-dlq${keys('instanceId')}`,
      `${op} producers-order-load-account${keys('instanceId')}`,
      `${op} producers-order-load-topic-acl${op === 'create-replacement' ? ' username' : ''}`,
    ];
  },
);

/** The README's rows replayed as real previews, per stack (the committed stack file, one change at a time). */
/**
 * A new instance.name: instance_name is Optional, not ForceNew, and Update sends it in UpdateInstance
 * (resource_alicloud_rocketmq_instance.go resourceAliCloudRocketmqInstanceUpdate, HasChange("instance_name")).
 */
const RENAME = (name: string): Replay => ({
  change: 'instance.name',
  edit: (c) => {
    c['apsaramq-keda:instance'].name = name;
  },
  planned: ['update messaging-instance'],
});

const REPLAYS: Readonly<Record<string, readonly Replay[]>> = {
  dev: [
    // An update in place, also from the hyphenated names the loader refuses now (orders-dev -> orders_dev).
    RENAME('orders_dev_v2'),
    {
      // ForceNew networkInfo.vpcInfo.vswitches: a new instance, and everything on it (instanceId is ForceNew).
      change: 'instance.network.vSwitchIds[1]',
      edit: (c) => {
        c['apsaramq-keda:instance'].network.vSwitchIds[1] = 'vsw-bp1fakedev00000000j';
      },
      // The rules' expressions select the instance id: a new instance, new rules.
      planned: [...VSWITCH_CASCADE, ...replaced(DEV_ALERT_RULES, 'expression')].sort(),
    },
    {
      // ForceNew message_type: the topic alone; its name is unchanged, so the grants stay.
      change: 'topics[1].messageType',
      edit: (c) => {
        c['apsaramq-keda:topics'][1].messageType = 'DELAY';
      },
      planned: [
        'create-replacement messaging-topic-orders-dlq messageType',
        'delete-replaced messaging-topic-orders-dlq',
        'replace messaging-topic-orders-dlq messageType',
      ],
    },
    {
      // A new group id is a new resource; the old group is retained (its `delete` only leaves the state).
      change: 'consumerGroups[0].id',
      edit: (c) => {
        c['apsaramq-keda:consumerGroups'][0].id = 'order-fulfilment-v2';
        c['apsaramq-keda:workloads'][0].consumerGroup = 'order-fulfilment-v2';
      },
      planned: [
        'create-replacement consumers-order-fulfilment-group-acl resourceName',
        'create messaging-group-order-fulfilment-v2',
        'delete messaging-group-order-fulfilment',
        'delete-replaced consumers-order-fulfilment-group-acl',
        'replace consumers-order-fulfilment-group-acl resourceName',
        // The rules select the group and name it in their message.
        ...replaced(DEV_ALERT_RULES, 'expression message'),
      ].sort(),
    },
    {
      // A workload's name names its account (username <env>-<workload>), grants, password and Secret.
      change: 'workloads[0].name',
      edit: (c) => {
        c['apsaramq-keda:workloads'][0].name = 'fulfilment';
      },
      planned: [
        'create cluster-secrets-fulfilment-credentials',
        'create consumers-fulfilment-account',
        'create consumers-fulfilment-group-acl',
        'create consumers-fulfilment-password',
        'create consumers-fulfilment-topic-acl',
        'delete cluster-secrets-order-fulfilment-credentials',
        'delete consumers-order-fulfilment-account',
        'delete consumers-order-fulfilment-group-acl',
        'delete consumers-order-fulfilment-password',
        'delete consumers-order-fulfilment-topic-acl',
        // The rules' resource names carry the workload's.
        ...DEV_ALERT_RULES.map((name) => `create ${name.replace('order-fulfilment', 'fulfilment')}`),
        ...DEV_ALERT_RULES.map((name) => `delete ${name}`),
      ].sort(),
    },
  ],
  staging: [],
  prod: [
    // protect refuses deletes, not updates: a rename goes through on prod too.
    RENAME('orders_prod_v2'),
    {
      // Protected as a whole: no replacement is planned, the preview fails.
      change: 'instance.network.vSwitchIds[2]',
      edit: (c) => {
        c['apsaramq-keda:instance'].network.vSwitchIds[2] = 'vsw-bp1fakeprod0000000k';
      },
      planned: 'refused',
    },
  ],
};

/**
 * What a preview plans when the first workload's generated password is replaced (`pulumi up --replace`). The
 * provider's account Update sends the password in the URL query (resource_alicloud_rocketmq_account.go
 * resourceAliCloudRocketmqAccountUpdate: query["password"]); a replacement sends it in Create's body. The
 * account is deleted first (its username is fixed), and its grants with it.
 */
const ROTATED: readonly string[] = [
  'create-replacement consumers-order-fulfilment-account password',
  'create-replacement consumers-order-fulfilment-group-acl username',
  'create-replacement consumers-order-fulfilment-password id',
  'create-replacement consumers-order-fulfilment-topic-acl username',
  'delete-replaced consumers-order-fulfilment-account',
  'delete-replaced consumers-order-fulfilment-group-acl',
  'delete-replaced consumers-order-fulfilment-password',
  'delete-replaced consumers-order-fulfilment-topic-acl',
  'replace consumers-order-fulfilment-account password',
  'replace consumers-order-fulfilment-group-acl',
  'replace consumers-order-fulfilment-password id',
  'replace consumers-order-fulfilment-topic-acl',
  // The Secret's new password goes in the body of a Kubernetes update.
  'update cluster-secrets-order-fulfilment-credentials',
];
/** Per stack: whether protect refuses the rotation, and (when it goes through) the plan, sorted. */
const ROTATION: Readonly<Record<string, { readonly refused: boolean; readonly planned: readonly string[] }>> =
  {
    dev: { refused: false, planned: ROTATED },
    staging: { refused: false, planned: ROTATED },
    // Protected as a whole: a rotation needs `pulumi state unprotect` first, like any replacement there.
    prod: { refused: true, planned: [] },
  };

/** What a destroy does to each committed stack, worked out from the program and the stack files. */
const DESTROY: Readonly<
  Record<
    string,
    {
      readonly refused: boolean;
      readonly deleted: readonly string[];
      readonly kept: readonly string[];
      /** The state after the destroy: empty, or every resource still there (nothing dropped). */
      readonly state: 'empty' | 'unchanged';
    }
  >
> = {
  // PayAsYouGo serverless: access is revoked (accounts, grants, Secrets); the instance, its topics and its
  // group stay with their messages and consumption progress, and so does the ack-keda add-on.
  dev: {
    refused: false,
    state: 'empty',
    deleted: [
      // The ARMS alert rules hold no data.
      ...DEV_ALERT_RULES,
      'cluster-secrets-order-fulfilment-credentials',
      'cluster-secrets-order-load-credentials',
      'cluster-secrets-prometheus-auth',
      'consumers-order-fulfilment-account',
      'consumers-order-fulfilment-group-acl',
      'consumers-order-fulfilment-password',
      'consumers-order-fulfilment-topic-acl',
      'producers-order-load-account',
      'producers-order-load-password',
      'producers-order-load-topic-acl',
    ],
    kept: [
      'keda-addon',
      'messaging-group-order-fulfilment',
      'messaging-instance',
      'messaging-topic-orders',
      'messaging-topic-orders-dlq',
    ],
  },
  staging: {
    refused: false,
    state: 'empty',
    deleted: [
      'cluster-secrets-legacy-billing-credentials',
      'cluster-secrets-order-fulfilment-credentials',
      'cluster-secrets-order-load-credentials',
      'cluster-secrets-prometheus-auth',
      'consumers-legacy-billing-account',
      'consumers-legacy-billing-group-acl',
      'consumers-legacy-billing-password',
      'consumers-legacy-billing-topic-acl',
      'consumers-order-fulfilment-account',
      'consumers-order-fulfilment-group-acl',
      'consumers-order-fulfilment-password',
      'consumers-order-fulfilment-topic-acl',
      'metrics-reader-key',
      'metrics-reader-policy',
      'metrics-reader-user',
      'producers-order-load-account',
      'producers-order-load-password',
      'producers-order-load-topic-acl',
    ],
    kept: [
      'messaging-group-legacy-billing',
      'messaging-group-order-fulfilment',
      'messaging-instance',
      'messaging-topic-order-events',
      'messaging-topic-orders',
    ],
  },
  // A Subscription instance: the whole stack is protected, so the engine refuses before deleting anything.
  prod: { refused: true, deleted: [], kept: [], state: 'unchanged' },
};

describeWith(
  [pulumiBinary()],
  `build the Pulumi CLI v${PULUMI_CLI_VERSION}: npx tsx tests/pulumi/engine/build-cli-cli.ts`,
)('the Pulumi engine', () => {
  describe.each(Object.keys(DESTROY))('stack %s', (environment) => {
    let engine: EngineStack;
    let created: string[];

    beforeAll(async () => {
      engine = await openStack(environment);
      const up = await engine.run('up');
      if (up.error !== undefined) throw new Error(`${environment}: up failed: ${up.error}`);
      created = engine
        .ledger()
        .filter((l) => l.op === 'create')
        .map((l) => l.name);
    }, OPERATION_TIMEOUT_MS);

    afterAll(() => engine?.dispose());

    test(
      'a preview after up plans no change but the allowlist clean-up, and none after a second up',
      async () => {
        const first = await engine.run('preview');
        const planned = (result: OperationResult) =>
          collectSteps(result.events, 'pre')
            .filter((step) => step.op !== 'same')
            .map((step) => [step.op, step.name, ...step.diffs].join(' '));
        expect({ error: first.error, planned: planned(first) }).toEqual({
          error: undefined,
          planned: FIRST_PREVIEW[environment],
        });
        expect((await engine.run('up')).error).toBeUndefined();
        const second = await engine.run('preview');
        expect({ error: second.error, planned: planned(second) }).toEqual({ error: undefined, planned: [] });
        expect(Object.keys(second.changeSummary ?? {})).toEqual(['same']);
      },
      OPERATION_TIMEOUT_MS,
    );

    test(
      'each README row of what replaces or deletes a resource is the plan the engine makes',
      async () => {
        const results: Record<string, readonly string[] | 'refused'> = {};
        for (const replay of REPLAYS[environment]) {
          const restore = engine.editConfig(replay.edit);
          try {
            const { events, error } = await engine.run('preview');
            if (error === undefined) {
              results[replay.change] = collectSteps(events, 'pre')
                .filter((step) => step.op !== 'same')
                // The changed keys come in the order of the old state's map, which the engine does not fix.
                .map((step) => [step.op, step.name, ...[...step.keys].sort()].join(' '))
                .sort();
            } else {
              results[replay.change] = error.includes('as it is currently marked for protection')
                ? 'refused'
                : [error];
            }
          } finally {
            restore();
          }
        }
        expect(results).toEqual(
          Object.fromEntries(REPLAYS[environment].map((replay) => [replay.change, replay.planned])),
        );
      },
      OPERATION_TIMEOUT_MS,
    );

    test(
      'a new ACL password replaces the account, so the password is never sent in an update',
      async () => {
        const urn = stateUrns(engine).find((u) => u.endsWith('::consumers-order-fulfilment-password'));
        const { events, error } = await engine.run('preview', [urn ?? 'missing']);
        const planned = collectSteps(events, 'pre')
          .filter((step) => step.op !== 'same')
          .map((step) => [step.op, step.name, ...step.keys].join(' '))
          .sort();
        const refused = (error ?? '').includes('as it is currently marked for protection');
        // Never an update of an account: that call carries the password in its URL.
        expect(planned.filter((step) => /^update \S+-account$/.test(step))).toEqual([]);
        // A refused preview stops part-way; what it got to plan is not applied.
        expect({ refused, planned: refused ? [] : planned }).toEqual(ROTATION[environment]);
      },
      OPERATION_TIMEOUT_MS,
    );

    test('the raw checkpoint holds no secret in plain text but the AccessKey ID that is a resource id', () => {
      const checkpoint = JSON.parse(engine.checkpoint()) as {
        checkpoint: {
          latest: { resources: { urn: string; id?: string; inputs?: object; outputs?: object }[] };
        };
      };
      const plaintext = checkpoint.checkpoint.latest.resources.flatMap((r) => {
        const name = r.urn.split('::').pop() ?? r.urn;
        return canaryPaths({ id: r.id, inputs: r.inputs, outputs: r.outputs }, name);
      });
      expect(plaintext.sort()).toEqual(PLAINTEXT_IN_CHECKPOINT[environment]);
      // The secrets are there, as ciphertext: every generated password's result.
      const passwords = checkpoint.checkpoint.latest.resources.filter((r) => r.urn.endsWith('-password'));
      expect(passwords.length).toBeGreaterThan(0);
      for (const password of passwords) {
        const result = (password.outputs as Record<string, Record<string, string>>).result;
        expect(Object.keys(result).sort()).toEqual([SECRET_SIG_KEY, 'ciphertext']);
        expect(result[SECRET_SIG_KEY]).toBe(SECRET_SIG);
      }
    });

    test('config set with --secret is stored encrypted in the stack file and read back by the engine', async () => {
      const file = parseYaml(fs.readFileSync(engine.stackFile, 'utf8')) as {
        encryptionsalt?: string;
        config: Record<string, unknown>;
      };
      const secure = Object.entries(file.config)
        .filter(([, v]) => typeof v === 'object' && v !== null && 'secure' in v)
        .map(([k]) => k);
      expect(secure).toEqual(Object.keys(SECRET_CONFIG[environment]));
      expect(canaryPaths(file, 'stack file')).toEqual([]);
      expect(file.encryptionsalt).toMatch(/^v1:/);
      for (const [key, value] of Object.entries(SECRET_CONFIG[environment])) {
        expect(await engine.stack.getConfig(key)).toEqual({ value, secret: true });
      }
    });

    test(
      'destroy deletes exactly the access resources, and nothing at all on a Subscription instance stack',
      async () => {
        engine.clearLedger();
        const before = stateUrns(engine);
        expect(before.length).toBeGreaterThan(0);
        const { error } = await engine.run('destroy');
        const deleted = engine
          .ledger()
          .filter((l) => l.op === 'delete')
          .map((l) => l.name)
          .sort();
        const refusedAll = (error ?? '').includes('because it is protected');
        const expected = DESTROY[environment];
        expect({
          refused: refusedAll,
          deleted,
          kept: expected.refused ? [] : created.filter((name) => !deleted.includes(name)).sort(),
          state:
            stateUrns(engine).length === 0
              ? 'empty'
              : stateUrns(engine).join() === before.join()
                ? 'unchanged'
                : 'changed',
        }).toEqual(expected);
      },
      OPERATION_TIMEOUT_MS,
    );
  });
});
