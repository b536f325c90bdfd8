import { requireInt } from './guards';

// The HPA's configuration and memory as kube-controller-manager's HorizontalController keeps them
// (kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go), with the API server's defaults.

/** Source: kube-controller-manager `--horizontal-pod-autoscaler-downscale-stabilization`, default 5m. */
export const DEFAULT_DOWNSCALE_STABILIZATION_SECONDS = 300;
/** Source: horizontal.go `scaleUpLimitFactor` (production 2; the upstream unit tests set 8). */
export const DEFAULT_SCALE_UP_LIMIT_FACTOR = 2;
/** Source: horizontal.go `scaleUpLimitMinimum`. */
export const SCALE_UP_LIMIT_MINIMUM = 4;
/** Source: autoscaling/v2 validation: policy periodSeconds in (0, 1800], windows in [0, 3600]. */
export const MAX_POLICY_PERIOD_SECONDS = 1800;
/** Longest stabilization window the API server accepts. */
export const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

/** autoscaling/v2 HPAScalingPolicy: at most `value` pods or percent per `periodSeconds`. */
export interface HpaScalingPolicy {
  /** Whether `value` counts pods or percent. */
  readonly type: 'Pods' | 'Percent';
  /** Pods, or percent of the period-start replica count. */
  readonly value: number;
  /** Length of the window the policy limits, in seconds. */
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

/** HpaScalingRules with the API server's defaults filled in. */
export interface ResolvedScalingRules {
  /** Window whose recommendations the controller stabilizes over, in seconds. */
  readonly stabilizationWindowSeconds: number;
  /** Which policy's limit applies; Disabled forbids scaling in that direction. */
  readonly selectPolicy: 'Max' | 'Min' | 'Disabled';
  /** The policies, never empty. */
  readonly policies: readonly HpaScalingPolicy[];
}

/** HpaBehavior with every default filled in. */
export interface ResolvedBehavior {
  /** Rules when scaling up. */
  readonly scaleUp: ResolvedScalingRules;
  /** Rules when scaling down. */
  readonly scaleDown: ResolvedScalingRules;
}

/** One recommendation the controller remembers for stabilization. */
export interface TimedRecommendation {
  /** Seconds. */
  readonly at: number;
  /** The recommended replica count. */
  readonly replicas: number;
}

/** One scale change the controller remembers for the rate limits. */
export interface TimedScaleEvent {
  /** Seconds. */
  readonly at: number;
  /** Replicas added (up events) or removed (down events); positive. */
  readonly change: number;
}

/** What the controller remembers about one HPA between reconciliations. */
export interface HpaState {
  /** Past recommendations, for the stabilization windows. */
  readonly recommendations: readonly TimedRecommendation[];
  /** Past scale-ups, for the scale-up policies. */
  readonly scaleUpEvents: readonly TimedScaleEvent[];
  /** Past scale-downs, for the scale-down policies. */
  readonly scaleDownEvents: readonly TimedScaleEvent[];
}

/** The reason of the controller's ScalingLimited condition, or the guard that short-circuited normalization. */
export type HpaLimitReason =
  | 'ScalingDisabled'
  | 'AboveMaxReplicas'
  | 'BelowMinReplicas'
  | 'DesiredWithinRange'
  | 'ScaleUpLimit'
  | 'ScaleDownLimit'
  | 'TooManyReplicas'
  | 'TooFewReplicas';

/** Why stabilization kept or changed the recommendation (the reasons of its AbleToScale condition). */
export type HpaStabilizationReason = 'ReadyForNewScale' | 'ScaleUpStabilized' | 'ScaleDownStabilized';

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
