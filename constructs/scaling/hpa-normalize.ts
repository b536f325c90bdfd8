import { INT32_MAX, requireInt } from './guards';

// Everything in this file reproduces kube-controller-manager's HorizontalController
// (kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go): reconcileAutoscaler's guard branches,
// recordInitialRecommendation, stabilizeRecommendation + convertDesiredReplicasWithRules (no behavior),
// stabilizeRecommendationWithBehaviors + convertDesiredReplicasWithBehaviorRate (with behavior), storeScaleEvent.
// Time is whole seconds; `Before`/`After` keep the controller's strict comparisons.

/** Source: kube-controller-manager `--horizontal-pod-autoscaler-downscale-stabilization`, default 5m. */
export const DEFAULT_DOWNSCALE_STABILIZATION_SECONDS = 300;
/** Source: horizontal.go `scaleUpLimitFactor` (production 2; the upstream unit tests set 8). */
export const DEFAULT_SCALE_UP_LIMIT_FACTOR = 2;
/** Source: horizontal.go `scaleUpLimitMinimum`. */
export const SCALE_UP_LIMIT_MINIMUM = 4;
/** Source: autoscaling/v2 validation: policy periodSeconds in (0, 1800], windows in [0, 3600]. */
export const MAX_POLICY_PERIOD_SECONDS = 1800;
export const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

export interface HpaScalingPolicy {
  readonly type: 'Pods' | 'Percent';
  /** Pods, or percent of the period-start replica count. */
  readonly value: number;
  readonly periodSeconds: number;
}

/** autoscaling/v2 HPAScalingRules. */
export interface HpaScalingRules {
  /** @default 0 for scale-up, the controller's downscale stabilization (300) for scale-down */
  readonly stabilizationWindowSeconds?: number;
  /** @default 'Max' */
  readonly selectPolicy?: 'Max' | 'Min' | 'Disabled';
  /** @default up: Pods 4 / 15 s and Percent 100 / 15 s; down: Percent 100 / 15 s */
  readonly policies?: readonly HpaScalingPolicy[];
}

/** autoscaling/v2 HorizontalPodAutoscalerBehavior. */
export interface HpaBehavior {
  /** @default upstream scale-up rules */
  readonly scaleUp?: HpaScalingRules;
  /** @default upstream scale-down rules */
  readonly scaleDown?: HpaScalingRules;
}

export interface ResolvedScalingRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy: 'Max' | 'Min' | 'Disabled';
  readonly policies: readonly HpaScalingPolicy[];
}

export interface ResolvedBehavior {
  readonly scaleUp: ResolvedScalingRules;
  readonly scaleDown: ResolvedScalingRules;
}

export interface TimedRecommendation {
  /** Seconds. */
  readonly at: number;
  readonly replicas: number;
}

export interface TimedScaleEvent {
  /** Seconds. */
  readonly at: number;
  /** Replicas added (up events) or removed (down events); positive. */
  readonly change: number;
}

/** What the controller remembers about one HPA between reconciliations. */
export interface HpaState {
  readonly recommendations: readonly TimedRecommendation[];
  readonly scaleUpEvents: readonly TimedScaleEvent[];
  readonly scaleDownEvents: readonly TimedScaleEvent[];
}

export type HpaLimitReason =
  | 'ScalingDisabled'
  | 'AboveMaxReplicas'
  | 'BelowMinReplicas'
  | 'DesiredWithinRange'
  | 'ScaleUpLimit'
  | 'ScaleDownLimit'
  | 'TooManyReplicas'
  | 'TooFewReplicas';

export type HpaStabilizationReason = 'ReadyForNewScale' | 'ScaleUpStabilized' | 'ScaleDownStabilized';

export interface HpaNormalizeInput {
  /** Seconds on any monotonic clock. */
  readonly now: number;
  /** `spec.replicas` of the scale target. */
  readonly currentReplicas: number;
  /** The largest metric proposal (e.g. from `hpaExternalProposal`). */
  readonly desiredReplicas: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** @default none: the legacy path KEDA's HPA takes unless `horizontalPodAutoscalerConfig.behavior` is set */
  readonly behavior?: HpaBehavior;
  /** @default none: the controller sees this HPA for the first time */
  readonly state?: HpaState;
  /** @default 300 */
  readonly downscaleStabilizationSeconds?: number;
  /** @default 2 (the upstream unit tests use 8) */
  readonly scaleUpLimitFactor?: number;
}

export interface HpaNormalizeResult {
  /** Replicas the controller writes to the scale subresource. */
  readonly replicas: number;
  /** The ScalingLimited reason, or the guard that short-circuited normalization. */
  readonly reason: HpaLimitReason;
  /** The AbleToScale reason; undefined when a guard branch ran. */
  readonly stabilizationReason?: HpaStabilizationReason;
  /** Recommendation after stabilization, before rate limits; undefined when a guard branch ran. */
  readonly stabilizedReplicas?: number;
  readonly state: HpaState;
}

const DEFAULT_SCALING_PERIOD_SECONDS = 15;
/** Source: pkg/apis/autoscaling/v2/defaults.go GenerateHPAScaleUpRules / GenerateHPAScaleDownRules. */
const DEFAULT_SCALE_UP_POLICIES: readonly HpaScalingPolicy[] = [
  { type: 'Pods', value: 4, periodSeconds: DEFAULT_SCALING_PERIOD_SECONDS },
  { type: 'Percent', value: 100, periodSeconds: DEFAULT_SCALING_PERIOD_SECONDS },
];
const DEFAULT_SCALE_DOWN_POLICIES: readonly HpaScalingPolicy[] = [
  { type: 'Percent', value: 100, periodSeconds: DEFAULT_SCALING_PERIOD_SECONDS },
];

function resolveRules(
  name: string,
  rules: HpaScalingRules | undefined,
  defaultWindow: number,
  defaultPolicies: readonly HpaScalingPolicy[],
): ResolvedScalingRules {
  const window = rules?.stabilizationWindowSeconds ?? defaultWindow;
  requireInt(`${name}.stabilizationWindowSeconds`, window);
  if (window > MAX_STABILIZATION_WINDOW_SECONDS) {
    throw new RangeError(
      `${name}.stabilizationWindowSeconds must be <= ${MAX_STABILIZATION_WINDOW_SECONDS}, got ${window}`,
    );
  }
  const selectPolicy = rules?.selectPolicy ?? 'Max';
  if (!['Max', 'Min', 'Disabled'].includes(selectPolicy)) {
    throw new RangeError(`${name}.selectPolicy must be Max, Min or Disabled, got ${String(selectPolicy)}`);
  }
  const policies = rules?.policies ?? defaultPolicies;
  if (policies.length === 0) throw new RangeError(`${name}.policies must list at least one policy`);
  policies.forEach((policy, i) => {
    const at = `${name}.policies[${i}]`;
    if (policy.type !== 'Pods' && policy.type !== 'Percent') {
      throw new RangeError(`${at}.type must be Pods or Percent, got ${String(policy.type)}`);
    }
    requireInt(`${at}.value`, policy.value, 1);
    requireInt(`${at}.periodSeconds`, policy.periodSeconds, 1);
    if (policy.periodSeconds > MAX_POLICY_PERIOD_SECONDS) {
      throw new RangeError(
        `${at}.periodSeconds must be <= ${MAX_POLICY_PERIOD_SECONDS}, got ${policy.periodSeconds}`,
      );
    }
  });
  return { stabilizationWindowSeconds: window, selectPolicy, policies: policies.map((p) => ({ ...p })) };
}

/**
 * Fills a behavior's missing fields with the API server defaults, and the scale-down window with the
 * controller's downscale stabilization (maybeInitScaleDownStabilizationWindow).
 */
export function resolveBehavior(
  behavior: HpaBehavior,
  downscaleStabilizationSeconds = DEFAULT_DOWNSCALE_STABILIZATION_SECONDS,
): ResolvedBehavior {
  return {
    scaleUp: resolveRules('behavior.scaleUp', behavior.scaleUp, 0, DEFAULT_SCALE_UP_POLICIES),
    scaleDown: resolveRules(
      'behavior.scaleDown',
      behavior.scaleDown,
      downscaleStabilizationSeconds,
      DEFAULT_SCALE_DOWN_POLICIES,
    ),
  };
}

function copyState(state: HpaState): {
  recommendations: TimedRecommendation[];
  scaleUpEvents: TimedScaleEvent[];
  scaleDownEvents: TimedScaleEvent[];
} {
  return {
    recommendations: state.recommendations.map((r) => ({ ...r })),
    scaleUpEvents: state.scaleUpEvents.map((e) => ({ ...e })),
    scaleDownEvents: state.scaleDownEvents.map((e) => ({ ...e })),
  };
}

function validateState(state: HpaState): void {
  const lists = ['recommendations', 'scaleUpEvents', 'scaleDownEvents'] as const;
  for (const list of lists) {
    if (!Array.isArray(state[list])) throw new RangeError(`state.${list} must be an array`);
  }
  state.recommendations.forEach((r, i) => {
    requireFiniteTime(`state.recommendations[${i}].at`, r.at);
    requireInt(`state.recommendations[${i}].replicas`, r.replicas);
  });
  for (const list of ['scaleUpEvents', 'scaleDownEvents'] as const) {
    state[list].forEach((e, i) => {
      requireFiniteTime(`state.${list}[${i}].at`, e.at);
      requireInt(`state.${list}[${i}].change`, e.change, 1);
    });
  }
}

function requireFiniteTime(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number of seconds, got ${String(value)}`);
  }
}

/** Replaces the last sample matching `isOld`, or appends: the controller's fixed-size history. */
function storeSample<T>(list: T[], isOld: (item: T) => boolean, sample: T): void {
  let oldIndex = -1;
  list.forEach((item, i) => {
    if (isOld(item)) oldIndex = i;
  });
  if (oldIndex >= 0) list[oldIndex] = sample;
  else list.push(sample);
}

/** Legacy path: max of the desired count and every recommendation not older than the window. */
function stabilizeRecommendation(
  recommendations: TimedRecommendation[],
  desired: number,
  now: number,
  windowSeconds: number,
): number {
  const cutoff = now - windowSeconds;
  let stabilized = desired;
  for (const rec of recommendations) {
    if (!(rec.at < cutoff) && rec.replicas > stabilized) stabilized = rec.replicas;
  }
  storeSample(recommendations, (rec) => rec.at < cutoff, { at: now, replicas: desired });
  return stabilized;
}

/** Legacy scale-up cap: `int32(max(factor × current, 4))`. */
export function legacyScaleUpLimit(currentReplicas: number, factor = DEFAULT_SCALE_UP_LIMIT_FACTOR): number {
  return Math.trunc(Math.max(factor * currentReplicas, SCALE_UP_LIMIT_MINIMUM));
}

/** convertDesiredReplicasWithRules: clamps to [min, min(max, scale-up limit)]. */
export function convertDesiredReplicasWithRules(
  currentReplicas: number,
  desiredReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  scaleUpLimitFactor = DEFAULT_SCALE_UP_LIMIT_FACTOR,
): { replicas: number; reason: HpaLimitReason } {
  const scaleUpLimit = legacyScaleUpLimit(currentReplicas, scaleUpLimitFactor);
  const limitedByRate = maxReplicas > scaleUpLimit;
  const maximumAllowed = limitedByRate ? scaleUpLimit : maxReplicas;
  if (desiredReplicas < minReplicas) return { replicas: minReplicas, reason: 'TooFewReplicas' };
  if (desiredReplicas > maximumAllowed) {
    return { replicas: maximumAllowed, reason: limitedByRate ? 'ScaleUpLimit' : 'TooManyReplicas' };
  }
  return { replicas: desiredReplicas, reason: 'DesiredWithinRange' };
}

/** Behavior path: the current count clamped between the up window's minimum and the down window's maximum. */
function stabilizeRecommendationWithBehaviors(
  recommendations: TimedRecommendation[],
  behavior: ResolvedBehavior,
  currentReplicas: number,
  desiredReplicas: number,
  now: number,
): { replicas: number; reason: HpaStabilizationReason } {
  const upCutoff = now - behavior.scaleUp.stabilizationWindowSeconds;
  const downCutoff = now - behavior.scaleDown.stabilizationWindowSeconds;
  let upRecommendation = desiredReplicas;
  let downRecommendation = desiredReplicas;
  for (const rec of recommendations) {
    if (rec.at > upCutoff) upRecommendation = Math.min(rec.replicas, upRecommendation);
    if (rec.at > downCutoff) downRecommendation = Math.max(rec.replicas, downRecommendation);
  }
  let replicas = currentReplicas;
  if (replicas < upRecommendation) replicas = upRecommendation;
  if (replicas > downRecommendation) replicas = downRecommendation;
  storeSample(recommendations, (rec) => rec.at < upCutoff && rec.at < downCutoff, {
    at: now,
    replicas: desiredReplicas,
  });
  const direction = desiredReplicas >= currentReplicas ? 'ScaleUpStabilized' : 'ScaleDownStabilized';
  return { replicas, reason: replicas !== desiredReplicas ? direction : 'ReadyForNewScale' };
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

export interface BehaviorRateInput {
  readonly currentReplicas: number;
  /** The stabilized recommendation. */
  readonly desiredReplicas: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly behavior: ResolvedBehavior;
  readonly state: HpaState;
  readonly now: number;
}

/** convertDesiredReplicasWithBehaviorRate: the behavior's rate limits, then [min, max]. */
export function convertDesiredReplicasWithBehaviorRate(input: BehaviorRateInput): {
  replicas: number;
  reason: HpaLimitReason;
} {
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

function longestPeriod(rules: ResolvedScalingRules): number {
  return rules.policies.reduce((longest, p) => Math.max(longest, p.periodSeconds), 0);
}

/** storeScaleEvent, pure: returns the state with the change recorded. */
export function storeScaleEvent(
  state: HpaState,
  behavior: ResolvedBehavior,
  previousReplicas: number,
  newReplicas: number,
  now: number,
): HpaState {
  const next = copyState(state);
  if (newReplicas !== previousReplicas) recordScaleEvent(next, behavior, previousReplicas, newReplicas, now);
  return next;
}

/** Reuses the slot of an event older than the longest policy period, else appends. */
function recordScaleEvent(
  state: { scaleUpEvents: TimedScaleEvent[]; scaleDownEvents: TimedScaleEvent[] },
  behavior: ResolvedBehavior,
  previousReplicas: number,
  newReplicas: number,
  now: number,
): void {
  const up = newReplicas > previousReplicas;
  const events = up ? state.scaleUpEvents : state.scaleDownEvents;
  const cutoff = now - longestPeriod(up ? behavior.scaleUp : behavior.scaleDown);
  storeSample(events, (e) => e.at < cutoff, { at: now, change: Math.abs(newReplicas - previousReplicas) });
}

/**
 * One reconciliation of the HPA controller after the metrics produced `desiredReplicas`: guard branches,
 * stabilization, rate limits, history. Pure: returns the next state, never mutates `input`.
 * Divergence: upstream marks scale events "outdated" once and keeps the flag; here an event is outdated
 * while it is older than the longest policy period, which is the same unless the policies change.
 */
export function hpaNormalize(input: HpaNormalizeInput): HpaNormalizeResult {
  requireFiniteTime('now', input.now);
  const current = requireInt('currentReplicas', input.currentReplicas);
  const desired = requireInt('desiredReplicas', input.desiredReplicas);
  const min = requireInt('minReplicas', input.minReplicas);
  const max = requireInt('maxReplicas', input.maxReplicas, 1);
  if (min > max) throw new RangeError(`minReplicas (${min}) must be <= maxReplicas (${max})`);
  const downscaleWindow = requireInt(
    'downscaleStabilizationSeconds',
    input.downscaleStabilizationSeconds ?? DEFAULT_DOWNSCALE_STABILIZATION_SECONDS,
  );
  const factor = input.scaleUpLimitFactor ?? DEFAULT_SCALE_UP_LIMIT_FACTOR;
  if (!Number.isFinite(factor) || factor < 1) {
    throw new RangeError(`scaleUpLimitFactor must be a finite number >= 1, got ${factor}`);
  }
  const behavior =
    input.behavior === undefined ? undefined : resolveBehavior(input.behavior, downscaleWindow);
  if (input.state !== undefined) validateState(input.state);
  const now = input.now;

  // recordInitialRecommendation: the first sight seeds the history with the current count.
  const state =
    input.state === undefined
      ? { recommendations: [{ at: now, replicas: current }], scaleUpEvents: [], scaleDownEvents: [] }
      : copyState(input.state);

  const finish = (
    replicas: number,
    reason: HpaLimitReason,
    stabilization?: { replicas: number; reason: HpaStabilizationReason },
  ): HpaNormalizeResult => {
    if (behavior !== undefined && replicas !== current)
      recordScaleEvent(state, behavior, current, replicas, now);
    return {
      replicas,
      reason,
      ...(stabilization && {
        stabilizedReplicas: stabilization.replicas,
        stabilizationReason: stabilization.reason,
      }),
      state,
    };
  };

  if (current === 0 && min !== 0) return { replicas: current, reason: 'ScalingDisabled', state };
  if (current > max) return finish(max, 'AboveMaxReplicas');
  if (current < min) return finish(min, 'BelowMinReplicas');

  if (behavior === undefined) {
    const stabilized = stabilizeRecommendation(state.recommendations, desired, now, downscaleWindow);
    const limited = convertDesiredReplicasWithRules(current, stabilized, min, max, factor);
    return finish(limited.replicas, limited.reason, {
      replicas: stabilized,
      reason: stabilized !== desired ? 'ScaleDownStabilized' : 'ReadyForNewScale',
    });
  }
  const stabilized = stabilizeRecommendationWithBehaviors(
    state.recommendations,
    behavior,
    current,
    desired,
    now,
  );
  const limited = convertDesiredReplicasWithBehaviorRate({
    currentReplicas: current,
    desiredReplicas: stabilized.replicas,
    minReplicas: min,
    maxReplicas: max,
    behavior,
    state,
    now,
  });
  return finish(limited.replicas, limited.reason, stabilized);
}
