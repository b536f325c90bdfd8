/** Which cluster the Secrets go to: exactly one named cluster per stack, never the ambient kubeconfig. */
import { apsaraMqKedaStack, KUBECONFIG_CONFIG_KEY, StackConfigError } from '../../infra/pulumi/program';
import { parseEnvironment } from '../../infra/config/environment';
import { CANARY, runWithMocks, stackFileConfig, stackRuntime, toRuntimeConfig } from './harness';

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- stack-file YAML

async function violations(env: string, edit: (c: Config) => void, kubeconfig: boolean): Promise<string[]> {
  const config: Config = stackFileConfig(env);
  edit(config);
  const runtime = toRuntimeConfig(config);
  if (kubeconfig) runtime[KUBECONFIG_CONFIG_KEY] = CANARY.kubeconfig;
  const run = await runWithMocks(env, runtime, () => apsaraMqKedaStack(), {
    secretKeys: kubeconfig ? [KUBECONFIG_CONFIG_KEY] : [],
  });
  expect(run.resources).toEqual([]);
  expect(run.calls).toEqual([]);
  if (!(run.error instanceof StackConfigError))
    throw new Error(`expected a StackConfigError, got ${String(run.error)}`);
  expect(run.error.message).not.toContain(CANARY.kubeconfig);
  return [...run.error.violations];
}

describe('the cluster of the Secrets', () => {
  test('a stack without an ACK cluster id needs the kubeconfig as a secret', async () => {
    expect(await violations('staging', () => undefined, false)).toEqual([
      'apsaramq-keda:kubeconfig: is required when kubernetes.createSecrets is true and kubernetes.ackClusterId is not set (pulumi config set --secret kubeconfig "$(cat <kubeconfig file>)")',
    ]);
  });

  test('a stack that writes no Secrets takes no kubeconfig', async () => {
    const edit = (c: Config) => {
      c['apsaramq-keda:kubernetes'] = {
        namespace: 'orders-staging',
        version: c['apsaramq-keda:kubernetes'].version,
        createSecrets: false,
      };
    };
    expect(await violations('staging', edit, true)).toEqual([
      'apsaramq-keda:kubeconfig: applies when kubernetes.createSecrets is true; remove it',
    ]);
  });

  test('a kubeconfig in plain text in the stack file is refused by the loader', () => {
    const config: Config = stackFileConfig('staging');
    config[KUBECONFIG_CONFIG_KEY] = 'apiVersion: v1';
    expect(() => parseEnvironment('staging', config)).toThrow(
      'apsaramq-keda:kubeconfig: holds a secret in plain text; set it with pulumi config set --secret',
    );
  });
});

/**
 * A VPC-only ACK cluster: the credential lookup always returns the public-endpoint kubeconfig
 * (service_alicloud_cs.go DescribeClusterKubeConfigWithExpiration sends PrivateIpAddress false), which cannot
 * reach an API server without a public endpoint. A `kubeconfig` secret beside kubernetes.ackClusterId (e.g.
 * the cluster's internal-endpoint kubeconfig) is used instead, and ACK is not asked for a credential.
 */
describe('the cluster of the Secrets, a private ACK cluster', () => {
  const CREDENTIAL_CALL = 'alicloud:cs/getClusterCredential:getClusterCredential';

  async function run(env: string, kubeconfig: boolean) {
    const { config, secretKeys } = stackRuntime(env);
    const runtime = { ...config };
    if (kubeconfig) runtime[KUBECONFIG_CONFIG_KEY] = CANARY.kubeconfig;
    const result = await runWithMocks(env, runtime, () => apsaraMqKedaStack(), {
      secretKeys: kubeconfig ? [...secretKeys, KUBECONFIG_CONFIG_KEY] : secretKeys,
    });
    if (result.error !== undefined) throw new Error(`${env}: the program failed`, { cause: result.error });
    const provider = result.resources.find((r) => r.type === 'pulumi:providers:kubernetes');
    const addon = result.resources.find((r) => r.type === 'alicloud:cs/kubernetesAddon:KubernetesAddon');
    return { result, provider, addon };
  }

  test.each(['dev', 'prod'])(
    '%s with a kubeconfig secret writes its Secrets through it, as a secret, and asks ACK for no credential',
    async (env) => {
      const { result, provider, addon } = await run(env, true);
      expect(provider?.inputs.kubeconfig).toBe(CANARY.kubeconfig);
      expect(provider?.secretInputs).toContain('kubeconfig');
      expect(result.calls.map((c) => c.token)).not.toContain(CREDENTIAL_CALL);
      // The add-on still goes to the named cluster.
      const kubernetes = stackFileConfig(env)['apsaramq-keda:kubernetes'] as Config;
      expect(addon?.inputs.clusterId).toBe(kubernetes.ackClusterId);
    },
  );

  test('dev without it takes the ACK credential of its cluster (the public-endpoint kubeconfig)', async () => {
    const { result, provider } = await run('dev', false);
    expect(provider?.inputs.kubeconfig).toBe(
      `${CANARY.clusterKubeconfig}-c0fakedev00000000000000000000000dd`,
    );
    expect(result.calls.filter((c) => c.token === CREDENTIAL_CALL).map((c) => c.inputs)).toEqual([
      { clusterId: 'c0fakedev00000000000000000000000dd' },
    ]);
  });
});
