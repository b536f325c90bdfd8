import { requireFinite, requireInt, requireNonNegative } from './guards';

/** Source: KEDA ScaledObject spec, `cooldownPeriod` default 300 s. */
export const DEFAULT_KEDA_COOLDOWN_SECONDS = 300;

/** One polling cycle of the KEDA operator for a ScaledObject. */
export interface KedaActivationInput {
  /** Replicas of the scale target now. */
  readonly currentReplicas: number;
  /** Trigger metric value (the backlog). */
  readonly metricValue: number;
  /** Above this value (strictly) the trigger is active. */
  readonly activationThreshold: number;
  /** ScaledObject `minReplicaCount`. */
  readonly minReplicaCount: number;
  /**
   * ScaledObject `idleReplicaCount`, below max(minReplicaCount, 1): all KEDA's webhook checks (v2.17.2
   * scaledobject_types.go CheckReplicaCountBoundsAreValid). Only 0 works: above it, KEDA's scaleToZeroOrIdle
   * writes idle and the HPA restores its minimum at its next sync (the loader refuses it). @default none
   */
  readonly idleReplicaCount?: number;
  /**
   * Seconds since the trigger was last active. @default none: KEDA has no LastActiveTime and scales in once
   * `initialCooldownPeriod` has passed since the ScaledObject was created
   */
  readonly secondsSinceLastActive?: number;
  /** ScaledObject `cooldownPeriod`, in seconds. @default 300 */
  readonly cooldownPeriod?: number;
  /** Seconds since the ScaledObject was created; read only without LastActiveTime. @default none: long ago */
  readonly secondsSinceCreation?: number;
  /** ScaledObject `initialCooldownPeriod` (Source: KEDA v2.17.2 scale_executor.go defaultInitialCooldownPeriod = 0). @default 0 */
  readonly initialCooldownPeriod?: number;
}

/**
 * Whether KEDA can take the workload to zero pods, minReplicaCount 0 or idleReplicaCount 0 (kedacore/keda v2.17.2
 * scale_scaledobjects.go getIdleOrMinimumReplicaCount): then the group has no consumer online at times, and the
 * backlog query needs its scale-from-zero stand-in (constructs/shared/promql.ts whenGroupAbsent).
 */
export function canScaleToZero(minReplicaCount: number, idleReplicaCount?: number): boolean {
  return minReplicaCount === 0 || idleReplicaCount === 0;
}

/** What the KEDA operator does this cycle; `none` leaves the count to the HPA. */
export type KedaScaleAction = 'scaleFromZeroOrIdle' | 'scaleToZeroOrIdle' | 'scaleToMinReplicas' | 'none';

/** What the KEDA operator decides in one polling cycle. */
export interface KedaActivationResult {
  /** Whether the trigger is active (metric value above activationThreshold). */
  readonly active: boolean;
  /** Replicas after KEDA's decision (unchanged when the HPA is in charge). */
  readonly replicas: number;
  /** The operator's action. */
  readonly action: KedaScaleAction;
}

/**
 * The KEDA operator's 0 ↔ 1 decision (kedacore/keda pkg/scaling/executor/scale_scaledobjects.go RequestScale,
 * scaleFromZeroOrIdle, scaleToZeroOrIdle; the Prometheus scaler is active when value > activationThreshold).
 * Scale-in waits until `lastActive + cooldownPeriod` is strictly before now, or without a last activity until
 * `creation + initialCooldownPeriod` is.
 */
export function kedaActivation(input: KedaActivationInput): KedaActivationResult {
  const current = requireInt('currentReplicas', input.currentReplicas);
  requireNonNegative('metricValue', input.metricValue);
  requireFinite('activationThreshold', input.activationThreshold);
  const min = requireInt('minReplicaCount', input.minReplicaCount);
  const idle =
    input.idleReplicaCount === undefined ? undefined : requireInt('idleReplicaCount', input.idleReplicaCount);
  if (idle !== undefined && idle >= min) {
    throw new RangeError(`idleReplicaCount (${idle}) must be < minReplicaCount (${min})`);
  }
  const cooldown = requireInt('cooldownPeriod', input.cooldownPeriod ?? DEFAULT_KEDA_COOLDOWN_SECONDS);
  const sinceActive =
    input.secondsSinceLastActive === undefined
      ? undefined
      : requireNonNegative('secondsSinceLastActive', input.secondsSinceLastActive);
  const sinceCreation =
    input.secondsSinceCreation === undefined
      ? undefined
      : requireNonNegative('secondsSinceCreation', input.secondsSinceCreation);
  const initialCooldown = requireInt('initialCooldownPeriod', input.initialCooldownPeriod ?? 0);

  const active = input.metricValue > input.activationThreshold;
  if (active) {
    if ((idle !== undefined && current < min) || current === 0) {
      return { active, replicas: Math.max(min, 1), action: 'scaleFromZeroOrIdle' };
    }
    return { active, replicas: current, action: 'none' };
  }
  if ((idle !== undefined && current > idle) || (current > 0 && min === 0)) {
    // scaleToZeroOrIdle (KEDA v2.17.2 scale_scaledobjects.go): LastActiveTime + cooldownPeriod before now, or
    // without LastActiveTime, CreationTimestamp + initialCooldownPeriod before now.
    const cooledDown =
      sinceActive === undefined
        ? sinceCreation === undefined || sinceCreation > initialCooldown
        : sinceActive > cooldown;
    if (!cooledDown) return { active, replicas: current, action: 'none' };
    return { active, replicas: idle ?? min, action: 'scaleToZeroOrIdle' };
  }
  if (current < min && idle === undefined) return { active, replicas: min, action: 'scaleToMinReplicas' };
  return { active, replicas: current, action: 'none' };
}
