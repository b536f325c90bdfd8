import { requireInt } from './guards';
import { DEFAULT_DOWNSCALE_STABILIZATION_SECONDS, type HpaBehavior } from './hpa-behavior';
import { simulateAcrossPhases, type PhaseSpread } from './phases';
import { simulate } from './simulate';
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
 */
export function choosePreScale(
  input: Omit<PreScaleInput, 'scaling'>,
  candidates: readonly SimulationScaling[],
  oracleReplicaSeconds: number,
): PreScaleChoice {
  if (candidates.length === 0) throw new RangeError('candidates must list at least one config');
  const placed = candidates.map((scaling) => {
    const pre = recommendPreScale({ ...input, scaling });
    return {
      ...pre,
      acrossPhases: simulateAcrossPhases({ ...input, scaling: pre.scaling }, pre.result.summary),
    };
  });
  const calm = placed.filter(
    (p) => p.acrossPhases.secondsOverDrainTarget.max === 0 && p.acrossPhases.oscillations.max === 0,
  );
  const byCost = (a: (typeof placed)[number], b: (typeof placed)[number]): number =>
    a.acrossPhases.replicaSeconds.max - b.acrossPhases.replicaSeconds.max;
  let chosen: (typeof placed)[number];
  if (calm.length > 0) {
    const cheap = calm.filter(
      (p) => p.acrossPhases.replicaSeconds.max <= PRE_SCALE_COST_FACTOR * oracleReplicaSeconds,
    );
    chosen = [...(cheap.length > 0 ? cheap : calm)].sort(
      (a, b) => a.acrossPhases.scaleEvents.max - b.acrossPhases.scaleEvents.max || byCost(a, b),
    )[0];
  } else {
    chosen = [...placed].sort(
      (a, b) =>
        a.acrossPhases.secondsOverDrainTarget.max - b.acrossPhases.secondsOverDrainTarget.max || byCost(a, b),
    )[0];
  }
  return { ...chosen, candidatesEvaluated: placed.length };
}
