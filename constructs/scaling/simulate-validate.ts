import { requireInt, requireNonNegative, requirePositive } from './guards';
import {
  DEFAULT_KUBERNETES_VERSION,
  hpaToleranceForm,
  isModelledKubernetesVersion,
  KUBERNETES_MINOR_RANGE,
} from './hpa-proposal';
import { DEFAULT_KEDA_COOLDOWN_SECONDS } from './keda-activation';
import {
  DEFAULT_KEDA_VERSION,
  KEDA_FALLBACK_BEHAVIORS,
  kedaFallbackMode,
  kedaSupportsFallbackBehavior,
} from './keda-version';
import {
  DEFAULT_HPA_SYNC_SECONDS,
  DEFAULT_METRIC_STALENESS_SECONDS,
  DEFAULT_POD_STARTUP_SECONDS,
  DEFAULT_POLLING_INTERVAL_SECONDS,
  MAX_SIMULATION_SECONDS,
  type SimulationInput,
} from './simulation-types';
import type { SimulationTraffic } from './simulation-types';

/** Checks a per-second array or a list of segments; throws a RangeError naming the element. */
function validateSeries(name: string, series: SimulationTraffic['arrivals']): void {
  if (!Array.isArray(series)) throw new RangeError(`${name} must be an array`);
  const perSecond = typeof series[0] === 'number';
  let previous = -Infinity;
  series.forEach((item: number | { fromSecond: number; ratePerSecond: number }, i) => {
    if ((typeof item === 'number') !== perSecond) {
      throw new RangeError(
        `${name}[${i}] must be ${perSecond ? 'a number' : 'a { fromSecond, ratePerSecond } segment'} like ${name}[0]`,
      );
    }
    if (typeof item === 'number') {
      requireNonNegative(`${name}[${i}]`, item);
      return;
    }
    requireInt(`${name}[${i}].fromSecond`, item.fromSecond);
    requireNonNegative(`${name}[${i}].ratePerSecond`, item.ratePerSecond);
    if (item.fromSecond <= previous) throw new RangeError(`${name}[${i}].fromSecond must increase`);
    previous = item.fromSecond;
  });
}

/** Every input rule of `simulate` and `simulateOracle`; throws a RangeError naming the field. */
export function validate(input: SimulationInput): void {
  const s = input.scaling;
  requirePositive('scaling.threshold', s.threshold);
  if (s.arrivalRateThreshold !== undefined)
    requirePositive('scaling.arrivalRateThreshold', s.arrivalRateThreshold);
  requireNonNegative('scaling.activationThreshold', s.activationThreshold ?? 0);
  if (s.demand !== undefined) {
    requirePositive('scaling.demand.messagesPerSecondPerReplica', s.demand.messagesPerSecondPerReplica);
    requirePositive('scaling.demand.drainSeconds', s.demand.drainSeconds);
    if (s.arrivalRateThreshold !== undefined) {
      throw new RangeError(
        'scaling.arrivalRateThreshold must be unset with scaling.demand: the demand trigger replaces the backlog and arrival-rate triggers',
      );
    }
  }
  (s.schedules ?? []).forEach((schedule, i) => {
    requireInt(`scaling.schedules[${i}].desiredReplicas`, schedule.desiredReplicas, 1);
    let previous = -Infinity;
    schedule.windows.forEach((w, j) => {
      const at = `scaling.schedules[${i}].windows[${j}]`;
      if (!(Number.isFinite(w.fromSecond) && Number.isFinite(w.toSecond) && w.toSecond > w.fromSecond)) {
        throw new RangeError(`${at} must have finite seconds with toSecond > fromSecond`);
      }
      if (w.fromSecond < previous) throw new RangeError(`${at}.fromSecond must be >= the previous toSecond`);
      previous = w.toSecond;
    });
  });
  requireInt('scaling.minReplicas', s.minReplicas);
  requireInt('scaling.maxReplicas', s.maxReplicas, 1);
  if (s.minReplicas > s.maxReplicas) {
    throw new RangeError(
      `scaling.minReplicas (${s.minReplicas}) must be <= scaling.maxReplicas (${s.maxReplicas})`,
    );
  }
  if (s.idleReplicaCount !== undefined) {
    requireInt('scaling.idleReplicaCount', s.idleReplicaCount);
    // Source: KEDA ScaledObject validation: idleReplicaCount must be lower than minReplicaCount.
    if (s.idleReplicaCount >= s.minReplicas) {
      throw new RangeError(
        `scaling.idleReplicaCount (${s.idleReplicaCount}) must be < scaling.minReplicas (${s.minReplicas})`,
      );
    }
  }
  requireInt(
    'scaling.pollingIntervalSeconds',
    s.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS,
    1,
  );
  requireInt('scaling.cooldownPeriodSeconds', s.cooldownPeriodSeconds ?? DEFAULT_KEDA_COOLDOWN_SECONDS);
  if (s.queueCap !== undefined) requireInt('scaling.queueCap', s.queueCap, 1);
  if (s.initialCooldownPeriodSeconds !== undefined)
    requireInt('scaling.initialCooldownPeriodSeconds', s.initialCooldownPeriodSeconds);
  const kubernetesVersion = s.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  if (!isModelledKubernetesVersion(kubernetesVersion)) {
    throw new RangeError(
      `scaling.kubernetesVersion must be a modelled Kubernetes minor "1.${KUBERNETES_MINOR_RANGE[0]}" to "1.${KUBERNETES_MINOR_RANGE[1]}", got ${JSON.stringify(kubernetesVersion)}`,
    );
  }
  if (hpaToleranceForm(kubernetesVersion) === 'absolute' && typeof s.tolerance === 'object') {
    throw new RangeError(
      `scaling.tolerance per direction needs Kubernetes 1.33 or later (KEP-4951), not scaling.kubernetesVersion ${kubernetesVersion}`,
    );
  }
  if (input.lastActiveSecondsBeforeStart !== undefined)
    requireNonNegative('lastActiveSecondsBeforeStart', input.lastActiveSecondsBeforeStart);
  const kedaVersion = s.kedaVersion ?? DEFAULT_KEDA_VERSION;
  kedaFallbackMode(kedaVersion);
  if (s.ignoreNullValues !== undefined && typeof s.ignoreNullValues !== 'boolean') {
    throw new RangeError(`scaling.ignoreNullValues must be true or false, got ${String(s.ignoreNullValues)}`);
  }
  if (s.fallback) {
    if (s.fallback.behavior !== undefined) {
      if (!KEDA_FALLBACK_BEHAVIORS.includes(s.fallback.behavior)) {
        throw new RangeError(
          `scaling.fallback.behavior must be one of ${KEDA_FALLBACK_BEHAVIORS.join(', ')}, got ${String(s.fallback.behavior)}`,
        );
      }
      if (!kedaSupportsFallbackBehavior(kedaVersion)) {
        throw new RangeError(
          `scaling.fallback.behavior needs KEDA 2.17 or later (scaling.kedaVersion ${kedaVersion})`,
        );
      }
    }
    requireInt('scaling.fallback.failureThreshold', s.fallback.failureThreshold, 1);
    requireInt('scaling.fallback.replicas', s.fallback.replicas, 1);
    if (s.fallback.replicas > s.maxReplicas) {
      throw new RangeError(
        `scaling.fallback.replicas (${s.fallback.replicas}) must be <= scaling.maxReplicas (${s.maxReplicas})`,
      );
    }
  }
  requireNonNegative('workload.messagesPerSecondPerPod', input.workload.messagesPerSecondPerPod);
  requireNonNegative('workload.startupSeconds', input.workload.startupSeconds ?? DEFAULT_POD_STARTUP_SECONDS);
  const processing = requireNonNegative('workload.processingSeconds', input.workload.processingSeconds ?? 0);
  const maxProcessing = input.workload.maxProcessingSeconds;
  if (
    maxProcessing !== undefined &&
    requireNonNegative('workload.maxProcessingSeconds', maxProcessing) < processing
  ) {
    throw new RangeError(
      `workload.maxProcessingSeconds (${maxProcessing}) must be >= workload.processingSeconds (${processing})`,
    );
  }
  if (input.workload.targetDrainSeconds !== undefined)
    requirePositive('workload.targetDrainSeconds', input.workload.targetDrainSeconds);
  validateSeries('traffic.arrivals', input.traffic.arrivals);
  if (input.traffic.externalDrain !== undefined)
    validateSeries('traffic.externalDrain', input.traffic.externalDrain);
  requireNonNegative('traffic.initialBacklog', input.traffic.initialBacklog ?? 0);
  const timing = input.timing ?? {};
  requireNonNegative(
    'timing.metricStalenessSeconds',
    timing.metricStalenessSeconds ?? DEFAULT_METRIC_STALENESS_SECONDS,
  );
  requireInt('timing.hpaSyncSeconds', timing.hpaSyncSeconds ?? DEFAULT_HPA_SYNC_SECONDS, 1);
  if (timing.hpaDownscaleStabilizationSeconds !== undefined)
    requireInt('timing.hpaDownscaleStabilizationSeconds', timing.hpaDownscaleStabilizationSeconds, 0);
  (timing.outages ?? []).forEach((o, i) => {
    requireNonNegative(`timing.outages[${i}].fromSecond`, o.fromSecond);
    if (!(o.toSecond > o.fromSecond))
      throw new RangeError(`timing.outages[${i}].toSecond must be > fromSecond`);
    if (o.kind !== undefined && o.kind !== 'error' && o.kind !== 'empty' && o.kind !== 'groupAbsent') {
      throw new RangeError(
        `timing.outages[${i}].kind must be error, empty or groupAbsent, got ${String(o.kind)}`,
      );
    }
    (o.triggers ?? []).forEach((trigger, j) => {
      if (trigger !== 'backlog' && trigger !== 'arrivalRate' && trigger !== 'demand') {
        throw new RangeError(
          `timing.outages[${i}].triggers[${j}] must be backlog, arrivalRate or demand, got ${String(trigger)}`,
        );
      }
    });
  });
  requirePositive('durationSeconds', input.durationSeconds);
  if (input.durationSeconds > MAX_SIMULATION_SECONDS) {
    throw new RangeError(
      `durationSeconds (${input.durationSeconds}) must be <= ${MAX_SIMULATION_SECONDS} (one week)`,
    );
  }
  const step = input.stepSeconds ?? 1;
  requireInt('stepSeconds', step, 1);
  for (const [name, period, phaseName, phase] of [
    [
      'timing.hpaSyncSeconds',
      timing.hpaSyncSeconds ?? DEFAULT_HPA_SYNC_SECONDS,
      'timing.hpaPhaseSeconds',
      timing.hpaPhaseSeconds ?? 0,
    ],
    [
      'scaling.pollingIntervalSeconds',
      s.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS,
      'timing.kedaPhaseSeconds',
      timing.kedaPhaseSeconds ?? 0,
    ],
  ] as const) {
    if (period % step !== 0)
      throw new RangeError(`${name} (${period}) must be a multiple of stepSeconds (${step})`);
    requireInt(phaseName, phase);
    if (phase >= period || phase % step !== 0) {
      throw new RangeError(
        `${phaseName} (${phase}) must be a multiple of stepSeconds (${step}) below ${name} (${period})`,
      );
    }
  }
  if (input.initialReplicas !== undefined) requireInt('initialReplicas', input.initialReplicas);
}
