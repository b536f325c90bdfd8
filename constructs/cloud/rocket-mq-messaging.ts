import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import { assertNoViolations } from './invalid-args-error';

// Source: @pulumi/alicloud rocketmq.RocketMQInstance.serviceCode ("The code of the RocketMQ is rmq").
/** Service code of ApsaraMQ for RocketMQ 5.x instances. */
export const ROCKETMQ_SERVICE_CODE = 'rmq';
// Source: ApsaraMQ for RocketMQ 5.x API GetInstance, networkInfo.endpoints[].endpointType (TCP_VPC, TCP_INTERNET).
/** Endpoint type of the VPC endpoint clients in the cluster use. */
export const VPC_ENDPOINT_TYPE = 'TCP_VPC';
// Source: ApsaraMQ for RocketMQ 5.x console "Endpoints": clients connect on port 8080.
/** Port of an endpoint URL that names none. */
export const DEFAULT_ENDPOINT_PORT = 8080;
// Source: @pulumi/alicloud RocketMQInstanceAclInfo.aclTypes: "default" (intelligent identity) and "apache_acl"
// (open-source ACL, the mode rocketmq.Account and rocketmq.Acl manage).
/** ACL type of open-source ACL accounts, the only one a created instance accepts. */
export const APACHE_ACL = 'apache_acl';
// Source: ApsaraMQ for RocketMQ 5.x "Consumption retry": concurrent consumption retries with exponential backoff
// (DefaultRetryPolicy), ordered consumption at a fixed interval (FixedRetryPolicy).
/** The retry policy each delivery order requires. */
export const RETRY_POLICY_FOR_DELIVERY_ORDER = {
  /** Concurrent consumption: exponential backoff. */
  Concurrently: 'DefaultRetryPolicy',
  /** Ordered consumption: a fixed interval. */
  Orderly: 'FixedRetryPolicy',
} as const;
// Source: @pulumi/alicloud RocketMQInstanceNetworkInfoVpcInfo.vswitches ("At least two ... for a serverless instance").
/** vSwitches a serverless instance needs at least. */
export const SERVERLESS_MIN_VSWITCHES = 2;
// Source: @pulumi/alicloud RocketMQInstanceNetworkInfoInternetInfo.flowOutBandwidth ("[1 - 1000]") and
// RocketMQInstanceProductInfo.sendReceiveRatio ("[0.05, 0.5]").
/** Bounds of internetBandwidthMbps, inclusive. */
export const INTERNET_BANDWIDTH_MBPS_RANGE = [1, 1000] as const;
/** Bounds of sendReceiveRatio, inclusive. */
export const SEND_RECEIVE_RATIO_LIMITS = [0.05, 0.5] as const;
// Source: resource_alicloud_rocketmq_instance.go schema commodity_code and resource_alicloud_rocketmq_instance_test.go
// TestAccAliCloudRocketmqInstance_basic6747: a serverless create sends ons_rmqsrvlesspost_public_cn; without it
// CreateInstance fails (provider issue #8916). Left unset otherwise: it is Computed and ForceNew, so sending a
// value the service reports differently would replace the instance.
/** Commodity code a serverless instance is created with. */
export const SERVERLESS_COMMODITY_CODE = 'ons_rmqsrvlesspost_public_cn';
// Source: ApsaraMQ for RocketMQ 5.x "Configure IP address whitelists": a new instance admits 0.0.0.0/0.
/** The allowlist entry that admits every address, a new instance's default. */
export const OPEN_ALLOWLIST_ENTRY = '0.0.0.0/0';

const INSTANCE_ID = /^rmq-cn-[a-z0-9]+$/;
const HOST_PORT = /^[A-Za-z0-9.-]+:[0-9]{1,5}$/;

/** Concurrently or Orderly. */
export type DeliveryOrderType = keyof typeof RETRY_POLICY_FOR_DELIVERY_ORDER;
/** DefaultRetryPolicy or FixedRetryPolicy. */
export type RetryPolicy = (typeof RETRY_POLICY_FOR_DELIVERY_ORDER)[DeliveryOrderType];

/** A new ApsaraMQ for RocketMQ 5.x instance. */
export interface RocketMqInstanceSettings {
  /** Name shown in the console. */
  readonly instanceName: string;
  /** Primary series: standard, professional or ultimate. */
  readonly seriesCode: string;
  /** Sub-series: cluster_ha, single_node or serverless. */
  readonly subSeriesCode: string;
  /** Computing spec, e.g. rmq.p2.4xlarge. */
  readonly msgProcessSpec: string;
  /** PayAsYouGo or Subscription. */
  readonly paymentType: 'PayAsYouGo' | 'Subscription';
  /** Subscription length in periodUnit; required for Subscription, refused otherwise. @default none */
  readonly period?: number;
  /** Unit of period. @default the provider's (Month) */
  readonly periodUnit?: 'Month' | 'Year';
  /** Renew a subscription automatically; needs autoRenewPeriod and autoRenewPeriodUnit. @default the provider's (false) */
  readonly autoRenew?: boolean;
  /** Renewal length in autoRenewPeriodUnit (1, 2, 3, 6 or 12). @default none */
  readonly autoRenewPeriod?: number;
  /** Unit of autoRenewPeriod. @default none */
  readonly autoRenewPeriodUnit?: 'Month' | 'Year';
  /** How long messages are kept, in hours. @default the service's */
  readonly messageRetentionHours?: number;
  /** Share of the spec's TPS that goes to sending, in [0.05, 0.5]. @default the service's */
  readonly sendReceiveRatio?: number;
  /** Elastic TPS above the spec (professional and ultimate series). @default the service's */
  readonly autoScaling?: boolean;
  /** VPC of the instance's endpoint. */
  readonly vpcId: string;
  /** vSwitches of the endpoint; at least two for a serverless instance. */
  readonly vSwitchIds: readonly string[];
  /** Security group of the endpoint. @default the service picks one */
  readonly securityGroupId?: string;
  /** Fixed public bandwidth in Mb/s; absent keeps the instance VPC-only. @default VPC-only */
  readonly internetBandwidthMbps?: number;
  /**
   * The instance-wide IP allowlist: it restricts every client, VPC ones included; required with a public
   * endpoint. Absent leaves the service's 0.0.0.0/0. @default the service's
   */
  readonly ipAllowlist?: readonly string[];
  /** Tags of the instance. @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

/** One topic on the instance. */
export interface RocketMqTopicSettings {
  /** Topic name. */
  readonly name: string;
  /** NORMAL, FIFO, DELAY or TRANSACTION. @default 'NORMAL' */
  readonly messageType?: 'NORMAL' | 'FIFO' | 'DELAY' | 'TRANSACTION';
  /** Send TPS limit of the topic. @default the instance's */
  readonly maxSendTps?: number;
  /** Description. @default none */
  readonly remark?: string;
}

/** One consumer group on the instance. */
export interface RocketMqConsumerGroupSettings {
  /** Group id. */
  readonly id: string;
  /** Concurrently or Orderly. @default 'Concurrently' */
  readonly deliveryOrderType?: DeliveryOrderType;
  /** Must match the delivery order. @default RETRY_POLICY_FOR_DELIVERY_ORDER[deliveryOrderType] */
  readonly retryPolicy?: RetryPolicy;
  /** Deliveries before a message goes to the dead-letter topic. @default 16 */
  readonly maxRetryTimes?: number;
  /** Name of one of `topics` that receives messages out of retries. @default none */
  readonly deadLetterTopic?: string;
  /** Receive TPS limit of the group. @default the instance's */
  readonly maxReceiveTps?: number;
  /** Description. @default none */
  readonly remark?: string;
}

/** Arguments of RocketMqMessaging. */
export interface RocketMqMessagingArgs {
  /** Settings of a new instance; set exactly one of instance and existingInstanceId. @default none */
  readonly instance?: RocketMqInstanceSettings;
  /** Id of an instance created elsewhere, read but not managed. @default none */
  readonly existingInstanceId?: string;
  /** Topics to create. */
  readonly topics: readonly RocketMqTopicSettings[];
  /** Consumer groups to create. */
  readonly consumerGroups: readonly RocketMqConsumerGroupSettings[];
}

/** Every violation of the arguments, each naming its field; empty when valid. */
export function rocketMqMessagingViolations(args: RocketMqMessagingArgs): string[] {
  const out: string[] = [];
  if ((args.instance === undefined) === (args.existingInstanceId === undefined)) {
    out.push('instance / existingInstanceId: set exactly one');
  }
  if (args.existingInstanceId !== undefined && !INSTANCE_ID.test(args.existingInstanceId)) {
    out.push(`existingInstanceId ("${args.existingInstanceId}") must look like rmq-cn-xxxxxxxx`);
  }
  const instance = args.instance;
  if (instance !== undefined) {
    const minVSwitches = instance.subSeriesCode === 'serverless' ? SERVERLESS_MIN_VSWITCHES : 1;
    if (instance.vSwitchIds.length < minVSwitches) {
      out.push(
        `instance.vSwitchIds has ${instance.vSwitchIds.length}; ${instance.subSeriesCode} needs at least ${minVSwitches}`,
      );
    }
    if (instance.paymentType === 'Subscription' && instance.period === undefined) {
      out.push('instance.period is required when paymentType is Subscription');
    }
    if (instance.paymentType === 'PayAsYouGo' && instance.period !== undefined) {
      out.push('instance.period applies to Subscription only');
    }
    const ratio = instance.sendReceiveRatio;
    if (
      ratio !== undefined &&
      (ratio < SEND_RECEIVE_RATIO_LIMITS[0] || ratio > SEND_RECEIVE_RATIO_LIMITS[1])
    ) {
      out.push(
        `instance.sendReceiveRatio (${ratio}) must be within [${SEND_RECEIVE_RATIO_LIMITS.join(', ')}]`,
      );
    }
    const bandwidth = instance.internetBandwidthMbps;
    const [minMbps, maxMbps] = INTERNET_BANDWIDTH_MBPS_RANGE;
    if (
      bandwidth !== undefined &&
      (!Number.isInteger(bandwidth) || bandwidth < minMbps || bandwidth > maxMbps)
    ) {
      out.push(
        `instance.internetBandwidthMbps (${bandwidth}) must be an integer within [${minMbps}, ${maxMbps}]`,
      );
    }
    const allowlist = instance.ipAllowlist ?? [];
    if (bandwidth !== undefined && allowlist.length === 0) {
      out.push(
        `instance.ipAllowlist is required with internetBandwidthMbps: the allowlist starts as ${OPEN_ALLOWLIST_ENTRY}`,
      );
    }
    if (allowlist.includes(OPEN_ALLOWLIST_ENTRY)) {
      out.push(`instance.ipAllowlist must not hold ${OPEN_ALLOWLIST_ENTRY}: it admits every address`);
    }
    if (
      instance.autoRenew === true &&
      (instance.autoRenewPeriod === undefined || instance.autoRenewPeriodUnit === undefined)
    ) {
      out.push('instance.autoRenewPeriod and autoRenewPeriodUnit are required when autoRenew is true');
    }
  }
  const topicNames = new Set<string>();
  args.topics.forEach((topic, i) => {
    if (topicNames.has(topic.name)) out.push(`topics[${i}].name ("${topic.name}") is declared twice`);
    topicNames.add(topic.name);
  });
  const groupIds = new Set<string>();
  args.consumerGroups.forEach((group, i) => {
    if (groupIds.has(group.id)) out.push(`consumerGroups[${i}].id ("${group.id}") is declared twice`);
    groupIds.add(group.id);
    const expected = RETRY_POLICY_FOR_DELIVERY_ORDER[group.deliveryOrderType ?? 'Concurrently'];
    if (group.retryPolicy !== undefined && group.retryPolicy !== expected) {
      out.push(
        `consumerGroups[${i}].retryPolicy (${group.retryPolicy}) must be ${expected} for its delivery order`,
      );
    }
    if (group.deadLetterTopic !== undefined && !topicNames.has(group.deadLetterTopic)) {
      out.push(
        `consumerGroups[${i}].deadLetterTopic ("${group.deadLetterTopic}") is not one of topics[].name`,
      );
    }
  });
  return out;
}

/** One endpoint as the instance reports it in networkInfo.endpoints. */
export interface RocketMqEndpoint {
  /** TCP_VPC or TCP_INTERNET. */
  readonly endpointType?: string;
  /** `host:port`, or a URL with a scheme. */
  readonly endpointUrl?: string;
}

/** `host:port` of an endpoint URL: drops a scheme and trailing slashes, adds the default port when absent. */
export function normalizeEndpoint(url: string): string {
  const bare = url
    .trim()
    .replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '')
    .replace(/\/+$/, '');
  if (HOST_PORT.test(bare)) return bare;
  if (/^[A-Za-z0-9.-]+$/.test(bare)) return `${bare}:${DEFAULT_ENDPOINT_PORT}`;
  throw new Error(`RocketMQ endpoint "${url}" is not host[:port]`);
}

/** The VPC endpoint of an instance as `host:port`; throws when the instance reports none. */
export function vpcEndpointOf(
  instanceId: string,
  endpoints: readonly RocketMqEndpoint[] | undefined,
): string {
  const vpc = (endpoints ?? []).find(
    (e) => e.endpointType === VPC_ENDPOINT_TYPE && (e.endpointUrl ?? '') !== '',
  );
  if (vpc?.endpointUrl === undefined) {
    const seen = (endpoints ?? []).map((e) => e.endpointType ?? '?').join(', ') || 'none';
    throw new Error(
      `RocketMQ instance ${instanceId} reports no ${VPC_ENDPOINT_TYPE} endpoint (found: ${seen})`,
    );
  }
  return normalizeEndpoint(vpc.endpointUrl);
}

/**
 * An ApsaraMQ for RocketMQ 5.x instance (created, or an existing one read by id), its topics and consumer
 * groups. A created instance accepts only open-source ACL accounts (no authentication-free VPC access), so
 * every client needs the credentials ConsumerAccess creates.
 *
 * Lifecycle: a created instance, the topics and the groups are `retainOnDelete` (they hold the messages and
 * the consumption progress), so a destroy or their removal from the program leaves them in the account. A
 * subscription instance is `protect`ed; `protect` in `opts` protects every child (children take it from their
 * parent: @pulumi/pulumi resource.js, opts.protect from parent.__protect).
 */
export class RocketMqMessaging extends pulumi.ComponentResource {
  /** Instance id, e.g. rmq-cn-xxxxxxxx. */
  readonly instanceId: pulumi.Output<string>;
  /** The allowlist the provider reads back (GetInstanceIpWhitelist). */
  readonly ipAllowlist: pulumi.Output<string[]>;
  /** VPC endpoint, `host:port`. */
  readonly vpcEndpoint: pulumi.Output<string>;
  /** The instance: managed when created here, read-only when adopted. */
  readonly instance: alicloud.rocketmq.RocketMQInstance;
  /** Topics by name. */
  readonly topics: Readonly<Record<string, alicloud.rocketmq.RocketMQTopic>>;
  /** Consumer groups by id. */
  readonly consumerGroups: Readonly<Record<string, alicloud.rocketmq.ConsumerGroup>>;

  constructor(name: string, args: RocketMqMessagingArgs, opts?: pulumi.ComponentResourceOptions) {
    assertNoViolations('RocketMqMessaging', name, rocketMqMessagingViolations(args));
    super('apsaramq-keda:cloud:RocketMqMessaging', name, {}, opts);

    this.instance =
      args.instance !== undefined
        ? createInstance(`${name}-instance`, args.instance, this)
        : alicloud.rocketmq.RocketMQInstance.get(
            `${name}-existing-instance`,
            args.existingInstanceId as string, // validated above: exactly one of the two is set
            undefined,
            { parent: this },
          );
    this.instanceId = this.instance.id;
    this.ipAllowlist = this.instance.ipWhitelists;
    this.vpcEndpoint = pulumi
      .all([this.instance.id, this.instance.networkInfo])
      .apply(([id, network]) => vpcEndpointOf(id, network?.endpoints));

    const topics: Record<string, alicloud.rocketmq.RocketMQTopic> = {};
    for (const topic of args.topics) {
      topics[topic.name] = new alicloud.rocketmq.RocketMQTopic(
        `${name}-topic-${topic.name}`,
        {
          instanceId: this.instanceId,
          topicName: topic.name,
          messageType: topic.messageType ?? 'NORMAL',
          maxSendTps: topic.maxSendTps,
          remark: topic.remark,
        },
        // Source: resource_alicloud_rocketmq_topic.go resourceAliCloudRocketmqTopicDelete deletes the messages.
        { parent: this, retainOnDelete: true },
      );
    }
    this.topics = topics;

    const groups: Record<string, alicloud.rocketmq.ConsumerGroup> = {};
    for (const group of args.consumerGroups) {
      const order = group.deliveryOrderType ?? 'Concurrently';
      const deadLetter = group.deadLetterTopic === undefined ? undefined : topics[group.deadLetterTopic];
      groups[group.id] = new alicloud.rocketmq.ConsumerGroup(
        `${name}-group-${group.id}`,
        {
          instanceId: this.instanceId,
          consumerGroupId: group.id,
          deliveryOrderType: order,
          consumeRetryPolicy: {
            retryPolicy: group.retryPolicy ?? RETRY_POLICY_FOR_DELIVERY_ORDER[order],
            maxRetryTimes: group.maxRetryTimes ?? 16,
            // The topic's output, not its name: the group waits for its dead-letter topic to exist.
            deadLetterTargetTopic: deadLetter?.topicName,
          },
          maxReceiveTps: group.maxReceiveTps,
          remark: group.remark,
        },
        // Source: resource_alicloud_rocketmq_consumer_group.go resourceAliCloudRocketmqConsumerGroupDelete drops
        // the group's consumption progress.
        { parent: this, retainOnDelete: true },
      );
    }
    this.consumerGroups = groups;

    this.registerOutputs({ instanceId: this.instanceId, vpcEndpoint: this.vpcEndpoint });
  }
}

function createInstance(
  name: string,
  settings: RocketMqInstanceSettings,
  parent: pulumi.Resource,
): alicloud.rocketmq.RocketMQInstance {
  const internet = settings.internetBandwidthMbps !== undefined;
  return new alicloud.rocketmq.RocketMQInstance(
    name,
    {
      instanceName: settings.instanceName,
      serviceCode: ROCKETMQ_SERVICE_CODE,
      seriesCode: settings.seriesCode,
      subSeriesCode: settings.subSeriesCode,
      paymentType: settings.paymentType,
      period: settings.period,
      periodUnit: settings.periodUnit,
      autoRenew: settings.autoRenew,
      autoRenewPeriod: settings.autoRenewPeriod,
      autoRenewPeriodUnit: settings.autoRenewPeriodUnit,
      commodityCode: settings.subSeriesCode === 'serverless' ? SERVERLESS_COMMODITY_CODE : undefined,
      productInfo: {
        msgProcessSpec: settings.msgProcessSpec,
        messageRetentionTime: settings.messageRetentionHours,
        sendReceiveRatio: settings.sendReceiveRatio,
        autoScaling: settings.autoScaling,
      },
      networkInfo: {
        vpcInfo: {
          vpcId: settings.vpcId,
          vswitches: settings.vSwitchIds.map((vswitchId) => ({ vswitchId })),
          securityGroupIds: settings.securityGroupId,
        },
        // Source: RocketMQInstanceNetworkInfoInternetInfo: "payByBandwidth" when enabled, "uninvolved" when not.
        internetInfo: internet
          ? {
              internetSpec: 'enable',
              flowOutType: 'payByBandwidth',
              flowOutBandwidth: settings.internetBandwidthMbps,
            }
          : { internetSpec: 'disable', flowOutType: 'uninvolved' },
      },
      ipWhitelists: settings.ipAllowlist === undefined ? undefined : [...settings.ipAllowlist],
      aclInfo: { aclTypes: [APACHE_ACL], defaultVpcAuthFree: false },
      tags: settings.tags === undefined ? undefined : { ...settings.tags },
    },
    {
      parent,
      // Source: resource_alicloud_rocketmq_instance.go resourceAliCloudRocketmqInstanceDelete: a Subscription
      // instance is only dropped from the state, and keeps billing. Protected, so neither destroy nor a
      // ForceNew change (which buys a second one) goes through without `pulumi state unprotect`. Otherwise the
      // component's own protect (undefined inherits it from the parent).
      protect: settings.paymentType === 'Subscription' ? true : undefined,
      // Kept in the account when it leaves the program (a stack that switches to existingInstanceId, a
      // destroy): with its retained topics and groups, its messages and endpoint outlive the stack; delete it in
      // the console when meant.
      retainOnDelete: true,
    },
  );
}
