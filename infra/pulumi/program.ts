/**
 * The Pulumi program of one environment, as a function: infra/index.ts runs it and exports its outputs; the
 * mock tests run it once per committed stack. Everything is validated before the first resource exists.
 */
import * as pulumi from '@pulumi/pulumi';
import {
  ackClusterKubeconfig,
  BrokerAlertRules,
  ClusterSecrets,
  ConsumerAccess,
  KedaAddon,
  MetricsReader,
  ProducerAccess,
  PrometheusAccess,
  prometheusAuthData,
  type PrometheusCredentials,
  OPEN_ALLOWLIST_ENTRY,
  RocketMqMessaging,
  type RocketMqMessagingArgs,
  SelfManagedAccounts,
} from '../../constructs/cloud';
import {
  PROMETHEUS_AUTH_SECRET_NAME,
  SELF_MANAGED_PROMETHEUS_AUTH_SECRET_NAME,
  rocketMqAccountName,
  rocketMqCredentialsSecretName,
} from '../../constructs/shared';
import { committedCollisions, handedOffInstanceId } from '../config/cross-environment';
import {
  decodePulumiConfig,
  defaultStacksDir,
  displayPath,
  type ApsaraMqEnvironmentSpec,
  type EnvironmentSpec,
  EnvironmentSpecError,
  isExistingInstance,
  parseEnvironment,
  PROJECT,
  SECRET_CONFIG_KEYS,
  type SelfManagedEnvironmentSpec,
  stackFilePath,
} from '../config/environment';
import { type Handoff, parseHandoff } from '../config/handoff';
import { brokerAlertsInstance } from '../config/alert-targets';
import { workloadAlertsInput } from '../config/workload-alerts';
import { deadLetterWarnings } from '../config/warnings';

/** The secret config key holding a V1 ARMS Prometheus token, when it is not looked up. */
export const PROMETHEUS_TOKEN_CONFIG_KEY = `${PROJECT}:prometheusToken`;
/**
 * The secret config key holding the kubeconfig the Secrets are written through: required for a cluster not
 * named by kubernetes.ackClusterId, and for a VPC-only ACK cluster (whose looked-up credential is public-endpoint).
 */
export const KUBECONFIG_CONFIG_KEY = `${PROJECT}:kubeconfig`;

/** What `pulumi stack output` shows: one plain hand-off, everything else a Pulumi secret. */
export interface StackOutputs {
  /** The non-secret hand-off to the cdk8s side (infra/handoff.ts), as `npm run outputs` writes it. */
  readonly handoff: pulumi.Output<Handoff>;
  /** KEDA's credentials for ARMS Prometheus, keyed like the Secret (PROMETHEUS_AUTH_KEYS). Secret. */
  readonly prometheusAuth: pulumi.Output<Record<string, string>>;
  /** Each workload's RocketMQ ACL account, by workload name. Secret. */
  readonly rocketMqCredentials: pulumi.Output<Record<string, { username: string; password: string }>>;
}

/** A stack whose config is invalid; lists every violation, each with its path. */
export class StackConfigError extends pulumi.RunError {
  constructor(
    readonly environment: string,
    readonly violations: readonly string[],
  ) {
    super(new EnvironmentSpecError(environment, violations).message);
    this.name = 'StackConfigError';
  }
}

/** A stack that would manage what another committed stack file manages; one line per collision. */
export class StackCollisionError extends pulumi.RunError {
  constructor(
    readonly environment: string,
    readonly collisions: readonly string[],
  ) {
    super(collisions.join('\n'));
    this.name = 'StackCollisionError';
  }
}

/** A validated stack: the spec, and whether the secret token is configured (its value never enters the spec). */
export interface StackConfig {
  readonly spec: EnvironmentSpec;
  readonly hasPrometheusToken: boolean;
  readonly hasKubeconfig: boolean;
}

/** The secret config key holding the basic-auth password of a self-managed Prometheus (issue 27). */
export const PROMETHEUS_PASSWORD_CONFIG_KEY = `${PROJECT}:prometheusPassword`;

/**
 * Validates a stack's runtime config (`pulumi.runtime.allConfig()`: every value a string). The secret keys
 * are taken out first, so no secret value reaches parseEnvironment, the spec, or an error message. Throws
 * StackConfigError listing every violation.
 */
export function readStackConfig(
  environment: string,
  allConfig: Readonly<Record<string, string>>,
): StackConfig {
  const secretKeys: readonly string[] = SECRET_CONFIG_KEYS;
  const plain = Object.fromEntries(Object.entries(allConfig).filter(([key]) => !secretKeys.includes(key)));
  const hasPrometheusToken = (allConfig[PROMETHEUS_TOKEN_CONFIG_KEY] ?? '') !== '';
  const hasKubeconfig = (allConfig[KUBECONFIG_CONFIG_KEY] ?? '') !== '';

  const violations: string[] = [];
  let decoded: Record<string, unknown> = {};
  try {
    decoded = decodePulumiConfig(plain);
  } catch (error) {
    violations.push(`config holds a value that is not valid JSON: ${(error as Error).message}`);
  }
  const hasPrometheusPassword = (allConfig[PROMETHEUS_PASSWORD_CONFIG_KEY] ?? '') !== '';
  violations.push(
    ...(decoded[`${PROJECT}:broker`] === 'self-managed'
      ? selfManagedSecretViolations(
          decoded[`${PROJECT}:prometheus`],
          hasPrometheusToken,
          hasPrometheusPassword,
        )
      : [
          ...tokenViolations(decoded[`${PROJECT}:prometheus`], hasPrometheusToken),
          ...(hasPrometheusPassword
            ? [
                `${PROMETHEUS_PASSWORD_CONFIG_KEY}: is a key of broker self-managed (prometheus.auth basic); remove it`,
              ]
            : []),
        ]),
  );
  violations.push(...kubeconfigViolations(decoded[`${PROJECT}:kubernetes`], hasKubeconfig));
  let spec: EnvironmentSpec | undefined;
  try {
    spec = parseEnvironment(environment, decoded);
  } catch (error) {
    if (!(error instanceof EnvironmentSpecError)) throw error;
    violations.unshift(...error.violations);
  }
  if (violations.length > 0 || spec === undefined) throw new StackConfigError(environment, violations);
  return { spec, hasPrometheusToken, hasKubeconfig };
}

/**
 * The Secrets go to one named cluster, never the ambient KUBECONFIG: the configured kubeconfig when set, else the
 * credential of the ACK cluster named by kubernetes.ackClusterId (the cluster the add-on goes to).
 */
function kubeconfigViolations(kubernetes: unknown, hasKubeconfig: boolean): string[] {
  if (typeof kubernetes !== 'object' || kubernetes === null) return [];
  const { createSecrets, ackClusterId } = kubernetes as { createSecrets?: unknown; ackClusterId?: unknown };
  if (createSecrets !== false && ackClusterId === undefined && !hasKubeconfig) {
    return [
      `${KUBECONFIG_CONFIG_KEY}: is required when kubernetes.createSecrets is true and kubernetes.ackClusterId is ` +
        'not set (pulumi config set --secret kubeconfig "$(cat <kubeconfig file>)")',
    ];
  }
  if (createSecrets === false && hasKubeconfig) {
    return [`${KUBECONFIG_CONFIG_KEY}: applies when kubernetes.createSecrets is true; remove it`];
  }
  return [];
}

/**
 * A self-managed Prometheus's secrets (issue 27): bearer needs prometheusToken, basic prometheusPassword, and a
 * secret that the chosen auth does not read is refused, so a credential never sits unused in the stack.
 */
function selfManagedSecretViolations(prometheus: unknown, hasToken: boolean, hasPassword: boolean): string[] {
  if (typeof prometheus !== 'object' || prometheus === null) return [];
  const declared = (prometheus as { auth?: unknown }).auth;
  const auth = typeof declared === 'string' ? declared : 'none';
  const out: string[] = [];
  if (auth === 'bearer' && !hasToken) {
    out.push(
      `${PROMETHEUS_TOKEN_CONFIG_KEY}: is required with prometheus.auth bearer (pulumi config set --secret prometheusToken <token>)`,
    );
  }
  if (auth !== 'bearer' && hasToken) {
    out.push(
      `${PROMETHEUS_TOKEN_CONFIG_KEY}: applies to prometheus.auth bearer only, not ${auth}; remove it`,
    );
  }
  if (auth === 'basic' && !hasPassword) {
    out.push(
      `${PROMETHEUS_PASSWORD_CONFIG_KEY}: is required with prometheus.auth basic (pulumi config set --secret prometheusPassword <password>)`,
    );
  }
  if (auth !== 'basic' && hasPassword) {
    out.push(
      `${PROMETHEUS_PASSWORD_CONFIG_KEY}: applies to prometheus.auth basic only, not ${auth}; remove it`,
    );
  }
  return out;
}

/**
 * The program of a self-managed environment (issue 27): no Alibaba Cloud resource at all. One generated password
 * per workload and producer, written with the Prometheus credentials (bearer or basic) into the cluster's Secrets
 * as for ApsaraMQ; the ACL users, their grants, the topics and groups are created on the broker by the
 * provisioning Job in dist/<env>/, which reads the same Secrets.
 */
export function selfManagedStack(spec: SelfManagedEnvironmentSpec): StackOutputs {
  const config = new pulumi.Config(PROJECT);
  const accounts = new SelfManagedAccounts('accounts', {
    accounts: [...spec.workloads, ...spec.producers].map((a) => ({
      name: a.name,
      username: rocketMqAccountName(spec.name, a.name),
    })),
  });
  const auth = spec.prometheus.auth;
  const prometheusCredentials: PrometheusCredentials | undefined =
    auth === 'bearer'
      ? { auth, token: config.requireSecret('prometheusToken') }
      : auth === 'basic'
        ? {
            auth,
            // selfManagedViolations: basic has a username.
            username: spec.prometheus.username as string,
            password: config.requireSecret('prometheusPassword'),
          }
        : undefined;
  const secretName =
    prometheusCredentials === undefined ? undefined : SELF_MANAGED_PROMETHEUS_AUTH_SECRET_NAME;
  if (spec.kubernetes.createSecrets) {
    new ClusterSecrets('cluster-secrets', {
      // readStackConfig: a self-managed stack has no ackClusterId, so createSecrets needs the kubeconfig.
      kubeconfig: config.requireSecret('kubeconfig'),
      namespace: spec.kubernetes.namespace,
      ...(prometheusCredentials !== undefined && {
        prometheus: prometheusCredentials,
        prometheusSecretName: SELF_MANAGED_PROMETHEUS_AUTH_SECRET_NAME,
      }),
      workloads: [...spec.workloads, ...spec.producers].map((a) => ({
        name: a.name,
        ...accounts.credentials[a.name],
      })),
    });
  }
  const handoff = parseHandoff(`the handoff output of stack ${spec.name}`, {
    environment: spec.name,
    broker: 'self-managed',
    rocketMqEndpoint: spec.selfManaged.proxyEndpoint,
    brokerCluster: { label: spec.selfManaged.clusterLabel, name: spec.selfManaged.brokerCluster },
    prometheus: {
      serverAddress: spec.prometheus.serverAddress,
      auth,
      ...(secretName !== undefined && { secretName }),
    },
    namespace: spec.kubernetes.namespace,
    workloads: spec.workloads.map((w) => ({
      name: w.name,
      topic: w.topic,
      consumerGroup: w.consumerGroup,
      credentialsSecretName: rocketMqCredentialsSecretName(w.name),
    })),
  });
  const workloadCredentials = Object.fromEntries(
    spec.workloads.map((w) => [w.name, accounts.credentials[w.name]]),
  );
  return {
    handoff: pulumi.output(handoff),
    prometheusAuth: pulumi.secret(
      pulumi.output(prometheusCredentials === undefined ? {} : prometheusAuthData(prometheusCredentials)),
    ),
    rocketMqCredentials: pulumi.secret(workloadCredentials),
  };
}

/** Where the V1 token comes from must be unambiguous: the lookup, or the secret config key. */
function tokenViolations(prometheus: unknown, hasToken: boolean): string[] {
  if (typeof prometheus !== 'object' || prometheus === null) return [];
  const { auth, serverAddress } = prometheus as { auth?: unknown; serverAddress?: unknown };
  if (auth === 'token' && serverAddress !== undefined && !hasToken) {
    return [
      `${PROMETHEUS_TOKEN_CONFIG_KEY}: is required when prometheus.serverAddress is set with auth token ` +
        '(pulumi config set --secret prometheusToken <token>)',
    ];
  }
  if (auth === 'accessKey' && hasToken) {
    return [`${PROMETHEUS_TOKEN_CONFIG_KEY}: applies to prometheus.auth token only; remove it`];
  }
  return [];
}

/**
 * Compares the stack (its runtime config, which is what gets deployed) with every other stack file in the stacks
 * directory (infra/config/cross-environment.ts) and throws StackCollisionError when they share a namespace, an
 * instance, a topic or a group. An invalid other file is left out with a warning.
 */
export function assertNoCollisions(spec: EnvironmentSpec, stacksDir = defaultStacksDir()): void {
  const handoffInstanceId = handedOffInstanceId(spec.name, stacksDir);
  const own = {
    file: displayPath(stackFilePath(spec.name, stacksDir)),
    spec,
    ...(handoffInstanceId !== undefined && { handoffInstanceId }),
  };
  const check = committedCollisions([spec.name], [own], stacksDir);
  for (const note of check.notes) void pulumi.log.warn(note);
  if (check.collisions.length > 0) throw new StackCollisionError(spec.name, check.collisions);
}

/** The RocketMqMessaging arguments of a spec. */
export function messagingArgs(spec: ApsaraMqEnvironmentSpec): RocketMqMessagingArgs {
  const topics = spec.topics.map((t) => ({
    name: t.name,
    messageType: t.messageType,
    maxSendTps: t.maxSendTps,
    remark: t.remark,
  }));
  const consumerGroups = spec.consumerGroups.map((g) => ({
    id: g.id,
    deliveryOrderType: g.deliveryOrderType,
    retryPolicy: g.retryPolicy,
    maxRetryTimes: g.maxRetryTimes,
    deadLetterTopic: g.deadLetterTopic,
    maxReceiveTps: g.maxReceiveTps,
    remark: g.remark,
  }));
  const instance = spec.instance;
  if (isExistingInstance(instance)) {
    return { existingInstanceId: instance.existingInstanceId, topics, consumerGroups };
  }
  const internet = instance.network.internet;
  return {
    instance: {
      instanceName: instance.name,
      seriesCode: instance.seriesCode,
      subSeriesCode: instance.subSeriesCode,
      msgProcessSpec: instance.msgProcessSpec,
      paymentType: instance.paymentType,
      period: instance.period,
      periodUnit: instance.periodUnit,
      autoRenew: instance.autoRenew,
      autoRenewPeriod: instance.autoRenewPeriod,
      autoRenewPeriodUnit: instance.autoRenewPeriodUnit,
      messageRetentionHours: instance.messageRetentionHours,
      sendReceiveRatio: instance.sendReceiveRatio,
      autoScaling: instance.autoScaling,
      vpcId: instance.network.vpcId,
      vSwitchIds: instance.network.vSwitchIds,
      securityGroupId: instance.network.securityGroupId,
      internetBandwidthMbps: internet.enabled ? internet.bandwidthMbps : undefined,
      ipAllowlist: instance.network.ipAllowlist,
      tags: instance.tags,
    },
    topics,
    consumerGroups,
  };
}

/** RAM user name of an environment's metrics reader (unique in the account). */
export function metricsReaderUserName(environment: string): string {
  return `${PROJECT}-${environment}-metrics-reader`;
}

/**
 * The options every component of a stack gets: `protect` for a stack that creates a subscription instance (a
 * protected component protects its children: @pulumi/pulumi resource.js, opts.protect from parent.__protect),
 * none for the others.
 */
export function stackLifecycle(spec: EnvironmentSpec): pulumi.ComponentResourceOptions | undefined {
  const subscription =
    spec.broker === 'apsaramq' &&
    !isExistingInstance(spec.instance) &&
    spec.instance.paymentType === 'Subscription';
  return subscription ? { protect: true } : undefined;
}

/** Declares the resources of the current stack from its config and returns its outputs. */
export function apsaraMqKedaStack(): StackOutputs {
  const stack = readStackConfig(pulumi.getStack(), pulumi.runtime.allConfig());
  assertNoCollisions(stack.spec);
  if (stack.spec.broker === 'self-managed') return selfManagedStack(stack.spec);
  const { hasPrometheusToken, hasKubeconfig } = stack;
  const spec = stack.spec;
  for (const warning of deadLetterWarnings(spec)) void pulumi.log.warn(warning);
  const config = new pulumi.Config(PROJECT);
  const configuredToken = hasPrometheusToken ? config.requireSecret('prometheusToken') : undefined;

  // A stack that buys a subscription instance is protected as a whole: every component passes protect to its
  // children, and the engine refuses to delete a protected resource, so `pulumi destroy` and any replacement
  // stop before a single resource is deleted (protecting the instance alone let a destroy delete every topic,
  // group, account, grant and Secret first). Elsewhere undefined: the children's own options decide.
  const lifecycle = stackLifecycle(spec);
  const messaging = new RocketMqMessaging('messaging', messagingArgs(spec), lifecycle);
  const allowlist = isExistingInstance(spec.instance) ? undefined : spec.instance.network.ipAllowlist;
  if (allowlist !== undefined) {
    // A new instance starts with 0.0.0.0/0 and the provider's first update only adds the configured entries
    // (resource_alicloud_rocketmq_instance.go resourceAliCloudRocketmqInstanceUpdate, ip_whitelists); the
    // next update removes the default.
    messaging.ipAllowlist.apply((readBack) => {
      if ((readBack ?? []).includes(OPEN_ALLOWLIST_ENTRY) && !allowlist.includes(OPEN_ALLOWLIST_ENTRY)) {
        void pulumi.log.warn(
          `RocketMQ instance allowlist still holds the service default ${OPEN_ALLOWLIST_ENTRY} beside ` +
            `instance.network.ipAllowlist; run pulumi up again to remove it`,
        );
      }
    });
  }

  const consumers = new ConsumerAccess(
    'consumers',
    {
      instanceId: messaging.instanceId,
      workloads: spec.workloads.map((w) => ({
        name: w.name,
        username: rocketMqAccountName(spec.name, w.name),
        topicName: messaging.topics[w.topic].topicName,
        consumerGroupId: messaging.consumerGroups[w.consumerGroup].consumerGroupId,
      })),
    },
    lifecycle,
  );

  // Created only when the stack declares producers, so stacks without them keep their resources unchanged.
  const producers =
    spec.producers.length === 0
      ? undefined
      : new ProducerAccess(
          'producers',
          {
            instanceId: messaging.instanceId,
            producers: spec.producers.map((p) => ({
              name: p.name,
              username: rocketMqAccountName(spec.name, p.name),
              topicName: messaging.topics[p.topic].topicName,
            })),
          },
          lifecycle,
        );

  const producerCredentials = producers?.credentials ?? {};

  const prometheus = new PrometheusAccess(
    'prometheus',
    {
      auth: spec.prometheus.auth,
      instanceId: spec.prometheus.instanceId,
      serverAddress: spec.prometheus.serverAddress,
      preferInternalUrl: spec.prometheus.preferInternalUrl,
      token: configuredToken,
    },
    lifecycle,
  );

  let prometheusCredentials: PrometheusCredentials;
  if (spec.prometheus.auth === 'accessKey') {
    const reader = new MetricsReader(
      'metrics-reader',
      {
        userName: metricsReaderUserName(spec.name),
        tags: isExistingInstance(spec.instance) ? undefined : spec.instance.tags,
      },
      lifecycle,
    );
    prometheusCredentials = {
      auth: 'accessKey',
      accessKeyId: reader.accessKeyId,
      accessKeySecret: reader.accessKeySecret,
    };
  } else {
    // PrometheusAccess always yields a token for auth 'token' (looked up or configured).
    prometheusCredentials = { auth: 'token', token: prometheus.token as pulumi.Output<string> };
  }

  if (spec.kubernetes.createSecrets) {
    const ackClusterId = spec.kubernetes.ackClusterId;
    new ClusterSecrets(
      'cluster-secrets',
      {
        // readStackConfig checked that one of the two is there. A configured kubeconfig wins: the ACK lookup
        // always returns the public-endpoint kubeconfig (service_alicloud_cs.go
        // DescribeClusterKubeConfigWithExpiration, PrivateIpAddress false), useless for a VPC-only cluster.
        kubeconfig:
          hasKubeconfig || ackClusterId === undefined
            ? config.requireSecret('kubeconfig')
            : ackClusterKubeconfig(ackClusterId),
        namespace: spec.kubernetes.namespace,
        prometheus: prometheusCredentials,
        workloads: [
          ...spec.workloads.map((w) => ({ name: w.name, ...consumers.credentials[w.name] })),
          ...spec.producers.map((p) => ({ name: p.name, ...producerCredentials[p.name] })),
        ],
      },
      lifecycle,
    );
  }

  if (spec.kubernetes.ackClusterId !== undefined) {
    new KedaAddon(
      'keda',
      {
        clusterId: spec.kubernetes.ackClusterId,
        version: spec.kubernetes.kedaAddonVersion,
      },
      lifecycle,
    );
  }

  // The broker-side rules go where the RocketMQ metrics are evaluated (ARMS); off where the stack says so.
  const armsPrometheusId = brokerAlertsInstance(spec);
  if (armsPrometheusId !== undefined) {
    new BrokerAlertRules(
      'alerts',
      {
        armsPrometheusId,
        instanceId: messaging.instanceId,
        workloads: spec.workloads.map((w) => workloadAlertsInput(spec, w)),
        ...(spec.alerts.broker.dispatchRuleId !== undefined && {
          dispatchRuleId: spec.alerts.broker.dispatchRuleId,
        }),
      },
      lifecycle,
    );
  }

  const handoff = pulumi
    .all([messaging.instanceId, messaging.vpcEndpoint, prometheus.serverAddress])
    .apply(([instanceId, rocketMqEndpoint, serverAddress]) =>
      // Checked against the schema here, so `npm run outputs` accepts what the stack exports.
      parseHandoff(`the handoff output of stack ${spec.name}`, {
        environment: spec.name,
        instanceId,
        rocketMqEndpoint,
        prometheus: { serverAddress, auth: spec.prometheus.auth, secretName: PROMETHEUS_AUTH_SECRET_NAME },
        namespace: spec.kubernetes.namespace,
        workloads: spec.workloads.map((w) => ({
          name: w.name,
          topic: w.topic,
          consumerGroup: w.consumerGroup,
          credentialsSecretName: rocketMqCredentialsSecretName(w.name),
        })),
      }),
    );

  const prometheusAuth = pulumi.secret(pulumi.output(prometheusAuthData(prometheusCredentials)));
  const rocketMqCredentials = pulumi.secret(consumers.credentials);

  return { handoff, prometheusAuth, rocketMqCredentials };
}
