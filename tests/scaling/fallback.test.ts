import { defaultFallbackReplicas } from '../../constructs/scaling';

describe('defaultFallbackReplicas', () => {
  test.each([
    [0, 10, 5],
    [3, 40, 20],
    [8, 10, 8],
    [0, 1, 1],
    [2, 3, 2],
    [0, 7, 4],
  ])('min %i, useful max %i: holds %i', (min, max, expected) => {
    expect(defaultFallbackReplicas(min, max)).toBe(expected);
  });

  test('rejects a minimum below 0, naming it', () => {
    expect(() => defaultFallbackReplicas(-1, 10)).toThrow('minReplicaCount must be >= 0, got -1');
  });

  test('rejects a maximum below 1', () => {
    expect(() => defaultFallbackReplicas(0, 0)).toThrow('usefulMaxReplicas must be >= 1, got 0');
  });
});
