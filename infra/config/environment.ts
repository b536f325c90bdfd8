/**
 * The environment loader: one stack file (`stacks/Pulumi.<env>.yaml`) in, one validated EnvironmentSpec out.
 * Both programs read environments through here — the Pulumi program from its runtime config, the cdk8s app
 * and the CLIs straight from the file — so it makes no Pulumi runtime call.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DNS1123_LABEL, DNS1123_LABEL_MAX_LENGTH } from '../../constructs/shared/names';

/** The Pulumi project name, which is also the namespace of every config key of this stack. */
export const PROJECT = 'apsaramq-keda';

/** Config keys that hold secrets: they must be set with `pulumi config set --secret`, never in plain text. */
export const SECRET_CONFIG_KEYS = [`${PROJECT}:prometheusToken`] as const;

// Source: apache/rocketmq common/topic/TopicValidator.java (system topics) and the ApsaraMQ for RocketMQ 5.x
// naming limits (help.aliyun.com, "Usage limits": topic and group names).
export const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
export const NAME_MAX_LENGTH = 60;
export const SERVERLESS_TOPIC_NAME_MAX_LENGTH = 128;
export const RESERVED_NAME_PREFIXES = [
  'rmq_sys_',
  '%RETRY%',
  '%DLQ%',
  'rocketmq-broker-',
  'rocketmq-proxy-',
] as const;
export const RESERVED_TOPICS = [
  'TBW102',
  'SCHEDULE_TOPIC_XXXX',
  'BenchmarkTest',
  'RMQ_SYS_TRANS_HALF_TOPIC',
  'RMQ_SYS_TRACE_TOPIC',
  'RMQ_SYS_TRANS_OP_HALF_TOPIC',
  'TRANS_CHECK_MAX_TIME_TOPIC',
  'SELF_TEST_TOPIC',
  'OFFSET_MOVED_EVENT',
] as const;
// Source: apache/rocketmq common/MixAll.java (built-in consumer groups).
export const RESERVED_GROUPS = [
  'DEFAULT_CONSUMER',
  'TOOLS_CONSUMER',
  'FILTERSRV_CONSUMER',
  'SELF_TEST_C_GROUP',
  'CID_ONS-HTTP-PROXY',
  'CID_ONSAPI_PERMISSION',
  'CID_ONSAPI_OWNER',
  'CID_ONSAPI_PULL',
  'CID_RMQ_SYS_',
] as const;

// Source: @pulumi/alicloud rocketmq.RocketMQInstance (seriesCode, subSeriesCode, paymentType, sendReceiveRatio).
export const SERIES_CODES = ['standard', 'professional', 'ultimate'] as const;
export const SUB_SERIES_CODES = ['cluster_ha', 'single_node', 'serverless'] as const;
export const PAYMENT_TYPES = ['PayAsYouGo', 'Subscription'] as const;
export const SEND_RECEIVE_RATIO_RANGE = [0.05, 0.5] as const;
// Source: @pulumi/alicloud rocketmq.RocketMQTopic messageType; rocketmq.ConsumerGroup deliveryOrderType.
export const MESSAGE_TYPES = ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'] as const;
export const DELIVERY_ORDER_TYPES = ['Concurrently', 'Orderly'] as const;
// Source: ApsaraMQ for RocketMQ 5.x "Consumption retry": concurrent groups retry with exponential backoff
// (DefaultRetryPolicy), ordered groups at a fixed interval (FixedRetryPolicy).
export const RETRY_POLICY_FOR_ORDER = {
  Concurrently: 'DefaultRetryPolicy',
  Orderly: 'FixedRetryPolicy',
} as const;
export const MAX_RETRY_TIMES = 1000;
// Source: KEDA ScaledObject webhook and HPA behavior validation: stabilization windows are 0..3600 s.
export const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const nonEmpty = z.string().min(1);
const k8sName = z
  .string()
  .max(DNS1123_LABEL_MAX_LENGTH)
  .regex(
    DNS1123_LABEL,
    'must be a DNS-1123 label (lowercase alphanumerics and "-", start and end alphanumeric)',
  );

const serviceName = (kind: 'topic' | 'group') =>
  z
    .string()
    .min(1)
    .regex(NAME_PATTERN, `must match ${NAME_PATTERN.source}`)
    .superRefine((name, ctx) => {
      const prefix = RESERVED_NAME_PREFIXES.find((p) => name.toLowerCase().startsWith(p.toLowerCase()));
      if (prefix !== undefined) {
        ctx.addIssue({ code: 'custom', message: `must not start with the reserved prefix "${prefix}"` });
      }
      const reserved: readonly string[] = kind === 'topic' ? RESERVED_TOPICS : RESERVED_GROUPS;
      if (reserved.some((r) => (r.endsWith('_') ? name.startsWith(r) : name === r))) {
        ctx.addIssue({ code: 'custom', message: `"${name}" is a reserved RocketMQ system ${kind} name` });
      }
    });

const tags = z.record(z.string().min(1).max(128), z.string().max(128));

const internetSchema = z.strictObject({
  /** Whether the instance gets a public endpoint. */
  enabled: z.boolean(),
  /** Fixed public bandwidth in Mb/s when enabled (1..1000). */
  bandwidthMbps: z.number().int().min(1).max(1000).optional(),
  /** CIDRs allowed to reach the public endpoint. */
  ipWhitelist: z.array(nonEmpty).optional(),
});

const networkSchema = z.strictObject({
  vpcId: nonEmpty,
  vSwitchIds: z.array(nonEmpty).min(1),
  securityGroupId: nonEmpty.optional(),
  internet: internetSchema.prefault({ enabled: false }),
});

// Source: ApsaraMQ for RocketMQ serverless instances, "Billing of serverless instances": capacity modes.
export const SERVERLESS_CAPACITY_MODES = [
  'shared-cumulative',
  'shared-reserved',
  'dedicated-reserved',
] as const;

const createInstanceSchema = z.strictObject({
  /** Instance name shown in the console. */
  name: z.string().min(3).max(64),
  seriesCode: z.enum(SERIES_CODES),
  subSeriesCode: z.enum(SUB_SERIES_CODES),
  /** Computing spec (msgProcessSpec), e.g. rmq.s2.2xlarge, or rmq.serverless for serverless instances. */
  msgProcessSpec: nonEmpty,
  paymentType: z.enum(PAYMENT_TYPES),
  /** Subscription length, with periodUnit; only for Subscription. */
  period: positiveInt.optional(),
  periodUnit: z.enum(['Month', 'Year']).optional(),
  autoRenew: z.boolean().optional(),
  messageRetentionHours: positiveInt.max(168 * 4).default(72),
  sendReceiveRatio: z.number().min(SEND_RECEIVE_RATIO_RANGE[0]).max(SEND_RECEIVE_RATIO_RANGE[1]).optional(),
  /** Elastic TPS above the spec (professional and ultimate only). */
  autoScaling: z.boolean().optional(),
  /** Serverless capacity model and reserved TPS, for the capacity warnings of the planner. */
  serverlessCapacity: z
    .strictObject({ mode: z.enum(SERVERLESS_CAPACITY_MODES), reservedTps: positiveInt.optional() })
    .optional(),
  network: networkSchema,
  tags: tags.default({}),
});

const existingInstanceSchema = z.strictObject({
  /** Adopt an instance created elsewhere instead of creating one. */
  existingInstanceId: z.string().regex(/^rmq-cn-[a-z0-9]+$/, 'must look like rmq-cn-xxxxxxxx'),
  /** Whether the adopted instance is serverless (topic names up to 128 characters). */
  serverless: z.boolean().default(false),
});

const topicSchema = z.strictObject({
  name: serviceName('topic'),
  messageType: z.enum(MESSAGE_TYPES).default('NORMAL'),
  maxSendTps: positiveInt.optional(),
  remark: z.string().max(128).optional(),
});

const consumerGroupSchema = z.strictObject({
  id: serviceName('group').max(NAME_MAX_LENGTH),
  deliveryOrderType: z.enum(DELIVERY_ORDER_TYPES).default('Concurrently'),
  retryPolicy: z.enum(['DefaultRetryPolicy', 'FixedRetryPolicy']).optional(),
  maxRetryTimes: z.number().int().min(0).max(MAX_RETRY_TIMES).default(16),
  deadLetterTopic: z.string().optional(),
  maxReceiveTps: positiveInt.optional(),
  remark: z.string().max(128).optional(),
});

const quantity = z
  .string()
  .regex(
    /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/,
    'must be a Kubernetes quantity such as 500m or 256Mi',
  );

const resourcesSchema = z.strictObject({
  cpuRequest: quantity.default('250m'),
  cpuLimit: quantity.default('1'),
  memoryRequest: quantity.default('256Mi'),
  memoryLimit: quantity.default('512Mi'),
});

const scalingPolicySchema = z.strictObject({
  type: z.enum(['Pods', 'Percent']),
  value: positiveInt,
  periodSeconds: positiveInt.max(1800),
});
const scalingRulesSchema = z.strictObject({
  stabilizationWindowSeconds: z.number().int().min(0).max(MAX_STABILIZATION_WINDOW_SECONDS).optional(),
  selectPolicy: z.enum(['Max', 'Min', 'Disabled']).optional(),
  policies: z.array(scalingPolicySchema).min(1).optional(),
});
/** Kubernetes autoscaling/v2 HorizontalPodAutoscalerBehavior. */
const behaviorSchema = z.strictObject({
  scaleUp: scalingRulesSchema.optional(),
  scaleDown: scalingRulesSchema.optional(),
});

const scalingSchema = z.strictObject({
  /** Target backlog per replica; derived from throughput and drain target when absent. */
  threshold: positiveInt.optional(),
  /** Backlog above which KEDA activates the workload from zero. @default 0 */
  activationThreshold: nonNegativeInt.default(0),
  pollingIntervalSeconds: positiveInt.default(30),
  cooldownPeriodSeconds: nonNegativeInt.default(300),
  /** Replica count held while the metric cannot be read; false turns the fallback off. */
  fallback: z
    .union([
      z.literal(false),
      z.strictObject({ failureThreshold: positiveInt.default(3), replicas: positiveInt.optional() }),
    ])
    .prefault({}),
  /** Second trigger on the topic's arrival rate. */
  scaleOnArrivalRate: z
    .strictObject({
      targetUtilization: z.number().gt(0).max(1).default(0.8),
      metricName: z
        .string()
        .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/)
        .default('rocketmq_messages_in_total'),
    })
    .optional(),
  behavior: behaviorSchema.optional(),
});

const workloadSchema = z.strictObject({
  name: k8sName,
  image: z
    .string()
    .regex(
      /^[^\s:@]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
      'must be an image reference',
    )
    .refine((image) => /[:@]/.test(image.replace(/^[^/]*\//, '')), 'must pin a tag or digest, not latest'),
  topic: nonEmpty,
  consumerGroup: nonEmpty,
  /** 'message' for the 5.x gRPC SDKs, 'queue' for the 4.x Remoting SDKs. */
  loadBalancing: z.enum(['message', 'queue']).default('message'),
  /** Read queues of the topic; required for queue-based consumers. */
  queueCount: positiveInt.optional(),
  messagesPerSecondPerPod: z.number().positive(),
  targetDrainSeconds: positiveInt,
  maxProcessingSeconds: positiveInt.default(30),
  minReplicas: nonNegativeInt,
  maxReplicas: positiveInt,
  idleReplicaCount: nonNegativeInt.optional(),
  resources: resourcesSchema.prefault({}),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
  scaling: scalingSchema.prefault({}),
});

const prometheusSchema = z
  .strictObject({
    /** 'token' for V1 ARMS Prometheus instances (Authorization header), 'accessKey' for V2 (basic auth). */
    auth: z.enum(['token', 'accessKey']),
    /** ARMS Prometheus instance to look up the HTTP API URL (and V1 token) from. */
    instanceId: nonEmpty.optional(),
    /** Explicit HTTP API URL; use when the lookup is not possible. */
    serverAddress: z.url({ protocol: /^https?$/ }).optional(),
    /** Prefer the internal (VPC) URL of the lookup. @default true */
    preferInternalUrl: z.boolean().default(true),
  })
  .superRefine((p, ctx) => {
    if ((p.instanceId === undefined) === (p.serverAddress === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one of instanceId (lookup) or serverAddress' });
    }
  });

const kubernetesSchema = z.strictObject({
  namespace: k8sName,
  /** Whether Pulumi writes the Secrets into the cluster (needs a kubeconfig). */
  createSecrets: z.boolean().default(true),
  /** ACK cluster id: when set, Pulumi installs the ack-keda add-on on it. */
  ackClusterId: z
    .string()
    .regex(/^c[a-z0-9]{16,40}$/, 'must be an ACK cluster id')
    .optional(),
  /** Version of the ack-keda add-on; the provider's default when absent. */
  kedaAddonVersion: nonEmpty.optional(),
});

const rawSpecSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}-[a-z0-9-]+$/, 'must be an Alibaba Cloud region id such as cn-hangzhou'),
  instance: z.union([existingInstanceSchema, createInstanceSchema]),
  topics: z.array(topicSchema).min(1),
  consumerGroups: z.array(consumerGroupSchema).min(1),
  workloads: z.array(workloadSchema).min(1),
  prometheus: prometheusSchema,
  kubernetes: kubernetesSchema,
});

type RawSpec = z.infer<typeof rawSpecSchema>;
export type InstanceSpec = RawSpec['instance'];
export type CreateInstanceSpec = z.infer<typeof createInstanceSchema>;
export type ExistingInstanceSpec = z.infer<typeof existingInstanceSchema>;
export type TopicSpec = z.infer<typeof topicSchema>;
export type ConsumerGroupSpec = z.infer<typeof consumerGroupSchema> & {
  readonly retryPolicy: 'DefaultRetryPolicy' | 'FixedRetryPolicy';
};
export type WorkloadSpec = z.infer<typeof workloadSchema>;
export type ScalingSpec = z.infer<typeof scalingSchema>;
export type BehaviorSpec = z.infer<typeof behaviorSchema>;
export type PrometheusSpec = z.infer<typeof prometheusSchema>;
export type KubernetesSpec = z.infer<typeof kubernetesSchema>;

/** One environment, validated: the single source of truth for both programs. */
export interface EnvironmentSpec extends Omit<RawSpec, 'consumerGroups'> {
  /** Stack name: dev, staging, prod, ... */
  readonly name: string;
  readonly consumerGroups: readonly ConsumerGroupSpec[];
}

export function isExistingInstance(instance: InstanceSpec): instance is ExistingInstanceSpec {
  return 'existingInstanceId' in instance;
}

export function isServerless(instance: InstanceSpec): boolean {
  return isExistingInstance(instance) ? instance.serverless : instance.subSeriesCode === 'serverless';
}

/**
 * Thrown with every violation of a spec at once, each naming its path. Shape errors (types, ranges, names)
 * come first; rules across fields (a workload's topic exists, min <= max, ...) are checked once every field
 * has its shape, and are then all reported together.
 */
export class EnvironmentSpecError extends Error {
  constructor(
    readonly environment: string,
    readonly violations: readonly string[],
  ) {
    super(`environment "${environment}" is invalid:\n  - ${violations.join('\n  - ')}`);
    this.name = 'EnvironmentSpecError';
  }
}

/** Renders a zod path as `workloads[1].maxReplicas`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`))
    .join('');
}

interface Violation {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** Rules that span fields: run only once every field has its own shape right. */
function crossFieldViolations(spec: RawSpec): Violation[] {
  const out: Violation[] = [];
  const add = (path: readonly PropertyKey[], message: string) => out.push({ path, message });
  const serverless = isServerless(spec.instance);
  const topicsByName = new Map(spec.topics.map((t) => [t.name, t]));
  const groupsById = new Map(spec.consumerGroups.map((g) => [g.id, g]));

  if (!isExistingInstance(spec.instance)) {
    const instance = spec.instance;
    if (serverless && instance.network.vSwitchIds.length < 2) {
      // Source: @pulumi/alicloud RocketMQInstanceNetworkInfoVpcInfo.vswitches ("at least two ... serverless").
      add(
        ['instance', 'network', 'vSwitchIds'],
        `has ${instance.network.vSwitchIds.length} entry; a serverless instance needs at least 2 vSwitches`,
      );
    }
    if (instance.subSeriesCode === 'serverless' && instance.seriesCode === 'professional') {
      add(['instance', 'subSeriesCode'], 'serverless is offered for the standard and ultimate series only');
    }
    if (instance.seriesCode === 'ultimate' && instance.subSeriesCode === 'single_node') {
      // Source: @pulumi/alicloud RocketMQInstance.subSeriesCode ("ultimate ... can only be cluster_ha").
      add(['instance', 'subSeriesCode'], 'the ultimate series is cluster_ha (or serverless) only');
    }
    if (instance.paymentType === 'Subscription' && instance.period === undefined) {
      add(['instance', 'period'], 'is required when paymentType is Subscription');
    }
    if (instance.paymentType === 'PayAsYouGo' && instance.period !== undefined) {
      add(['instance', 'period'], 'applies to Subscription only');
    }
    if (instance.serverlessCapacity !== undefined && !serverless) {
      add(['instance', 'serverlessCapacity'], 'applies to serverless instances only');
    }
    const capacity = instance.serverlessCapacity;
    if (
      capacity !== undefined &&
      capacity.mode !== 'shared-cumulative' &&
      capacity.reservedTps === undefined
    ) {
      add(['instance', 'serverlessCapacity', 'reservedTps'], `is required for mode ${capacity.mode}`);
    }
    const internet = instance.network.internet;
    if (internet.enabled && internet.bandwidthMbps === undefined) {
      add(['instance', 'network', 'internet', 'bandwidthMbps'], 'is required when internet is enabled');
    }
    if (!internet.enabled && (internet.bandwidthMbps !== undefined || internet.ipWhitelist !== undefined)) {
      add(['instance', 'network', 'internet'], 'bandwidthMbps and ipWhitelist need enabled: true');
    }
  }

  const topicMax = serverless ? SERVERLESS_TOPIC_NAME_MAX_LENGTH : NAME_MAX_LENGTH;
  const seenTopics = new Set<string>();
  spec.topics.forEach((topic, i) => {
    if (topic.name.length > topicMax) {
      add(['topics', i, 'name'], `is ${topic.name.length} characters; at most ${topicMax} on this instance`);
    }
    if (seenTopics.has(topic.name)) add(['topics', i, 'name'], `"${topic.name}" is declared twice`);
    seenTopics.add(topic.name);
  });

  const seenGroups = new Set<string>();
  spec.consumerGroups.forEach((group, i) => {
    if (seenGroups.has(group.id)) add(['consumerGroups', i, 'id'], `"${group.id}" is declared twice`);
    seenGroups.add(group.id);
    const expected = RETRY_POLICY_FOR_ORDER[group.deliveryOrderType];
    if (group.retryPolicy !== undefined && group.retryPolicy !== expected) {
      add(
        ['consumerGroups', i, 'retryPolicy'],
        `${group.retryPolicy} does not match deliveryOrderType ${group.deliveryOrderType}; use ${expected}`,
      );
    }
    if (group.deadLetterTopic !== undefined && !topicsByName.has(group.deadLetterTopic)) {
      add(['consumerGroups', i, 'deadLetterTopic'], `"${group.deadLetterTopic}" is not one of topics[].name`);
    }
  });

  const seenWorkloads = new Set<string>();
  spec.workloads.forEach((w, i) => {
    const at = (field: string): PropertyKey[] => ['workloads', i, field];
    if (seenWorkloads.has(w.name)) add(at('name'), `"${w.name}" is declared twice`);
    seenWorkloads.add(w.name);
    const topic = topicsByName.get(w.topic);
    const group = groupsById.get(w.consumerGroup);
    if (topic === undefined) add(at('topic'), `"${w.topic}" is not one of topics[].name`);
    if (group === undefined)
      add(at('consumerGroup'), `"${w.consumerGroup}" is not one of consumerGroups[].id`);
    if (topic !== undefined && group !== undefined) {
      if (group.deliveryOrderType === 'Orderly' && topic.messageType !== 'FIFO') {
        add(
          at('consumerGroup'),
          `Orderly group "${group.id}" must consume a FIFO topic, not ${topic.messageType}`,
        );
      }
    }
    if (w.minReplicas > w.maxReplicas) {
      add(at('minReplicas'), `(${w.minReplicas}) must be <= maxReplicas (${w.maxReplicas})`);
    }
    if (w.loadBalancing === 'queue') {
      if (w.queueCount === undefined) {
        add(at('queueCount'), 'is required for queue-based (4.x Remoting SDK) consumers');
      } else if (w.maxReplicas > w.queueCount) {
        add(
          at('maxReplicas'),
          `(${w.maxReplicas}) must be <= queueCount (${w.queueCount}) for queue-based consumers`,
        );
      }
    } else if (w.queueCount !== undefined) {
      add(at('queueCount'), 'applies to queue-based consumers only (loadBalancing: queue)');
    }
    if (w.idleReplicaCount !== undefined && w.idleReplicaCount >= w.minReplicas) {
      // Source: KEDA ScaledObject validation: idleReplicaCount must be lower than minReplicaCount.
      add(at('idleReplicaCount'), `(${w.idleReplicaCount}) must be < minReplicas (${w.minReplicas})`);
    }
    const fallback = w.scaling.fallback;
    if (fallback !== false && fallback.replicas !== undefined) {
      if (fallback.replicas < Math.max(w.minReplicas, 1) || fallback.replicas > w.maxReplicas) {
        add(
          ['workloads', i, 'scaling', 'fallback', 'replicas'],
          `(${fallback.replicas}) must be within [max(minReplicas, 1), maxReplicas] = [${Math.max(w.minReplicas, 1)}, ${w.maxReplicas}]`,
        );
      }
    }
  });
  return out;
}

/**
 * Issues with paths made absolute; a failed union (an instance to create, or one to adopt) reports the issues
 * of the branch that came closest, so `instance.seriesCode` is named instead of a bare "instance: Invalid input".
 */
function closestIssues(issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[] = []): Violation[] {
  return issues.flatMap((issue): Violation[] => {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
      return closestIssues(closest, path);
    }
    return [{ path, message: issue.message }];
  });
}

/**
 * Validates the config values of one stack (keys with their namespace, e.g. `apsaramq-keda:topics`, values
 * already decoded from YAML or JSON) and returns the EnvironmentSpec. Throws EnvironmentSpecError listing
 * every violation.
 */
export function parseEnvironment(
  environment: string,
  config: Readonly<Record<string, unknown>>,
): EnvironmentSpec {
  const violations: string[] = [];
  if (!DNS1123_LABEL.test(environment)) {
    violations.push(`stack name "${environment}" must be a DNS-1123 label`);
  }
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const [namespace, name] = key.includes(':') ? key.split(':', 2) : ['', key];
    if (key === 'alicloud:region') {
      raw.region = value;
    } else if ((SECRET_CONFIG_KEYS as readonly string[]).includes(key)) {
      if (!isSecureValue(value)) {
        violations.push(`${key}: holds a secret in plain text; set it with pulumi config set --secret`);
      }
    } else if (namespace === PROJECT) {
      raw[name] = value;
    } else if (namespace === '' || namespace === undefined) {
      violations.push(`${key}: config keys need a namespace (${PROJECT}:${key})`);
    }
  }
  const parsed = rawSpecSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of closestIssues(parsed.error.issues)) {
      const where = issue.path.length === 0 ? PROJECT : formatPath(issue.path);
      violations.push(`${where}: ${issue.message}`);
    }
    throw new EnvironmentSpecError(environment, violations);
  }
  violations.push(...crossFieldViolations(parsed.data).map((v) => `${formatPath(v.path)} ${v.message}`));
  if (violations.length > 0) throw new EnvironmentSpecError(environment, violations);
  const consumerGroups = parsed.data.consumerGroups.map((g) => ({
    ...g,
    retryPolicy: g.retryPolicy ?? RETRY_POLICY_FOR_ORDER[g.deliveryOrderType],
  }));
  return deepFreeze({ name: environment, ...parsed.data, consumerGroups });
}

function isSecureValue(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'secure' in value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Decodes Pulumi's runtime config (`pulumi.runtime.allConfig()`: every value a string, structured values as
 * JSON) into plain values for parseEnvironment.
 */
export function decodePulumiConfig(allConfig: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(allConfig)) {
    const looksStructured = /^\s*[[{]/.test(value);
    out[key] = looksStructured ? (JSON.parse(value) as unknown) : value;
  }
  return out;
}

/** Path of the stack file of an environment. */
export function stackFilePath(environment: string, stacksDir = defaultStacksDir()): string {
  return path.join(stacksDir, `Pulumi.${environment}.yaml`);
}

export function defaultStacksDir(): string {
  return path.resolve(__dirname, '..', '..', 'stacks');
}

/** The environments with a committed stack file, sorted. */
export function listEnvironments(stacksDir = defaultStacksDir()): string[] {
  return fs
    .readdirSync(stacksDir)
    .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
    .filter((env): env is string => env !== undefined)
    .sort();
}

/** Reads and validates `stacks/Pulumi.<env>.yaml` directly, without the Pulumi CLI. */
export function loadEnvironment(environment: string, stacksDir = defaultStacksDir()): EnvironmentSpec {
  const file = stackFilePath(environment, stacksDir);
  if (!fs.existsSync(file)) {
    const known = fs.existsSync(stacksDir) ? listEnvironments(stacksDir).join(', ') : 'none';
    throw new EnvironmentSpecError(environment, [`no stack file ${file} (known environments: ${known})`]);
  }
  const document: unknown = parseYaml(fs.readFileSync(file, 'utf8'));
  const config =
    typeof document === 'object' && document !== null && 'config' in document ? document.config : undefined;
  if (typeof config !== 'object' || config === null) {
    throw new EnvironmentSpecError(environment, [`${file}: has no config: map`]);
  }
  return parseEnvironment(environment, config as Record<string, unknown>);
}
