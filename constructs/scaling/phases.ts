import { summaryRunner, type SimulationMemo } from './simulation-memo';
import {
  DEFAULT_HPA_SYNC_SECONDS,
  DEFAULT_POLLING_INTERVAL_SECONDS,
  type SimulationInput,
  type SimulationSummary,
} from './simulation-types';

/** Offsets of the KEDA poll and the HPA sync within their periods (see SimulationTiming). */
export interface TimerPhase {
  /** Offset of KEDA's polls within its polling interval, in seconds. */
  readonly kedaPhaseSeconds: number;
  /** Offset of the HPA's syncs within its sync period, in seconds. */
  readonly hpaPhaseSeconds: number;
}

/** The smallest and largest value of one figure across the timer offsets. */
export interface Range {
  /** Smallest value. */
  readonly min: number;
  /** Largest value. */
  readonly max: number;
}

/** How far the results move with the offsets of the KEDA and HPA timers, which no one chooses. */
export interface PhaseSpread {
  /** The offsets simulated. */
  readonly phases: readonly TimerPhase[];
  /** SimulationSummary.p99WaitSeconds across the offsets. */
  readonly p99WaitSeconds: Range;
  /** SimulationSummary.secondsOverDrainTarget across the offsets. */
  readonly secondsOverDrainTarget: Range;
  /** SimulationSummary.replicaSeconds across the offsets. */
  readonly replicaSeconds: Range;
  /** SimulationSummary.scaleEvents across the offsets. */
  readonly scaleEvents: Range;
  /** SimulationSummary.oscillations across the offsets. */
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

/**
 * Runs `input` once per timer placement (its own phases are replaced) and reports the ranges. `aligned`, when the
 * caller has it, is `simulateSummary(input)` itself: the placement equal to the input's own phases is not run
 * again (the simulation is deterministic).
 */
export function simulateAcrossPhases(
  input: SimulationInput,
  aligned?: SimulationSummary,
  /** Runs to share: a placement run before is not run again. @default none */
  memo?: SimulationMemo,
): PhaseSpread {
  const phases = timerPhases(
    input.scaling.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS,
    input.timing?.hpaSyncSeconds ?? DEFAULT_HPA_SYNC_SECONDS,
    input.stepSeconds ?? 1,
  );
  const summaryOf = summaryRunner(memo);
  const ownKeda = input.timing?.kedaPhaseSeconds ?? 0;
  const ownHpa = input.timing?.hpaPhaseSeconds ?? 0;
  const summaries = phases.map((phase) =>
    aligned !== undefined && phase.kedaPhaseSeconds === ownKeda && phase.hpaPhaseSeconds === ownHpa
      ? aligned
      : summaryOf({ ...input, timing: { ...input.timing, ...phase } }),
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
