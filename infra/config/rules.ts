/** Rules that span fields of a stack file, checked once every field has its own shape. */
import { serverlessCapacity, thresholdFor } from '../../constructs/scaling';
import { rocketMqAccountName } from '../../constructs/shared';
import { cidrContains } from './cidr';
import { stackInstanceTps } from './instance-tps';
import type { Violation } from './errors';
import { MONITORING_FILE_NAMES } from './alert-targets';
import {
  ACL_USERNAME_MAX_LENGTH,
  AUTO_RENEW_PERIODS,
  LOAD_BALANCING_BY_SDK,
  MSG_PROCESS_SPECS,
  NAME_MAX_LENGTH,
  OPEN_ALLOWLIST_ENTRY,
  PERIOD_RANGES,
  PINNED_ACK_KEDA_VERSION,
  RESERVED_TRIGGER_NAMES,
  RETRY_POLICY_FOR_ORDER,
  SERVERLESS_COMMODITY_CODE,
  SERVERLESS_TOPIC_NAME_MAX_LENGTH,
} from './limits';
import { type CreateInstanceSpec, isExistingInstance, isServerless, type RawSpec } from './schema';
import type { SelfManagedRawSpec } from './self-managed';
import { scheduleReplicas } from './workload-schedules';

/** Rules that span fields: run only once every field has its own shape right. */
export function crossFieldViolations(spec: RawSpec | SelfManagedRawSpec, environment = ''): Violation[] {
  const out: Violation[] = [];
  const add = (path: readonly PropertyKey[], message: string) => out.push({ path, message });
  // A self-managed broker (issue 27) has no instance: none of the instance's rules apply.
  const serverless = spec.broker === 'apsaramq' && isServerless(spec.instance);
  const topicsByName = new Map(spec.topics.map((t) => [t.name, t]));
  const groupsById = new Map(spec.consumerGroups.map((g) => [g.id, g]));

  if (spec.broker === 'apsaramq' && !isExistingInstance(spec.instance)) {
    const instance = spec.instance;
    if (serverless && instance.network.vSwitchIds.length < 2) {
      // Source: @pulumi/alicloud RocketMQInstanceNetworkInfoVpcInfo.vswitches ("at least two ... serverless").
      add(
        ['instance', 'network', 'vSwitchIds'],
        `has ${instance.network.vSwitchIds.length} entry; a serverless instance needs at least 2 vSwitches`,
      );
    }
    if (instance.serverlessCapacity !== undefined && !serverless) {
      add(['instance', 'serverlessCapacity'], 'applies to serverless instances only');
    }
    const capacity = instance.serverlessCapacity;
    if (
      capacity !== undefined &&
      capacity.mode !== 'shared-cumulative' &&
      capacity.reservedTps === undefined
    ) {
      add(['instance', 'serverlessCapacity', 'reservedTps'], `is required for mode ${capacity.mode}`);
    } else if (capacity !== undefined && serverless) {
      // The limit is the instance's: every workload's receives and every topic's sends count together. Above
      // the lossless TPS the plan warns (throttling); above the maximum requests are refused, which no
      // autoscaler fixes.
      const tps = stackInstanceTps(spec);
      const { maxThrottleTps } = serverlessCapacity(capacity);
      if (tps.totalTps > maxThrottleTps) {
        add(
          ['instance', 'serverlessCapacity'],
          `(${capacity.mode}${capacity.reservedTps === undefined ? '' : `, reservedTps ${capacity.reservedTps}`}) serves at most ${maxThrottleTps} TPS, but the instance-wide peak is ${tps.totalTps} TPS (sends ${tps.sendTps} + receives ${tps.receiveTps}: every workload at maxReplicas, every topic at its maxSendTps or its busiest consumer); lower maxReplicas or raise reservedTps`,
        );
      }
    }
    const internet = instance.network.internet;
    if (internet.enabled && internet.bandwidthMbps === undefined) {
      add(['instance', 'network', 'internet', 'bandwidthMbps'], 'is required when internet is enabled');
    }
    if (!internet.enabled && internet.bandwidthMbps !== undefined) {
      add(['instance', 'network', 'internet'], 'bandwidthMbps needs enabled: true');
    }
    out.push(...seriesViolations(instance), ...billingViolations(instance), ...allowlistViolations(instance));
  }

  spec.workloads.forEach((w, i) => {
    const username = rocketMqAccountName(environment, w.name);
    if (username.length > ACL_USERNAME_MAX_LENGTH) {
      add(
        ['workloads', i, 'name'],
        `gives the ACL username "${username}" of ${username.length} characters; at most ${ACL_USERNAME_MAX_LENGTH}`,
      );
    }
  });

  const topicMax = serverless ? SERVERLESS_TOPIC_NAME_MAX_LENGTH : NAME_MAX_LENGTH;
  const seenTopics = new Set<string>();
  spec.topics.forEach((topic, i) => {
    if (topic.name.length > topicMax) {
      add(['topics', i, 'name'], `is ${topic.name.length} characters; at most ${topicMax} on this instance`);
    }
    if (seenTopics.has(topic.name)) add(['topics', i, 'name'], `"${topic.name}" is declared twice`);
    seenTopics.add(topic.name);
  });

  const seenGroups = new Set<string>();
  spec.consumerGroups.forEach((group, i) => {
    if (seenGroups.has(group.id)) add(['consumerGroups', i, 'id'], `"${group.id}" is declared twice`);
    seenGroups.add(group.id);
    const expected = RETRY_POLICY_FOR_ORDER[group.deliveryOrderType];
    if (group.retryPolicy !== undefined && group.retryPolicy !== expected) {
      add(
        ['consumerGroups', i, 'retryPolicy'],
        `${group.retryPolicy} does not match deliveryOrderType ${group.deliveryOrderType}; use ${expected}`,
      );
    }
    if (group.deadLetterTopic !== undefined && !topicsByName.has(group.deadLetterTopic)) {
      add(['consumerGroups', i, 'deadLetterTopic'], `"${group.deadLetterTopic}" is not one of topics[].name`);
    }
  });

  // A producer's account and Secret are named like a workload's (rocketMqAccountName, rocketMqCredentialsSecretName).
  const credentialNames = new Set(spec.workloads.map((w) => w.name));
  const seenProducers = new Set<string>();
  spec.producers.forEach((p, i) => {
    if (seenProducers.has(p.name)) add(['producers', i, 'name'], `"${p.name}" is declared twice`);
    else if (credentialNames.has(p.name)) {
      add(
        ['producers', i, 'name'],
        `"${p.name}" is also a workload name; their accounts and Secrets would collide`,
      );
    }
    seenProducers.add(p.name);
    if (!topicsByName.has(p.topic))
      add(['producers', i, 'topic'], `"${p.topic}" is not one of topics[].name`);
  });

  const seenWorkloads = new Set<string>();
  spec.workloads.forEach((w, i) => {
    const at = (field: string): PropertyKey[] => ['workloads', i, field];
    if (seenWorkloads.has(w.name)) add(at('name'), `"${w.name}" is declared twice`);
    seenWorkloads.add(w.name);
    if ((MONITORING_FILE_NAMES as readonly string[]).includes(w.name))
      add(at('name'), `"${w.name}" is the name of the environment's ${w.name}.yaml monitoring file in dist/`);
    const topic = topicsByName.get(w.topic);
    const group = groupsById.get(w.consumerGroup);
    if (topic === undefined) add(at('topic'), `"${w.topic}" is not one of topics[].name`);
    if (group === undefined)
      add(at('consumerGroup'), `"${w.consumerGroup}" is not one of consumerGroups[].id`);
    if (topic !== undefined && group !== undefined) {
      if (group.deliveryOrderType === 'Orderly' && topic.messageType !== 'FIFO') {
        add(
          at('consumerGroup'),
          `Orderly group "${group.id}" must consume a FIFO topic, not ${topic.messageType}`,
        );
      }
    }
    if (w.minReplicas > w.maxReplicas) {
      add(at('minReplicas'), `(${w.minReplicas}) must be <= maxReplicas (${w.maxReplicas})`);
    }
    if (w.loadBalancing === 'queue') {
      if (w.queueCount === undefined) {
        add(
          at('queueCount'),
          `is required for queue-based consumers (loadBalancing: queue is ${LOAD_BALANCING_BY_SDK.queue})`,
        );
      } else if (w.maxReplicas > w.queueCount) {
        add(
          at('maxReplicas'),
          `(${w.maxReplicas}) must be <= queueCount (${w.queueCount}) for queue-based consumers`,
        );
      }
    } else if (w.queueCount !== undefined) {
      add(
        at('queueCount'),
        `applies to queue-based consumers only (loadBalancing: queue); message-based balancing is ${LOAD_BALANCING_BY_SDK.message}`,
      );
    }
    if (w.idleReplicaCount !== undefined && w.idleReplicaCount >= w.minReplicas) {
      // Source: KEDA ScaledObject validation: idleReplicaCount must be lower than minReplicaCount.
      add(at('idleReplicaCount'), `(${w.idleReplicaCount}) must be < minReplicas (${w.minReplicas})`);
    } else if (w.idleReplicaCount !== undefined && w.idleReplicaCount !== 0) {
      // KEDA v2.17.2 scale_scaledobjects.go scaleToZeroOrIdle writes idle; the HPA's minReplicas is
      // minReplicaCount, so horizontal.go reconcileAutoscaler restores it; only 0 stops the HPA (replicas 0).
      add(
        at('idleReplicaCount'),
        `(${w.idleReplicaCount}) must be 0 or absent: KEDA would scale the idle workload to ${w.idleReplicaCount} and the HPA raise it back to minReplicas (${w.minReplicas}) at its next sync, killing and restarting pods every polling interval`,
      );
    }
    if (w.minReplicas === 0 && w.scaling.activationThreshold > 0) {
      // KEDA activates only when the backlog is above activationThreshold (prometheus_scaler.go
      // GetMetricsAndActivity: value > activationThreshold), so at zero replicas that many messages wait forever.
      add(
        ['workloads', i, 'scaling', 'activationThreshold'],
        `(${w.scaling.activationThreshold}) must be 0 when minReplicas is 0: with no consumer running, up to ${w.scaling.activationThreshold} messages would wait forever`,
      );
    }
    if (w.minReplicas > 0 && w.idleReplicaCount === 0) {
      // The backlog query's stand-in reads threshold when the group has no series (constructs/shared/promql.ts
      // whenGroupAbsent), and KEDA activates on value > activationThreshold (prometheus_scaler.go). A queue
      // clamp is at least threshold, so this also keeps activation below the clamp.
      const threshold = w.scaling.threshold ?? thresholdFor(w);
      if (w.scaling.activationThreshold >= threshold) {
        add(
          ['workloads', i, 'scaling', 'activationThreshold'],
          `(${w.scaling.activationThreshold}) must be < threshold (${threshold}) with idleReplicaCount 0: with no consumer online the backlog query reads threshold when a message arrived, so KEDA could never wake the workload`,
        );
      }
    }
    const demand = w.scaling.scaleOnDemand;
    if (demand !== undefined) {
      // One trigger counts both: a second one on the arrival rate would count it twice.
      if (w.scaling.scaleOnArrivalRate !== undefined)
        add(
          ['workloads', i, 'scaling', 'scaleOnArrivalRate'],
          'must be unset with scaleOnDemand: the demand trigger already counts the arrival rate',
        );
      if (w.scaling.activationThreshold !== 0)
        add(
          ['workloads', i, 'scaling', 'activationThreshold'],
          `(${w.scaling.activationThreshold}) must be 0 with scaleOnDemand: any arrival is demand, and the threshold is in messages while the demand is in pods`,
        );
      if (demand.drainSeconds !== undefined && demand.drainSeconds > w.targetDrainSeconds)
        add(
          ['workloads', i, 'scaling', 'scaleOnDemand', 'drainSeconds'],
          `(${demand.drainSeconds}) must be <= targetDrainSeconds (${w.targetDrainSeconds})`,
        );
    }
    const fallback = w.scaling.fallback;
    if (fallback !== false && fallback.replicas !== undefined) {
      if (fallback.replicas < Math.max(w.minReplicas, 1) || fallback.replicas > w.maxReplicas) {
        add(
          ['workloads', i, 'scaling', 'fallback', 'replicas'],
          `(${fallback.replicas}) must be within [max(minReplicas, 1), maxReplicas] = [${Math.max(w.minReplicas, 1)}, ${w.maxReplicas}]`,
        );
      }
    }
    out.push(...scheduleViolations(w, i));
  });
  if (spec.kubernetes.ackClusterId !== undefined && spec.kubernetes.kedaAddonVersion === undefined) {
    add(
      ['kubernetes', 'kedaAddonVersion'],
      `is required with ackClusterId: pin the ack-keda version (${PINNED_ACK_KEDA_VERSION}) so the manifests match the KEDA it ships`,
    );
  }
  const broker = spec.alerts.broker;
  if (
    spec.broker === 'apsaramq' &&
    broker.enabled === true &&
    broker.armsPrometheusId === undefined &&
    spec.prometheus.instanceId === undefined
  ) {
    add(
      ['alerts', 'broker', 'enabled'],
      'is true, but there is no ARMS Prometheus instance to put the rules on: set alerts.broker.armsPrometheusId (or prometheus.instanceId), or set enabled: false and say why in a comment',
    );
  }
  return out;
}

/** A workload's scheduled events: unique trigger names, and replicas that change something within the bounds. */
function scheduleViolations(w: RawSpec['workloads'][number], i: number): Violation[] {
  const out: Violation[] = [];
  const seen = new Set<string>();
  (w.scaling.schedules ?? []).forEach((s, j) => {
    const path = ['workloads', i, 'scaling', 'schedules', j];
    if ((RESERVED_TRIGGER_NAMES as readonly string[]).includes(s.name)) {
      out.push({
        path: [...path, 'name'],
        message: `("${s.name}") is the name of the ${s.name} trigger; use another`,
      });
    } else if (seen.has(s.name)) {
      // Source: kedacore/keda apis/keda/v1alpha1/scaletriggers_types.go ValidateTriggers (unique trigger names).
      out.push({
        path: [...path, 'name'],
        message: `("${s.name}") is declared twice: trigger names must be unique`,
      });
    }
    seen.add(s.name);
    const replicas = scheduleReplicas(w, s);
    const field = s.desiredReplicas !== undefined ? 'desiredReplicas' : 'expectedMessagesPerSecond';
    const shown =
      s.desiredReplicas !== undefined
        ? `(${replicas})`
        : `(${s.expectedMessagesPerSecond}, ceil(${s.expectedMessagesPerSecond} / ${w.messagesPerSecondPerPod}) = ${replicas} replicas)`;
    if (replicas > w.maxReplicas) {
      // The HPA never goes above maxReplicaCount: the peak would get fewer pods than planned.
      out.push({ path: [...path, field], message: `${shown} must be <= maxReplicas (${w.maxReplicas})` });
    } else if (replicas <= w.minReplicas) {
      out.push({
        path: [...path, field],
        message: `${shown} must be > minReplicas (${w.minReplicas}): the HPA takes the larger proposal, so it would change nothing`,
      });
    }
  });
  return out;
}

const at = (...path: PropertyKey[]): PropertyKey[] => ['instance', ...path];

/** The series, sub-series and spec of a new instance, as the service accepts them. */
function seriesViolations(instance: CreateInstanceSpec): Violation[] {
  const out: Violation[] = [];
  const { seriesCode, subSeriesCode, msgProcessSpec } = instance;
  if (subSeriesCode === 'single_node') {
    // Source: resource_alicloud_rocketmq_instance_test.go SkipTestAccAliCloudRocketmqInstance_basic7144 ("From
    // November 9th, 2024 Beijing time, the RocketMQ version 5.x cannot create single node instances").
    out.push({
      path: at('subSeriesCode'),
      message:
        '(single_node): ApsaraMQ for RocketMQ 5.x no longer creates single-node instances (since 2024-11-09); use cluster_ha or serverless',
    });
    return out;
  }
  if (subSeriesCode === 'serverless' && seriesCode !== 'standard') {
    // Source: RocketMQ API CreateInstance subSeriesCode ("If you set the primary series to ultimate ... only
    // cluster_ha"); the provider's only serverless acceptance test (basic6747) is standard.
    out.push({
      path: at('subSeriesCode'),
      message: `(serverless) is offered for the standard series only, not ${seriesCode}`,
    });
    return out;
  }
  const family = MSG_PROCESS_SPECS[`${seriesCode}/${subSeriesCode}`];
  if (family !== undefined && !family.pattern.test(msgProcessSpec)) {
    out.push({
      path: at('msgProcessSpec'),
      message: `(${msgProcessSpec}) is not a spec of ${seriesCode} ${subSeriesCode} instances: it must match ${family.pattern.source}, e.g. ${family.example}`,
    });
  }
  if (subSeriesCode === 'serverless' && instance.paymentType !== 'PayAsYouGo') {
    out.push({
      path: at('paymentType'),
      message: `(${instance.paymentType}): serverless instances are pay-as-you-go only (commodity code ${SERVERLESS_COMMODITY_CODE})`,
    });
  }
  return out;
}

/** Subscription length and auto-renewal. */
function billingViolations(instance: CreateInstanceSpec): Violation[] {
  const out: Violation[] = [];
  const add = (path: PropertyKey[], message: string) => out.push({ path, message });
  const subscription = instance.paymentType === 'Subscription';
  if (subscription && instance.period === undefined)
    add(at('period'), 'is required when paymentType is Subscription');
  if (!subscription && instance.period !== undefined) add(at('period'), 'applies to Subscription only');
  if (instance.period !== undefined && instance.periodUnit === undefined) {
    add(at('periodUnit'), 'is required with period (Month: 1-6, Year: 1-3)');
  }
  if (instance.period === undefined && instance.periodUnit !== undefined)
    add(at('periodUnit'), 'applies with period only');
  if (instance.period !== undefined && instance.periodUnit !== undefined) {
    const [min, max] = PERIOD_RANGES[instance.periodUnit];
    if (instance.period < min || instance.period > max) {
      add(
        at('period'),
        `(${instance.period}) must be within [${min}, ${max}] for periodUnit ${instance.periodUnit}`,
      );
    }
  }
  if (!subscription && instance.autoRenew !== undefined) add(at('autoRenew'), 'applies to Subscription only');
  const renewal = 'is required when autoRenew is true (BSS SetRenewal needs the period and its unit)';
  if (subscription && instance.autoRenew === true) {
    // Source: resource_alicloud_rocketmq_instance.go resourceAliCloudRocketmqInstanceUpdate (SetRenewal with
    // RenewalPeriod from auto_renew_period and RenewalPeriodUnit from auto_renew_period_unit).
    if (instance.autoRenewPeriod === undefined) add(at('autoRenewPeriod'), renewal);
    if (instance.autoRenewPeriodUnit === undefined) add(at('autoRenewPeriodUnit'), renewal);
  } else if (subscription) {
    if (instance.autoRenewPeriod !== undefined) add(at('autoRenewPeriod'), 'applies when autoRenew is true');
    if (instance.autoRenewPeriodUnit !== undefined)
      add(at('autoRenewPeriodUnit'), 'applies when autoRenew is true');
  } else {
    // Like autoRenew itself: nothing renews a pay-as-you-go instance, so the settings would pass unread.
    if (instance.autoRenewPeriod !== undefined) add(at('autoRenewPeriod'), 'applies to Subscription only');
    if (instance.autoRenewPeriodUnit !== undefined)
      add(at('autoRenewPeriodUnit'), 'applies to Subscription only');
  }
  const period = instance.autoRenewPeriod;
  if (period !== undefined && !(AUTO_RENEW_PERIODS as readonly number[]).includes(period)) {
    add(at('autoRenewPeriod'), `(${period}) must be one of ${AUTO_RENEW_PERIODS.join(', ')}`);
  }
  return out;
}

/**
 * The instance-wide allowlist: it admits every address until set, applies to VPC clients too, so it must
 * hold the CIDR blocks the consumers connect from. Source: resource_alicloud_rocketmq_instance.go
 * schema ip_whitelists (instance level, Optional + Computed) and the service's "Configure IP address whitelists".
 */
function allowlistViolations(instance: CreateInstanceSpec): Violation[] {
  const out: Violation[] = [];
  const network = instance.network;
  const allowlist = network.ipAllowlist;
  if (network.internet.enabled && allowlist === undefined) {
    out.push({
      path: at('network', 'ipAllowlist'),
      message: `is required when internet is enabled: the instance-wide allowlist starts as ${OPEN_ALLOWLIST_ENTRY}, so the public endpoint would accept every address`,
    });
  }
  if (allowlist === undefined) {
    if (network.clientCidrs !== undefined) {
      out.push({ path: at('network', 'clientCidrs'), message: 'applies with ipAllowlist only' });
    }
    return out;
  }
  allowlist.forEach((entry, i) => {
    if (entry === OPEN_ALLOWLIST_ENTRY) {
      out.push({
        path: at('network', 'ipAllowlist', i),
        message: `(${entry}) admits every address; list the CIDR blocks that need access`,
      });
    }
  });
  if (network.clientCidrs === undefined) {
    out.push({
      path: at('network', 'clientCidrs'),
      message:
        'is required with ipAllowlist: the allowlist applies to VPC clients too, so list the vSwitch (and pod) CIDR blocks the ACK consumers connect from',
    });
    return out;
  }
  network.clientCidrs.forEach((client, i) => {
    if (!allowlist.some((entry) => cidrContains(entry, client))) {
      out.push({
        path: at('network', 'clientCidrs', i),
        message: `(${client}) is not inside any instance.network.ipAllowlist entry, so those consumers would be locked out`,
      });
    }
  });
  return out;
}
