import { INT32_MAX, requireInt, requireNonNegative, requirePositive } from './guards';

/**
 * HPA tolerance around a ratio of 1.0 inside which the controller keeps the current replica count.
 * Source: kube-controller-manager `--horizontal-pod-autoscaler-tolerance`, default 0.1.
 */
export const DEFAULT_HPA_TOLERANCE = 0.1;

/** Tolerance either as one number for both directions or per direction (HPA configurable tolerance, k8s 1.33+). */
export type HpaTolerance =
  | number
  | {
      /** Tolerance above a ratio of 1.0, before scaling up. */
      readonly up: number;
      /** Tolerance below a ratio of 1.0, before scaling down. */
      readonly down: number;
    };

/** One External-metric proposal of the HPA controller. */
export interface HpaExternalProposalInput {
  /** Pods the scale subresource reports (`status.replicas`). */
  readonly statusReplicas: number;
  /** The External metric value KEDA serves (for our trigger: the backlog in messages). */
  readonly metricValue: number;
  /** The HPA AverageValue target (KEDA's `threshold`). */
  readonly targetAverageValue: number;
  /** @default 0.1 in both directions */
  readonly tolerance?: HpaTolerance;
}

/**
 * Converts to the milli-units KEDA and the HPA exchange: KEDA builds the metric and the target as
 * `resource.NewMilliQuantity(int64(v * 1000))` and the HPA reads `MilliValue()`.
 * Source: kedacore/keda pkg/scaling/resolver GenerateMetricInMili; k8s replica_calculator.go.
 */
export function toMilli(value: number): number {
  return Math.trunc(value * 1000);
}

function resolveTolerance(tolerance: HpaTolerance | undefined): { up: number; down: number } {
  if (tolerance === undefined) return { up: DEFAULT_HPA_TOLERANCE, down: DEFAULT_HPA_TOLERANCE };
  if (typeof tolerance === 'number') {
    requireNonNegative('tolerance', tolerance);
    return { up: tolerance, down: tolerance };
  }
  requireNonNegative('tolerance.up', tolerance.up);
  requireNonNegative('tolerance.down', tolerance.down);
  return { up: tolerance.up, down: tolerance.down };
}

/**
 * Replica proposal of an HPA External metric with an AverageValue target, as
 * `GetExternalPerPodMetricReplicas` computes it (k8s pkg/controller/podautoscaler/replica_calculator.go):
 * `ratio = usage / (target × statusReplicas)` in milli-units; inside `[1 − down, 1 + up]` the proposal is
 * `statusReplicas`, otherwise `ceil(usage / target)`, saturated at 2^31 − 1. With `statusReplicas` 0 the ratio
 * is ±Inf or NaN, never within tolerance.
 */
export function hpaExternalProposal(input: HpaExternalProposalInput): number {
  const statusReplicas = requireInt('statusReplicas', input.statusReplicas);
  requireNonNegative('metricValue', input.metricValue);
  requirePositive('targetAverageValue', input.targetAverageValue);
  const tolerance = resolveTolerance(input.tolerance);
  const usage = toMilli(input.metricValue);
  const target = toMilli(input.targetAverageValue);
  if (target < 1) {
    throw new RangeError(
      `targetAverageValue must be >= 0.001 (one milli-unit), got ${input.targetAverageValue}`,
    );
  }
  const ratio = usage / (target * statusReplicas);
  const within = 1 - tolerance.down <= ratio && ratio <= 1 + tolerance.up;
  if (within) return statusReplicas;
  return Math.min(INT32_MAX, Math.ceil(usage / target));
}
