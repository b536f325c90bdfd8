/** Which cluster the Secrets go to: exactly one named cluster per stack, never the ambient kubeconfig. */
import { apsaraMqKedaStack, KUBECONFIG_CONFIG_KEY, StackConfigError } from '../../infra/pulumi/program';
import { parseEnvironment } from '../../infra/config/environment';
import { CANARY, runWithMocks, stackFileConfig, toRuntimeConfig } from './harness';

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

  test('a stack with an ACK cluster id takes that cluster credential, not a second kubeconfig', async () => {
    expect(await violations('dev', () => undefined, true)).toEqual([
      "apsaramq-keda:kubeconfig: remove it; with kubernetes.ackClusterId the Secrets use that cluster's own credential (alicloud.cs.getClusterCredential), the cluster the ack-keda add-on goes to",
    ]);
  });

  test('a stack that writes no Secrets takes no kubeconfig', async () => {
    const edit = (c: Config) => {
      c['apsaramq-keda:kubernetes'] = { namespace: 'orders-staging', createSecrets: false };
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
