/**
 * The closed loop's pure parts (no component runs): the measured arrivals as simulate's segments, the
 * milestones of a replica timeline, their bounds and the committed report's data block.
 */
import { arrivalSegments, beyondBounds, loopData, loopReport, milestones } from './harness/closed-loop';

describe('arrivalSegments', () => {
  test('a run starts one progress interval before its first line; nothing between runs or after the last', () => {
    // Run 1: first line at 2 s real (sent 500), so it began at 1 s; 1000 by 3 s; exited at 3.5 s with 1200.
    // Run 2: first line at 6 s (150), exited at 6.5 s with 200. K = 5.
    const segments = arrivalSegments(
      [
        [
          { t: 2, sent: 500 },
          { t: 3, sent: 1000 },
          { t: 3.5, sent: 1200 },
        ],
        [
          { t: 6, sent: 150 },
          { t: 6.5, sent: 200 },
        ],
      ],
      5,
    );
    expect(segments).toEqual([
      { fromSecond: 0, ratePerSecond: 0 },
      // 500 in 1 real s = 5 production s: 100 msg/s.
      { fromSecond: 5, ratePerSecond: 100 },
      { fromSecond: 10, ratePerSecond: 100 },
      // 200 in 0.5 real s = 2.5 production s: 80 msg/s.
      { fromSecond: 15, ratePerSecond: 80 },
      { fromSecond: 18, ratePerSecond: 0 },
      { fromSecond: 25, ratePerSecond: 30 },
      { fromSecond: 30, ratePerSecond: 20 },
      { fromSecond: 33, ratePerSecond: 0 },
    ]);
  });

  test('points that round to one production second keep the later segment', () => {
    expect(
      arrivalSegments(
        [
          [
            { t: 1, sent: 10 },
            { t: 1.1, sent: 20 },
          ],
        ],
        1,
      ),
    ).toEqual([
      { fromSecond: 0, ratePerSecond: 10 },
      // 10 more in 0.1 s (100 msg/s from second 1) and the stop at 1.1 s both round to second 1: the later stays.
      { fromSecond: 1, ratePerSecond: 0 },
    ]);
  });
});

describe('milestones', () => {
  test('activation, the first time at the peak, the first step down after it, the last return to 0', () => {
    const changes = [
      { t: 0, replicas: 0 },
      { t: 2.8, replicas: 1 },
      { t: 6.2, replicas: 4 },
      { t: 9.2, replicas: 6 },
      { t: 12, replicas: 5 },
      { t: 15, replicas: 6 },
      { t: 80, replicas: 3 },
      { t: 100, replicas: 0 },
    ];
    expect(milestones(changes)).toEqual({
      activation: 2.8,
      peak: 6,
      peakAt: 9.2,
      scaleInFrom: 12,
      zeroAt: 100,
    });
  });

  test('a timeline that never leaves 0 has no milestone', () => {
    expect(milestones([{ t: 0, replicas: 0 }])).toEqual({
      activation: null,
      peak: 0,
      peakAt: null,
      scaleInFrom: null,
      zeroAt: null,
    });
  });
});

describe('beyondBounds', () => {
  const bounds = { activation: 4, peakAt: 7, scaleInFrom: 10, zeroAt: 10 };
  const base = { activation: 3, peak: 6, peakAt: 12, scaleInFrom: 80, zeroAt: 100 };

  test('within every bound, the same peak: nothing', () => {
    expect(beyondBounds({ ...base, activation: 7, zeroAt: 90 }, base, bounds, 'run')).toEqual([]);
  });

  test('names the milestone, both times and its bound; a different peak; a milestone on one side only', () => {
    expect(beyondBounds({ ...base, peak: 5, activation: 7.1, zeroAt: null }, base, bounds, 'run')).toEqual([
      'run: peak 5, expected 6',
      'run: KEDA activates (0 → 1) at 7.1 s, expected at 3 s (within 4 s)',
      'run: back to 0 never, expected at 100 s',
    ]);
  });
});

describe('loopReport / loopData', () => {
  test('the data block reads back what was written', () => {
    const data = {
      compression: 5,
      real: [
        { t: 0, replicas: 0 },
        { t: 3, replicas: 1 },
        { t: 90, replicas: 0 },
      ],
      simulated: [
        { t: 0, replicas: 0 },
        { t: 2, replicas: 1 },
        { t: 88, replicas: 0 },
      ],
      bounds: { activation: 4, peakAt: 7, scaleInFrom: 10, zeroAt: 10 },
      onlineSeconds: 3.1,
    };
    const text = loopReport('# Closed loop', [['Lost', '0']], data);
    expect(text).toContain('| real | 0@0s → 1@3s → 0@90s |');
    expect(text).toContain('| KEDA activates (0 → 1) | 3 | 2 | 1 | 4 |');
    expect(loopData('CLOSED-LOOP.md', text)).toEqual(data);
    expect(() => loopData('CLOSED-LOOP.md', '# nothing')).toThrow(
      'CLOSED-LOOP.md: no "<!-- closed-loop-data" block: regenerate it',
    );
  });
});
