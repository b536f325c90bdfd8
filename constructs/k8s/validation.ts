/** Construct-prop checks: each failure names the prop, shows the value and states the rule. */
import { SELECTOR_SCHEMES } from '../shared/labels';
import { DNS1123_LABEL, DNS1123_LABEL_MAX_LENGTH } from '../shared/names';

/** Thrown by a construct's constructor, before it creates anything, with every violation of its props at once. */
export class ConstructPropsError extends Error {
  constructor(
    /** The construct class, e.g. BacklogScaler. */
    readonly construct: string,
    /** Every violation, each starting with the prop it is about. */
    readonly violations: readonly string[],
  ) {
    super(`${construct}: invalid props:\n  - ${violations.join('\n  - ')}`);
    this.name = 'ConstructPropsError';
  }
}

/** Collects violations so a construct reports all of them at once. */
export class PropChecker {
  private readonly violations: string[] = [];

  constructor(private readonly construct: string) {}

  add(prop: string, message: string): void {
    this.violations.push(`${prop} ${message}`);
  }

  name(prop: string, value: string): void {
    if (typeof value !== 'string' || value.length > DNS1123_LABEL_MAX_LENGTH || !DNS1123_LABEL.test(value)) {
      this.add(prop, `(${JSON.stringify(value)}) must be a DNS-1123 label: [a-z0-9-], at most 63 characters`);
    }
  }

  /** `app.kubernetes.io/instance` is `<name>-<environment>` and, as a label value, at most 63 characters. */
  instanceLabel(name: string, environment: string): void {
    const value = `${name}-${environment}`;
    if (
      typeof name === 'string' &&
      typeof environment === 'string' &&
      value.length > DNS1123_LABEL_MAX_LENGTH
    ) {
      this.add(
        'name',
        `with environment gives the label app.kubernetes.io/instance "${value}" (${value.length} characters); the limit is 63`,
      );
    }
  }

  /** An optional selector scheme is one of SELECTOR_SCHEMES. */
  selectorScheme(value: unknown): void {
    if (value !== undefined && !(SELECTOR_SCHEMES as readonly unknown[]).includes(value)) {
      this.add('selectorScheme', `(${JSON.stringify(value)}) must be one of ${SELECTOR_SCHEMES.join(', ')}`);
    }
  }

  nonEmpty(prop: string, value: string): void {
    if (typeof value !== 'string' || value.trim().length === 0) this.add(prop, 'must be a non-empty string');
  }

  int(prop: string, value: number, min: number, max = 2 ** 31 - 1): void {
    if (!Number.isInteger(value) || value < min || value > max) {
      this.add(prop, `(${String(value)}) must be an integer in [${min}, ${max}]`);
    }
  }

  positive(prop: string, value: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      this.add(prop, `(${String(value)}) must be a number > 0`);
    }
  }

  throwIfAny(): void {
    if (this.violations.length > 0) throw new ConstructPropsError(this.construct, this.violations);
  }
}
