/**
 * Time compression of the controller replay: every period of a synthesized ScaledObject is divided by one
 * factor K, as kube-controller-manager's HPA periods are (flags), so a production timeline of N seconds replays
 * in N / K seconds. The simulator runs the production periods and its times are divided by K; the two sides are
 * the same model on one clock. A rate is a count per period, so a per-second threshold is multiplied by K (the
 * exporter serves counts unchanged: N messages arrive in N / K real seconds).
 */
import type { KubeObject } from './control-plane';

/** KEDA's defaults when a ScaledObject omits them (kedacore/keda apis/keda/v1alpha1/scaledobject_types.go). */
const KEDA_DEFAULT_POLLING_SECONDS = 30;
const KEDA_DEFAULT_COOLDOWN_SECONDS = 300;

/** A duration the replay divides: `value` seconds at `field`, which must be a whole multiple of K. */
function divide(where: string, field: string, value: number, k: number): number {
  if (!Number.isInteger(value) || value % k !== 0)
    throw new RangeError(
      `${where}: ${field} ${value} s is not a whole multiple of the replay's compression factor ${k}`,
    );
  return value / k;
}

/** A Prometheus duration of whole units (`90s`, `1m30s`, `2h`), in seconds; undefined for any other text. */
function durationSeconds(text: string): number | undefined {
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (m === null || text === '') return undefined;
  const [d, h, min, s] = m.slice(1).map((v) => Number(v ?? 0));
  return ((d * 24 + h) * 60 + min) * 60 + s;
}

/**
 * Each range `[d]`, subquery `[d:r]` and `offset d` of a PromQL expression divided by k, written in seconds. A
 * range compressed below `minRangeSeconds` is refused: rate() and increase() need two samples in it.
 */
function compressExpr(where: string, expr: string, k: number, minRangeSeconds: number): string {
  const divided = (what: string, text: string): number => {
    const seconds = durationSeconds(text);
    if (seconds === undefined) throw new RangeError(`${where}: ${what} is not a duration the replay reads`);
    return divide(where, what, seconds, k);
  };
  return expr
    .replace(/\[([0-9a-z]+)(?::([0-9a-z]*))?\]/g, (all: string, range: string, step: string | undefined) => {
      const seconds = divided(`query range ${all}`, range);
      if (seconds < minRangeSeconds)
        throw new RangeError(
          `${where}: query range ${all} becomes ${seconds} s, below ${minRangeSeconds} s: two scrapes of the replay's Prometheus`,
        );
      if (step === undefined) return `[${seconds}s]`;
      return `[${seconds}s:${step === '' ? '' : `${divided(`subquery step ${all}`, step)}s`}]`;
    })
    .replace(/\boffset\s+([0-9a-z]+)/g, (all: string, d: string) => `offset ${divided(all, d)}s`);
}

/** Each range selector `[d]` of a PromQL query as `[d / K s]` (Prometheus duration syntax). */
export function compressQuery(where: string, query: string, k: number): string {
  return compressExpr(where, query, k, 0);
}

/**
 * The Prometheus Operator's rule evaluation interval when neither the Prometheus nor a group sets one
 * (prometheus-operator v0.93.0 pkg/apis/monitoring/v1/prometheus_types.go, evaluationInterval default "30s").
 */
export const OPERATOR_EVALUATION_INTERVAL_SECONDS = 30;

/** One alerting or recording rule of a PrometheusRule (prometheus-operator prometheusrule_types.go Rule). */
export interface PrometheusRuleRule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly keep_firing_for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** One group of a PrometheusRule's spec.groups (prometheus-operator prometheusrule_types.go RuleGroup). */
export interface PrometheusRuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly PrometheusRuleRule[];
}

/**
 * A PrometheusRule's groups on the replay's clock, as a Prometheus rule file takes them: each group's evaluation
 * interval (OPERATOR_EVALUATION_INTERVAL_SECONDS when it sets none), each rule's `for` and `keep_firing_for`, and
 * every range, subquery and offset of its expr divided by k (so `for: 1m` → `12s`, `[1m]` → `[12s]` for k = 5).
 * Refuses (RangeError naming the group, rule and field) a duration that is not a whole multiple of k seconds, and
 * a range that would hold fewer than two scrapes at `scrapeSeconds`.
 */
export function compressRuleGroups(
  groups: readonly PrometheusRuleGroup[],
  k: number,
  scrapeSeconds: number,
): PrometheusRuleGroup[] {
  return groups.map((group) => {
    const interval = group.interval ?? `${OPERATOR_EVALUATION_INTERVAL_SECONDS}s`;
    const seconds = (where: string, field: string, text: string): string => {
      const value = durationSeconds(text);
      if (value === undefined)
        throw new RangeError(`${where}: ${field} ${text} is not a duration the replay reads`);
      return `${divide(where, `${field} ${text}`, value, k)}s`;
    };
    return {
      ...group,
      interval: seconds(`rule group ${group.name}`, 'interval', interval),
      rules: group.rules.map((rule) => {
        const where = `rule group ${group.name} rule ${rule.alert ?? rule.record ?? '?'}`;
        return {
          ...rule,
          expr: compressExpr(where, rule.expr, k, 2 * scrapeSeconds),
          ...(rule.for !== undefined && { for: seconds(where, 'for', rule.for) }),
          ...(rule.keep_firing_for !== undefined && {
            keep_firing_for: seconds(where, 'keep_firing_for', rule.keep_firing_for),
          }),
        };
      }),
    };
  });
}

/** A per-second value of a query (rate/irate) is multiplied by K; a count (a backlog, increase) is not. */
function perSecond(query: string): boolean {
  return /(^|[^a-z_])i?rate\(/.test(query);
}

interface Policy {
  type: string;
  value: number;
  periodSeconds: number;
}
interface Rules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: string;
  policies?: Policy[];
}
interface ScaledObjectSpec {
  pollingInterval?: number;
  cooldownPeriod?: number;
  initialCooldownPeriod?: number;
  advanced?: { horizontalPodAutoscalerConfig?: { behavior?: { scaleUp?: Rules; scaleDown?: Rules } } };
  triggers: { type: string; name?: string; metadata: Record<string, string> }[];
}

/**
 * A ScaledObject with every period divided by `k`. Refuses (RangeError naming the object and field) a period
 * that is not a whole multiple of `k`, and a behavior with only one direction: the API server would fill the
 * other with uncompressed defaults (k8s.io/kubernetes pkg/apis/autoscaling/v2/defaults.go).
 */
export function compressScaledObject(object: KubeObject, k: number): KubeObject {
  if (object.kind !== 'ScaledObject') return object;
  const where = `ScaledObject ${object.metadata.namespace ?? ''}/${object.metadata.name}`;
  const spec = structuredClone(object.spec) as ScaledObjectSpec;
  spec.pollingInterval = divide(
    where,
    'spec.pollingInterval',
    spec.pollingInterval ?? KEDA_DEFAULT_POLLING_SECONDS,
    k,
  );
  spec.cooldownPeriod = divide(
    where,
    'spec.cooldownPeriod',
    spec.cooldownPeriod ?? KEDA_DEFAULT_COOLDOWN_SECONDS,
    k,
  );
  if (spec.initialCooldownPeriod !== undefined)
    spec.initialCooldownPeriod = divide(where, 'spec.initialCooldownPeriod', spec.initialCooldownPeriod, k);
  const behavior = spec.advanced?.horizontalPodAutoscalerConfig?.behavior;
  if (behavior !== undefined) {
    for (const direction of ['scaleUp', 'scaleDown'] as const) {
      const rules = behavior[direction];
      const at = `spec.advanced.horizontalPodAutoscalerConfig.behavior.${direction}`;
      if (
        rules === undefined ||
        rules.stabilizationWindowSeconds === undefined ||
        rules.policies === undefined
      )
        throw new RangeError(
          `${where}: ${at} must give stabilizationWindowSeconds and policies, or the API server's uncompressed defaults apply`,
        );
      rules.stabilizationWindowSeconds = divide(
        where,
        `${at}.stabilizationWindowSeconds`,
        rules.stabilizationWindowSeconds,
        k,
      );
      rules.policies.forEach((p, i) => {
        p.periodSeconds = divide(where, `${at}.policies[${i}].periodSeconds`, p.periodSeconds, k);
      });
    }
  }
  for (const trigger of spec.triggers) {
    if (trigger.type !== 'prometheus') continue;
    const at = `${where} trigger ${trigger.name ?? trigger.type}`;
    const query = trigger.metadata.query;
    trigger.metadata.query = compressQuery(at, query, k);
    // The demand query divides the backlog by drainSeconds, a period: / K like the rest (its rate() part and the
    // threshold are per second, × K below), so the whole value is K × the production demand.
    if (trigger.name === 'demand')
      trigger.metadata.query = trigger.metadata.query.replace(
        /\) \/ (\d+(?:\.\d+)?)\) \/ /,
        (_all, drain: string) => `) / ${divide(at, 'the demand drainSeconds', Number(drain), k)}) / `,
      );
    // Its clamp (queue-based) is in pods: × K with the value.
    if (trigger.name === 'demand')
      trigger.metadata.query = trigger.metadata.query.replace(
        /^(clamp_max\(.*), (\d+)\)$/,
        (_all, inner: string, pods: string) => `${inner}, ${Number(pods) * k})`,
      );
    if (perSecond(query))
      for (const key of ['threshold', 'activationThreshold'])
        if (trigger.metadata[key] !== undefined)
          trigger.metadata[key] = String(Number((Number(trigger.metadata[key]) * k).toPrecision(12)));
  }
  return { ...object, spec };
}

/** The minute and hour of `instant` in `timezone`, as a daily cron expression `m h * * *`. */
export function dailyCron(instant: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)!.value);
  return `${get('minute')} ${get('hour')} * * *`;
}

/**
 * The cron trigger named `name` moved onto the replay's wall clock: active from `start` to `end` (whole
 * minutes) in the trigger's own timezone, desiredReplicas as synthesized. Cron has minute resolution, so a
 * window cannot be compressed; it is moved.
 */
export function moveCronWindow(object: KubeObject, name: string, start: Date, end: Date): KubeObject {
  const spec = structuredClone(object.spec) as ScaledObjectSpec;
  const trigger = spec.triggers.find((t) => t.type === 'cron' && t.name === name);
  if (trigger === undefined)
    throw new Error(`ScaledObject ${object.metadata.name}: no cron trigger named ${name}`);
  for (const instant of [start, end])
    if (instant.getTime() % 60_000 !== 0)
      throw new RangeError(`a cron window starts and ends on a whole minute, got ${instant.toISOString()}`);
  trigger.metadata.start = dailyCron(start, trigger.metadata.timezone);
  trigger.metadata.end = dailyCron(end, trigger.metadata.timezone);
  return { ...object, spec };
}
