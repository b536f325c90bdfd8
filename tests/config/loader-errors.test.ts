import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALICLOUD_PROVIDER_KEYS, closestKey, KUBERNETES_PROVIDER_KEYS } from '../../infra/config/config-keys';
import {
  apsaraMqSpec,
  EnvironmentSpecError,
  listEnvironments,
  loadEnvironment,
  stackFilePath,
} from '../../infra/config/environment';
import { scratchDir } from '../shared/scratch';

const ROOT = path.resolve(__dirname, '..', '..');
const devFile = fs.readFileSync(stackFilePath('dev'), 'utf8');

/** Writes `text` as the stack file of `env` in a scratch stacks directory and loads it. */
function loadVariant(env: string, text: string): { error: EnvironmentSpecError; file: string } {
  const dir = scratchDir('apsaramq-keda-loader-');
  const file = path.join(dir, `Pulumi.${env}.yaml`);
  fs.writeFileSync(file, text);
  try {
    loadEnvironment(env, dir);
  } catch (error) {
    if (error instanceof EnvironmentSpecError) return { error, file };
    throw error;
  }
  throw new Error(`${env} loaded without error`);
}

/** The 1-based line of the first occurrence of `needle` in `text`. */
const lineOf = (text: string, needle: string): number =>
  text.slice(0, text.indexOf(needle)).split('\n').length;

describe('loadEnvironment YAML syntax errors', () => {
  test('an unclosed quote is reported at the line of the quote that opened it, after the file path', () => {
    const text = devFile.replace('name: orders_dev', 'name: "orders_dev');
    expect(text).not.toBe(devFile);
    const { error, file } = loadVariant('qa', text);
    const line = lineOf(text, '"orders_dev');
    expect(error.message.startsWith(`${file}: environment "qa" is invalid:`)).toBe(true);
    expect(error.violations).toEqual([
      `line ${line}, column ${text.split('\n')[line - 1].indexOf('"') + 1}: the value quoted with " that starts here is never closed`,
    ]);
  });

  test('a tab used as indentation names the file, the environment and its line', () => {
    const text = devFile.replace('\n  apsaramq-keda:topics', '\n\tapsaramq-keda:topics');
    const { error, file } = loadVariant('qa', text);
    expect(error.message.startsWith(`${file}: environment "qa" is invalid:`)).toBe(true);
    expect(error.violations[0]).toBe(
      `line ${lineOf(text, '\tapsaramq-keda:topics')}, column 1: Tabs are not allowed as indentation`,
    );
  });

  test('a duplicate key names the file, the environment and the line of the second key', () => {
    const text = `${devFile.trimEnd()}\n  alicloud:region: cn-shanghai\n`;
    const { error, file } = loadVariant('qa', text);
    expect(error.message.startsWith(`${file}: environment "qa" is invalid:`)).toBe(true);
    expect(error.violations).toEqual([
      `line ${text.trimEnd().split('\n').length}, column 3: Map keys must be unique`,
    ]);
  });

  test('a missing stack file and a file without config: start with the file path', () => {
    const dir = scratchDir('apsaramq-keda-loader-');
    expect(() => loadEnvironment('qa', dir)).toThrow(
      `${path.join(dir, 'Pulumi.qa.yaml')}: environment "qa" is invalid:\n  - no such stack file (known environments: )`,
    );
    const { error, file } = loadVariant('qa', 'encryptionsalt: x\n');
    expect(error.message).toBe(`${file}: environment "qa" is invalid:\n  - has no config: map`);
  });

  test('errors of a committed stack file show its path relative to the repository', () => {
    expect(() => loadEnvironment('nope')).toThrow(
      /^stacks\/Pulumi\.nope\.yaml: environment "nope" is invalid:/,
    );
  });
});

describe('loadEnvironment unknown config keys', () => {
  test.each([
    [
      'alicloud:regoin',
      devFile.replace('alicloud:region', 'alicloud:regoin'),
      [
        'alicloud:regoin: unknown config key; did you mean alicloud:region?',
        'alicloud:region: is required: the region of the environment, such as cn-hangzhou',
      ],
    ],
    [
      'apsaramq-keda:region',
      devFile.replace('alicloud:region', 'apsaramq-keda:region'),
      [
        'apsaramq-keda:region: unknown config key; did you mean alicloud:region?',
        'alicloud:region: is required: the region of the environment, such as cn-hangzhou',
      ],
    ],
    [
      'apsaramq_keda:workloads',
      devFile.replace('apsaramq-keda:workloads', 'apsaramq_keda:workloads'),
      [
        'apsaramq_keda:workloads: unknown config key; did you mean apsaramq-keda:workloads?',
        'apsaramq-keda:workloads: is required',
      ],
    ],
  ])('%s is an error naming the key and the closest known one', (_key, text, violations) => {
    expect(loadVariant('qa', text).error.violations).toEqual(violations);
  });

  test('an unknown key inside a section names the closest key of that section', () => {
    const text = devFile.replace(/\bmaxReplicas:/, 'maxReplica:');
    expect(text).not.toBe(devFile);
    expect(loadVariant('qa', text).error.violations).toEqual([
      'workloads[0].maxReplicas: is required (number)',
      'workloads[0].maxReplica: unknown key; did you mean maxReplicas?',
    ]);
  });

  test('provider settings and engine keys are accepted', () => {
    const text = devFile.replace(
      '  alicloud:region',
      '  alicloud:profile: ops\n  kubernetes:context: ack-dev\n  pulumi:tags:\n    team: orders\n  alicloud:region',
    );
    expect(text).not.toBe(devFile);
    const dir = scratchDir('apsaramq-keda-loader-');
    fs.writeFileSync(path.join(dir, 'Pulumi.qa.yaml'), text);
    expect(apsaraMqSpec(loadEnvironment('qa', dir)).region).toBe(apsaraMqSpec(loadEnvironment('dev')).region);
  });

  test('a key without a namespace suggests the namespaced one', () => {
    const text = devFile.replace('  apsaramq-keda:topics', '  topics');
    expect(loadVariant('qa', text).error.violations).toEqual([
      'topics: config keys need a namespace (did you mean apsaramq-keda:topics?)',
      'apsaramq-keda:topics: is required',
    ]);
  });

  test('nothing is suggested for a key far from every known one', () => {
    expect(
      closestKey('vendor:completely-different', ['alicloud:region', 'apsaramq-keda:topics']),
    ).toBeUndefined();
  });

  test('the provider key lists are those of the installed @pulumi/alicloud and @pulumi/kubernetes', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the provider's runtime config module
    const alicloud = Object.keys(require('@pulumi/alicloud/config') as object).filter(
      (k) => k !== 'ReportTemplate',
    );
    expect([...ALICLOUD_PROVIDER_KEYS]).toEqual(alicloud.sort());
    const declaration = fs.readFileSync(
      path.join(ROOT, 'node_modules/@pulumi/kubernetes/provider.d.ts'),
      'utf8',
    );
    const args = /export interface ProviderArgs \{([\s\S]*?)\n\}/.exec(declaration)?.[1] ?? '';
    const kubernetes = [...args.matchAll(/^\s+(?:readonly\s+)?([A-Za-z]+)\??:/gm)].map((m) => m[1]).sort();
    expect(kubernetes.length).toBeGreaterThan(10);
    expect([...KUBERNETES_PROVIDER_KEYS]).toEqual(kubernetes);
  });
});

test('every committed stack file loads', () => {
  for (const env of listEnvironments()) expect(loadEnvironment(env).name).toBe(env);
});

describe('loadBalancing names the SDKs of each mode', () => {
  const withLine = (line: string): string => {
    const text = devFile.replace('      loadBalancing: message\n', `      ${line}\n`);
    expect(text).not.toBe(devFile);
    return text;
  };

  test('an unknown value lists which SDKs balance per message and which per queue', () => {
    const [violation] = loadVariant('qa', withLine('loadBalancing: tcp')).error.violations;
    expect(violation).toMatch(/^workloads\[0\]\.loadBalancing: must be message or queue \(message = /);
    for (const sdk of [
      'TCP Java SDK 2.x.x.Final',
      'TCP C++ SDK 3.x',
      'TCP Java SDK 1.x',
      'TCP C++ SDK 1.x and 2.x',
      '4.x Remoting',
      '5.x gRPC',
    ])
      expect(violation).toContain(sdk);
  });

  test('queue without queueCount names the queue-based SDKs', () => {
    expect(loadVariant('qa', withLine('loadBalancing: queue')).error.violations).toEqual([
      'workloads[0].queueCount is required for queue-based consumers (loadBalancing: queue is Apache RocketMQ 4.x Remoting SDKs; Alibaba TCP Java SDK 1.x; Alibaba TCP C++ SDK 1.x and 2.x; any SDK of a region without message-based balancing)',
    ]);
  });
});
