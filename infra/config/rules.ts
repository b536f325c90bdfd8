/** Rules that span fields of a stack file, checked once every field has its own shape. */
import type { Violation } from './errors';
import {
  LOAD_BALANCING_BY_SDK,
  NAME_MAX_LENGTH,
  RETRY_POLICY_FOR_ORDER,
  SERVERLESS_TOPIC_NAME_MAX_LENGTH,
} from './limits';
import { isExistingInstance, isServerless, type RawSpec } from './schema';

/** Rules that span fields: run only once every field has its own shape right. */
export function crossFieldViolations(spec: RawSpec): Violation[] {
  const out: Violation[] = [];
  const add = (path: readonly PropertyKey[], message: string) => out.push({ path, message });
  const serverless = isServerless(spec.instance);
  const topicsByName = new Map(spec.topics.map((t) => [t.name, t]));
  const groupsById = new Map(spec.consumerGroups.map((g) => [g.id, g]));

  if (!isExistingInstance(spec.instance)) {
    const instance = spec.instance;
    if (serverless && instance.network.vSwitchIds.length < 2) {
      // Source: @pulumi/alicloud RocketMQInstanceNetworkInfoVpcInfo.vswitches ("at least two ... serverless").
      add(
        ['instance', 'network', 'vSwitchIds'],
        `has ${instance.network.vSwitchIds.length} entry; a serverless instance needs at least 2 vSwitches`,
      );
    }
    if (instance.subSeriesCode === 'serverless' && instance.seriesCode === 'professional') {
      add(['instance', 'subSeriesCode'], 'serverless is offered for the standard and ultimate series only');
    }
    if (instance.seriesCode === 'ultimate' && instance.subSeriesCode === 'single_node') {
      // Source: @pulumi/alicloud RocketMQInstance.subSeriesCode ("ultimate ... can only be cluster_ha").
      add(['instance', 'subSeriesCode'], 'the ultimate series is cluster_ha (or serverless) only');
    }
    if (instance.paymentType === 'Subscription' && instance.period === undefined) {
      add(['instance', 'period'], 'is required when paymentType is Subscription');
    }
    if (instance.paymentType === 'PayAsYouGo' && instance.period !== undefined) {
      add(['instance', 'period'], 'applies to Subscription only');
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
    }
    const internet = instance.network.internet;
    if (internet.enabled && internet.bandwidthMbps === undefined) {
      add(['instance', 'network', 'internet', 'bandwidthMbps'], 'is required when internet is enabled');
    }
    if (!internet.enabled && (internet.bandwidthMbps !== undefined || internet.ipWhitelist !== undefined)) {
      add(['instance', 'network', 'internet'], 'bandwidthMbps and ipWhitelist need enabled: true');
    }
  }

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

  const seenWorkloads = new Set<string>();
  spec.workloads.forEach((w, i) => {
    const at = (field: string): PropertyKey[] => ['workloads', i, field];
    if (seenWorkloads.has(w.name)) add(at('name'), `"${w.name}" is declared twice`);
    seenWorkloads.add(w.name);
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
  });
  return out;
}
