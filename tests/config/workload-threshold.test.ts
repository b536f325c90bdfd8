/** workloadThreshold: the configured threshold, or throughput × drain target (infra/config/workload-threshold.ts). */
import { loadEnvironment } from '../../infra/config/environment';
import { workloadThreshold } from '../../infra/config/workload-threshold';

describe('workloadThreshold', () => {
  // staging/legacy-billing: 15 msg/s per pod, targetDrainSeconds 120, no threshold in the stack file.
  const legacy = loadEnvironment('staging').workloads.find((w) => w.name === 'legacy-billing');
  if (legacy === undefined) throw new Error('staging/legacy-billing is missing from the committed stack');

  test('derived when absent: 15 msg/s × 120 s = 1800', () => {
    expect(workloadThreshold(legacy)).toBe(1800);
  });

  test('as configured when present', () => {
    expect(workloadThreshold({ ...legacy, scaling: { ...legacy.scaling, threshold: 7 } })).toBe(7);
  });

  test('derived from a fractional rate: floor(2.5 msg/s × 3 s) = 7', () => {
    expect(workloadThreshold({ ...legacy, messagesPerSecondPerPod: 2.5, targetDrainSeconds: 3 })).toBe(7);
  });
});
