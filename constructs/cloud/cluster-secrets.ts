import * as alicloud from '@pulumi/alicloud';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  DNS1123_LABEL,
  DNS1123_LABEL_MAX_LENGTH,
  PROMETHEUS_AUTH_KEYS,
  PROMETHEUS_AUTH_SECRET_NAME,
  ROCKETMQ_CREDENTIALS_KEYS,
  rocketMqCredentialsSecretName,
} from '../shared/names';
import { assertNoViolations } from './invalid-args-error';

// Source: keda.sh/docs/2.x/scalers/prometheus, custom auth: the header KEDA sends; ARMS V1 instances read the
// token from the Authorization header.
/** The HTTP header that carries the ARMS token of a V1 instance. */
export const PROMETHEUS_TOKEN_HEADER = 'Authorization';

/** KEDA's credentials for the Prometheus HTTP API: ARMS, or a self-managed one (issue 27). */
export type PrometheusCredentials =
  | {
      /** V1 ARMS instances: the token in the Authorization header. */
      readonly auth: 'token';
      /** The ARMS token. */
      readonly token: pulumi.Input<string>;
    }
  | {
      /** V2 ARMS instances: basic auth with a RAM user's AccessKey. */
      readonly auth: 'accessKey';
      /** AccessKey ID: the basic-auth username. */
      readonly accessKeyId: pulumi.Input<string>;
      /** AccessKey secret: the basic-auth password. */
      readonly accessKeySecret: pulumi.Input<string>;
    }
  | {
      /** A self-managed Prometheus behind a bearer token (issue 27). */
      readonly auth: 'bearer';
      /** The token KEDA sends. */
      readonly token: pulumi.Input<string>;
    }
  | {
      /** A self-managed Prometheus behind basic auth (issue 27). */
      readonly auth: 'basic';
      /** The basic-auth username. */
      readonly username: pulumi.Input<string>;
      /** The basic-auth password. */
      readonly password: pulumi.Input<string>;
    };

/** One workload's RocketMQ ACL account. */
export interface WorkloadCredentials {
  /** Workload name; the Secret is rocketMqCredentialsSecretName(name). */
  readonly name: string;
  /** ACL account username. */
  readonly username: pulumi.Input<string>;
  /** ACL account password; stored as a Pulumi secret. */
  readonly password: pulumi.Input<string>;
}

/** Arguments of ClusterSecrets. */
export interface ClusterSecretsArgs {
  /**
   * Kubeconfig of the cluster the Secrets go to (a Pulumi secret): ackClusterKubeconfig(clusterId) for an ACK
   * cluster, or one the stack configures. The Secrets never use the ambient KUBECONFIG.
   */
  readonly kubeconfig: pulumi.Input<string>;
  /** Namespace of the workloads; it must exist. */
  readonly namespace: string;
  /** Credentials for the Prometheus auth Secret; none for a Prometheus KEDA reads without auth. @default none */
  readonly prometheus?: PrometheusCredentials;
  /** Name of the Prometheus auth Secret. @default PROMETHEUS_AUTH_SECRET_NAME */
  readonly prometheusSecretName?: string;
  /** One credentials Secret per workload. */
  readonly workloads: readonly WorkloadCredentials[];
  /** Extra labels on every Secret. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Every violation of the arguments, each naming its field; empty when valid. */
export function clusterSecretsViolations(args: ClusterSecretsArgs): string[] {
  const out: string[] = [];
  if (args.namespace.length > DNS1123_LABEL_MAX_LENGTH || !DNS1123_LABEL.test(args.namespace)) {
    out.push(`namespace ("${args.namespace}") must be a DNS-1123 label`);
  }
  const names = new Set<string>(
    args.prometheus === undefined ? [] : [args.prometheusSecretName ?? PROMETHEUS_AUTH_SECRET_NAME],
  );
  args.workloads.forEach((w, i) => {
    const secretName = rocketMqCredentialsSecretName(w.name);
    // The name is also the app.kubernetes.io/name label value, at most 63 characters (k8s.io/apimachinery
    // pkg/util/validation/validation.go IsValidLabelValue); the Secret name it gives then stays far below 253.
    if (w.name.length > DNS1123_LABEL_MAX_LENGTH || !DNS1123_LABEL.test(w.name)) {
      out.push(`workloads[${i}].name ("${w.name}") must be a DNS-1123 label`);
    } else if (names.has(secretName)) {
      out.push(`workloads[${i}].name ("${w.name}") gives the Secret name "${secretName}" twice`);
    }
    names.add(secretName);
  });
  return out;
}

/**
 * The kubeconfig of an ACK cluster, from the cluster's own credential (a Pulumi secret): the Secrets then go
 * to the cluster the ack-keda add-on is installed on. No temporaryDurationMinutes: the kubeconfig is kept in
 * the state for later updates and `pulumi destroy`, which do not fetch a fresh one.
 * Source: data_source_alicloud_cs_cluster_credential.go dataSourceAlicloudCSClusterCredentialRead
 * (DescribeClusterUserKubeconfig; kube_config Sensitive).
 */
export function ackClusterKubeconfig(
  clusterId: string,
  opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<string> {
  return pulumi.secret(alicloud.cs.getClusterCredentialOutput({ clusterId }, opts).kubeConfig);
}

/**
 * The keys and values of the Prometheus auth Secret, as KEDA's TriggerAuthentication reads them: the
 * Authorization header and token for 'token', username and password (the AccessKey) for 'accessKey'. Every
 * credential is a Pulumi secret.
 */
export function prometheusAuthData(credentials: PrometheusCredentials): Record<string, pulumi.Input<string>> {
  switch (credentials.auth) {
    case 'token':
      return {
        [PROMETHEUS_AUTH_KEYS.customAuthHeader]: PROMETHEUS_TOKEN_HEADER,
        [PROMETHEUS_AUTH_KEYS.customAuthValue]: pulumi.secret(credentials.token),
      };
    case 'accessKey':
      return {
        [PROMETHEUS_AUTH_KEYS.username]: pulumi.secret(credentials.accessKeyId),
        [PROMETHEUS_AUTH_KEYS.password]: pulumi.secret(credentials.accessKeySecret),
      };
    case 'bearer':
      return { [PROMETHEUS_AUTH_KEYS.bearerToken]: pulumi.secret(credentials.token) };
    case 'basic':
      return {
        [PROMETHEUS_AUTH_KEYS.username]: pulumi.secret(credentials.username),
        [PROMETHEUS_AUTH_KEYS.password]: pulumi.secret(credentials.password),
      };
  }
}

/**
 * The secret half of the hand-off, written into the cluster: the Secret KEDA's TriggerAuthentication reads for
 * ARMS Prometheus, and one Secret per workload with its RocketMQ ACL account. Names are deterministic (from
 * constructs/shared/names), so the manifests reference them without ever seeing a value.
 */
export class ClusterSecrets extends pulumi.ComponentResource {
  /** Name of the Prometheus auth Secret; undefined when there is none (auth none). */
  readonly prometheusSecretName?: string;
  /** Name of each workload's credentials Secret, by workload name. */
  readonly credentialsSecretNames: Readonly<Record<string, string>>;

  constructor(name: string, args: ClusterSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    assertNoViolations('ClusterSecrets', name, clusterSecretsViolations(args));
    super('apsaramq-keda:cloud:ClusterSecrets', name, {}, opts);

    const labels = (component: string) => ({
      ...args.labels,
      'app.kubernetes.io/part-of': 'apsaramq-keda',
      'app.kubernetes.io/component': component,
      'app.kubernetes.io/managed-by': 'pulumi',
    });
    const provider = new k8s.Provider(
      `${name}-cluster`,
      { kubeconfig: pulumi.secret(args.kubeconfig) },
      { parent: this },
    );
    // Fixed names cannot be created before the old object is deleted.
    const childOpts = { parent: this, provider, deleteBeforeReplace: true };

    if (args.prometheus !== undefined) {
      const prometheusSecretName = args.prometheusSecretName ?? PROMETHEUS_AUTH_SECRET_NAME;
      new k8s.core.v1.Secret(
        `${name}-prometheus-auth`,
        {
          metadata: {
            name: prometheusSecretName,
            namespace: args.namespace,
            labels: labels('prometheus-auth'),
          },
          type: 'Opaque',
          stringData: prometheusAuthData(args.prometheus),
        },
        childOpts,
      );
      this.prometheusSecretName = prometheusSecretName;
    }

    const secretNames: Record<string, string> = {};
    for (const workload of args.workloads) {
      const secretName = rocketMqCredentialsSecretName(workload.name);
      new k8s.core.v1.Secret(
        `${name}-${workload.name}-credentials`,
        {
          metadata: {
            name: secretName,
            namespace: args.namespace,
            labels: { ...labels('rocketmq-credentials'), 'app.kubernetes.io/name': workload.name },
          },
          type: 'Opaque',
          stringData: {
            [ROCKETMQ_CREDENTIALS_KEYS.username]: workload.username,
            [ROCKETMQ_CREDENTIALS_KEYS.password]: pulumi.secret(workload.password),
          },
        },
        childOpts,
      );
      secretNames[workload.name] = secretName;
    }
    this.credentialsSecretNames = secretNames;

    this.registerOutputs({
      prometheusSecretName: this.prometheusSecretName,
      credentialsSecretNames: this.credentialsSecretNames,
    });
  }
}
