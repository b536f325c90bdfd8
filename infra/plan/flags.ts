/** The numeric flags of `npm run plan`: each range once, for the parsers, `--help` and `planOptionViolations`. */
import { MAX_SIMULATION_SECONDS } from '../../constructs/scaling';
import type { NumericRange } from '../shared/numeric-flag';

export const PLAN_NUMERIC_FLAGS = {
  '--base-rate': {
    min: 0,
    minExclusive: true,
    max: 1_000_000,
    integer: false,
    unit: 'msg/s',
    why: "far above any ApsaraMQ instance's TPS; keeps ten times the base rate, summed over a week, finite",
  },
  '--processing-seconds': {
    min: 0,
    max: 86_400,
    integer: false,
    unit: 'seconds',
    // A mean in flight may be a fraction (0.2 s at 50 msg/s is 10 messages per pod).
    why: "a mean, so at most the workload's maxProcessingSeconds, which ConsumerWorkload caps at a day (checked next)",
  },
  '--startup-seconds': {
    min: 0,
    max: 3600,
    integer: true,
    unit: 'seconds',
    why: 'the simulator steps whole seconds; a pod that needs an hour to be ready is not one a backlog autoscaler helps',
  },
  '--outage': {
    min: 0,
    max: MAX_SIMULATION_SECONDS,
    integer: true,
    unit: 'seconds',
    why: "seconds of the profile, which lasts at most a week (the simulator's limit); its own end is checked next",
  },
} as const satisfies Record<string, NumericRange>;

/** What `--outage` must be, in the parser's error and in `planOptionViolations`. */
export const OUTAGE_RULE = `<from>-<to>[:empty], integers from ${PLAN_NUMERIC_FLAGS['--outage'].min} to ${PLAN_NUMERIC_FLAGS['--outage'].max} seconds with from < to`;
