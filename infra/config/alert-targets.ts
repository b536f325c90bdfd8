/** Where an environment's alert rules go, resolved once from its alerts section. */
import type { EnvironmentSpec } from './schema';

/**
 * Charts (files in dist/<env>/) beside the workloads' ones: the PrometheusRule and the dashboard ConfigMap. cdk8s
 * names a chart's file after its id as a DNS label, the same space as workload names, so these are reserved.
 */
export const ALERTS_CHART = 'apsaramq-keda-alerts';
export const DASHBOARD_CHART = 'apsaramq-keda-dashboard';
export const MONITORING_FILE_NAMES = [ALERTS_CHART, DASHBOARD_CHART] as const;

/**
 * The ARMS Prometheus instance the broker-side rules go on, or undefined when the broker side is off: explicitly
 * (`alerts.broker.enabled: false`) or, when `enabled` is absent, because there is no instance id to use.
 */
export function brokerAlertsInstance(spec: EnvironmentSpec): string | undefined {
  // A self-managed broker has no ARMS: its broker-side rules go into the PrometheusRule (brokerRulesInCluster).
  if (spec.broker === 'self-managed') return undefined;
  const broker = spec.alerts.broker;
  if (broker.enabled === false) return undefined;
  return broker.armsPrometheusId ?? spec.prometheus.instanceId;
}

/** Whether synth writes the cluster-side rules (PrometheusRule) and the dashboard into dist/<env>/. */
export function clusterAlertsEnabled(spec: EnvironmentSpec): boolean {
  return spec.alerts.cluster.enabled;
}

/**
 * Whether the PrometheusRule also holds the broker-side rules: for a self-managed broker, whose metrics the
 * in-cluster Prometheus scrapes, unless `alerts.broker.enabled: false`.
 */
export function brokerRulesInCluster(spec: EnvironmentSpec): boolean {
  return spec.broker === 'self-managed' && spec.alerts.broker.enabled !== false;
}
