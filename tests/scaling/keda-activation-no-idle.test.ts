import { kedaActivation } from '../../constructs/scaling';

// Source: kedacore/keda v2.17.2 pkg/scaling/executor/scale_scaledobjects.go RequestScale: while active, KEDA scales
// only from zero, or from below min when idleReplicaCount is set; without it, a count between 1 and min is the
// HPA's to raise.
describe('kedaActivation without idleReplicaCount', () => {
  test('active at 1 of min 3: KEDA leaves the count alone', () => {
    expect(
      kedaActivation({ currentReplicas: 1, metricValue: 5, activationThreshold: 0, minReplicaCount: 3 }),
    ).toEqual({ active: true, replicas: 1, action: 'none' });
  });
});
