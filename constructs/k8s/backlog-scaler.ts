import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  canScaleToZero,
  DEFAULT_KEDA_VERSION,
  DEFAULT_POLLING_INTERVAL_SECONDS,
  defaultFallbackReplicas,
  FAIL_SAFE_FALLBACK_BEHAVIOR,
  kedaFallbackMode,
  kedaSupportsFallbackBehavior,
  type HpaBehavior,
  type HpaScalingRules,
  type KedaFallbackBehavior,
} from '../scaling';
import { cronScheduleProblems } from '../shared/cron-schedule';
import { recommendedLabels, type SelectorScheme } from '../shared/labels';
import { PROMETHEUS_AUTH_KEYS } from '../shared/names';
import {
  arrivalRateQuery,
  backlogQuery,
  type BrokerClusterSelector,
  DEFAULT_ARRIVAL_RATE_METRIC,
  demandQuery,
} from '../shared/promql';
import { PropChecker } from './validation';

// Source: keda.sh/docs/2.x/reference/scaledobject-spec (default of cooldownPeriod; pollingInterval's 30 s is
// DEFAULT_POLLING_INTERVAL_SECONDS of constructs/scaling, which the simulator shares).
/** KEDA's default cooldownPeriod: seconds after the last active poll before scaling to zero. */
export const DEFAULT_COOLDOWN_PERIOD_SECONDS = 300;
/** Failed metric requests before the fallback holds its replicas. */
export const DEFAULT_FALLBACK_FAILURE_THRESHOLD = 3;
// Source: Kubernetes autoscaling/v2 validation (stabilizationWindowSeconds 0..3600, periodSeconds 1..1800).
const MAX_WINDOW_SECONDS = 3600;
const MAX_PERIOD_SECONDS = 1800;
/** The names of the construct's own triggers; a schedule may use neither. */
const RESERVED_TRIGGER_NAMES = ['backlog', 'arrival-rate', 'demand'] as const;

/** KEDA's fallback: the replicas held while the metric cannot be read. */
export interface BacklogScalerFallback {
  /**
   * Failed metric requests the fallback waits for: the HPA reads the fallback metric from the next one on (more
   * than `failureThreshold`, one request per HPA sync; kedacore/keda pkg/fallback GetMetricsWithFallback), so
   * 3 means the 4th failed request. KEDA 2.16 and earlier also set `replicas` from the scale loop at the first
   * failed poll while no trigger is active. @default 3
   */
  readonly failureThreshold?: number;
  /**
   * Replicas held during a metric outage, within [max(minReplicaCount, 1), the capped maxReplicaCount]; from
   * KEDA 2.17 with `behavior: currentReplicasIfHigher`. @default max(minReplicaCount, 1, ceil(capped max / 2))
   */
  readonly replicas?: number;
}

/** The optional second trigger, on the topic's arrival rate. */
export interface BacklogScalerArrivalRate {
  /** Messages per second per replica (per-pod throughput × target utilization). */
  readonly threshold: number;
  /** @default rocketmq_messages_in_total */
  readonly metricName?: string;
}

/** The demand trigger, in place of the backlog and arrival-rate triggers (constructs/shared/promql.ts demandQuery). */
export interface BacklogScalerDemand {
  /** Messages per second per replica (per-pod throughput × target utilization). */
  readonly messagesPerSecondPerReplica: number;
  /** Seconds the backlog is to drain in. */
  readonly drainSeconds: number;
  /** @default rocketmq_messages_in_total */
  readonly metricName?: string;
}

/** A KEDA `cron` trigger: desiredReplicas from start until end (kedacore/keda pkg/scalers/cron_scaler.go). */
export interface BacklogScalerSchedule {
  /** Trigger name, unique in the ScaledObject and neither `backlog` nor `arrival-rate`. */
  readonly name: string;
  /** IANA time-zone name, e.g. Asia/Shanghai. */
  readonly timezone: string;
  /** 5-field cron expression (KEDA's robfig parser: minute hour day-of-month month day-of-week). */
  readonly start: string;
  /** 5-field cron expression, different from start. */
  readonly end: string;
  /** Replicas proposed while active, within (minReplicaCount, the capped maxReplicaCount]. */
  readonly desiredReplicas: number;
}

/** Props of BacklogScaler. */
export interface BacklogScalerProps {
  /** ScaledObject name (KEDA names the HPA `keda-hpa-<name>`). */
  readonly name: string;
  /** Environment name, a label of the KEDA objects. */
  readonly environment: string;
  /** The workload's selector scheme, for the labels of the KEDA objects. @default 'environment' */
  readonly selectorScheme?: SelectorScheme;
  /** Deployment to scale. */
  readonly scaleTargetName: string;
  /** Prometheus HTTP API base URL (ARMS, or the in-cluster one of a self-managed broker); KEDA appends `/api/v1/query`. */
  readonly serverAddress: string;
  /**
   * ARMS: 'token' (V1 instance: Authorization header) or 'accessKey' (V2 instance: basic auth). A self-managed
   * Prometheus: 'none' (no TriggerAuthentication), 'bearer' or 'basic'.
   */
  readonly auth: BacklogScalerAuth;
  /** Secret created by Pulumi with the Prometheus credentials; required unless auth is 'none'. @default none */
  readonly authSecretName?: string;
  /** ApsaraMQ for RocketMQ instance id of the backlog query; set exactly one of instanceId or brokerCluster. @default none */
  readonly instanceId?: string;
  /** A self-managed broker cluster (its label and name) of the backlog query; set exactly one of instanceId or brokerCluster. @default none */
  readonly brokerCluster?: BrokerClusterSelector;
  /** Topic of the backlog query. */
  readonly topic: string;
  /** Consumer group of the backlog query. */
  readonly consumerGroup: string;
  /** Target backlog per replica (HPA AverageValue). */
  readonly threshold: number;
  /** Backlog above which KEDA activates from zero. @default 0 */
  readonly activationThreshold?: number;
  /** Fewest replicas; 0 lets KEDA scale the workload to zero. */
  readonly minReplicaCount: number;
  /** Most replicas; capped at queueCount for queue-based consumers. */
  readonly maxReplicaCount: number;
  /** Replicas while no trigger is active; below minReplicaCount. @default none */
  readonly idleReplicaCount?: number;
  /** Seconds between KEDA's polls of the triggers. @default 30 */
  readonly pollingIntervalSeconds?: number;
  /** Seconds after the last active poll before KEDA scales to zero. @default 300 */
  readonly cooldownPeriodSeconds?: number;
  /** `false` turns the fallback off. @default on, see BacklogScalerFallback */
  readonly fallback?: false | BacklogScalerFallback;
  /** 'message' (5.x gRPC SDKs) or 'queue' (4.x Remoting SDKs: useful replicas capped at queueCount). @default 'message' */
  readonly loadBalancing?: 'message' | 'queue';
  /** Queue count of the topic; required for queue-based consumers. */
  readonly queueCount?: number;
  /** Second trigger on the arrival rate. @default none */
  readonly arrivalRate?: BacklogScalerArrivalRate;
  /**
   * One trigger on the demand in pods instead of the backlog (and arrival-rate) trigger; `activationThreshold`
   * must be 0 with it (any arrival is demand). @default none
   */
  readonly demand?: BacklogScalerDemand;
  /** Scheduled pre-scaling: one `cron` trigger each, after the backlog and arrival-rate triggers. @default none */
  readonly schedules?: readonly BacklogScalerSchedule[];
  /** HPA behavior. @default none: the controller's legacy normalization */
  readonly behavior?: HpaBehavior;
  /** The KEDA release the cluster runs (the ack-keda add-on's); the ScaledObject uses only its fields. @default DEFAULT_KEDA_VERSION */
  readonly kedaVersion?: string;
}

/** How KEDA authenticates to Prometheus: the two ARMS modes, and those of a self-managed Prometheus (issue 27). */
export type BacklogScalerAuth = 'token' | 'accessKey' | 'none' | 'bearer' | 'basic';
const AUTHS: readonly BacklogScalerAuth[] = ['token', 'accessKey', 'none', 'bearer', 'basic'];
// Source: keda.sh/docs/2.17/scalers/prometheus ("Authentication Parameters": authModes basic, bearer, custom).
const AUTH_MODES: Readonly<Record<Exclude<BacklogScalerAuth, 'none'>, string>> = {
  token: 'custom',
  accessKey: 'basic',
  bearer: 'bearer',
  basic: 'basic',
};

/** KEDA ScaledObject with the Prometheus backlog trigger, and the TriggerAuthentication it reads. */
export class BacklogScaler extends Construct {
  /** The ScaledObject. */
  readonly scaledObject: ApiObject;
  /** The TriggerAuthentication the Prometheus triggers use; none with auth 'none'. */
  readonly triggerAuthentication?: ApiObject;
  /** The PromQL of the backlog trigger. */
  readonly backlogQuery: string;
  /** The PromQL of the arrival-rate trigger, when there is one. */
  readonly arrivalRateQuery?: string;
  /** The PromQL of the demand trigger, when it replaces the backlog trigger. */
  readonly demandQuery?: string;
  /** The maxReplicaCount written: the prop's, capped at queueCount for queue-based consumers. */
  readonly maxReplicaCount: number;

  constructor(scope: Construct, id: string, props: BacklogScalerProps) {
    super(scope, id);
    validateBacklogScalerProps(props);

    const labels = recommendedLabels({
      name: props.name,
      environment: props.environment,
      component: 'autoscaler',
      selectorScheme: props.selectorScheme,
    });
    const queueBased = props.loadBalancing === 'queue';
    this.maxReplicaCount = queueBased
      ? Math.min(props.maxReplicaCount, props.queueCount ?? 0)
      : props.maxReplicaCount;
    const brokerScope =
      props.brokerCluster !== undefined
        ? { brokerCluster: props.brokerCluster }
        : { instanceId: props.instanceId as string };
    this.backlogQuery = backlogQuery({
      ...brokerScope,
      topic: props.topic,
      consumerGroup: props.consumerGroup,
      // Pods beyond the queue count idle: cap the backlog at what the useful maximum can absorb.
      ...(queueBased && { clampMax: this.maxReplicaCount * props.threshold }),
      // With no consumer online the group's series disappear (apache/rocketmq ConsumerLagCalculator
      // processAllGroup), so a workload that can sit at zero wakes on the topic's recent arrivals.
      ...(canScaleToZero(props.minReplicaCount, props.idleReplicaCount) && {
        whenGroupAbsent: {
          arrivalMetricName: props.arrivalRate?.metricName ?? DEFAULT_ARRIVAL_RATE_METRIC,
          threshold: props.threshold,
        },
      }),
    });
    const authName = `${props.name}-prometheus`;

    const auth = props.auth;
    const triggerAuthentication =
      auth === 'none'
        ? undefined
        : new TriggerAuthentication({
            metadata: { name: authName, labels },
            spec: { secretTargetRef: secretRefs(auth, props.authSecretName as string) },
          });
    triggerAuthentication?.validate();
    const authenticationRef = auth === 'none' ? {} : { authenticationRef: { name: authName } };

    const common = {
      serverAddress: props.serverAddress,
      ...(auth !== 'none' && { authModes: AUTH_MODES[auth] }),
    };
    const triggers: NonNullable<ScaledObject['spec']>['triggers'] = [];
    if (props.demand !== undefined) {
      this.demandQuery = demandQuery({
        ...brokerScope,
        topic: props.topic,
        consumerGroup: props.consumerGroup,
        messagesPerSecondPerReplica: props.demand.messagesPerSecondPerReplica,
        drainSeconds: props.demand.drainSeconds,
        ...(props.demand.metricName !== undefined && { metricName: props.demand.metricName }),
        ...(queueBased && { clampMaxReplicas: this.maxReplicaCount }),
        whenGroupAbsent: canScaleToZero(props.minReplicaCount, props.idleReplicaCount),
      });
      triggers.push({
        type: 'prometheus',
        name: 'demand',
        metricType: 'AverageValue',
        // Target 1 pod: an integer, so a fallback reads int64(1) × replicas (kedacore/keda v2.17.2
        // pkg/fallback/fallback.go doFallback); ignoreNullValues false as the backlog trigger's.
        metadata: {
          ...common,
          query: this.demandQuery,
          threshold: '1',
          activationThreshold: '0',
          ignoreNullValues: 'false',
        },
        ...authenticationRef,
      });
    } else
      triggers.push({
        type: 'prometheus',
        name: 'backlog',
        metricType: 'AverageValue',
        metadata: {
          ...common,
          query: this.backlogQuery,
          threshold: String(props.threshold),
          activationThreshold: String(props.activationThreshold ?? 0),
          // An empty result is an error, not "no backlog": the fallback starts instead of a scale-in
          // (pkg/scalers/prometheus_scaler.go ExecutePromQuery; the KEDA default true reads it as 0).
          ignoreNullValues: 'false',
        },
        ...authenticationRef,
      });
    if (props.arrivalRate !== undefined) {
      this.arrivalRateQuery = arrivalRateQuery({
        ...brokerScope,
        topic: props.topic,
        ...(props.arrivalRate.metricName !== undefined && { metricName: props.arrivalRate.metricName }),
      });
      triggers.push({
        type: 'prometheus',
        name: 'arrival-rate',
        metricType: 'AverageValue',
        metadata: { ...common, query: this.arrivalRateQuery, threshold: String(props.arrivalRate.threshold) },
        ...authenticationRef,
      });
    }

    for (const schedule of props.schedules ?? []) {
      triggers.push({
        type: 'cron',
        name: schedule.name,
        // The cron scaler's metric is desiredReplicas inside the window and 1 outside, against a target of 1
        // (GetMetricSpecForScaling: GetMetricTarget(metricType, 1)); AverageValue makes the HPA's proposal
        // ceil(metric / 1) = desiredReplicas, where Value would multiply it by the current replicas. Not exactly:
        // within the HPA tolerance of the current count it keeps that count (replica_calculator.go
        // GetExternalPerPodMetricReplicas), so 32 desired with 30 running (ratio 1.067) stays at 30.
        metricType: 'AverageValue',
        metadata: {
          timezone: schedule.timezone,
          start: schedule.start,
          end: schedule.end,
          desiredReplicas: String(schedule.desiredReplicas),
        },
      });
    }

    const fallback = resolveFallback(props);
    const scaledObject = new ScaledObject({
      metadata: { name: props.name, labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.scaleTargetName },
        pollingInterval: props.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS,
        cooldownPeriod: props.cooldownPeriodSeconds ?? DEFAULT_COOLDOWN_PERIOD_SECONDS,
        minReplicaCount: props.minReplicaCount,
        maxReplicaCount: this.maxReplicaCount,
        ...(props.idleReplicaCount !== undefined && { idleReplicaCount: props.idleReplicaCount }),
        // @kubernetes-models/keda 0.4.2 predates fallback.behavior (KEDA 2.17): the field is added as KEDA's CRD has it.
        ...(fallback !== undefined && { fallback }),
        ...(props.behavior !== undefined && {
          advanced: { horizontalPodAutoscalerConfig: { behavior: behaviorManifest(props.behavior) } },
        }),
        triggers,
      },
    });
    scaledObject.validate();

    if (triggerAuthentication !== undefined) {
      this.triggerAuthentication = new ApiObject(
        this,
        'trigger-authentication',
        toProps(triggerAuthentication),
      );
    }
    this.scaledObject = new ApiObject(this, 'scaled-object', toProps(scaledObject));
  }
}

function toProps(model: ScaledObject | TriggerAuthentication): ConstructorParameters<typeof ApiObject>[2] {
  const json = model.toJSON() as { apiVersion: string; kind: string } & Record<string, unknown>;
  return json;
}

function secretRefs(
  auth: Exclude<BacklogScalerAuth, 'none'>,
  secretName: string,
): { parameter: string; name: string; key: string }[] {
  const keys =
    auth === 'token'
      ? [PROMETHEUS_AUTH_KEYS.customAuthHeader, PROMETHEUS_AUTH_KEYS.customAuthValue]
      : auth === 'bearer'
        ? [PROMETHEUS_AUTH_KEYS.bearerToken]
        : [PROMETHEUS_AUTH_KEYS.username, PROMETHEUS_AUTH_KEYS.password];
  return keys.map((key) => ({ parameter: key, name: secretName, key }));
}

/** maxReplicaCount as written to the ScaledObject: at most the queue count for queue-based consumers. */
function cappedMax(props: BacklogScalerProps): number {
  return props.loadBalancing === 'queue'
    ? Math.min(props.maxReplicaCount, props.queueCount ?? 0)
    : props.maxReplicaCount;
}

function resolveFallback(
  props: BacklogScalerProps,
): { failureThreshold: number; replicas: number; behavior?: KedaFallbackBehavior } | undefined {
  if (props.fallback === false) return undefined;
  return {
    failureThreshold: props.fallback?.failureThreshold ?? DEFAULT_FALLBACK_FAILURE_THRESHOLD,
    replicas: props.fallback?.replicas ?? defaultFallbackReplicas(props.minReplicaCount, cappedMax(props)),
    ...(kedaSupportsFallbackBehavior(props.kedaVersion ?? DEFAULT_KEDA_VERSION) && {
      behavior: FAIL_SAFE_FALLBACK_BEHAVIOR,
    }),
  };
}

/** The behavior as written, with keys in the API's order (deterministic output). */
function behaviorManifest(behavior: HpaBehavior): Record<string, unknown> {
  const rules = (r: HpaScalingRules): Record<string, unknown> => ({
    ...(r.stabilizationWindowSeconds !== undefined && {
      stabilizationWindowSeconds: r.stabilizationWindowSeconds,
    }),
    ...(r.selectPolicy !== undefined && { selectPolicy: r.selectPolicy }),
    ...(r.policies !== undefined && {
      policies: r.policies.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.periodSeconds })),
    }),
  });
  return {
    ...(behavior.scaleUp !== undefined && { scaleUp: rules(behavior.scaleUp) }),
    ...(behavior.scaleDown !== undefined && { scaleDown: rules(behavior.scaleDown) }),
  };
}

/** KEDA admission-webhook rules and ours, checked before anything is created. */
export function validateBacklogScalerProps(props: BacklogScalerProps): void {
  const check = new PropChecker('BacklogScaler');
  check.name('name', props.name);
  check.name('environment', props.environment);
  if (props.selectorScheme === 'instance-label') check.instanceLabel(props.name, props.environment);
  check.selectorScheme(props.selectorScheme);
  check.name('scaleTargetName', props.scaleTargetName);
  if (props.authSecretName !== undefined) check.name('authSecretName', props.authSecretName);
  else if (props.auth !== 'none') check.add('authSecretName', `is required with auth ${String(props.auth)}`);
  if (typeof props.serverAddress !== 'string' || !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(props.serverAddress)) {
    check.add('serverAddress', `(${JSON.stringify(props.serverAddress)}) must be an http(s) URL`);
  } else if (/\/api\/v1\/query\/?$/.test(props.serverAddress)) {
    check.add('serverAddress', 'must be the base URL: KEDA appends /api/v1/query itself');
  }
  if (!AUTHS.includes(props.auth)) {
    check.add('auth', `(${JSON.stringify(props.auth)}) must be one of ${AUTHS.join(', ')}`);
  }
  if ((props.instanceId === undefined) === (props.brokerCluster === undefined)) {
    check.add('instanceId', 'set exactly one of instanceId (ApsaraMQ) or brokerCluster (self-managed)');
  } else if (props.instanceId !== undefined) {
    check.nonEmpty('instanceId', props.instanceId);
  } else {
    const cluster = props.brokerCluster as BrokerClusterSelector;
    if (
      !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(cluster.label) ||
      ['topic', 'consumer_group', 'node_id', 'is_retry', '__name__'].includes(cluster.label)
    ) {
      check.add(
        'brokerCluster.label',
        `(${JSON.stringify(cluster.label)}) must be a Prometheus label name other than __name__, topic, consumer_group, node_id, is_retry`,
      );
    }
    check.nonEmpty('brokerCluster.name', cluster.name);
  }
  check.nonEmpty('topic', props.topic);
  check.nonEmpty('consumerGroup', props.consumerGroup);
  check.positive('threshold', props.threshold);
  if (props.activationThreshold !== undefined && !(props.activationThreshold >= 0)) {
    check.add('activationThreshold', `(${String(props.activationThreshold)}) must be >= 0`);
  } else if (
    canScaleToZero(props.minReplicaCount, props.idleReplicaCount) &&
    (props.activationThreshold ?? 0) >= props.threshold
  ) {
    check.add(
      'activationThreshold',
      `(${String(props.activationThreshold)}) must be < threshold (${props.threshold}) for a workload that scales to zero: with no consumer online the query's stand-in reads threshold, which would never activate it`,
    );
  }
  check.int('minReplicaCount', props.minReplicaCount, 0);
  check.int('maxReplicaCount', props.maxReplicaCount, 1);
  if (props.minReplicaCount > props.maxReplicaCount) {
    check.add(
      'minReplicaCount',
      `(${props.minReplicaCount}) must be <= maxReplicaCount (${props.maxReplicaCount})`,
    );
  }
  if (props.idleReplicaCount !== undefined) {
    check.int('idleReplicaCount', props.idleReplicaCount, 0);
    if (props.idleReplicaCount >= props.minReplicaCount) {
      check.add(
        'idleReplicaCount',
        `(${props.idleReplicaCount}) must be < minReplicaCount (${props.minReplicaCount})`,
      );
    }
  }
  if (props.pollingIntervalSeconds !== undefined)
    check.int('pollingIntervalSeconds', props.pollingIntervalSeconds, 1);
  if (props.cooldownPeriodSeconds !== undefined)
    check.int('cooldownPeriodSeconds', props.cooldownPeriodSeconds, 0);
  if (
    props.loadBalancing !== undefined &&
    props.loadBalancing !== 'message' &&
    props.loadBalancing !== 'queue'
  ) {
    check.add('loadBalancing', `(${JSON.stringify(props.loadBalancing)}) must be message or queue`);
  }
  if (props.loadBalancing === 'queue') {
    if (props.queueCount === undefined) check.add('queueCount', 'is required for queue-based consumers');
    else check.int('queueCount', props.queueCount, 1);
  }
  if (props.fallback !== undefined && props.fallback !== false) {
    if (props.fallback.failureThreshold !== undefined)
      check.int('fallback.failureThreshold', props.fallback.failureThreshold, 1);
    const replicas = props.fallback.replicas;
    if (replicas !== undefined) {
      const low = Math.max(props.minReplicaCount, 1);
      // Against the maxReplicaCount written (capped at the queue count), not the one asked for.
      const high = cappedMax(props);
      if (!Number.isInteger(replicas) || replicas < low || replicas > high) {
        check.add(
          'fallback.replicas',
          `(${replicas}) must be an integer in [max(minReplicaCount, 1), maxReplicaCount${high < props.maxReplicaCount ? ' capped at queueCount' : ''}] = [${low}, ${high}]`,
        );
      }
    }
  }
  if (props.demand !== undefined) {
    check.positive('demand.messagesPerSecondPerReplica', props.demand.messagesPerSecondPerReplica);
    check.positive('demand.drainSeconds', props.demand.drainSeconds);
    if (props.arrivalRate !== undefined)
      check.add('arrivalRate', 'must be unset with demand: the demand trigger counts the arrival rate');
    if ((props.activationThreshold ?? 0) !== 0)
      check.add(
        'activationThreshold',
        `(${String(props.activationThreshold)}) must be 0 with demand: any arrival is demand`,
      );
  }
  if (props.arrivalRate !== undefined) {
    check.positive('arrivalRate.threshold', props.arrivalRate.threshold);
    if (
      props.arrivalRate.metricName !== undefined &&
      !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(props.arrivalRate.metricName)
    ) {
      check.add(
        'arrivalRate.metricName',
        `(${JSON.stringify(props.arrivalRate.metricName)}) must be a Prometheus metric name`,
      );
    }
  }
  for (const direction of ['scaleUp', 'scaleDown'] as const) {
    const rules = props.behavior?.[direction];
    if (rules === undefined) continue;
    const at = `behavior.${direction}`;
    if (rules.stabilizationWindowSeconds !== undefined)
      check.int(`${at}.stabilizationWindowSeconds`, rules.stabilizationWindowSeconds, 0, MAX_WINDOW_SECONDS);
    if (rules.selectPolicy !== undefined && !['Max', 'Min', 'Disabled'].includes(rules.selectPolicy)) {
      check.add(`${at}.selectPolicy`, `(${JSON.stringify(rules.selectPolicy)}) must be Max, Min or Disabled`);
    }
    if (rules.policies !== undefined && rules.policies.length === 0)
      check.add(`${at}.policies`, 'must list at least one policy');
    rules.policies?.forEach((p, i) => {
      if (p.type !== 'Pods' && p.type !== 'Percent')
        check.add(`${at}.policies[${i}].type`, `(${JSON.stringify(p.type)}) must be Pods or Percent`);
      check.int(`${at}.policies[${i}].value`, p.value, 1);
      check.int(`${at}.policies[${i}].periodSeconds`, p.periodSeconds, 1, MAX_PERIOD_SECONDS);
    });
  }
  const names = new Set<string>();
  props.schedules?.forEach((schedule, i) => {
    const at = `schedules[${i}]`;
    check.name(`${at}.name`, schedule.name);
    // Reserved even while the arrival-rate trigger is off, so turning it on later cannot clash (as the loader has it).
    if ((RESERVED_TRIGGER_NAMES as readonly string[]).includes(schedule.name))
      check.add(
        `${at}.name`,
        `(${JSON.stringify(schedule.name)}) is the name of the construct's ${schedule.name} trigger`,
      );
    // Source: kedacore/keda apis/keda/v1alpha1/scaletriggers_types.go ValidateTriggers (unique trigger names).
    else if (names.has(schedule.name))
      check.add(`${at}.name`, `(${JSON.stringify(schedule.name)}) must be unique among the triggers`);
    names.add(schedule.name);
    for (const problem of cronScheduleProblems(schedule))
      check.add(`${at}.${problem.field}`, problem.message);
    // cronMetadata.Validate refuses 0; the HPA caps at maxReplicaCount, and at or below minReplicaCount it
    // changes nothing.
    const high = cappedMax(props);
    if (
      !Number.isInteger(schedule.desiredReplicas) ||
      schedule.desiredReplicas <= props.minReplicaCount ||
      schedule.desiredReplicas > high
    ) {
      check.add(
        `${at}.desiredReplicas`,
        `(${String(schedule.desiredReplicas)}) must be an integer in (minReplicaCount, maxReplicaCount] = (${props.minReplicaCount}, ${high}]`,
      );
    }
  });
  if (props.kedaVersion !== undefined) {
    try {
      kedaFallbackMode(props.kedaVersion);
    } catch {
      check.add(
        'kedaVersion',
        `(${JSON.stringify(props.kedaVersion)}) must be a modelled KEDA release 2.14.x to 2.20.x`,
      );
    }
  }
  check.throwIfAny();
}
