import { requireInt } from './guards';

/**
 * The fallback count this project uses when a ScaledObject names none: the backlog is unknown during an
 * outage, so hold half of the useful maximum, never below max(minReplicaCount, 1) nor above that maximum.
 */
export function defaultFallbackReplicas(minReplicaCount: number, usefulMaxReplicas: number): number {
  const min = requireInt('minReplicaCount', minReplicaCount);
  const max = requireInt('usefulMaxReplicas', usefulMaxReplicas, 1);
  return Math.min(max, Math.max(min, 1, Math.ceil(max / 2)));
}
