import { requirePositive } from './guards';
import { MAX_SIMULATION_SECONDS, type SecondsWindow, type SimulationTraffic } from './simulation-types';

/** The names of the built-in profiles (builtInProfile). */
export const PROFILE_NAMES = ['steady', 'flash-sale', 'diurnal', 'seed-replay'] as const;
/** One of PROFILE_NAMES. */
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** A traffic pattern to simulate: built in, or parsed from a CSV file. */
export interface TrafficProfile {
  /** Profile name: a built-in name or the file's. */
  readonly name: string;
  /** One line for reports, e.g. `200 msg/s for 1 h`. */
  readonly description: string;
  /** Seconds the profile lasts. */
  readonly durationSeconds: number;
  /** The arrivals (and initial backlog or external drain) to simulate. */
  readonly traffic: SimulationTraffic;
  /** The replayed Deployment consumed nothing (the seed guide's nginx placeholder). */
  readonly podsConsumeNothing: boolean;
  /** A known peak a schedule can pre-scale for (the flash sale), in simulation seconds. @default none */
  readonly peak?: SecondsWindow & {
    /** Arrival rate during the peak, in messages per second. */
    readonly ratePerSecond: number;
  };
}

/** Arrival segments helper: rates in messages/s from a second on. */
function segments(...pairs: [number, number][]): { fromSecond: number; ratePerSecond: number }[] {
  return pairs.map(([fromSecond, ratePerSecond]) => ({ fromSecond, ratePerSecond }));
}

/**
 * Built-in profiles around a base rate (messages/s): steady (1 h flat), flash-sale (30 min base, 15 min at
 * 10×, 75 min base), diurnal (24 h, a sine between 0.2× and 1.5× with the peak at 14:00, per minute) and
 * seed-replay (the seed guide's recorded run: ~2,300 messages produced in ~2 min, drained by a separate
 * program at 40/s from minute 3; independent of the base rate).
 */
export function builtInProfile(name: ProfileName, baseRatePerSecond: number): TrafficProfile {
  requirePositive('baseRatePerSecond', baseRatePerSecond);
  switch (name) {
    case 'steady':
      return {
        name,
        description: `${baseRatePerSecond} msg/s for 1 h`,
        durationSeconds: 3600,
        traffic: { arrivals: segments([0, baseRatePerSecond]) },
        podsConsumeNothing: false,
      };
    case 'flash-sale':
      return {
        name,
        description: `${baseRatePerSecond} msg/s, 10× for 15 min from minute 30, 2 h`,
        durationSeconds: 7200,
        traffic: {
          arrivals: segments(
            [0, baseRatePerSecond],
            [1800, 10 * baseRatePerSecond],
            [2700, baseRatePerSecond],
          ),
        },
        podsConsumeNothing: false,
        peak: { fromSecond: 1800, toSecond: 2700, ratePerSecond: 10 * baseRatePerSecond },
      };
    case 'diurnal': {
      const perMinute: [number, number][] = [];
      for (let minute = 0; minute < 1440; minute += 1) {
        const phase = ((minute - 840) / 1440) * 2 * Math.PI;
        const factor = 0.85 + 0.65 * Math.cos(phase);
        perMinute.push([minute * 60, Number((baseRatePerSecond * factor).toFixed(6))]);
      }
      return {
        name,
        description: `0.2× to 1.5× of ${baseRatePerSecond} msg/s over 24 h (mean 0.85×), peak at 14:00`,
        durationSeconds: 86_400,
        traffic: { arrivals: segments(...perMinute) },
        podsConsumeNothing: false,
      };
    }
    case 'seed-replay':
      return {
        name,
        description:
          'seed guide: 2,300 messages in 115 s, drained externally at 40/s from 180 s, placeholder pods',
        durationSeconds: 900,
        traffic: {
          arrivals: segments([0, 20], [115, 0]),
          externalDrain: segments([0, 0], [180, 40], [240, 0]),
        },
        podsConsumeNothing: true,
      };
    default:
      throw new RangeError(`profile must be one of ${PROFILE_NAMES.join(', ')}, got ${String(name)}`);
  }
}

/** A CSV profile that does not parse: where, and why (the message is `<source>:<line>:<column>: <detail>`). */
export class ProfileParseError extends Error {
  constructor(
    /** The file (or other source) name. */
    readonly source: string,
    /** Line of the problem, from 1. */
    readonly line: number,
    /** Column of the problem, from 1. */
    readonly column: number,
    detail: string,
  ) {
    super(`${source}:${line}:${column}: ${detail}`);
    this.name = 'ProfileParseError';
  }
}

/**
 * A CSV profile: `second,rate[,drain]` per line (an optional header line starting with a letter, `#` comments),
 * seconds strictly increasing from 0, rates >= 0 in messages/s, each holding until the next line. The profile
 * lasts until the last line's second + 60 s; more than a week is refused.
 */
export function parseCsvProfile(
  text: string,
  source: string,
  /** Name the description uses, e.g. the file's base name, so no machine path reaches a chart. @default source */
  label = source,
): TrafficProfile {
  const arrivals: { fromSecond: number; ratePerSecond: number }[] = [];
  const drain: { fromSecond: number; ratePerSecond: number }[] = [];
  let previous = -1;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (content === '' || content.startsWith('#')) return;
    if (arrivals.length === 0 && /^[A-Za-z]/.test(content)) return; // header
    const cells = raw.split(',');
    if (cells.length < 2 || cells.length > 3) {
      throw new ProfileParseError(
        source,
        line,
        1,
        `expected second,rate[,drain], got ${cells.length} columns`,
      );
    }
    let column = 1;
    const values = cells.map((cell, i) => {
      const at = column;
      column += cell.length + 1;
      const trimmed = cell.trim();
      const value = Number(trimmed);
      if (trimmed === '' || !Number.isFinite(value) || value < 0) {
        throw new ProfileParseError(
          source,
          line,
          at,
          `${['second', 'rate', 'drain'][i]} must be a number >= 0, got ${JSON.stringify(trimmed)}`,
        );
      }
      return value;
    });
    const [second, rate, external] = values as [number, number, number | undefined];
    if (!Number.isInteger(second))
      throw new ProfileParseError(source, line, 1, `second must be a whole number, got ${second}`);
    if (arrivals.length === 0 && second !== 0)
      throw new ProfileParseError(source, line, 1, 'the first row must start at second 0');
    if (second <= previous)
      throw new ProfileParseError(source, line, 1, `second ${second} must be greater than ${previous}`);
    if (second + 60 > MAX_SIMULATION_SECONDS) {
      throw new ProfileParseError(
        source,
        line,
        1,
        `the profile runs past one week (${MAX_SIMULATION_SECONDS} s)`,
      );
    }
    previous = second;
    arrivals.push({ fromSecond: second, ratePerSecond: rate });
    if (external !== undefined) drain.push({ fromSecond: second, ratePerSecond: external });
  });
  if (arrivals.length === 0) throw new ProfileParseError(source, 1, 1, 'no data rows');
  return {
    name: source,
    description: `${arrivals.length} rows from ${label}`,
    durationSeconds: previous + 60,
    traffic: { arrivals, ...(drain.length > 0 && { externalDrain: drain }) },
    podsConsumeNothing: false,
  };
}
