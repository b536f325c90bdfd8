import { instanceTps, serverlessCapacity, thresholdAfterSpecChange } from '../../constructs/scaling';

// Source: Alibaba Cloud ApsaraMQ for RocketMQ 5.x serverless instances, "Specifications and limits":
// shared cumulative 50,000 lossless / 300,000 max; shared reserved R: 3R lossless, min(300,000, 10R) max;
// dedicated reserved R: 1.5R both.
describe('serverlessCapacity edges', () => {
  test('shared reserved: 10R reaches the 300,000 ceiling at R = 30,000 exactly', () => {
    expect(serverlessCapacity({ mode: 'shared-reserved', reservedTps: 30_000 })).toEqual({
      losslessTps: 90_000,
      maxThrottleTps: 300_000,
      adaptiveElasticity: true,
    });
    expect(serverlessCapacity({ mode: 'shared-reserved', reservedTps: 29_999 }).maxThrottleTps).toBe(299_990);
  });

  test('shared cumulative ignores a reservedTps', () => {
    expect(serverlessCapacity({ mode: 'shared-cumulative', reservedTps: 1 }).losslessTps).toBe(50_000);
  });

  test.each<[string, Parameters<typeof serverlessCapacity>[0], string]>([
    [
      'shared reserved without R',
      { mode: 'shared-reserved' },
      'reservedTps is required for mode shared-reserved',
    ],
    [
      'dedicated reserved without R',
      { mode: 'dedicated-reserved' },
      'reservedTps is required for mode dedicated-reserved',
    ],
    ['R = 0', { mode: 'shared-reserved', reservedTps: 0 }, 'reservedTps must be > 0, got 0'],
    [
      'an unknown mode',
      { mode: 'burst' as 'shared-cumulative' },
      'mode must be shared-cumulative, shared-reserved or dedicated-reserved, got burst',
    ],
  ])('rejects %s', (_name, input, message) => {
    expect(() => serverlessCapacity(input)).toThrow(new RangeError(message));
  });

  test('thresholdAfterSpecChange keeps an equal threshold and names its arguments', () => {
    expect(thresholdAfterSpecChange(6000, 6000)).toBe(6000);
    expect(() => thresholdAfterSpecChange(-1, 1)).toThrow(
      new RangeError('currentThreshold must be > 0, got -1'),
    );
    expect(() => thresholdAfterSpecChange(1, 0)).toThrow(new RangeError('newLossless must be > 0, got 0'));
  });
});

describe('instanceTps edges', () => {
  test('no consumers and no topics: 0', () => {
    expect(instanceTps([], [])).toEqual({ sendTps: 0, receiveTps: 0, totalTps: 0 });
  });

  test('a topic without a stated rate sends what its busiest consumer receives; a stated 0 counts as 0', () => {
    expect(
      instanceTps(
        [
          { name: 'a', topic: 't', receiveTps: 30 },
          { name: 'b', topic: 't', receiveTps: 70 },
          { name: 'c', topic: 'u', receiveTps: 5 },
        ],
        [{ name: 't' }, { name: 'u', sendTps: 0 }],
      ),
    ).toEqual({ sendTps: 70, receiveTps: 105, totalTps: 175 });
  });
});
