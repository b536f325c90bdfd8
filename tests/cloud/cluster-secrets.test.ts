/**
 * ClusterSecrets on its own, under the provider mocks: the namespace and workload-name rules with messages and
 * passing boundaries, the explicit Kubernetes provider, and the exact Secrets (names, namespace, labels, keys,
 * values, secret-ness) it registers. Expected values are worked out by hand from the arguments.
 */
import * as pulumi from '@pulumi/pulumi';
import {
  ackClusterKubeconfig,
  ClusterSecrets,
  type ClusterSecretsArgs,
  clusterSecretsViolations,
  InvalidArgsError,
  prometheusAuthData,
} from '../../constructs/cloud';
import {
  CANARY,
  CLUSTER_CREDENTIAL,
  type RecordedResource,
  type Run,
  runWithMocks,
  valueOf,
} from '../pulumi/harness';
import { TYPE } from '../pulumi/types';
import { freshModule } from './fresh-module';

type Module = typeof import('../../constructs/cloud/cluster-secrets');

const BASE: ClusterSecretsArgs = {
  kubeconfig: 'kubeconfig-of-test',
  namespace: 'orders',
  prometheus: { auth: 'token', token: 'token-value' },
  workloads: [],
};

function run<T>(construct: () => T) {
  return runWithMocks('test', { 'alicloud:region': 'cn-hangzhou' }, construct);
}

function named(r: Run<unknown>, name: string): RecordedResource {
  const found = r.resources.filter((x) => x.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

const workload = (name: string) => ({ name, username: `dev-${name}`, password: `pw-${name}` });

describe('clusterSecretsViolations', () => {
  test.each<[string, Partial<ClusterSecretsArgs>, string[]]>([
    ['a namespace of 63 characters', { namespace: 'a'.repeat(63) }, []],
    [
      'a namespace of 64 characters',
      { namespace: 'a'.repeat(64) },
      [`namespace ("${'a'.repeat(64)}") must be a DNS-1123 label`],
    ],
    [
      'a namespace with upper case',
      { namespace: 'Orders' },
      ['namespace ("Orders") must be a DNS-1123 label'],
    ],
    [
      'a namespace ending in "-"',
      { namespace: 'orders-' },
      ['namespace ("orders-") must be a DNS-1123 label'],
    ],
    ['two workloads', { workloads: [workload('a'), workload('b-2')] }, []],
    ['a workload name of 63 characters', { workloads: [workload('w'.repeat(63))] }, []],
    [
      // Not a DNS-1123 label, and too long for the app.kubernetes.io/name label value (63 at most).
      'a workload name of 64 characters',
      { workloads: [workload('w'.repeat(64))] },
      [`workloads[0].name ("${'w'.repeat(64)}") must be a DNS-1123 label`],
    ],
    [
      'a workload name with an underscore',
      { workloads: [workload('a'), workload('order_x')] },
      ['workloads[1].name ("order_x") must be a DNS-1123 label'],
    ],
    [
      'the same workload twice',
      { workloads: [workload('a'), workload('b'), workload('a')] },
      ['workloads[2].name ("a") gives the Secret name "a-rocketmq-credentials" twice'],
    ],
  ])('%s', (_, edit, expected) => {
    expect(clusterSecretsViolations({ ...BASE, ...edit })).toEqual(expected);
  });

  test('the constructor throws every violation, naming the component, before registering anything', async () => {
    const r = await run(
      () => new ClusterSecrets('s', { ...BASE, namespace: 'Orders', workloads: [workload('A')] }),
    );
    expect(r.error).toBeInstanceOf(InvalidArgsError);
    expect((r.error as InvalidArgsError).name).toBe('InvalidArgsError');
    expect((r.error as Error).message).toBe(
      'ClusterSecrets "s" has invalid arguments:\n' +
        '  - namespace ("Orders") must be a DNS-1123 label\n' +
        '  - workloads[0].name ("A") must be a DNS-1123 label',
    );
    expect(r.resources).toEqual([]);
  });
});

describe('ClusterSecrets', () => {
  test('token auth: a provider for the given kubeconfig, the auth Secret and one credentials Secret per workload', async () => {
    const r = await run(
      () =>
        new ClusterSecrets('s', {
          ...BASE,
          // The stack's labels come first: the component's own keys win.
          labels: { team: 'orders', 'app.kubernetes.io/managed-by': 'someone-else' },
          workloads: [workload('fulfil'), workload('ledger')],
        }),
    );
    expect(r.error).toBeUndefined();
    const provider = named(r, 's-cluster');
    expect([provider.type, provider.parent, provider.inputs.kubeconfig, provider.secretInputs]).toEqual([
      TYPE.k8sProvider,
      's',
      'kubeconfig-of-test',
      ['kubeconfig'],
    ]);
    const common = {
      team: 'orders',
      'app.kubernetes.io/part-of': 'apsaramq-keda',
      'app.kubernetes.io/managed-by': 'pulumi',
    };
    const secrets = r.resources
      .filter((x) => x.type === TYPE.k8sSecret)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((x) => ({
        name: x.name,
        parent: x.parent,
        provider: x.provider,
        deleteBeforeReplace: x.deleteBeforeReplace,
        inputs: x.inputs,
        secretInputs: x.secretInputs,
      }));
    const options = {
      parent: 's',
      provider: 's-cluster',
      deleteBeforeReplace: true,
      secretInputs: ['stringData'],
    };
    expect(secrets).toEqual([
      {
        name: 's-fulfil-credentials',
        ...options,
        inputs: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: 'fulfil-rocketmq-credentials',
            namespace: 'orders',
            labels: {
              ...common,
              'app.kubernetes.io/component': 'rocketmq-credentials',
              'app.kubernetes.io/name': 'fulfil',
            },
          },
          type: 'Opaque',
          stringData: { username: 'dev-fulfil', password: 'pw-fulfil' },
        },
      },
      {
        name: 's-ledger-credentials',
        ...options,
        inputs: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: 'ledger-rocketmq-credentials',
            namespace: 'orders',
            labels: {
              ...common,
              'app.kubernetes.io/component': 'rocketmq-credentials',
              'app.kubernetes.io/name': 'ledger',
            },
          },
          type: 'Opaque',
          stringData: { username: 'dev-ledger', password: 'pw-ledger' },
        },
      },
      {
        name: 's-prometheus-auth',
        ...options,
        inputs: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: 'keda-arms-prometheus-auth',
            namespace: 'orders',
            labels: { ...common, 'app.kubernetes.io/component': 'prometheus-auth' },
          },
          type: 'Opaque',
          // KEDA's prometheus scaler, custom auth: the header name and its value.
          stringData: { customAuthHeader: 'Authorization', customAuthValue: 'token-value' },
        },
      },
    ]);
    const s = r.result!;
    expect(s.prometheusSecretName).toBe('keda-arms-prometheus-auth');
    expect(s.credentialsSecretNames).toEqual({
      fulfil: 'fulfil-rocketmq-credentials',
      ledger: 'ledger-rocketmq-credentials',
    });
    expect(r.componentOutputs.filter((o) => o.name === 's')).toEqual([
      {
        name: 's',
        type: 'apsaramq-keda:cloud:ClusterSecrets',
        secretOutputs: [],
        values: {
          prometheusSecretName: 'keda-arms-prometheus-auth',
          credentialsSecretNames: {
            fulfil: 'fulfil-rocketmq-credentials',
            ledger: 'ledger-rocketmq-credentials',
          },
        },
      },
    ]);
  });

  test('AccessKey auth: basic-auth username and password in the auth Secret, no header', async () => {
    const r = await run(
      () =>
        new ClusterSecrets('s', {
          ...BASE,
          prometheus: {
            auth: 'accessKey',
            accessKeyId: CANARY.accessKeyId,
            accessKeySecret: CANARY.accessKeySecret,
          },
        }),
    );
    expect(r.error).toBeUndefined();
    const auth = named(r, 's-prometheus-auth');
    expect([auth.inputs.stringData, auth.inputs.metadata.labels]).toEqual([
      { username: CANARY.accessKeyId, password: CANARY.accessKeySecret },
      {
        'app.kubernetes.io/part-of': 'apsaramq-keda',
        'app.kubernetes.io/component': 'prometheus-auth',
        'app.kubernetes.io/managed-by': 'pulumi',
      },
    ]);
    expect(r.resources.map((x) => x.name).sort()).toEqual(['s', 's-cluster', 's-prometheus-auth']);
  });
});

describe('prometheusAuthData and ackClusterKubeconfig', () => {
  test('every credential of the auth data is a Pulumi secret, the header name is not', async () => {
    const token = prometheusAuthData({ auth: 'token', token: 'tok' });
    expect(Object.keys(token)).toEqual(['customAuthHeader', 'customAuthValue']);
    expect(token.customAuthHeader).toBe('Authorization');
    const value = token.customAuthValue as pulumi.Output<string>;
    expect([await valueOf(value), await pulumi.isSecret(value)]).toEqual(['tok', true]);
    const key = prometheusAuthData({ auth: 'accessKey', accessKeyId: 'id', accessKeySecret: 'sk' });
    expect(Object.keys(key)).toEqual(['username', 'password']);
    const [id, secret] = [key.username, key.password] as pulumi.Output<string>[];
    expect([
      await valueOf(id),
      await pulumi.isSecret(id),
      await valueOf(secret),
      await pulumi.isSecret(secret),
    ]).toEqual(['id', true, 'sk', true]);
  });

  test("ackClusterKubeconfig reads the cluster's credential by id and keeps it secret", async () => {
    const r = await run(() => ackClusterKubeconfig('c0fakeprod0000000000000000000000pp'));
    expect(r.error).toBeUndefined();
    expect(r.calls).toEqual([
      { token: CLUSTER_CREDENTIAL, inputs: { clusterId: 'c0fakeprod0000000000000000000000pp' } },
    ]);
    const kubeconfig = r.result!;
    expect(await valueOf(kubeconfig)).toBe(`${CANARY.clusterKubeconfig}-c0fakeprod0000000000000000000000pp`);
    expect(await pulumi.isSecret(kubeconfig)).toBe(true);
  });

  test('the header name, loaded inside the test', () => {
    const fresh = freshModule(() => require('../../constructs/cloud/cluster-secrets') as Module); // eslint-disable-line @typescript-eslint/no-require-imports -- see freshModule
    // Source: keda.sh/docs/2.x/scalers/prometheus, custom auth; ARMS V1 reads the token from Authorization.
    expect(fresh.PROMETHEUS_TOKEN_HEADER).toBe('Authorization');
    expect(fresh.prometheusAuthData({ auth: 'token', token: 't' }).customAuthHeader).toBe('Authorization');
  });
});
