import { hpaExternalProposal } from '../../constructs/scaling';

// Source: kubernetes pkg/controller/podautoscaler/replica_calculator.go GetExternalPerPodMetricReplicas: within
// [1 − down, 1 + up] of usage / (target × status) the count stays, else ceil(usage / target).
describe('hpaExternalProposal: a given tolerance', () => {
  // 10 pods, 115 against a target of 10 per pod: ratio 1.15; outside a tolerance it is ceil(115 / 10) = 12.
  const input = { statusReplicas: 10, metricValue: 115, targetAverageValue: 10 };

  test('one number for both directions: 0.2 keeps 10 pods, 0.1 (the default) does not', () => {
    expect(hpaExternalProposal({ ...input, tolerance: 0.2 })).toBe(10);
    expect(hpaExternalProposal({ ...input, metricValue: 85, tolerance: 0.2 })).toBe(10);
    expect(hpaExternalProposal(input)).toBe(12);
  });

  test('per direction: up 0.2 keeps 10 pods at 1.15, down 0.2 keeps them at 0.85', () => {
    expect(hpaExternalProposal({ ...input, tolerance: { up: 0.2, down: 0 } })).toBe(10);
    expect(hpaExternalProposal({ ...input, tolerance: { up: 0.1, down: 0.5 } })).toBe(12);
    // 85 / 100 = 0.85: within down 0.2, outside down 0.1 (ceil(8.5) = 9).
    expect(hpaExternalProposal({ ...input, metricValue: 85, tolerance: { up: 0, down: 0.2 } })).toBe(10);
    expect(hpaExternalProposal({ ...input, metricValue: 85, tolerance: { up: 0.5, down: 0.1 } })).toBe(9);
  });

  test.each<[string, Parameters<typeof hpaExternalProposal>[0], string]>([
    ['tolerance -0.1', { ...input, tolerance: -0.1 }, 'tolerance must be >= 0, got -0.1'],
    ['tolerance.up -1', { ...input, tolerance: { up: -1, down: 0.1 } }, 'tolerance.up must be >= 0, got -1'],
    [
      'tolerance.down NaN',
      { ...input, tolerance: { up: 0.1, down: NaN } },
      'tolerance.down must be a finite number, got NaN',
    ],
    [
      'a target below one milli-unit',
      { ...input, targetAverageValue: 0.0009 },
      'targetAverageValue must be >= 0.001 (one milli-unit), got 0.0009',
    ],
    ['statusReplicas -1', { ...input, statusReplicas: -1 }, 'statusReplicas must be >= 0, got -1'],
    ['metricValue -1', { ...input, metricValue: -1 }, 'metricValue must be >= 0, got -1'],
    ['targetAverageValue 0', { ...input, targetAverageValue: 0 }, 'targetAverageValue must be > 0, got 0'],
  ])('rejects %s', (_name, bad, message) => {
    expect(() => hpaExternalProposal(bad)).toThrow(new RangeError(message));
  });

  test('accepts the edges: tolerance 0 both ways, a target of exactly one milli-unit', () => {
    // 0.001 → 1 milli; 0.005 → 5 milli: ceil(5 / 1) = 5.
    expect(hpaExternalProposal({ statusReplicas: 1, metricValue: 0.005, targetAverageValue: 0.001 })).toBe(5);
    expect(hpaExternalProposal({ ...input, metricValue: 100, tolerance: { up: 0, down: 0 } })).toBe(10);
  });
});
