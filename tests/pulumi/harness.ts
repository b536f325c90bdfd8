/**
 * Runs the Pulumi program of one stack against mocks and records what it declares: every resource's type,
 * name, inputs, parent, and which inputs reached the engine as secrets. Every call other than the ARMS
 * Prometheus lookup fails the run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse as parseYaml } from 'yaml';

export const STACKS_DIR = path.resolve(__dirname, '..', '..', 'stacks');
export const PROJECT = 'apsaramq-keda';
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export const ARMS_LOOKUP = 'alicloud:arms/getPrometheus:getPrometheus';

/** Values the mocks hand out for every secret; none may appear in a plain output. */
export const CANARY = {
  rocketMqPassword: 'CANARY-rocketmq-password',
  accessKeyId: 'LTAI5tCANARYaccessKeyId',
  accessKeySecret: 'CANARY-access-key-secret',
  armsToken: 'CANARY-arms-token',
  configToken: 'CANARY-config-token',
} as const;
export const ALL_CANARIES: readonly string[] = Object.values(CANARY);

// Pulumi's wire marker of a secret value (sdk/nodejs/runtime/rpc.ts specialSigKey / specialSecretSig).
const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- provider inputs are untyped JSON
  readonly custom: boolean;
  /** Logical name of the parent; undefined for a resource at the stack root. */
  readonly parent: string | undefined;
  /** Type of the parent. */
  readonly parentType: string | undefined;
  /** Dotted paths of the inputs that reached the engine marked secret. */
  readonly secretInputs: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly deleteBeforeReplace: boolean;
  /** Set for a resource read by id (`Resource.get`) instead of managed. */
  readonly readId: string | undefined;
  readonly dependsOn: readonly string[];
}

/** What a component registered with registerOutputs, as the engine received it. */
export interface RecordedComponentOutputs {
  readonly name: string;
  readonly type: string;
  /** Dotted paths of the outputs that are secret. */
  readonly secretOutputs: readonly string[];
  /** The outputs with secrets unwrapped. */
  readonly values: Record<string, unknown>;
}

export interface RecordedCall {
  readonly token: string;
  readonly inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- invoke args are untyped JSON
}

/** What the mocked ARMS lookup returns for each instance id; `null` finds nothing. */
export interface MockOptions {
  readonly arms?: 'default' | 'none' | 'publicOnly' | 'secretToken' | 'noToken';
}

export interface Run<T> {
  readonly resources: readonly RecordedResource[];
  readonly componentOutputs: readonly RecordedComponentOutputs[];
  readonly calls: readonly RecordedCall[];
  readonly result?: T;
  readonly error?: unknown;
}

/** The `config:` map of a committed stack file, values as YAML decodes them. */
export function stackFileConfig(environment: string): Record<string, unknown> {
  const document = parseYaml(
    fs.readFileSync(path.join(STACKS_DIR, `Pulumi.${environment}.yaml`), 'utf8'),
  ) as {
    config: Record<string, unknown>;
  };
  return structuredClone(document.config);
}

/** Config as the Pulumi CLI hands it to the program: every value a string, structured values as JSON. */
export function toRuntimeConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

function secretPaths(value: unknown, at: string, out: string[]): void {
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG_KEY] === SECRET_SIG) {
    out.push(at);
    return;
  }
  for (const [key, child] of Object.entries(record))
    secretPaths(child, at === '' ? key : `${at}.${key}`, out);
}

function nameOfUrn(urn: string): string {
  return urn.split('::').pop() ?? urn;
}

function typeOfUrn(urn: string): string {
  return (urn.split('::')[2] ?? '').split('$').pop() ?? '';
}

function fakeState(
  args: pulumi.runtime.MockResourceArgs,
  region: string,
): { id: string | undefined; state: Record<string, unknown> } {
  const inputs = args.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- see RecordedResource.inputs
  switch (args.type) {
    case 'alicloud:rocketmq/rocketMQInstance:RocketMQInstance': {
      // A read (`RocketMQInstance.get`) carries the id; a registration carries an empty import id.
      const id =
        args.id !== undefined && args.id !== ''
          ? args.id
          : `rmq-cn-fake${String(inputs.instanceName).replace(/^orders-/, '')}0000`;
      const endpoints = [
        { endpointType: 'TCP_VPC', endpointUrl: `${id}-vpc.${region}.rmq.aliyuncs.com:8080` },
        ...(inputs.networkInfo?.internetInfo?.internetSpec === 'enable'
          ? [{ endpointType: 'TCP_INTERNET', endpointUrl: `${id}.${region}.rmq.aliyuncs.com:8080` }]
          : []),
      ];
      return { id, state: { ...inputs, networkInfo: { ...inputs.networkInfo, endpoints } } };
    }
    case 'alicloud:rocketmq/rocketMQTopic:RocketMQTopic':
      return { id: `${inputs.instanceId}:${inputs.topicName}`, state: inputs };
    case 'alicloud:rocketmq/consumerGroup:ConsumerGroup':
      return { id: `${inputs.instanceId}:${inputs.consumerGroupId}`, state: inputs };
    case 'alicloud:rocketmq/account:Account':
      return { id: `${inputs.instanceId}:${inputs.username}`, state: inputs };
    case 'alicloud:rocketmq/acl:Acl':
      return {
        id: `${inputs.instanceId}:${inputs.username}:${inputs.resourceType}:${inputs.resourceName}`,
        state: inputs,
      };
    case 'random:index/randomPassword:RandomPassword':
      return { id: 'none', state: { ...inputs, result: `${CANARY.rocketMqPassword}-${args.name}` } };
    case 'alicloud:ram/accessKey:AccessKey':
      return { id: CANARY.accessKeyId, state: { ...inputs, secret: CANARY.accessKeySecret } };
    case 'alicloud:cs/kubernetesAddon:KubernetesAddon':
      return {
        id: `${inputs.clusterId}:${inputs.name}`,
        state: { ...inputs, version: inputs.version ?? 'v2.x' },
      };
    default:
      return { id: args.custom === false ? undefined : `${args.name}-id`, state: inputs };
  }
}

function armsLookup(
  inputs: Record<string, any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- see RecordedCall.inputs
  region: string,
  mode: NonNullable<MockOptions['arms']>,
): Record<string, unknown> {
  const ids = (inputs.ids ?? []) as string[];
  if (mode === 'none') return { id: region, ids: [], names: [], prometheis: [] };
  const prometheis = ids.map((id) => {
    const base = `/api/v1/prometheus/${id.replace(/^c0(fake[a-z]+)0+.*$/, '$10000')}/1234567890123456/${id}/${region}`;
    const intra = `http://${region}-intranet.arms.aliyuncs.com:9090${base}`;
    const inter = `https://${region}.arms.aliyuncs.com${base}`;
    return {
      id,
      clusterId: id,
      httpApiIntraUrl: mode === 'publicOnly' ? '' : intra,
      httpApiInterUrl: inter,
      authToken:
        mode === 'noToken' ? '' : mode === 'secretToken' ? pulumi.secret(CANARY.armsToken) : CANARY.armsToken,
    };
  });
  return { id: region, ids, names: ids, prometheis, enableDetails: inputs.enableDetails };
}

interface MonitorRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom?(): boolean;
  getObject?(): { toJavaScript(): unknown };
  getProperties?(): { toJavaScript(): unknown };
  getAdditionalsecretoutputsList?(): string[];
  getDeletebeforereplace?(): boolean;
  getDependenciesList?(): string[];
  getId?(): string;
}
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG_KEY] === SECRET_SIG) return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
}

interface MonitorResponse {
  getUrn(): string;
}
type MonitorMethod = (
  req: MonitorRequest,
  callback: (err: unknown, resp?: MonitorResponse) => void,
) => Promise<void>;

/**
 * Sets the mocks and config, runs `program`, waits until every registration has settled, and returns what
 * was declared. `program` runs after the mocks are in place, so it may import the Pulumi program.
 */
export async function runWithMocks<T>(
  environment: string,
  runtimeConfig: Record<string, string>,
  program: () => T | Promise<T>,
  options: MockOptions & { secretKeys?: readonly string[] } = {},
): Promise<Run<T>> {
  const region = runtimeConfig['alicloud:region'] ?? 'cn-hangzhou';
  const inputsByKey = new Map<string, Record<string, unknown>>();
  const calls: RecordedCall[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        inputsByKey.set(`${args.type}::${args.name}`, args.inputs as Record<string, unknown>);
        return fakeState(args, region);
      },
      call(args) {
        calls.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
        if (args.token !== ARMS_LOOKUP) throw new Error(`unexpected call ${args.token}`);
        return armsLookup(args.inputs as Record<string, unknown>, region, options.arms ?? 'default');
      },
    },
    PROJECT,
    environment,
    false,
  );
  pulumi.runtime.setAllConfig(runtimeConfig, [...(options.secretKeys ?? [])]);

  const monitor = pulumi.runtime.getMonitor() as unknown as Record<
    'registerResource' | 'readResource',
    MonitorMethod
  >;
  const urns = new Map<string, { name: string; type: string }>();
  const meta: Omit<RecordedResource, 'inputs'>[] = [];
  for (const method of ['registerResource', 'readResource'] as const) {
    const original = monitor[method].bind(monitor);
    monitor[method] = (req, callback) => {
      const raw = (req.getObject ?? req.getProperties)?.call(req).toJavaScript();
      const secrets: string[] = [];
      secretPaths(raw, '', secrets);
      const parentUrn = req.getParent();
      meta.push({
        type: req.getType(),
        name: req.getName(),
        custom: method === 'readResource' || (req.getCustom?.() ?? false),
        parent: parentUrn === '' ? undefined : (urns.get(parentUrn)?.name ?? nameOfUrn(parentUrn)),
        parentType: parentUrn === '' ? undefined : (urns.get(parentUrn)?.type ?? typeOfUrn(parentUrn)),
        secretInputs: secrets.sort(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList?.() ?? [],
        deleteBeforeReplace: req.getDeletebeforereplace?.() ?? false,
        readId: method === 'readResource' ? req.getId?.() : undefined,
        dependsOn: (req.getDependenciesList?.() ?? []).map(nameOfUrn).sort(),
      });
      return original(req, (err, resp) => {
        if (resp !== undefined) urns.set(resp.getUrn(), { name: req.getName(), type: req.getType() });
        callback(err, resp);
      });
    };
  }

  const componentOutputs: RecordedComponentOutputs[] = [];
  const monitorOutputs = monitor as unknown as Record<
    'registerResourceOutputs',
    (req: { getUrn(): string; getOutputs(): { toJavaScript(): unknown } }, callback: unknown) => void
  >;
  const originalOutputs = monitorOutputs.registerResourceOutputs.bind(monitor);
  monitorOutputs.registerResourceOutputs = (req, callback) => {
    const raw = req.getOutputs().toJavaScript();
    const secrets: string[] = [];
    secretPaths(raw, '', secrets);
    const known = urns.get(req.getUrn());
    componentOutputs.push({
      name: known?.name ?? nameOfUrn(req.getUrn()),
      type: known?.type ?? typeOfUrn(req.getUrn()),
      secretOutputs: secrets.sort(),
      values: unwrapSecrets(raw) as Record<string, unknown>,
    });
    originalOutputs(req, callback);
  };

  let result: T | undefined;
  let error: unknown;
  try {
    result = await program();
  } catch (e) {
    error = e;
  }
  // Waits for every outstanding registration, then drops the (mock) monitor connection.
  await pulumi.runtime.disconnect();
  // Mocks receive secret inputs still wrapped; secretInputs says which were, inputs hold the plain values.
  const resources = meta.map((m) => ({
    ...m,
    inputs: unwrapSecrets(inputsByKey.get(`${m.type}::${m.name}`) ?? {}) as Record<string, unknown>,
  }));
  return { resources, componentOutputs, calls, result, error };
}

/**
 * The resolved value of an output (after runWithMocks every output has settled); rejects when it is unknown
 * or failed. Reads Output's promise and isKnown, which the SDK marks internal: apply would wait forever.
 */
export async function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  const internal = output as unknown as { isKnown: Promise<boolean>; promise(): Promise<T> };
  const value = await internal.promise();
  if (!(await internal.isKnown)) throw new Error('output is unknown');
  return value;
}

/** Resolves every output of a stack the way `pulumi stack output --json` shows it: secrets as "[secret]". */
export async function stackOutputJson(
  outputs: Record<string, pulumi.Output<unknown>>,
): Promise<Record<string, unknown>> {
  const shown: Record<string, unknown> = {};
  for (const [key, output] of Object.entries(outputs)) {
    shown[key] = (await pulumi.isSecret(output)) ? '[secret]' : await valueOf(output);
  }
  return shown;
}

/** Every string anywhere inside a value. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value as Record<string, unknown>).flatMap(stringsIn);
}
