/**
 * stacks/stack-file.schema.json, read by a real JSON Schema validator (ajv, draft-07 as the YAML language server
 * reads it): the committed stack files pass, hand-made mistakes fail where an editor would mark them, and the
 * schema refuses what the loader refuses wherever JSON Schema can say the rule.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { listEnvironments } from '../../infra/config/environment';
import { type Config, section, stackConfig, violationsOf } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const schema = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'stacks', 'stack-file.schema.json'), 'utf8'),
) as object;
// strict: an unknown keyword or format in the schema fails the compile instead of being ignored. `uri` is the one
// format zod emits (z.url); ajv leaves formats to ajv-formats, so it is given here.
const ajv = new Ajv({ allErrors: true, strict: true, formats: { uri: (s: string) => URL.canParse(s) } });
const validate = ajv.compile(schema);

/** The errors of a whole stack file (`config:` plus Pulumi's top-level keys); none: an empty list. */
function errorsOf(document: unknown): ErrorObject[] {
  return validate(document) ? [] : [...(validate.errors ?? [])];
}

/** The errors of the dev stack after `edit`, as `instancePath keyword` (the failing branches of a union too). */
function schemaErrors(edit: (config: Config) => void, environment = 'dev'): string[] {
  const config = stackConfig(environment);
  edit(config);
  return errorsOf({ config }).map((e) => `${e.instancePath} ${e.keyword}`);
}

describe('stack-file.schema.json', () => {
  test.each(listEnvironments())('stacks/Pulumi.%s.yaml validates against the schema', (environment) => {
    const text = fs.readFileSync(path.join(ROOT, 'stacks', `Pulumi.${environment}.yaml`), 'utf8');
    expect(errorsOf(parseYaml(text))).toEqual([]);
  });

  test('every stack file names the schema on its first line, and describes its environment on the second', () => {
    for (const environment of listEnvironments()) {
      const lines = fs
        .readFileSync(path.join(ROOT, 'stacks', `Pulumi.${environment}.yaml`), 'utf8')
        .split('\n');
      expect(lines[0]).toBe('# yaml-language-server: $schema=./stack-file.schema.json');
      expect(lines[1]).toMatch(new RegExp(`^# ${environment}: `));
    }
  });

  test.each<[string, (config: Config) => void, string[]]>([
    [
      'an unknown key under a section',
      (c) => (section(c, 'kubernetes').namespaces = 'orders-dev'),
      ['/config/apsaramq-keda:kubernetes additionalProperties'],
    ],
    [
      'a wrong type',
      (c) => (section(c, 'workloads')[0].maxReplicas = '5'),
      ['/config/apsaramq-keda:workloads/0/maxReplicas type'],
    ],
    [
      'a value out of range',
      (c) => (section(c, 'consumerGroups')[0].maxRetryTimes = 1001),
      ['/config/apsaramq-keda:consumerGroups/0/maxRetryTimes maximum'],
    ],
    [
      'an enum miss',
      (c) => (section(c, 'kubernetes').selectorScheme = 'instance'),
      ['/config/apsaramq-keda:kubernetes/selectorScheme enum'],
    ],
    [
      'a misspelled config key',
      (c) => {
        c['alicloud:regoin'] = c['alicloud:region'];
        delete c['alicloud:region'];
      },
      // alicloud:region is required by the ApsaraMQ branch of the broker if/then/else (issue 27): ajv reports the
      // branch's required, then the if that chose it.
      ['/config required', '/config if', '/config additionalProperties'],
    ],
    [
      'a secret key in plain text',
      (c) => (c['apsaramq-keda:kubeconfig'] = 'apiVersion: v1'),
      ['/config/apsaramq-keda:kubeconfig type'],
    ],
    [
      'a list below its minimum',
      (c) => (c['apsaramq-keda:topics'] = []),
      ['/config/apsaramq-keda:topics minItems'],
    ],
  ])('%s is an error at its path', (_what, edit, expected) => {
    expect(schemaErrors(edit)).toEqual(expected);
  });

  // issue 27: the editor refuses a section of the other flavor, as the loader does.
  test('an ApsaraMQ instance in a self-managed file, and selfManaged in an ApsaraMQ file, are errors', () => {
    expect(
      schemaErrors(
        (c) => (c['apsaramq-keda:instance'] = { existingInstanceId: 'rmq-cn-fake0000001' }),
        'selfhosted',
      ),
    ).toEqual(['/config/apsaramq-keda:instance false schema', '/config if']);
    expect(
      schemaErrors((c) => (c['apsaramq-keda:selfManaged'] = { proxyEndpoint: 'a:1', nameServer: 'b:2' })),
    ).toEqual(['/config/apsaramq-keda:selfManaged false schema', '/config if']);
  });

  test('the unknown key is named in the error', () => {
    const errors = errorsOf({ config: { ...stackConfig('dev'), 'apsaramq-keda:workload': [] } });
    expect(errors.map((e) => [e.instancePath, e.params])).toEqual([
      ['/config', { additionalProperty: 'apsaramq-keda:workload' }],
    ]);
  });

  test('secure values validate where the loader accepts them', () => {
    const secure = { secure: 'AAABAKsecretciphertext' };
    const config = {
      ...stackConfig('staging'),
      'apsaramq-keda:prometheusToken': secure,
      'alicloud:secretKey': secure,
      'kubernetes:kubeconfig': secure,
      'pulumi:tags': { team: 'platform' },
    };
    expect(errorsOf({ config })).toEqual([]);
    expect(violationsOf('staging', (c) => Object.assign(c, config))).toEqual([]);
  });

  test("Pulumi's own top-level keys validate; another top-level key is an error", () => {
    const config = stackConfig('dev');
    const pulumiKeys = {
      secretsprovider: 'passphrase',
      encryptionsalt: 'v1:c2FsdA==:v1:aXY=:dGFn',
      encryptedkey: 'a2V5',
      environment: ['orders/dev'],
    };
    expect(errorsOf({ ...pulumiKeys, config })).toEqual([]);
    expect(errorsOf({ config, confg: {} }).map((e) => [e.instancePath, e.params])).toEqual([
      ['', { additionalProperty: 'confg' }],
    ]);
  });
});

describe('stack-file.schema.json and the loader', () => {
  // Each variant: the loader's violation, and the schema error at the same field.
  test.each<[string, (config: Config) => void, string, string]>([
    [
      'an unknown key',
      (c) => (section(c, 'workloads')[0].maxReplica = 5),
      'workloads[0].maxReplica: unknown key; did you mean maxReplicas?',
      '/config/apsaramq-keda:workloads/0 additionalProperties',
    ],
    [
      'a negative minReplicas',
      (c) => (section(c, 'workloads')[0].minReplicas = -1),
      'workloads[0].minReplicas: Too small: expected number to be >=0',
      '/config/apsaramq-keda:workloads/0/minReplicas minimum',
    ],
    [
      'a namespace that is no DNS-1123 label',
      (c) => (section(c, 'kubernetes').namespace = 'Orders_Dev'),
      'kubernetes.namespace: must be a DNS-1123 label (lowercase alphanumerics and "-", start and end alphanumeric)',
      '/config/apsaramq-keda:kubernetes/namespace pattern',
    ],
    [
      'a missing section',
      (c) => delete c['apsaramq-keda:prometheus'],
      'apsaramq-keda:prometheus: is required',
      '/config required',
    ],
    [
      'a fallback that is neither false nor an object',
      (c) => (section(c, 'workloads')[0].scaling.fallback = true),
      'workloads[0].scaling.fallback: Invalid input: expected false',
      '/config/apsaramq-keda:workloads/0/scaling/fallback anyOf',
    ],
    [
      'a kedaAddonVersion that is not pinned',
      (c) => (section(c, 'kubernetes').kedaAddonVersion = '2.16.0'),
      'kubernetes.kedaAddonVersion: ("2.16.0") must be a pinned ack-keda version: 2.17.2',
      '/config/apsaramq-keda:kubernetes/kedaAddonVersion enum',
    ],
  ])('%s is refused by both', (_what, edit, violation, schemaError) => {
    expect(violationsOf('dev', edit)).toContain(violation);
    expect(schemaErrors(edit)).toContain(schemaError);
  });

  // Rules JSON Schema cannot state (a refinement, or a rule across fields): the loader alone refuses these, and the
  // key's description says the rule in words.
  test.each<[string, (config: Config) => void, string]>([
    [
      'minReplicas above maxReplicas',
      (c) => (section(c, 'workloads')[0].minReplicas = 6),
      'workloads[0].minReplicas (6) must be <= maxReplicas (5)',
    ],
    [
      'a reserved topic name',
      (c) => (section(c, 'topics')[0].name = 'TBW102'),
      'topics[0].name: "TBW102" is a reserved RocketMQ system topic name',
    ],
    [
      'an image without a tag',
      (c) =>
        (section(c, 'workloads')[0].image = 'registry.cn-hangzhou.aliyuncs.com/apsaramq-keda/sample-app'),
      'workloads[0].image: must pin a tag or digest, not latest',
    ],
    [
      'both instanceId and serverAddress',
      (c) => (section(c, 'prometheus').serverAddress = 'https://prometheus.example.com'),
      'prometheus: set exactly one of instanceId (lookup) or serverAddress',
    ],
    [
      'a credential as a literal env value',
      (c) => (section(c, 'workloads')[0].env = { DB_PASSWORD: 'hunter2' }),
      'workloads[0].env.DB_PASSWORD: holds a literal value, but its name says it is a credential; reference a Secret instead: DB_PASSWORD: { secretKeyRef: { name: <secret>, key: <key> } }',
    ],
  ])('%s is refused by the loader only', (_what, edit, violation) => {
    expect(violationsOf('dev', edit)).toContain(violation);
    expect(schemaErrors(edit)).toEqual([]);
  });
});

describe('the stack-file reference', () => {
  /** Every key of the project's sections: its path and schema. */
  function keys(node: Record<string, unknown>, at: string): [string, Record<string, unknown>][] {
    const below = (n: Record<string, unknown>, suffix: string): [string, Record<string, unknown>][] => {
      const properties = (n.properties ?? {}) as Record<string, Record<string, unknown>>;
      const own = Object.entries(properties).flatMap(([k, v]) => [
        [`${at}${suffix}.${k}`, v] as [string, Record<string, unknown>],
        ...keys(v, `${at}${suffix}.${k}`),
      ]);
      const items = n.items as Record<string, unknown> | undefined;
      const union = (n.anyOf ?? []) as Record<string, unknown>[];
      const values = n.additionalProperties;
      return [
        ...own,
        ...(items === undefined ? [] : below(items, `${suffix}[]`)),
        ...union.flatMap((u) => below(u, suffix)),
        ...(typeof values === 'object' && values !== null
          ? below(values as Record<string, unknown>, `${suffix}.<NAME>`)
          : []),
      ];
    };
    return below(node, '');
  }

  test('every key of the project has a description, and every key that holds a value an example', () => {
    const config = (
      schema as { properties: { config: { properties: Record<string, Record<string, unknown>> } } }
    ).properties.config.properties;
    const own = Object.entries(config).filter(
      ([k]) => k.startsWith('apsaramq-keda:') || k === 'alicloud:region',
    );
    const all = own.flatMap(([k, v]) => [[k, v] as [string, Record<string, unknown>], ...keys(v, k)]);
    const undescribed = all.filter(([, v]) => typeof v.description !== 'string').map(([k]) => k);
    const holdsValue = (v: Record<string, unknown>) =>
      v.properties === undefined && v.type !== 'array' && v.anyOf === undefined;
    const noExample = all
      .filter(([, v]) => holdsValue(v) && !Array.isArray(v.examples))
      .filter(([k]) => !k.endsWith('.secure'))
      .map(([k]) => k);
    expect({ undescribed, noExample }).toEqual({ undescribed: [], noExample: [] });
  });
});
