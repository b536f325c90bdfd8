import type { SimulationTraffic } from './simulation-types';

/** The arrival rate (messages/s) during whole second `second` of a per-second array or segments. */
export function rateAt(series: SimulationTraffic['arrivals'], second: number): number {
  if (series.length === 0) return 0;
  const first = series[0];
  if (typeof first === 'number') {
    const values = series as readonly number[];
    return values[Math.min(Math.floor(second), values.length - 1)] ?? 0;
  }
  const segments = series as readonly { fromSecond: number; ratePerSecond: number }[];
  // Binary search for the last segment starting at or before `second`.
  let low = 0;
  let high = segments.length - 1;
  if (segments[0].fromSecond > second) return 0;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (segments[mid].fromSecond <= second) low = mid;
    else high = mid - 1;
  }
  return segments[low].ratePerSecond;
}

/** Messages arriving in the whole seconds [from, from + seconds). */
export function amountIn(series: SimulationTraffic['arrivals'], from: number, seconds: number): number {
  let total = 0;
  for (let second = from; second < from + seconds; second += 1) total += rateAt(series, second);
  return total;
}

/**
 * amountIn for a clock that moves forward (a simulation's steps): the segment in force is found by walking on from
 * the last one, not by a binary search each second. The same rates in the same order, so the same sums.
 */
export function forwardAmountIn(
  series: SimulationTraffic['arrivals'],
): (from: number, seconds: number) => number {
  if (series.length === 0 || typeof series[0] === 'number') {
    return (from, seconds) => amountIn(series, from, seconds);
  }
  const segments = series as readonly { fromSecond: number; ratePerSecond: number }[];
  // The last segment starting at or before `previous`, -1 before the first.
  let index = -1;
  let previous = -Infinity;
  return (from, seconds) => {
    let total = 0;
    for (let second = from; second < from + seconds; second += 1) {
      if (second < previous) index = -1;
      previous = second;
      while (index + 1 < segments.length && segments[index + 1].fromSecond <= second) index += 1;
      total += index < 0 ? 0 : segments[index].ratePerSecond;
    }
    return total;
  };
}

/** The highest arrival rate (messages/s) of any whole second in [0, durationSeconds). */
export function peakRate(series: SimulationTraffic['arrivals'], durationSeconds: number): number {
  if (series.length === 0) return 0;
  if (typeof series[0] === 'number') {
    const values = (series as readonly number[]).slice(0, Math.max(1, Math.ceil(durationSeconds)));
    return Math.max(0, ...values);
  }
  const segments = series as readonly { fromSecond: number; ratePerSecond: number }[];
  return Math.max(0, ...segments.filter((s) => s.fromSecond < durationSeconds).map((s) => s.ratePerSecond));
}
