import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CommanderError, type Command, type Option } from 'commander';
import { loadEnvironment } from '../../infra/config/environment';
import { mutateProgram } from '../../infra/mutate/cli';
import { planProgram } from '../../infra/plan/cli';
import { planOptionViolations, resolveProfile } from '../../infra/plan/report';
import { consumerConfigFromEnv } from '../../infra/sample-app/config';
import { program as sampleAppProgram } from '../../infra/sample-app/main';
import { exitCodeFor } from '../../infra/shared/cli';

/**
 * Every numeric flag of every CLI, with its range written out by hand. `inside` is a value in
 * the range, used to disguise in-range numbers in spellings a human never means (`0x10`, `16e0`, `+16`).
 */
interface FlagCase {
  readonly cli: 'plan' | 'load' | 'mutate';
  /** The option as commander names it in its error line. */
  readonly usage: string;
  readonly long: string;
  readonly integer: boolean;
  /** Values that pass, with the number each means: the bounds of the range. */
  readonly passes: readonly (readonly [string, number])[];
  /** Values just outside the range. */
  readonly outside: readonly string[];
  readonly inside: number;
  /** What the error says the value must be. */
  readonly mustBe: string;
}

const FLAGS: readonly FlagCase[] = [
  {
    cli: 'plan',
    usage: '-r, --base-rate <msg/s>',
    long: '--base-rate',
    integer: false,
    passes: [
      ['0.000001', 0.000001],
      ['2.5', 2.5],
      ['1000000', 1_000_000],
    ],
    outside: ['0', '0.0', '-0.000001', '1000000.000001', '1000001'],
    inside: 16,
    mustBe:
      'must be a number above 0 up to 1000000 msg/s, in plain decimal digits, optionally with a fraction',
  },
  {
    cli: 'plan',
    usage: '--processing-seconds <s>',
    long: '--processing-seconds',
    integer: false,
    passes: [
      ['0', 0],
      ['0.25', 0.25],
      ['86400', 86_400],
    ],
    outside: ['-0.000001', '-1', '86400.000001', '86401'],
    inside: 16,
    mustBe: 'must be a number from 0 to 86400 seconds, in plain decimal digits, optionally with a fraction',
  },
  {
    cli: 'plan',
    usage: '--startup-seconds <s>',
    long: '--startup-seconds',
    integer: true,
    passes: [
      ['0', 0],
      ['3600', 3600],
    ],
    outside: ['-1', '3601', '1000000000'],
    inside: 16,
    mustBe: 'must be an integer from 0 to 3600 seconds, in plain decimal digits',
  },
  {
    cli: 'load',
    usage: '--rate <msgs>',
    long: '--rate',
    integer: false,
    passes: [
      ['0.000001', 0.000001],
      ['0.5', 0.5],
      ['100000', 100_000],
    ],
    outside: ['0', '-1', '100000.000001', '100001'],
    inside: 16,
    mustBe:
      'must be a number above 0 up to 100000 msg/s, in plain decimal digits, optionally with a fraction',
  },
  {
    cli: 'load',
    usage: '--duration <seconds>',
    long: '--duration',
    integer: true,
    passes: [
      ['1', 1],
      ['86400', 86_400],
    ],
    outside: ['0', '86401'],
    inside: 16,
    mustBe: 'must be an integer from 1 to 86400 seconds, in plain decimal digits',
  },
  {
    cli: 'load',
    usage: '--count <n>',
    long: '--count',
    integer: true,
    passes: [
      ['1', 1],
      ['100000000', 100_000_000],
    ],
    outside: ['0', '100000001'],
    inside: 16,
    mustBe: 'must be an integer from 1 to 100000000 messages, in plain decimal digits',
  },
  {
    cli: 'load',
    usage: '--body-bytes <n>',
    long: '--body-bytes',
    integer: true,
    passes: [
      ['1', 1],
      ['4194304', 4 * 1024 * 1024],
    ],
    outside: ['0', '4194305'],
    inside: 16,
    mustBe: 'must be an integer from 1 to 4194304 bytes, in plain decimal digits',
  },
  {
    cli: 'load',
    usage: '--concurrency <n>',
    long: '--concurrency',
    integer: true,
    passes: [
      ['1', 1],
      ['10000', 10_000],
    ],
    outside: ['0', '10001'],
    inside: 16,
    mustBe: 'must be an integer from 1 to 10000 sends, in plain decimal digits',
  },
  {
    cli: 'mutate',
    usage: '--concurrency <n>',
    long: '--concurrency',
    integer: true,
    passes: [
      ['1', 1],
      ['64', 64],
    ],
    outside: ['0', '65'],
    inside: 16,
    mustBe: 'must be an integer from 1 to 64 runners, in plain decimal digits',
  },
];

/** Spellings `Number()` reads (or half-reads) that a human typing a number never means. */
const HOSTILE = [
  '1e9',
  '1E3',
  '0x10',
  '0b1',
  '0o7',
  '1_000',
  '1,000',
  ' 5',
  '5 ',
  '+5',
  '-0',
  'Infinity',
  '-Infinity',
  'NaN',
  '',
  '5s',
  '.5',
  '5.',
  '05',
];

/** An in-range value in disguise: each spelling means `n` to `Number()`, and none is plain decimal. */
function disguises(n: number, integer: boolean): string[] {
  const plain = String(n);
  return [
    `${plain}e0`,
    `0x${n.toString(16)}`,
    `0b${n.toString(2)}`,
    `0${plain}`,
    ` ${plain}`,
    `${plain} `,
    `+${plain}`,
    `${plain}s`,
    ...(integer ? [`${plain}.0`, `${plain}.5`] : []),
  ];
}

function failing(flag: FlagCase): string[] {
  return [...new Set([...flag.outside, ...HOSTILE, ...disguises(flag.inside, flag.integer)])];
}

/** Writers for both shapes: the project's CLIs (`stdout`, `stderr`) and the sample app (commander's). */
interface Io {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly writeOut: (s: string) => void;
  readonly writeErr: (s: string) => void;
}

function capture(): { io: Io; err: () => string } {
  let err = '';
  const toErr = (s: string): void => void (err += s);
  const drop = (): void => undefined;
  return { io: { stdout: drop, stderr: toErr, writeOut: drop, writeErr: toErr }, err: () => err };
}

/** The command a flag belongs to, writing to `io`, and the arguments it needs besides the flag. */
function commandFor(
  cli: FlagCase['cli'],
  io?: Io,
): { root: Command; command: Command; before: string[]; after: string[] } {
  if (cli === 'plan') {
    const root = planProgram(io);
    return { root, command: root, before: ['--env', 'prod'], after: [] };
  }
  if (cli === 'mutate') {
    const root = mutateProgram(io);
    return { root, command: root, before: ['--folder', 'nope'], after: [] };
  }
  const root = sampleAppProgram(io);
  // An endpoint that fails its own check: a value that wrongly passes ends there, never on the network.
  return {
    root,
    command: root.commands.find((c) => c.name() === 'load')!,
    before: ['load', '--topic', 't'],
    after: ['--endpoint', 'not-an-endpoint'],
  };
}

function optionOf(command: Command, long: string): Option {
  return command.options.find((o) => o.long === long)!;
}

/** Parses the command line in-process; returns what commander wrote on stderr and the error it threw. */
async function parseFailure(flag: FlagCase, value: string): Promise<{ stderr: string; error: unknown }> {
  const out = capture();
  const { root, before, after } = commandFor(flag.cli, out.io);
  let error: unknown;
  try {
    await root.parseAsync([...before, flag.long, value, ...after], { from: 'user' });
  } catch (caught) {
    error = caught;
  }
  return { stderr: out.err(), error };
}

describe('numeric flags', () => {
  const passCases = FLAGS.flatMap((flag) =>
    flag.passes.map(([value, expected]) => [flag.cli, flag.long, value, expected, flag] as const),
  );
  test.each(passCases)('%s %s accepts %j as %d', (_cli, long, value, expected, flag) => {
    const { command } = commandFor(flag.cli);
    const option = optionOf(command, long);
    expect(option.parseArg!(value, undefined)).toBe(expected);
  });

  const failCases = FLAGS.flatMap((flag) =>
    failing(flag).map((value) => [flag.cli, flag.long, value, flag] as const),
  );
  test.each(failCases)(
    '%s %s refuses %j: commander names the flag and the range, exit 2',
    async (_cli, _long, value, flag) => {
      const { stderr, error } = await parseFailure(flag, value);
      expect(stderr.split('\n')[0]).toBe(
        `error: option '${flag.usage}' argument '${value}' is invalid. ${flag.mustBe}`,
      );
      expect(error).toBeInstanceOf(CommanderError);
      expect(exitCodeFor(flag.cli, error, () => undefined)).toBe(2);
    },
  );

  test.each(FLAGS.map((flag) => [flag.cli, flag.long, flag] as const))(
    '%s --help shows the range of %s',
    (_cli, long, flag) => {
      const { command } = commandFor(flag.cli);
      const range = flag.mustBe.replace(/^must be /, '').replace(/, in plain decimal digits.*$/, '');
      expect(command.createHelp().optionDescription(optionOf(command, long))).toContain(range);
    },
  );
});

describe('plan --outage <from-to[:empty]>', () => {
  const mustBe =
    'must be <from>-<to>[:empty], integers from 0 to 604800 seconds with from < to, in plain decimal digits';

  test.each<[string, { fromSecond: number; toSecond: number; kind: 'error' | 'empty' }]>([
    ['0-1', { fromSecond: 0, toSecond: 1, kind: 'error' }],
    ['0-604800', { fromSecond: 0, toSecond: 604_800, kind: 'error' }],
    ['604799-604800', { fromSecond: 604_799, toSecond: 604_800, kind: 'error' }],
    ['600-1200:empty', { fromSecond: 600, toSecond: 1200, kind: 'empty' }],
    ['600-1200:error', { fromSecond: 600, toSecond: 1200, kind: 'error' }],
  ])('accepts %j', (value, expected) => {
    expect(optionOf(planProgram(), '--outage').parseArg!(value, undefined)).toEqual(expected);
  });

  test.each([
    '0-604801',
    '604800-604801',
    '1200-600',
    '600-600',
    '-1-5',
    '0-1e23',
    '0-100000000000000000000000',
    '1e2-2e2',
    '0x10-0x20',
    '00-10',
    '0-010',
    '0.5-10',
    '0-10.5',
    ' 0-10',
    '0-10 ',
    '0 - 10',
    '+0-10',
    '0-+10',
    '0-10s',
    '0-10:bogus',
    '0-10:',
    '0-Infinity',
    'NaN-10',
    '0',
    '',
  ])('refuses %j, naming the flag and the range', async (value) => {
    const out = capture();
    let error: unknown;
    try {
      await planProgram(out.io).parseAsync(['--env', 'prod', '--outage', value], { from: 'user' });
    } catch (caught) {
      error = caught;
    }
    expect(out.err()).toBe(
      `error: option '--outage <from-to[:empty]>' argument '${value}' is invalid. ${mustBe}\n`,
    );
    expect(exitCodeFor('plan', error, () => undefined)).toBe(2);
  });
});

describe('planOptionViolations', () => {
  const prod = loadEnvironment('prod');
  const ledger = prod.workloads.find((w) => w.name === 'payment-ledger')!;
  const steady = resolveProfile('steady', ledger);

  test.each<[string, Parameters<typeof planOptionViolations>[1], string[]]>([
    ['start-up at its maximum', { startupSeconds: 3600 }, []],
    [
      'start-up a billion seconds',
      { startupSeconds: 1e9 },
      ['--startup-seconds (1000000000) must be an integer from 0 to 3600 seconds'],
    ],
    [
      'start-up a fraction of a second',
      { startupSeconds: 20.5 },
      ['--startup-seconds (20.5) must be an integer from 0 to 3600 seconds'],
    ],
    [
      'an in-flight time beyond a day',
      { processingSeconds: 86_401 },
      ['--processing-seconds (86401) must be a number from 0 to 86400 seconds'],
    ],
    [
      'an outage that ends with the profile',
      { outage: { fromSecond: 0, toSecond: 3600, kind: 'error' } },
      [],
    ],
    [
      'an outage past the end of the profile',
      { outage: { fromSecond: 3000, toSecond: 3601, kind: 'error' } },
      ['--outage (3000-3601) must lie within the profile steady: 0 <= from < to <= 3600 seconds'],
    ],
    [
      'an outage of fractional seconds',
      { outage: { fromSecond: 0.5, toSecond: 10, kind: 'error' } },
      ['--outage (0.5-10) must be <from>-<to>[:empty], integers from 0 to 604800 seconds with from < to'],
    ],
  ])('%s', (_name, options, expected) => {
    expect(planOptionViolations(ledger, options, steady)).toEqual(expected);
  });
});

describe('consumer environment', () => {
  const base = {
    ROCKETMQ_ENDPOINT: '127.0.0.1:8081',
    ROCKETMQ_TOPIC: 'orders',
    ROCKETMQ_CONSUMER_GROUP: 'order-fulfilment',
  };

  /** Variable, the config field it sets, min and max (as typed), an in-range value, integer?, the rule. */
  const VARIABLES: readonly (readonly [string, string, string, string, number, boolean, string])[] = [
    [
      'CONSUMER_SHUTDOWN_GRACE_SECONDS',
      'graceSeconds',
      '3',
      '86460',
      16,
      true,
      'must be an integer from 3 to 86460 seconds, in plain decimal digits',
    ],
    [
      'CONSUMER_HTTP_PORT',
      'httpPort',
      '0',
      '65535',
      16,
      true,
      'must be an integer from 0 to 65535, in plain decimal digits',
    ],
    [
      'SAMPLE_PROCESSING_MS',
      'processingMs',
      '0',
      '3600000',
      16,
      true,
      'must be an integer from 0 to 3600000 ms, in plain decimal digits',
    ],
    [
      'SAMPLE_FAILURE_RATIO',
      'failureRatio',
      '0',
      '1',
      0.25,
      false,
      'must be a number from 0 to 1, in plain decimal digits, optionally with a fraction',
    ],
    [
      'SAMPLE_CONCURRENCY',
      'concurrency',
      '1',
      '1024',
      16,
      true,
      'must be an integer from 1 to 1024 messages, in plain decimal digits',
    ],
    [
      'SAMPLE_INVISIBLE_SECONDS',
      'invisibleSeconds',
      '10',
      '43200',
      16,
      true,
      'must be an integer from 10 to 43200 seconds, in plain decimal digits',
    ],
    [
      'SAMPLE_AWAIT_SECONDS',
      'awaitSeconds',
      '5',
      '20',
      16,
      true,
      'must be an integer from 5 to 20 seconds, in plain decimal digits',
    ],
  ];
  // The longest processing time needs the longest invisible time (processing < invisible).
  const roomy = { SAMPLE_INVISIBLE_SECONDS: '43200' };

  test.each(
    VARIABLES.flatMap(([name, field, min, max]) => [
      [name, min, field],
      [name, max, field],
    ]),
  )('%s=%j is read', (name, value, field) => {
    const config = consumerConfigFromEnv({ ...base, ...roomy, [name]: value }) as unknown as Record<
      string,
      number
    >;
    expect(config[field]).toBe(Number(value));
  });

  const below = (min: string, integer: boolean): string =>
    integer ? String(Number(min) - 1) : `${Number(min) - 0.000001}`;
  const above = (max: string, integer: boolean): string =>
    integer ? String(Number(max) + 1) : `${max}.000001`;
  // Empty is unset (the default), as Kubernetes writes an env entry with no value.
  const hostile = HOSTILE.filter((h) => h !== '');
  test.each(
    VARIABLES.flatMap(([name, , min, max, inside, integer, mustBe]) =>
      [...new Set([below(min, integer), above(max, integer), ...hostile, ...disguises(inside, integer)])].map(
        (value) => [name, value, mustBe] as const,
      ),
    ),
  )('%s=%j is refused, naming the variable and the range', (name, value, mustBe) => {
    expect(() => consumerConfigFromEnv({ ...base, ...roomy, [name]: value })).toThrow(
      new RangeError(`invalid consumer environment:\n  ${name} (${JSON.stringify(value)}) ${mustBe}`),
    );
  });
});

describe('the real processes exit 2 with the line', () => {
  const root = path.resolve(__dirname, '..', '..');
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  test.each([
    [
      'npm run load',
      ['infra/sample-app/main.ts', 'load', '--topic', 't', '--rate', '0x10'],
      "error: option '--rate <msgs>' argument '0x10' is invalid. must be a number above 0 up to 100000 msg/s, in plain decimal digits, optionally with a fraction",
    ],
    [
      'npm run mutate',
      ['infra/mutate/cli.ts', '--concurrency', '1e1'],
      "error: option '--concurrency <n>' argument '1e1' is invalid. must be an integer from 1 to 64 runners, in plain decimal digits",
    ],
  ])('%s', (_name, args, line) => {
    const run = spawnSync(tsx, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect({ status: run.status, first: run.stderr.split('\n')[0] }).toEqual({ status: 2, first: line });
  });
});
