/**
 * The instance-wide peak TPS of a stack (infra/config/instance-tps.ts), worked out by hand on dev: one workload,
 * order-fulfilment (topic orders, maxReplicas 5, 20 msg/s per pod), and the topics orders and orders-dlq
 * (no maxSendTps, and nobody reads orders-dlq).
 */
import { loadEnvironment } from '../../infra/config/environment';
import { stackInstanceTps, workloadReceiveTps } from '../../infra/config/instance-tps';
import { section, violationsOf } from './helpers';

const dev = loadEnvironment('dev');
const fulfilment = dev.workloads[0];

describe('workloadReceiveTps: min(maxReplicas, the queues a queue-based consumer can use) × rate', () => {
  test.each<[string, Partial<typeof fulfilment>, number]>([
    ['message-based: 5 × 20', {}, 100],
    // A queue count is ignored without queue-based balancing.
    ['message-based with a queue count: still 5 × 20', { queueCount: 2 }, 100],
    ['queue-based, 2 queues: min(5, 2) × 20', { loadBalancing: 'queue', queueCount: 2 }, 40],
    ['queue-based, 8 queues: min(5, 8) × 20', { loadBalancing: 'queue', queueCount: 8 }, 100],
    ['queue-based without a queue count: min(5, 5) × 20', { loadBalancing: 'queue' }, 100],
  ])('%s = %i', (_title, change, tps) => {
    expect(workloadReceiveTps({ ...fulfilment, ...change })).toBe(tps);
  });
});

describe('stackInstanceTps', () => {
  test('receives 100; sends: orders as its busiest consumer (100), orders-dlq 0 (no reader)', () => {
    expect(stackInstanceTps(dev)).toEqual({ sendTps: 100, receiveTps: 100, totalTps: 200 });
  });

  test("a topic's maxSendTps replaces its busiest consumer: orders 70 + orders-dlq 0", () => {
    const topics = [{ ...dev.topics[0], maxSendTps: 70 }, dev.topics[1]];
    expect(stackInstanceTps({ ...dev, topics })).toEqual({ sendTps: 70, receiveTps: 100, totalTps: 170 });
  });

  test('sends given per topic override both: orders 40, orders-dlq 7', () => {
    expect(stackInstanceTps(dev, { orders: 40, 'orders-dlq': 7 })).toEqual({
      sendTps: 47,
      receiveTps: 100,
      totalTps: 147,
    });
  });
});

describe('the serverless limit with a reserved TPS (shared-reserved: at most min(300000, 10 × reservedTps))', () => {
  const reserved = (rate: number) =>
    violationsOf('dev', (c) => {
      section(c, 'instance').serverlessCapacity = { mode: 'shared-reserved', reservedTps: 50 };
      section(c, 'workloads')[0].messagesPerSecondPerPod = rate;
    });

  test('60 msg/s per pod: 5 × 60 = 300 received, 300 sent on orders, 600 > 10 × 50 = 500', () => {
    expect(reserved(60)).toEqual([
      'instance.serverlessCapacity (shared-reserved, reservedTps 50) serves at most 500 TPS, but the instance-wide peak is 600 TPS (sends 300 + receives 300: every workload at maxReplicas, every topic at its maxSendTps or its busiest consumer); lower maxReplicas or raise reservedTps',
    ]);
  });

  test('50 msg/s per pod: 250 + 250 = 500, exactly the maximum, is accepted', () => {
    expect(reserved(50)).toEqual([]);
  });
});

describe('the serverless limit applies to a serverless instance with a capacity only', () => {
  test('a serverless instance without serverlessCapacity is accepted (the limit is unknown)', () => {
    expect(violationsOf('dev', (c) => delete section(c, 'instance').serverlessCapacity)).toEqual([]);
  });

  test('a cluster instance given a capacity is told it does not apply, not held to 300000 TPS', () => {
    // staging order-fulfilment: 10 × 40000 = 400000 received, far above shared-cumulative's 300000.
    expect(
      violationsOf('staging', (c) => {
        section(c, 'instance').serverlessCapacity = { mode: 'shared-cumulative' };
        section(c, 'workloads')[0].messagesPerSecondPerPod = 40_000;
      }),
    ).toEqual(['instance.serverlessCapacity applies to serverless instances only']);
  });
});
