/** The shape of a stack file's `apsaramq-keda:*` config: one zod schema per section, and the types it infers. */
import * as z from 'zod';
import {
  CONSUMER_HTTP_DEFAULTS,
  cronScheduleProblems,
  DEFAULT_SELECTOR_SCHEME,
  DNS1123_LABEL,
  DNS1123_LABEL_MAX_LENGTH,
  isSecretKey,
  isSecretName,
  SECRET_KEY_RULE,
  SELECTOR_SCHEMES,
} from '../../constructs/shared';
import { IPV4_CIDR } from './cidr';
import type { SelfManagedEnvironmentSpec } from './self-managed';
import { KUBERNETES_MINORS, type KubernetesMinor } from './kubernetes-versions';
import { isCredentialEnvName, secretReferenceHint } from './secret-findings';
import {
  ACK_KEDA_RELEASES,
  ACL_USERNAME_MAX_LENGTH,
  type AckKedaVersion,
  AUTO_RENEW_PERIODS,
  DELIVERY_ORDER_TYPES,
  LOAD_BALANCING_HINT,
  MAX_RETRY_TIMES,
  MAX_STABILIZATION_WINDOW_SECONDS,
  MESSAGE_TYPES,
  MSG_PROCESS_SPECS,
  OPEN_ALLOWLIST_ENTRY,
  PERIOD_RANGES,
  PERIOD_UNITS,
  INSTANCE_NAME_MAX_LENGTH,
  INSTANCE_NAME_PATTERN,
  NAME_MAX_LENGTH,
  NAME_PATTERN,
  PAYMENT_TYPES,
  PINNED_ACK_KEDA_VERSION,
  RESERVED_GROUP_PREFIXES,
  RESERVED_GROUPS,
  RESERVED_NAME_PREFIXES,
  RESERVED_TOPIC_SUFFIXES,
  RESERVED_TOPICS,
  RESERVED_TRIGGER_NAMES,
  RETRY_POLICY_FOR_ORDER,
  type SECRET_CONFIG_KEYS,
  SEND_RECEIVE_RATIO_RANGE,
  SERIES_CODES,
  SERVERLESS_CAPACITY_MODES,
  SERVERLESS_TOPIC_NAME_MAX_LENGTH,
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
      if (kind === 'topic') {
        const suffix = RESERVED_TOPIC_SUFFIXES.find((s) => name.toLowerCase().endsWith(s.toLowerCase()));
        if (suffix !== undefined) {
          ctx.addIssue({ code: 'custom', message: `must not end with the reserved suffix "${suffix}"` });
        }
      }
      const reserved: readonly string[] = kind === 'topic' ? RESERVED_TOPICS : RESERVED_GROUPS;
      const prefixes: readonly string[] = kind === 'topic' ? [] : RESERVED_GROUP_PREFIXES;
      if (reserved.includes(name) || prefixes.some((p) => name.startsWith(p))) {
        ctx.addIssue({ code: 'custom', message: `"${name}" is a reserved RocketMQ system ${kind} name` });
      }
    });

const instanceName = z.string().superRefine((name, ctx) => {
  if (name.length > INSTANCE_NAME_MAX_LENGTH || !INSTANCE_NAME_PATTERN.test(name)) {
    ctx.addIssue({
      code: 'custom',
      message:
        `${JSON.stringify(name)} must be 1 to ${INSTANCE_NAME_MAX_LENGTH} Chinese characters, letters, digits or ` +
        '"_" (ApsaraMQ for RocketMQ 5.x instance names)',
    });
  }
});

const tags = z.record(z.string().min(1).max(128), z.string().max(128));

/**
 * Describes a key for the stack-file schema and its reference (infra/schema): what it is, the rules the loader
 * checks beyond its type (in words), and an example value.
 */
export const about = (description: string, ...examples: unknown[]) =>
  examples.length === 0 ? { description } : { description, examples };

const internetSchema = z.strictObject({
  enabled: z
    .boolean()
    .meta(about('Whether the instance gets a public endpoint. With true, ipAllowlist is required.', false)),
  bandwidthMbps: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .meta(about('Fixed public bandwidth in Mb/s; required when enabled is true, refused otherwise.', 5)),
});

const cidr = z.string().regex(IPV4_CIDR, 'must be an IPv4 address or CIDR block such as 10.0.0.0/16');

const networkSchema = z.strictObject({
  vpcId: nonEmpty.meta(about('The VPC the instance is attached to.', 'vpc-bp1fakedev0000000000')),
  vSwitchIds: z
    .array(nonEmpty)
    .min(1)
    .meta(
      about('vSwitches of the VPC the instance uses; a serverless instance needs at least 2.', [
        'vsw-bp1fakedev00000000h',
        'vsw-bp1fakedev00000000i',
      ]),
    ),
  securityGroupId: nonEmpty.optional().meta(about('Security group of the instance.', 'sg-bp1fake0000000000')),
  ipAllowlist: z
    .array(cidr)
    .min(1)
    .optional()
    .meta(
      about(
        `The instance's IP allowlist (ip_whitelists): it applies to every client, VPC ones included, and a new instance starts with ${OPEN_ALLOWLIST_ENTRY}. Required when internet is enabled; ${OPEN_ALLOWLIST_ENTRY} is refused; needs clientCidrs.`,
        ['203.0.113.0/24', '10.20.0.0/16'],
      ),
    ),
  clientCidrs: z
    .array(cidr)
    .min(1)
    .optional()
    .meta(
      about(
        'CIDR blocks the consumers connect from (node and pod vSwitches). Required with ipAllowlist, refused without it; each must be inside an ipAllowlist entry.',
        ['10.20.0.0/20', '10.20.128.0/18'],
      ),
    ),
  internet: internetSchema
    .prefault({ enabled: false })
    .meta(about('The public endpoint.', { enabled: true, bandwidthMbps: 5 })),
});

const subscriptionOnly = 'Subscription only (refused for PayAsYouGo).';
const periods = Object.entries(PERIOD_RANGES)
  .map(([unit, [min, max]]) => `${unit} ${min}-${max}`)
  .join(', ');

const createInstanceSchema = z
  .strictObject({
    name: instanceName.meta({
      ...about(
        'Instance name shown in the console (Chinese characters, letters, digits and "_", no hyphen); unique per region across the stack files. A new name updates the instance in place.',
        'orders_dev',
      ),
      // The refinement's rule, for the JSON Schema (zod cannot express a refinement there).
      pattern: INSTANCE_NAME_PATTERN.source,
      minLength: 1,
      maxLength: INSTANCE_NAME_MAX_LENGTH,
    }),
    seriesCode: z.enum(SERIES_CODES).meta(about('Primary series of the instance.', 'standard')),
    subSeriesCode: z
      .enum(SUB_SERIES_CODES)
      .meta(
        about(
          'Sub-series: cluster_ha, or serverless (standard series and PayAsYouGo only); single_node is refused (no longer sold).',
          'cluster_ha',
        ),
      ),
    msgProcessSpec: nonEmpty.meta(
      about(
        `Computing spec; it must belong to the series: ${Object.entries(MSG_PROCESS_SPECS)
          .map(([series, spec]) => `${spec.pattern.source} for ${series.replace('/', ' ')}`)
          .join(', ')}.`,
        'rmq.s2.2xlarge',
      ),
    ),
    paymentType: z.enum(PAYMENT_TYPES).meta(about('Billing method.', 'PayAsYouGo')),
    period: positiveInt
      .optional()
      .meta(
        about(
          `Subscription length in periodUnit (${periods}); required with Subscription, ${subscriptionOnly}`,
          1,
        ),
      ),
    periodUnit: z
      .enum(PERIOD_UNITS)
      .optional()
      .meta(about('Unit of period; required with period, refused without it.', 'Year')),
    autoRenew: z
      .boolean()
      .optional()
      .meta(
        about(
          `Renew the subscription automatically, every autoRenewPeriod autoRenewPeriodUnit (both required with true). ${subscriptionOnly}`,
          true,
        ),
      ),
    autoRenewPeriod: positiveInt
      .optional()
      .meta(
        about(
          `Renewal length: one of ${AUTO_RENEW_PERIODS.join(', ')}; applies when autoRenew is true. ${subscriptionOnly}`,
          1,
        ),
      ),
    autoRenewPeriodUnit: z
      .enum(PERIOD_UNITS)
      .optional()
      .meta(about(`Unit of autoRenewPeriod; applies when autoRenew is true. ${subscriptionOnly}`, 'Year')),
    messageRetentionHours: positiveInt
      .max(168 * 4)
      .default(72)
      .meta(about('How long the instance keeps messages, in hours.', 168)),
    sendReceiveRatio: z
      .number()
      .min(SEND_RECEIVE_RATIO_RANGE[0])
      .max(SEND_RECEIVE_RATIO_RANGE[1])
      .optional()
      .meta(about('Ratio of sent to received messages (productInfo.sendReceiveRatio).', 0.5)),
    autoScaling: z
      .boolean()
      .optional()
      .meta(about('Elastic TPS above the spec (professional and ultimate only).', true)),
    serverlessCapacity: z
      .strictObject({
        mode: z
          .enum(SERVERLESS_CAPACITY_MODES)
          .meta(about('Serverless capacity model.', 'shared-cumulative')),
        reservedTps: positiveInt
          .optional()
          .meta(about('Reserved TPS; required for the reserved modes.', 2000)),
      })
      .optional()
      .meta(
        about(
          'Serverless capacity model and reserved TPS, for the planner; serverless instances only. The instance-wide peak (every workload at maxReplicas, every topic at maxSendTps) must fit its maximum TPS.',
          { mode: 'shared-cumulative' },
        ),
      ),
    network: networkSchema.meta(about('Where the instance is reachable from.')),
    tags: tags.default({}).meta(
      about('Tags on the instance: keys of 1 to 128 characters, values of at most 128.', {
        env: 'dev',
        owner: 'platform',
      }),
    ),
  })
  .meta(about('A new instance to create.'));

const existingInstanceSchema = z
  .strictObject({
    existingInstanceId: z
      .string()
      .regex(/^rmq-cn-[a-z0-9]+$/, 'must look like rmq-cn-xxxxxxxx')
      .meta(about('Adopt an instance created elsewhere instead of creating one.', 'rmq-cn-fake0000001')),
    serverless: z
      .boolean()
      .default(false)
      .meta(
        about(
          `Whether the adopted instance is serverless (topic names up to ${SERVERLESS_TOPIC_NAME_MAX_LENGTH} characters).`,
          true,
        ),
      ),
  })
  .meta(about('An instance created elsewhere, adopted (enable ACL on it yourself).'));

const reservedNames = (kind: 'topic' | 'group') => {
  const whole: readonly string[] = kind === 'topic' ? RESERVED_TOPICS : RESERVED_GROUPS;
  const prefixes: readonly string[] = kind === 'topic' ? [] : RESERVED_GROUP_PREFIXES;
  const system = [...whole, ...prefixes.map((p) => `${p}*`)].join(', ');
  const suffix = kind === 'topic' ? `, not ending with ${RESERVED_TOPIC_SUFFIXES.join(', ')} (any case)` : '';
  return `not starting with ${RESERVED_NAME_PREFIXES.join(', ')} (any case)${suffix}, and not a RocketMQ system ${kind} (${system})`;
};

const topicSchema = z.strictObject({
  name: serviceName('topic').meta(
    about(
      `Topic name, unique in the file: at most ${NAME_MAX_LENGTH} characters (${SERVERLESS_TOPIC_NAME_MAX_LENGTH} on a serverless instance), ${reservedNames('topic')}.`,
      'orders',
    ),
  ),
  messageType: z
    .enum(MESSAGE_TYPES)
    .default('NORMAL')
    .meta(about('Message type; an Orderly group must read a FIFO topic.', 'FIFO')),
  maxSendTps: positiveInt
    .optional()
    .meta(about('Expected peak send rate, for the instance-wide TPS check.', 2000)),
  remark: z
    .string()
    .max(128)
    .regex(
      TOPIC_REMARK_PATTERN,
      `must match ${TOPIC_REMARK_PATTERN.source} (letters, digits, _ and Chinese characters)`,
    )
    .optional()
    .meta(about('Remark shown in the console: letters, digits, _ and Chinese characters.', 'order_events')),
});

const consumerGroupSchema = z.strictObject({
  id: serviceName('group')
    .max(NAME_MAX_LENGTH)
    .meta(about(`Group id, unique in the file, ${reservedNames('group')}.`, 'order-fulfilment')),
  deliveryOrderType: z
    .enum(DELIVERY_ORDER_TYPES)
    .default('Concurrently')
    .meta(about('Concurrently, or Orderly (reads a FIFO topic).', 'Orderly')),
  retryPolicy: z
    .enum(['DefaultRetryPolicy', 'FixedRetryPolicy'])
    .optional()
    .meta(
      about(
        `Retry policy; it must match deliveryOrderType (${Object.entries(RETRY_POLICY_FOR_ORDER)
          .map(([order, policy]) => `${order}: ${policy}`)
          .join(', ')}), which gives it when absent.`,
        'FixedRetryPolicy',
      ),
    ),
  maxRetryTimes: z
    .number()
    .int()
    .min(0)
    .max(MAX_RETRY_TIMES)
    .default(16)
    .meta(about('Deliveries retried before a message goes to the dead-letter topic.', 16)),
  deadLetterTopic: z
    .string()
    .optional()
    .meta(about('Topic failed messages go to; one of topics[].name.', 'orders-dlq')),
  maxReceiveTps: positiveInt.optional().meta(about('Maximum receive TPS of the group.', 1000)),
  remark: z.string().max(128).optional().meta(about('Remark shown in the console.', 'fulfilment workers')),
});

const quantity = z
  .string()
  .regex(
    /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/,
    'must be a Kubernetes quantity such as 500m or 256Mi',
  );

const resourcesSchema = z.strictObject({
  cpuRequest: quantity.default('250m').meta(about('CPU request of the consumer container.', '500m')),
  cpuLimit: quantity.default('1').meta(about('CPU limit of the consumer container.', '2')),
  memoryRequest: quantity.default('256Mi').meta(about('Memory request of the consumer container.', '512Mi')),
  memoryLimit: quantity.default('512Mi').meta(about('Memory limit of the consumer container.', '1Gi')),
});

const scalingPolicySchema = z.strictObject({
  type: z
    .enum(['Pods', 'Percent'])
    .meta(about('Whether value counts pods or a percentage of the current pods.', 'Percent')),
  value: positiveInt.meta(about('Pods, or percent of the current pods, changed per period.', 100)),
  periodSeconds: positiveInt.max(1800).meta(about('Length of the window the change is allowed in.', 15)),
});
const scalingRulesSchema = z.strictObject({
  stabilizationWindowSeconds: z
    .number()
    .int()
    .min(0)
    .max(MAX_STABILIZATION_WINDOW_SECONDS)
    .optional()
    .meta(about('Seconds of past recommendations the HPA considers before it changes the replicas.', 300)),
  selectPolicy: z
    .enum(['Max', 'Min', 'Disabled'])
    .optional()
    .meta(about('Which policy wins when several apply; Disabled turns this direction off.', 'Max')),
  policies: z
    .array(scalingPolicySchema)
    .min(1)
    .optional()
    .meta(about('How fast the replicas may change.', [{ type: 'Percent', value: 100, periodSeconds: 15 }])),
});
/** Kubernetes autoscaling/v2 HorizontalPodAutoscalerBehavior. */
const behaviorSchema = z.strictObject({
  scaleUp: scalingRulesSchema.optional().meta(about('Rules for scaling up.')),
  scaleDown: scalingRulesSchema.optional().meta(about('Rules for scaling down.')),
});

/**
 * A known peak to pre-scale for: a KEDA `cron` trigger (pkg/scalers/cron_scaler.go) that proposes
 * desiredReplicas from start until end; the HPA takes the larger of it and the backlog trigger's proposal.
 */
const cronRule =
  "exactly 5 fields in robfig/cron's grammar as KEDA parses it (no seconds, no @daily, no L, W or #, day of week 0-6), firing at least once";
const scheduleSchema = z
  .strictObject({
    name: k8sName.meta(
      about(
        `The trigger's name in the ScaledObject: unique within the workload, not ${RESERVED_TRIGGER_NAMES.join(' or ')}.`,
        'double-eleven',
      ),
    ),
    timezone: nonEmpty.meta(
      about(
        'IANA time-zone name the expressions are read in, spelled exactly as Node knows it.',
        'Asia/Shanghai',
      ),
    ),
    start: nonEmpty.meta(
      about(
        `Cron expression (minute hour day-of-month month day-of-week): when pre-scaling starts; ${cronRule}.`,
        '58 19 11 11 *',
      ),
    ),
    end: nonEmpty.meta(
      about(`Cron expression: when it ends; different from start; ${cronRule}.`, '11 20 11 11 *'),
    ),
    desiredReplicas: positiveInt
      .optional()
      .meta(
        about(
          'Replicas held while active, in (minReplicas, maxReplicas]; set exactly one of desiredReplicas or expectedMessagesPerSecond.',
          32,
        ),
      ),
    expectedMessagesPerSecond: z
      .number()
      .positive()
      .optional()
      .meta(
        about(
          'Expected arrival rate at the peak; the replicas are ceil(rate / messagesPerSecondPerPod), in (minReplicas, maxReplicas].',
          1600,
        ),
      ),
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
  threshold: positiveInt
    .optional()
    .meta(
      about(
        'Target backlog per replica (the HPA AverageValue); derived from messagesPerSecondPerPod and targetDrainSeconds when absent.',
        1000,
      ),
    ),
  activationThreshold: nonNegativeInt
    .default(0)
    .meta(
      about(
        'Backlog above which KEDA activates the workload from zero. Must be 0 when minReplicas is 0; with idleReplicaCount on a queue-based workload, below min(queueCount, maxReplicas) × threshold.',
        10,
      ),
    ),
  pollingIntervalSeconds: positiveInt
    .default(30)
    .meta(about('How often KEDA reads the backlog, in seconds.', 15)),
  cooldownPeriodSeconds: nonNegativeInt
    .default(300)
    .meta(about('Seconds after the last active poll before KEDA scales to zero.', 300)),
  fallback: z
    .union([
      z.literal(false),
      z.strictObject({
        failureThreshold: positiveInt
          .default(3)
          .meta(about('Failed reads of the metric before the fallback applies.', 3)),
        replicas: positiveInt
          .optional()
          .meta(
            about(
              'Replicas held while the metric cannot be read, in [max(minReplicas, 1), maxReplicas].',
              10,
            ),
          ),
      }),
    ])
    .prefault({})
    .meta(
      about('Replica count held while the metric cannot be read; false turns the fallback off.', {
        failureThreshold: 3,
        replicas: 10,
      }),
    ),
  scaleOnArrivalRate: z
    .strictObject({
      targetUtilization: z
        .number()
        .gt(0)
        .max(1)
        .default(0.8)
        .meta(about("Share of the pods' throughput the arrival rate may use, in (0, 1].", 0.75)),
      metricName: z
        .string()
        .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/)
        .default('rocketmq_messages_in_total')
        .meta(
          about('Prometheus counter of the messages arriving on the topic.', 'rocketmq_messages_in_total'),
        ),
    })
    .optional()
    .meta(about("A second trigger on the topic's arrival rate; the HPA takes the larger proposal.", {})),
  scaleOnDemand: z
    .strictObject({
      targetUtilization: z
        .number()
        .gt(0)
        .max(1)
        .default(1)
        .meta(about("Share of the pods' throughput the demand may use, in (0, 1].", 1)),
      drainSeconds: z
        .number()
        .positive()
        .optional()
        .meta(
          about(
            'Seconds the backlog is to drain in (backlog / drainSeconds joins the arrival rate), at most targetDrainSeconds. Default targetDrainSeconds.',
            30,
          ),
        ),
      metricName: z
        .string()
        .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/)
        .default('rocketmq_messages_in_total')
        .meta(
          about('Prometheus counter of the messages arriving on the topic.', 'rocketmq_messages_in_total'),
        ),
    })
    .optional()
    .meta(
      about(
        'One trigger on the demand in pods, (arrival rate + backlog / drainSeconds) / (messagesPerSecondPerPod × targetUtilization), in place of the backlog trigger; not with scaleOnArrivalRate, activationThreshold 0.',
        { drainSeconds: 30 },
      ),
    ),
  behavior: behaviorSchema
    .optional()
    .meta(about('Kubernetes autoscaling/v2 HorizontalPodAutoscalerBehavior of the workload.')),
  schedules: z
    .array(scheduleSchema)
    .optional()
    .meta(about('Scheduled pre-scaling for known peaks (KEDA cron triggers beside the backlog trigger).')),
});

const absolutePath = z.string().regex(/^\/[^\s]*$/, 'must be an absolute path');

/**
 * The container's HTTP contract (infra/sample-app): one port for liveness, readiness and metrics; false for
 * images that serve none.
 */
const probesSchema = z.union([
  z.literal(false),
  z.strictObject({
    port: z
      .number()
      .int()
      .min(1)
      .max(65_535)
      .default(CONSUMER_HTTP_DEFAULTS.port)
      .meta(about('Container port of liveness, readiness and metrics.', 8080)),
    livenessPath: absolutePath
      .default(CONSUMER_HTTP_DEFAULTS.livenessPath)
      .meta(about('HTTP path of the liveness probe.', '/livez')),
    readinessPath: absolutePath
      .default(CONSUMER_HTTP_DEFAULTS.readinessPath)
      .meta(about('HTTP path of the readiness probe.', '/readyz')),
  }),
]);

/** An env entry read from a key of a Secret in the workload's namespace (the container's valueFrom.secretKeyRef). */
const envSecretRefSchema = z.strictObject({
  secretKeyRef: z
    .strictObject({
      name: z
        .string()
        .refine(
          isSecretName,
          'must be a Secret name: a DNS-1123 subdomain ([a-z0-9-.]), at most 253 characters',
        )
        .meta(
          about(
            "Name of a Secret in the workload's namespace: a DNS-1123 subdomain ([a-z0-9-.]), at most 253 characters.",
            'orders-db',
          ),
        ),
      key: z
        .string()
        .refine(isSecretKey, `must be a Secret key: ${SECRET_KEY_RULE}`)
        .meta(about(`Key in that Secret: ${SECRET_KEY_RULE}.`, 'password')),
    })
    .meta(about("The value of a key of a Secret (the container's valueFrom.secretKeyRef).")),
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
  name: k8sName.meta(
    about(
      `Name of the Deployment and ScaledObject, unique in the file (and among producers[].name); <env>-<name> is its ACL account, at most ${ACL_USERNAME_MAX_LENGTH} characters.`,
      'order-fulfilment',
    ),
  ),
  image: z
    .string()
    // An optional registry host with a port (`host:5000/`), then the repository, tag and digest. Source:
    // distribution/reference reference.go (domainAndPort = host optionally followed by ":" port).
    .regex(
      /^(?:[^\s/:@]+:[0-9]+\/)?[^\s:@]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
      'must be an image reference',
    )
    .refine((image) => /[:@]/.test(image.replace(/^[^/]*\//, '')), 'must pin a tag or digest, not latest')
    .meta(
      about(
        'Container image of the consumer: a reference that pins a tag or a digest (not latest).',
        'registry.cn-hangzhou.aliyuncs.com/apsaramq-keda/sample-app:0.1.0',
      ),
    ),
  topic: nonEmpty.meta(about('Topic the workload consumes; one of topics[].name.', 'orders')),
  consumerGroup: nonEmpty.meta(
    about(
      'Consumer group the workload consumes as; one of consumerGroups[].id. An Orderly group needs a FIFO topic.',
      'order-fulfilment',
    ),
  ),
  loadBalancing: z
    .enum(['message', 'queue'], { error: () => `must be message or queue (${LOAD_BALANCING_HINT})` })
    .default('message')
    .meta(
      about(
        `How the consumers' SDK balances the group. ${LOAD_BALANCING_HINT}. With queue, a consumer beyond the queue count sits idle.`,
        'queue',
      ),
    ),
  queueCount: positiveInt
    .optional()
    .meta(
      about(
        'Read queues of the topic: required with loadBalancing queue (maxReplicas <= queueCount), refused with message.',
        16,
      ),
    ),
  messagesPerSecondPerPod: z
    .number()
    .positive()
    .meta(about('Messages one pod processes per second, measured.', 50)),
  targetDrainSeconds: positiveInt.meta(about('How fast a backlog must be drained, in seconds.', 60)),
  maxProcessingSeconds: positiveInt
    .default(30)
    .meta(about('Longest time one message takes; the pod shutdown grace period covers it.', 20)),
  minReplicas: nonNegativeInt.meta(about('Fewest pods; 0 lets KEDA scale to zero. At most maxReplicas.', 2)),
  maxReplicas: positiveInt.meta(about('Most pods; at most queueCount for queue-based consumers.', 40)),
  idleReplicaCount: nonNegativeInt
    .optional()
    .meta(about('Replicas while there is no backlog (KEDA idleReplicaCount); below minReplicas.', 0)),
  resources: resourcesSchema.prefault({}).meta(about('CPU and memory of the consumer container.')),
  env: envSchema
    .default({})
    .meta(
      about(
        'Extra container env: NAME: literal, or NAME: { secretKeyRef: { name, key } }. A literal under a name whose last word says it is a credential (PASSWORD, SECRET, TOKEN, ..._KEY) is refused: the stack file is committed.',
        { APP_MODE: 'batch', DB_PASSWORD: { secretKeyRef: { name: 'orders-db', key: 'password' } } },
      ),
    ),
  scaling: scalingSchema.prefault({}).meta(about('How KEDA and the HPA scale the workload.')),
  probes: probesSchema
    .prefault({})
    .meta(
      about(
        "Probes and container port from the image's HTTP contract (the sample app's when absent); false for an image that serves none.",
        false,
      ),
    ),
});

/** A producer that gets its own ACL account (Pub on its topic only) and credentials Secret. */
const producerSchema = z.strictObject({
  name: k8sName.meta(
    about('Name of the producer account and its Secret; unique, and not a workload name.', 'order-load'),
  ),
  topic: nonEmpty.meta(about('Topic it may publish to; one of topics[].name.', 'orders')),
});

const prometheusSchema = z
  .strictObject({
    auth: z
      .enum(['token', 'accessKey'])
      .meta(
        about(
          'token for V1 ARMS Prometheus instances (Authorization header), accessKey for V2 (basic auth).',
          'token',
        ),
      ),
    instanceId: nonEmpty
      .optional()
      .meta(
        about(
          'ARMS Prometheus instance to look up the HTTP API URL (and V1 token) from; set exactly one of instanceId or serverAddress.',
          'c0fakedev0000000000000000000000000',
        ),
      ),
    serverAddress: z
      .url({ protocol: /^https?$/ })
      .optional()
      .meta(
        about(
          'Explicit HTTP API URL (http or https), when the lookup is not possible; no credentials in it.',
          'http://cn-shanghai-intranet.arms.aliyuncs.com:9090/api/v1/prometheus/fake/1234/cloud-product-prometheus/cn-shanghai',
        ),
      ),
    preferInternalUrl: z
      .boolean()
      .default(true)
      .meta(about('Prefer the internal (VPC) URL of the lookup.', false)),
  })
  .superRefine((p, ctx) => {
    if ((p.instanceId === undefined) === (p.serverAddress === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one of instanceId (lookup) or serverAddress' });
    }
  });

const kubernetesMinors = Object.keys(KUBERNETES_MINORS) as [KubernetesMinor, ...KubernetesMinor[]];

const kubernetesSchema = z.strictObject({
  namespace: k8sName.meta(
    about(
      'Namespace of the workloads (it must exist); its own per cluster, and per file when either file has no ackClusterId.',
      'orders-dev',
    ),
  ),
  version: z
    .enum(kubernetesMinors, {
      error: (issue) =>
        issue.input === undefined
          ? `is required: the cluster's Kubernetes minor, quoted, such as "1.34" (one of ${kubernetesMinors.join(', ')})`
          : typeof issue.input === 'number'
            ? `(${issue.input}) must be quoted, such as "1.34": YAML reads an unquoted 1.30 as the number 1.3`
            : `(${JSON.stringify(issue.input)}) must be a Kubernetes minor this project models: ${kubernetesMinors.join(', ')}`,
    })
    .meta(
      about(
        "The cluster's Kubernetes minor, quoted: the plan models that minor's HPA tolerance test, which changed in 1.33 (infra/config/kubernetes-versions.ts).",
        '1.35',
      ),
    ),
  // 'environment' avoids app.kubernetes.io/instance, which Argo CD's label tracking overwrites (infra/README.md,
  // "Selector labels and Argo CD").
  selectorScheme: z
    .enum(SELECTOR_SCHEMES)
    .default(DEFAULT_SELECTOR_SCHEME)
    .meta(
      about(
        'Which labels select the consumer pods: environment, or instance-label to keep the selector of Deployments deployed before environment existed (a selector is immutable).',
        'instance-label',
      ),
    ),
  createSecrets: z
    .boolean()
    .default(true)
    .meta(about('Whether Pulumi writes the Secrets into the cluster (needs a kubeconfig).', true)),
  ackClusterId: z
    .string()
    .regex(/^c[a-z0-9]{16,40}$/, 'must be an ACK cluster id')
    .optional()
    .meta(
      about(
        'ACK cluster id: when set, Pulumi installs the ack-keda add-on on it; needs kedaAddonVersion.',
        'c0fakedev00000000000000000000000dd',
      ),
    ),
  kedaAddonVersion: z
    .enum(Object.keys(ACK_KEDA_RELEASES) as [AckKedaVersion, ...AckKedaVersion[]], {
      error: (issue) =>
        `(${JSON.stringify(issue.input)}) must be a pinned ack-keda version: ${Object.keys(ACK_KEDA_RELEASES).join(', ')}`,
    })
    .optional()
    .meta(
      about(
        `Version of the ack-keda add-on; required with ackClusterId. Without an ackClusterId it names the ack-keda the cluster already runs; the manifests assume ${PINNED_ACK_KEDA_VERSION} when absent.`,
        PINNED_ACK_KEDA_VERSION,
      ),
    ),
});

/** A label key (optional DNS-1123 subdomain prefix and `/`, name of 1-63 alphanumerics and `-_.`). */
// Source: kubernetes.io/docs/concepts/overview/working-with-objects/labels ("Syntax and character set").
const labelKey = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    'must be a Kubernetes label key',
  );
const labelValue = z
  .string()
  .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/, 'must be a Kubernetes label value');

const alertsSchema = z.strictObject({
  cluster: z
    .strictObject({
      enabled: z
        .boolean()
        .default(true)
        .meta(
          about(
            'Whether synth writes the cluster-side alert rules (a PrometheusRule: KEDA and HPA) into dist/<env>/.',
            true,
          ),
        ),
      ruleLabels: z
        .record(labelKey, labelValue)
        .default({})
        .meta(
          about(
            "Extra labels on the PrometheusRule, for the Prometheus Operator's ruleSelector (kube-prometheus-stack selects release: <release name>).",
            { release: 'kube-prometheus-stack' },
          ),
        ),
    })
    .prefault({})
    .meta(
      about('The cluster-side rules, evaluated by the Prometheus that scrapes KEDA and kube-state-metrics.'),
    ),
  broker: z
    .strictObject({
      enabled: z
        .boolean()
        .optional()
        .meta(
          about(
            'Whether Pulumi creates the broker-side rules (backlog, delay, dead letters, nobody consuming) as ARMS Prometheus alert rules; true needs armsPrometheusId or prometheus.instanceId. When absent: on when there is such an instance id, off otherwise. Set false, with a comment saying why, where ARMS holds no RocketMQ metrics.',
            true,
          ),
        ),
      armsPrometheusId: nonEmpty
        .optional()
        .meta(
          about(
            'ARMS Prometheus instance (cluster id) the rules go on: where the RocketMQ cloud-service metrics are evaluated; prometheus.instanceId when absent.',
            'c0fakeprod000000000000000000000000',
          ),
        ),
      dispatchRuleId: nonEmpty
        .optional()
        .meta(
          about(
            "ARMS notification policy (dispatch rule) id: the rules notify through it (DISPATCH_RULE); through ARMS' Alertmanager (ALERT_MANAGER) when absent.",
            '12345',
          ),
        ),
    })
    .prefault({})
    .meta(about('The broker-side rules, where the broker metrics live (ARMS).')),
});

export const rawSpecSchema = z.strictObject({
  // ---- issue 27: the broker flavor (infra/config/self-managed.ts holds the self-managed side)
  broker: z
    .literal('apsaramq')
    .default('apsaramq')
    .meta(
      about(
        'Which RocketMQ 5.x the environment scales on: apsaramq (ApsaraMQ for RocketMQ, created or adopted by Pulumi; the default), or self-managed (an Apache RocketMQ 5.x you run, described under selfManaged). Each has its own keys; a key of the other is refused.',
        'self-managed',
      ),
    ),
  // ---- end issue 27
  region: z
    .string()
    .regex(/^[a-z]{2}-[a-z0-9-]+$/, 'must be an Alibaba Cloud region id such as cn-hangzhou')
    .meta(
      about(
        'The region of the whole environment, read by the alicloud provider and by the loader.',
        'cn-hangzhou',
      ),
    ),
  instance: z
    .union([existingInstanceSchema, createInstanceSchema])
    .meta(about('The ApsaraMQ for RocketMQ 5.x instance: a new one to create, or an existing one to adopt.')),
  topics: z.array(topicSchema).min(1).meta(about('The topics to create on the instance.')),
  consumerGroups: z
    .array(consumerGroupSchema)
    .min(1)
    .meta(about('The consumer groups to create on the instance.')),
  workloads: z
    .array(workloadSchema)
    .min(1)
    .meta(about('The consumer Deployments, each scaled on its backlog by a KEDA ScaledObject.')),
  producers: z
    .array(producerSchema)
    .default([])
    .meta(
      about('Producers that get their own ACL account (Pub on their topic only) and credentials Secret.'),
    ),
  prometheus: prometheusSchema.meta(about('Where KEDA reads the backlog: the ARMS Prometheus HTTP API.')),
  kubernetes: kubernetesSchema.meta(about('The cluster side.')),
  alerts: alertsSchema
    .prefault({})
    .meta(about('Alert rules per workload, derived from its spec; either side can be turned off.')),
});

/** A value set with `pulumi config set --secret`: Pulumi writes `{ secure: <ciphertext> }` in the stack file. */
const secureValueSchema = z.strictObject({
  secure: z.string().min(1).meta(about('Ciphertext written by Pulumi.', 'AAABAG...')),
});

/**
 * The secret config keys (SECRET_CONFIG_KEYS): the loader accepts only a Pulumi secure value there, never plain
 * text. Keyed by the full key, so a new secret key needs its description here.
 */
export const secretConfigSchemas: Readonly<Record<(typeof SECRET_CONFIG_KEYS)[number], z.ZodType>> = {
  'apsaramq-keda:prometheusToken': secureValueSchema.meta(
    about(
      'The V1 ARMS token, when prometheus.serverAddress is set (nothing to look it up from): pulumi config set --secret prometheusToken <token>. Overrides a looked-up token. Broker self-managed: the bearer token of prometheus.auth bearer.',
    ),
  ),
  // ---- issue 27
  'apsaramq-keda:prometheusPassword': secureValueSchema.meta(
    about(
      'Broker self-managed, prometheus.auth basic: the password of prometheus.username. pulumi config set --secret prometheusPassword <password>.',
    ),
  ),
  // ---- end issue 27
  'apsaramq-keda:kubeconfig': secureValueSchema.meta(
    about(
      'The kubeconfig Pulumi writes the Secrets through: required without kubernetes.ackClusterId; beside it, for a VPC-only ACK cluster (the looked-up credential is the public-endpoint kubeconfig), the internal-endpoint kubeconfig of that cluster. pulumi config set --secret kubeconfig "$(cat <file>)".',
    ),
  ),
};

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
export type AlertsSpec = z.infer<typeof alertsSchema>;

/** One ApsaraMQ environment, validated. */
export interface ApsaraMqEnvironmentSpec extends Omit<RawSpec, 'consumerGroups'> {
  /** Stack name: dev, staging, prod, ... */
  readonly name: string;
  readonly consumerGroups: readonly ConsumerGroupSpec[];
}

/** One environment, validated: the single source of truth for both programs; `broker` tells the flavor (issue 27). */
export type EnvironmentSpec = ApsaraMqEnvironmentSpec | SelfManagedEnvironmentSpec;

/** The spec of an ApsaraMQ environment; throws for a self-managed one (for code that only the ApsaraMQ flavor reaches). */
export function apsaraMqSpec(spec: EnvironmentSpec): ApsaraMqEnvironmentSpec {
  if (spec.broker !== 'apsaramq')
    throw new TypeError(`environment ${spec.name} is broker ${spec.broker}, not apsaramq`);
  return spec;
}

export function isExistingInstance(instance: InstanceSpec): instance is ExistingInstanceSpec {
  return 'existingInstanceId' in instance;
}

export function isServerless(instance: InstanceSpec): boolean {
  return isExistingInstance(instance) ? instance.serverless : instance.subSeriesCode === 'serverless';
}
