/**
 * The pure half of the preflight: what an answer of the API server or of Prometheus means for a check. No I/O;
 * preflight.ts fetches, these functions judge.
 */

import { type BrokerClusterSelector, promqlString } from '../../constructs/shared';
import { isRecord } from '../config/secret-findings';

export type CheckStatus = 'ok' | 'FAIL';

/** The checks, in the order they run and print. */
export type CheckName = 'keda-version' | 'metrics-api' | 'crd-fields' | 'secret' | 'broker-metrics' | 'query';

/** One line of the report: a check of one object, and the fix when it failed. */
export interface CheckResult {
  readonly check: CheckName;
  /** The object checked: `ScaledObject orders-dev/order-fulfilment`, `APIService v1beta1.external.metrics.k8s.io`. */
  readonly object: string;
  readonly status: CheckStatus;
  readonly message: string;
  /** What to do, for a failed check. */
  readonly fix?: string;
}

/** `ok   query ScaledObject orders-dev/x trigger backlog: one series (value 12)`, and `; fix: ...` on a failure. */
export function formatResult(r: CheckResult): string {
  return `${r.status.padEnd(4)} ${r.check} ${r.object}: ${r.message}${r.fix === undefined ? '' : `; fix: ${r.fix}`}`;
}

/** What a Prometheus instant query answered, as KEDA's prometheus scaler reads it. */
export type QueryOutcome =
  | { readonly kind: 'one'; readonly value: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'many'; readonly count: number }
  | { readonly kind: 'refused'; readonly status: number; readonly detail: string }
  | { readonly kind: 'invalid'; readonly detail: string };

/** At most `max` characters of an answer, on one line, for a message. */
export function excerpt(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}...` : line;
}

/**
 * An answer of `GET <serverAddress>/api/v1/query` judged as KEDA 2.17.2 does (pkg/scalers/prometheus_scaler.go
 * ExecutePromQuery): a status outside 2xx is an error; an empty result is an error with ignoreNullValues false
 * (the manifests' setting); more than one element is an error; a single element needs a [time, value] pair.
 */
export function classifyQueryAnswer(status: number, text: string): QueryOutcome {
  if (status < 200 || status > 299) return { kind: 'refused', status, detail: excerpt(text) };
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    return { kind: 'invalid', detail: `not JSON: ${excerpt(text)}` };
  }
  const data = isRecord(body) ? body.data : undefined;
  const result = isRecord(data) ? data.result : undefined;
  // A scalar or string result is a [time, value] pair, not a list of series (KEDA cannot decode it either).
  if (!Array.isArray(result) || !result.every(isRecord)) {
    return { kind: 'invalid', detail: `no data.result list of series: ${excerpt(text)}` };
  }
  if (result.length === 0) return { kind: 'none' };
  if (result.length > 1) return { kind: 'many', count: result.length };
  const value = result[0].value;
  if (!Array.isArray(value) || value.length < 2 || typeof value[1] !== 'string') {
    return { kind: 'invalid', detail: `the series has no [time, value] pair: ${excerpt(text)}` };
  }
  return { kind: 'one', value: value[1] };
}

/** A Deployment as the version check reads it. */
export interface DeploymentView {
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec?: {
    readonly template?: {
      readonly spec?: { readonly containers?: readonly { readonly name: string; readonly image?: string }[] };
    };
  };
}

const RELEASE = /^v?(\d+\.\d+\.\d+)$/;

/**
 * The KEDA release an operator Deployment runs: its `app.kubernetes.io/version` label (the Helm chart sets it
 * to the chart's appVersion, kedacore/charts keda/templates/_helpers.tpl keda.labels), else the tag of its
 * `keda-operator` container's image (`ghcr.io/kedacore/keda:2.17.2`, `...:v2.17.2`). Undefined when neither
 * is a release number (`latest`, a digest).
 */
export function kedaVersionOf(deployment: DeploymentView): { version: string; from: string } | undefined {
  const label = deployment.metadata.labels?.['app.kubernetes.io/version'];
  const fromLabel = label === undefined ? null : RELEASE.exec(label);
  if (fromLabel !== null) return { version: fromLabel[1], from: 'label app.kubernetes.io/version' };
  const containers = deployment.spec?.template?.spec?.containers ?? [];
  const container = containers.find((c) => c.name === 'keda-operator') ?? containers[0];
  const image = container?.image ?? '';
  // The tag follows the last ':' after the last '/' (a registry host may carry a port); a digest has '@'.
  const name = image.slice(image.lastIndexOf('/') + 1);
  const tag = name.includes('@') || !name.includes(':') ? '' : name.slice(name.lastIndexOf(':') + 1);
  const fromTag = RELEASE.exec(tag);
  return fromTag === null ? undefined : { version: fromTag[1], from: `image ${image}` };
}

/** An APIService's conditions as the availability check reads them. */
export interface ApiServiceView {
  readonly status?: {
    readonly conditions?: readonly {
      readonly type: string;
      readonly status: string;
      readonly reason?: string;
      readonly message?: string;
    }[];
  };
}

/**
 * Whether the aggregator reaches the APIService: its `Available` condition is `True` (kube-aggregator v0.32
 * pkg/controllers/status/remote remote_available_controller.go); otherwise the condition's reason and message.
 */
export function apiServiceAvailability(
  apiService: ApiServiceView,
): { available: true } | { available: false; why: string } {
  const condition = apiService.status?.conditions?.find((c) => c.type === 'Available');
  if (condition === undefined) return { available: false, why: 'has no Available condition yet' };
  if (condition.status === 'True') return { available: true };
  const detail = [condition.reason, condition.message].filter((s) => s !== undefined && s !== '').join(': ');
  return { available: false, why: `Available is ${condition.status}${detail === '' ? '' : ` (${detail})`}` };
}

/** The keys of `wanted` a Secret lacks, given the keys it has (its `data`), sorted and once each. */
export function missingSecretKeys(present: Iterable<string>, wanted: Iterable<string>): string[] {
  const has = new Set(present);
  return [...new Set(wanted)].filter((k) => !has.has(k)).sort();
}

/** `text` with every secret value replaced: an answer may echo what was sent. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets
    .filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length)
    .reduce((out, s) => out.split(s).join('[redacted]'), text);
}

/**
 * The series the broker's metrics give an instance: any `rocketmq_*` series with its `instance_id`, counted, so
 * the answer is one series when the metrics reach this Prometheus and none when they do not. ARMS attaches
 * `instance_id` to the RocketMQ 5.x cloud-service metrics (constructs/shared/promql.ts); the regex matches metric
 * names only, the instance is an exact match.
 */
export function brokerMetricsQuery(scope: string | BrokerClusterSelector): string {
  return `count({__name__=~"rocketmq_.+", ${scopeSelector(scope)}})`;
}

/** `instance_id="…"` for an ARMS instance id, `<clusterLabel>="…"` for a self-managed broker cluster. */
function scopeSelector(scope: string | BrokerClusterSelector): string {
  return typeof scope === 'string'
    ? `instance_id=${promqlString(scope)}`
    : `${scope.label}=${promqlString(scope.name)}`;
}

/**
 * What the broker-metrics query's answer means. None: the instance's metrics do not reach the Prometheus KEDA
 * reads, which on ARMS is the guide's prerequisite "Aliyun RocketMQ (5.0) Service integrated in the ARMS
 * console" (alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/
 * horizontal-pod-autoscaling-based-on-the-metrics-of-message-queue-for-apache-rocketmq, Prerequisites), a
 * console step the stack cannot take (infra/README.md).
 */
export function judgeBrokerMetrics(
  outcome: QueryOutcome,
  where: {
    /** The ARMS instance id, or the self-managed broker cluster. */
    readonly scope: string | BrokerClusterSelector;
    readonly serverAddress: string;
    readonly environment: string;
  },
): Pick<CheckResult, 'status' | 'message' | 'fix'> {
  const arms = typeof where.scope === 'string';
  const selected =
    typeof where.scope === 'string'
      ? `instance_id ${where.scope}`
      : `${where.scope.label} ${where.scope.name}`;
  switch (outcome.kind) {
    case 'one':
      return {
        status: 'ok',
        message: `${outcome.value} rocketmq_* series with ${selected} at ${where.serverAddress}`,
      };
    case 'none':
      return {
        status: 'FAIL',
        message: `no rocketmq_* series with ${selected} at ${where.serverAddress}: the ${arms ? "instance's" : "broker's"} metrics do not reach the Prometheus KEDA reads, so nothing scales or alerts`,
        fix: arms
          ? 'integrate "Alibaba Cloud RocketMQ (5.0)" in the ARMS console (Integration Center), a step pulumi up cannot take (infra/README.md), and check that instanceId in the hand-off is the instance\'s'
          : "make the in-cluster Prometheus scrape the brokers' exporter (broker.conf metricsExporterType=PROM, its metricsPromExporterPort), and check selfManaged.brokerCluster and clusterLabel against the labels it stores",
      };
    case 'many':
      // count() without `by` answers one series at most: more is no Prometheus.
      return {
        status: 'FAIL',
        message: `${where.serverAddress} answered ${outcome.count} series to a count(): not a Prometheus API`,
        fix: 'serverAddress must be the Prometheus HTTP API base (KEDA appends /api/v1/query)',
      };
    case 'refused':
      return {
        status: 'FAIL',
        message: `${where.serverAddress} answered HTTP ${outcome.status}: ${outcome.detail}`,
        fix:
          outcome.status === 401 || outcome.status === 403
            ? `the credentials in the Secret are refused: rotate them with pulumi up --stack ${where.environment}`
            : 'check the serverAddress in the hand-off (npm run outputs)',
      };
    case 'invalid':
      return {
        status: 'FAIL',
        message: `${where.serverAddress} answered no Prometheus result: ${outcome.detail}`,
        fix: 'serverAddress must be the Prometheus HTTP API base (KEDA appends /api/v1/query)',
      };
  }
}

/**
 * The arrival part of a demand trigger's query (`sum(rate(<counter>{...}[<range>]))`, constructs/shared/promql.ts
 * demandQuery), sent alone by the preflight: the whole query reads a missing counter as a rate of 0. Undefined
 * for a query without one.
 */
export function demandArrivalQuery(query: string): string | undefined {
  return /sum\(rate\([^[]*\[[^\]]*\]\)\)/.exec(query)?.[0];
}

/** The verdict on a demand trigger's arrival part: one series is ok, anything else leaves the demand without arrivals. */
export function judgeDemandArrival(
  outcome: QueryOutcome,
  serverAddress: string,
): Pick<CheckResult, 'status' | 'message' | 'fix'> {
  if (outcome.kind === 'one') return { status: 'ok', message: `one series (value ${outcome.value})` };
  const what =
    outcome.kind === 'none'
      ? 'no series'
      : outcome.kind === 'many'
        ? `${outcome.count} series`
        : outcome.kind === 'refused'
          ? `HTTP ${outcome.status}`
          : 'no Prometheus result';
  return {
    status: 'FAIL',
    message: `${what} from ${serverAddress}: the demand counts no arrivals, only the backlog`,
    fix: 'check scaleOnDemand.metricName and its labels (instance_id, topic) against the series Prometheus has',
  };
}
