import { INT32_MAX } from './guards';
import {
  DEFAULT_SCALE_UP_LIMIT_FACTOR,
  SCALE_UP_LIMIT_MINIMUM,
  type HpaLimitReason,
  type HpaState,
  type ResolvedBehavior,
  type ResolvedScalingRules,
  type TimedScaleEvent,
} from './hpa-behavior';

// The HPA's rate limits (kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go):
// convertDesiredReplicasWithRules (no behavior) and convertDesiredReplicasWithBehaviorRate (with behavior).

/** Legacy scale-up cap: `int32(max(factor × current, 4))`. */
export function legacyScaleUpLimit(currentReplicas: number, factor = DEFAULT_SCALE_UP_LIMIT_FACTOR): number {
  return Math.trunc(Math.max(factor * currentReplicas, SCALE_UP_LIMIT_MINIMUM));
}

/** The replica count the HPA's rate limits allow, and the limit that set it. */
export interface LimitedReplicas {
  /** Replicas after the limits. */
  readonly replicas: number;
  /** The limit that set them, or DesiredWithinRange. */
  readonly reason: HpaLimitReason;
}

/** convertDesiredReplicasWithRules: clamps to [min, min(max, scale-up limit)]. */
export function convertDesiredReplicasWithRules(
  currentReplicas: number,
  desiredReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  scaleUpLimitFactor = DEFAULT_SCALE_UP_LIMIT_FACTOR,
): LimitedReplicas {
  const scaleUpLimit = legacyScaleUpLimit(currentReplicas, scaleUpLimitFactor);
  const limitedByRate = maxReplicas > scaleUpLimit;
  const maximumAllowed = limitedByRate ? scaleUpLimit : maxReplicas;
  if (desiredReplicas < minReplicas) return { replicas: minReplicas, reason: 'TooFewReplicas' };
  if (desiredReplicas > maximumAllowed) {
    return { replicas: maximumAllowed, reason: limitedByRate ? 'ScaleUpLimit' : 'TooManyReplicas' };
  }
  return { replicas: desiredReplicas, reason: 'DesiredWithinRange' };
}

/** Sum of the changes recorded after `now − periodSeconds` (getReplicasChangePerPeriod). */
function changeInPeriod(events: readonly TimedScaleEvent[], periodSeconds: number, now: number): number {
  const cutoff = now - periodSeconds;
  return events.reduce((sum, e) => (e.at > cutoff ? sum + e.change : sum), 0);
}

function periodStartReplicas(
  currentReplicas: number,
  state: HpaState,
  periodSeconds: number,
  now: number,
): number {
  return (
    currentReplicas -
    changeInPeriod(state.scaleUpEvents, periodSeconds, now) +
    changeInPeriod(state.scaleDownEvents, periodSeconds, now)
  );
}

/** calculateScaleUpLimitWithScalingRules. */
export function scaleUpLimitWithRules(
  currentReplicas: number,
  state: HpaState,
  rules: ResolvedScalingRules,
  now: number,
): number {
  if (rules.selectPolicy === 'Disabled') return currentReplicas;
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? INT32_MAX : -INT32_MAX - 1;
  for (const policy of rules.policies) {
    const start = periodStartReplicas(currentReplicas, state, policy.periodSeconds, now);
    const proposed =
      policy.type === 'Pods' ? start + policy.value : Math.ceil(start * (1 + policy.value / 100));
    result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors. */
export function scaleDownLimitWithRules(
  currentReplicas: number,
  state: HpaState,
  rules: ResolvedScalingRules,
  now: number,
): number {
  if (rules.selectPolicy === 'Disabled') return currentReplicas;
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? -INT32_MAX - 1 : INT32_MAX;
  for (const policy of rules.policies) {
    const start = periodStartReplicas(currentReplicas, state, policy.periodSeconds, now);
    const proposed =
      policy.type === 'Pods' ? start - policy.value : Math.trunc(start * (1 - policy.value / 100));
    // Scaling down, the smallest change is the largest count.
    result = pickMin ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** What convertDesiredReplicasWithBehaviorRate limits: the stabilized recommendation and the HPA's memory. */
export interface BehaviorRateInput {
  /** `spec.replicas` of the scale target. */
  readonly currentReplicas: number;
  /** The stabilized recommendation. */
  readonly desiredReplicas: number;
  /** The HPA's minReplicas. */
  readonly minReplicas: number;
  /** The HPA's maxReplicas. */
  readonly maxReplicas: number;
  /** The behavior with its defaults. */
  readonly behavior: ResolvedBehavior;
  /** Past scale events the policies count. */
  readonly state: HpaState;
  /** Seconds on the clock of the events in `state`. */
  readonly now: number;
}

/** convertDesiredReplicasWithBehaviorRate: the behavior's rate limits, then [min, max]. */
export function convertDesiredReplicasWithBehaviorRate(input: BehaviorRateInput): LimitedReplicas {
  const { currentReplicas, desiredReplicas, minReplicas, maxReplicas, behavior, state, now } = input;
  if (desiredReplicas > currentReplicas) {
    const limit = Math.max(
      currentReplicas,
      scaleUpLimitWithRules(currentReplicas, state, behavior.scaleUp, now),
    );
    const limitedByRate = maxReplicas > limit;
    const maximumAllowed = limitedByRate ? limit : maxReplicas;
    if (desiredReplicas > maximumAllowed) {
      return { replicas: maximumAllowed, reason: limitedByRate ? 'ScaleUpLimit' : 'TooManyReplicas' };
    }
  } else if (desiredReplicas < currentReplicas) {
    const limit = Math.min(
      currentReplicas,
      scaleDownLimitWithRules(currentReplicas, state, behavior.scaleDown, now),
    );
    const limitedByRate = minReplicas < limit;
    const minimumAllowed = limitedByRate ? limit : minReplicas;
    if (desiredReplicas < minimumAllowed) {
      return { replicas: minimumAllowed, reason: limitedByRate ? 'ScaleDownLimit' : 'TooFewReplicas' };
    }
  }
  return { replicas: desiredReplicas, reason: 'DesiredWithinRange' };
}
