/**
 * The loader's own messages around zod's (infra/config/environment.ts): keys without a namespace or far from
 * every known key, a missing region beside other shape errors, plain-text secrets, values zod refuses by type,
 * and stack files that are no map of config. Every expected line is written out by hand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  decodePulumiConfig,
  EnvironmentSpecError,
  loadEnvironment,
  parseEnvironment,
} from '../../infra/config/environment';
import { section, stackConfig, violationsOf } from './helpers';
import { scratchDir } from '../shared/scratch';

/** The error parseEnvironment throws for the edited dev config (and what it was given). */
function errorOf(edit: (config: Record<string, unknown>) => void, file?: string): EnvironmentSpecError {
  const config = stackConfig('dev');
  edit(config);
  try {
    parseEnvironment('dev', config, file);
  } catch (error) {
    if (error instanceof EnvironmentSpecError) return error;
    throw error;
  }
  throw new Error('dev loaded without error');
}

const scratch = (): string => scratchDir('apsaramq-keda-messages-');

// 45 characters: with the namespace 'apsaramq-keda:' (14) it is 59 long, so the allowance is floor(59 / 3) =
// 19 edits; the longest known key, kubernetes:suppressDeprecationWarnings, has 38 characters, so every known
// key is at least 59 - 38 = 21 edits away.
const FAR = 'z'.repeat(45);

describe('keys far from every known key get no suggestion', () => {
  test('a key without a namespace', () => {
    expect(violationsOf('dev', (c) => (c[FAR] = 1))).toEqual([`${FAR}: config keys need a namespace`]);
  });

  test('an unknown key inside a section lists the keys of that section, sorted', () => {
    // topics[0] allows maxSendTps, messageType, name, remark (schema.ts topicSchema); 45 characters against
    // at most 11 is more than floor(45 / 3) = 15 edits.
    expect(violationsOf('dev', (c) => (section(c, 'topics')[0][FAR] = 'x'))).toEqual([
      `topics[0].${FAR}: unknown key (known: maxSendTps, messageType, name, remark)`,
    ]);
  });
});

test('a missing region is reported once, beside the other shape errors', () => {
  expect(
    violationsOf('dev', (c) => {
      delete c['alicloud:region'];
      section(c, 'topics')[1].name = 'TBW102';
    }),
  ).toEqual([
    'alicloud:region: is required: the region of the environment, such as cn-hangzhou',
    'topics[1].name: "TBW102" is a reserved RocketMQ system topic name',
  ]);
});

describe('a value of the wrong type is not "required"', () => {
  test('a string for a number names both types', () => {
    expect(violationsOf('dev', (c) => (section(c, 'workloads')[0].minReplicas = 'three'))).toEqual([
      'workloads[0].minReplicas: Invalid input: expected number, received string',
    ]);
  });

  test('an absent number is required, with its type', () => {
    expect(violationsOf('dev', (c) => delete section(c, 'workloads')[0].minReplicas)).toEqual([
      'workloads[0].minReplicas: is required (number)',
    ]);
  });
});

describe('secret keys', () => {
  test.each(['apsaramq-keda:prometheusToken', 'apsaramq-keda:kubeconfig'])(
    '%s in plain text is refused',
    (key) => {
      expect(violationsOf('dev', (c) => (c[key] = 'plain-text-token'))).toEqual([
        `${key}: holds a secret in plain text; set it with pulumi config set --secret`,
      ]);
    },
  );

  test('an empty value (null in YAML) is no secure value either', () => {
    expect(violationsOf('dev', (c) => (c['apsaramq-keda:kubeconfig'] = null))).toEqual([
      'apsaramq-keda:kubeconfig: holds a secret in plain text; set it with pulumi config set --secret',
    ]);
  });

  test('a secure value (as Pulumi writes it) is accepted', () => {
    expect(violationsOf('dev', (c) => (c['apsaramq-keda:prometheusToken'] = { secure: 'v1:abc' }))).toEqual(
      [],
    );
  });
});

test('parseEnvironment given the stack file names it first', () => {
  const error = errorOf((c) => (section(c, 'workloads')[0].minReplicas = 6), '/srv/stacks/Pulumi.dev.yaml');
  // dev's order-fulfilment has maxReplicas 5.
  expect(error.message).toBe(
    '/srv/stacks/Pulumi.dev.yaml: environment "dev" is invalid:\n  - workloads[0].minReplicas (6) must be <= maxReplicas (5)',
  );
  expect(error.file).toBe('/srv/stacks/Pulumi.dev.yaml');
});

describe('decodePulumiConfig', () => {
  test('only a value that starts with [ or { (after blanks) is JSON', () => {
    expect(decodePulumiConfig({ a: 'tags [x]', b: 'x {y}', c: '\n\t{"k": 1}', d: '[]' })).toEqual({
      a: 'tags [x]',
      b: 'x {y}',
      c: { k: 1 },
      d: [],
    });
  });
});

describe('loadEnvironment: a stack file that holds no config map', () => {
  test.each([
    ['an empty file (a null document)', ''],
    ['a scalar document', 'hello\n'],
    ['a list document', '- config\n'],
    ['config: with no value (null)', 'config:\n'],
    ['config: a list', 'config:\n  - a\n'],
    ['config: a number', 'config: 5\n'],
  ])('%s: "has no config: map"', (_title, text) => {
    const dir = scratch();
    fs.writeFileSync(path.join(dir, 'Pulumi.qa.yaml'), text);
    expect(() => loadEnvironment('qa', dir)).toThrow(
      new Error(`${path.join(dir, 'Pulumi.qa.yaml')}: environment "qa" is invalid:\n  - has no config: map`),
    );
  });
});

describe('loadEnvironment: an unknown environment lists the known ones', () => {
  test('two stack files: both, sorted, comma-separated', () => {
    const dir = scratch();
    for (const env of ['beta', 'alpha'])
      fs.writeFileSync(path.join(dir, `Pulumi.${env}.yaml`), 'config: {}\n');
    expect(() => loadEnvironment('qa', dir)).toThrow(
      `${path.join(dir, 'Pulumi.qa.yaml')}: environment "qa" is invalid:\n  - no such stack file (known environments: alpha, beta)`,
    );
  });

  test('no stacks directory at all: none', () => {
    const dir = path.join(scratch(), 'missing');
    expect(() => loadEnvironment('qa', dir)).toThrow(
      `${path.join(dir, 'Pulumi.qa.yaml')}: environment "qa" is invalid:\n  - no such stack file (known environments: none)`,
    );
  });
});

describe('a value matching no branch of a union is reported on the branch with the fewest issues', () => {
  test('an adopted instance with a malformed id: the adopt branch (1 issue against 7)', () => {
    // The create branch would report existingInstanceId as unknown plus 6 missing fields (name, seriesCode,
    // subSeriesCode, msgProcessSpec, paymentType, network); the adopt branch only the id's pattern.
    expect(
      violationsOf('dev', (c) => (c['apsaramq-keda:instance'] = { existingInstanceId: 'i-123' })),
    ).toEqual(['instance.existingInstanceId: must look like rmq-cn-xxxxxxxx']);
  });

  test('a tie goes to the first branch: fallback "off" is one issue against false and one against an object', () => {
    expect(violationsOf('dev', (c) => (section(c, 'workloads')[0].scaling.fallback = 'off'))).toEqual([
      'workloads[0].scaling.fallback: Invalid input: expected false',
    ]);
  });
});

test('listEnvironments sorts by environment name, not by file name', () => {
  // By file name, "Pulumi.a-b.yaml" comes before "Pulumi.a.yaml" ('-' is 0x2d, '.' is 0x2e); by name, "a" is
  // a prefix of "a-b" and comes first.
  const dir = scratch();
  for (const env of ['a-b', 'a']) fs.writeFileSync(path.join(dir, `Pulumi.${env}.yaml`), 'config: {}\n');
  expect(() => loadEnvironment('qa', dir)).toThrow('(known environments: a, a-b)');
});
