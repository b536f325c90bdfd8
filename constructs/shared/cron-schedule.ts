/**
 * KEDA `cron` trigger schedules: the dialect KEDA's parser accepts, IANA time zones, and when a trigger is active.
 * Source: kedacore/keda v2.17.2 pkg/scalers/cron_scaler.go (cronMetadata.Validate, GetMetricsAndActivity), which
 * parses start and end with robfig/cron v3.0.1 `cron.NewParser(Minute | Hour | Dom | Month | Dow)` (parser.go
 * Parse, getRange) and loads the zone with Go's time.LoadLocation.
 */
import { CronExpressionParser } from 'cron-parser';

/** One field of a 5-field expression: its name, bounds and the names robfig accepts (case-insensitive). */
export interface CronField {
  /** The field's name in messages, e.g. day of month. */
  readonly name: string;
  /** Smallest value. */
  readonly min: number;
  /** Largest value. */
  readonly max: number;
  /** Names for the values from `min` on, e.g. jan..dec. @default none */
  readonly names?: readonly string[];
}

// Source: robfig/cron v3.0.1 spec.go (bounds: minutes 0-59, hours 0-23, dom 1-31, months 1-12 jan..dec, dow 0-6 sun..sat).
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DOW_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** The five fields of KEDA's cron dialect in order, with their bounds and names. */
export const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day of week', min: 0, max: 6, names: DOW_NAMES },
];

/** How far robfig's SpecSchedule.Next looks ahead before giving up (spec.go: five years). */
export const CRON_LOOKAHEAD_YEARS = 5;

/** A value of a field: digits, or one of the field's names. */
function fieldValue(text: string, field: CronField): number | string {
  if (/^\d+$/.test(text)) return Number(text);
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (field.min === 1 ? 1 : 0);
  return `"${text}" is not a number${field.names === undefined ? '' : ` or a ${field.name} name (${field.names.join(', ')})`}`;
}

/**
 * Problems of one field, after robfig's getRange: a comma list of `*`, `?`, `N` or `N-M`, each with an optional
 * `/step`; `N/step` means N to the field's maximum.
 */
function fieldProblems(text: string, field: CronField): string[] {
  const problems: string[] = [];
  for (const item of text.split(',')) {
    if (item === '') {
      problems.push(`${field.name} "${text}" has an empty list item`);
      continue;
    }
    const [range, step, ...more] = item.split('/');
    if (more.length > 0) {
      problems.push(`${field.name} "${item}" has more than one "/"`);
      continue;
    }
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) {
      problems.push(`${field.name} "${item}" needs a step that is a whole number > 0`);
    }
    if (range === '*' || range === '?') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) {
      problems.push(`${field.name} "${item}" has more than one "-"`);
      continue;
    }
    const values = bounds.map((b) => fieldValue(b, field));
    const bad = values.find((v): v is string => typeof v === 'string');
    if (bad !== undefined) {
      problems.push(`${field.name} ${bad}`);
      continue;
    }
    const [low, high = low] = values as number[];
    if (low < field.min || high > field.max) {
      problems.push(`${field.name} "${item}" is outside ${field.min}-${field.max}`);
    } else if (low > high) {
      problems.push(`${field.name} "${item}" starts after it ends`);
    }
  }
  return problems;
}

/**
 * Why KEDA 2.17's cron scaler would refuse the expression (or read it otherwise than written), or [] if it is
 * valid: exactly five fields (no seconds, no `@daily` descriptors, no `TZ=` prefix, which would override the
 * trigger's timezone), robfig's grammar and bounds (no `L`, `W`, `#`; Sunday is 0, not 7).
 */
export function cronExpressionProblems(expression: string): string[] {
  if (typeof expression !== 'string' || expression.trim() === '') return ['must be a non-empty string'];
  if (/^(CRON_)?TZ=/.test(expression)) {
    return ['must not start with TZ= or CRON_TZ=: the time zone goes in timezone'];
  }
  if (expression.startsWith('@')) {
    return [`must be 5 fields, not a descriptor (KEDA's cron parser accepts none)`];
  }
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) {
    return [
      `must have exactly 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`,
    ];
  }
  return fields.flatMap((text, i) => fieldProblems(text, CRON_FIELDS[i]));
}

/**
 * Why `zone` is not an IANA time-zone name KEDA can load, or undefined. Node's Intl knows the IANA database;
 * Go's time.LoadLocation reads zoneinfo files by name, so the spelling must be exact (Intl would accept
 * "asia/shanghai"), and "" (which Go reads as UTC) and "Local" (the operator's zone) are refused.
 */
export function timeZoneProblem(zone: string): string | undefined {
  if (typeof zone !== 'string' || zone === '') return 'must be an IANA time-zone name such as Asia/Shanghai';
  if (zone === 'Local') return 'must name a zone: Local is the KEDA operator pod’s own zone';
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return 'must be an IANA time-zone name such as Asia/Shanghai (Intl does not know it)';
  }
  if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase()) {
    return `must be spelled ${resolved}: KEDA loads the zone by file name, case-sensitively`;
  }
  return undefined;
}

/** A cron trigger's schedule, as the ScaledObject's trigger metadata holds it. */
export interface CronSchedule {
  /** IANA time-zone name. */
  readonly timezone: string;
  /** 5-field cron expression: when the trigger turns active. */
  readonly start: string;
  /** 5-field cron expression: when it turns inactive. */
  readonly end: string;
}

/**
 * The expression as cron-parser reads it the way robfig does: `?` is `*` (getRange), and a day-of-month or
 * day-of-week field with robfig's star bit (`*` or `?` with step 1, alone or in a list: the whole range) is
 * written `*`. robfig ANDs the two day fields when either has the star bit, else ORs them (spec.go dayMatches);
 * cron-parser ANDs with `*` and ORs two restricted fields, but reads a star with step 1 as restricted.
 */
function forCronParser(expression: string): string {
  const fields = expression
    .trim()
    .split(/\s+/)
    .map((f) => f.replace(/\?/g, '*'));
  const starred = (text: string): boolean => text.split(',').some((item) => /^\*(\/0*1)?$/.test(item));
  for (const i of [2, 4]) if (starred(fields[i])) fields[i] = '*';
  return fields.join(' ');
}

/** The first occurrence of a valid expression after fromMs within robfig's look-ahead, or undefined. */
function nextOccurrence(expression: string, timezone: string, fromMs: number): number | undefined {
  try {
    // next() throws past endDate. hasNext() would search the same way and rewind, so asking it first searches
    // twice (cron-parser 5.10.6, dist/CronExpression.js hasNext): a yearly date is a year of days in the zone.
    return CronExpressionParser.parse(forCronParser(expression), {
      tz: timezone,
      currentDate: new Date(fromMs),
      endDate: new Date(fromMs + LOOKAHEAD_MS),
    })
      .next()
      .getTime();
  } catch {
    // cron-parser also refuses a day that never exists (30 February): no occurrence, as robfig finds none.
    return undefined;
  }
}

const LOOKAHEAD_MS = CRON_LOOKAHEAD_YEARS * 366 * 86_400_000;

/**
 * Whether the expression fires within robfig's look-ahead after `fromMs`: one that never does (30 February)
 * parses in KEDA, but its Next is the zero time, and the trigger never changes state.
 */
export function cronFires(expression: string, timezone: string, fromMs: number): boolean {
  return nextOccurrence(expression, timezone, fromMs) !== undefined;
}

/**
 * The instant "never fires" is checked from. Without a year field, a date that exists at all (29 February
 * included) comes within five years of any instant, so the answer does not depend on it; fixed, for
 * deterministic validation.
 */
export const CRON_CHECK_FROM_MS = Date.UTC(2026, 0, 1);

/** One problem of a schedule: the field, and `(<value>) <rule>`. */
export interface CronScheduleProblem {
  /** The schedule field at fault. */
  readonly field: 'timezone' | 'start' | 'end';
  /** `(<value>) <rule>`. */
  readonly message: string;
}

/** Every problem of a schedule at once, or []. */
export function cronScheduleProblems(
  schedule: CronSchedule,
  fromMs = CRON_CHECK_FROM_MS,
): CronScheduleProblem[] {
  const problems: CronScheduleProblem[] = [];
  const shown = (value: string): string => `(${JSON.stringify(value)})`;
  const zone = timeZoneProblem(schedule.timezone);
  if (zone !== undefined)
    problems.push({ field: 'timezone', message: `${shown(schedule.timezone)} ${zone}` });
  for (const field of ['start', 'end'] as const) {
    const value = schedule[field];
    const found = cronExpressionProblems(value);
    problems.push(...found.map((p) => ({ field, message: `${shown(value)} ${p}` })));
    if (found.length === 0 && zone === undefined && !cronFires(value, schedule.timezone, fromMs)) {
      problems.push({
        field,
        message: `${shown(value)} never fires within ${CRON_LOOKAHEAD_YEARS} years, so the trigger never changes state`,
      });
    }
  }
  // Source: cron_scaler.go cronMetadata.Validate ("start and end can not have exactly same time input").
  if (schedule.start === schedule.end) {
    problems.push({ field: 'end', message: `${shown(schedule.end)} must differ from start` });
  }
  return problems;
}

/** A time interval [fromMs, toMs) in epoch milliseconds. */
export interface ActiveWindow {
  /** When the window opens, epoch milliseconds (inclusive). */
  readonly fromMs: number;
  /** When it closes, epoch milliseconds (exclusive). */
  readonly toMs: number;
}

/**
 * The first window of activity that opens at or after fromMs, as KEDA decides activity: at t it is active unless the
 * next start after t comes strictly before the next end after t (cron_scaler.go GetMetricsAndActivity: Next is
 * strictly after now, so its "same day" branch is never true and the other one always is). So the state on
 * [one occurrence, the next) is that of the next one: a window opens at a start followed by an end, and lasts
 * through every end before the next start. Undefined when none opens within robfig's look-ahead. The schedule
 * must be valid.
 */
export function firstActiveWindow(schedule: CronSchedule, fromMs: number): ActiveWindow | undefined {
  const { timezone, start, end } = schedule;
  let from = nextOccurrence(start, timezone, fromMs - 1);
  // A start followed by another start before any end opens nothing; skip to the next (bounded: a start every
  // minute for a day at most is looked at).
  for (let i = 0; from !== undefined && i < 1440; i += 1) {
    const nextStart = nextOccurrence(start, timezone, from);
    let to = nextOccurrence(end, timezone, from);
    if (to !== undefined && (nextStart === undefined || to <= nextStart)) {
      for (
        let more = nextOccurrence(end, timezone, to);
        more !== undefined;
        more = nextOccurrence(end, timezone, to)
      ) {
        if (nextStart !== undefined && more >= nextStart) break;
        to = more;
      }
      return { fromMs: from, toMs: to };
    }
    from = nextStart;
  }
  return undefined;
}
