/**
 * The closed loop's bookkeeping (tests/e2e/closed-loop.test.ts): the measured arrival profile as `simulate`
 * takes it, the milestones of a replica timeline, the side-by-side report and its drift from the committed one.
 */
import type { RateSegment } from '../../../constructs/scaling';

/** A replica change: at `t` real seconds from the loop's start, spec.replicas became `replicas`. */
export interface Change {
  readonly t: number;
  readonly replicas: number;
}

/** The load generator's progress: `sent` messages by `t` real seconds from the loop's start. */
export interface Progress {
  readonly t: number;
  readonly sent: number;
}

/**
 * The arrivals of the load-generator runs as rate segments in production seconds (real × k): each run's progress
 * points (cumulative, one a second, the first one second after its first send) are straight lines between them;
 * nothing arrives before a run's first send, between runs or after the last. Segments that round to one second
 * keep the later one.
 */
export function arrivalSegments(
  runs: readonly (readonly Progress[])[],
  k: number,
  everySeconds = 1,
): RateSegment[] {
  const out: RateSegment[] = [{ fromSecond: 0, ratePerSecond: 0 }];
  const push = (fromReal: number, ratePerSecond: number): void => {
    const fromSecond = Math.max(0, Math.round(fromReal * k));
    while (out.length > 0 && out[out.length - 1].fromSecond >= fromSecond) out.pop();
    out.push({ fromSecond, ratePerSecond });
  };
  for (const points of runs) {
    if (points.length === 0) continue;
    const start: Progress = { t: Math.max(0, points[0].t - everySeconds), sent: 0 };
    const all = [start, ...points];
    for (let i = 1; i < all.length; i += 1) {
      const span = (all[i].t - all[i - 1].t) * k;
      if (span <= 0) continue;
      push(all[i - 1].t, (all[i].sent - all[i - 1].sent) / span);
    }
    push(all[all.length - 1].t, 0);
  }
  return out;
}

/** Where a replica timeline turns: real seconds, null when it never does. */
export interface Milestones {
  /** The first change out of 0 (KEDA's activation). */
  readonly activation: number | null;
  readonly peak: number;
  /** When the peak was first reached. */
  readonly peakAt: number | null;
  /** The first change down after the peak. */
  readonly scaleInFrom: number | null;
  /** The last change to 0. */
  readonly zeroAt: number | null;
}

export function milestones(changes: readonly Change[]): Milestones {
  const peak = Math.max(...changes.map((c) => c.replicas));
  const peakIndex = changes.findIndex((c) => c.replicas === peak);
  const activation = changes.find((c, i) => i > 0 && changes[i - 1].replicas === 0 && c.replicas > 0);
  const down = changes.find((c, i) => i > peakIndex && c.replicas < changes[i - 1].replicas);
  const last = changes[changes.length - 1];
  return {
    activation: activation?.t ?? null,
    peak,
    peakAt: peakIndex > 0 ? changes[peakIndex].t : null,
    scaleInFrom: down?.t ?? null,
    zeroAt: changes.length > 1 && last.replicas === 0 ? last.t : null,
  };
}

/** The bound of each milestone, real seconds (see the test's BOUNDS). */
export type Bounds = Readonly<Record<Exclude<keyof Milestones, 'peak'>, number>>;

/** What the report states, read back by the suite (the fenced block at its end). */
export interface LoopData {
  readonly compression: number;
  readonly real: readonly Change[];
  readonly simulated: readonly Change[];
  readonly bounds: Bounds;
  /** Real seconds from a consumer's spawn to the broker counting its group online (simulate's pod start). */
  readonly onlineSeconds: number;
}

const DATA_OPEN = '<!-- closed-loop-data';
const DATA_CLOSE = '-->';
const MILESTONE_NAMES: Readonly<Record<keyof Bounds, string>> = {
  activation: 'KEDA activates (0 → 1)',
  peakAt: 'the peak is reached',
  scaleInFrom: 'the first step down',
  zeroAt: 'back to 0',
};

/** Real minus simulated per milestone (real seconds), null when either side has none. */
export function divergence(real: Milestones, simulated: Milestones): Record<keyof Bounds, number | null> {
  const diff = (a: number | null, b: number | null): number | null =>
    a === null || b === null ? null : Number((a - b).toFixed(1));
  return {
    activation: diff(real.activation, simulated.activation),
    peakAt: diff(real.peakAt, simulated.peakAt),
    scaleInFrom: diff(real.scaleInFrom, simulated.scaleInFrom),
    zeroAt: diff(real.zeroAt, simulated.zeroAt),
  };
}

/** Milestones beyond their bound, or missing on one side; [] when real and simulated agree. */
export function beyondBounds(
  real: Milestones,
  simulated: Milestones,
  bounds: Bounds,
  what: string,
): string[] {
  const out: string[] = [];
  if (real.peak !== simulated.peak) out.push(`${what}: peak ${real.peak}, expected ${simulated.peak}`);
  const d = divergence(real, simulated);
  for (const key of Object.keys(bounds) as (keyof Bounds)[]) {
    const value = d[key];
    const at = (x: number | null): string => (x === null ? 'never' : `at ${x} s`);
    if (value === null) {
      if (real[key] !== simulated[key])
        out.push(`${what}: ${MILESTONE_NAMES[key]} ${at(real[key])}, expected ${at(simulated[key])}`);
    } else if (Math.abs(value) > bounds[key])
      out.push(
        `${what}: ${MILESTONE_NAMES[key]} at ${real[key]} s, expected at ${simulated[key]} s (within ${bounds[key]} s)`,
      );
  }
  return out;
}

/** The side-by-side report: header, figures, the two timelines, their milestones, and the data block. */
export function loopReport(
  header: string,
  figures: readonly (readonly [string, string])[],
  data: LoopData,
): string {
  const real = milestones(data.real);
  const simulated = milestones(data.simulated);
  const d = divergence(real, simulated);
  const fmt = (changes: readonly Change[]): string => changes.map((c) => `${c.replicas}@${c.t}s`).join(' → ');
  const lines = [header, '', '| Figure | Value |', '| --- | --- |'];
  for (const [name, value] of figures) lines.push(`| ${name} | ${value} |`);
  lines.push('', '| | replicas@real second |', '| --- | --- |');
  lines.push(`| real | ${fmt(data.real)} |`, `| simulated | ${fmt(data.simulated)} |`, '');
  lines.push(
    '| Milestone | Real, s | Simulated, s | Real − simulated, s | Bound, s |',
    '| --- | --- | --- | --- | --- |',
  );
  lines.push(`| peak replicas | ${real.peak} | ${simulated.peak} | | equal |`);
  for (const key of Object.keys(data.bounds) as (keyof Bounds)[])
    lines.push(
      `| ${MILESTONE_NAMES[key]} | ${real[key] ?? '—'} | ${simulated[key] ?? '—'} | ${d[key] ?? '—'} | ${data.bounds[key]} |`,
    );
  lines.push('', DATA_OPEN, JSON.stringify(data, null, 1), DATA_CLOSE, '');
  return lines.join('\n');
}

/** The data block of a report written by `loopReport`; throws naming the file when there is none. */
export function loopData(file: string, text: string): LoopData {
  const open = text.lastIndexOf(DATA_OPEN);
  const close = text.indexOf(DATA_CLOSE, open);
  if (open < 0 || close < 0) throw new Error(`${file}: no "${DATA_OPEN}" block: regenerate it`);
  return JSON.parse(text.slice(open + DATA_OPEN.length, close)) as LoopData;
}
