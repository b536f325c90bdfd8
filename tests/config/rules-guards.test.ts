/**
 * Cross-field rules (infra/config/rules.ts) where one rule must stay quiet because another field is what is
 * wrong: each case is a committed stack broken in one place, refused with exactly the violations written here.
 */
import { section, violationsOf } from './helpers';

const workload = (c: Record<string, unknown>, i: number) => section(c, 'workloads')[i];

test('an unknown topic under an Orderly group: only the topic is named (no FIFO check without a topic)', () => {
  // prod workloads[2] payment-ledger consumes with the Orderly group payment-ledger.
  expect(violationsOf('prod', (c) => (workload(c, 2).topic = 'nope'))).toEqual([
    'workloads[2].topic "nope" is not one of topics[].name',
  ]);
});

test('a message-based workload with a queue count that sleeps at idle 0: the stray queue count and the activation above the stand-in are both named', () => {
  // staging workloads[0] order-fulfilment: message-based, minReplicas 1, on the backlog trigger here (its
  // committed demand trigger taken out). Asleep at idle 0 the query's stand-in reads the threshold (100), so an
  // activation threshold of 100 never wakes it, queue count or not.
  expect(
    violationsOf('staging', (c) => {
      const w = workload(c, 0);
      delete w.scaling.scaleOnDemand;
      Object.assign(w, { queueCount: 2, idleReplicaCount: 0 });
      Object.assign(w.scaling, { threshold: 100, activationThreshold: 100 });
    }),
  ).toEqual([
    'workloads[0].queueCount applies to queue-based consumers only (loadBalancing: queue); message-based balancing is Apache RocketMQ 5.x gRPC SDKs; Alibaba TCP Java SDK 2.x.x.Final and later; Alibaba TCP C++ SDK 3.x (some regions offer no message-based Java TCP SDK: check yours)',
    'workloads[0].scaling.activationThreshold (100) must be < threshold (100) with idleReplicaCount 0: with no consumer online the backlog query reads threshold when a message arrived, so KEDA could never wake the workload',
  ]);
});

describe('auto-renewal settings on a pay-as-you-go instance (nothing renews it) are refused', () => {
  // dev is PayAsYouGo; 12 and Month are values the provider accepts (AUTO_RENEW_PERIODS, PERIOD_UNITS).
  test.each([
    ['autoRenewPeriod', 12],
    ['autoRenewPeriodUnit', 'Month'],
  ])('%s', (field, value) => {
    expect(violationsOf('dev', (c) => (section(c, 'instance')[field] = value))).toEqual([
      `instance.${field} applies to Subscription only`,
    ]);
  });
});
