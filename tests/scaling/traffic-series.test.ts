import { amountIn, peakRate, rateAt } from '../../constructs/scaling';

// Segments: zero before 10 s, then 5, 7, 0, 2 and 9 msg/s from 10, 20, 30, 40 and 50 s.
const segments = [
  { fromSecond: 10, ratePerSecond: 5 },
  { fromSecond: 20, ratePerSecond: 7 },
  { fromSecond: 30, ratePerSecond: 0 },
  { fromSecond: 40, ratePerSecond: 2 },
  { fromSecond: 50, ratePerSecond: 9 },
];

describe('rateAt', () => {
  test('an empty series is 0 everywhere', () => {
    expect(rateAt([], 0)).toBe(0);
    expect(rateAt([], 99)).toBe(0);
  });

  test.each([
    [0, 1],
    [1, 2],
    [1.5, 2], // whole second 1
    [2, 3],
    [10, 3], // the last value holds to the end
  ])('per-second [1, 2, 3] at %p s is %p msg/s', (second, rate) => {
    expect(rateAt([1, 2, 3], second)).toBe(rate);
  });

  test.each([
    [0, 0],
    [9.9, 0], // before the first segment
    [10, 5],
    [19, 5],
    [20, 7],
    [29.5, 7],
    [30, 0],
    [39, 0],
    [40, 2],
    [49, 2],
    [50, 9],
    [10_000, 9],
  ])('segments at %p s: %p msg/s (each holds until the next starts)', (second, rate) => {
    expect(rateAt(segments, second)).toBe(rate);
  });
});

describe('amountIn', () => {
  test('sums the whole seconds [from, from + seconds)', () => {
    // Seconds 1, 2, 3 of [1, 2, 3]: 2 + 3 + 3 (the last value holds).
    expect(amountIn([1, 2, 3], 1, 3)).toBe(8);
    // Seconds 8..11 of the segments: 0 + 0 + 5 + 5.
    expect(amountIn(segments, 8, 4)).toBe(10);
    // Seconds 28..31: 7 + 7 + 0 + 0.
    expect(amountIn(segments, 28, 4)).toBe(14);
  });

  test('an empty interval is 0', () => {
    expect(amountIn([4], 5, 0)).toBe(0);
  });
});

describe('peakRate', () => {
  test('an empty series peaks at 0', () => {
    expect(peakRate([], 60)).toBe(0);
  });

  test.each([
    [3, 5], // seconds 0..2: 1, 5, 2
    [2.5, 5], // ceil(2.5) = 3 seconds
    [4, 9],
    [0, 1], // at least the first second
    [100, 9],
  ])('per-second [1, 5, 2, 9] over %p s peaks at %p msg/s', (duration, peak) => {
    expect(peakRate([1, 5, 2, 9], duration)).toBe(peak);
  });

  test.each([
    [10, 0], // only the segments starting before 10 s: none
    [11, 5],
    [20, 5],
    [21, 7],
    [51, 9],
  ])('segments over %p s peak at %p msg/s', (duration, peak) => {
    expect(peakRate(segments, duration)).toBe(peak);
  });

  test('a series of zeros peaks at 0', () => {
    expect(peakRate([0, 0], 2)).toBe(0);
    expect(peakRate([{ fromSecond: 0, ratePerSecond: 0 }], 60)).toBe(0);
  });
});
