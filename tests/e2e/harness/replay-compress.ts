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

const RANGE = /\[(\d+)([smh])\]/g;
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };

/** Each range selector `[d]` of a PromQL query as `[d / K s]` (Prometheus duration syntax). */
export function compressQuery(where: string, query: string, k: number): string {
  return query.replace(RANGE, (_all, n: string, unit: string) => {
    const seconds = Number(n) * UNIT_SECONDS[unit];
    return `[${divide(where, `query range [${n}${unit}]`, seconds, k)}s]`;
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
