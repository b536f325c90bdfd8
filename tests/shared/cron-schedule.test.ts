/**
 * The cron dialect of KEDA 2.17's cron scaler (robfig/cron v3.0.1, 5 fields) and its activity rule, worked by
 * hand from kedacore/keda v2.17.2 pkg/scalers/cron_scaler.go and robfig/cron v3.0.1 parser.go / spec.go.
 */
import {
  cronExpressionProblems,
  cronScheduleProblems,
  firstActiveWindow,
  timeZoneProblem,
} from '../../constructs/shared/cron-schedule';

describe('cronExpressionProblems', () => {
  test.each([
    '58 19 11 11 *',
    '*/5 * * * *',
    '0 9-17 * * mon-fri',
    '0 0 ? JAN,Dec SUN',
    '5/15 0 1,15 * *',
    '0 0 * * 0-6',
    '59 23 31 12 6',
  ])('%s is what KEDA parses', (expression) => {
    expect(cronExpressionProblems(expression)).toEqual([]);
  });

  test.each([
    ['', ['must be a non-empty string']],
    ['0 0 0 * * *', ['must have exactly 5 fields (minute hour day-of-month month day-of-week), found 6']],
    ['0 0 * *', ['must have exactly 5 fields (minute hour day-of-month month day-of-week), found 4']],
    ['@daily', ["must be 5 fields, not a descriptor (KEDA's cron parser accepts none)"]],
    ['TZ=UTC 0 0 * * *', ['must not start with TZ= or CRON_TZ=: the time zone goes in timezone']],
    ['CRON_TZ=UTC 0 0 * * *', ['must not start with TZ= or CRON_TZ=: the time zone goes in timezone']],
    // robfig's day of week is 0-6: 7 is out of range (cron-parser would read it as Sunday).
    ['0 0 * * 7', ['day of week "7" is outside 0-6']],
    ['60 0 * * *', ['minute "60" is outside 0-59']],
    ['0 24 * * *', ['hour "24" is outside 0-23']],
    ['0 0 0 * *', ['day of month "0" is outside 1-31']],
    ['0 0 * 13 *', ['month "13" is outside 1-12']],
    ['0 0 L * *', ['day of month "L" is not a number']],
    [
      '0 0 * * 1#2',
      ['day of week "1#2" is not a number or a day of week name (sun, mon, tue, wed, thu, fri, sat)'],
    ],
    ['*/0 * * * *', ['minute "*/0" needs a step that is a whole number > 0']],
    ['0 5-1 * * *', ['hour "5-1" starts after it ends']],
    ['0 1-2-3 * * *', ['hour "1-2-3" has more than one "-"']],
    ['0 1/2/3 * * *', ['hour "1/2/3" has more than one "/"']],
    ['0 1,,2 * * *', ['hour "1,,2" has an empty list item']],
  ])('%j: %j', (expression, problems) => {
    expect(cronExpressionProblems(expression)).toEqual(problems);
  });
});

describe('timeZoneProblem', () => {
  test.each(['Asia/Shanghai', 'UTC', 'Europe/Berlin', 'America/New_York'])('%s is an IANA zone', (zone) => {
    expect(timeZoneProblem(zone)).toBeUndefined();
  });

  test.each([
    ['', 'must be an IANA time-zone name such as Asia/Shanghai'],
    ['Local', 'must name a zone: Local is the KEDA operator pod’s own zone'],
    ['Mars/Olympus', 'must be an IANA time-zone name such as Asia/Shanghai (Intl does not know it)'],
    ['+08:00', 'must be an IANA time-zone name such as Asia/Shanghai (Intl does not know it)'],
    // Go's time.LoadLocation opens the zoneinfo file by name: the case must match.
    ['asia/shanghai', 'must be spelled Asia/Shanghai: KEDA loads the zone by file name, case-sensitively'],
  ])('%j: %s', (zone, problem) => {
    expect(timeZoneProblem(zone)).toBe(problem);
  });
});

describe('cronScheduleProblems', () => {
  test('every problem at once, each naming the field and showing the value', () => {
    expect(cronScheduleProblems({ timezone: 'Mars/Olympus', start: '0 0 * * 7', end: '0 0 * * 7' })).toEqual([
      {
        field: 'timezone',
        message:
          '("Mars/Olympus") must be an IANA time-zone name such as Asia/Shanghai (Intl does not know it)',
      },
      { field: 'start', message: '("0 0 * * 7") day of week "7" is outside 0-6' },
      { field: 'end', message: '("0 0 * * 7") day of week "7" is outside 0-6' },
      // cron_scaler.go cronMetadata.Validate: start and end must differ.
      { field: 'end', message: '("0 0 * * 7") must differ from start' },
    ]);
  });

  test('a date that never exists parses in KEDA but never fires: refused', () => {
    expect(cronScheduleProblems({ timezone: 'UTC', start: '0 0 30 2 *', end: '0 1 * * *' })).toEqual([
      {
        field: 'start',
        message: '("0 0 30 2 *") never fires within 5 years, so the trigger never changes state',
      },
    ]);
  });

  test('29 February fires (within five years)', () => {
    expect(cronScheduleProblems({ timezone: 'UTC', start: '0 0 29 2 *', end: '0 1 29 2 *' })).toEqual([]);
  });
});

describe('firstActiveWindow (KEDA: active unless the next start comes before the next end)', () => {
  const at = (iso: string): number => Date.parse(iso);
  const window = (schedule: { timezone: string; start: string; end: string }, from: string) => {
    const w = firstActiveWindow(schedule, at(from));
    return w && { from: new Date(w.fromMs).toISOString(), to: new Date(w.toMs).toISOString() };
  };

  test('Double 11 in Beijing time: 19:58 to 20:11 on 11 November is 11:58 to 12:11 UTC', () => {
    expect(
      window(
        { timezone: 'Asia/Shanghai', start: '58 19 11 11 *', end: '11 20 11 11 *' },
        '2026-01-01T00:00:00Z',
      ),
    ).toEqual({ from: '2026-11-11T11:58:00.000Z', to: '2026-11-11T12:11:00.000Z' });
  });

  test('a window over midnight ends the next day', () => {
    expect(
      window({ timezone: 'UTC', start: '0 22 * * *', end: '0 2 * * *' }, '2026-03-01T12:00:00Z'),
    ).toEqual({
      from: '2026-03-01T22:00:00.000Z',
      to: '2026-03-02T02:00:00.000Z',
    });
  });

  test('a start every hour before one end a day: only the last start before the end opens a window', () => {
    // Between 09:00 and 10:00 the next start (10:00) comes before the next end (10:30): inactive.
    expect(
      window({ timezone: 'UTC', start: '0 * * * *', end: '30 10 * * *' }, '2026-03-01T09:00:00Z'),
    ).toEqual({
      from: '2026-03-01T10:00:00.000Z',
      to: '2026-03-01T10:30:00.000Z',
    });
  });

  test('two ends before the next start: active through both', () => {
    expect(
      window({ timezone: 'UTC', start: '0 10 * * *', end: '0 11,12 * * *' }, '2026-03-01T00:00:00Z'),
    ).toEqual({ from: '2026-03-01T10:00:00.000Z', to: '2026-03-01T12:00:00.000Z' });
  });

  test('robfig ANDs the day fields when one is a star with step 1: */1 day of week means every day', () => {
    // spec.go dayMatches: the star bit of "*/1" makes it an AND with day of month "*": every day at 00:00.
    expect(
      window({ timezone: 'UTC', start: '0 0 * * */1', end: '0 1 * * *' }, '2026-03-03T06:00:00Z'),
    ).toEqual({ from: '2026-03-04T00:00:00.000Z', to: '2026-03-04T01:00:00.000Z' });
  });

  test('robfig ORs two restricted day fields: the 13th or a Friday', () => {
    // 2026-03-06 is a Friday, before the 13th.
    expect(
      window({ timezone: 'UTC', start: '0 0 13 * 5', end: '0 1 13 * 5' }, '2026-03-01T00:00:00Z'),
    ).toEqual({
      from: '2026-03-06T00:00:00.000Z',
      to: '2026-03-06T01:00:00.000Z',
    });
  });
});
