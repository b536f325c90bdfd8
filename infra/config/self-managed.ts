/**
 * The self-managed flavor of a stack file (issue 27): `apsaramq-keda:broker: self-managed` declares an Apache
 * RocketMQ 5.x that the team runs itself. It shares topics, consumer groups, workloads, producers and kubernetes
 * with the ApsaraMQ flavor; it has no instance, no region, no ARMS and no RAM user, and reads an in-cluster
 * Prometheus. Each flavor's keys are listed here, so a key of one flavor used in the other is named with its rule.
 */
import * as z from 'zod';
import { isSecretName } from '../../constructs/shared';
import { formatPath, type Violation } from './errors';
import { REGION_KEY } from './config-keys';
import { about, type ConsumerGroupSpec, rawSpecSchema } from './schema';

/** The two flavors, as `apsaramq-keda:broker` names them; apsaramq when the key is absent. */
export const BROKER_FLAVORS = ['apsaramq', 'self-managed'] as const;
export type BrokerFlavor = (typeof BROKER_FLAVORS)[number];
/** The flavor of a file that does not say. */
export const DEFAULT_BROKER_FLAVOR: BrokerFlavor = 'apsaramq';

// Source: apache/rocketmq 5.3.3 broker BrokerMetricsConstant.LABEL_CLUSTER_NAME ("cluster"), the label every
// broker metric carries with BrokerConfig.brokerClusterName (measured: tests/e2e/self-managed-metrics.test.ts).
/** The label of the broker cluster on the 5.x exporter's metrics. */
export const DEFAULT_CLUSTER_LABEL = 'cluster';
// Source: apache/rocketmq 5.3.3 common BrokerConfig.brokerClusterName default "DefaultCluster".
/** The broker cluster name a 5.x broker has unless brokerClusterName is set. */
export const DEFAULT_BROKER_CLUSTER = 'DefaultCluster';
/** Secret (created by the broker's owner) with the ACL 2.0 Super user the provisioning Job runs mqadmin as. */
export const DEFAULT_ADMIN_SECRET_NAME = 'rocketmq-admin';
// Source: hub.docker.com/r/apache/rocketmq tags (5.3.3 = the broker version the tests run, ROCKETMQ_VERSION).
/** Image of the provisioning Job: mqadmin's classes under $ROCKETMQ_HOME/lib. */
export const DEFAULT_TOOLS_IMAGE = 'apache/rocketmq:5.3.3';
// Source: apache/rocketmq 5.3.3 auth authorization/enums Action (Pub, Sub, Create, Update, Delete, Get, List,
// All): a consumer needs Sub on its topic and its group, a producer Pub on its topic (checked on the real broker:
// tests/e2e/broker-provisioning.test.ts).
/** What a workload's ACL 2.0 user is granted, on its topic and its group. */
export const SELF_MANAGED_CONSUMER_ACTIONS = ['Sub'] as const;
/** What a producer's ACL 2.0 user is granted, on its topic. */
export const SELF_MANAGED_PRODUCER_ACTIONS = ['Pub'] as const;

/** How KEDA authenticates to a self-managed Prometheus. */
export const IN_CLUSTER_PROMETHEUS_AUTHS = ['none', 'bearer', 'basic'] as const;

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.-]+:[0-9]{1,5}$/, 'must be host:port, such as rocketmq-proxy.rocketmq.svc:8081');
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name');

const selfManagedBrokerSchema = z
  .strictObject({
    proxyEndpoint: hostPort.meta(
      about(
        'gRPC endpoint of the RocketMQ 5.x proxy the consumers connect to (host:port, reachable from their pods).',
        'rocketmq-proxy.rocketmq.svc:8081',
      ),
    ),
    nameServer: hostPort.meta(
      about(
        "Name server the provisioning Job's mqadmin talks to (host:port, reachable from the Job's pod).",
        'rocketmq-namesrv.rocketmq.svc:9876',
      ),
    ),
    brokerCluster: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,127}$/, 'must be a broker cluster name: letters, digits, "_" and "-"')
      .default(DEFAULT_BROKER_CLUSTER)
      .meta(
        about(
          "The brokers' brokerClusterName: where topics, groups and users are created, and the value of clusterLabel the queries select.",
          'DefaultCluster',
        ),
      ),
    clusterLabel: labelName
      .default(DEFAULT_CLUSTER_LABEL)
      .meta(
        about(
          'The label that carries brokerCluster on the metrics as Prometheus stores them: cluster on the 5.x exporter; another name when a relabeling renames it.',
          'rocketmq_cluster',
        ),
      ),
    adminSecretName: z
      .string()
      .refine(isSecretName, 'must be a Secret name (a DNS-1123 subdomain)')
      .default(DEFAULT_ADMIN_SECRET_NAME)
      .meta(
        about(
          'Secret in kubernetes.namespace, created by you, with keys accessKey and secretKey: an ACL 2.0 Super user the provisioning Job runs mqadmin as.',
          'rocketmq-admin',
        ),
      ),
    toolsImage: z
      .string()
      .regex(/^[^\s]+[:@][^\s/]+$/, 'must be an image reference that pins a tag or digest')
      .default(DEFAULT_TOOLS_IMAGE)
      .meta(
        about(
          'Image of the provisioning Job: Apache RocketMQ 5.x with its jars under $ROCKETMQ_HOME/lib (the admin tool mqadmin runs from them).',
          'apache/rocketmq:5.3.3',
        ),
      ),
  })
  .meta(about('The self-managed Apache RocketMQ 5.x (broker self-managed only).'));

const inClusterPrometheusSchema = z
  .strictObject({
    serverAddress: z
      .url({ protocol: /^https?$/ })
      .meta(
        about(
          'Base URL of the Prometheus HTTP API that scrapes the broker (KEDA appends /api/v1/query); no credentials in it.',
          'http://prometheus-operated.monitoring.svc:9090',
        ),
      ),
    auth: z
      .enum(IN_CLUSTER_PROMETHEUS_AUTHS, {
        error: (issue) =>
          issue.input === 'token' || issue.input === 'accessKey'
            ? `(${JSON.stringify(issue.input)}) is an ARMS auth of broker apsaramq; a self-managed Prometheus takes none, bearer (the secret prometheusToken) or basic (username and the secret prometheusPassword)`
            : `(${JSON.stringify(issue.input)}) must be none, bearer or basic`,
      })
      .default('none')
      .meta(
        about(
          'How KEDA authenticates: none, bearer (pulumi config set --secret prometheusToken) or basic (username here, pulumi config set --secret prometheusPassword).',
          'bearer',
        ),
      ),
    username: z
      .string()
      .min(1)
      .optional()
      .meta(about('Basic-auth username; required with auth basic, refused otherwise.', 'keda')),
  })
  .meta(about('Where KEDA reads the backlog (broker self-managed): the in-cluster Prometheus.'));

/** The config of a self-managed environment: the shared sections, selfManaged, and the in-cluster Prometheus. */
export const selfManagedSpecSchema = rawSpecSchema
  .omit({ broker: true, region: true, instance: true, prometheus: true })
  .extend({
    broker: z.literal('self-managed'),
    selfManaged: selfManagedBrokerSchema,
    prometheus: inClusterPrometheusSchema,
  });

/** For the JSON Schema and the reference: the sections only a self-managed file has. */
export const selfManagedSections = {
  selfManaged: selfManagedBrokerSchema,
  prometheus: inClusterPrometheusSchema,
} as const;

export type SelfManagedRawSpec = z.infer<typeof selfManagedSpecSchema>;
export type SelfManagedBrokerSpec = z.infer<typeof selfManagedBrokerSchema>;
export type InClusterPrometheusSpec = z.infer<typeof inClusterPrometheusSchema>;

/** One self-managed environment, validated. */
export interface SelfManagedEnvironmentSpec extends Omit<SelfManagedRawSpec, 'consumerGroups'> {
  /** Stack name. */
  readonly name: string;
  readonly consumerGroups: readonly ConsumerGroupSpec[];
}

/** A key that belongs to one flavor, with what it is there (for the message when the other flavor uses it). */
interface FlavorKey {
  /** Path in the raw spec; `[]` stands for every element of a list. */
  readonly path: readonly string[];
  /** What the key is, in the flavor that has it. */
  readonly what: string;
}

/** Keys only an ApsaraMQ file may hold: what Pulumi creates or looks up on Alibaba Cloud. */
export const APSARAMQ_ONLY_KEYS: readonly FlavorKey[] = [
  { path: ['region'], what: 'the Alibaba Cloud region' },
  { path: ['instance'], what: 'the ApsaraMQ instance Pulumi creates or adopts' },
  { path: ['prometheus', 'instanceId'], what: 'the ARMS Prometheus instance looked up' },
  { path: ['prometheus', 'preferInternalUrl'], what: 'a choice of the ARMS lookup' },
  { path: ['topics', '[]', 'maxSendTps'], what: "the serverless instance's TPS check" },
  { path: ['topics', '[]', 'remark'], what: 'a remark in the ApsaraMQ console' },
  { path: ['consumerGroups', '[]', 'retryPolicy'], what: 'the ApsaraMQ group retry policy' },
  { path: ['consumerGroups', '[]', 'deadLetterTopic'], what: 'an ApsaraMQ dead-letter topic' },
  { path: ['consumerGroups', '[]', 'maxReceiveTps'], what: "the ApsaraMQ group's TPS limit" },
  { path: ['consumerGroups', '[]', 'remark'], what: 'a remark in the ApsaraMQ console' },
  { path: ['kubernetes', 'ackClusterId'], what: 'the ACK cluster the ack-keda add-on is installed on' },
  {
    path: ['alerts', 'broker', 'armsPrometheusId'],
    what: 'the ARMS Prometheus instance the broker-side rules go on',
  },
  {
    path: ['alerts', 'broker', 'dispatchRuleId'],
    what: 'the ARMS notification policy of the broker-side rules',
  },
];

/** Keys only a self-managed file may hold. */
export const SELF_MANAGED_ONLY_KEYS: readonly FlavorKey[] = [
  { path: ['selfManaged'], what: 'the self-managed broker' },
  { path: ['prometheus', 'username'], what: 'the basic-auth user of an in-cluster Prometheus' },
];

/** What the self-managed flavor does instead of an ApsaraMQ key, for the message. */
const SELF_MANAGED_INSTEAD: Readonly<Record<string, string>> = {
  region: 'the broker is yours, in no region of ours',
  instance: 'the broker is yours: describe it under selfManaged (proxyEndpoint, nameServer, brokerCluster)',
  'prometheus.instanceId': 'set prometheus.serverAddress to the in-cluster Prometheus',
  'prometheus.preferInternalUrl': 'set prometheus.serverAddress to the in-cluster Prometheus',
  'consumerGroups[].deadLetterTopic': 'the broker moves exhausted messages to %DLQ%<group> itself',
  'consumerGroups[].retryPolicy': 'the broker retries with its own policy; maxRetryTimes is kept',
  'kubernetes.ackClusterId': 'KEDA is yours to install; Pulumi creates no Alibaba Cloud resource',
  'alerts.broker.armsPrometheusId':
    "the broker-side rules go into dist/<env>/'s PrometheusRule, beside KEDA's, for the in-cluster Prometheus",
  'alerts.broker.dispatchRuleId': 'the in-cluster Prometheus notifies through its Alertmanager',
};

/** `topics[].remark` style: the path with `[]` for list elements. */
const pattern = (path: readonly string[]): string => formatPath(path).replace(/\.\[\]/g, '[]');

/** Where `key` is set in `raw`: concrete paths (list indexes filled in). */
function occurrences(raw: unknown, path: readonly string[], at: PropertyKey[] = []): PropertyKey[][] {
  if (path.length === 0) return [at];
  if (typeof raw !== 'object' || raw === null) return [];
  const [head, ...rest] = path;
  if (head === '[]') {
    return Array.isArray(raw) ? raw.flatMap((item, i) => occurrences(item, rest, [...at, i])) : [];
  }
  if (Array.isArray(raw) || !Object.prototype.hasOwnProperty.call(raw, head)) return [];
  return occurrences((raw as Record<string, unknown>)[head], rest, [...at, head]);
}

/** A copy of `raw` without the value at `path`. */
function without(raw: unknown, path: readonly PropertyKey[]): unknown {
  if (path.length === 0 || typeof raw !== 'object' || raw === null) return raw;
  const [head, ...rest] = path;
  if (Array.isArray(raw)) {
    return (raw as unknown[]).map((item, i) => (i === head ? without(item, rest) : item));
  }
  const copy = { ...(raw as Record<string, unknown>) };
  if (rest.length === 0) delete copy[String(head)];
  else copy[String(head)] = without(copy[String(head)], rest);
  return copy;
}

/**
 * Every key of the other flavor in a raw spec (sections keyed like the spec: `region` for alicloud:region), each a
 * violation naming the key, what it is, and the rule; and the raw spec without them, so the flavor's schema
 * reports only its own problems.
 */
export function foreignKeyViolations(
  flavor: BrokerFlavor,
  raw: Readonly<Record<string, unknown>>,
): { violations: Violation[]; rest: Record<string, unknown> } {
  const foreign = flavor === 'self-managed' ? APSARAMQ_ONLY_KEYS : SELF_MANAGED_ONLY_KEYS;
  const violations: Violation[] = [];
  let rest: unknown = raw;
  for (const key of foreign) {
    for (const at of occurrences(raw, key.path)) {
      const name = pattern(key.path);
      const message =
        flavor === 'self-managed'
          ? `is ${key.what}, a key of broker apsaramq; this file is broker self-managed, whose rules have no ${name === 'region' ? 'region' : 'such key'}: remove it (${SELF_MANAGED_INSTEAD[name] ?? 'the self-managed broker has no such setting'})`
          : `is ${key.what}, a key of broker self-managed; this file is broker apsaramq (the default): remove it, or set apsaramq-keda:broker: self-managed`;
      violations.push({ path: at[0] === 'region' ? [REGION_KEY, ...at.slice(1)] : at, message });
      rest = without(rest, at);
    }
  }
  return { violations, rest: rest as Record<string, unknown> };
}

/** Rules of the self-managed flavor that span fields. */
export function selfManagedViolations(spec: SelfManagedRawSpec): Violation[] {
  const out: Violation[] = [];
  const { auth, username } = spec.prometheus;
  if (auth === 'basic' && username === undefined) {
    out.push({ path: ['prometheus', 'username'], message: 'is required with auth basic' });
  }
  if (auth !== 'basic' && username !== undefined) {
    out.push({ path: ['prometheus', 'username'], message: `applies to auth basic only, not ${auth}` });
  }
  spec.workloads.forEach((w, i) => {
    // The provisioning Job's chart is written as dist/<env>/rocketmq-provisioning.yaml (infra/synth/app.ts).
    if (w.name === 'rocketmq-provisioning') {
      out.push({
        path: ['workloads', i, 'name'],
        message: '("rocketmq-provisioning") is the name of the provisioning Job of a self-managed broker',
      });
    }
  });
  if (/\/api\/v1\/query\/?$/.test(spec.prometheus.serverAddress)) {
    out.push({
      path: ['prometheus', 'serverAddress'],
      message: 'must be the base URL: KEDA appends /api/v1/query itself',
    });
  }
  return out;
}

/** The flavor a config names (`apsaramq-keda:broker`), or undefined with a message when it is no flavor. */
export function brokerFlavor(value: unknown): { flavor: BrokerFlavor } | { error: string } {
  if (value === undefined) return { flavor: DEFAULT_BROKER_FLAVOR };
  if (typeof value === 'string' && (BROKER_FLAVORS as readonly string[]).includes(value)) {
    return { flavor: value as BrokerFlavor };
  }
  return { error: `(${JSON.stringify(value)}) must be ${BROKER_FLAVORS.join(' or ')}` };
}
