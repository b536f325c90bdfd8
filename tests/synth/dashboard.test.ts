/**
 * The Grafana dashboard ConfigMap of every environment: the sidecar label, one row and five panels per workload,
 * and every target's query one of workloadPanels' (run on promtool by tests/shared/dashboard-queries-promtool).
 */
import { workloadPanels } from '../../constructs/shared/dashboard-queries';
import { loadEnvironment } from '../../infra/config/environment';
import { loadHandoff } from '../../infra/config/handoff';
import { workloadAlertsInput } from '../../infra/config/workload-alerts';
import { find, synthObjects } from './helpers';

interface DashboardJson {
  uid: string;
  title: string;
  panels: { type: string; title: string; targets?: { expr: string; datasource: { uid: string } }[] }[];
}

function dashboardOf(env: string): { labels: Record<string, string>; json: DashboardJson } {
  const cm = find(synthObjects(env), 'ConfigMap', 'apsaramq-keda-dashboard') as unknown as {
    metadata: { labels: Record<string, string> };
    data: Record<string, string>;
  };
  return {
    labels: cm.metadata.labels,
    json: JSON.parse(cm.data['apsaramq-keda-dashboard.json'] ?? '{}') as DashboardJson,
  };
}

describe.each(['dev', 'staging', 'prod', 'selfhosted'])('dashboard of %s', (env) => {
  const { labels, json } = dashboardOf(env);
  const spec = loadEnvironment(env);

  test('carries the Grafana sidecar label and a stable uid', () => {
    expect([labels.grafana_dashboard, json.uid, json.title]).toEqual([
      '1',
      `apsaramq-keda-${env}`,
      `apsaramq-keda ${env}`,
    ]);
  });

  test('has a row and five panels per workload, every query one that promtool runs', () => {
    expect(json.panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual(
      spec.workloads.map((w) => `${w.name} (group ${w.consumerGroup})`),
    );
    const handoff = loadHandoff(env);
    const tested = spec.workloads.flatMap((w) =>
      workloadPanels({
        ...workloadAlertsInput(spec, w),
        ...('brokerCluster' in handoff
          ? { brokerCluster: handoff.brokerCluster }
          : { instanceId: handoff.instanceId }),
      }).flatMap((p) => p.queries.map((q) => `${q.source} ${q.expr}`)),
    );
    const shipped = json.panels
      .filter((p) => p.type === 'timeseries')
      .flatMap((p) =>
        (p.targets ?? []).map((t) => `${t.datasource.uid.replace(/^\$\{(.*)\}$/, '$1')} ${t.expr}`),
      );
    expect(json.panels.filter((p) => p.type === 'timeseries')).toHaveLength(5 * spec.workloads.length);
    expect(shipped).toEqual(tested);
  });
});
