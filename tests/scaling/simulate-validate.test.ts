import type { SimulationInput } from '../../constructs/scaling';
import { validate } from '../../constructs/scaling/simulate-validate';

// Every input rule of simulate/simulateOracle: a case that breaks it with its exact message, and the value at
// the rule's edge that passes.
const ok: SimulationInput = {
  scaling: { threshold: 10, minReplicas: 1, maxReplicas: 4 },
  workload: { messagesPerSecondPerPod: 1 },
  traffic: { arrivals: [1] },
  durationSeconds: 60,
};
type Patch = (input: SimulationInput) => SimulationInput;
const scaling =
  (s: Partial<Record<keyof SimulationInput['scaling'], unknown>>): Patch =>
  (input) => ({ ...input, scaling: { ...input.scaling, ...s } as SimulationInput['scaling'] });
const workload =
  (w: Partial<Record<keyof SimulationInput['workload'], unknown>>): Patch =>
  (input) => ({ ...input, workload: { ...input.workload, ...w } as SimulationInput['workload'] });
const traffic =
  (t: Partial<Record<keyof SimulationInput['traffic'], unknown>>): Patch =>
  (input) => ({ ...input, traffic: { ...input.traffic, ...t } as SimulationInput['traffic'] });
const timing =
  (t: Record<string, unknown>): Patch =>
  (input) => ({ ...input, timing: { ...input.timing, ...t } });
const top =
  (t: Record<string, unknown>): Patch =>
  (input) => ({ ...input, ...t });
const windows = (...w: [number, number][]) => [
  { name: 's', desiredReplicas: 2, windows: w.map(([fromSecond, toSecond]) => ({ fromSecond, toSecond })) },
];

describe('simulate input validation: each rule with its exact message', () => {
  test('the base input is valid', () => {
    expect(() => validate(ok)).not.toThrow();
  });

  test.each<[string, Patch, string]>([
    ['threshold 0', scaling({ threshold: 0 }), 'scaling.threshold must be > 0, got 0'],
    ['threshold NaN', scaling({ threshold: NaN }), 'scaling.threshold must be a finite number, got NaN'],
    [
      'arrivalRateThreshold 0',
      scaling({ arrivalRateThreshold: 0 }),
      'scaling.arrivalRateThreshold must be > 0, got 0',
    ],
    [
      'activationThreshold -1',
      scaling({ activationThreshold: -1 }),
      'scaling.activationThreshold must be >= 0, got -1',
    ],
    [
      'schedule desiredReplicas 0',
      scaling({ schedules: [{ name: 's', desiredReplicas: 0, windows: [] }] }),
      'scaling.schedules[0].desiredReplicas must be >= 1, got 0',
    ],
    [
      'an empty window',
      scaling({ schedules: windows([10, 10]) }),
      'scaling.schedules[0].windows[0] must have finite seconds with toSecond > fromSecond',
    ],
    [
      'a window from -Infinity',
      scaling({ schedules: windows([-Infinity, 10]) }),
      'scaling.schedules[0].windows[0] must have finite seconds with toSecond > fromSecond',
    ],
    [
      'a window to Infinity',
      scaling({ schedules: windows([0, Infinity]) }),
      'scaling.schedules[0].windows[0] must have finite seconds with toSecond > fromSecond',
    ],
    [
      'overlapping windows',
      scaling({ schedules: windows([0, 10], [5, 20]) }),
      'scaling.schedules[0].windows[1].fromSecond must be >= the previous toSecond',
    ],
    ['minReplicas -1', scaling({ minReplicas: -1 }), 'scaling.minReplicas must be >= 0, got -1'],
    ['minReplicas 0.5', scaling({ minReplicas: 0.5 }), 'scaling.minReplicas must be an integer, got 0.5'],
    ['maxReplicas 0', scaling({ minReplicas: 0, maxReplicas: 0 }), 'scaling.maxReplicas must be >= 1, got 0'],
    [
      'minReplicas above maxReplicas',
      scaling({ minReplicas: 5 }),
      'scaling.minReplicas (5) must be <= scaling.maxReplicas (4)',
    ],
    [
      'idleReplicaCount -1',
      scaling({ idleReplicaCount: -1 }),
      'scaling.idleReplicaCount must be >= 0, got -1',
    ],
    [
      'idleReplicaCount = minReplicas',
      scaling({ idleReplicaCount: 1 }),
      'scaling.idleReplicaCount (1) must be < scaling.minReplicas (1)',
    ],
    [
      'kubernetesVersion 1.37',
      scaling({ kubernetesVersion: '1.37' }),
      'scaling.kubernetesVersion must be a modelled Kubernetes minor "1.28" to "1.36", got "1.37"',
    ],
    [
      'a per-direction tolerance on 1.32',
      scaling({ kubernetesVersion: '1.32', tolerance: { up: 0.1, down: 0.2 } }),
      'scaling.tolerance per direction needs Kubernetes 1.33 or later (KEP-4951), not scaling.kubernetesVersion 1.32',
    ],
    [
      'initialCooldownPeriodSeconds 1.5',
      scaling({ initialCooldownPeriodSeconds: 1.5 }),
      'scaling.initialCooldownPeriodSeconds must be an integer, got 1.5',
    ],
    [
      'lastActiveSecondsBeforeStart -1',
      top({ lastActiveSecondsBeforeStart: -1 }),
      'lastActiveSecondsBeforeStart must be >= 0, got -1',
    ],
    [
      'pollingIntervalSeconds 0',
      scaling({ pollingIntervalSeconds: 0 }),
      'scaling.pollingIntervalSeconds must be >= 1, got 0',
    ],
    [
      'cooldownPeriodSeconds -1',
      scaling({ cooldownPeriodSeconds: -1 }),
      'scaling.cooldownPeriodSeconds must be >= 0, got -1',
    ],
    ['queueCap 0', scaling({ queueCap: 0 }), 'scaling.queueCap must be >= 1, got 0'],
    [
      'kedaVersion 2.13.9',
      scaling({ kedaVersion: '2.13.9' }),
      'scaling.kedaVersion ("2.13.9") must be a KEDA release 2.14.x to 2.20.x written major.minor.patch (the releases modelled)',
    ],
    [
      'kedaVersion 2.21.0',
      scaling({ kedaVersion: '2.21.0' }),
      'scaling.kedaVersion ("2.21.0") must be a KEDA release 2.14.x to 2.20.x written major.minor.patch (the releases modelled)',
    ],
    [
      'kedaVersion as a number',
      scaling({ kedaVersion: 2.17 }),
      'scaling.kedaVersion (2.17) must be a KEDA release 2.14.x to 2.20.x written major.minor.patch (the releases modelled)',
    ],
    [
      'ignoreNullValues "yes"',
      scaling({ ignoreNullValues: 'yes' }),
      'scaling.ignoreNullValues must be true or false, got yes',
    ],
    [
      'an unknown fallback behavior',
      scaling({ fallback: { failureThreshold: 3, replicas: 2, behavior: 'sometimes' } }),
      'scaling.fallback.behavior must be one of static, currentReplicas, currentReplicasIfHigher, currentReplicasIfLower, got sometimes',
    ],
    [
      'a fallback behavior on KEDA 2.16',
      scaling({ kedaVersion: '2.16.1', fallback: { failureThreshold: 3, replicas: 2, behavior: 'static' } }),
      'scaling.fallback.behavior needs KEDA 2.17 or later (scaling.kedaVersion 2.16.1)',
    ],
    [
      'fallback failureThreshold 0',
      scaling({ fallback: { failureThreshold: 0, replicas: 2 } }),
      'scaling.fallback.failureThreshold must be >= 1, got 0',
    ],
    [
      'fallback replicas 0',
      scaling({ fallback: { failureThreshold: 3, replicas: 0 } }),
      'scaling.fallback.replicas must be >= 1, got 0',
    ],
    [
      'fallback replicas above maxReplicas',
      scaling({ fallback: { failureThreshold: 3, replicas: 5 } }),
      'scaling.fallback.replicas (5) must be <= scaling.maxReplicas (4)',
    ],
    [
      'messagesPerSecondPerPod -1',
      workload({ messagesPerSecondPerPod: -1 }),
      'workload.messagesPerSecondPerPod must be >= 0, got -1',
    ],
    ['startupSeconds -1', workload({ startupSeconds: -1 }), 'workload.startupSeconds must be >= 0, got -1'],
    [
      'processingSeconds -1',
      workload({ processingSeconds: -1 }),
      'workload.processingSeconds must be >= 0, got -1',
    ],
    [
      'maxProcessingSeconds -1',
      workload({ maxProcessingSeconds: -1 }),
      'workload.maxProcessingSeconds must be >= 0, got -1',
    ],
    [
      'maxProcessingSeconds below processingSeconds',
      workload({ processingSeconds: 5, maxProcessingSeconds: 4 }),
      'workload.maxProcessingSeconds (4) must be >= workload.processingSeconds (5)',
    ],
    [
      'targetDrainSeconds 0',
      workload({ targetDrainSeconds: 0 }),
      'workload.targetDrainSeconds must be > 0, got 0',
    ],
    ['arrivals not an array', traffic({ arrivals: 5 }), 'traffic.arrivals must be an array'],
    [
      'a negative per-second arrival',
      traffic({ arrivals: [1, -1] }),
      'traffic.arrivals[1] must be >= 0, got -1',
    ],
    [
      'a segment after a number',
      traffic({ arrivals: [1, { fromSecond: 5, ratePerSecond: 1 }] }),
      'traffic.arrivals[1] must be a number like traffic.arrivals[0]',
    ],
    [
      'a number after a segment',
      traffic({ arrivals: [{ fromSecond: 0, ratePerSecond: 1 }, 1] }),
      'traffic.arrivals[1] must be a { fromSecond, ratePerSecond } segment like traffic.arrivals[0]',
    ],
    [
      'a segment from -1',
      traffic({ arrivals: [{ fromSecond: -1, ratePerSecond: 1 }] }),
      'traffic.arrivals[0].fromSecond must be >= 0, got -1',
    ],
    [
      'a negative segment rate',
      traffic({ arrivals: [{ fromSecond: 0, ratePerSecond: -2 }] }),
      'traffic.arrivals[0].ratePerSecond must be >= 0, got -2',
    ],
    [
      'segments from the same second',
      traffic({
        arrivals: [
          { fromSecond: 0, ratePerSecond: 1 },
          { fromSecond: 0, ratePerSecond: 2 },
        ],
      }),
      'traffic.arrivals[1].fromSecond must increase',
    ],
    ['externalDrain not an array', traffic({ externalDrain: {} }), 'traffic.externalDrain must be an array'],
    [
      'a negative external drain',
      traffic({ externalDrain: [-3] }),
      'traffic.externalDrain[0] must be >= 0, got -3',
    ],
    ['initialBacklog -1', traffic({ initialBacklog: -1 }), 'traffic.initialBacklog must be >= 0, got -1'],
    [
      'metricStalenessSeconds -1',
      timing({ metricStalenessSeconds: -1 }),
      'timing.metricStalenessSeconds must be >= 0, got -1',
    ],
    ['hpaSyncSeconds 0', timing({ hpaSyncSeconds: 0 }), 'timing.hpaSyncSeconds must be >= 1, got 0'],
    [
      'hpaDownscaleStabilizationSeconds -1',
      timing({ hpaDownscaleStabilizationSeconds: -1 }),
      'timing.hpaDownscaleStabilizationSeconds must be >= 0, got -1',
    ],
    [
      'an outage from -1',
      timing({ outages: [{ fromSecond: -1, toSecond: 5 }] }),
      'timing.outages[0].fromSecond must be >= 0, got -1',
    ],
    [
      'an empty outage',
      timing({ outages: [{ fromSecond: 10, toSecond: 10 }] }),
      'timing.outages[0].toSecond must be > fromSecond',
    ],
    [
      'an outage to NaN',
      timing({ outages: [{ fromSecond: 10, toSecond: NaN }] }),
      'timing.outages[0].toSecond must be > fromSecond',
    ],
    [
      'an unknown outage kind',
      timing({ outages: [{ fromSecond: 0, toSecond: 5, kind: 'slow' }] }),
      'timing.outages[0].kind must be error, empty or groupAbsent, got slow',
    ],
    [
      'an unknown outage trigger',
      timing({ outages: [{ fromSecond: 0, toSecond: 5, triggers: ['backlog', 'cron'] }] }),
      'timing.outages[0].triggers[1] must be backlog, arrivalRate or demand, got cron',
    ],
    [
      'an empty-string outage trigger',
      timing({ outages: [{ fromSecond: 0, toSecond: 5, triggers: [''] }] }),
      'timing.outages[0].triggers[0] must be backlog, arrivalRate or demand, got ',
    ],
    ['durationSeconds 0', top({ durationSeconds: 0 }), 'durationSeconds must be > 0, got 0'],
    [
      'durationSeconds over a week',
      top({ durationSeconds: 604_801 }),
      'durationSeconds (604801) must be <= 604800 (one week)',
    ],
    ['stepSeconds 0', top({ stepSeconds: 0 }), 'stepSeconds must be >= 1, got 0'],
    [
      'a sync period not a multiple of the step',
      top({ stepSeconds: 7 }),
      'timing.hpaSyncSeconds (15) must be a multiple of stepSeconds (7)',
    ],
    [
      'a polling interval not a multiple of the step',
      (input) => ({ ...scaling({ pollingIntervalSeconds: 32 })(input), stepSeconds: 5 }),
      'scaling.pollingIntervalSeconds (32) must be a multiple of stepSeconds (5)',
    ],
    ['hpaPhaseSeconds -1', timing({ hpaPhaseSeconds: -1 }), 'timing.hpaPhaseSeconds must be >= 0, got -1'],
    [
      'hpaPhaseSeconds = the sync period',
      timing({ hpaPhaseSeconds: 15 }),
      'timing.hpaPhaseSeconds (15) must be a multiple of stepSeconds (1) below timing.hpaSyncSeconds (15)',
    ],
    [
      'hpaPhaseSeconds off the step',
      (input) => ({ ...timing({ hpaPhaseSeconds: 3 })(input), stepSeconds: 5 }),
      'timing.hpaPhaseSeconds (3) must be a multiple of stepSeconds (5) below timing.hpaSyncSeconds (15)',
    ],
    [
      'kedaPhaseSeconds = the polling interval',
      timing({ kedaPhaseSeconds: 30 }),
      'timing.kedaPhaseSeconds (30) must be a multiple of stepSeconds (1) below scaling.pollingIntervalSeconds (30)',
    ],
    [
      'kedaPhaseSeconds off the step',
      (input) => ({ ...timing({ kedaPhaseSeconds: 10 })(input), stepSeconds: 3 }),
      'timing.kedaPhaseSeconds (10) must be a multiple of stepSeconds (3) below scaling.pollingIntervalSeconds (30)',
    ],
    ['initialReplicas -1', top({ initialReplicas: -1 }), 'initialReplicas must be >= 0, got -1'],
  ])('rejects %s', (_name, patch, message) => {
    expect(() => validate(patch(ok))).toThrow(new RangeError(message));
  });

  test.each<[string, Patch]>([
    ['threshold 0.001', scaling({ threshold: 0.001 })],
    ['arrivalRateThreshold 0.5', scaling({ arrivalRateThreshold: 0.5 })],
    ['activationThreshold 0', scaling({ activationThreshold: 0 })],
    ['schedule desiredReplicas 1, windows touching', scaling({ schedules: windows([0, 10], [10, 20]) })],
    [
      'each schedule with windows of its own order',
      scaling({
        schedules: [
          { name: 'a', desiredReplicas: 1, windows: [{ fromSecond: 0, toSecond: 100 }] },
          { name: 'b', desiredReplicas: 1, windows: [{ fromSecond: 0, toSecond: 10 }] },
        ],
      }),
    ],
    ['a one-second window from -5', scaling({ schedules: windows([-5, -4]) })],
    ['minReplicas 0', scaling({ minReplicas: 0 })],
    ['minReplicas = maxReplicas', scaling({ minReplicas: 4 })],
    ['maxReplicas 1', scaling({ minReplicas: 0, maxReplicas: 1 })],
    ['idleReplicaCount 0 below min 1', scaling({ idleReplicaCount: 0 })],
    ['pollingIntervalSeconds 1', scaling({ pollingIntervalSeconds: 1 })],
    ['cooldownPeriodSeconds 0', scaling({ cooldownPeriodSeconds: 0 })],
    ['queueCap 1', scaling({ queueCap: 1 })],
    ['kedaVersion 2.14.0', scaling({ kedaVersion: '2.14.0' })],
    ['kedaVersion 2.20.9', scaling({ kedaVersion: '2.20.9' })],
    ['ignoreNullValues false', scaling({ ignoreNullValues: false })],
    ['fallback false', scaling({ fallback: false })],
    [
      'fallback behavior on KEDA 2.17.0, failureThreshold 1, replicas = max',
      scaling({
        kedaVersion: '2.17.0',
        fallback: { failureThreshold: 1, replicas: 4, behavior: 'currentReplicasIfLower' },
      }),
    ],
    [
      'a fallback without behavior on KEDA 2.14',
      scaling({ kedaVersion: '2.14.1', fallback: { failureThreshold: 3, replicas: 1 } }),
    ],
    ['messagesPerSecondPerPod 0', workload({ messagesPerSecondPerPod: 0 })],
    ['startupSeconds 0', workload({ startupSeconds: 0 })],
    ['maxProcessingSeconds = processingSeconds', workload({ processingSeconds: 5, maxProcessingSeconds: 5 })],
    ['maxProcessingSeconds 0', workload({ maxProcessingSeconds: 0 })],
    ['targetDrainSeconds 0.5', workload({ targetDrainSeconds: 0.5 })],
    ['no arrivals at all', traffic({ arrivals: [] })],
    [
      'segments from 0 and 1, an external drain of segments',
      traffic({
        arrivals: [
          { fromSecond: 0, ratePerSecond: 0 },
          { fromSecond: 1, ratePerSecond: 2 },
        ],
        externalDrain: [{ fromSecond: 0, ratePerSecond: 0 }],
      }),
    ],
    ['initialBacklog 0', traffic({ initialBacklog: 0 })],
    ['metricStalenessSeconds 0', timing({ metricStalenessSeconds: 0 })],
    ['hpaSyncSeconds 1', timing({ hpaSyncSeconds: 1 })],
    ['hpaDownscaleStabilizationSeconds 0', timing({ hpaDownscaleStabilizationSeconds: 0 })],
    [
      'outages from 0, one second long, each kind and trigger',
      timing({
        outages: [
          { fromSecond: 0, toSecond: 1, kind: 'error', triggers: ['backlog', 'arrivalRate'] },
          { fromSecond: 0, toSecond: 1, kind: 'empty', triggers: [] },
        ],
      }),
    ],
    ['durationSeconds one week', top({ durationSeconds: 604_800 })],
    ['durationSeconds 0.5', top({ durationSeconds: 0.5 })],
    [
      'stepSeconds 5 with phases on it',
      (input) => ({ ...timing({ hpaPhaseSeconds: 10, kedaPhaseSeconds: 25 })(input), stepSeconds: 5 }),
    ],
    ['phases one step below their periods', timing({ hpaPhaseSeconds: 14, kedaPhaseSeconds: 29 })],
    ['initialReplicas 0', top({ initialReplicas: 0 })],
  ])('accepts %s', (_name, patch) => {
    expect(() => validate(patch(ok))).not.toThrow();
  });
});
