/**
 * Runs the Pulumi program of one stack against mocks and records what it declares: every resource's type,
 * name, inputs, parent, options, and which inputs reached the engine as secrets. The mocks answer as the
 * alicloud provider (aliyun/terraform-provider-alicloud v1.294.0, the version @pulumi/alicloud 3.108.0
 * bridges; source lines from v1.289.0, see provider-contract.ts) creates and reads back each resource: its ids, computed fields and errors, never an echo of our
 * inputs alone. Every call other than the ARMS Prometheus lookup and the ACK cluster credential fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse as parseYaml } from 'yaml';

export const STACKS_DIR = path.resolve(__dirname, '..', '..', 'stacks');
export const PROJECT = 'apsaramq-keda';
export const ARMS_LOOKUP = 'alicloud:arms/getPrometheus:getPrometheus';
export const CLUSTER_CREDENTIAL = 'alicloud:cs/getClusterCredential:getClusterCredential';
/** The ACK add-on list the KedaAddon component reads the installed ack-keda version from. */
export const ADDONS_LOOKUP = 'alicloud:cs/getKubernetesAddons:getKubernetesAddons';
/** The secret config key holding a kubeconfig, for stacks without an ACK cluster id. */
export const KUBECONFIG_CONFIG_KEY = `${PROJECT}:kubeconfig`;
/** The instance-wide IP allowlist every new ApsaraMQ for RocketMQ instance starts with. */
// Source: ApsaraMQ for RocketMQ 5.x "Configure IP address whitelists": "By default, the whitelist contains
// 0.0.0.0/0"; resource_alicloud_rocketmq_instance.go resourceAliCloudRocketmqInstanceUpdate (ip_whitelists:
// a new resource only adds the configured entries, so the default stays until the next update removes it).
export const DEFAULT_IP_WHITELIST = '0.0.0.0/0';
/** The version ACK installs when the stack pins none (the mock's; ACK's real default changes over time). */
export const MOCK_ACK_KEDA_DEFAULT_VERSION = '2.15.1';

/** Values the mocks hand out for every secret; none may appear in a plain output. */
export const CANARY = {
  rocketMqPassword: 'CANARY-rocketmq-password',
  accessKeyId: 'LTAI5tCANARYaccessKeyId',
  accessKeySecret: 'CANARY-access-key-secret',
  armsToken: 'CANARY-arms-token',
  configToken: 'CANARY-config-token',
  kubeconfig: 'CANARY-kubeconfig',
  clusterKubeconfig: 'CANARY-ack-cluster-kubeconfig',
  prometheusPassword: 'CANARY-prometheus-password',
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
  /** Logical name of the explicit provider; undefined for the default provider. */
  readonly provider: string | undefined;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** The `import` option's id, when set. */
  readonly importId: string | undefined;
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
  /** The provider reference (`urn::id`) the invoke went to; absent for the default provider. */
  readonly provider?: string;
}

/** What the mocked ARMS lookup returns for each instance id; `null` finds nothing. */
export interface MockOptions {
  readonly arms?: 'default' | 'none' | 'publicOnly' | 'secretToken' | 'noToken';
  /**
   * Run as `pulumi preview` does for a stack that does not exist yet: every id and computed output is unknown
   * (the engine passes the inputs through); reads and calls still answer.
   */
  readonly preview?: boolean;
  /** The ack-keda version the cluster runs before the stack's first update; null (default): not installed. */
  readonly installedKeda?: string | null;
}

export interface Run<T> {
  readonly resources: readonly RecordedResource[];
  readonly componentOutputs: readonly RecordedComponentOutputs[];
  readonly calls: readonly RecordedCall[];
  readonly result?: T;
  readonly error?: unknown;
  /** What the provider would have failed with (the engine stops the update); empty when every create succeeds. */
  readonly providerErrors: readonly string[];
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

/** Logical name of the provider of a provider reference (`<urn>::<id>`); undefined for a default provider. */
function providerName(reference: string): string | undefined {
  if (reference === '') return undefined;
  const urn = reference.slice(0, reference.lastIndexOf('::'));
  const name = nameOfUrn(urn);
  return name.startsWith('default') ? undefined : name;
}

function nameOfUrn(urn: string): string {
  return urn.split('::').pop() ?? urn;
}

function typeOfUrn(urn: string): string {
  return (urn.split('::')[2] ?? '').split('$').pop() ?? '';
}

/** Provider inputs and state: untyped JSON, as the engine passes them. */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- see RecordedResource.inputs

/** The commodity code the service reports for an instance created without one. */
// Source: resource_alicloud_rocketmq_instance.go schema commodity_code (Computed; ons_rmqsub_public_cn
// subscription, ons_rmqpost_public_cn pay-as-you-go, ons_rmqsrvlesspost_public_cn serverless).
function readBackCommodityCode(inputs: Json): string {
  if (inputs.commodityCode !== undefined) return String(inputs.commodityCode);
  return inputs.paymentType === 'Subscription' ? 'ons_rmqsub_public_cn' : 'ons_rmqpost_public_cn';
}

/**
 * CreateInstance as the service answers it: a serverless instance without its commodity code fails
 * (aliyun/terraform-provider-alicloud issue #8916: "Code: Missingnull ... Parameter null is mandatory"; the
 * provider's serverless acceptance test TestAccAliCloudRocketmqInstance_basic6747 sends
 * ons_rmqsrvlesspost_public_cn), and so does auto-renewal without its period.
 */
function createInstanceErrors(inputs: Json): string[] {
  const errors: string[] = [];
  if (inputs.subSeriesCode === 'serverless' && inputs.commodityCode !== 'ons_rmqsrvlesspost_public_cn') {
    errors.push('Code: Missingnull, Parameter null is mandatory for this action (serverless commodityCode)');
  }
  if (
    inputs.autoRenew === true &&
    (inputs.autoRenewPeriod === undefined || inputs.autoRenewPeriodUnit === undefined)
  ) {
    errors.push('SetRenewal: RenewalPeriod and RenewalPeriodUnit are required for AutoRenewal');
  }
  return errors;
}

function instanceState(
  id: string,
  inputs: Record<string, any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- see RecordedResource.inputs
  region: string,
  created: boolean,
): Record<string, unknown> {
  // Source: resource_alicloud_rocketmq_instance.go resourceAliCloudRocketmqInstanceRead: endpoints, status,
  // commodity code, the allowlist (GetInstanceIpWhitelist) and the renewal (BSS QueryAvailableInstances).
  const endpoints = [
    { endpointType: 'TCP_VPC', endpointUrl: `${id}-vpc.${region}.rmq.aliyuncs.com:8080`, ipWhiteLists: [] },
    ...(inputs.networkInfo?.internetInfo?.internetSpec === 'enable'
      ? [
          {
            endpointType: 'TCP_INTERNET',
            endpointUrl: `${id}.${region}.rmq.aliyuncs.com:8080`,
            ipWhiteLists: [],
          },
        ]
      : []),
  ];
  const configured = (inputs.ipWhitelists ?? []) as string[];
  return {
    ...inputs,
    commodityCode: readBackCommodityCode(inputs),
    status: 'RUNNING',
    regionId: region,
    createTime: '2026-01-05T08:00:00.000Z',
    resourceGroupId: 'rg-acfmfake0000000',
    networkInfo: { ...inputs.networkInfo, endpoints },
    productInfo: {
      supportAutoScaling: inputs.seriesCode !== 'standard',
      traceOn: false,
      ...inputs.productInfo,
    },
    ipWhitelists: created
      ? [DEFAULT_IP_WHITELIST, ...configured.filter((c) => c !== DEFAULT_IP_WHITELIST)]
      : configured,
    autoRenew: inputs.autoRenew ?? false,
    autoRenewPeriodUnit: inputs.autoRenewPeriodUnit ?? 'Month',
    software: { maintainTime: '02:00-06:00', softwareVersion: '5.0-rmq-20240911-1', upgradeMethod: 'auto' },
  };
}

export function fakeState(
  args: pulumi.runtime.MockResourceArgs,
  region: string,
  preview: boolean,
  providerErrors: string[],
): { id: string | undefined; state: Record<string, unknown> } {
  const inputs = args.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- see RecordedResource.inputs
  const read = args.id !== undefined && args.id !== '';
  if (args.custom === false) return { id: undefined, state: inputs };
  // A preview of a new stack: the engine passes the inputs through; ids and computed outputs are unknown.
  if (preview && !read) return { id: undefined, state: inputs };
  switch (args.type) {
    case 'alicloud:rocketmq/rocketMQInstance:RocketMQInstance': {
      if (read) {
        // A read by id answers with what the service holds, a cluster instance in the stack's VPC.
        return {
          id: args.id,
          state: instanceState(
            args.id as string,
            {
              seriesCode: 'standard',
              subSeriesCode: 'cluster_ha',
              paymentType: 'PayAsYouGo',
              networkInfo: { internetInfo: { internetSpec: 'disable', flowOutType: 'uninvolved' } },
            },
            region,
            false,
          ),
        };
      }
      const errors = createInstanceErrors(inputs);
      // Recorded rather than thrown: a rejected registration leaves its dependents waiting forever here.
      if (errors.length > 0) {
        providerErrors.push(`${args.name}: alicloud_rocketmq_instance create failed: ${errors.join('; ')}`);
      }
      // Source: resource_alicloud_rocketmq_instance.go resourceAliCloudRocketmqInstanceCreate (id = $.data of
      // CreateInstance, e.g. rmq-cn-7e22ody****); derived from the name here so the hand-offs are stable.
      const id = `rmq-cn-fake${String(inputs.instanceName)
        .replace(/^orders[-_]/, '')
        .replace(/[^a-z0-9]/g, '')}0000`;
      return { id, state: instanceState(id, inputs, region, true) };
    }
    case 'alicloud:rocketmq/rocketMQTopic:RocketMQTopic':
      // Source: resource_alicloud_rocketmq_topic.go Create (id instance_id:topic_name) and Read.
      return {
        id: `${inputs.instanceId}:${inputs.topicName}`,
        state: { ...inputs, status: 'RUNNING', regionId: region, createTime: '2026-01-05T08:05:00.000Z' },
      };
    case 'alicloud:rocketmq/consumerGroup:ConsumerGroup':
      // Source: resource_alicloud_rocketmq_consumer_group.go Create (id instance_id:consumer_group_id) and Read.
      return {
        id: `${inputs.instanceId}:${inputs.consumerGroupId}`,
        state: { ...inputs, status: 'RUNNING', regionId: region, createTime: '2026-01-05T08:06:00.000Z' },
      };
    case 'alicloud:rocketmq/account:Account':
      // Source: resource_alicloud_rocketmq_account.go Create (id instance_id:username) and Read (the service
      // returns the password and the status; ENABLE for a new account).
      return {
        id: `${inputs.instanceId}:${inputs.username}`,
        state: { ...inputs, accountStatus: inputs.accountStatus ?? 'ENABLE' },
      };
    case 'alicloud:rocketmq/acl:Acl':
      // Source: resource_alicloud_rocketmq_acl.go Create (id instance_id:username:resource_type:resource_name).
      return {
        id: `${inputs.instanceId}:${inputs.username}:${inputs.resourceType}:${inputs.resourceName}`,
        state: { ...inputs, ipWhitelists: inputs.ipWhitelists ?? [] },
      };
    case 'random:index/randomPassword:RandomPassword':
      return { id: 'none', state: { ...inputs, result: `${CANARY.rocketMqPassword}-${args.name}` } };
    case 'alicloud:ram/user:User':
      // Source: resource_alicloud_ram_user.go Create (id = the numeric UserId).
      return {
        id: '208541234567890123',
        state: { ...inputs, displayName: inputs.displayName ?? inputs.name },
      };
    case 'alicloud:ram/userPolicyAttachment:UserPolicyAttachment':
      // Source: resource_alicloud_ram_user_policy_attachment.go Create (id user:policy:type:userName).
      return { id: `user:${inputs.policyName}:${inputs.policyType}:${inputs.userName}`, state: inputs };
    case 'alicloud:ram/accessKey:AccessKey':
      // Source: resource_alicloud_ram_access_key.go Create (id = the AccessKeyId; secret Sensitive).
      return { id: CANARY.accessKeyId, state: { ...inputs, secret: CANARY.accessKeySecret } };
    case 'alicloud:cs/kubernetesAddon:KubernetesAddon':
      // Source: resource_alicloud_cs_kubernetes_addon.go Create (id cluster_id:name) and Read.
      return {
        id: `${inputs.clusterId}:${inputs.name}`,
        state: {
          ...inputs,
          version: inputs.version ?? MOCK_ACK_KEDA_DEFAULT_VERSION,
          required: false,
          canUpgrade: false,
          nextVersion: '',
        },
      };
    case 'alicloud:arms/prometheusAlertRule:PrometheusAlertRule': {
      // Source: resource_alicloud_arms_prometheus_alert_rule.go Create (id cluster_id:AlertId of
      // CreatePrometheusAlertRule) and Read (status, type from DescribePrometheusAlertRule; the id's second part
      // as prometheus_alert_rule_id). The AlertId is derived from the name so runs are stable.
      const alertId =
        [...String(args.name)].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 9_000_000, 7) + 1_000_000;
      return {
        id: `${inputs.clusterId}:${alertId}`,
        state: { ...inputs, status: 1, type: inputs.type ?? '', prometheusAlertRuleId: alertId },
      };
    }
    case 'pulumi:providers:kubernetes':
    case 'pulumi:providers:alicloud':
      return { id: `${args.name}-0b2f7c3e`, state: inputs };
    case 'kubernetes:core/v1:Secret':
      return {
        id: `${inputs.metadata?.namespace}/${inputs.metadata?.name}`,
        state: { ...inputs, metadata: { ...inputs.metadata, uid: `uid-${args.name}` } },
      };
    default:
      throw new Error(`the mocks have no provider model for ${args.type}; add one from its source`);
  }
}

/** The ARMS lookup as the data source answers it: its full field set, names being the instances' names. */
// Source: data_source_alicloud_arms_prometheis.go dataSourceAliCloudArmsPrometheisRead (mapping; the
// URLs and auth_token only with enable_details; auth_token is not Sensitive, so it arrives plain).
export function armsLookup(
  inputs: Record<string, any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- see RecordedCall.inputs
  region: string,
  mode: NonNullable<MockOptions['arms']>,
): Record<string, unknown> {
  const ids = (inputs.ids ?? []) as string[];
  if (mode === 'none')
    return { id: 'hash-none', ids: [], names: [], prometheis: [], enableDetails: inputs.enableDetails };
  const details = inputs.enableDetails === true;
  const prometheis = ids.map((id) => {
    const base = `/api/v1/prometheus/${id.replace(/^c0(fake[a-z]+)0+.*$/, '$10000')}/1234567890123456/${id}/${region}`;
    const intra = `http://${region}-intranet.arms.aliyuncs.com:9090${base}`;
    const inter = `https://${region}.arms.aliyuncs.com${base}`;
    const remote = (kind: string, internal: boolean) =>
      `${internal ? `http://${region}-intranet` : `https://${region}`}.arms.aliyuncs.com/prometheus/1234567890123456/${id}/${region}/api/v3/${kind}`;
    const summary = {
      id,
      clusterId: id,
      clusterName: `prometheus-${id.slice(0, 12)}`,
      clusterType: 'ecs',
      vpcId: 'vpc-bp1fakearms0000000000',
      vswitchId: 'vsw-bp1fakearms00000000',
      securityGroupId: 'sg-bp1fakearms0000000',
      subClustersJson: '',
      grafanaInstanceId: 'grafana-bp1fake000',
      resourceGroupId: 'rg-acfmfake0000000',
      tags: {},
    };
    if (!details) return summary;
    return {
      ...summary,
      remoteReadIntraUrl: remote('read', true),
      remoteReadInterUrl: remote('read', false),
      remoteWriteIntraUrl: remote('write', true),
      remoteWriteInterUrl: remote('write', false),
      pushGateWayIntraUrl: remote('pushgateway', true),
      pushGateWayInterUrl: remote('pushgateway', false),
      httpApiIntraUrl: mode === 'publicOnly' ? '' : intra,
      httpApiInterUrl: inter,
      authToken:
        mode === 'noToken' ? '' : mode === 'secretToken' ? pulumi.secret(CANARY.armsToken) : CANARY.armsToken,
    };
  });
  return {
    id: `hash-${ids.join('-')}`,
    ids,
    names: prometheis.map((p) => p.clusterName),
    prometheis,
    enableDetails: inputs.enableDetails,
  };
}

/** The ACK cluster credential as the data source answers it. */
// Source: data_source_alicloud_cs_cluster_credential.go csClusterAuthDescriptionAttributes (kube_config and
// the certificates Sensitive; expiration of the DescribeClusterUserKubeconfig credential).
/**
 * The add-on list of a cluster as the data source returns it, with ack-keda the only add-on ACK offers here.
 * Source: data_source_alicloud_cs_kubernetes_addons.go dataAlicloudCSKubernetesAddonsRead (ids filters on
 * `<cluster>:<name>`; id is a hash of the cluster id) and fetchAddonsMetadata (current_version from
 * GetClusterAddonInstance, "" when not installed; next_version then the version ListAddons offers).
 */
export function addonsLookup(inputs: Json, installedKeda: string | null): Record<string, unknown> {
  const clusterId = String(inputs.clusterId);
  const id = `${clusterId}:ack-keda`;
  const wanted = inputs.ids === undefined || (inputs.ids as unknown[]).includes(id);
  const addons = wanted
    ? [
        {
          name: 'ack-keda',
          currentVersion: installedKeda ?? '',
          nextVersion: installedKeda === null ? MOCK_ACK_KEDA_DEFAULT_VERSION : '',
          required: false,
          currentConfig: '',
          supportedActions: installedKeda === null ? ['Install'] : ['Upgrade', 'Modify', 'Uninstall'],
        },
      ]
    : [];
  return {
    id: `hash-${clusterId}`,
    clusterId,
    ...(inputs.ids !== undefined && { ids: wanted ? [id] : [] }),
    names: addons.map((a) => a.name),
    addons,
  };
}

export function clusterCredential(inputs: Json): Record<string, unknown> {
  const clusterId = String(inputs.clusterId);
  return {
    id: `hash-${clusterId}`,
    clusterId,
    clusterName: `ack-${clusterId.slice(0, 10)}`,
    kubeConfig: `${CANARY.clusterKubeconfig}-${clusterId}`,
    certificateAuthority: {
      clusterCert: 'CANARY-cluster-cert',
      clientCert: 'CANARY-client-cert',
      clientKey: 'CANARY-client-key',
    },
    expiration: '2029-01-05T08:00:00Z',
    temporaryDurationMinutes: inputs.temporaryDurationMinutes,
  };
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
  getProvider?(): string;
  getProtect?(): boolean | undefined;
  getRetainondelete?(): boolean | undefined;
  getImportid?(): string;
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
  const providerErrors: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        inputsByKey.set(`${args.type}::${args.name}`, args.inputs as Record<string, unknown>);
        return fakeState(args, region, options.preview ?? false, providerErrors);
      },
      call(args) {
        calls.push({
          token: args.token,
          inputs: args.inputs as Record<string, unknown>,
          ...(args.provider !== undefined && args.provider !== '' && { provider: args.provider }),
        });
        const inputs = args.inputs as Record<string, unknown>;
        if (args.token === ARMS_LOOKUP) return armsLookup(inputs, region, options.arms ?? 'default');
        if (args.token === CLUSTER_CREDENTIAL) return clusterCredential(inputs);
        if (args.token === ADDONS_LOOKUP) return addonsLookup(inputs, options.installedKeda ?? null);
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    PROJECT,
    environment,
    options.preview ?? false,
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
        provider: providerName(req.getProvider?.() ?? ''),
        protect: req.getProtect?.() ?? false,
        retainOnDelete: req.getRetainondelete?.() ?? false,
        importId:
          method === 'registerResource' && (req.getImportid?.() ?? '') !== ''
            ? req.getImportid?.()
            : undefined,
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
  return { resources, componentOutputs, calls, result, error, providerErrors };
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

/** A committed stack as `pulumi up` runs it: the stack file's config plus the secrets the README sets. */
export interface StackRuntime {
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

/**
 * The runtime config of a stack file, with the secret config keys a real run needs set to canaries: the
 * kubeconfig when the stack writes Secrets without an ACK cluster id, the V1 token for an explicit URL.
 */
export function stackRuntime(environment: string, config = stackFileConfig(environment)): StackRuntime {
  /* eslint-disable @typescript-eslint/no-explicit-any -- stack-file YAML */
  const kubernetes = (config[`${PROJECT}:kubernetes`] ?? {}) as Record<string, any>;
  const prometheus = (config[`${PROJECT}:prometheus`] ?? {}) as Record<string, any>;
  /* eslint-enable @typescript-eslint/no-explicit-any */
  const runtime = toRuntimeConfig(config);
  const secretKeys: string[] = [];
  if (kubernetes.createSecrets !== false && kubernetes.ackClusterId === undefined) {
    runtime[KUBECONFIG_CONFIG_KEY] = CANARY.kubeconfig;
    secretKeys.push(KUBECONFIG_CONFIG_KEY);
  }
  const selfManaged = config[`${PROJECT}:broker`] === 'self-managed';
  if (
    (prometheus.auth === 'token' && prometheus.serverAddress !== undefined) ||
    (selfManaged && prometheus.auth === 'bearer')
  ) {
    runtime[`${PROJECT}:prometheusToken`] = CANARY.configToken;
    secretKeys.push(`${PROJECT}:prometheusToken`);
  }
  // issue 27: basic auth to a self-managed Prometheus.
  if (selfManaged && prometheus.auth === 'basic') {
    runtime[`${PROJECT}:prometheusPassword`] = CANARY.prometheusPassword;
    secretKeys.push(`${PROJECT}:prometheusPassword`);
  }
  return { config: runtime, secretKeys };
}

/**
 * Checks that a table of hand-worked expectations names committed environments only, so it cannot rot
 * silently when an environment is renamed or removed. Returns the table's row for `environment`, if any.
 */
export function rowFor<T>(
  table: Readonly<Record<string, T>>,
  environment: string,
  committed: readonly string[],
): T | undefined {
  const stale = Object.keys(table).filter((env) => !committed.includes(env));
  if (stale.length > 0)
    throw new Error(`expectation rows for environments without a stack file: ${stale.join(', ')}`);
  return table[environment];
}
