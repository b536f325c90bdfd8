/**
 * Thrown by a component's constructor, before any child resource is registered, with every violation of its
 * arguments at once; each violation starts with the field it is about.
 */
export class InvalidArgsError extends Error {
  constructor(
    /** The component class, e.g. RocketMqMessaging. */
    readonly component: string,
    /** The resource name passed to the constructor. */
    readonly resourceName: string,
    /** Every violation, each starting with the field it is about. */
    readonly violations: readonly string[],
  ) {
    super(`${component} "${resourceName}" has invalid arguments:\n  - ${violations.join('\n  - ')}`);
    this.name = 'InvalidArgsError';
  }
}

/** Throws InvalidArgsError when `violations` is not empty. */
export function assertNoViolations(
  component: string,
  resourceName: string,
  violations: readonly string[],
): void {
  if (violations.length > 0) throw new InvalidArgsError(component, resourceName, violations);
}
