/**
 * The Pulumi program of a self-managed environment (issue 27) under the mocks: no Alibaba Cloud resource and no
 * Alibaba Cloud call; one generated password per workload and producer, written into the cluster's Secrets as for
 * ApsaraMQ; KEDA's Prometheus credentials for bearer and basic; the hand-off the committed file holds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { apsaraMqKedaStack, type StackOutputs } from '../../infra/pulumi/program';
import {
  ALL_CANARIES,
  CANARY,
  PROJECT,
  runWithMocks,
  stackFileConfig,
  stackRuntime,
  STACKS_DIR,
  stringsIn,
  valueOf,
} from './harness';

const ENV = 'selfhosted';

async function run(edit?: (config: Record<string, unknown>) => void) {
  const file = stackFileConfig(ENV);
  edit?.(file);
  const { config, secretKeys } = stackRuntime(ENV, file);
  return runWithMocks(ENV, config, () => apsaraMqKedaStack(), { secretKeys });
}

describe('the program of a self-managed environment', () => {
  test('declares no Alibaba Cloud resource and calls no Alibaba Cloud API', async () => {
    const result = await run();
    expect(result.error).toBeUndefined();
    expect(result.resources.filter((r) => r.type.startsWith('alicloud:'))).toEqual([]);
    expect(result.calls.filter((c) => c.token.startsWith('alicloud:'))).toEqual([]);
    // Worked out from stacks/Pulumi.selfhosted.yaml: one workload (invoice-posting), one producer (invoice-load),
    // auth none (no Prometheus Secret), createSecrets with the configured kubeconfig.
    expect(result.resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        'apsaramq-keda:cloud:SelfManagedAccounts accounts',
        'random:index/randomPassword:RandomPassword accounts-invoice-posting-password',
        'random:index/randomPassword:RandomPassword accounts-invoice-load-password',
        'apsaramq-keda:cloud:ClusterSecrets cluster-secrets',
        'pulumi:providers:kubernetes cluster-secrets-cluster',
        'kubernetes:core/v1:Secret cluster-secrets-invoice-posting-credentials',
        'kubernetes:core/v1:Secret cluster-secrets-invoice-load-credentials',
      ].sort(),
    );
  });

  test('writes each account into its Secret: username <env>-<name>, the generated password as a secret', async () => {
    const result = await run();
    const secret = result.resources.find((r) => r.name === 'cluster-secrets-invoice-posting-credentials')!;
    expect(secret.inputs.metadata).toMatchObject({
      name: 'invoice-posting-rocketmq-credentials',
      namespace: 'invoices-selfhosted',
    });
    expect(secret.inputs.stringData.username).toBe('selfhosted-invoice-posting');
    expect(secret.inputs.stringData.password).toBe(
      `${CANARY.rocketMqPassword}-accounts-invoice-posting-password`,
    );
    expect(secret.secretInputs).toEqual(['stringData']);
    const producer = result.resources.find((r) => r.name === 'cluster-secrets-invoice-load-credentials')!;
    expect(producer.inputs.stringData.username).toBe('selfhosted-invoice-load');
    const password = result.resources.find((r) => r.name === 'accounts-invoice-posting-password')!;
    // Alphanumeric: it passes through the provisioning Job's shell and mqadmin's command line as it is.
    expect(password.inputs).toMatchObject({ length: 32, special: false });
  });

  test('hands off exactly the committed stacks/selfhosted.outputs.json, with no secret in it', async () => {
    const result = await run();
    const outputs = result.result as StackOutputs;
    const handoff = await valueOf(outputs.handoff);
    const committed = JSON.parse(
      fs.readFileSync(path.join(STACKS_DIR, `${ENV}.outputs.json`), 'utf8'),
    ) as unknown;
    expect(handoff).toEqual(committed);
    expect(stringsIn(handoff).filter((s) => ALL_CANARIES.some((c) => s.includes(c)))).toEqual([]);
    expect(await valueOf(outputs.prometheusAuth)).toEqual({});
  });

  test('auth bearer: the token from prometheusToken in the Secret keda-prometheus-auth, key bearerToken', async () => {
    const result = await run((c) => {
      (c[`${PROJECT}:prometheus`] as Record<string, unknown>).auth = 'bearer';
    });
    expect(result.error).toBeUndefined();
    const secret = result.resources.find((r) => r.name === 'cluster-secrets-prometheus-auth')!;
    expect(secret.inputs.metadata.name).toBe('keda-prometheus-auth');
    expect(secret.inputs.stringData).toEqual({ bearerToken: CANARY.configToken });
    expect(secret.secretInputs).toEqual(['stringData']);
    const handoff = await valueOf((result.result as StackOutputs).handoff);
    expect(handoff.prometheus).toEqual({
      serverAddress: 'http://prometheus-operated.monitoring.svc:9090',
      auth: 'bearer',
      secretName: 'keda-prometheus-auth',
    });
  });

  test('auth basic: username from the file, password from prometheusPassword', async () => {
    const result = await run((c) => {
      Object.assign(c[`${PROJECT}:prometheus`] as Record<string, unknown>, {
        auth: 'basic',
        username: 'keda',
      });
    });
    const secret = result.resources.find((r) => r.name === 'cluster-secrets-prometheus-auth')!;
    expect(secret.inputs.stringData).toEqual({ username: 'keda', password: CANARY.prometheusPassword });
  });

  test('a secret the chosen auth does not read, and one it needs but lacks, stop the program before any resource', async () => {
    const file = stackFileConfig(ENV);
    Object.assign(file[`${PROJECT}:prometheus`] as Record<string, unknown>, {
      auth: 'basic',
      username: 'keda',
    });
    const { config, secretKeys } = stackRuntime(ENV, file);
    delete config[`${PROJECT}:prometheusPassword`];
    config[`${PROJECT}:prometheusToken`] = CANARY.configToken;
    const result = await runWithMocks(ENV, config, () => apsaraMqKedaStack(), {
      secretKeys: [
        ...secretKeys.filter((k) => !k.endsWith('prometheusPassword')),
        `${PROJECT}:prometheusToken`,
      ],
    });
    expect(result.resources).toEqual([]);
    expect(
      String((result.error as Error).message)
        .split('\n')
        .slice(1),
    ).toEqual([
      '  - apsaramq-keda:prometheusToken: applies to prometheus.auth bearer only, not basic; remove it',
      '  - apsaramq-keda:prometheusPassword: is required with prometheus.auth basic (pulumi config set --secret prometheusPassword <password>)',
    ]);
  });
});
