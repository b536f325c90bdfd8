import { DRAINED_EPSILON, MessageLedger } from './message-ledger';
import { DEFAULT_DOWNSCALE_STABILIZATION_SECONDS } from './hpa-behavior';
import { ScaleEventLog } from './scale-events';
import { validate } from './simulate-validate';
import {
  DEFAULT_METRIC_STALENESS_SECONDS,
  DEFAULT_POD_STARTUP_SECONDS,
  DEFAULT_POLLING_INTERVAL_SECONDS,
  type SimulationInput,
  type SimulationResult,
  type SimulationSummary,
  type TimelinePoint,
} from './simulation-types';
import { amountIn } from './traffic-series';

/** The shortest KEDA polling interval `recommend` tries: the poll the plan's reactive bound waits for. */
export const BOUND_POLLING_SECONDS = 15;

/** A deadline counts as met within this many messages (the ledger drops buckets below 1e-9). */
const DEADLINE_TOLERANCE = 1e-6;

/** The reactive bound's timeline, with what it was derived from. */
export interface ReactiveBoundResult extends SimulationResult {
  /** Seconds between a metric sample and the decision that can use it: staleness + one KEDA poll. */
  readonly informationDelaySeconds: number;
  /** Pods the bound adds above the seen rate's need while it sees a backlog (the `k` the search chose). */
  readonly extraReplicas: number;
  /** The fastest reactive timeline (maxReplicas as soon as a backlog shows): where the drain target can be met. */
  readonly fastest: SimulationSummary;
}

/**
 * The reactive bound: the cheapest replica timeline (replica-seconds) a controller could follow with the metrics
 * as they were one scrape plus one KEDA poll ago (`metricStalenessSeconds + pollingIntervalSeconds`, D), with
 * the workload's pod start-up (S) and shutdown linger, within min(maxReplicas, queue count), meeting the drain
 * target at every second where the fastest such timeline meets it. Like the oracle it counts
 * ceil(rate / per-pod rate) replicas for a rate and leaves the external drain out.
 *
 * The class of timelines (what "reactive" means here), at each second u:
 * - it keeps up with the rate it saw: r(u) >= lo(u) = ceil(rate(u - D) / per-pod), because fewer would fall
 *   behind if that rate went on, and nothing it has seen says it will not (so it cannot scale up before a rise
 *   shows, nor down before a fall shows);
 * - it may add pods above lo only while it sees a backlog (waiting messages at u - D): the only evidence a
 *   reactive controller has that the rate's need is not enough; they go when the queue is empty;
 * - it may hold pods above lo while messages wait (it knows its own pods and the rate it saw, so it can tell
 *   when its backlog is gone — a relaxation in the bound's favour);
 * - a pod asked for at u consumes from u + S; a scale-down removes pods not yet ready first (as a ReplicaSet
 *   does), so the pods ready at t are min(r(t - S .. t)); a removed ready pod is billed the shutdown linger.
 *
 * The search, and why it finds the cheapest timeline of the class:
 * 1. Below lo nothing is allowed, and lo alone is what the rate costs (when lo alone meets the deadlines and a
 *    removal costs no linger, it is the answer); what remains is the extra pods while a backlog shows and the
 *    pods held after lo falls.
 * 2. Extra pods: in a busy period every ready pod-second consumes `per-pod` messages, so the work costs the
 *    same pod-seconds however fast it is done; what the choice changes is the start-up paid per added pod and
 *    the pods idle once the queue empties. Added pods start as early as the class allows (when the backlog
 *    shows), so the fewest added pods that meet the deadlines is the cheapest: the search tries every count
 *    k = 0 .. maxReplicas and keeps the cheapest that meets them (one k for the whole profile: exact for a
 *    profile with one busy period, such as the flash sale; with several, an upper estimate within the class).
 * 3. Held pods: after lo falls, the bound keeps, each second, the fewest pods (binary search: more pods never
 *    consume less) with which the deadlines still hold if that count is kept until the queue empties. Pods
 *    held never come back once let go (a new pod would pay its start-up), so taking the fewest now is safe.
 * 4. The fastest timeline (k = maxReplicas, every pod held while messages wait) consumes at least as much as
 *    any timeline of the class by every second in the flash-sale shape, so where it misses the target none can
 *    meet it; those seconds are exempt.
 */
export function reactiveBound(input: SimulationInput): ReactiveBoundResult {
  validate(input);
  if ((input.stepSeconds ?? 1) !== 1) throw new RangeError('reactiveBound needs stepSeconds 1');
  const { workload, traffic, scaling } = input;
  const perPod = workload.messagesPerSecondPerPod;
  if (perPod <= 0) {
    throw new RangeError(`workload.messagesPerSecondPerPod must be > 0 for the bound, got ${perPod}`);
  }
  const cap = Math.min(scaling.maxReplicas, scaling.queueCap ?? Infinity);
  const delay =
    (input.timing?.metricStalenessSeconds ?? DEFAULT_METRIC_STALENESS_SECONDS) +
    (scaling.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS);
  const startup = workload.startupSeconds ?? DEFAULT_POD_STARTUP_SECONDS;
  const processing = workload.processingSeconds ?? 0;
  const linger = processing > 0 ? (workload.maxProcessingSeconds ?? processing) : 0;
  const target = workload.targetDrainSeconds;
  const n = Math.ceil(input.durationSeconds);
  const initialBacklog = traffic.initialBacklog ?? 0;

  const arrivals = new Float64Array(n);
  const arrived = new Float64Array(n); // messages keyed at or before second t, the initial backlog included
  let total = initialBacklog;
  for (let t = 0; t < n; t += 1) {
    arrivals[t] = amountIn(traffic.arrivals, t, 1);
    total += arrivals[t];
    arrived[t] = total;
  }
  // 1e-9: 0.3 / 0.1 is 2.9999999999999996 in binary, which must not round up to 4 (as the oracle).
  const need = (rate: number): number => Math.min(cap, Math.max(0, Math.ceil(rate / perPod - 1e-9)));
  // Before t = 0 the traffic is taken to have run at its first second's rate (simulate's rate() does the same).
  const before = need(arrivals[0] ?? 0);
  const lo = new Int32Array(n);
  for (let u = 0; u < n; u += 1) lo[u] = need(u - delay >= 0 ? arrivals[u - delay] : (arrivals[0] ?? 0));
  // What the seconds from u on cost at the least (each asks for lo or more): a play that cannot end below the
  // best one's cost is cut as soon as that shows, not when its cost gets there.
  const loAfter = new Float64Array(n + 1);
  for (let u = n - 1; u >= 0; u -= 1) loAfter[u] = loAfter[u + 1] + lo[u];
  // What must be consumed by the end of second t: every message keyed at or before t - target (the ledger counts
  // a second over target when now - oldest > target, now = t + 1).
  const deadline = new Float64Array(n);
  if (target !== undefined) {
    for (let t = 0; t < n; t += 1) {
      const k = Math.ceil(t + 1 - target) - 1;
      deadline[t] = k >= 0 ? arrived[Math.min(k, n - 1)] : 0;
    }
  }

  interface Play {
    readonly replicas: Int32Array;
    readonly cost: number;
    readonly met: Uint8Array;
    readonly missesRequired: boolean;
    /** The most extra pods that changed anything: cap - lo at the seconds it was behind. */
    readonly extraUsed: number;
  }
  /** One timeline of the class: `extra` pods while a backlog shows, pods held `all` or as few as deadlines allow. */
  /** A play's state before it decides second `u`. */
  interface Snapshot {
    readonly u: number;
    readonly r: Int32Array;
    readonly waiting: Float64Array;
    readonly met: Uint8Array;
    readonly consumed: number;
    readonly cost: number;
    readonly misses: boolean;
  }
  /**
   * The state before the first second the bound is behind: until then the extra pods change nothing, so every
   * count of them starts from here (taken by the first play that gets there).
   */
  let firstBehind: Snapshot | undefined;
  const play = (
    extra: number,
    hold: 'all' | 'fewest',
    required: Uint8Array | null,
    costLimit = Infinity,
    from?: Snapshot,
  ): Play | undefined => {
    const r = from?.r.slice() ?? new Int32Array(n);
    const waiting = from?.waiting.slice() ?? new Float64Array(n);
    const met = from?.met.slice() ?? new Uint8Array(n);
    const at = (u: number): number => (u < 0 ? before : r[u]);
    let consumed = from?.consumed ?? 0;
    let cost = from?.cost ?? 0;
    let misses = from?.misses ?? false;
    let extraUsed = 0;
    const record = hold === 'fewest' && from === undefined && firstBehind === undefined;
    /** pastMin[i]: the fewest pods asked for over [u - S + i, u - 1] (none: Infinity), for the ready pods. */
    const pastMin = new Float64Array(startup + 1);
    const fillPastMin = (u: number): void => {
      pastMin[startup] = Infinity;
      for (let i = startup - 1; i >= 0; i -= 1) pastMin[i] = Math.min(pastMin[i + 1], at(u - startup + i));
    };
    /** Whether keeping `count` pods from u on meets the required deadlines until the queue empties. */
    const holds = (u: number, count: number): boolean => {
      let c = consumed;
      const horizon = Math.min(n, u + (target ?? 0) + startup + delay + 1);
      for (let t = u; t < horizon; t += 1) {
        const ready = t - u < startup ? Math.min(count, pastMin[t - u]) : count;
        c = Math.min(c + ready * perPod, arrived[t]);
        if (required !== null && required[t] === 1 && c < deadline[t] - DEADLINE_TOLERANCE) return false;
        if (arrived[t] - c <= DRAINED_EPSILON && t >= u + startup) return true;
      }
      return true;
    };
    // The fewest pods asked for over the start-up window [u - S, u - 1] (`before` below 0), a sliding minimum:
    // indices of r in the window with increasing values, so the oldest is the minimum.
    const window = new Int32Array(n);
    let windowHead = 0;
    let windowTail = 0;
    const enter = (v: number): void => {
      while (windowTail > windowHead && r[window[windowTail - 1]] >= r[v]) windowTail -= 1;
      window[windowTail] = v;
      windowTail += 1;
    };
    const start = from?.u ?? 0;
    for (let v = Math.max(0, start - startup); v < start; v += 1) enter(v);
    for (let u = start; u < n; u += 1) {
      if (u > start) enter(u - 1);
      while (windowTail > windowHead && window[windowHead] < u - startup) windowHead += 1;
      const nowWaiting = u === 0 ? initialBacklog : waiting[u - 1];
      const seenIndex = u - 1 - delay;
      const seenWaiting = seenIndex < 0 ? initialBacklog : waiting[seenIndex];
      // Extra pods while the backlog shows, until the queue is empty (known to the controller as its holds are).
      const behind = seenWaiting > DRAINED_EPSILON && nowWaiting > DRAINED_EPSILON;
      if (behind && record && firstBehind === undefined) {
        firstBehind = { u, r: r.slice(), waiting: waiting.slice(), met: met.slice(), consumed, cost, misses };
      }
      const base = behind ? Math.min(cap, lo[u] + extra) : lo[u];
      if (behind) extraUsed = Math.max(extraUsed, cap - lo[u]);
      const previous = at(u - 1);
      let replicas = base;
      if (nowWaiting > DRAINED_EPSILON && previous > base) {
        if (hold === 'all') replicas = previous;
        else {
          fillPastMin(u);
          let low = base;
          let high = previous;
          while (low < high) {
            const mid = (low + high) >> 1;
            if (holds(u, mid)) high = mid;
            else low = mid + 1;
          }
          replicas = low;
        }
      }
      r[u] = replicas;
      // Ready pods at u before the write: created by u - S (simulate's resize bills each removed one).
      let readyBefore = windowTail > windowHead ? r[window[windowHead]] : Infinity;
      if (u - startup < 0 && startup > 0) readyBefore = Math.min(readyBefore, before);
      const ready = Math.min(replicas, readyBefore);
      cost += replicas + Math.max(0, Math.min(readyBefore, previous) - replicas) * linger;
      // Costs only grow, by lo or more a second: a play at the best one's cost, or that cannot end below it, cannot
      // be the (strictly) cheaper one. The second test keeps a relative 1e-9 clear of the float sums' rounding
      // (a sum of n terms is off by at most n ulps, and n is at most a week of seconds).
      if (cost >= costLimit || cost + loAfter[u + 1] > costLimit * (1 + 1e-9)) return undefined;
      consumed = Math.min(consumed + ready * perPod, arrived[u]);
      waiting[u] = arrived[u] - consumed;
      met[u] = consumed >= deadline[u] - DEADLINE_TOLERANCE ? 1 : 0;
      if (required !== null && required[u] === 1 && met[u] === 0) misses = true;
    }
    return { replicas: r, cost, met, missesRequired: misses, extraUsed };
  };

  // Without a cost limit a play runs to the end.
  const fastest = play(cap, 'all', null)!;
  let best: { play: Play; extra: number } | undefined;
  for (let extra = 0; extra <= cap; extra += 1) {
    const candidate = play(
      extra,
      'fewest',
      fastest.met,
      best?.play.cost,
      extra > 0 ? firstBehind : undefined,
    );
    if (candidate === undefined) continue;
    if (candidate.missesRequired) {
      if (extra >= candidate.extraUsed) break;
      continue;
    }
    if (best === undefined || candidate.cost < best.play.cost) best = { play: candidate, extra };
    // Every timeline of the class asks for lo or more: one that asks for lo alone and meets the deadlines is the
    // cheapest, when a removal costs nothing more (no linger).
    if (extra === 0 && linger === 0 && candidate.replicas.every((x, u) => x === lo[u])) break;
    // More extra pods than maxReplicas leaves room for wherever it is behind change nothing: the same timeline.
    if (extra >= candidate.extraUsed) break;
  }
  // The fastest timeline meets its own deadlines, so `best` exists; keep the type checker sure of it.
  const chosen = best ?? { play: fastest, extra: cap };
  return {
    ...evaluate(chosen.play.replicas),
    informationDelaySeconds: delay,
    extraReplicas: chosen.extra,
    fastest: evaluate(fastest.replicas, false).summary,
  };

  /** The timeline through the ledger every other column uses, for comparable figures (or its summary alone). */
  function evaluate(replicas: Int32Array, keepTimeline = true): SimulationResult {
    const ledger = new MessageLedger(initialBacklog, processing, target);
    const scaleLog = new ScaleEventLog(DEFAULT_DOWNSCALE_STABILIZATION_SECONDS);
    const at = (u: number): number => (u < 0 ? before : replicas[u]);
    const readySince = startupMinimum(replicas, before, startup);
    const timeline: TimelinePoint[] = [];
    let replicaSeconds = 0;
    let peak = 0;
    for (let u = 0; u < n; u += 1) {
      const r = replicas[u];
      const readyBefore = readySince[u];
      const ready = Math.min(r, readyBefore);
      if (u > 0) scaleLog.record(u, replicas[u - 1], r);
      replicaSeconds += r + Math.max(0, Math.min(readyBefore, at(u - 1)) - r) * linger;
      peak = Math.max(peak, r);
      ledger.advance(u, 1, arrivals[u], ready * perPod, 0);
      if (keepTimeline)
        timeline.push({
          t: u + 1,
          arrivalRate: arrivals[u],
          backlog: ledger.backlog,
          inflight: ledger.inflightMessages,
          replicas: r,
          readyReplicas: ready,
        });
    }
    return {
      timeline,
      summary: ledger.summary({ replicaSeconds, ...scaleLog.stats(), peakReplicas: peak }),
    };
  }
}

/**
 * For each second u, the fewest pods asked for over [u - startup, u - 1] (`before` for the seconds before 0; with
 * no start-up, Infinity): the pods ready at u. A sliding minimum, the window's indices kept with increasing values.
 */
function startupMinimum(replicas: Int32Array, before: number, startup: number): Float64Array {
  const n = replicas.length;
  const asked = (v: number): number => (v < 0 ? before : replicas[v]);
  const minimum = new Float64Array(n);
  const window = new Int32Array(n + startup);
  let head = 0;
  let tail = 0;
  for (let u = 0; u < n; u += 1) {
    if (startup === 0) {
      minimum[u] = Infinity;
      continue;
    }
    // Enter u - 1 (or, at 0, every second of the window before 0), leave what is older than u - startup.
    for (let v = u === 0 ? -startup : u - 1; v < u; v += 1) {
      while (tail > head && asked(window[tail - 1]) >= asked(v)) tail -= 1;
      window[tail] = v;
      tail += 1;
    }
    while (window[head] < u - startup) head += 1;
    minimum[u] = asked(window[head]);
  }
  return minimum;
}
