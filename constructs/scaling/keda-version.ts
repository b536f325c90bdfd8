/**
 * The KEDA release the simulator models by default: the one the stacks pin through the ack-keda add-on
 * (infra/config/limits.ts ACK_KEDA_RELEASES; a test keeps the two equal).
 */
export const DEFAULT_KEDA_VERSION = '2.17.2';

/**
 * Releases whose executor and fallback code was read for the model: kedacore/keda tags v2.14.1 to v2.20.2
 * (pkg/scaling/executor/scale_scaledobjects.go, pkg/fallback/fallback.go, pkg/scalers/prometheus_scaler.go).
 */
const MODELLED_MINORS = { first: 14, last: 20 } as const;

/**
 * Where the ScaledObject fallback acts:
 * - `scale-loop` (2.14–2.16): RequestScale's `isError && Fallback != nil` branch calls doFallbackScaling, which
 *   writes fallback.replicas at the first failed poll when no trigger is active, at any replica count (zero
 *   included), bypassing the HPA behavior; the HPA reads the fallback metric only past failureThreshold.
 * - `hpa` (2.17+, kedacore/keda#6520): that branch only logs; the fallback is the metric the HPA gets after more
 *   than failureThreshold failed requests (fallback.go GetMetricsWithFallback), subject to the behavior, and
 *   never from 0 replicas (the HPA is disabled at 0).
 */
export type KedaFallbackMode = 'scale-loop' | 'hpa';

/** ScaledObject `fallback.behavior` (KEDA 2.17+, fallback.go doFallback). */
export type KedaFallbackBehavior =
  'static' | 'currentReplicas' | 'currentReplicasIfHigher' | 'currentReplicasIfLower';

/**
 * The fallback behavior the manifests use from KEDA 2.17 on: the larger of the current count and
 * fallback.replicas, so a metric outage never scales in (kedacore/keda v2.17.2 pkg/fallback/fallback.go doFallback).
 */
export const FAIL_SAFE_FALLBACK_BEHAVIOR: KedaFallbackBehavior = 'currentReplicasIfHigher';

/** Every value of a ScaledObject's `fallback.behavior`. */
export const KEDA_FALLBACK_BEHAVIORS: readonly KedaFallbackBehavior[] = [
  'static',
  'currentReplicas',
  'currentReplicasIfHigher',
  'currentReplicasIfLower',
];

function minorOf(version: string): number {
  const match = /^2\.(\d+)\.(\d+)$/.exec(typeof version === 'string' ? version : '');
  const minor = match === null ? NaN : Number(match[1]);
  if (!(minor >= MODELLED_MINORS.first && minor <= MODELLED_MINORS.last)) {
    throw new RangeError(
      `scaling.kedaVersion (${JSON.stringify(version)}) must be a KEDA release 2.${MODELLED_MINORS.first}.x to 2.${MODELLED_MINORS.last}.x written major.minor.patch (the releases modelled)`,
    );
  }
  return minor;
}

/** The fallback mode of a KEDA release (see KedaFallbackMode); throws for a release not modelled. */
export function kedaFallbackMode(version: string): KedaFallbackMode {
  return minorOf(version) <= 16 ? 'scale-loop' : 'hpa';
}

/** Whether the release has ScaledObject `fallback.behavior` (added in v2.17.0, kedacore/keda#6464). */
export function kedaSupportsFallbackBehavior(version: string): boolean {
  return minorOf(version) >= 17;
}

/**
 * The replicas a fallback metric stands for: KEDA answers int64(target) × this (fallback.go doFallback, by
 * `behavior`; 2.16 and earlier always fallback.replicas).
 */
export function fallbackMetricReplicas(
  fallbackReplicas: number,
  currentReplicas: number,
  behavior: KedaFallbackBehavior | undefined,
): number {
  switch (behavior) {
    case 'currentReplicas':
      return currentReplicas;
    case 'currentReplicasIfHigher':
      return Math.max(currentReplicas, fallbackReplicas);
    case 'currentReplicasIfLower':
      return Math.min(currentReplicas, fallbackReplicas);
    default:
      return fallbackReplicas;
  }
}
