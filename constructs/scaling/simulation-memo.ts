import { simulate, simulateSummary } from './simulate';
import type { SimulationInput, SimulationResult, SimulationSummary } from './simulation-types';

/** What a `SimulationMemo` did. */
export interface SimulationCounts {
  /** Inputs simulated. */
  readonly simulated: number;
  /** Calls answered with the result of an equal input run before. */
  readonly remembered: number;
}

/**
 * The simulations of one plan, each distinct input run once. A plan asks for the same run several times: the
 * committed config is also a candidate of `recommend` and often its choice, so its run, its six timer placements
 * and the demand column's are the same runs (prod order-fulfilment's flash sale: 14 of 64 runs, its day: 13 of
 * 61, each of 86,400 steps). `simulate` is deterministic, so an input equal to one already run gets that run's
 * result; inputs are read-only and never changed after a call, as everywhere in this module.
 *
 * Inputs are equal when their fields are, in any key order, and their traffic is the same object (a profile's
 * traffic is built once a plan; two equal traffic objects are only run twice). Full results are kept (a plan keeps
 * them for its chart anyway), and summaries, which are small.
 */
export class SimulationMemo {
  private readonly results = new Map<string, SimulationResult>();
  private readonly summaries = new Map<string, SimulationSummary>();
  private readonly traffics = new WeakMap<object, number>();
  private trafficCount = 0;
  private simulated = 0;
  private remembered = 0;

  /** `simulate(input)`, or the result of an equal input run before. */
  simulate(input: SimulationInput): SimulationResult {
    const key = this.keyOf(input);
    const known = this.results.get(key);
    if (known !== undefined) {
      this.remembered += 1;
      return known;
    }
    this.simulated += 1;
    const result = simulate(input);
    this.results.set(key, result);
    return result;
  }

  /** `simulateSummary(input)`, or the summary of an equal input run before, in full or not. */
  simulateSummary(input: SimulationInput): SimulationSummary {
    const key = this.keyOf(input);
    const known = this.results.get(key)?.summary ?? this.summaries.get(key);
    if (known !== undefined) {
      this.remembered += 1;
      return known;
    }
    this.simulated += 1;
    const summary = simulateSummary(input);
    this.summaries.set(key, summary);
    return summary;
  }

  /** What the memo did so far. */
  get counts(): SimulationCounts {
    return { simulated: this.simulated, remembered: this.remembered };
  }

  private keyOf(input: SimulationInput): string {
    let traffic = this.traffics.get(input.traffic);
    if (traffic === undefined) {
      traffic = this.trafficCount++;
      this.traffics.set(input.traffic, traffic);
    }
    return `${traffic} ${JSON.stringify({ ...input, traffic: undefined }, canonical)}`;
  }
}

/** `simulateSummary`, through `memo` when there is one: for a function that takes a memo as an option. */
export function summaryRunner(memo?: SimulationMemo): (input: SimulationInput) => SimulationSummary {
  return memo === undefined ? simulateSummary : (input) => memo.simulateSummary(input);
}

/**
 * JSON.stringify's replacer for a key that ignores key order and keeps what JSON would lose: objects with their
 * keys sorted, non-finite numbers (JSON writes null) as strings of their own kind.
 */
function canonical(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { nonFinite: String(value) };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}
