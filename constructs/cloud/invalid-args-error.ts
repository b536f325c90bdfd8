/**
 * Thrown by a component's constructor, before any child resource is registered, with every violation of its
 * arguments at once; each violation starts with the field it is about.
 */
export class InvalidArgsError extends Error {
  constructor(
    readonly component: string,
    readonly resourceName: string,
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
