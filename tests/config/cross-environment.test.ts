/**
 * What two environments valid on their own must not share (infra/config/cross-environment.ts). Every
 * message is written out by hand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collisions, committedCollisions, type EnvironmentEntry } from '../../infra/config/cross-environment';
import {
  apsaraMqSpec,
  listEnvironments,
  loadEnvironment,
  parseEnvironment,
} from '../../infra/config/environment';
import { type Config, section, stackConfig } from './helpers';
import { scratchDir } from '../shared/scratch';

const DEV_CLUSTER = 'c0fakedev00000000000000000000000dd';
const ADOPTED = 'rmq-cn-shared0000';

/** The stack file `from`, edited, as environment `env` in stacks/Pulumi.<env>.yaml. */
function entry(
  env: string,
  from: string,
  edit: (c: Config) => void = () => undefined,
  handoffInstanceId?: string,
): EnvironmentEntry {
  const config = stackConfig(from);
  edit(config);
  return {
    file: `stacks/Pulumi.${env}.yaml`,
    spec: parseEnvironment(env, config),
    ...(handoffInstanceId !== undefined && { handoffInstanceId }),
  };
}

const ownNamespace = (namespace: string) => (c: Config) => (section(c, 'kubernetes').namespace = namespace);
const ownInstanceName = (name: string) => (c: Config) => (section(c, 'instance').name = name);
const both =
  (...edits: ((c: Config) => void)[]) =>
  (c: Config) => {
    for (const edit of edits) edit(c);
  };
/** Adopt `id` instead of creating an instance. */
const adopt = (id: string) => (c: Config) => {
  c['apsaramq-keda:instance'] = { existingInstanceId: id, serverless: true };
};
/** dev's topics, group, workload and producer under other names (`<prefix>-orders`, ...). */
const ownMessaging = (prefix: string) => (c: Config) => {
  section(c, 'topics')[0].name = `${prefix}-orders`;
  section(c, 'topics')[1].name = `${prefix}-orders-dlq`;
  section(c, 'consumerGroups')[0].id = `${prefix}-order-fulfilment`;
  section(c, 'consumerGroups')[0].deadLetterTopic = `${prefix}-orders-dlq`;
  section(c, 'workloads')[0].topic = `${prefix}-orders`;
  section(c, 'workloads')[0].consumerGroup = `${prefix}-order-fulfilment`;
  section(c, 'producers')[0].topic = `${prefix}-orders`;
};

const NAMESPACE_ON_DEV_CLUSTER = (view: string, other: string) =>
  `stacks/Pulumi.${view}.yaml: kubernetes.namespace "orders-dev" on cluster ${DEV_CLUSTER} is also used by stacks/Pulumi.${other}.yaml; each environment needs its own namespace`;
const INSTANCE_NAME = (view: string, other: string, name: string, region: string) =>
  `stacks/Pulumi.${view}.yaml: instance.name "${name}" in region ${region} is also used by stacks/Pulumi.${other}.yaml; each environment creates its own instance and needs its own name (to share one instance, adopt it with instance.existingInstanceId)`;
const UNKNOWN_CLUSTER = (view: string, other: string, namespace: string) =>
  `stacks/Pulumi.${view}.yaml: kubernetes.namespace "${namespace}" is also used by stacks/Pulumi.${other}.yaml, and without kubernetes.ackClusterId in both files their clusters cannot be told apart; each environment needs its own namespace (or, for two different ACK clusters, set kubernetes.ackClusterId in both)`;

describe('collisions', () => {
  test('a verbatim copy of dev shares its namespace on its cluster and its instance name in its region', () => {
    expect(collisions([entry('dev', 'dev'), entry('qa', 'dev')])).toEqual([
      NAMESPACE_ON_DEV_CLUSTER('qa', 'dev'),
      INSTANCE_NAME('qa', 'dev', 'orders_dev', 'cn-hangzhou'),
    ]);
  });

  test('a copy of staging, which names no cluster, cannot be told apart from it by cluster', () => {
    expect(collisions([entry('staging', 'staging'), entry('uat', 'staging')])).toEqual([
      UNKNOWN_CLUSTER('uat', 'staging', 'orders-staging'),
      INSTANCE_NAME('uat', 'staging', 'orders_staging', 'cn-shanghai'),
    ]);
  });

  test('one namespace with a cluster id on one side only is a collision: the other cluster may be that one', () => {
    const noCluster = (c: Config) => {
      // Without ackClusterId the program writes the Secrets through a kubeconfig (a secret it never reads here).
      section(c, 'kubernetes').ackClusterId = undefined;
      section(c, 'kubernetes').kedaAddonVersion = undefined;
    };
    expect(
      collisions([entry('dev', 'dev'), entry('qa', 'dev', both(noCluster, ownInstanceName('orders_qa')))]),
    ).toEqual([UNKNOWN_CLUSTER('qa', 'dev', 'orders-dev')]);
  });

  test('one namespace on two different ACK clusters is not a collision', () => {
    const otherCluster = (c: Config) =>
      (section(c, 'kubernetes').ackClusterId = 'c0fakeqa000000000000000000000000qq');
    expect(
      collisions([entry('dev', 'dev'), entry('qa', 'dev', both(otherCluster, ownInstanceName('orders_qa')))]),
    ).toEqual([]);
  });

  test('two namespaces on one ACK cluster (same ack-keda version) are not a collision', () => {
    expect(
      collisions([
        entry('dev', 'dev'),
        entry('qa', 'dev', both(ownNamespace('orders-qa'), ownInstanceName('orders_qa'))),
      ]),
    ).toEqual([]);
  });

  test('one instance name in two regions is not a collision', () => {
    const shanghai = (c: Config) => (c['alicloud:region'] = 'cn-shanghai');
    expect(
      collisions([entry('dev', 'dev'), entry('qa', 'dev', both(shanghai, ownNamespace('orders-qa')))]),
    ).toEqual([]);
  });

  test('one ARMS Prometheus instance read by several environments is not a collision', () => {
    const qa = entry('qa', 'dev', both(ownNamespace('orders-qa'), ownInstanceName('orders_qa')));
    expect(apsaraMqSpec(qa.spec).prometheus.instanceId).toBe(
      apsaraMqSpec(entry('dev', 'dev').spec).prometheus.instanceId,
    );
    expect(collisions([entry('dev', 'dev'), qa])).toEqual([]);
  });

  test('two environments adopting one instance with their own topics, groups and accounts do not collide', () => {
    expect(
      collisions([
        entry('dev', 'dev', adopt(ADOPTED)),
        entry('qa', 'dev', both(adopt(ADOPTED), ownNamespace('orders-qa'), ownMessaging('qa'))),
      ]),
    ).toEqual([]);
  });

  test('two environments adopting one instance must not declare the same topics or claim the same group', () => {
    expect(
      collisions([
        entry('dev', 'dev', adopt(ADOPTED)),
        entry('qa', 'dev', both(adopt(ADOPTED), ownNamespace('orders-qa'))),
      ]),
    ).toEqual([
      `stacks/Pulumi.qa.yaml: topics[0].name "orders" on instance ${ADOPTED} is also declared by stacks/Pulumi.dev.yaml; both stacks would manage the one topic, so each environment on a shared instance needs its own topics`,
      `stacks/Pulumi.qa.yaml: topics[1].name "orders-dlq" on instance ${ADOPTED} is also declared by stacks/Pulumi.dev.yaml; both stacks would manage the one topic, so each environment on a shared instance needs its own topics`,
      `stacks/Pulumi.qa.yaml: consumerGroups[0].id "order-fulfilment" on instance ${ADOPTED} is also claimed by stacks/Pulumi.dev.yaml; the consumers of both environments would split its messages and both stacks would manage it, so each environment needs its own group`,
    ]);
  });

  test('adopting the instance another environment created (its hand-off id) shares it', () => {
    const devCreated = entry('dev', 'dev', () => undefined, ADOPTED);
    const qaAdopts = entry(
      'qa',
      'dev',
      both(adopt(ADOPTED), ownNamespace('orders-qa'), ownMessaging('qa'), (c) => {
        section(c, 'consumerGroups')[0].id = 'order-fulfilment';
        section(c, 'workloads')[0].consumerGroup = 'order-fulfilment';
      }),
    );
    expect(collisions([devCreated, qaAdopts])).toEqual([
      `stacks/Pulumi.qa.yaml: consumerGroups[0].id "order-fulfilment" on instance ${ADOPTED} is also claimed by stacks/Pulumi.dev.yaml; the consumers of both environments would split its messages and both stacks would manage it, so each environment needs its own group`,
    ]);
    // Without dev's hand-off nothing tells which instance dev created.
    expect(collisions([entry('dev', 'dev'), qaAdopts])).toEqual([]);
  });

  test('two created instances with their own names are apart even when a copied hand-off names one id', () => {
    expect(
      collisions([
        entry('dev', 'dev', () => undefined, ADOPTED),
        entry('qa', 'dev', both(ownNamespace('orders-qa'), ownInstanceName('orders_qa')), ADOPTED),
      ]),
    ).toEqual([]);
  });

  test('two ACL accounts of one name on a shared instance collide (names are <environment>-<workload>)', () => {
    // dev's workload order-fulfilment has the account dev-order-fulfilment; so has dev-order's workload fulfilment.
    const devOrder = entry(
      'dev-order',
      'dev',
      both(adopt(ADOPTED), ownNamespace('orders-dev-order'), ownMessaging('x'), (c) => {
        section(c, 'workloads')[0].name = 'fulfilment';
      }),
    );
    expect(collisions([entry('dev', 'dev', adopt(ADOPTED)), devOrder])).toEqual([
      `stacks/Pulumi.dev.yaml: workloads[0].name "order-fulfilment" has the ACL account "dev-order-fulfilment" on instance ${ADOPTED}, which is also the account of workloads[0].name "fulfilment" in stacks/Pulumi.dev-order.yaml (account names are <environment>-<name>); rename one of them`,
    ]);
  });

  test('reports each pair once, from the later file, in file order; with a selection only pairs that involve it, from its side', () => {
    const all = [
      entry('prod', 'prod'),
      entry('dev', 'dev'),
      entry('uat', 'prod'),
      entry('qa', 'dev'),
      entry('staging', 'staging'),
    ];
    const PROD_NAMESPACE = (view: string, other: string) =>
      `stacks/Pulumi.${view}.yaml: kubernetes.namespace "orders-prod" on cluster c0fakeprod0000000000000000000000pp is also used by stacks/Pulumi.${other}.yaml; each environment needs its own namespace`;
    expect(collisions(all)).toEqual([
      NAMESPACE_ON_DEV_CLUSTER('qa', 'dev'),
      INSTANCE_NAME('qa', 'dev', 'orders_dev', 'cn-hangzhou'),
      PROD_NAMESPACE('uat', 'prod'),
      INSTANCE_NAME('uat', 'prod', 'orders_prod', 'cn-hangzhou'),
    ]);
    expect(collisions(all, ['prod'])).toEqual([
      PROD_NAMESPACE('prod', 'uat'),
      INSTANCE_NAME('prod', 'uat', 'orders_prod', 'cn-hangzhou'),
    ]);
    expect(collisions(all, ['qa', 'dev'])).toEqual([
      NAMESPACE_ON_DEV_CLUSTER('qa', 'dev'),
      INSTANCE_NAME('qa', 'dev', 'orders_dev', 'cn-hangzhou'),
    ]);
    expect(collisions(all, ['staging'])).toEqual([]);
  });

  test('the committed environments do not collide with each other', () => {
    const committed = listEnvironments().map((env) => ({
      file: `stacks/Pulumi.${env}.yaml`,
      spec: loadEnvironment(env),
    }));
    expect(committed.map((e) => e.spec.name)).toEqual(expect.arrayContaining(['dev', 'prod', 'staging']));
    expect(collisions(committed)).toEqual([]);
  });
});

describe('committedCollisions', () => {
  const ROOT = path.resolve(__dirname, '..', '..');
  function stacksCopy(edit: (dir: string) => void): string {
    const dir = scratchDir('apsaramq-keda-cross-');
    fs.cpSync(path.join(ROOT, 'stacks'), dir, { recursive: true });
    edit(dir);
    return dir;
  }

  test('finds nothing among the committed stack files', () => {
    expect(committedCollisions(listEnvironments())).toEqual({ collisions: [], notes: [] });
  });

  test('reads every stack file of the directory, the selected ones and the others', () => {
    const dir = stacksCopy((d) =>
      fs.copyFileSync(path.join(d, 'Pulumi.dev.yaml'), path.join(d, 'Pulumi.qa.yaml')),
    );
    const qa = path.join(dir, 'Pulumi.qa.yaml');
    const dev = path.join(dir, 'Pulumi.dev.yaml');
    expect(committedCollisions(['qa'], [], dir).collisions).toEqual([
      `${qa}: kubernetes.namespace "orders-dev" on cluster ${DEV_CLUSTER} is also used by ${dev}; each environment needs its own namespace`,
      `${qa}: instance.name "orders_dev" in region cn-hangzhou is also used by ${dev}; each environment creates its own instance and needs its own name (to share one instance, adopt it with instance.existingInstanceId)`,
    ]);
    expect(committedCollisions(['prod'], [], dir)).toEqual({ collisions: [], notes: [] });
  });

  test('takes an environment given in `current` instead of its file', () => {
    const dir = stacksCopy((d) =>
      fs.copyFileSync(path.join(d, 'Pulumi.dev.yaml'), path.join(d, 'Pulumi.qa.yaml')),
    );
    const qa = entry('qa', 'dev', both(ownNamespace('orders-qa'), ownInstanceName('orders_qa')));
    expect(committedCollisions(['qa'], [qa], dir)).toEqual({ collisions: [], notes: [] });
  });

  test('finds the instance a stack created in its hand-off', () => {
    const dir = stacksCopy(() => undefined);
    const devInstance = (
      JSON.parse(fs.readFileSync(path.join(dir, 'dev.outputs.json'), 'utf8')) as {
        instanceId: string;
      }
    ).instanceId;
    const qa = entry(
      'qa',
      'dev',
      both(adopt(devInstance), ownNamespace('orders-qa'), ownMessaging('qa'), (c) => {
        section(c, 'topics')[0].name = 'orders';
        section(c, 'workloads')[0].topic = 'orders';
        section(c, 'producers')[0].topic = 'orders';
      }),
    );
    expect(committedCollisions(['qa'], [qa], dir).collisions).toEqual([
      `stacks/Pulumi.qa.yaml: topics[0].name "orders" on instance ${devInstance} is also declared by ${path.join(dir, 'Pulumi.dev.yaml')}; both stacks would manage the one topic, so each environment on a shared instance needs its own topics`,
    ]);
  });

  test('an invalid stack file that was not selected is left out with a note; a selected one is the caller’s to report', () => {
    const dir = stacksCopy((d) => {
      fs.copyFileSync(path.join(d, 'Pulumi.prod.yaml'), path.join(d, 'Pulumi.uat.yaml'));
      fs.writeFileSync(path.join(d, 'Pulumi.qa.yaml'), 'config:\n  alicloud:region: cn-hangzhou\n');
    });
    const uat = path.join(dir, 'Pulumi.uat.yaml');
    const prod = path.join(dir, 'Pulumi.prod.yaml');
    expect(committedCollisions(['uat'], [], dir)).toEqual({
      collisions: [
        `${uat}: kubernetes.namespace "orders-prod" on cluster c0fakeprod0000000000000000000000pp is also used by ${prod}; each environment needs its own namespace`,
        `${uat}: instance.name "orders_prod" in region cn-hangzhou is also used by ${prod}; each environment creates its own instance and needs its own name (to share one instance, adopt it with instance.existingInstanceId)`,
      ],
      notes: [
        `${path.join(dir, 'Pulumi.qa.yaml')}: left out of the check for collisions between environments: it is invalid (6 problems; npm run synth -- --env qa lists them)`,
      ],
    });
    expect(committedCollisions(['qa'], [], dir)).toEqual({ collisions: [], notes: [] });
  });
});
