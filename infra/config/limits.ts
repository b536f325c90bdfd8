/** Names, limits and allowed values taken from Alibaba Cloud, Apache RocketMQ and KEDA, for the loader. */

/** The Pulumi project name, which is also the namespace of every config key of this stack. */
export const PROJECT = 'apsaramq-keda';

/** Config keys that hold secrets: they must be set with `pulumi config set --secret`, never in plain text. */
export const SECRET_CONFIG_KEYS = [
  `${PROJECT}:prometheusToken`,
  `${PROJECT}:kubeconfig`,
  // issue 27: basic auth to a self-managed Prometheus.
  `${PROJECT}:prometheusPassword`,
] as const;

// Source: ApsaraMQ for RocketMQ 5.x "Quotas and limits" (help.aliyun.com, parameter limits: topic and group names).
export const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
export const NAME_MAX_LENGTH = 60;
export const SERVERLESS_TOPIC_NAME_MAX_LENGTH = 128;
/**
 * Instance names. Source: ApsaraMQ for RocketMQ 5.x "Quotas and limits" (instance name: Chinese characters,
 * letters, digits and "_", 1 to 128 characters). The provider does not check it (instance_name has no
 * ValidateFunc) and its acceptance tests send hyphenated names; the loader holds to the documented rule.
 * Chinese characters as the provider's remark patterns spell them (\u4E00-\u9FA5).
 */
export const INSTANCE_NAME_PATTERN = /^[\u4E00-\u9FA5A-Za-z0-9_]+$/;
export const INSTANCE_NAME_MAX_LENGTH = 128;
// Reserved names. Sources: apache/rocketmq 5.3.3 common/topic/TopicValidator.java (SYSTEM_TOPIC_SET,
// SYSTEM_TOPIC_PREFIX) and common/MixAll.java (PREDEFINE_GROUP_SET, CID_RMQ_SYS_PREFIX, REPLY_TOPIC_POSTFIX,
// %RETRY% / %DLQ%); Apache RocketMQ 5.0 "Parameter Constraints and Suggestions" (group prefix CID_HOUSEKEEPING);
// ApsaraMQ for RocketMQ 5.x "Quotas and limits" (prefixes rocketmq-broker-, rocketmq-proxy-; suffix _REPLY_TOPIC).
/** Prefixes no topic or group may start with (compared without case). */
export const RESERVED_NAME_PREFIXES = [
  'rmq_sys_',
  '%RETRY%',
  '%DLQ%',
  'rocketmq-broker-',
  'rocketmq-proxy-',
] as const;
/** Topic names the broker keeps for itself (whole names). */
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
  'CHECKPOINT_TOPIC',
] as const;
/** Suffixes no topic may end with (compared without case): `<cluster>_REPLY_TOPIC` is a cluster's reply topic. */
export const RESERVED_TOPIC_SUFFIXES = ['_REPLY_TOPIC'] as const;
/** Built-in group names (whole names): MixAll.PREDEFINE_GROUP_SET. */
export const RESERVED_GROUPS = [
  'DEFAULT_CONSUMER',
  'DEFAULT_PRODUCER',
  'TOOLS_CONSUMER',
  'SCHEDULE_CONSUMER',
  'FILTERSRV_CONSUMER',
  '__MONITOR_CONSUMER',
  'CLIENT_INNER_PRODUCER',
  'SELF_TEST_P_GROUP',
  'SELF_TEST_C_GROUP',
  'CID_ONS-HTTP-PROXY',
  'CID_ONSAPI_PERMISSION',
  'CID_ONSAPI_OWNER',
  'CID_ONSAPI_PULL',
  'CID_RMQ_SYS_TRANS',
] as const;
/** Prefixes of system groups (case as written): MixAll.isSysConsumerGroup and the Apache documentation. */
export const RESERVED_GROUP_PREFIXES = ['CID_RMQ_SYS_', 'CID_HOUSEKEEPING'] as const;

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
/** Trigger names constructs/k8s/backlog-scaler.ts gives the backlog and arrival-rate triggers. */
export const RESERVED_TRIGGER_NAMES = ['backlog', 'arrival-rate', 'demand'] as const;
// Source: KEDA ScaledObject webhook and HPA behavior validation: stabilization windows are 0..3600 s.
export const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

// Source: ApsaraMQ for RocketMQ serverless instances, "Billing of serverless instances": capacity modes.
export const SERVERLESS_CAPACITY_MODES = [
  'shared-cumulative',
  'shared-reserved',
  'dedicated-reserved',
] as const;

// ---- alicloud provider rules (aliyun/terraform-provider-alicloud v1.294.0, bridged by @pulumi/alicloud 3.108.0;
// source lines from v1.289.0, unchanged since: tests/pulumi/provider-contract.ts)

/**
 * The msgProcessSpec family of each series and sub-series: `rmq.<s|p|u><generation>.<size>`.
 * Source: resource_alicloud_rocketmq_instance_test.go (standard cluster_ha rmq.s2.2xlarge in
 * TestAccAliCloudRocketmqInstance_basic4128, serverless rmq.s3.nxlarge in TestAccAliCloudRocketmqInstance_basic6747,
 * professional rmq.p2.4xlarge in TestAccAliCloudRocketmqInstance_basic4101, ultimate rmq.u2.10xlarge in
 * TestAccAliCloudRocketmqInstance_basic4665). The spec is ForceNew (schema product_info.msg_process_spec).
 */
export const MSG_PROCESS_SPECS: Readonly<
  Record<string, { readonly pattern: RegExp; readonly example: string }>
> = {
  'standard/cluster_ha': { pattern: /^rmq\.s2\.[a-z0-9]+$/, example: 'rmq.s2.2xlarge' },
  'standard/serverless': { pattern: /^rmq\.s3\.[a-z0-9]+$/, example: 'rmq.s3.nxlarge' },
  'professional/cluster_ha': { pattern: /^rmq\.p2\.[a-z0-9]+$/, example: 'rmq.p2.4xlarge' },
  'ultimate/cluster_ha': { pattern: /^rmq\.u2\.[a-z0-9]+$/, example: 'rmq.u2.10xlarge' },
};
/**
 * Commodity code of a serverless instance; without it CreateInstance fails ("Missingnull", provider issue #8916).
 * Source: resource_alicloud_rocketmq_instance.go schema commodity_code (StringInSlice ons_rmqsub_public_cn,
 * ons_rmqpost_public_cn, ons_rmqsrvlesspost_public_cn; ForceNew) and TestAccAliCloudRocketmqInstance_basic6747.
 */
export const SERVERLESS_COMMODITY_CODE = 'ons_rmqsrvlesspost_public_cn';
/** Source: resource_alicloud_rocketmq_instance.go schema auto_renew_period (IntInSlice 1, 2, 3, 6, 12). */
export const AUTO_RENEW_PERIODS = [1, 2, 3, 6, 12] as const;
/** Source: resource_alicloud_rocketmq_instance.go schema period_unit / auto_renew_period_unit (Month, Year). */
export const PERIOD_UNITS = ['Month', 'Year'] as const;
/**
 * Subscription lengths per unit. Source: website/docs/r/rocketmq_instance.html.markdown `period` ("Monthly
 * purchase: 1, 2, 3, 4, 5, 6; Annual purchase: 1, 2, 3"); the provider schema itself does not check it.
 */
export const PERIOD_RANGES = { Month: [1, 6], Year: [1, 3] } as const;
/** Source: resource_alicloud_rocketmq_topic.go schema remark (StringMatch). */
export const TOPIC_REMARK_PATTERN = /^[\u4E00-\u9FA5A-Za-z0-9_]+$/;
/**
 * The instance-wide allowlist every new instance starts with. Source: ApsaraMQ for RocketMQ 5.x "Configure IP
 * address whitelists" ("By default, the whitelist contains 0.0.0.0/0 ... only from those IP addresses").
 */
export const OPEN_ALLOWLIST_ENTRY = '0.0.0.0/0';
/** Longest ACL account username this project generates (constructs/cloud/consumer-access.ts USERNAME). */
export const ACL_USERNAME_MAX_LENGTH = 64;

// Source: ApsaraMQ for RocketMQ 5.x documentation, "Load balancing" (consumer load balancing policies by SDK).
/** Which client SDKs balance per message and which per queue: the value of `workloads[].loadBalancing`. */
export const LOAD_BALANCING_BY_SDK = {
  message:
    'Apache RocketMQ 5.x gRPC SDKs; Alibaba TCP Java SDK 2.x.x.Final and later; Alibaba TCP C++ SDK 3.x (some regions offer no message-based Java TCP SDK: check yours)',
  queue:
    'Apache RocketMQ 4.x Remoting SDKs; Alibaba TCP Java SDK 1.x; Alibaba TCP C++ SDK 1.x and 2.x; any SDK of a region without message-based balancing',
} as const;

/** The SDK mapping as one line, for messages. */
export const LOAD_BALANCING_HINT = `message = ${LOAD_BALANCING_BY_SDK.message}; queue = ${LOAD_BALANCING_BY_SDK.queue}`;

/**
 * ack-keda add-on versions this project accepts, with the KEDA release each ships. To confirm against Alibaba
 * Cloud's ack-keda release notes (help.aliyun.com/zh/ack/product-overview/ack-keda, "变更记录"): that page could
 * not be read from the build environment, so the pairing assumes ack-keda carries the KEDA version number it is
 * built from. The ScaledObjects use only fields of this KEDA release, and constructs/scaling DEFAULT_KEDA_VERSION
 * models it (a test keeps the two equal).
 */
export const ACK_KEDA_RELEASES = { '2.17.2': '2.17.2' } as const satisfies Record<string, string>;
export type AckKedaVersion = keyof typeof ACK_KEDA_RELEASES;
/** The pinned add-on version: every stack that installs ack-keda names it. */
export const PINNED_ACK_KEDA_VERSION: AckKedaVersion = '2.17.2';
