/**
 * Numbers a person types into a flag or an environment variable: plain decimal digits (`16`, `2.5`), within a
 * range each CLI states once per flag, in a table its parsers and its `--help` both read. `Number()` also reads
 * `1e9`, `0x10`, `0b1`, ` 5`, `+5`, `-0`, `Infinity` and `` (as 0); nobody setting a start-up time or a port
 * means any of them, so they are refused with the range rather than read.
 *
 * Imports nothing but commander: the sample app's image bundles this file (infra/sample-app/Dockerfile).
 */
import { InvalidArgumentError } from 'commander';

/** The values a numeric flag takes, and why those. */
export interface NumericRange {
  /** Smallest value taken (or, with `minExclusive`, the bound just below the smallest). */
  readonly min: number;
  /** `min` itself is refused: `(min, max]`. @default false */
  readonly minExclusive?: boolean;
  /** Largest value taken. */
  readonly max: number;
  /** Whole numbers only: counts, bytes, and seconds a model steps through one at a time. */
  readonly integer: boolean;
  /** Unit after the range in messages and help (`seconds`, `msg/s`); empty for a port or a ratio. */
  readonly unit: string;
  /** One line: why these bounds, i.e. what a value outside them would mean. */
  readonly why: string;
}

const INTEGER = /^(?:0|[1-9][0-9]*)$/;
const DECIMAL = /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

/** Whether `value` is a number of the range: finite, whole if it must be, within the bounds. */
export function withinRange(value: number, range: NumericRange): boolean {
  if (!Number.isFinite(value) || (range.integer && !Number.isInteger(value))) return false;
  const aboveMin = range.minExclusive === true ? value > range.min : value >= range.min;
  return aboveMin && value <= range.max;
}

/** The range in words: `an integer from 0 to 3600 seconds`, `a number above 0 up to 1000000 msg/s`. */
export function rangeText(range: NumericRange): string {
  const kind = range.integer ? 'an integer' : 'a number';
  const bounds =
    range.minExclusive === true
      ? `above ${range.min} up to ${range.max}`
      : `from ${range.min} to ${range.max}`;
  return `${kind} ${bounds}${range.unit === '' ? '' : ` ${range.unit}`}`;
}

/** How the value must be written, after the range in an error. */
export function syntaxText(range: Pick<NumericRange, 'integer'>): string {
  return range.integer ? 'in plain decimal digits' : 'in plain decimal digits, optionally with a fraction';
}

/** What an error says of a typed value: `must be an integer from 0 to 3600 seconds, in plain decimal digits`. */
export function mustBe(range: NumericRange): string {
  return `must be ${rangeText(range)}, ${syntaxText(range)}`;
}

/** The number `text` spells, or undefined when it is not plain decimal or not in the range. */
export function parseDecimal(text: string, range: NumericRange): number | undefined {
  if (!(range.integer ? INTEGER : DECIMAL).test(text)) return undefined;
  const value = Number(text);
  return withinRange(value, range) ? value : undefined;
}

/** A commander argParser: the number, or an InvalidArgumentError that commander prints after the flag's name. */
export function decimalArgument(range: NumericRange): (text: string) => number {
  return (text) => {
    const value = parseDecimal(text, range);
    if (value === undefined) throw new InvalidArgumentError(mustBe(range));
    return value;
  };
}

/** A flag's help: its description, then its range. */
export function withRange(description: string, range: NumericRange): string {
  return `${description}; ${rangeText(range)}`;
}
