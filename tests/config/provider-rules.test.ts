/**
 * The stack-file rules that come from the alicloud provider and the services behind it (issue 12): each broken
 * stack file is refused with exactly these violations, every one naming its path, the value and the rule.
 */
import { EnvironmentSpecError, parseEnvironment } from '../../infra/config/environment';
import { stackFileConfig } from '../pulumi/harness';

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- stack-file YAML
const at = (config: Config, key: string): Config => config[`apsaramq-keda:${key}`] as Config;

function violations(env: string, edit: (c: Config) => void): string[] {
  const config: Config = stackFileConfig(env);
  edit(config);
  try {
    parseEnvironment(env, config);
  } catch (error) {
    if (error instanceof EnvironmentSpecError) return [...error.violations];
    throw error;
  }
  return [];
}

describe('provider rules of the stack file', () => {
  test.each<[string, string, (c: Config) => void, string[]]>([
    // Item 1: the spec belongs to its series (resource_alicloud_rocketmq_instance_test.go).
    [
      'a cluster spec on a serverless instance',
      'dev',
      (c) => (at(c, 'instance').msgProcessSpec = 'rmq.s2.2xlarge'),
      [
        'instance.msgProcessSpec (rmq.s2.2xlarge) is not a spec of standard serverless instances: it must match ^rmq\\.s3\\.[a-z0-9]+$, e.g. rmq.s3.nxlarge',
      ],
    ],
    [
      'a professional spec on a standard cluster',
      'staging',
      (c) => (at(c, 'instance').msgProcessSpec = 'rmq.p2.4xlarge'),
      [
        'instance.msgProcessSpec (rmq.p2.4xlarge) is not a spec of standard cluster_ha instances: it must match ^rmq\\.s2\\.[a-z0-9]+$, e.g. rmq.s2.2xlarge',
      ],
    ],
    [
      'a standard spec on a professional cluster',
      'prod',
      (c) => (at(c, 'instance').msgProcessSpec = 'rmq.s2.2xlarge'),
      [
        'instance.msgProcessSpec (rmq.s2.2xlarge) is not a spec of professional cluster_ha instances: it must match ^rmq\\.p2\\.[a-z0-9]+$, e.g. rmq.p2.4xlarge',
      ],
    ],
    [
      'a serverless professional instance',
      'dev',
      (c) => (at(c, 'instance').seriesCode = 'professional'),
      ['instance.subSeriesCode (serverless) is offered for the standard series only, not professional'],
    ],
    [
      'a serverless subscription instance',
      'dev',
      (c) =>
        Object.assign(at(c, 'instance'), { paymentType: 'Subscription', period: 1, periodUnit: 'Month' }),
      [
        'instance.paymentType (Subscription): serverless instances are pay-as-you-go only (commodity code ons_rmqsrvlesspost_public_cn)',
      ],
    ],
    [
      'a new single-node instance',
      'staging',
      (c) =>
        Object.assign(at(c, 'instance'), { subSeriesCode: 'single_node', msgProcessSpec: 'rmq.s1.micro' }),
      [
        'instance.subSeriesCode (single_node): ApsaraMQ for RocketMQ 5.x no longer creates single-node instances (since 2024-11-09); use cluster_ha or serverless',
      ],
    ],
    // Item 2: the allowlist is the instance's, VPC clients included.
    [
      'a public endpoint without an allowlist',
      'staging',
      (c) => {
        delete at(c, 'instance').network.ipAllowlist;
        delete at(c, 'instance').network.clientCidrs;
      },
      [
        'instance.network.ipAllowlist is required when internet is enabled: the instance-wide allowlist starts as 0.0.0.0/0, so the public endpoint would accept every address',
      ],
    ],
    [
      'an allowlist open to every address',
      'staging',
      (c) => at(c, 'instance').network.ipAllowlist.push('0.0.0.0/0'),
      [
        'instance.network.ipAllowlist[2] (0.0.0.0/0) admits every address; list the CIDR blocks that need access',
      ],
    ],
    [
      'an allowlist without the CIDR blocks the consumers connect from',
      'staging',
      (c) => delete at(c, 'instance').network.clientCidrs,
      [
        'instance.network.clientCidrs is required with ipAllowlist: the allowlist applies to VPC clients too, so list the vSwitch (and pod) CIDR blocks the ACK consumers connect from',
      ],
    ],
    [
      'a consumer CIDR block outside the allowlist',
      'staging',
      (c) => at(c, 'instance').network.clientCidrs.push('10.30.0.0/16'),
      [
        'instance.network.clientCidrs[3] (10.30.0.0/16) is not inside any instance.network.ipAllowlist entry, so those consumers would be locked out',
      ],
    ],
    [
      'a consumer CIDR block wider than the allowlist entry around it',
      'staging',
      (c) => (at(c, 'instance').network.clientCidrs[0] = '10.20.0.0/15'),
      [
        'instance.network.clientCidrs[0] (10.20.0.0/15) is not inside any instance.network.ipAllowlist entry, so those consumers would be locked out',
      ],
    ],
    [
      'consumer CIDR blocks without an allowlist',
      'prod',
      (c) => (at(c, 'instance').network.clientCidrs = ['10.0.0.0/16']),
      ['instance.network.clientCidrs applies with ipAllowlist only'],
    ],
    [
      'an allowlist entry that is not an IPv4 address or CIDR block',
      'staging',
      (c) => (at(c, 'instance').network.ipAllowlist[0] = '203.0.113.0/33'),
      ['instance.network.ipAllowlist[0]: must be an IPv4 address or CIDR block such as 10.0.0.0/16'],
    ],
    // Items 3 and 4 and 7: subscription, renewal and period rules.
    [
      'auto-renewal without its period',
      'prod',
      (c) => delete at(c, 'instance').autoRenewPeriod,
      [
        'instance.autoRenewPeriod is required when autoRenew is true (BSS SetRenewal needs the period and its unit)',
      ],
    ],
    [
      'auto-renewal without the unit of its period',
      'prod',
      (c) => delete at(c, 'instance').autoRenewPeriodUnit,
      [
        'instance.autoRenewPeriodUnit is required when autoRenew is true (BSS SetRenewal needs the period and its unit)',
      ],
    ],
    [
      'an auto-renewal period the provider refuses',
      'prod',
      (c) => (at(c, 'instance').autoRenewPeriod = 4),
      ['instance.autoRenewPeriod (4) must be one of 1, 2, 3, 6, 12'],
    ],
    [
      'an auto-renewal period without auto-renewal',
      'prod',
      (c) => (at(c, 'instance').autoRenew = false),
      [
        'instance.autoRenewPeriod applies when autoRenew is true',
        'instance.autoRenewPeriodUnit applies when autoRenew is true',
      ],
    ],
    [
      'auto-renewal of a pay-as-you-go instance',
      'staging',
      (c) => (at(c, 'instance').autoRenew = true),
      ['instance.autoRenew applies to Subscription only'],
    ],
    [
      'a monthly subscription longer than 6 months',
      'prod',
      (c) => Object.assign(at(c, 'instance'), { period: 7, periodUnit: 'Month' }),
      ['instance.period (7) must be within [1, 6] for periodUnit Month'],
    ],
    [
      'a yearly subscription longer than 3 years',
      'prod',
      (c) => (at(c, 'instance').period = 4),
      ['instance.period (4) must be within [1, 3] for periodUnit Year'],
    ],
    [
      'a period without its unit',
      'prod',
      (c) => delete at(c, 'instance').periodUnit,
      ['instance.periodUnit is required with period (Month: 1-6, Year: 1-3)'],
    ],
    // Item 7: the topic remark as the provider validates it.
    [
      'a topic remark with a space',
      'prod',
      (c) => (at(c, 'topics')[0].remark = 'order events'),
      [
        'topics[0].remark: must match ^[\\u4E00-\\u9FA5A-Za-z0-9_]+$ (letters, digits, _ and Chinese characters)',
      ],
    ],
    [
      'a workload whose ACL username would exceed 64 characters',
      'dev',
      (c) => {
        const name = `w${'x'.repeat(61)}`;
        at(c, 'workloads')[0].name = name;
      },
      [`workloads[0].name gives the ACL username "dev-w${'x'.repeat(61)}" of 66 characters; at most 64`],
    ],
  ])('refuses %s', (_, env, edit, expected) => {
    expect(violations(env, edit)).toEqual(expected);
  });

  test.each([
    [
      'a monthly subscription of 6 months',
      (c: Config) => Object.assign(at(c, 'instance'), { period: 6, periodUnit: 'Month' }),
    ],
    ['a yearly subscription of 3 years', (c: Config) => (at(c, 'instance').period = 3)],
    ['an auto-renewal period of 12', (c: Config) => (at(c, 'instance').autoRenewPeriod = 12)],
    ['a topic remark in Chinese with _', (c: Config) => (at(c, 'topics')[0].remark = '订单_events2')],
    [
      'a subscription without auto-renewal',
      (c: Config) => {
        const instance = at(c, 'instance');
        delete instance.autoRenew;
        delete instance.autoRenewPeriod;
        delete instance.autoRenewPeriodUnit;
      },
    ],
  ])('accepts %s (the boundary of the same rule)', (_, edit) => {
    expect(violations('prod', edit)).toEqual([]);
  });

  test.each(['dev', 'staging', 'prod'])('accepts the committed %s stack file', (env) => {
    expect(violations(env, () => undefined)).toEqual([]);
  });
});
