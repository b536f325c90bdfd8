/**
 * MetricsReader on its own, under the provider mocks: the user-name and comment rules with messages and passing
 * boundaries, and the exact RAM user, policy attachment and AccessKey it registers. Expected values are worked
 * out by hand from the arguments.
 */
import * as pulumi from '@pulumi/pulumi';
import { InvalidArgsError, MetricsReader, metricsReaderViolations } from '../../constructs/cloud';
import { CANARY, type RecordedResource, type Run, runWithMocks, valueOf } from '../pulumi/harness';
import { TYPE } from '../pulumi/types';
import { freshModule } from './fresh-module';

type Module = typeof import('../../constructs/cloud/metrics-reader');

const NAME_RULE = 'must be 1-64 alphanumerics, ".", "_" or "-", not starting with "-"';

function run<T>(construct: () => T) {
  return runWithMocks('test', { 'alicloud:region': 'cn-hangzhou' }, construct);
}

function named(r: Run<unknown>, name: string): RecordedResource {
  const found = r.resources.filter((x) => x.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('metricsReaderViolations', () => {
  test.each<[string, Parameters<typeof metricsReaderViolations>[0], string[]]>([
    ['a plain user name', { userName: 'keda-metrics-dev' }, []],
    ['comments of 128 characters', { userName: 'r', comments: 'c'.repeat(128) }, []],
    ['empty comments', { userName: 'r', comments: '' }, []],
    [
      'comments of 129 characters',
      { userName: 'r', comments: 'c'.repeat(129) },
      ['comments is 129 characters; at most 128'],
    ],
    ['a user name starting with "-"', { userName: '-r' }, [`userName ("-r") ${NAME_RULE}`]],
    [
      'both rules broken',
      { userName: 'a b', comments: 'c'.repeat(200) },
      [`userName ("a b") ${NAME_RULE}`, 'comments is 200 characters; at most 128'],
    ],
  ])('%s', (_, input, expected) => {
    expect(metricsReaderViolations(input)).toEqual(expected);
  });

  test('the user-name pattern and the policy names, loaded inside the test', () => {
    const fresh = freshModule(() => require('../../constructs/cloud/metrics-reader') as Module); // eslint-disable-line @typescript-eslint/no-require-imports -- see freshModule
    // Source: ARMS Prometheus HTTP API authentication (system policy); ram.UserPolicyAttachment.policyType.
    expect([fresh.PROMETHEUS_METRIC_READ_POLICY, fresh.SYSTEM_POLICY_TYPE]).toEqual([
      'AliyunPrometheusMetricReadAccess',
      'System',
    ]);
    const check = (userName: string) => fresh.metricsReaderViolations({ userName });
    // 1 to 64 characters; the first may be ".", "_" but not "-"; anchored at both ends.
    const good = ['a', 'keda.reader_1-x', '_x', 'a'.repeat(64)];
    expect(good.map(check)).toEqual(good.map(() => []));
    const bad = ['', '-reader', 'a'.repeat(65), 'reader!', 'rea der'];
    expect(bad.map(check)).toEqual(bad.map((u) => [`userName ("${u}") ${NAME_RULE}`]));
  });

  test('the constructor throws, naming the component, before registering anything', async () => {
    const r = await run(() => new MetricsReader('r', { userName: 'r', comments: 'c'.repeat(129) }));
    expect(r.error).toBeInstanceOf(InvalidArgsError);
    expect((r.error as Error).message).toBe(
      'MetricsReader "r" has invalid arguments:\n  - comments is 129 characters; at most 128',
    );
    expect(r.resources).toEqual([]);
  });
});

describe('MetricsReader', () => {
  test('a RAM user with only the metric-read system policy, and an AccessKey issued after the attachment', async () => {
    const r = await run(() => new MetricsReader('r', { userName: 'keda-metrics-dev' }));
    expect(r.error).toBeUndefined();
    expect(r.resources.map((x) => [x.name, x.type, x.parent]).sort()).toEqual([
      ['r', TYPE.metricsReader, undefined],
      ['r-key', TYPE.ramAccessKey, 'r'],
      ['r-policy', TYPE.ramAttachment, 'r'],
      ['r-user', TYPE.ramUser, 'r'],
    ]);
    expect(named(r, 'r-user').inputs).toEqual({
      name: 'keda-metrics-dev',
      comments: 'Reads ARMS Prometheus metrics for KEDA; no other permission.',
    });
    expect(named(r, 'r-policy').inputs).toEqual({
      userName: 'keda-metrics-dev',
      policyName: 'AliyunPrometheusMetricReadAccess',
      policyType: 'System',
    });
    const key = named(r, 'r-key');
    expect({
      inputs: key.inputs,
      dependsOn: key.dependsOn,
      additionalSecretOutputs: key.additionalSecretOutputs,
    }).toEqual({
      inputs: { userName: 'keda-metrics-dev', status: 'Active' },
      // r-policy explicitly; r-user through the userName input.
      dependsOn: ['r-policy', 'r-user'],
      // Ours, then the one @pulumi/alicloud's ram.AccessKey adds itself (ram/accessKey.js secretOpts): the secret
      // stays marked whichever side drops its mark.
      additionalSecretOutputs: ['secret', 'secret'],
    });

    const reader = r.result!;
    expect(await valueOf(reader.userName)).toBe('keda-metrics-dev');
    expect(await pulumi.isSecret(reader.userName)).toBe(false);
    // The mock's AccessKey: its id and its secret, both handed out as Pulumi secrets.
    expect(await valueOf(reader.accessKeyId)).toBe(CANARY.accessKeyId);
    expect(await valueOf(reader.accessKeySecret)).toBe(CANARY.accessKeySecret);
    expect([
      await pulumi.isSecret(reader.accessKeyId),
      await pulumi.isSecret(reader.accessKeySecret),
    ]).toEqual([true, true]);
    expect(r.componentOutputs.filter((o) => o.name === 'r')).toEqual([
      {
        name: 'r',
        type: TYPE.metricsReader,
        secretOutputs: ['accessKeyId', 'accessKeySecret'],
        values: {
          userName: 'keda-metrics-dev',
          accessKeyId: CANARY.accessKeyId,
          accessKeySecret: CANARY.accessKeySecret,
        },
      },
    ]);
  });

  test('takes its comments and tags from the arguments', async () => {
    const tags = { team: 'orders' };
    const r = await run(() => new MetricsReader('r', { userName: 'reader', comments: 'KEDA dev', tags }));
    expect(r.error).toBeUndefined();
    expect(named(r, 'r-user').inputs).toEqual({
      name: 'reader',
      comments: 'KEDA dev',
      tags: { team: 'orders' },
    });
  });

  test('sends empty comments as given, not the default sentence', async () => {
    const r = await run(() => new MetricsReader('r', { userName: 'reader', comments: '' }));
    expect(r.error).toBeUndefined();
    expect(named(r, 'r-user').inputs).toEqual({ name: 'reader', comments: '' });
  });
});
