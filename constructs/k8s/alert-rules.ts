import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  alertLabels,
  type AlertSide,
  toPrometheusRule,
  workloadAlertRules,
  type WorkloadAlertsInput,
} from '../shared/alerts';
import { recommendedLabels, type SelectorScheme } from '../shared/labels';
import { PropChecker } from './validation';

/** Prometheus Operator's rule CRD. Source: prometheus-operator pkg/apis/monitoring/v1/prometheusrule_types.go. */
export const PROMETHEUS_RULE_API_VERSION = 'monitoring.coreos.com/v1';
/** The PrometheusRule kind. Source: as PROMETHEUS_RULE_API_VERSION. */
export const PROMETHEUS_RULE_KIND = 'PrometheusRule';

/** Props of AlertRules. */
export interface AlertRulesProps {
  /** Name of the PrometheusRule. */
  readonly name: string;
  /** The environment the rules belong to. */
  readonly environment: string;
  /** Which labels identify the object. @default 'environment' */
  readonly selectorScheme?: SelectorScheme;
  /** One rule group per workload, in this order; workload names unique. */
  readonly workloads: readonly WorkloadAlertsInput[];
  /** Which side's rules the PrometheusRule holds. @default ['cluster']: KEDA and kube-state-metrics series */
  readonly sides?: readonly AlertSide[];
  /** Extra labels on the PrometheusRule, for the operator's ruleSelector. @default none */
  readonly ruleLabels?: Readonly<Record<string, string>>;
}

/**
 * A PrometheusRule with one group per workload (`apsaramq-keda.<env>.<workload>`), the rules workloadAlertRules
 * derives from each workload's spec; the Prometheus Operator (kube-prometheus-stack) loads it.
 */
export class AlertRules extends Construct {
  /** The PrometheusRule object. */
  readonly prometheusRule: ApiObject;
  /** Rules in the PrometheusRule, in order. */
  readonly ruleCount: number;

  constructor(scope: Construct, id: string, props: AlertRulesProps) {
    super(scope, id);
    const sides = props.sides ?? ['cluster'];
    const groups = validateAlertRulesProps(props).map(({ input, rules }) => ({
      name: `apsaramq-keda.${props.environment}.${input.workload}`,
      rules: rules
        .filter((r) => sides.includes(r.side))
        .map((r) => toPrometheusRule(r, alertLabels(input, r.severity))),
    }));
    this.ruleCount = groups.reduce((n, g) => n + g.rules.length, 0);
    this.prometheusRule = new ApiObject(this, 'prometheus-rule', {
      apiVersion: PROMETHEUS_RULE_API_VERSION,
      kind: PROMETHEUS_RULE_KIND,
      metadata: {
        name: props.name,
        labels: {
          ...(props.ruleLabels ?? {}),
          ...recommendedLabels({
            name: props.name,
            environment: props.environment,
            component: 'alert-rules',
            selectorScheme: props.selectorScheme,
          }),
        },
      },
      spec: { groups },
    });
  }
}

function validateAlertRulesProps(props: AlertRulesProps) {
  const check = new PropChecker('AlertRules');
  check.name('name', props.name);
  check.name('environment', props.environment);
  check.selectorScheme(props.selectorScheme);
  if (props.selectorScheme === 'instance-label') check.instanceLabel(props.name, props.environment);
  if (!Array.isArray(props.workloads) || props.workloads.length === 0)
    check.add('workloads', 'must list at least one workload');
  const seen = new Set<string>();
  const out: { input: WorkloadAlertsInput; rules: ReturnType<typeof workloadAlertRules> }[] = [];
  (props.workloads ?? []).forEach((input, i) => {
    if (seen.has(input.workload))
      check.add(`workloads[${i}].workload`, `(${JSON.stringify(input.workload)}) must be unique`);
    seen.add(input.workload);
    if (input.environment !== props.environment)
      check.add(
        `workloads[${i}].environment`,
        `(${JSON.stringify(input.environment)}) must equal environment (${JSON.stringify(props.environment)})`,
      );
    try {
      out.push({ input, rules: workloadAlertRules(input) });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      check.add(`workloads[${i}]:`, error.message);
    }
  });
  check.throwIfAny();
  return out;
}
