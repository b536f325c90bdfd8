/**
 * KedaAddon on its own, under the provider mocks: the cluster-id, version and config rules with messages and
 * passing boundaries, and the exact add-on it registers. Expected values are worked out by hand from the arguments.
 */
import { InvalidArgsError, KedaAddon, kedaAddonViolations } from '../../constructs/cloud';
import { MOCK_ACK_KEDA_DEFAULT_VERSION, runWithMocks, valueOf } from '../pulumi/harness';
import { TYPE } from '../pulumi/types';
import { freshModule } from './fresh-module';

type Module = typeof import('../../constructs/cloud/keda-addon');

const CLUSTER = 'c0fakedev00000000000000000000000dd';
const ID_RULE = 'must be an ACK cluster id (c + 16-40 lowercase alphanumerics)';

function run<T>(construct: () => T) {
  return runWithMocks('test', { 'alicloud:region': 'cn-hangzhou' }, construct);
}

describe('kedaAddonViolations', () => {
  test.each<[string, Parameters<typeof kedaAddonViolations>[0], string[]]>([
    ['a cluster id alone', { clusterId: CLUSTER }, []],
    ['a version and a JSON config', { clusterId: CLUSTER, version: '2.16.1', config: '{"keda":{}}' }, []],
    ['an empty version', { clusterId: CLUSTER, version: '' }, ['version must not be empty']],
    ['a version of blanks', { clusterId: CLUSTER, version: '   ' }, ['version must not be empty']],
    ['a config that is not JSON', { clusterId: CLUSTER, config: '{' }, ['config must be a JSON string']],
    [
      'every rule broken',
      { clusterId: 'prod', version: ' ', config: 'x' },
      [`clusterId ("prod") ${ID_RULE}`, 'version must not be empty', 'config must be a JSON string'],
    ],
  ])('%s', (_, input, expected) => {
    expect(kedaAddonViolations(input)).toEqual(expected);
  });

  test('the cluster-id pattern and the add-on name, loaded inside the test', () => {
    const fresh = freshModule(() => require('../../constructs/cloud/keda-addon') as Module); // eslint-disable-line @typescript-eslint/no-require-imports -- see freshModule
    // Source: ACK component catalog, "ACK KEDA".
    expect(fresh.KEDA_ADDON_NAME).toBe('ack-keda');
    const check = (clusterId: string) => fresh.kedaAddonViolations({ clusterId });
    // "c" and 16 to 40 lowercase alphanumerics, anchored at both ends.
    const good = [`c${'0'.repeat(16)}`, `c${'a1'.repeat(20)}`, CLUSTER];
    expect(good.map(check)).toEqual(good.map(() => []));
    const bad = [
      `c${'0'.repeat(15)}`,
      `c${'a'.repeat(41)}`,
      `x${CLUSTER}`,
      `${CLUSTER}!`,
      CLUSTER.toUpperCase(),
    ];
    expect(bad.map(check)).toEqual(bad.map((id) => [`clusterId ("${id}") ${ID_RULE}`]));
  });

  test('the constructor throws, naming the component, before registering anything', async () => {
    const r = await run(() => new KedaAddon('k', { clusterId: CLUSTER, version: '' }));
    expect(r.error).toBeInstanceOf(InvalidArgsError);
    expect((r.error as Error).message).toBe(
      'KedaAddon "k" has invalid arguments:\n  - version must not be empty',
    );
    expect(r.resources).toEqual([]);
  });
});

describe('KedaAddon', () => {
  test('installs ack-keda at ACK default version, retained when the stack drops it', async () => {
    const r = await run(() => new KedaAddon('k', { clusterId: CLUSTER }));
    expect(r.error).toBeUndefined();
    expect(r.resources.map((x) => [x.name, x.type, x.parent, x.inputs, x.retainOnDelete])).toEqual([
      ['k', TYPE.kedaAddon, undefined, {}, false],
      ['k-addon', TYPE.addon, 'k', { clusterId: CLUSTER, name: 'ack-keda' }, true],
    ]);
    // No version asked: the one the service installs, read back.
    expect(await valueOf(r.result!.version)).toBe(MOCK_ACK_KEDA_DEFAULT_VERSION);
    expect(r.componentOutputs.filter((o) => o.name === 'k')).toEqual([
      {
        name: 'k',
        type: TYPE.kedaAddon,
        secretOutputs: [],
        values: { version: MOCK_ACK_KEDA_DEFAULT_VERSION },
      },
    ]);
  });

  test('sends a pinned version and a config as given', async () => {
    const r = await run(
      () => new KedaAddon('k', { clusterId: CLUSTER, version: '2.16.1', config: '{"a":1}' }),
    );
    expect(r.error).toBeUndefined();
    expect(r.resources.find((x) => x.name === 'k-addon')?.inputs).toEqual({
      clusterId: CLUSTER,
      name: 'ack-keda',
      version: '2.16.1',
      config: '{"a":1}',
    });
    expect(await valueOf(r.result!.version)).toBe('2.16.1');
  });
});
