/**
 * Names both sides agree on without seeing each other's values: Pulumi creates the Secrets under these
 * names, cdk8s references them. Renaming one breaks the hand-off between a deployed stack and dist/.
 */

/** Kubernetes object names are DNS-1123 labels: lowercase alphanumerics and '-', at most 63 characters. */
// Source: kubernetes.io/docs/concepts/overview/working-with-objects/names (RFC 1123 label names).
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Longest DNS-1123 label. */
export const DNS1123_LABEL_MAX_LENGTH = 63;

/** Secret names are DNS-1123 subdomains: labels joined by '.', at most 253 characters. */
// Source: kubernetes.io/docs/concepts/overview/working-with-objects/names (DNS Subdomain Names).
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Longest DNS-1123 subdomain. */
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

/** A key of a Secret's data. */
// Source: k8s.io/apimachinery pkg/util/validation/validation.go IsConfigMapKey (configMapKeyFmt, at most 253).
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const SECRET_KEY_MAX_LENGTH = 253;
/** The rule isSecretKey checks, for messages. */
export const SECRET_KEY_RULE = '[-._a-zA-Z0-9], at most 253 characters, not "." nor starting with ".."';

/** Whether `key` may be a key of a Secret's data (IsConfigMapKey, with its hasChDirPrefix check). */
export function isSecretKey(key: string): boolean {
  return key.length <= SECRET_KEY_MAX_LENGTH && SECRET_KEY.test(key) && key !== '.' && !key.startsWith('..');
}

/** Whether `name` may be the name of a Secret. */
export function isSecretName(name: string): boolean {
  return name.length <= DNS1123_SUBDOMAIN_MAX_LENGTH && DNS1123_SUBDOMAIN.test(name);
}

/** Name of the Secret holding KEDA's credentials for the ARMS Prometheus HTTP API. */
export const PROMETHEUS_AUTH_SECRET_NAME = 'keda-arms-prometheus-auth';

/** Name of the Secret holding KEDA's credentials for a self-managed (in-cluster) Prometheus (issue 27). */
export const SELF_MANAGED_PROMETHEUS_AUTH_SECRET_NAME = 'keda-prometheus-auth';

/** Keys of the Prometheus auth Secret, as KEDA's prometheus scaler reads them through a TriggerAuthentication. */
// Source: keda.sh/docs/2.x/scalers/prometheus ("Authentication Parameters").
export const PROMETHEUS_AUTH_KEYS = {
  /** Name of the HTTP header of `custom` auth (V1 ARMS instances: the token header). */
  customAuthHeader: 'customAuthHeader',
  /** Value of that header: the ARMS token. */
  customAuthValue: 'customAuthValue',
  /** Basic-auth username (V2 instances): the metrics reader's AccessKey ID. */
  username: 'username',
  /** Basic-auth password (V2 instances): the metrics reader's AccessKey secret. */
  password: 'password',
  /** Bearer token of `bearer` auth (a self-managed Prometheus, issue 27). */
  bearerToken: 'bearerToken',
} as const;

/** Keys of a workload's RocketMQ ACL credentials Secret. */
export const ROCKETMQ_CREDENTIALS_KEYS = {
  /** The ACL account's username. */
  username: 'username',
  /** The ACL account's password. */
  password: 'password',
} as const;

/** Name of the Secret holding one workload's RocketMQ ACL account. */
export function rocketMqCredentialsSecretName(workloadName: string): string {
  return `${workloadName}-rocketmq-credentials`;
}

/** Name of the ACL account (username) of one workload on the RocketMQ instance. */
export function rocketMqAccountName(environment: string, workloadName: string): string {
  return `${environment}-${workloadName}`;
}
