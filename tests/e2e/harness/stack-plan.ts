/**
 * The broker-side objects of the committed stacks, as Pulumi creates them on ApsaraMQ: topics, groups, and
 * per workload an account with exactly ConsumerAccess's grants, per producer one with ProducerAccess's.
 */
import * as crypto from 'node:crypto';
import { CONSUMER_ACL_ACTIONS } from '../../../constructs/cloud/consumer-access';
import { PRODUCER_ACL_ACTIONS } from '../../../constructs/cloud/producer-access';
import { rocketMqAccountName } from '../../../constructs/shared/names';
import type { EnvironmentSpec } from '../../../infra/config/schema';
import type { AdminPlan, TopicPlan } from './rocketmq';

export interface Account {
  readonly username: string;
  readonly password: string;
}

export interface StackPlan {
  readonly plan: AdminPlan;
  /** By `${environment}/${workload}`. */
  readonly consumers: ReadonlyMap<string, Account>;
  /** By `${environment}/${producer}`. */
  readonly producers: ReadonlyMap<string, Account>;
}

const password = (): string => `p-${crypto.randomBytes(12).toString('hex')}`;

export function stackPlan(specs: readonly EnvironmentSpec[]): StackPlan {
  const topics = new Map<string, TopicPlan>();
  const groups = new Set<string>();
  const consumers = new Map<string, Account>();
  const producers = new Map<string, Account>();
  const users: Account[] = [];
  const acls: { subject: string; resources: string[]; actions: string[] }[] = [];
  for (const spec of specs) {
    for (const t of spec.topics) topics.set(t.name, { name: t.name, messageType: t.messageType });
    for (const g of spec.consumerGroups) groups.add(g.id);
    for (const w of spec.workloads) {
      const account = { username: rocketMqAccountName(spec.name, w.name), password: password() };
      consumers.set(`${spec.name}/${w.name}`, account);
      users.push(account);
      // ConsumerAccess: one Sub grant on the topic and one on the group (constructs/cloud/consumer-access.ts).
      acls.push({
        subject: `User:${account.username}`,
        resources: [`Topic:${w.topic}`],
        actions: [...CONSUMER_ACL_ACTIONS],
      });
      acls.push({
        subject: `User:${account.username}`,
        resources: [`Group:${w.consumerGroup}`],
        actions: [...CONSUMER_ACL_ACTIONS],
      });
    }
    for (const p of spec.producers) {
      const account = { username: rocketMqAccountName(spec.name, p.name), password: password() };
      producers.set(`${spec.name}/${p.name}`, account);
      users.push(account);
      acls.push({
        subject: `User:${account.username}`,
        resources: [`Topic:${p.topic}`],
        actions: [...PRODUCER_ACL_ACTIONS],
      });
    }
  }
  return {
    plan: { topics: [...topics.values()], groups: [...groups].map((name) => ({ name })), users, acls },
    consumers,
    producers,
  };
}
