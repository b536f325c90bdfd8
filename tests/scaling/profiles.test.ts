import {
  builtInProfile,
  parseCsvProfile,
  PROFILE_NAMES,
  ProfileParseError,
  type ProfileName,
} from '../../constructs/scaling';

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('builtInProfile', () => {
  test('names the four profiles', () => {
    expect(PROFILE_NAMES).toEqual(['steady', 'flash-sale', 'diurnal', 'seed-replay']);
  });

  test('steady: the base rate for one hour', () => {
    expect(builtInProfile('steady', 5)).toStrictEqual({
      name: 'steady',
      description: '5 msg/s for 1 h',
      durationSeconds: 3600,
      traffic: { arrivals: [{ fromSecond: 0, ratePerSecond: 5 }] },
      podsConsumeNothing: false,
    });
  });

  test('flash-sale: 30 min base, 15 min at 10×, 75 min base; the 10× window is the known peak', () => {
    expect(builtInProfile('flash-sale', 2)).toStrictEqual({
      name: 'flash-sale',
      description: '2 msg/s, 10× for 15 min from minute 30, 2 h',
      durationSeconds: 7200,
      traffic: {
        arrivals: [
          { fromSecond: 0, ratePerSecond: 2 },
          { fromSecond: 1800, ratePerSecond: 20 },
          { fromSecond: 2700, ratePerSecond: 2 },
        ],
      },
      podsConsumeNothing: false,
      peak: { fromSecond: 1800, toSecond: 2700, ratePerSecond: 20 },
    });
  });

  test('diurnal: one segment a minute of 0.85 + 0.65 cos(2π (minute − 840) / 1440) × base, 6 decimals', () => {
    const profile = builtInProfile('diurnal', 10);
    expect(profile.name).toBe('diurnal');
    expect(profile.description).toBe('0.2× to 1.5× of 10 msg/s over 24 h (mean 0.85×), peak at 14:00');
    expect(profile.durationSeconds).toBe(86_400);
    expect(profile.podsConsumeNothing).toBe(false);
    expect(profile).not.toHaveProperty('peak');
    expect(profile.traffic).not.toHaveProperty('externalDrain');
    const arrivals = profile.traffic.arrivals as readonly { fromSecond: number; ratePerSecond: number }[];
    expect(arrivals).toHaveLength(1440);
    // Minute 0: cos(−7π/6) = −√3/2, 0.85 − 0.65 × 0.8660254 = 0.2870835 (2.8708348754… rounded to 6 places).
    expect(arrivals[0]).toEqual({ fromSecond: 0, ratePerSecond: 2.870835 });
    // 02:00: cos(−π) = −1, 0.2× (1.9999999999999996 before rounding).
    expect(arrivals[120]).toEqual({ fromSecond: 7200, ratePerSecond: 2 });
    // 08:00: cos(−π/2) = 0, 0.85×.
    expect(arrivals[480]).toEqual({ fromSecond: 28_800, ratePerSecond: 8.5 });
    // 14:00: cos(0) = 1, 1.5×.
    expect(arrivals[840]).toEqual({ fromSecond: 50_400, ratePerSecond: 15 });
    // 20:00: cos(π/2) = 0 again.
    expect(arrivals[1200]).toEqual({ fromSecond: 72_000, ratePerSecond: 8.5 });
    expect(arrivals[1439].fromSecond).toBe(86_340);
  });

  test('seed-replay: the recorded run, whatever the base rate', () => {
    const expected = {
      name: 'seed-replay',
      description:
        'seed guide: 2,300 messages in 115 s, drained externally at 40/s from 180 s, placeholder pods',
      durationSeconds: 900,
      traffic: {
        // 20 msg/s × 115 s = 2,300 messages.
        arrivals: [
          { fromSecond: 0, ratePerSecond: 20 },
          { fromSecond: 115, ratePerSecond: 0 },
        ],
        externalDrain: [
          { fromSecond: 0, ratePerSecond: 0 },
          { fromSecond: 180, ratePerSecond: 40 },
          { fromSecond: 240, ratePerSecond: 0 },
        ],
      },
      podsConsumeNothing: true,
    };
    expect(builtInProfile('seed-replay', 7)).toStrictEqual(expected);
    expect(builtInProfile('seed-replay', 700)).toStrictEqual(expected);
  });

  test('rejects an unknown name and a base rate that is not > 0', () => {
    expect(() => builtInProfile('weekly' as ProfileName, 1)).toThrow(
      new RangeError('profile must be one of steady, flash-sale, diurnal, seed-replay, got weekly'),
    );
    expect(() => builtInProfile('steady', 0)).toThrow(new RangeError('baseRatePerSecond must be > 0, got 0'));
    expect(builtInProfile('steady', 0.001).durationSeconds).toBe(3600);
  });
});

describe('parseCsvProfile', () => {
  test('rows of second,rate[,drain]: a header, comments and blank lines are skipped', () => {
    const text = 'second,rate,drain\n0,10\n  # a comment\n\n   \n60,20,5\n120,0\n';
    expect(parseCsvProfile(text, 'x.csv')).toStrictEqual({
      name: 'x.csv',
      description: '3 rows from x.csv',
      // The last row's second + 60 s.
      durationSeconds: 180,
      traffic: {
        arrivals: [
          { fromSecond: 0, ratePerSecond: 10 },
          { fromSecond: 60, ratePerSecond: 20 },
          { fromSecond: 120, ratePerSecond: 0 },
        ],
        externalDrain: [{ fromSecond: 60, ratePerSecond: 5 }],
      },
      podsConsumeNothing: false,
    });
  });

  test('without a drain column there is no external drain; CRLF lines and spaces around cells are read', () => {
    const profile = parseCsvProfile('Time,Rate\r\n 0 , 1.5\r\n10,2\r\n', '/data/peak.csv', 'peak.csv');
    expect(profile).toStrictEqual({
      name: '/data/peak.csv',
      description: '2 rows from peak.csv',
      durationSeconds: 70,
      traffic: {
        arrivals: [
          { fromSecond: 0, ratePerSecond: 1.5 },
          { fromSecond: 10, ratePerSecond: 2 },
        ],
      },
      podsConsumeNothing: false,
    });
  });

  test('a first row with a letter after its start is data, not a header (1e1 is 10)', () => {
    expect(parseCsvProfile('0,1e1', 'x.csv').traffic.arrivals).toEqual([
      { fromSecond: 0, ratePerSecond: 10 },
    ]);
  });

  test('the last second may end exactly one week in (604740 + 60 = 604800)', () => {
    expect(parseCsvProfile('0,1\n604740,1', 'x.csv').durationSeconds).toBe(604_800);
  });

  test.each([
    ['0,1,2,3', 1, 1, 'expected second,rate[,drain], got 4 columns'],
    ['0', 1, 1, 'expected second,rate[,drain], got 1 columns'],
    ['# c\n\n0,1\nx', 4, 1, 'expected second,rate[,drain], got 1 columns'],
    ['0,', 1, 3, 'rate must be a number >= 0, got ""'],
    // Columns count from the raw cells: "0" and "1" end at 1 and 3, the drain starts at 5.
    ['0,1,-2', 1, 5, 'drain must be a number >= 0, got "-2"'],
    ['0, -5', 1, 3, 'rate must be a number >= 0, got "-5"'],
    ['0,Infinity', 1, 3, 'rate must be a number >= 0, got "Infinity"'],
    ['0,1\nabc,2', 2, 1, 'second must be a number >= 0, got "abc"'],
    ['-1,2', 1, 1, 'second must be a number >= 0, got "-1"'],
    ['0,1\n1.5,2', 2, 1, 'second must be a whole number, got 1.5'],
    ['5,1', 1, 1, 'the first row must start at second 0'],
    ['0,1\n0,2', 2, 1, 'second 0 must be greater than 0'],
    ['0,1\n60,2\n30,1', 3, 1, 'second 30 must be greater than 60'],
    ['0,1\n604741,1', 2, 1, 'the profile runs past one week (604800 s)'],
    ['', 1, 1, 'no data rows'],
    ['# only a comment\nsecond,rate', 1, 1, 'no data rows'],
  ])('%j fails at line %p column %p: %s', (text, line, column, detail) => {
    const error = thrown(() => parseCsvProfile(text, 'x.csv'));
    expect(error).toBeInstanceOf(ProfileParseError);
    expect(error).toMatchObject({
      name: 'ProfileParseError',
      source: 'x.csv',
      line,
      column,
      message: `x.csv:${line}:${column}: ${detail}`,
    });
  });
});
