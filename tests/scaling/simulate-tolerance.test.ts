import { simulate, type SimulationInput } from '../../constructs/scaling';

// One ready pod, 105 messages waiting, nothing arrives or is consumed: the HPA's first sync at t = 0 reads
// 105 against a target of 100 per pod, a ratio of 105 / (100 × 1) = 1.05.
// Source: kubernetes pkg/controller/podautoscaler/replica_calculator.go GetExternalPerPodMetricReplicas.
const base: SimulationInput = {
  scaling: { threshold: 100, minReplicas: 1, maxReplicas: 10 },
  workload: { messagesPerSecondPerPod: 0 },
  traffic: { arrivals: [0], initialBacklog: 105 },
  durationSeconds: 30,
};
const replicasAfterFirstSync = (tolerance?: SimulationInput['scaling']['tolerance']): number =>
  simulate({ ...base, scaling: { ...base.scaling, ...(tolerance !== undefined && { tolerance }) } })
    .timeline[0].replicas;

describe('simulate: the HPA tolerance of scaling.tolerance', () => {
  test('the default 0.1 keeps 1 pod: 1.05 is within [0.9, 1.1]', () => {
    expect(replicasAfterFirstSync()).toBe(1);
  });

  test('tolerance 0 scales to ceil(105 / 100) = 2 (the legacy limit max(2 × 1, 4) = 4 allows it)', () => {
    expect(replicasAfterFirstSync(0)).toBe(2);
  });

  test('per direction: up 0.04 scales to 2, up 0.05 keeps 1 (the bound 1.05 is inclusive)', () => {
    expect(replicasAfterFirstSync({ up: 0.04, down: 0.1 })).toBe(2);
    expect(replicasAfterFirstSync({ up: 0.05, down: 0 })).toBe(1);
  });
});
