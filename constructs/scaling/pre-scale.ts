import { requireInt } from './guards';
import { DEFAULT_DOWNSCALE_STABILIZATION_SECONDS, type HpaBehavior } from './hpa-behavior';
import { simulateAcrossPhases, type PhaseSpread } from './phases';
import { simulate } from './simulate';
import type { SimulationMemo } from './simulation-memo';
import {
  DEFAULT_HPA_SYNC_SECONDS,
  type SecondsWindow,
  type SimulationInput,
  type SimulationResult,
  type SimulationScaling,
} from './simulation-types';

/** Cron expressions have minute resolution: a schedule's times move in whole minutes. */
export const CRON_RESOLUTION_SECONDS = 60;

/** A reactive config, its workload and traffic, and the known peak a cron trigger pre-scales for. */
export interface PreScaleInput extends Omit<SimulationInput, 'scaling'> {
  /** The reactive config the cron trigger is added to. */
  readonly scaling: SimulationScaling;
  /** The known peak, in simulation seconds. */
  readonly peak: SecondsWindow;
  /** Replicas the cron trigger proposes while active. */
  readonly desiredReplicas: number;
  /** The trigger's name. @default 'scheduled' */
  readonly name?: string;
}

/** Where to place a cron trigger before a known peak, and what the simulation shows with it. */
export interface PreScale {
  /** Seconds from the window's opening until every desired pod is ready, with the HPA reading it at once. */
  readonly rampSeconds: number;
  /** The HPA reads the cron metric at its next sync: up to one sync period after the window opens. */
  readonly hpaSyncSeconds: number;
  /** hpaSyncSeconds + rampSeconds, rounded up to whole minutes: how long before the peak the window opens. */
  readonly leadSeconds: number;
  /**
   * How long before the peak's end the window closes: the HPA's scale-down stabilization holds the largest
   * proposal of its window (less one sync, the last reading's age), in whole minutes; 0 when that costs SLO.
   */
  readonly endBeforePeakEndSeconds: number;
  /** The recommended window in simulation seconds. */
  readonly window: SecondsWindow;
  /** The reactive config with the cron trigger of that window. */
  readonly scaling: SimulationScaling;
  /** The simulation of that config. */
  readonly result: SimulationResult;
}

/**
 * When to open and close a cron trigger of `desiredReplicas` for a known peak, on top of a reactive config:
 * - lead: one HPA sync (the HPA reads the cron metric at its next sync) + the time the behavior's scale-up
 *   rate limits and the pod start-up take to make `desiredReplicas` ready (measured by simulating a window
 *   opened early enough), rounded up to whole minutes;
 * - end: the scale-down stabilization window (behavior, or the controller's 300 s) keeps the cron proposal
 *   for that long after the window closes, so the window closes that much before the peak ends, less one sync
 *   and rounded down to whole minutes; kept at the peak's end when closing early costs over-target seconds.
 */
export function recommendPreScale(input: PreScaleInput): PreScale {
  const { peak, desiredReplicas } = input;
  requireInt('desiredReplicas', desiredReplicas, 1);
  requireInt('peak.fromSecond', peak.fromSecond);
  if (!(peak.toSecond > peak.fromSecond)) {
    throw new RangeError(`peak.toSecond (${peak.toSecond}) must be > peak.fromSecond (${peak.fromSecond})`);
  }
  const sync = input.timing?.hpaSyncSeconds ?? DEFAULT_HPA_SYNC_SECONDS;
  const name = input.name ?? 'scheduled';
  const withWindow = (fromSecond: number, toSecond: number): SimulationScaling => ({
    ...input.scaling,
    schedules: [
      ...(input.scaling.schedules ?? []),
      { name, desiredReplicas, windows: [{ fromSecond, toSecond }] },
    ],
  });
  const run = (scaling: SimulationScaling): SimulationResult => simulate({ ...input, scaling });

  // The ramp: open at a whole minute well before the peak and see when the pods are ready.
  const probeFrom = Math.max(
    0,
    Math.floor((peak.fromSecond - 15 * CRON_RESOLUTION_SECONDS) / CRON_RESOLUTION_SECONDS) *
      CRON_RESOLUTION_SECONDS,
  );
  const wanted = Math.min(desiredReplicas, input.scaling.maxReplicas);
  const probe = run(withWindow(probeFrom, peak.toSecond));
  // A timeline point holds the state during the step that ends at its t: the pods were ready from t - step.
  const step = input.stepSeconds ?? 1;
  const readyAt = probe.timeline.find((p) => p.t - step >= probeFrom && p.readyReplicas >= wanted);
  const readySecond = readyAt === undefined ? undefined : readyAt.t - step;
  const rampSeconds = readySecond === undefined ? peak.fromSecond - probeFrom : readySecond - probeFrom;
  const leadSeconds = Math.max(
    CRON_RESOLUTION_SECONDS,
    Math.ceil((sync + rampSeconds) / CRON_RESOLUTION_SECONDS) * CRON_RESOLUTION_SECONDS,
  );
  const from = Math.max(0, peak.fromSecond - leadSeconds);

  const hold =
    input.scaling.behavior?.scaleDown?.stabilizationWindowSeconds ?? DEFAULT_DOWNSCALE_STABILIZATION_SECONDS;
  const early = Math.max(
    0,
    Math.min(
      Math.floor((hold - sync) / CRON_RESOLUTION_SECONDS) * CRON_RESOLUTION_SECONDS,
      // The window stays at least a minute open.
      Math.floor((peak.toSecond - from - CRON_RESOLUTION_SECONDS) / CRON_RESOLUTION_SECONDS) *
        CRON_RESOLUTION_SECONDS,
    ),
  );
  const atEnd = withWindow(from, peak.toSecond);
  const atEndResult = run(atEnd);
  if (early > 0) {
    const closed = withWindow(from, peak.toSecond - early);
    const closedResult = run(closed);
    if (closedResult.summary.secondsOverDrainTarget <= atEndResult.summary.secondsOverDrainTarget) {
      return {
        rampSeconds,
        hpaSyncSeconds: sync,
        leadSeconds,
        endBeforePeakEndSeconds: early,
        window: { fromSecond: from, toSecond: peak.toSecond - early },
        scaling: closed,
        result: closedResult,
      };
    }
  }
  return {
    rampSeconds,
    hpaSyncSeconds: sync,
    leadSeconds,
    endBeforePeakEndSeconds: 0,
    window: { fromSecond: from, toSecond: peak.toSecond },
    scaling: atEnd,
    result: atEndResult,
  };
}

/** Replica-seconds within this factor of the oracle's count as the oracle's cost (the scheduled target). */
export const PRE_SCALE_COST_FACTOR = 1.1;

/** A fast scale-down once the stabilization window has let go: what a known, scheduled peak can afford. */
export const PRE_SCALE_SCALE_DOWN: NonNullable<HpaBehavior['scaleDown']> = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

/** The pre-scale choosePreScale picked, with its spread across timer offsets. */
export interface PreScaleChoice extends PreScale {
  /** The chosen config's figures at every timer offset. */
  readonly acrossPhases: PhaseSpread;
  /** Reactive candidates the choice compared. */
  readonly candidatesEvaluated: number;
}

/**
 * Places the cron trigger on each reactive candidate (recommendPreScale) and picks one: no over-target second
 * and no flap at any timer placement; of those, the ones whose worst-case replica-seconds are within 1.1× the
 * oracle's if any; then the fewest scale events (worst case), then the cheapest. Without a candidate free of
 * over-target seconds, the least over-target, then the cheapest.
 *
 * A candidate is run at every timer placement only when the choice needs it: one whose run at the input's own
 * placement, one of the placements, costs over 1.1× the oracle is never among the cheap, so it is weighed only
 * when no candidate is cheap and calm.
 */
export function choosePreScale(
  input: Omit<PreScaleInput, 'scaling'>,
  candidates: readonly SimulationScaling[],
  oracleReplicaSeconds: number,
  /** Runs to share with the caller's: a timer placement run before is not run again. @default none */
  memo?: SimulationMemo,
): PreScaleChoice {
  if (candidates.length === 0) throw new RangeError('candidates must list at least one config');
  const placed = candidates.map((scaling) => recommendPreScale({ ...input, scaling }));
  const spreads = new Map<PreScale, PhaseSpread>();
  const spreadOf = (p: PreScale): PhaseSpread => {
    let spread = spreads.get(p);
    if (spread === undefined) {
      spread = simulateAcrossPhases({ ...input, scaling: p.scaling }, p.result.summary, memo);
      spreads.set(p, spread);
    }
    return spread;
  };
  const isCalm = (p: PreScale): boolean =>
    spreadOf(p).secondsOverDrainTarget.max === 0 && spreadOf(p).oscillations.max === 0;
  const costCap = PRE_SCALE_COST_FACTOR * oracleReplicaSeconds;
  // timerPhases always places both timers at 0: then the input's own run is one of the placements.
  const ownIsPlaced =
    (input.timing?.kedaPhaseSeconds ?? 0) === 0 && (input.timing?.hpaPhaseSeconds ?? 0) === 0;
  const byCost = (a: PreScale, b: PreScale): number =>
    spreadOf(a).replicaSeconds.max - spreadOf(b).replicaSeconds.max;
  const cheap = placed.filter(
    (p) =>
      !(ownIsPlaced && p.result.summary.replicaSeconds > costCap) &&
      isCalm(p) &&
      spreadOf(p).replicaSeconds.max <= costCap,
  );
  const pool = cheap.length > 0 ? cheap : placed.filter(isCalm);
  const chosen =
    pool.length > 0
      ? [...pool].sort((a, b) => spreadOf(a).scaleEvents.max - spreadOf(b).scaleEvents.max || byCost(a, b))[0]
      : [...placed].sort(
          (a, b) =>
            spreadOf(a).secondsOverDrainTarget.max - spreadOf(b).secondsOverDrainTarget.max || byCost(a, b),
        )[0];
  return { ...chosen, acrossPhases: spreadOf(chosen), candidatesEvaluated: placed.length };
}
