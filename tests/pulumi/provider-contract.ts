/**
 * The alicloud provider's own rules for every resource type the program declares, one table per type, each
 * rule with the provider source line it comes from, `alicloud/<file>.go`. Field paths are the Pulumi input
 * names (camelCase) of @pulumi/alicloud.
 *
 * Version: @pulumi/alicloud 3.108.0 bridges aliyun/terraform-provider-alicloud v1.294.0 (its docs cite
 * "Available since v1.294.0", and ram.User has `tags`, which v1.289.0 lacks; provider-contract.test.ts checks
 * both). pulumi-alicloud's provider/go.mod at v3.108.0 and the v1.294.0 source could not be read here (the Go
 * proxy refuses the module; the source mirror ends at the v1.290.0 development head of 2026-08-21), so the line
 * numbers are v1.289.0's, where the files below are unchanged up to that head. Re-checked against the 3.108.0
 * SDK: every resource's inputs, nested blocks included, match v1.289.0's schema except ram.User `tags`.
 */

/** The TF provider release the source lines below are checked against (see the file comment). */
export const BRIDGED_TF_PROVIDER_VERSION = 'v1.294.0';

type Inputs = Record<string, unknown>;

/** One rule: which inputs it applies to, what it demands, and a value of the field that breaks it. */
export interface ProviderRule {
  /** Dotted path of the input the rule is about. */
  readonly field: string;
  /** `file.go:line` (function or schema key) in the provider source. */
  readonly source: string;
  /** What the rule demands, for messages. */
  readonly rule: string;
  /** Whether the rule applies to these inputs; absent: whenever the field is set (or always for required). */
  readonly when?: (inputs: Inputs) => boolean;
  /** The check of the field's value (undefined when the field is absent). */
  readonly holds: (value: unknown, inputs: Inputs) => boolean;
  /** A value of the field that breaks the rule (`undefined` deletes it). */
  readonly broken: unknown;
}

/** The ForceNew arguments of a resource type (a change replaces the resource), each with its source line. */
export interface ForceNewField {
  readonly field: string;
  readonly source: string;
}

export interface ResourceContract {
  /** The Pulumi type token. */
  readonly type: string;
  /** The provider source file. */
  readonly file: string;
  readonly rules: readonly ProviderRule[];
  readonly forceNew: readonly ForceNewField[];
  /** What Delete does, for infra/README.md. */
  readonly onDelete: string;
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '';
const required = (field: string, source: string, broken: unknown = undefined): ProviderRule => ({
  field,
  source,
  rule: 'is required',
  when: () => true,
  holds: present,
  broken,
});
const oneOf = (
  field: string,
  source: string,
  values: readonly (string | number)[],
  broken: unknown,
): ProviderRule => ({
  field,
  source,
  rule: `must be one of ${values.join(', ')}`,
  holds: (v) => (values as readonly unknown[]).includes(v),
  broken,
});
const matches = (field: string, source: string, pattern: RegExp, broken: string): ProviderRule => ({
  field,
  source,
  rule: `must match ${pattern.source}`,
  holds: (v) => typeof v === 'string' && pattern.test(v),
  broken,
});
const between = (field: string, source: string, min: number, max: number, broken: number): ProviderRule => ({
  field,
  source,
  rule: `must be within [${min}, ${max}]`,
  holds: (v) => typeof v === 'number' && v >= min && v <= max,
  broken,
});

/** Reads a dotted path; undefined when any step is missing. */
export function valueAt(inputs: Inputs, field: string): unknown {
  return field.split('.').reduce<unknown>((node, key) => {
    if (typeof node !== 'object' || node === null) return undefined;
    return (node as Record<string, unknown>)[key];
  }, inputs);
}

/** A copy of `inputs` with `field` set to `value` (deleted for undefined). */
export function withValue(inputs: Inputs, field: string, value: unknown): Inputs {
  const copy = structuredClone(inputs);
  const keys = field.split('.');
  let node = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** Whether a rule applies to these inputs. */
export function applies(rule: ProviderRule, inputs: Inputs): boolean {
  return rule.when !== undefined ? rule.when(inputs) : valueAt(inputs, rule.field) !== undefined;
}

/** The violations of one resource's inputs against its contract, each naming field, value, rule and source. */
export function contractViolations(contract: ResourceContract, name: string, inputs: Inputs): string[] {
  return contract.rules
    .filter((rule) => applies(rule, inputs) && !rule.holds(valueAt(inputs, rule.field), inputs))
    .map(
      (rule) =>
        `${name}: ${rule.field} (${JSON.stringify(valueAt(inputs, rule.field))}) ${rule.rule} [${contract.file}:${rule.source}]`,
    );
}

const INSTANCE = 'resource_alicloud_rocketmq_instance.go';
const serverless = (i: Inputs) => i.subSeriesCode === 'serverless';

export const CONTRACTS: readonly ResourceContract[] = [
  {
    type: 'alicloud:rocketmq/rocketMQInstance:RocketMQInstance',
    file: INSTANCE,
    rules: [
      required('serviceCode', '276 service_code Required', undefined),
      matches('serviceCode', '276 service_code ("The code of the RocketMQ is rmq", docs)', /^rmq$/, 'ons'),
      oneOf('seriesCode', '272 series_code StringInSlice', ['standard', 'professional', 'ultimate'], 'basic'),
      oneOf(
        'subSeriesCode',
        '310 sub_series_code StringInSlice',
        ['cluster_ha', 'single_node', 'serverless'],
        'ha',
      ),
      oneOf('paymentType', '195 payment_type StringInSlice', ['PayAsYouGo', 'Subscription'], 'PostPaid'),
      required('productInfo.msgProcessSpec', '249 product_info.msg_process_spec Required'),
      between(
        'productInfo.sendReceiveRatio',
        '223 send_receive_ratio FloatBetween(0.05, 0.5)',
        0.05,
        0.5,
        0.6,
      ),
      required('networkInfo.vpcInfo.vpcId', '154 vpc_info.vpc_id Required'),
      required('networkInfo.internetInfo.internetSpec', '128 internet_info.internet_spec Required'),
      oneOf(
        'networkInfo.internetInfo.flowOutType',
        '124 flow_out_type StringInSlice',
        ['payByBandwidth', 'payByTraffic', 'uninvolved'],
        'byBandwidth',
      ),
      {
        field: 'networkInfo.internetInfo.flowOutBandwidth',
        source:
          '374 resourceAliCloudRocketmqInstanceCreate (flow_out_bandwidth sent only with internet_spec enable)',
        rule: 'is required when internetSpec is enable',
        when: (i) => valueAt(i, 'networkInfo.internetInfo.internetSpec') === 'enable',
        holds: (v) => typeof v === 'number' && v > 0,
        broken: undefined,
      },
      oneOf('periodUnit', '205 period_unit StringInSlice', ['Month', 'Year'], 'Week'),
      oneOf('autoRenewPeriod', '57 auto_renew_period IntInSlice', [1, 2, 3, 6, 12], 4),
      oneOf('autoRenewPeriodUnit', '63 auto_renew_period_unit StringInSlice', ['Month', 'Year'], 'Day'),
      oneOf(
        'commodityCode',
        '70 commodity_code StringInSlice',
        ['ons_rmqsub_public_cn', 'ons_rmqpost_public_cn', 'ons_rmqsrvlesspost_public_cn'],
        'ons_rmqsrvless_public_cn',
      ),
      {
        field: 'commodityCode',
        source:
          '_test.go:1902 TestAccAliCloudRocketmqInstance_basic6747 (serverless create; issue #8916 without it)',
        rule: 'must be ons_rmqsrvlesspost_public_cn for a serverless instance',
        when: serverless,
        holds: (v) => v === 'ons_rmqsrvlesspost_public_cn',
        broken: undefined,
      },
      {
        field: 'networkInfo.vpcInfo.vswitches',
        source: '168 vswitches (docs: "At least two VSwitches are required for a serverless instance")',
        rule: 'must list at least 2 vSwitches for a serverless instance',
        when: serverless,
        holds: (v) => Array.isArray(v) && v.length >= 2,
        broken: [{ vswitchId: 'vsw-only-one' }],
      },
      {
        field: 'autoRenewPeriod',
        source:
          '881 resourceAliCloudRocketmqInstanceUpdate (SetRenewal RenewalPeriod, RenewalPeriodUnit at 887)',
        rule: 'is required when autoRenew is true',
        when: (i) => i.autoRenew === true,
        holds: present,
        broken: undefined,
      },
      {
        field: 'period',
        source: '429 resourceAliCloudRocketmqInstanceCreate (period sent for a Subscription purchase)',
        rule: 'is required for a Subscription instance',
        when: (i) => i.paymentType === 'Subscription',
        holds: present,
        broken: undefined,
      },
    ],
    forceNew: [
      { field: 'serviceCode', source: '277' },
      { field: 'seriesCode', source: '271' },
      { field: 'subSeriesCode', source: '309' },
      { field: 'paymentType', source: '194' },
      { field: 'commodityCode', source: '69' },
      { field: 'productInfo', source: '210 (adding or removing the block)' },
      { field: 'productInfo.msgProcessSpec', source: '250' },
      { field: 'productInfo.storageEncryption', source: '232' },
      { field: 'productInfo.storageSecretKey', source: '217' },
      { field: 'networkInfo.vpcInfo', source: '148' },
      { field: 'networkInfo.vpcInfo.vpcId', source: '155' },
      { field: 'networkInfo.vpcInfo.vswitches', source: '168 (and vswitch_id 175)' },
      { field: 'networkInfo.vpcInfo.securityGroupIds', source: '183' },
      { field: 'networkInfo.internetInfo', source: '116' },
      { field: 'networkInfo.internetInfo.internetSpec', source: '129' },
      { field: 'networkInfo.internetInfo.flowOutType', source: '123' },
      { field: 'networkInfo.internetInfo.flowOutBandwidth', source: '140' },
    ],
    onDelete:
      '999 resourceAliCloudRocketmqInstanceDelete: a Subscription instance is only removed from the state (it keeps billing until it expires or is released in the console); a pay-as-you-go one is deleted with its topics, groups and messages',
  },
  {
    type: 'alicloud:rocketmq/rocketMQTopic:RocketMQTopic',
    file: 'resource_alicloud_rocketmq_topic.go',
    rules: [
      required('instanceId', '37 instance_id Required'),
      required('topicName', '65 topic_name Required'),
      matches('topicName', '67 topic_name StringMatch', /^[%a-zA-Z0-9_-]+$/, 'orders!'),
      oneOf(
        'messageType',
        '48 message_type StringInSlice',
        ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'],
        'ORDERED',
      ),
      matches('remark', '57 remark StringMatch', /^[\u4E00-\u9FA5A-Za-z0-9_]+$/, 'order events'),
    ],
    forceNew: [
      { field: 'instanceId', source: '38' },
      { field: 'topicName', source: '66' },
      { field: 'messageType', source: '47' },
    ],
    onDelete: '210 resourceAliCloudRocketmqTopicDelete: deletes the topic and the messages in it',
  },
  {
    type: 'alicloud:rocketmq/consumerGroup:ConsumerGroup',
    file: 'resource_alicloud_rocketmq_consumer_group.go',
    rules: [
      required('instanceId', '70 instance_id Required'),
      required('consumerGroupId', '56 consumer_group_id Required'),
      required('consumeRetryPolicy', '33 consume_retry_policy Required'),
      oneOf(
        'consumeRetryPolicy.retryPolicy',
        '44 retry_policy StringInSlice',
        ['DefaultRetryPolicy', 'FixedRetryPolicy', 'BackoffRetryPolicy'],
        'LinearRetryPolicy',
      ),
      between('consumeRetryPolicy.maxRetryTimes', '49 max_retry_times IntBetween(0, 1000)', 0, 1000, 1001),
      oneOf(
        'deliveryOrderType',
        '66 delivery_order_type StringInSlice',
        ['Concurrently', 'Orderly'],
        'Ordered',
      ),
    ],
    forceNew: [
      { field: 'instanceId', source: '71' },
      { field: 'consumerGroupId', source: '57' },
    ],
    onDelete:
      '295 resourceAliCloudRocketmqConsumerGroupDelete: deletes the group and its consumption progress',
  },
  {
    type: 'alicloud:rocketmq/account:Account',
    file: 'resource_alicloud_rocketmq_account.go',
    rules: [
      required('instanceId', '38 instance_id Required'),
      required('username', '47 username Required'),
      required('password', '43 password Required'),
      oneOf('accountStatus', '34 account_status StringInSlice', ['DISABLE', 'ENABLE'], 'ENABLED'),
      {
        field: 'accountStatus',
        source:
          '133 resourceAliCloudRocketmqAccountUpdate (HasChange("account_status") -> PATCH with query["password"] at 144)',
        rule: 'is left out, so Create makes no update call with the password in the query string',
        when: () => true,
        holds: (v) => v === undefined,
        broken: 'ENABLE',
      },
    ],
    forceNew: [
      { field: 'instanceId', source: '39' },
      { field: 'username', source: '48' },
    ],
    onDelete: '170 resourceAliCloudRocketmqAccountDelete: deletes the account; clients using it are refused',
  },
  {
    type: 'alicloud:rocketmq/acl:Acl',
    file: 'resource_alicloud_rocketmq_acl.go',
    rules: [
      required('instanceId', '42 instance_id Required'),
      required('username', '64 username Required'),
      required('resourceName', '53 resource_name Required'),
      required('actions', '32 actions Required'),
      oneOf('resourceType', '60 resource_type StringInSlice', ['Group', 'Topic'], 'Queue'),
      oneOf('decision', '38 decision StringInSlice', ['Deny', 'Allow'], 'Permit'),
    ],
    forceNew: [
      { field: 'instanceId', source: '43' },
      { field: 'username', source: '65' },
      { field: 'resourceType', source: '59' },
      { field: 'resourceName', source: '54' },
    ],
    onDelete: '219 resourceAliCloudRocketmqAclDelete: revokes the grant',
  },
  {
    type: 'alicloud:cs/kubernetesAddon:KubernetesAddon',
    file: 'resource_alicloud_cs_kubernetes_addon.go',
    rules: [
      required('clusterId', '35 cluster_id Required'),
      required('name', '40 name Required'),
      {
        field: 'config',
        source: '108 resourceAlicloudCSKubernetesAddonRead (json.Unmarshal of config)',
        rule: 'must be a JSON object',
        holds: (v) => {
          try {
            return typeof v === 'string' && typeof JSON.parse(v) === 'object';
          } catch {
            return false;
          }
        },
        broken: '{',
      },
    ],
    forceNew: [
      { field: 'clusterId', source: '36' },
      { field: 'name', source: '41' },
    ],
    onDelete:
      '202 resourceAlicloudCSKubernetesAddonDelete: uninstalls the add-on (229 uninstallAddon) unless ACK marks it required; Create (130) adopts an add-on that is already installed',
  },
  {
    type: 'alicloud:ram/user:User',
    file: 'resource_alicloud_ram_user.go',
    // `tags` is in the 3.108.0 schema but not in v1.289.0; with its source unreadable here it carries no rule.
    // Lines are v1.289.0's.
    rules: [
      required('name', '31 name Required'),
      {
        field: 'comments',
        source: '48 comments StringLenBetween(0, 128)',
        rule: 'must be at most 128 characters',
        holds: (v) => typeof v === 'string' && v.length <= 128,
        broken: 'x'.repeat(129),
      },
    ],
    forceNew: [],
    onDelete: '220 resourceAlicloudRamUserDelete: deletes the RAM user',
  },
  {
    type: 'alicloud:ram/userPolicyAttachment:UserPolicyAttachment',
    file: 'resource_alicloud_ram_user_policy_attachment.go',
    rules: [
      required('policyName', '29 policy_name Required'),
      required('userName', '40 user_name Required'),
      oneOf('policyType', '36 policy_type StringInSlice', ['System', 'Custom'], 'Managed'),
    ],
    forceNew: [
      { field: 'policyName', source: '30' },
      { field: 'policyType', source: '35' },
      { field: 'userName', source: '41' },
    ],
    onDelete: 'detaches the policy',
  },
  {
    type: 'alicloud:ram/accessKey:AccessKey',
    file: 'resource_alicloud_ram_access_key.go',
    rules: [oneOf('status', '36 status StringInSlice', ['Active', 'Inactive'], 'Enabled')],
    forceNew: [
      { field: 'userName', source: '41' },
      { field: 'secretFile', source: '46' },
      { field: 'pgpKey', source: '56' },
    ],
    onDelete: 'deletes the AccessKey; KEDA then fails to query ARMS until the Secret holds a new one',
  },
  {
    type: 'alicloud:arms/prometheusAlertRule:PrometheusAlertRule',
    file: 'resource_alicloud_arms_prometheus_alert_rule.go',
    rules: [
      required('clusterId', '40 cluster_id Required'),
      required('duration', '55 duration Required'),
      required('expression', '60 expression Required'),
      required('message', '81 message Required'),
      required('prometheusAlertRuleName', '91 prometheus_alert_rule_name Required'),
      oneOf('notifyType', '89 notify_type StringInSlice', ['ALERT_MANAGER', 'DISPATCH_RULE'], 'WEBHOOK'),
      {
        // 45-53: the dispatch_rule_id diff is suppressed unless notify_type is DISPATCH_RULE, and the
        // CreatePrometheusAlertRule API needs it then (website/docs/r/arms_prometheus_alert_rule: "required when
        // notify_type is DISPATCH_RULE").
        field: 'dispatchRuleId',
        source: '45 dispatch_rule_id (with notify_type DISPATCH_RULE)',
        rule: 'is required when notifyType is DISPATCH_RULE',
        when: (i) => i.notifyType === 'DISPATCH_RULE',
        holds: present,
        broken: undefined,
      },
    ],
    forceNew: [
      { field: 'clusterId', source: '43' },
      { field: 'duration', source: '58' },
      { field: 'expression', source: '63' },
      { field: 'message', source: '84' },
      { field: 'prometheusAlertRuleName', source: '94' },
      { field: 'type', source: '103' },
    ],
    onDelete:
      '341 resourceAlicloudArmsPrometheusAlertRuleDelete: deletes the rule (DeletePrometheusAlertRule)',
  },
];

/** The contract of a type token; undefined for a type the alicloud provider does not manage. */
export function contractOf(type: string): ResourceContract | undefined {
  return CONTRACTS.find((c) => c.type === type);
}
