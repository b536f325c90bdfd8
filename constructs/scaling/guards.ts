/** Argument guards shared by the scaling math. Every failure is a RangeError naming the argument. */

/** `value` when it is a finite number; a RangeError naming `name` otherwise. */
export function requireFinite(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

/** `value` when it is finite and >= 0; a RangeError naming `name` otherwise. */
export function requireNonNegative(name: string, value: number): number {
  requireFinite(name, value);
  if (value < 0) throw new RangeError(`${name} must be >= 0, got ${value}`);
  return value;
}

/** `value` when it is finite and > 0; a RangeError naming `name` otherwise. */
export function requirePositive(name: string, value: number): number {
  requireFinite(name, value);
  if (value <= 0) throw new RangeError(`${name} must be > 0, got ${value}`);
  return value;
}

/** A replica count or a count of seconds: an integer in [min, 2^31 - 1] (Kubernetes int32). */
export function requireInt(name: string, value: number, min = 0): number {
  requireFinite(name, value);
  if (!Number.isInteger(value)) throw new RangeError(`${name} must be an integer, got ${value}`);
  if (value < min) throw new RangeError(`${name} must be >= ${min}, got ${value}`);
  if (value > INT32_MAX) throw new RangeError(`${name} must be <= ${INT32_MAX}, got ${value}`);
  return value;
}

/** Largest Kubernetes int32 (replica counts, window seconds). */
export const INT32_MAX = 2 ** 31 - 1;
