/**
 * The stand-in resource providers the engine suite runs the program against (`pulumi-resource-alicloud`,
 * `-random`, `-kubernetes` on PATH, written by engine-harness.ts): gRPC providers built with
 * `@pulumi/pulumi/provider` that answer Check, Diff, Create, Read, Update, Delete and the program's invokes as
 * the real providers do. What a resource does is the provider contract's claim (tests/pulumi/provider-contract.ts,
 * sourced to the TF provider) and the mocks' model of its read-back (tests/pulumi/harness.ts fakeState); what the
 * engine does with the answers (protect, retainOnDelete, replacements, delete order, secrets) is the engine's.
 *
 * Run as `node --import tsx stand-in-provider.ts <package>`. Every call is appended to $STAND_IN_LEDGER (JSON
 * lines) so a test can see what the "cloud" was asked to do, never a secret value (types, names, ids only).
 */
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import * as provider from '@pulumi/pulumi/provider';
import {
  ADDONS_LOOKUP,
  addonsLookup,
  armsLookup,
  CLUSTER_CREDENTIAL,
  ARMS_LOOKUP,
  clusterCredential,
  fakeState,
} from '../harness';
import { contractOf, contractViolations, valueAt } from '../provider-contract';

type Json = Record<string, unknown>;

// Pulumi's wire markers (sdk/nodejs/runtime/rpc.ts specialSigKey, specialSecretSig, unknownValue).
export const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** One line of the ledger: what the provider was asked to do. */
export interface LedgerEntry {
  readonly op: 'create' | 'update' | 'delete' | 'read' | 'invoke';
  readonly type: string;
  readonly name: string;
  readonly id?: string;
}

/** The plugin versions the installed SDKs request (their package.json `pulumi.version`). */
export const PLUGIN_VERSIONS = { alicloud: '3.108.0', random: '4.21.2', kubernetes: '4.34.2' } as const;
export type StandInPackage = keyof typeof PLUGIN_VERSIONS;

function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === 'object' && value !== null && (value as Json)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** A value with every secret wrapper removed (what the provider computes with). */
export function reveal(value: unknown): unknown {
  if (isSecret(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, reveal(v)]));
}

function secret(value: unknown): unknown {
  return value === undefined ? undefined : { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

function typeOfUrn(urn: string): string {
  return urn.split('::')[2]?.split('$').pop() ?? '';
}
function nameOfUrn(urn: string): string {
  return urn.split('::').pop() ?? urn;
}

function record(entry: LedgerEntry): void {
  const ledger = process.env.STAND_IN_LEDGER;
  if (ledger !== undefined && ledger !== '') fs.appendFileSync(ledger, `${JSON.stringify(entry)}\n`);
}

/**
 * Output fields each type computes (Computed or Optional+Computed in the provider schema): absent from the
 * inputs, they are not a diff. Dotted paths reach into a nested block. Source: the `Computed: true` keys of
 * each resource's schema in aliyun/terraform-provider-alicloud (resource_alicloud_rocketmq_instance.go: status,
 * region_id, create_time, resource_group_id, commodity_code, ip_whitelists, auto_renew, auto_renew_period_unit,
 * software, network_info.endpoints, product_info.support_auto_scaling, product_info.trace_on; the topic's and
 * group's status, region_id, create_time; the account's account_status; the acl's ip_whitelists; the RAM user's
 * display_name; the add-on's version, required, can_upgrade, next_version; the AccessKey's secret).
 */
const COMPUTED: Readonly<Record<string, readonly string[]>> = {
  'alicloud:rocketmq/rocketMQInstance:RocketMQInstance': [
    'status',
    'regionId',
    'createTime',
    'resourceGroupId',
    'commodityCode',
    'ipWhitelists',
    'autoRenew',
    'autoRenewPeriodUnit',
    'software',
    'networkInfo.endpoints',
    'productInfo.supportAutoScaling',
    'productInfo.traceOn',
  ],
  'alicloud:rocketmq/rocketMQTopic:RocketMQTopic': ['status', 'regionId', 'createTime'],
  'alicloud:rocketmq/consumerGroup:ConsumerGroup': ['status', 'regionId', 'createTime'],
  'alicloud:rocketmq/account:Account': ['accountStatus'],
  'alicloud:rocketmq/acl:Acl': ['ipWhitelists'],
  'alicloud:ram/user:User': ['displayName'],
  'alicloud:cs/kubernetesAddon:KubernetesAddon': ['version', 'required', 'canUpgrade', 'nextVersion'],
  'alicloud:ram/accessKey:AccessKey': ['secret'],
  // resource_alicloud_arms_prometheus_alert_rule.go: status, type (Optional+Computed), prometheus_alert_rule_id.
  'alicloud:arms/prometheusAlertRule:PrometheusAlertRule': ['status', 'type', 'prometheusAlertRuleId'],
  'random:index/randomPassword:RandomPassword': ['result', 'bcryptHash'],
  'kubernetes:core/v1:Secret': ['metadata.uid'],
};

/**
 * Output fields the provider marks secret (Sensitive in the TF schema; the bridge returns them as secrets).
 * Source: @pulumi/alicloud 3.108.0 ram/accessKey.js (additionalSecretOutputs ["secret"], from the schema's
 * secret flag); data_source_alicloud_cs_cluster_credential.go kube_config Sensitive. Not the ACL account's
 * password: resource_alicloud_rocketmq_account.go declares it Required only (and Read sets it from the API),
 * so it stays secret only because the program sends it as one and lists it in additionalSecretOutputs.
 */
const SENSITIVE: Readonly<Record<string, readonly string[]>> = {
  'alicloud:ram/accessKey:AccessKey': ['secret'],
  [CLUSTER_CREDENTIAL]: ['kubeConfig'],
};

/** A value as a protobuf Struct can carry it: no undefined anywhere (Struct.fromJavaScript rejects it). */
function wire(value: Json): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

function markSensitive(type: string, state: Json): Json {
  const out = wire(state);
  for (const key of SENSITIVE[type] ?? []) {
    if (out[key] !== undefined && !isSecret(out[key])) out[key] = secret(out[key]);
  }
  return out;
}

function zero(value: unknown): boolean {
  return value === undefined || value === null || value === false || value === 0 || value === '';
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(reveal(a)) === JSON.stringify(reveal(b));
}

/**
 * The dotted paths where the new inputs differ from the old state, as a TF plan sees it: a field set in the
 * inputs differs when its value does (lists in order: `acl_types` and the vSwitches are ordered lists); a field
 * absent from the inputs differs only when it is not computed and the state holds a non-zero value (TF's
 * schemaMap.diff compares an unset Optional attribute with its type's zero value).
 */
export function changedPaths(type: string, olds: Json, news: Json, at = ''): string[] {
  const computed = COMPUTED[type] ?? [];
  const out: string[] = [];
  for (const key of new Set([...Object.keys(olds), ...Object.keys(news)])) {
    const path = at === '' ? key : `${at}.${key}`;
    if (key.startsWith('__')) continue;
    const o = reveal(olds[key]);
    const n = reveal(news[key]);
    if (!(key in news)) {
      if (!computed.includes(path) && !zero(o)) out.push(path);
      continue;
    }
    if (
      typeof o === 'object' &&
      o !== null &&
      !Array.isArray(o) &&
      typeof n === 'object' &&
      n !== null &&
      !Array.isArray(n)
    ) {
      out.push(...changedPaths(type, o as Json, n as Json, path));
    } else if (!equal(o, n)) {
      out.push(path);
    }
  }
  return out;
}

/** The ForceNew fields among the changed paths (a change at or under a ForceNew field replaces). */
export function replacedPaths(type: string, changed: readonly string[]): string[] {
  const forceNew = forceNewFields(type);
  return changed.filter((path) => forceNew.some((f) => path === f || path.startsWith(`${f}.`)));
}

function forceNewFields(type: string): string[] {
  const contract = contractOf(type);
  if (contract !== undefined) return contract.forceNew.map((f) => f.field);
  switch (type) {
    // Source: terraform-provider-random internal/provider/resource_password.go: every argument has
    // RequiresReplace (a new password only through replacement).
    case 'random:index/randomPassword:RandomPassword':
      return [
        'length',
        'special',
        'upper',
        'lower',
        'numeric',
        'minLower',
        'minUpper',
        'minNumeric',
        'minSpecial',
        'overrideSpecial',
        'keepers',
      ];
    // Source: pulumi-kubernetes provider/pkg/provider/provider.go Diff: a change of metadata.name or
    // metadata.namespace replaces the object (forceNewProperties).
    case 'kubernetes:core/v1:Secret':
      return ['metadata.name', 'metadata.namespace', 'type'];
    default:
      return [];
  }
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isSecret(value);
}

/**
 * The state after an Update, as the provider's Read after it sets it: the new inputs, and the computed fields
 * (nested ones too, e.g. networkInfo.endpoints) as they were read back; an Optional field left out is unset.
 */
export function updatedState(type: string, olds: Json, news: Json, at = ''): Json {
  const computed = COMPUTED[type] ?? [];
  const out: Json = {};
  for (const [key, value] of Object.entries(olds)) {
    const path = at === '' ? key : `${at}.${key}`;
    if (computed.includes(path) && !(key in news)) out[key] = value;
  }
  for (const [key, value] of Object.entries(news)) {
    const path = at === '' ? key : `${at}.${key}`;
    out[key] = isRecord(value) && isRecord(olds[key]) ? updatedState(type, olds[key], value, path) : value;
  }
  return out;
}

function topLevel(paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => p.split('.')[0]))];
}

function region(): string {
  // The node provider server does not pass Configure's variables on; the harness sets the stack's region here.
  return process.env.ALICLOUD_REGION ?? 'cn-hangzhou';
}

/**
 * The read-back with every output whose input was secret kept secret, recursively, as the engine itself does
 * for a provider that does not accept secrets (sdk/go/common/resource/plugin/provider_plugin.go
 * annotateSecrets); this one accepts them, so it keeps them itself, as the bridge does.
 */
function keepSecrets(outs: Json, ins: Json): Json {
  for (const [key, input] of Object.entries(ins)) {
    if (!(key in outs)) continue;
    if (isRecord(outs[key]) && isRecord(input)) keepSecrets(outs[key], input);
    else if (!isSecret(outs[key]) && JSON.stringify(input).includes(SECRET_SIG))
      outs[key] = secret(outs[key]);
  }
  return outs;
}

/** What the cloud holds after a Create: the model's id and read-back state, Sensitive fields secret. */
function created(type: string, name: string, inputs: Json): { id: string; outs: Json } {
  const errors: string[] = [];
  const { id, state } = fakeState(
    { type, name, inputs: reveal(inputs) as Json, custom: true, id: undefined, provider: '' },
    region(),
    false,
    errors,
  );
  if (errors.length > 0) throw new Error(errors.join('; '));
  return { id: id ?? '', outs: markSensitive(type, keepSecrets(wire(state), inputs)) };
}

function checkFailures(type: string, name: string, news: Json): provider.CheckFailure[] {
  const contract = contractOf(type);
  if (contract === undefined) return [];
  const inputs = reveal(news) as Json;
  // A value a preview does not know yet is checked when it is known (the bridge's Check does the same).
  const unknown = (field: string) => JSON.stringify(valueAt(inputs, field) ?? null).includes(UNKNOWN);
  const known = { ...contract, rules: contract.rules.filter((rule) => !unknown(rule.field)) };
  return contractViolations(known, name, inputs).map((reason) => ({
    property: reason.split(': ')[1]?.split(' ')[0] ?? '',
    reason,
  }));
}

export function standInProvider(pkg: StandInPackage): provider.Provider {
  return {
    version: PLUGIN_VERSIONS[pkg],
    check: (urn, _olds, news) => {
      const failures = checkFailures(typeOfUrn(urn), nameOfUrn(urn), news as Json);
      return Promise.resolve({ inputs: news, failures });
    },
    diff: (_id, urn, olds, news) => {
      const type = typeOfUrn(urn);
      const changed = changedPaths(type, olds as Json, news as Json);
      const replaces = topLevel(replacedPaths(type, changed));
      return Promise.resolve({ changes: changed.length > 0, replaces });
    },
    create: (urn, inputs) => {
      // A preview plans the create: the computed fields are not known yet.
      if (previewing) return Promise.resolve({ id: '', outs: inputs as Json });
      const type = typeOfUrn(urn);
      const { id, outs } = created(type, nameOfUrn(urn), inputs as Json);
      record({ op: 'create', type, name: nameOfUrn(urn), id });
      return Promise.resolve({ id, outs });
    },
    read: (id, urn, props) => {
      const type = typeOfUrn(urn);
      record({ op: 'read', type, name: nameOfUrn(urn), id });
      if (props !== undefined && Object.keys(props as Json).length > 0) return Promise.resolve({ id, props });
      // A read by id of a resource the program did not create (Resource.get): what the service holds.
      const { state } = fakeState(
        { type, name: nameOfUrn(urn), inputs: {}, custom: true, id, provider: '' },
        region(),
        false,
        [],
      );
      return Promise.resolve({ id, props: wire(state) });
    },
    update: (id, urn, olds, news) => {
      const type = typeOfUrn(urn);
      if (!previewing) record({ op: 'update', type, name: nameOfUrn(urn), id });
      // The computed fields stay as read back, except where the update sets them.
      return Promise.resolve({ outs: markSensitive(type, updatedState(type, olds as Json, news as Json)) });
    },
    delete: (id, urn) => {
      record({ op: 'delete', type: typeOfUrn(urn), name: nameOfUrn(urn), id });
      return Promise.resolve();
    },
    invoke: (token, inputs) => {
      record({ op: 'invoke', type: token, name: '' });
      const args = reveal(inputs) as Json;
      if (token === ARMS_LOOKUP)
        return Promise.resolve({ outputs: wire(armsLookup(args, region(), 'default')) });
      if (token === CLUSTER_CREDENTIAL)
        return Promise.resolve({ outputs: markSensitive(token, clusterCredential(args)) });
      // A cluster without ack-keda before the first up, as the committed stacks' clusters are here.
      if (token === ADDONS_LOOKUP) return Promise.resolve({ outputs: wire(addonsLookup(args, null)) });
      return Promise.reject(new Error(`the stand-in ${pkg} provider has no model of ${token}`));
    },
  };
}

interface DiffCall {
  readonly request: {
    getUrn(): string;
    getOlds(): { toJavaScript(): unknown };
    getNews(): { toJavaScript(): unknown };
  };
}
type DiffCallback = (err: unknown, resp?: { setDiffsList(keys: string[]): unknown }) => void;
type Handler = (call: unknown, callback: unknown) => unknown;

/** Whether the Create or Update being answered is a preview's (read synchronously by create and update). */
let previewing = false;

/**
 * The node provider server answers Diff with changes and replaces only, never the changed keys, which the real
 * providers report (the bridge's detailed diff) and the engine needs to apply `replaceOnChanges`
 * (pkg/resource/deploy/step_generator.go applyReplaceOnChanges reads diff.ChangedKeys). This adds them to the
 * server's Diff response.
 */
function reportChangedKeys(): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call(this) below
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (
    this: grpc.Server,
    service: grpc.ServiceDefinition,
    implementation: grpc.UntypedServiceImplementation,
  ) {
    const original = implementation.diff as unknown as (call: DiffCall, callback: DiffCallback) => unknown;
    const withKeys = (call: DiffCall, callback: DiffCallback) =>
      original.call(implementation, call, (err, resp) => {
        const { request } = call;
        const changed = changedPaths(
          typeOfUrn(request.getUrn()),
          request.getOlds().toJavaScript() as Json,
          request.getNews().toJavaScript() as Json,
        );
        resp?.setDiffsList(topLevel(changed));
        callback(err, resp);
      });
    const methods = bindAll(implementation);
    // The real providers plan previews (the bridge sets supportsPreview and returns the planned state, computed
    // fields as read back); without it the engine hands the inputs back as a preview's outputs
    // (sdk/go/common/resource/plugin/provider_plugin.go Update: `!protocol.supportsPreview`).
    const configure = methods.configure as Handler;
    const planned = (name: 'create' | 'update') => {
      const original = methods[name] as Handler;
      return (call: { request: { getPreview(): boolean } }, callback: unknown) => {
        previewing = call.request.getPreview();
        try {
          return original(call, callback);
        } finally {
          previewing = false;
        }
      };
    };
    return addService.call(this, service, {
      ...methods,
      diff: withKeys,
      configure: (
        call: unknown,
        callback: (err: unknown, resp?: { setSupportspreview(v: boolean): unknown }) => void,
      ) =>
        configure(call, (err: unknown, resp?: { setSupportspreview(v: boolean): unknown }) => {
          resp?.setSupportspreview(true);
          callback(err, resp);
        }),
      create: planned('create'),
      update: planned('update'),
    } as never);
  };
}

/** The methods of a class instance as own, bound properties (gRPC looks them up by name). */
function bindAll(implementation: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let proto = Object.getPrototypeOf(implementation) as object | null;
  while (proto !== null && proto !== Object.prototype) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const value = (implementation as Record<string, unknown>)[key];
      if (key !== 'constructor' && typeof value === 'function' && !(key in out))
        out[key] = (value as (...args: unknown[]) => unknown).bind(implementation);
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return out;
}

if (require.main === module) {
  const pkg = process.argv[2] as StandInPackage;
  if (!(pkg in PLUGIN_VERSIONS)) {
    console.error(`usage: stand-in-provider.ts <${Object.keys(PLUGIN_VERSIONS).join('|')}> [engine address]`);
    process.exit(2);
  }
  reportChangedKeys();
  void provider.main(standInProvider(pkg), process.argv.slice(3));
}
