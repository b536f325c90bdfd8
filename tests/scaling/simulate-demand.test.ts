import { simulate, type SimulationInput } from '../../constructs/scaling';

// The demand trigger, worked by hand from its query: (rate(arrivals[1m]) + backlog / drainSeconds) / per-replica
// rate, target 1 (constructs/shared/promql.ts demandQuery). 10 msg/s per replica, drain 10 s; the metric read
// without staleness; 50 msg/s arriving since before t = 0 (so the 1-minute rate reads 50 from the start) and
// 300 messages waiting at t = 0. The HPA's first sync, at t = 0, reads (50 + 300 / 10) / 10 = 8 pods.
const input = (over: Partial<SimulationInput> = {}): SimulationInput => ({
  scaling: {
    threshold: 100,
    minReplicas: 1,
    maxReplicas: 20,
    pollingIntervalSeconds: 15,
    ignoreNullValues: false,
    demand: { messagesPerSecondPerReplica: 10, drainSeconds: 10 },
    // Up to 100 pods per 15 s: the proposal itself, not a rate limit, decides the first step.
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Pods', value: 100, periodSeconds: 15 }],
      },
      scaleDown: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
    },
  },
  workload: { messagesPerSecondPerPod: 10 },
  traffic: { arrivals: [{ fromSecond: 0, ratePerSecond: 50 }], initialBacklog: 300 },
  timing: { metricStalenessSeconds: 0 },
  durationSeconds: 5,
  ...over,
});
const firstCount = (run: ReturnType<typeof simulate>) => run.timeline[0].replicas;

describe('simulate: the demand trigger', () => {
  test('the first sync asks for the arrival rate plus the backlog over the drain seconds, in pods', () => {
    expect(firstCount(simulate(input()))).toBe(8);
  });

  test('the arrival series missing reads a rate of 0 (`or vector(0)`): the backlog alone, 300 / 10 / 10 = 3', () => {
    const outages = [
      { fromSecond: 0, toSecond: 10, kind: 'empty' as const, triggers: ['arrivalRate' as const] },
    ];
    expect(firstCount(simulate(input({ timing: { metricStalenessSeconds: 0, outages } })))).toBe(3);
  });

  test('the arrival query failing fails the one query: the HPA keeps 1', () => {
    const outages = [
      { fromSecond: 0, toSecond: 10, kind: 'error' as const, triggers: ['arrivalRate' as const] },
    ];
    expect(firstCount(simulate(input({ timing: { metricStalenessSeconds: 0, outages } })))).toBe(1);
  });

  test('the backlog series missing empties the sum: an error with ignoreNullValues false, the HPA keeps 1', () => {
    const outages = [{ fromSecond: 0, toSecond: 10, kind: 'empty' as const, triggers: ['backlog' as const] }];
    expect(firstCount(simulate(input({ timing: { metricStalenessSeconds: 0, outages } })))).toBe(1);
  });

  test('clamped at the queues: 8 pods asked for, 4 queues, the query reads 4', () => {
    const base = input();
    expect(firstCount(simulate({ ...base, scaling: { ...base.scaling, queueCap: 4 } }))).toBe(4);
  });

  test('refuses an arrival-rate trigger beside it', () => {
    const base = input();
    expect(() => simulate({ ...base, scaling: { ...base.scaling, arrivalRateThreshold: 8 } })).toThrow(
      'scaling.arrivalRateThreshold must be unset with scaling.demand: the demand trigger replaces the backlog and arrival-rate triggers',
    );
  });
});
