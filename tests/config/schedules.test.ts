/**
 * scaling.schedules (KEDA cron triggers): the committed prod stack's double-eleven event broken in one place is
 * refused with its exact messages, every field named with its value and rule; the boundaries are accepted.
 */
import { loadEnvironment } from '../../infra/config/environment';
import { workloadSchedules } from '../../infra/config/workload-schedules';
import { section, violationsOf, type Config } from './helpers';

type Edit = (config: Config) => void;
/* eslint-disable @typescript-eslint/no-explicit-any -- the cases edit untyped stack-file YAML in place */
const event = (c: Config): any => section(c, 'workloads')[0].scaling.schedules[0];
/* eslint-enable @typescript-eslint/no-explicit-any */
const at = 'workloads[0].scaling.schedules[0]';

const REFUSED: [string, Edit, string[]][] = [
  [
    'a zone Intl does not know',
    (c) => (event(c).timezone = 'Asia/Beijing'),
    [
      `${at}.timezone: ("Asia/Beijing") must be an IANA time-zone name such as Asia/Shanghai (Intl does not know it)`,
    ],
  ],
  [
    'a zone in the wrong case (Go loads the zoneinfo file by name)',
    (c) => (event(c).timezone = 'asia/shanghai'),
    [
      `${at}.timezone: ("asia/shanghai") must be spelled Asia/Shanghai: KEDA loads the zone by file name, case-sensitively`,
    ],
  ],
  [
    'a 6-field start (seconds)',
    (c) => (event(c).start = '0 58 19 11 11 *'),
    [
      `${at}.start: ("0 58 19 11 11 *") must have exactly 5 fields (minute hour day-of-month month day-of-week), found 6`,
    ],
  ],
  [
    'Sunday as 7',
    (c) => (event(c).end = '11 20 * * 7'),
    [`${at}.end: ("11 20 * * 7") day of week "7" is outside 0-6`],
  ],
  [
    'end equal to start',
    (c) => (event(c).end = event(c).start),
    [`${at}.end: ("59 19 11 11 *") must differ from start`],
  ],
  [
    'both desiredReplicas and an expected rate',
    (c) => (event(c).desiredReplicas = 32),
    [`${at}: set exactly one of desiredReplicas or expectedMessagesPerSecond`],
  ],
  [
    'an expected rate that needs more than maxReplicas',
    (c) => (event(c).expectedMessagesPerSecond = 2001),
    [`${at}.expectedMessagesPerSecond (2001, ceil(2001 / 50) = 41 replicas) must be <= maxReplicas (40)`],
  ],
  [
    'desiredReplicas at minReplicas',
    (c) => {
      delete event(c).expectedMessagesPerSecond;
      event(c).desiredReplicas = 3;
    },
    [
      `${at}.desiredReplicas (3) must be > minReplicas (3): the HPA takes the larger proposal, so it would change nothing`,
    ],
  ],
  [
    'the name of the backlog trigger',
    (c) => (event(c).name = 'backlog'),
    [`${at}.name ("backlog") is the name of the backlog trigger; use another`],
  ],
  [
    'the same name twice',
    (c) =>
      section(c, 'workloads')[0].scaling.schedules.push({
        ...event(c),
        start: '0 9 12 12 *',
        end: '0 10 12 12 *',
      }),
    [
      `workloads[0].scaling.schedules[1].name ("double-eleven") is declared twice: trigger names must be unique`,
    ],
  ],
];

describe('scaling.schedules is refused, with its exact messages,', () => {
  test.each(REFUSED)('%s', (_title, edit, messages) => {
    expect(violationsOf('prod', edit)).toEqual(messages);
  });
});

describe('scaling.schedules accepts the boundary:', () => {
  test.each<[string, Edit]>([
    [
      'an expected rate of exactly maxReplicas pods (2000 / 50 = 40)',
      (c) => (event(c).expectedMessagesPerSecond = 2000),
    ],
    [
      'desiredReplicas one above minReplicas',
      (c) => {
        delete event(c).expectedMessagesPerSecond;
        event(c).desiredReplicas = 4;
      },
    ],
    [
      'a window over midnight in UTC',
      (c) => Object.assign(event(c), { timezone: 'UTC', start: '0 22 * * *', end: '0 2 * * *' }),
    ],
  ])('%s', (_title, edit) => {
    expect(violationsOf('prod', edit)).toEqual([]);
  });
});

test('prod/order-fulfilment: double-eleven resolves to 32 replicas (1600 msg/s / 50 per pod)', () => {
  const w = loadEnvironment('prod').workloads.find((x) => x.name === 'order-fulfilment')!;
  expect(workloadSchedules(w)).toEqual([
    {
      name: 'double-eleven',
      timezone: 'Asia/Shanghai',
      start: '59 19 11 11 *',
      end: '15 20 11 11 *',
      desiredReplicas: 32,
      expectedMessagesPerSecond: 1600,
    },
  ]);
});
