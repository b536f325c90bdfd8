import {
  DEFAULT_RETRY_DELAYS_SECONDS,
  RECEIVE_BACKOFF_CAP_MS,
  receiveBackoffMs,
  retryDelayMs,
} from '../../infra/sample-app/backoff';

describe('receiveBackoffMs', () => {
  // min(10 s, 1 s × 2^(n−1)) as ceiling; half fixed, half × random().
  test.each([
    [1, 0, 500],
    [1, 0.5, 750],
    [1, 0.999, 999],
    [2, 0, 1000],
    [3, 0.25, 2500],
    [4, 0.5, 6000],
    [5, 0, 5000],
    [5, 0.999, 9995],
    [6, 0.5, 7500],
    [1000, 0, 5000],
  ])('after %i failures with random() = %d: %i ms', (failures, draw, expected) => {
    expect(receiveBackoffMs(failures, () => draw)).toBe(expected);
  });

  test('successive failures with a fixed sequence of draws wait 550, 1900, 2600, 6800, 5500 ms', () => {
    const draws = [0.1, 0.9, 0.3, 0.7, 0.1];
    let i = 0;
    const random = (): number => draws[i++];
    // Ceilings 1, 2, 4, 8, 10 (capped) s; each wait = ceiling / 2 × (1 + draw).
    expect([1, 2, 3, 4, 5].map((n) => receiveBackoffMs(n, random))).toEqual([550, 1900, 2600, 6800, 5500]);
    expect(RECEIVE_BACKOFF_CAP_MS).toBe(10_000);
  });

  test.each([0, -1, 1.5])('refuses %d failures', (failures) => {
    expect(() => receiveBackoffMs(failures, () => 0)).toThrow(
      `failures (${failures}) must be an integer >= 1`,
    );
  });

  test('refuses a draw outside [0, 1)', () => {
    expect(() => receiveBackoffMs(1, () => 1)).toThrow('random() returned 1; must be in [0, 1)');
  });
});

describe('retryDelayMs', () => {
  test.each([
    [1, 10_000],
    [2, 30_000],
    [3, 60_000],
    [16, 7_200_000],
    [17, 7_200_000],
  ])("delivery %i's failure: invisible for %i ms on the broker's default schedule", (attempt, expected) => {
    expect(retryDelayMs(attempt, DEFAULT_RETRY_DELAYS_SECONDS)).toBe(expected);
  });

  test('refuses delivery 0', () => {
    expect(() => retryDelayMs(0, [1])).toThrow('deliveryAttempt (0) must be an integer >= 1');
  });
});
