/** The shape of a stack file's `apsaramq-keda:*` config: one zod schema per section, and the types it infers. */
import { z } from 'zod';
import { CONSUMER_HTTP_DEFAULTS } from '../../constructs/shared/consumer-contract';
import { DEFAULT_SELECTOR_SCHEME, SELECTOR_SCHEMES } from '../../constructs/shared/labels';
import {
  DNS1123_LABEL,
  DNS1123_LABEL_MAX_LENGTH,
  isSecretKey,
  isSecretName,
  SECRET_KEY_RULE,
} from '../../constructs/shared/names';
import { cronScheduleProblems } from '../../constructs/shared/cron-schedule';
import { IPV4_CIDR } from './cidr';
import { KUBERNETES_MINORS, type KubernetesMinor } from './kubernetes-versions';
import { isCredentialEnvName, secretReferenceHint } from './secret-findings';
import {
  ACK_KEDA_RELEASES,
  type AckKedaVersion,
  DELIVERY_ORDER_TYPES,
  LOAD_BALANCING_HINT,
  MAX_RETRY_TIMES,
  MAX_STABILIZATION_WINDOW_SECONDS,
  MESSAGE_TYPES,
  PERIOD_UNITS,
  NAME_MAX_LENGTH,
  NAME_PATTERN,
  PAYMENT_TYPES,
  RESERVED_GROUPS,
  RESERVED_NAME_PREFIXES,
  RESERVED_TOPICS,
  SEND_RECEIVE_RATIO_RANGE,
  SERIES_CODES,
  SERVERLESS_CAPACITY_MODES,
  SUB_SERIES_CODES,
  TOPIC_REMARK_PATTERN,
} from './limits';

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
});

const cidr = z.string().regex(IPV4_CIDR, 'must be an IPv4 address or CIDR block such as 10.0.0.0/16');

const networkSchema = z.strictObject({
  vpcId: nonEmpty,
  vSwitchIds: z.array(nonEmpty).min(1),
  securityGroupId: nonEmpty.optional(),
  /**
   * The instance's IP allowlist (ip_whitelists): it applies to every client, VPC ones included, and a new
   * instance starts with 0.0.0.0/0. Required with a public endpoint.
   */
  ipAllowlist: z.array(cidr).min(1).optional(),
  /** CIDR blocks the consumers connect from (node and pod vSwitches); each must be inside ipAllowlist. */
  clientCidrs: z.array(cidr).min(1).optional(),
  internet: internetSchema.prefault({ enabled: false }),
});

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
  periodUnit: z.enum(PERIOD_UNITS).optional(),
  /** Renew the subscription automatically, every autoRenewPeriod autoRenewPeriodUnit. */
  autoRenew: z.boolean().optional(),
  autoRenewPeriod: positiveInt.optional(),
  autoRenewPeriodUnit: z.enum(PERIOD_UNITS).optional(),
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
  remark: z
    .string()
    .max(128)
    .regex(
      TOPIC_REMARK_PATTERN,
      `must match ${TOPIC_REMARK_PATTERN.source} (letters, digits, _ and Chinese characters)`,
    )
    .optional(),
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

/**
 * A known peak to pre-scale for: a KEDA `cron` trigger (pkg/scalers/cron_scaler.go) that proposes
 * desiredReplicas from start until end; the HPA takes the larger of it and the backlog trigger's proposal.
 */
const scheduleSchema = z
  .strictObject({
    /** The trigger's name in the ScaledObject (unique within the workload). */
    name: k8sName,
    /** IANA time-zone name the expressions are read in, e.g. Asia/Shanghai. */
    timezone: nonEmpty,
    /** 5-field cron expression (minute hour day-of-month month day-of-week): when pre-scaling starts. */
    start: nonEmpty,
    /** 5-field cron expression: when it ends. */
    end: nonEmpty,
    /** Replicas held while active; or give expectedMessagesPerSecond instead. */
    desiredReplicas: positiveInt.optional(),
    /** Expected arrival rate at the peak; desiredReplicas = ceil(rate / messagesPerSecondPerPod). */
    expectedMessagesPerSecond: z.number().positive().optional(),
  })
  .superRefine((s, ctx) => {
    for (const problem of cronScheduleProblems(s)) {
      ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
    }
    if ((s.desiredReplicas === undefined) === (s.expectedMessagesPerSecond === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'set exactly one of desiredReplicas or expectedMessagesPerSecond',
      });
    }
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
  /** Scheduled pre-scaling for known peaks (KEDA cron triggers beside the backlog trigger). @default none */
  schedules: z.array(scheduleSchema).optional(),
});

/**
 * The container's HTTP contract (infra/sample-app): one port for liveness, readiness and metrics; false for
 * images that serve none.
 */
const probesSchema = z.union([
  z.literal(false),
  z.strictObject({
    port: z.number().int().min(1).max(65_535).default(CONSUMER_HTTP_DEFAULTS.port),
    livenessPath: z
      .string()
      .regex(/^\/[^\s]*$/, 'must be an absolute path')
      .default(CONSUMER_HTTP_DEFAULTS.livenessPath),
    readinessPath: z
      .string()
      .regex(/^\/[^\s]*$/, 'must be an absolute path')
      .default(CONSUMER_HTTP_DEFAULTS.readinessPath),
  }),
]);

/** An env entry read from a key of a Secret in the workload's namespace (the container's valueFrom.secretKeyRef). */
const envSecretRefSchema = z.strictObject({
  secretKeyRef: z.strictObject({
    name: z
      .string()
      .refine(
        isSecretName,
        'must be a Secret name: a DNS-1123 subdomain ([a-z0-9-.]), at most 253 characters',
      ),
    key: z.string().refine(isSecretKey, `must be a Secret key: ${SECRET_KEY_RULE}`),
  }),
});

/**
 * Extra container env: a literal string, or `{ secretKeyRef: { name, key } }`. A literal under a name that says
 * it is a credential (isCredentialEnvName) is refused: the stack file is committed.
 */
const envSchema = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
    z.union([
      z.string({
        error:
          'must be a string, or { secretKeyRef: { name: <secret>, key: <key> } } to read it from a Secret',
      }),
      envSecretRefSchema,
    ]),
  )
  .superRefine((env, ctx) => {
    for (const [name, value] of Object.entries(env)) {
      if (typeof value === 'string' && isCredentialEnvName(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `holds a literal value, but its name says it is a credential; ${secretReferenceHint(name)}`,
        });
      }
    }
  });

const workloadSchema = z.strictObject({
  name: k8sName,
  image: z
    .string()
    // An optional registry host with a port (`host:5000/`), then the repository, tag and digest. Source:
    // distribution/reference reference.go (domainAndPort = host optionally followed by ":" port).
    .regex(
      /^(?:[^\s/:@]+:[0-9]+\/)?[^\s:@]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
      'must be an image reference',
    )
    .refine((image) => /[:@]/.test(image.replace(/^[^/]*\//, '')), 'must pin a tag or digest, not latest'),
  topic: nonEmpty,
  consumerGroup: nonEmpty,
  /**
   * How the consumers' SDK balances the group (LOAD_BALANCING_BY_SDK): 'message' for the 5.x gRPC SDKs, TCP Java
   * 2.x.x.Final+ and TCP C++ 3.x; 'queue' for the 4.x Remoting SDKs, TCP Java 1.x and TCP C++ 1.x-2.x, where a
   * consumer beyond the queue count sits idle. @default 'message'
   */
  loadBalancing: z
    .enum(['message', 'queue'], { error: () => `must be message or queue (${LOAD_BALANCING_HINT})` })
    .default('message'),
  /** Read queues of the topic; required for queue-based consumers. */
  queueCount: positiveInt.optional(),
  messagesPerSecondPerPod: z.number().positive(),
  targetDrainSeconds: positiveInt,
  maxProcessingSeconds: positiveInt.default(30),
  minReplicas: nonNegativeInt,
  maxReplicas: positiveInt,
  idleReplicaCount: nonNegativeInt.optional(),
  resources: resourcesSchema.prefault({}),
  env: envSchema.default({}),
  scaling: scalingSchema.prefault({}),
  /** Probes and container port from the image's HTTP contract. @default the sample app's (8080, /livez, /readyz) */
  probes: probesSchema.prefault({}),
});

/** A producer that gets its own ACL account (Pub on its topic only) and credentials Secret. */
const producerSchema = z.strictObject({
  name: k8sName,
  topic: nonEmpty,
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

const kubernetesMinors = Object.keys(KUBERNETES_MINORS) as [KubernetesMinor, ...KubernetesMinor[]];

const kubernetesSchema = z.strictObject({
  namespace: k8sName,
  /**
   * The cluster's Kubernetes minor, quoted ("1.34"): the plan models that minor's HPA (infra/config/
   * kubernetes-versions.ts; the tolerance test changed in 1.33, constructs/scaling hpaToleranceForm).
   */
  version: z.enum(kubernetesMinors, {
    error: (issue) =>
      issue.input === undefined
        ? `is required: the cluster's Kubernetes minor, quoted, such as "1.34" (one of ${kubernetesMinors.join(', ')})`
        : typeof issue.input === 'number'
          ? `(${issue.input}) must be quoted, such as "1.34": YAML reads an unquoted 1.30 as the number 1.3`
          : `(${JSON.stringify(issue.input)}) must be a Kubernetes minor this project models: ${kubernetesMinors.join(', ')}`,
  }),
  /**
   * Which labels select the consumer pods (constructs/shared/labels.ts SELECTOR_SCHEMES): 'environment' avoids
   * `app.kubernetes.io/instance`, which Argo CD's label tracking overwrites; 'instance-label' keeps the selector of
   * Deployments deployed before it existed (a selector is immutable: see the migration in infra/README.md,
   * "Selector labels and Argo CD").
   * @default 'environment'
   */
  selectorScheme: z.enum(SELECTOR_SCHEMES).default(DEFAULT_SELECTOR_SCHEME),
  /** Whether Pulumi writes the Secrets into the cluster (needs a kubeconfig). */
  createSecrets: z.boolean().default(true),
  /** ACK cluster id: when set, Pulumi installs the ack-keda add-on on it. */
  ackClusterId: z
    .string()
    .regex(/^c[a-z0-9]{16,40}$/, 'must be an ACK cluster id')
    .optional(),
  /**
   * Version of the ack-keda add-on, one of ACK_KEDA_RELEASES; required with ackClusterId. Without an
   * ackClusterId it names the ack-keda the cluster already runs. @default PINNED_ACK_KEDA_VERSION's KEDA for the
   * manifests when absent
   */
  kedaAddonVersion: z
    .enum(Object.keys(ACK_KEDA_RELEASES) as [AckKedaVersion, ...AckKedaVersion[]], {
      error: (issue) =>
        `(${JSON.stringify(issue.input)}) must be a pinned ack-keda version: ${Object.keys(ACK_KEDA_RELEASES).join(', ')}`,
    })
    .optional(),
});

export const rawSpecSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}-[a-z0-9-]+$/, 'must be an Alibaba Cloud region id such as cn-hangzhou'),
  instance: z.union([existingInstanceSchema, createInstanceSchema]),
  topics: z.array(topicSchema).min(1),
  consumerGroups: z.array(consumerGroupSchema).min(1),
  workloads: z.array(workloadSchema).min(1),
  producers: z.array(producerSchema).default([]),
  prometheus: prometheusSchema,
  kubernetes: kubernetesSchema,
});

export type RawSpec = z.infer<typeof rawSpecSchema>;
export type InstanceSpec = RawSpec['instance'];
export type CreateInstanceSpec = z.infer<typeof createInstanceSchema>;
export type ExistingInstanceSpec = z.infer<typeof existingInstanceSchema>;
export type TopicSpec = z.infer<typeof topicSchema>;
export type ConsumerGroupSpec = z.infer<typeof consumerGroupSchema> & {
  readonly retryPolicy: 'DefaultRetryPolicy' | 'FixedRetryPolicy';
};
export type WorkloadSpec = z.infer<typeof workloadSchema>;
export type ProducerSpec = z.infer<typeof producerSchema>;
export type ProbesSpec = z.infer<typeof probesSchema>;
export type ScalingSpec = z.infer<typeof scalingSchema>;
export type BehaviorSpec = z.infer<typeof behaviorSchema>;
export type ScheduleSpec = z.infer<typeof scheduleSchema>;
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
