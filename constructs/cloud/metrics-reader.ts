import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import { assertNoViolations } from './invalid-args-error';

// Source: ARMS "Managed Service for Prometheus" HTTP API authentication: a RAM user's AccessKey needs the
// system policy AliyunPrometheusMetricReadAccess to query metrics.
/** The system policy that may read ARMS Prometheus metrics and nothing else. */
export const PROMETHEUS_METRIC_READ_POLICY = 'AliyunPrometheusMetricReadAccess';
// Source: @pulumi/alicloud ram.UserPolicyAttachment.policyType (Custom, System).
/** Policy type of Alibaba Cloud's system policies. */
export const SYSTEM_POLICY_TYPE = 'System';

// Source: @pulumi/alicloud ram.User.name: 1 to 64 characters, alphanumerics and "-", ".", "_", not starting with "-".
const RAM_USER_NAME = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/;

/** Arguments of MetricsReader. */
export interface MetricsReaderArgs {
  /** RAM user name, unique in the account. */
  readonly userName: string;
  /** Comment on the RAM user (up to 128 characters). @default a sentence naming the purpose */
  readonly comments?: string;
  /** Tags of the RAM user. @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Every violation of the arguments, each naming its field; empty when valid. */
export function metricsReaderViolations(args: MetricsReaderArgs): string[] {
  const out: string[] = [];
  if (!RAM_USER_NAME.test(args.userName)) {
    out.push(
      `userName ("${args.userName}") must be 1-64 alphanumerics, ".", "_" or "-", not starting with "-"`,
    );
  }
  if (args.comments !== undefined && args.comments.length > 128) {
    out.push(`comments is ${args.comments.length} characters; at most 128`);
  }
  return out;
}

/**
 * A RAM user that can read ARMS Prometheus metrics and nothing else (the system policy
 * AliyunPrometheusMetricReadAccess only), with an AccessKey for the basic auth of V2 instances.
 */
export class MetricsReader extends pulumi.ComponentResource {
  /** RAM user name. */
  readonly userName: pulumi.Output<string>;
  /** AccessKey ID: KEDA's basic-auth username. A Pulumi secret. */
  readonly accessKeyId: pulumi.Output<string>;
  /** AccessKey secret: KEDA's basic-auth password. A Pulumi secret. */
  readonly accessKeySecret: pulumi.Output<string>;

  constructor(name: string, args: MetricsReaderArgs, opts?: pulumi.ComponentResourceOptions) {
    assertNoViolations('MetricsReader', name, metricsReaderViolations(args));
    super('apsaramq-keda:cloud:MetricsReader', name, {}, opts);

    const user = new alicloud.ram.User(
      `${name}-user`,
      {
        name: args.userName,
        comments: args.comments ?? 'Reads ARMS Prometheus metrics for KEDA; no other permission.',
        tags: args.tags === undefined ? undefined : { ...args.tags },
      },
      { parent: this },
    );
    const attachment = new alicloud.ram.UserPolicyAttachment(
      `${name}-policy`,
      { userName: user.name, policyName: PROMETHEUS_METRIC_READ_POLICY, policyType: SYSTEM_POLICY_TYPE },
      { parent: this },
    );
    const key = new alicloud.ram.AccessKey(
      `${name}-key`,
      { userName: user.name, status: 'Active' },
      // The key is handed out only once the user may read metrics with it.
      { parent: this, dependsOn: [attachment], additionalSecretOutputs: ['secret'] },
    );

    this.userName = user.name;
    this.accessKeyId = pulumi.secret(key.id);
    this.accessKeySecret = pulumi.secret(key.secret);
    this.registerOutputs({
      userName: this.userName,
      accessKeyId: this.accessKeyId,
      accessKeySecret: this.accessKeySecret,
    });
  }
}
