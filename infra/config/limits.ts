/** Names, limits and allowed values taken from Alibaba Cloud, Apache RocketMQ and KEDA, for the loader. */

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

// Source: ApsaraMQ for RocketMQ serverless instances, "Billing of serverless instances": capacity modes.
export const SERVERLESS_CAPACITY_MODES = [
  'shared-cumulative',
  'shared-reserved',
  'dedicated-reserved',
] as const;

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
