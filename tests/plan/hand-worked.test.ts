/**
 * The plan table of infra/plan/README.md (prod/order-fulfilment, flash sale), each column held to figures
 * worked out by hand from the stack file and the profile, not read back from the planner. Stack: 50 msg/s per
 * pod, drain target 60 s (threshold 3000), min 3, max 40, arrival-rate trigger at 50 × 0.75 = 37.5 msg/s per pod.
 * Base rate: 0.08 × 50 × 40 = 160 msg/s; the sale is 10 × 160 = 1600 msg/s for 15 min from minute 30 of 2 h.
 */
import { loadEnvironment } from '../../infra/config/environment';
import { buildPlan, resolveProfile } from '../../infra/plan/report';

jest.setTimeout(60_000);

const plan = () => {
  const workload = loadEnvironment('prod').workloads.find((w) => w.name === 'order-fulfilment')!;
  return buildPlan(loadEnvironment('prod'), workload, resolveProfile('flash-sale', workload)).plan;
};

test('prod/order-fulfilment flash sale: one hand-worked figure (at least) per column', () => {
  const { current, recommended, seedGuide, oracle } = plan();
  // Every column sees the same traffic: 160 × 7200 + (1600 − 160) × 900 = 2,448,000 messages.
  for (const column of [current, recommended, seedGuide, oracle])
    expect(column.summary.arrived).toBe(2_448_000);

  // oracle: ceil(160 / 50) = 4 pods outside the sale, ceil(1600 / 50) = 32 in it, nothing ever waits more than
  // the 1 s step; replica-minutes 4 × 105 + 32 × 15 = 900; two scale events (4 → 32 → 4).
  expect(oracle.summary).toMatchObject({
    peakReplicas: 32,
    replicaSeconds: 900 * 60,
    peakBacklog: 0,
    maxWaitSeconds: 1,
    scaleEvents: 2,
  });

  // current: in the sale the arrival-rate trigger alone asks ceil(1600 / 37.5) = 43, capped at max 40.
  expect(current.scaling).toMatchObject({ threshold: 3000, arrivalRateThreshold: 37.5, maxReplicas: 40 });
  expect(current.summary.peakReplicas).toBe(40);

  // seed guide: threshold 30; at 1600 msg/s the backlog passes 40 × 30 = 1200 within seconds: max 40.
  expect(seedGuide.scaling).toMatchObject({ threshold: 30, minReplicas: 3, maxReplicas: 40 });
  expect(seedGuide.scaling.behavior).toBeUndefined();
  expect(seedGuide.summary.peakReplicas).toBe(40);

  // recommended: the half drain-target threshold floor(50 × 60) / 2 = 1500 with the arrival-rate trigger at
  // 0.8 × 50 = 40 msg/s (ceil(160 / 40) = 4 pods at the base rate, no saw-tooth); its backlog passes
  // 40 × 1500 = 60,000 before the pods catch up, so it also reaches max 40.
  expect(recommended.scaling.threshold).toBe(1500);
  expect(recommended.scaling.arrivalRateThreshold).toBe(40);
  expect(recommended.summary.peakBacklog).toBeGreaterThan(60_000);
  expect(recommended.summary.peakReplicas).toBe(40);
});
