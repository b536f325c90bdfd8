/**
 * The charts of one environment: one chart (one YAML file) per workload plus a kustomization.yaml, from the
 * committed stack file and the non-secret hand-off only. infra/synth/main.ts is the app `cdk8s synth` runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import { stringify } from 'yaml';
import { InputError } from '../shared/input-error';
import {
  AlertRules,
  BacklogScaler,
  BrokerProvisioning,
  ConsumerWorkload,
  GrafanaDashboard,
} from '../../constructs/k8s';
import { rocketMqAccountName, rocketMqCredentialsSecretName } from '../../constructs/shared';
import {
  ALERTS_CHART,
  brokerRulesInCluster,
  clusterAlertsEnabled,
  DASHBOARD_CHART,
} from '../config/alert-targets';
import {
  SELF_MANAGED_CONSUMER_ACTIONS,
  SELF_MANAGED_PRODUCER_ACTIONS,
  type SelfManagedEnvironmentSpec,
} from '../config/self-managed';
import type { EnvironmentSpec } from '../config/environment';
import { kedaRelease } from '../config/keda-release';
import { workloadSchedules } from '../config/workload-schedules';
import { workloadThreshold } from '../config/workload-threshold';
import { workloadAlertsInput } from '../config/workload-alerts';
import type { Handoff } from '../config/handoff';

export class SynthInputError extends InputError {
  constructor(
    readonly environment: string,
    readonly violations: readonly string[],
  ) {
    super(
      `environment ${environment}: the stack file and its hand-off disagree:\n  - ${violations.join('\n  - ')}`,
    );
  }
}

export interface SynthResult {
  readonly environment: string;
  readonly outdir: string;
  /** Files written, relative to outdir, sorted. */
  readonly files: readonly string[];
}

/** Every disagreement between the spec and the hand-off, so nothing is written from inconsistent inputs. */
export function handoffViolations(spec: EnvironmentSpec, handoff: Handoff): string[] {
  const violations: string[] = [];
  if (handoff.environment !== spec.name) {
    violations.push(`handoff.environment (${handoff.environment}) must be ${spec.name}`);
  }
  if (handoff.namespace !== spec.kubernetes.namespace) {
    violations.push(
      `handoff.namespace (${handoff.namespace}) must equal kubernetes.namespace (${spec.kubernetes.namespace})`,
    );
  }
  const handoffBroker = 'broker' in handoff ? handoff.broker : 'apsaramq';
  if (handoffBroker !== spec.broker) {
    violations.push(`handoff.broker (${handoffBroker}) must equal broker (${spec.broker})`);
  } else if ('brokerCluster' in handoff && spec.broker === 'self-managed') {
    const { brokerCluster, clusterLabel, proxyEndpoint } = spec.selfManaged;
    if (handoff.brokerCluster.name !== brokerCluster || handoff.brokerCluster.label !== clusterLabel) {
      violations.push(
        `handoff.brokerCluster (${handoff.brokerCluster.label}=${handoff.brokerCluster.name}) must equal selfManaged.clusterLabel=selfManaged.brokerCluster (${clusterLabel}=${brokerCluster})`,
      );
    }
    if (handoff.rocketMqEndpoint !== proxyEndpoint) {
      violations.push(
        `handoff.rocketMqEndpoint (${handoff.rocketMqEndpoint}) must equal selfManaged.proxyEndpoint (${proxyEndpoint})`,
      );
    }
    if (handoff.prometheus.serverAddress !== spec.prometheus.serverAddress) {
      violations.push(
        `handoff.prometheus.serverAddress (${handoff.prometheus.serverAddress}) must equal prometheus.serverAddress (${spec.prometheus.serverAddress})`,
      );
    }
  }
  if (handoff.prometheus.auth !== spec.prometheus.auth) {
    violations.push(
      `handoff.prometheus.auth (${handoff.prometheus.auth}) must equal prometheus.auth (${spec.prometheus.auth})`,
    );
  }
  spec.workloads.forEach((w, i) => {
    const entry = handoff.workloads.find((h) => h.name === w.name);
    if (entry === undefined) {
      violations.push(
        `workloads[${i}] (${w.name}) has no entry in handoff.workloads: run pulumi up, then npm run outputs`,
      );
      return;
    }
    if (entry.topic !== w.topic)
      violations.push(
        `handoff.workloads[${w.name}].topic (${entry.topic}) must equal workloads[${i}].topic (${w.topic})`,
      );
    if (entry.consumerGroup !== w.consumerGroup) {
      violations.push(
        `handoff.workloads[${w.name}].consumerGroup (${entry.consumerGroup}) must equal workloads[${i}].consumerGroup (${w.consumerGroup})`,
      );
    }
  });
  for (const h of handoff.workloads) {
    if (!spec.workloads.some((w) => w.name === h.name))
      violations.push(`handoff.workloads[${h.name}] is not a workload of the stack`);
  }
  return violations;
}

/** The chart (and file) of a self-managed environment's provisioning Job; no workload may take the name. */
export const PROVISIONING_CHART = 'rocketmq-provisioning';
/** Queues of a topic no queue-based workload reads (our choice; message-based consumers are not capped by it). */
export const DEFAULT_TOPIC_QUEUES = 8;

/**
 * The provisioning chart of a self-managed environment (issue 27): topics (queues: the largest queueCount of
 * the queue-based workloads reading it, else DEFAULT_TOPIC_QUEUES), groups, and per workload and producer an
 * ACL 2.0 user with the same grants ApsaraMQ gets (Sub on topic and group, Pub on the topic).
 */
function provisioningChart(app: App, spec: SelfManagedEnvironmentSpec): Chart {
  const chart = new Chart(app, PROVISIONING_CHART, {
    namespace: spec.kubernetes.namespace,
    disableResourceNameHashes: true,
  });
  const queues = (topic: string): number =>
    Math.max(
      DEFAULT_TOPIC_QUEUES,
      ...spec.workloads.filter((w) => w.topic === topic).map((w) => w.queueCount ?? 0),
    );
  new BrokerProvisioning(chart, 'provisioning', {
    name: PROVISIONING_CHART,
    environment: spec.name,
    nameServer: spec.selfManaged.nameServer,
    brokerCluster: spec.selfManaged.brokerCluster,
    adminSecretName: spec.selfManaged.adminSecretName,
    image: spec.selfManaged.toolsImage,
    topics: spec.topics.map((t) => ({ name: t.name, messageType: t.messageType, queues: queues(t.name) })),
    groups: spec.consumerGroups.map((g) => ({
      name: g.id,
      orderly: g.deliveryOrderType === 'Orderly',
      retryMaxTimes: g.maxRetryTimes,
    })),
    users: [
      ...spec.workloads.map((w) => ({
        username: rocketMqAccountName(spec.name, w.name),
        credentialsSecretName: rocketMqCredentialsSecretName(w.name),
        grants: [
          { resource: `Topic:${w.topic}`, actions: [...SELF_MANAGED_CONSUMER_ACTIONS] },
          { resource: `Group:${w.consumerGroup}`, actions: [...SELF_MANAGED_CONSUMER_ACTIONS] },
        ],
      })),
      ...spec.producers.map((p) => ({
        username: rocketMqAccountName(spec.name, p.name),
        credentialsSecretName: rocketMqCredentialsSecretName(p.name),
        grants: [{ resource: `Topic:${p.topic}`, actions: [...SELF_MANAGED_PRODUCER_ACTIONS] }],
      })),
    ],
  });
  return chart;
}

/** Builds the charts of one environment into `app` (exported for tests: Testing.synth). */
export function buildEnvironment(app: App, spec: EnvironmentSpec, handoff: Handoff): Chart[] {
  const violations = handoffViolations(spec, handoff);
  if (violations.length > 0) throw new SynthInputError(spec.name, violations);
  const charts = spec.broker === 'self-managed' ? [provisioningChart(app, spec)] : [];
  const workloads = spec.workloads.map((w) => {
    const entry = handoff.workloads.find((h) => h.name === w.name);
    if (entry === undefined) throw new SynthInputError(spec.name, [`no hand-off for ${w.name}`]);
    const chart = new Chart(app, w.name, {
      namespace: spec.kubernetes.namespace,
      disableResourceNameHashes: true,
    });
    const workload = new ConsumerWorkload(chart, 'workload', {
      name: w.name,
      environment: spec.name,
      selectorScheme: spec.kubernetes.selectorScheme,
      image: w.image,
      resources: w.resources,
      rocketMqEndpoint: handoff.rocketMqEndpoint,
      topic: w.topic,
      consumerGroup: w.consumerGroup,
      credentialsSecretName: entry.credentialsSecretName,
      maxProcessingSeconds: w.maxProcessingSeconds,
      messagesPerSecondPerPod: w.messagesPerSecondPerPod,
      minReplicas: w.minReplicas,
      env: w.env,
      probes: w.probes,
    });
    const s = w.scaling;
    new BacklogScaler(chart, 'scaler', {
      name: w.name,
      environment: spec.name,
      selectorScheme: spec.kubernetes.selectorScheme,
      scaleTargetName: workload.deployment.name,
      serverAddress: handoff.prometheus.serverAddress,
      auth: handoff.prometheus.auth,
      ...(handoff.prometheus.secretName !== undefined && { authSecretName: handoff.prometheus.secretName }),
      ...handoffScope(handoff),
      topic: w.topic,
      consumerGroup: w.consumerGroup,
      threshold: workloadThreshold(w),
      activationThreshold: s.activationThreshold,
      minReplicaCount: w.minReplicas,
      maxReplicaCount: w.maxReplicas,
      ...(w.idleReplicaCount !== undefined && { idleReplicaCount: w.idleReplicaCount }),
      pollingIntervalSeconds: s.pollingIntervalSeconds,
      cooldownPeriodSeconds: s.cooldownPeriodSeconds,
      fallback:
        s.fallback === false
          ? false
          : {
              failureThreshold: s.fallback.failureThreshold,
              ...(s.fallback.replicas !== undefined && { replicas: s.fallback.replicas }),
            },
      loadBalancing: w.loadBalancing,
      ...(w.queueCount !== undefined && { queueCount: w.queueCount }),
      ...(s.scaleOnArrivalRate !== undefined && {
        arrivalRate: {
          threshold: Number(
            (w.messagesPerSecondPerPod * s.scaleOnArrivalRate.targetUtilization).toPrecision(12),
          ),
          metricName: s.scaleOnArrivalRate.metricName,
        },
      }),
      ...(s.scaleOnDemand !== undefined && {
        demand: {
          messagesPerSecondPerReplica: Number(
            (w.messagesPerSecondPerPod * s.scaleOnDemand.targetUtilization).toPrecision(12),
          ),
          drainSeconds: s.scaleOnDemand.drainSeconds ?? w.targetDrainSeconds,
          metricName: s.scaleOnDemand.metricName,
        },
      }),
      ...(s.behavior !== undefined && { behavior: s.behavior }),
      ...(s.schedules !== undefined && {
        schedules: workloadSchedules(w).map(({ name, timezone, start, end, desiredReplicas }) => ({
          name,
          timezone,
          start,
          end,
          desiredReplicas,
        })),
      }),
      kedaVersion: kedaRelease(spec),
    });
    return chart;
  });
  charts.push(...workloads);
  if (clusterAlertsEnabled(spec)) charts.push(...monitoringCharts(app, spec, handoff));
  return charts;
}

/** What selects the broker's metrics: the ApsaraMQ instance id, or the self-managed cluster label. */
function handoffScope(
  handoff: Handoff,
): { readonly instanceId: string } | { readonly brokerCluster: { label: string; name: string } } {
  return 'brokerCluster' in handoff
    ? { brokerCluster: handoff.brokerCluster }
    : { instanceId: handoff.instanceId };
}

/** The PrometheusRule and the Grafana dashboard ConfigMap of the environment, one chart (file) each. */
function monitoringCharts(app: App, spec: EnvironmentSpec, handoff: Handoff): Chart[] {
  const workloads = spec.workloads.map((w) => ({
    ...workloadAlertsInput(spec, w),
    ...handoffScope(handoff),
  }));
  const chart = (id: string) =>
    new Chart(app, id, { namespace: spec.kubernetes.namespace, disableResourceNameHashes: true });
  const alerts = chart(ALERTS_CHART);
  new AlertRules(alerts, 'alerts', {
    name: ALERTS_CHART,
    environment: spec.name,
    selectorScheme: spec.kubernetes.selectorScheme,
    workloads,
    ruleLabels: spec.alerts.cluster.ruleLabels,
    // A self-managed broker's metrics are in the cluster's Prometheus: its rules go beside KEDA's (no ARMS).
    ...(brokerRulesInCluster(spec) && { sides: ['broker', 'cluster'] as const }),
  });
  const dashboard = chart(DASHBOARD_CHART);
  new GrafanaDashboard(dashboard, 'dashboard', {
    name: DASHBOARD_CHART,
    environment: spec.name,
    selectorScheme: spec.kubernetes.selectorScheme,
    workloads,
  });
  return [alerts, dashboard];
}

/** The first line of every generated file: where it comes from, and that hand edits are lost. */
export function generatedHeader(environment: string): string {
  return `# Generated by npm run synth (cdk8s) from stacks/Pulumi.${environment}.yaml and stacks/${environment}.outputs.json; do not edit.\n`;
}

/**
 * Writes `outdir/<workload>.yaml` for every workload and `outdir/kustomization.yaml`, replacing whatever
 * was there. Validation happens before the directory is touched.
 */
export function synthEnvironment(spec: EnvironmentSpec, handoff: Handoff, outdir: string): SynthResult {
  const app = new App({
    outdir,
    outputFileExtension: '.yaml',
    yamlOutputType: YamlOutputType.FILE_PER_CHART,
  });
  const charts = buildEnvironment(app, spec, handoff);
  fs.rmSync(outdir, { recursive: true, force: true });
  app.synth();
  const manifests = charts.map((c) => `${c.node.id}.yaml`).sort();
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: spec.kubernetes.namespace,
    resources: manifests,
  };
  const header = generatedHeader(spec.name);
  for (const manifest of manifests) {
    const file = path.join(outdir, manifest);
    fs.writeFileSync(file, header + fs.readFileSync(file, 'utf8'));
  }
  fs.writeFileSync(path.join(outdir, 'kustomization.yaml'), header + stringify(kustomization));
  return { environment: spec.name, outdir, files: [...manifests, 'kustomization.yaml'].sort() };
}
