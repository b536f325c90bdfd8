import { simulate } from './simulate';
import {
  DEFAULT_HPA_SYNC_SECONDS,
  DEFAULT_POLLING_INTERVAL_SECONDS,
  type SimulationInput,
  type SimulationSummary,
} from './simulation-types';

/** Offsets of the KEDA poll and the HPA sync within their periods (see SimulationTiming). */
export interface TimerPhase {
  readonly kedaPhaseSeconds: number;
  readonly hpaPhaseSeconds: number;
}

export interface Range {
  readonly min: number;
  readonly max: number;
}

/** How far the results move with the offsets of the KEDA and HPA timers, which no one chooses. */
export interface PhaseSpread {
  readonly phases: readonly TimerPhase[];
  readonly p99WaitSeconds: Range;
  readonly secondsOverDrainTarget: Range;
  readonly replicaSeconds: Range;
  readonly scaleEvents: Range;
  readonly oscillations: Range;
}

/**
 * Up to six placements of the two timers: KEDA at 0 and half its polling interval, the HPA at 0, a third and
 * two thirds of its sync period, each rounded down to a whole step. Step changes on whole minutes then wait
 * from nothing to most of a period, as they do in a cluster.
 */
export function timerPhases(
  pollingIntervalSeconds: number,
  hpaSyncSeconds = DEFAULT_HPA_SYNC_SECONDS,
  stepSeconds = 1,
): TimerPhase[] {
  const offsets = (period: number, fractions: readonly number[]): number[] => [
    ...new Set(fractions.map((f) => Math.floor((period * f) / stepSeconds) * stepSeconds)),
  ];
  return offsets(pollingIntervalSeconds, [0, 1 / 2]).flatMap((kedaPhaseSeconds) =>
    offsets(hpaSyncSeconds, [0, 1 / 3, 2 / 3]).map((hpaPhaseSeconds) => ({
      kedaPhaseSeconds,
      hpaPhaseSeconds,
    })),
  );
}

/** Runs `input` once per timer placement (its own phases are replaced) and reports the ranges. */
export function simulateAcrossPhases(input: SimulationInput): PhaseSpread {
  const phases = timerPhases(
    input.scaling.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS,
    input.timing?.hpaSyncSeconds ?? DEFAULT_HPA_SYNC_SECONDS,
    input.stepSeconds ?? 1,
  );
  const summaries = phases.map(
    (phase) => simulate({ ...input, timing: { ...input.timing, ...phase } }).summary,
  );
  const range = (get: (s: SimulationSummary) => number): Range => ({
    min: Math.min(...summaries.map(get)),
    max: Math.max(...summaries.map(get)),
  });
  return {
    phases,
    p99WaitSeconds: range((s) => s.p99WaitSeconds),
    secondsOverDrainTarget: range((s) => s.secondsOverDrainTarget),
    replicaSeconds: range((s) => s.replicaSeconds),
    scaleEvents: range((s) => s.scaleEvents),
    oscillations: range((s) => s.oscillations),
  };
}
