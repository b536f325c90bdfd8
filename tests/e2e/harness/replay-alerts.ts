/**
 * The cluster-side alert rules in the controller replay: what Prometheus recorded of an alert (its ALERTS
 * series), and where an alert on KEDA's error counter is expected from the failing queries of an outage.
 */

/** One sample of an alert's ALERTS series: an evaluation (unix seconds) that found it pending or firing. */
export interface AlertSample {
  readonly t: number;
  readonly state: 'pending' | 'firing';
}

/** One run of an alert from pending to resolved, unix seconds. */
export interface AlertEpisode {
  /** The evaluation that found the condition first (ALERTS alertstate="pending"). */
  readonly pending: number;
  /** The first evaluation that found it firing, if it did. */
  readonly firing?: number;
  /** The last evaluation that found it pending or firing. */
  readonly last: number;
  /** The evaluation after `last`: the first that found the condition gone. */
  readonly quiet: number;
}

/**
 * The episodes of one alert from its ALERTS samples. Prometheus writes a sample at every evaluation of the group
 * while the alert is pending or firing, and none once it is resolved (prometheus v2.42 rules/alerting.go Eval,
 * sample per active alert); so a gap of more than one interval ends an episode, and the evaluation one interval
 * after its last sample is the one that found it resolved.
 */
export function alertEpisodes(samples: readonly AlertSample[], evalSeconds: number): AlertEpisode[] {
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const episodes: AlertEpisode[] = [];
  let current: { pending: number; firing?: number; last: number } | undefined;
  const close = (): void => {
    if (current !== undefined) episodes.push({ ...current, quiet: current.last + evalSeconds });
  };
  for (const s of sorted) {
    // Half an interval of slack: evaluations run on a fixed grid, the samples are stamped with it.
    if (current === undefined || s.t - current.last > evalSeconds * 1.5) {
      close();
      current = { pending: s.t, last: s.t };
    }
    current.last = s.t;
    if (s.state === 'firing' && current.firing === undefined) current.firing = s.t;
  }
  close();
  return episodes;
}

/** The real-clock periods an alert on `increase(<KEDA error counter>[W]) > 0 for D` runs on. */
export interface AlertClock {
  /** W: the range of increase(), seconds. */
  readonly windowSeconds: number;
  /** D: the rule's `for`, seconds. */
  readonly forSeconds: number;
  /** E: the rule group's evaluation interval, seconds. */
  readonly evalSeconds: number;
  /** S: the scrape interval of KEDA's metrics, seconds. */
  readonly scrapeSeconds: number;
}

/** Where the alert is expected, unix seconds, for an outage whose failing queries ran from `first` to `last`. */
export interface ExpectedAlert {
  /** Pending after the first failing query, and by this time. */
  readonly pendingAfter: number;
  readonly pendingBy: number;
  /** Firing exactly this long after it went pending. */
  readonly firingAfterPendingSeconds: number;
  readonly firingBy: number;
  /** Quiet after the last failing query, and by this time. */
  readonly quietAfter: number;
  readonly quietBy: number;
}

/**
 * Where an alert on `increase(keda_scaled_object_errors_total[W]) > 0 for D` is expected when KEDA's queries
 * fail from `first` to `last` (unix seconds), at least once per W - S between (each failing poll counts an
 * error: kedacore/keda v2.17.2 pkg/scaling/scale_handler.go getScalerState, RecordScalerError):
 * - pending at the first evaluation after the scrape that saw the first error: by first + S + E;
 * - firing at the first evaluation D after that (the group's evaluations are a grid E apart, and the rule fires
 *   once now - activeAt >= D: rules/alerting.go), ceil(D / E) × E later, so by first + S + E + ceil(D / E) × E;
 * - quiet once the range no longer holds the sample before the last error and the one after it: the last error
 *   is counted at `last` (a failing query answered while KEDA serves the fallback is not counted, one poll
 *   earlier at most, still less than W - S before `last`), scraped by last + S, so the range of an evaluation
 *   after last + W no longer holds the sample before it: by last + W + E + S (one scrape for the operator's time
 *   between the failing answer and its count), and not before `last`.
 */
export function expectedAlert(first: number, last: number, clock: AlertClock): ExpectedAlert {
  const { windowSeconds: w, forSeconds: d, evalSeconds: e, scrapeSeconds: s } = clock;
  const held = Math.ceil(d / e) * e;
  return {
    pendingAfter: first,
    pendingBy: first + s + e,
    firingAfterPendingSeconds: held,
    firingBy: first + s + e + held,
    quietAfter: last,
    quietBy: last + w + e + s,
  };
}

/**
 * Whether an outage of failing queries from `first` to `last` is certain to hold the condition for D: it holds
 * from the pending evaluation (by first + S + E) to the last evaluation whose range still holds the last
 * error's increase (after last + W - S - E), so last - first >= D + 2 (S + E) - W.
 */
export function longEnoughToFire(first: number, last: number, clock: AlertClock): boolean {
  const { windowSeconds: w, forSeconds: d, evalSeconds: e, scrapeSeconds: s } = clock;
  return last - first >= d + 2 * (s + e) - w;
}

/** What the replay reports of one alert rule in one scenario, real seconds from the scenario's start. */
export interface AlertOutcome {
  readonly alert: string;
  /** The episodes Prometheus recorded. */
  readonly episodes: readonly AlertEpisode[];
  /** The outage's failing queries, when the scenario has one. */
  readonly failing?: { readonly first: number; readonly last: number };
  /** Where the alert was expected, when the outage is long enough for it to fire. */
  readonly expected?: ExpectedAlert;
  /** When the ScaledObject's Fallback condition turned True (KedaFallbackActive's premise). */
  readonly fallbackConditionAt?: number;
}

/** The report's lines for a scenario's alerts (times real seconds from its start). */
export function alertLines(outcomes: readonly AlertOutcome[]): string[] {
  if (outcomes.length === 0) return [];
  const names = outcomes.map((o) => o.alert).join(', ');
  if (outcomes.every((o) => o.episodes.length === 0 && o.failing === undefined))
    return [`KEDA alerts (${names}): none pending or firing.`, ''];
  const n = (t: number | undefined): string => (t === undefined ? '—' : String(Number(t.toFixed(1))));
  const lines = [
    "KEDA alerts, from Prometheus' ALERTS series (the failing queries at " +
      `${n(outcomes[0].failing?.first)}–${n(outcomes[0].failing?.last)} s):`,
    '',
    '| Alert | Pending, s | Firing, s | Quiet, s | Expected |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const o of outcomes) {
    const x = o.expected;
    const expected =
      x === undefined
        ? 'not held to a time: the outage is too short to be sure it fires'
        : `pending by ${n(x.pendingBy)}, firing ${n(x.firingAfterPendingSeconds)} s later by ${n(x.firingBy)}, quiet after ${n(x.quietAfter)} by ${n(x.quietBy)}`;
    const fallback =
      o.fallbackConditionAt === undefined ? '' : `; Fallback condition True at ${n(o.fallbackConditionAt)}`;
    if (o.episodes.length === 0) lines.push(`| ${o.alert} | — | — | — | ${expected}${fallback} |`);
    for (const e of o.episodes)
      lines.push(
        `| ${o.alert} | ${n(e.pending)} | ${n(e.firing)} | ${n(e.quiet)} | ${expected}${fallback} |`,
      );
  }
  lines.push('');
  return lines;
}
