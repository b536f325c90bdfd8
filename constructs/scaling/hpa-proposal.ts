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

/** Oldest and newest Kubernetes minors whose replica calculator is modelled (both forms read at their tags). */
export const KUBERNETES_MINOR_RANGE = [28, 36] as const;
/** The model without a version: the oldest minor ACK supports now (1.35, 1.36; both have the 1.33+ form). */
export const DEFAULT_KUBERNETES_VERSION = '1.35';

function minorOf(kubernetesVersion: string): number {
  const match = /^1\.(\d{1,2})$/.exec(kubernetesVersion);
  return match === null ? NaN : Number(match[1]);
}

/** Whether `kubernetesVersion` is "1.<minor>" with a modelled minor (KUBERNETES_MINOR_RANGE). */
export function isModelledKubernetesVersion(kubernetesVersion: string): boolean {
  const minor = minorOf(kubernetesVersion);
  return minor >= KUBERNETES_MINOR_RANGE[0] && minor <= KUBERNETES_MINOR_RANGE[1];
}

/**
 * How the replica calculator tests its tolerance. 'absolute' (1.32 and earlier): the count changes when
 * |1 − r| > tolerance (kubernetes v1.32.13 replica_calculator.go GetExternalPerPodMetricReplicas); 'range' (1.33
 * on, KEP-4951): it stays while 1 − down <= r <= 1 + up (v1.33.0 replica_calculator.go Tolerances.isWithin),
 * whatever the HPAConfigurableTolerance gate, which only decides whether an HPA may set its own. They differ at
 * the edge: r = 1.1 gives |1 − 1.1| = 0.10000000000000009 > 0.1, yet 1.1 <= 1 + 0.1 (the same double).
 */
export function hpaToleranceForm(kubernetesVersion: string): 'absolute' | 'range' {
  const known = TOLERANCE_FORMS.get(kubernetesVersion);
  if (known !== undefined) return known;
  const minor = minorOf(kubernetesVersion);
  const [oldest, newest] = KUBERNETES_MINOR_RANGE;
  if (!isModelledKubernetesVersion(kubernetesVersion)) {
    throw new RangeError(
      `kubernetesVersion must be a modelled Kubernetes minor "1.${oldest}" to "1.${newest}", got ${JSON.stringify(kubernetesVersion)}`,
    );
  }
  const form = minor <= 32 ? 'absolute' : 'range';
  TOLERANCE_FORMS.set(kubernetesVersion, form);
  return form;
}

/** The form of each modelled version asked for (at most one entry a minor): simulate asks at every HPA sync. */
const TOLERANCE_FORMS = new Map<string, 'absolute' | 'range'>();

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
  /** The cluster's Kubernetes minor, "1.32": which tolerance test runs (hpaToleranceForm). @default DEFAULT_KUBERNETES_VERSION */
  readonly kubernetesVersion?: string;
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
 * `ratio = usage / (target × statusReplicas)` in milli-units; within tolerance (on 1.33+ `[1 − down, 1 + up]`,
 * before `|1 − ratio| <= tolerance`, see hpaToleranceForm) the proposal is `statusReplicas`, otherwise
 * `ceil(usage / target)`, saturated at 2^31 − 1. With `statusReplicas` 0 the ratio is ±Inf or NaN, never within
 * tolerance.
 */
export function hpaExternalProposal(input: HpaExternalProposalInput): number {
  const statusReplicas = requireInt('statusReplicas', input.statusReplicas);
  requireNonNegative('metricValue', input.metricValue);
  requirePositive('targetAverageValue', input.targetAverageValue);
  const form = hpaToleranceForm(input.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION);
  if (form === 'absolute' && typeof input.tolerance === 'object') {
    throw new RangeError(
      `tolerance per direction needs Kubernetes 1.33 or later (KEP-4951); ${input.kubernetesVersion} has one cluster-wide tolerance`,
    );
  }
  const tolerance = resolveTolerance(input.tolerance);
  const usage = toMilli(input.metricValue);
  const target = toMilli(input.targetAverageValue);
  if (target < 1) {
    throw new RangeError(
      `targetAverageValue must be >= 0.001 (one milli-unit), got ${input.targetAverageValue}`,
    );
  }
  const ratio = usage / (target * statusReplicas);
  const within =
    form === 'absolute'
      ? !(Math.abs(1 - ratio) > tolerance.up)
      : 1 - tolerance.down <= ratio && ratio <= 1 + tolerance.up;
  if (within) return statusReplicas;
  return Math.min(INT32_MAX, Math.ceil(usage / target));
}
