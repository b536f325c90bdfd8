/** The KEDA release an environment's manifests and simulations follow. */
import { ACK_KEDA_RELEASES, PINNED_ACK_KEDA_VERSION } from './limits';
import type { EnvironmentSpec } from './schema';

/**
 * The KEDA release of `kubernetes.kedaAddonVersion`, or of the pinned ack-keda when the stack names none (a
 * cluster whose KEDA this stack does not install is assumed to run the pinned one).
 */
export function kedaRelease(spec: Pick<EnvironmentSpec, 'kubernetes'>): string {
  return ACK_KEDA_RELEASES[spec.kubernetes.kedaAddonVersion ?? PINNED_ACK_KEDA_VERSION];
}
