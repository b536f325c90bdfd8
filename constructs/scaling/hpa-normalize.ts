import { requireInt } from './guards';
import {
  DEFAULT_DOWNSCALE_STABILIZATION_SECONDS,
  DEFAULT_SCALE_UP_LIMIT_FACTOR,
  resolveBehavior,
  type HpaBehavior,
  type HpaLimitReason,
  type HpaStabilizationReason,
  type HpaState,
  type ResolvedBehavior,
  type ResolvedScalingRules,
  type TimedRecommendation,
  type TimedScaleEvent,
} from './hpa-behavior';
import { convertDesiredReplicasWithBehaviorRate, convertDesiredReplicasWithRules } from './hpa-rate-limits';

// Everything in this file reproduces kube-controller-manager's HorizontalController
// (kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go): reconcileAutoscaler's guard branches,
// recordInitialRecommendation, stabilizeRecommendation + convertDesiredReplicasWithRules (no behavior),
// stabilizeRecommendationWithBehaviors + convertDesiredReplicasWithBehaviorRate (with behavior), storeScaleEvent.
// Time is whole seconds; `Before`/`After` keep the controller's strict comparisons.
/** One reconciliation of the HPA controller: the metric proposal and what it remembers. */
export interface HpaNormalizeInput {
  /** Seconds on any monotonic clock. */
  readonly now: number;
  /** `spec.replicas` of the scale target. */
  readonly currentReplicas: number;
  /** The largest metric proposal (e.g. from `hpaExternalProposal`). */
  readonly desiredReplicas: number;
  /** The HPA's minReplicas. */
  readonly minReplicas: number;
  /** The HPA's maxReplicas. */
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

/** What one reconciliation writes, why, and what the controller remembers for the next. */
export interface HpaNormalizeResult {
  /** Replicas the controller writes to the scale subresource. */
  readonly replicas: number;
  /** The ScalingLimited reason, or the guard that short-circuited normalization. */
  readonly reason: HpaLimitReason;
  /** The AbleToScale reason; undefined when a guard branch ran. */
  readonly stabilizationReason?: HpaStabilizationReason;
  /** Recommendation after stabilization, before rate limits; undefined when a guard branch ran. */
  readonly stabilizedReplicas?: number;
  /** The controller's memory after this reconciliation. */
  readonly state: HpaState;
}

/** An HpaState whose lists reconcile may change in place. */
export interface MutableHpaState extends HpaState {
  readonly recommendations: TimedRecommendation[];
  readonly scaleUpEvents: TimedScaleEvent[];
  readonly scaleDownEvents: TimedScaleEvent[];
}

function copyState(state: HpaState): MutableHpaState {
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
  return reconcile(
    { now: input.now, current, desired, min, max, behavior, downscaleWindow, factor },
    input.state === undefined ? undefined : copyState(input.state),
  );
}

/** hpaNormalize's arguments once checked, the behavior resolved. */
export interface ReconcileArgs {
  readonly now: number;
  readonly current: number;
  readonly desired: number;
  readonly min: number;
  readonly max: number;
  readonly behavior: ResolvedBehavior | undefined;
  readonly downscaleWindow: number;
  readonly factor: number;
}

/**
 * The reconciliation of hpaNormalize on checked arguments, recording into `state` in place (a fresh state when
 * undefined): for a loop that checked its inputs once and keeps the one state (simulate). Not an entry point.
 */
export function reconcile(
  args: ReconcileArgs,
  mutableState: MutableHpaState | undefined,
): HpaNormalizeResult & { readonly state: MutableHpaState } {
  const { now, current, desired, min, max, behavior, downscaleWindow, factor } = args;
  // recordInitialRecommendation: the first sight seeds the history with the current count.
  const state: MutableHpaState = mutableState ?? {
    recommendations: [{ at: now, replicas: current }],
    scaleUpEvents: [],
    scaleDownEvents: [],
  };

  const finish = (
    replicas: number,
    reason: HpaLimitReason,
    stabilization?: { replicas: number; reason: HpaStabilizationReason },
  ): HpaNormalizeResult & { readonly state: MutableHpaState } => {
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
