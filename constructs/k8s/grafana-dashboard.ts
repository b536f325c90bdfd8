import {
  DashboardBuilder,
  DatasourceVariableBuilder,
  RowBuilder,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { WorkloadAlertsInput } from '../shared/alerts';
import { type QuerySource, workloadPanels } from '../shared/dashboard-queries';
import { recommendedLabels, type SelectorScheme } from '../shared/labels';
import { PropChecker } from './validation';

/**
 * The label the Grafana sidecar of kube-prometheus-stack loads dashboards from.
 * Source: grafana/helm-charts charts/grafana values.yaml sidecar.dashboards.label (grafana_dashboard, value "1").
 */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';

/** Dashboard variables naming the two Prometheus data sources a panel query runs on. */
export const DATASOURCE_VARIABLES: Readonly<Record<QuerySource, string>> = {
  broker: 'broker',
  cluster: 'cluster',
};

/** Props of GrafanaDashboard. */
export interface GrafanaDashboardProps {
  /** Name of the ConfigMap; the dashboard JSON is its `<name>.json` key. */
  readonly name: string;
  /** The environment the dashboard shows. */
  readonly environment: string;
  /** Which labels identify the object. @default 'environment' */
  readonly selectorScheme?: SelectorScheme;
  /** One row per workload, in this order; workload names unique. */
  readonly workloads: readonly WorkloadAlertsInput[];
}

/**
 * A Grafana dashboard (built with @grafana/grafana-foundation-sdk) in a ConfigMap the Grafana sidecar loads: per
 * workload, backlog against capacity, replicas against desired and max, arrival and consumption rates, lag
 * latency and scaler errors, each query from constructs/shared/dashboard-queries.
 */
export class GrafanaDashboard extends Construct {
  /** The ConfigMap holding the dashboard JSON. */
  readonly configMap: ApiObject;
  /** The dashboard model, for tests. */
  readonly dashboard: ReturnType<DashboardBuilder['build']>;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    validateProps(props);
    const ref = (source: QuerySource) => ({ type: 'prometheus', uid: `\${${DATASOURCE_VARIABLES[source]}}` });
    let builder = new DashboardBuilder(`apsaramq-keda ${props.environment}`)
      .uid(`apsaramq-keda-${props.environment}`)
      .tags(['apsaramq-keda', props.environment])
      .editable()
      .time({ from: 'now-6h', to: 'now' })
      .refresh('1m')
      .timezone('browser')
      .withVariable(
        new DatasourceVariableBuilder(DATASOURCE_VARIABLES.broker)
          .label('RocketMQ metrics (ARMS)')
          .type('prometheus'),
      )
      .withVariable(
        new DatasourceVariableBuilder(DATASOURCE_VARIABLES.cluster)
          .label('Cluster Prometheus (KEDA, kube-state-metrics)')
          .type('prometheus'),
      );
    for (const workload of props.workloads) {
      builder = builder.withRow(new RowBuilder(`${workload.workload} (group ${workload.consumerGroup})`));
      for (const panel of workloadPanels(workload)) {
        let p = new PanelBuilder().title(panel.title).unit(panel.unit).height(8).span(12);
        const sources = new Set(panel.queries.map((q) => q.source));
        // One data source per panel: the panel queries of dashboard-queries never mix sources.
        const [source] = [...sources];
        if (source !== undefined) p = p.datasource(ref(source));
        panel.queries.forEach((q, i) => {
          p = p.withTarget(
            new DataqueryBuilder()
              .datasource(ref(q.source))
              .expr(q.expr)
              .legendFormat(q.legend)
              .refId(String.fromCharCode(65 + i)),
          );
        });
        builder = builder.withPanel(p);
      }
    }
    this.dashboard = builder.build();
    this.configMap = new ApiObject(this, 'config-map', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: props.name,
        labels: {
          ...recommendedLabels({
            name: props.name,
            environment: props.environment,
            component: 'dashboard',
            selectorScheme: props.selectorScheme,
          }),
          [GRAFANA_DASHBOARD_LABEL]: '1',
        },
      },
      data: { [`${props.name}.json`]: `${JSON.stringify(this.dashboard, null, 2)}\n` },
    });
  }
}

function validateProps(props: GrafanaDashboardProps): void {
  const check = new PropChecker('GrafanaDashboard');
  check.name('name', props.name);
  check.name('environment', props.environment);
  check.selectorScheme(props.selectorScheme);
  if (props.selectorScheme === 'instance-label') check.instanceLabel(props.name, props.environment);
  if (!Array.isArray(props.workloads) || props.workloads.length === 0)
    check.add('workloads', 'must list at least one workload');
  const seen = new Set<string>();
  (props.workloads ?? []).forEach((w, i) => {
    if (seen.has(w.workload))
      check.add(`workloads[${i}].workload`, `(${JSON.stringify(w.workload)}) must be unique`);
    seen.add(w.workload);
    try {
      workloadPanels(w);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      check.add(`workloads[${i}]:`, error.message);
    }
  });
  check.throwIfAny();
}
