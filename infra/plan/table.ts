/** The plan as the table `npm run plan` prints. */
import {
  DEFAULT_POLLING_INTERVAL_SECONDS,
  DRAINED_EPSILON,
  type HpaScalingRules,
  type PhaseSpread,
  type Range,
  type SimulationScaling,
  type SimulationSummary,
} from '../../constructs/scaling';
import { stringify as stringifyYaml } from 'yaml';
import { currentFlags, planColumns, tableColumns, type Plan } from './plan';

/** Fixed decimals with thousands separators, without the ICU data a locale would depend on. */
export function fmt(n: number | null, digits = 0): string {
  if (n === null) return 'never';
  const [whole, fraction] = n.toFixed(digits).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function describeRules(direction: 'up' | 'down', rules: HpaScalingRules | undefined): string {
  if (rules === undefined) return `${direction} default`;
  const sign = direction === 'up' ? '+' : '-';
  const policies = (rules.policies ?? [])
    .map((p) => `${sign}${p.value}${p.type === 'Percent' ? '%' : ' pods'}/${p.periodSeconds} s`)
    .join(` ${(rules.selectPolicy ?? 'Max').toLowerCase()} `);
  const window = rules.stabilizationWindowSeconds;
  return [
    `${direction} ${policies || 'default policies'}`,
    ...(window === undefined ? [] : [`window ${window} s`]),
  ].join(', ');
}

/** One line of a config's trigger and HPA settings. */
export function describeScaling(s: SimulationScaling): string {
  const rate =
    s.demand !== undefined
      ? `demand trigger (arrival rate + backlog / ${s.demand.drainSeconds} s) / ${s.demand.messagesPerSecondPerReplica} msg/s per replica`
      : s.arrivalRateThreshold === undefined
        ? 'no arrival-rate trigger'
        : `arrival-rate threshold ${s.arrivalRateThreshold} msg/s`;
  const threshold = s.demand === undefined ? [`threshold ${s.threshold}`] : [];
  const behavior =
    s.behavior === undefined
      ? 'no HPA behavior (legacy)'
      : `behavior ${describeRules('up', s.behavior.scaleUp)}; ${describeRules('down', s.behavior.scaleDown)}`;
  return [
    ...threshold,
    rate,
    `activation ${s.activationThreshold ?? 0}`,
    `polling ${s.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS} s`,
    behavior,
  ].join(', ');
}

/** A difference with its sign; one that rounds to zero has none. */
function signed(n: number, digits = 0): string {
  const magnitude = fmt(Math.abs(n), digits);
  return /^[0.]+$/.test(magnitude) ? magnitude : `${n < 0 ? '-' : '+'}${magnitude}`;
}

function spreadLine(label: string, spread: PhaseSpread): string {
  const range = (r: Range, digits = 0, scale = 1): string =>
    r.min === r.max
      ? fmt(r.min / scale, digits)
      : `${fmt(r.min / scale, digits)}–${fmt(r.max / scale, digits)}`;
  return `${label} with the KEDA/HPA timers at ${spread.phases.length} offsets: p99 wait ${range(spread.p99WaitSeconds)} s, over drain target ${range(spread.secondsOverDrainTarget)} s, replica-minutes ${range(spread.replicaSeconds, 1, 60)}, scale events ${range(spread.scaleEvents)}`;
}

/** The trade-off between two configs in one line: cost first, then the SLO. */
function compareLine(label: string, a: SimulationSummary, b: SimulationSummary): string {
  const cost =
    b.replicaSeconds === 0
      ? 'replica-minutes n/a'
      : `replica-minutes ${signed((100 * (a.replicaSeconds - b.replicaSeconds)) / b.replicaSeconds, 1)}%`;
  return `${label}: ${cost}, over drain target ${signed(a.secondsOverDrainTarget - b.secondsOverDrainTarget)} s, p99 wait ${signed(a.p99WaitSeconds - b.p99WaitSeconds)} s`;
}

function plural(n: number, noun: string): string {
  return `${fmt(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** A wait, marked as a lower bound when messages still wait at the end (their age so far counts). */
function waitCell(seconds: number, s: SimulationSummary): string {
  return s.waitingAtEnd > DRAINED_EPSILON ? `≥${fmt(seconds)}` : fmt(seconds);
}

/** Scale events against the oracle and when the last one happened: the churn targets of the choice. */
function churnLine(plan: Plan): string {
  const rec = plan.recommended.summary;
  const oracle = plan.oracle.summary;
  const ratio = oracle.scaleEvents === 0 ? '' : `, ${fmt(rec.scaleEvents / oracle.scaleEvents, 2)}×`;
  const last =
    rec.lastScaleEventAtSecond === null
      ? 'none'
      : rec.lastScaleEventAtSecond <= 600
        ? `the last at minute ${fmt(rec.lastScaleEventAtSecond / 60, 1)}, none after minute 10`
        : `the last at minute ${fmt(rec.lastScaleEventAtSecond / 60, 1)}`;
  return `churn: ${planColumns(plan)[1].label} ${plural(rec.scaleEvents, 'scale event')} (oracle ${fmt(oracle.scaleEvents)}${ratio}; at most ${fmt(plan.scaleEventBudget)} allowed), ${plural(rec.oscillations, 'flap')}, ${last}`;
}

/** The pre-scaling recommendation and how the scheduled column compares with the oracle. */
function scheduledLines(plan: Plan): string[] {
  const s = plan.scheduled;
  if (s === null) return [];
  const min = (seconds: number): string => `${fmt(seconds / 60, seconds % 60 === 0 ? 0 : 1)} min`;
  const replicas =
    s.expectedMessagesPerSecond === undefined
      ? `desiredReplicas ${s.desiredReplicas}`
      : `desiredReplicas ${s.desiredReplicas} (ceil(${s.expectedMessagesPerSecond} msg/s expected / per-pod rate))`;
  const oracle = plan.oracle.summary;
  const ratio =
    oracle.replicaSeconds === 0 ? 'n/a' : `${fmt(s.summary.replicaSeconds / oracle.replicaSeconds, 3)}×`;
  return [
    `scheduled: ${describeScaling(s.scaling)}, and the cron trigger ${s.name}`,
    `scheduled ${s.name}: ${replicas}; open it ${min(s.leadSeconds)} before the sale (HPA sync up to ${s.hpaSyncSeconds} s + scale-up and pod start-up ${fmt(s.rampSeconds)} s, in whole minutes), close it ${min(s.endBeforePeakEndSeconds)} before the sale ends (the scale-down stabilization holds the replicas); simulated active from minute ${fmt(s.window.fromSecond / 60, 1)} to ${fmt(s.window.toSecond / 60, 1)}, the peak ${fmt(s.peak.fromSecond / 60, 1)}–${fmt(s.peak.toSecond / 60, 1)}`,
    `scheduled vs oracle: replica-minutes ${ratio}, over drain target ${fmt(s.summary.secondsOverDrainTarget)} s (oracle ${fmt(oracle.secondsOverDrainTarget)} s), scale events ${fmt(s.summary.scaleEvents)} (oracle ${fmt(oracle.scaleEvents)})`,
    spreadLine('scheduled', s.acrossPhases),
    '(the current column has the reactive triggers only: the cron times are wall-clock, the profile has none)',
  ];
}

/** The scheduled column's config as the stack file's scaling block, when there is one. */
function scheduledBlock(plan: Plan): string[] {
  if (plan.scheduled === null) return [];
  return [
    '',
    `with the scheduled event, as the stack file's scaling block of workload ${plan.workload} (its cron times as written):`,
    ...armsNote(plan, plan.scheduled.stackScaling),
    stringifyYaml({ scaling: plan.scheduled.stackScaling }).trimEnd(),
  ];
}

/** A ratio of replica-seconds, or n/a against nothing. */
function costRatio(a: SimulationSummary, b: SimulationSummary): string {
  return b.replicaSeconds === 0 ? 'n/a' : `${fmt(a.replicaSeconds / b.replicaSeconds, 3)}×`;
}

/** The recommendation and the demand config against the reactive bound and the oracle. */
function boundLines(plan: Plan): string[] {
  const bound = plan.reactiveBound.summary;
  const oracle = plan.oracle.summary;
  const against = (label: string, s: SimulationSummary): string =>
    `${label}: replica-minutes ${costRatio(s, bound)} the reactive bound, ${costRatio(s, oracle)} the oracle; over drain target ${fmt(s.secondsOverDrainTarget)} s (bound ${fmt(bound.secondsOverDrainTarget)} s)`;
  const recommended = planColumns(plan)[1].label;
  return [
    `reactive bound: the cheapest timeline that sees the metrics ${plan.reactiveBound.informationDelaySeconds} s late (staleness + one 15 s poll), with the same pod start-up, within maxReplicas, meeting the drain target wherever such a timeline can`,
    against(recommended, plan.recommended.summary),
    ...(plan.demand.scaling === plan.recommended.scaling
      ? [`demand: the recommendation is the demand config`]
      : [`demand: ${describeScaling(plan.demand.scaling)}`, against('demand', plan.demand.summary)]),
  ];
}

/**
 * Comment lines for a block with a trigger on the topic's arrival counter: its label set is not confirmed on
 * ARMS (constructs/shared/promql.ts DEFAULT_ARRIVAL_RATE_METRIC), and the preflight's `query` check sends the
 * arrival rate's query (a demand trigger's arrival part alone) and fails without one series (infra/preflight/README.md).
 */
function armsNote(plan: Plan, scaling: Plan['recommendedStackScaling']): string[] {
  if (!plan.armsPrometheus || scaling === null) return [];
  const metric = scaling.scaleOnDemand?.metricName ?? scaling.scaleOnArrivalRate?.metricName;
  if (metric === undefined) return [];
  return [
    `# unverified on ARMS: the label set of ${metric} (instance_id, topic) this trigger selects; after pasting,`,
    `# npm run preflight -- --env ${plan.environment}   (its query check fails unless the arrival rate's query returns one series)`,
  ];
}

/** The summary table, as printed by `npm run plan`. */
export function formatPlanTable(plan: Plan): string {
  const columns = tableColumns(plan);
  const anyWaiting = columns.some((c) => c.summary.waitingAtEnd > DRAINED_EPSILON);
  const rows: [string, (s: SimulationSummary) => string][] = [
    ['peak backlog (msgs)', (s) => fmt(s.peakBacklog)],
    ['drain after peak (s)', (s) => fmt(s.drainSecondsAfterPeak)],
    ['p99 wait (s)', (s) => waitCell(s.p99WaitSeconds, s)],
    ['max wait (s)', (s) => waitCell(s.maxWaitSeconds, s)],
    ...(anyWaiting
      ? ([['waiting at end (msgs)', (s) => fmt(s.waitingAtEnd)]] as [
          string,
          (s: SimulationSummary) => string,
        ][])
      : []),
    ['over drain target (s)', (s) => fmt(s.secondsOverDrainTarget)],
    ['replica-minutes', (s) => fmt(s.replicaSeconds / 60, 1)],
    ['peak replicas', (s) => fmt(s.peakReplicas)],
    ['scale events', (s) => fmt(s.scaleEvents)],
    ['flaps (scale-downs undone)', (s) => fmt(s.oscillations)],
  ];
  const cells = [
    ['', ...columns.map((c) => c.label)],
    ...rows.map(([label, get]) => [label, ...columns.map((c) => get(c.summary))]),
  ];
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]): string =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const rec = plan.recommended.scaling;
  const pasteable = plan.recommendedStackScaling !== null;
  const capacity = plan.capacity;
  return [
    `${plan.environment}/${plan.workload} — profile ${plan.profile} (${plan.profileDescription})`,
    `assumed: pod start-up ${plan.startupSeconds} s, ${plan.processingSeconds} s in flight per message${plan.processingSeconds > 0 ? `, a removed pod lingers ${plan.maxProcessingSeconds} s (maxProcessingSeconds)` : ''}`,
    ...(plan.podsConsumeNothing
      ? ['(replayed with placeholder pods that consume nothing, as in the seed guide)']
      : []),
    ...(anyWaiting ? ['(≥: messages still wait at the end; their waits count with their age so far)'] : []),
    '',
    line(cells[0]),
    ...cells.slice(1).map(line),
    '',
    pasteable
      ? `recommended: ${describeScaling(rec)}`
      : `best candidate (no recommendation: its backlog never drains): ${describeScaling(rec)}`,
    spreadLine('current', plan.current.acrossPhases),
    spreadLine(pasteable ? 'recommended' : 'best candidate', plan.recommended.acrossPhases),
    compareLine(
      `${pasteable ? 'recommended' : 'best candidate'} vs current`,
      plan.recommended.summary,
      plan.current.summary,
    ),
    churnLine(plan),
    ...boundLines(plan),
    ...scheduledLines(plan),
    ...currentFlags(plan).map((f) => `flag: ${f}`),
    ...plan.warnings.map((w) => `warning: ${w}`),
    '',
    ...(pasteable
      ? [
          `recommended as the stack file's scaling block of workload ${plan.workload}:`,
          ...armsNote(plan, plan.recommendedStackScaling),
          stringifyYaml({ scaling: plan.recommendedStackScaling }).trimEnd(),
        ]
      : [
          `nothing to paste: no config drains the backlog with maxReplicas ${plan.current.scaling.maxReplicas}` +
            (capacity.neededMaxReplicas === null
              ? ''
              : `; raise maxReplicas to at least ${capacity.neededMaxReplicas} and plan again`),
        ]),
    ...scheduledBlock(plan),
  ].join('\n');
}
