import { hpaExternalProposal, hpaToleranceForm } from '../../constructs/scaling';

// Sources: kubernetes v1.32.13 pkg/controller/podautoscaler/replica_calculator.go GetExternalPerPodMetricReplicas
// changes the count when math.Abs(1.0-usageRatio) > c.tolerance; v1.33.0 the same function keeps it while
// tolerances.isWithin(usageRatio), (1.0-scaleDown) <= r <= (1.0+scaleUp) (KEP-4951), whatever the feature gate.
describe('hpaExternalProposal: the replica calculator of the cluster Kubernetes minor', () => {
  // Threshold 30, 10 pods, backlog 330: r = 330000 / (30000 × 10) = 1.1 in float64, and |1 − 1.1| =
  // 0.10000000000000009 > 0.1 on 1.32, while 1.1 <= 1.0 + 0.1 (the same double) on 1.33.
  const input = { statusReplicas: 10, metricValue: 330, targetAverageValue: 30 };

  test.each([
    ['1.30', 11],
    ['1.32', 11],
    ['1.33', 10],
    ['1.36', 10],
  ])('threshold 30, 10 pods, backlog 330 on %s proposes %i', (kubernetesVersion, replicas) => {
    expect(hpaExternalProposal({ ...input, kubernetesVersion })).toBe(replicas);
  });

  test('without a version it models the newest form (1.33 and later)', () => {
    expect(hpaExternalProposal(input)).toBe(10);
  });

  test('both forms agree away from the edge: 331 is 12 on either, 329 stays 10', () => {
    for (const kubernetesVersion of ['1.32', '1.33']) {
      expect(hpaExternalProposal({ ...input, metricValue: 331, kubernetesVersion })).toBe(12);
      expect(hpaExternalProposal({ ...input, metricValue: 329, kubernetesVersion })).toBe(10);
    }
  });

  test('a per-direction tolerance needs 1.33 or later', () => {
    expect(() =>
      hpaExternalProposal({ ...input, kubernetesVersion: '1.32', tolerance: { up: 0.2, down: 0.1 } }),
    ).toThrow(
      new RangeError(
        'tolerance per direction needs Kubernetes 1.33 or later (KEP-4951); 1.32 has one cluster-wide tolerance',
      ),
    );
  });

  test.each(['1.27', '1.37', '2.0', '1.32.1', 'v1.32', ''])('rejects the version %p', (kubernetesVersion) => {
    expect(() => hpaToleranceForm(kubernetesVersion)).toThrow(
      new RangeError(
        `kubernetesVersion must be a modelled Kubernetes minor "1.28" to "1.36", got ${JSON.stringify(kubernetesVersion)}`,
      ),
    );
  });

  test.each([
    ['1.28', 'absolute'],
    ['1.32', 'absolute'],
    ['1.33', 'range'],
    ['1.36', 'range'],
  ])('%s uses the %s form', (version, form) => {
    expect(hpaToleranceForm(version)).toBe(form);
  });
});
