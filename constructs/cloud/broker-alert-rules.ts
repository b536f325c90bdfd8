import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import { type AlertRule, alertLabels, workloadAlertRules, type WorkloadAlertsInput } from '../shared/alerts';
import { assertNoViolations } from './invalid-args-error';

/**
 * How a rule notifies. Source: aliyun/terraform-provider-alicloud v1.294.0 (the bridged release; line numbers
 * of v1.289.0, unchanged since: tests/pulumi/provider-contract.ts)
 * alicloud/resource_alicloud_arms_prometheus_alert_rule.go:89 (notify_type StringInSlice ALERT_MANAGER,
 * DISPATCH_RULE; dispatch_rule_id is used only with DISPATCH_RULE, :45-53).
 */
export const ARMS_NOTIFY_TYPES = ['ALERT_MANAGER', 'DISPATCH_RULE'] as const;

/** Arguments of BrokerAlertRules. */
export interface BrokerAlertRulesArgs {
  /** ARMS Prometheus instance (the provider's cluster_id) that holds the RocketMQ metrics and evaluates the rules. */
  readonly armsPrometheusId: string;
  /** The RocketMQ instance the metrics are selected by (instance_id label); known only after it is created. */
  readonly instanceId: pulumi.Input<string>;
  /** The workloads, as their ScaledObjects are built; their instanceId is replaced by `instanceId`. */
  readonly workloads: readonly Omit<WorkloadAlertsInput, 'instanceId' | 'brokerCluster'>[];
  /** ARMS notification policy id: the rules notify through it. @default none: ARMS' Alertmanager (ALERT_MANAGER) */
  readonly dispatchRuleId?: string;
}

/** An ARMS rule's duration: whole minutes, at least 1 (the provider's acceptance test sends "1"). */
export function armsDurationMinutes(forSeconds: number): string {
  return String(Math.max(1, Math.ceil(forSeconds / 60)));
}

/** Every violation of the arguments, each naming its field; empty when valid. */
export function brokerAlertRulesViolations(args: BrokerAlertRulesArgs): string[] {
  const out: string[] = [];
  if (typeof args.armsPrometheusId !== 'string' || args.armsPrometheusId.trim() === '')
    out.push('armsPrometheusId must be a non-empty string');
  if (args.dispatchRuleId !== undefined && args.dispatchRuleId.trim() === '')
    out.push('dispatchRuleId must not be empty');
  if (args.workloads.length === 0) out.push('workloads must list at least one workload');
  const seen = new Set<string>();
  args.workloads.forEach((w, i) => {
    if (seen.has(w.workload))
      out.push(`workloads[${i}].workload (${JSON.stringify(w.workload)}) must be unique`);
    seen.add(w.workload);
    try {
      // The instance id only fills label values; any non-empty stand-in checks the numbers.
      workloadAlertRules({ ...w, instanceId: 'check' });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      out.push(`workloads[${i}]: ${error.message}`);
    }
  });
  return out;
}

/** kebab-case of a rule name, for resource names: RocketMQDeadLetters -> rocketmq-dead-letters. */
function kebab(alert: string): string {
  return alert
    .replace(/RocketMQ/g, 'Rocketmq')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

/**
 * The broker-side rules of every workload (backlog beyond capacity, consumption delay, dead letters, nobody
 * consuming) as ARMS Prometheus alert rules, one `<name>-<workload>-<rule>` resource each. Their thresholds and
 * expressions are workloadAlertRules', the PrometheusRule's source.
 */
export class BrokerAlertRules extends pulumi.ComponentResource {
  /** The created rules by `<workload>/<alert>`, for outputs and tests. */
  readonly rules: Readonly<Record<string, alicloud.arms.PrometheusAlertRule>>;

  constructor(name: string, args: BrokerAlertRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    assertNoViolations('BrokerAlertRules', name, brokerAlertRulesViolations(args));
    super('apsaramq-keda:cloud:BrokerAlertRules', name, {}, opts);
    const instanceId = pulumi.output(args.instanceId);
    const rules: Record<string, alicloud.arms.PrometheusAlertRule> = {};
    for (const w of args.workloads) {
      // The rule set does not depend on the instance id (only label values do), so the resources are known now
      // and only each expression waits for the id.
      const shape = workloadAlertRules({ ...w, instanceId: 'check' }).filter((r) => r.side === 'broker');
      shape.forEach((rule: AlertRule, k) => {
        const labels = alertLabels({ ...w }, rule.severity);
        rules[`${w.workload}/${rule.alert}`] = new alicloud.arms.PrometheusAlertRule(
          `${name}-${w.workload}-${kebab(rule.alert)}`,
          {
            clusterId: args.armsPrometheusId,
            prometheusAlertRuleName: `${w.environment}-${w.workload}-${rule.alert}`,
            expression: instanceId.apply((id) => {
              const built = workloadAlertRules({ ...w, instanceId: id }).filter((r) => r.side === 'broker')[
                k
              ];
              if (built === undefined) throw new Error(`${name}: no broker rule ${k} for ${w.workload}`);
              return built.expr;
            }),
            duration: armsDurationMinutes(rule.forSeconds),
            message: `${rule.summary}. ${rule.runbook}`,
            labels: Object.entries(labels).map(([n, value]) => ({ name: n, value })),
            annotations: [
              { name: 'summary', value: rule.summary },
              { name: 'description', value: rule.description },
              { name: 'runbook', value: rule.runbook },
            ],
            notifyType: args.dispatchRuleId === undefined ? 'ALERT_MANAGER' : 'DISPATCH_RULE',
            ...(args.dispatchRuleId !== undefined && { dispatchRuleId: args.dispatchRuleId }),
          },
          { parent: this },
        );
      });
    }
    this.rules = rules;
    this.registerOutputs({});
  }
}
