/**
 * KedaAddon on its own, under the provider mocks: the cluster-id, version and config rules with messages and
 * passing boundaries, and the exact add-on it registers. Expected values are worked out by hand from the arguments.
 */
import {
  InvalidArgsError,
  KedaAddon,
  kedaAddonDowngradeWarning,
  kedaAddonViolations,
} from '../../constructs/cloud';
import { ADDONS_LOOKUP, MOCK_ACK_KEDA_DEFAULT_VERSION, runWithMocks, valueOf } from '../pulumi/harness';
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

/**
 * The pin on a cluster that already runs ack-keda. Create adopts an installed add-on and, when its version differs,
 * asks ACK to move it to the pinned one with policy "overwrite" (resource_alicloud_cs_kubernetes_addon.go
 * resourceAlicloudCSKubernetesAddonCreate -> updateAddon -> service_alicloud_cs.go upgradeAddon); a later Read sets
 * the installed version, so an add-on upgraded outside the stack is moved back at the next update. On a newer
 * add-on that is a downgrade, so the preview says so.
 */
describe('kedaAddonDowngradeWarning', () => {
  const newer = (installed: string, pinned: string) =>
    `KedaAddon "keda": ACK cluster ${CLUSTER} runs ack-keda ${installed}, newer than the pinned ${pinned}; ` +
    `pulumi up asks ACK to overwrite it with ${pinned} (UpgradeClusterAddons, policy overwrite), a downgrade ` +
    'of KEDA and its CRDs under every ScaledObject on the cluster. Pin the installed version (or a newer one) ' +
    'to keep it.';
  const unordered = (installed: string, pinned: string) =>
    `KedaAddon "keda": ACK cluster ${CLUSTER} runs ack-keda ${installed}, which cannot be ordered against the ` +
    `pinned ${pinned}; pulumi up asks ACK to overwrite it with ${pinned} (UpgradeClusterAddons, policy ` +
    'overwrite), which may be a downgrade of KEDA and its CRDs. Pin the installed version to keep it.';

  test.each<[string, string, string, string | undefined]>([
    ['not installed (current_version "")', '', '2.17.2', undefined],
    ['the pinned version installed', '2.17.2', '2.17.2', undefined],
    ['an older one installed: an upgrade', '2.16.1', '2.17.2', undefined],
    ['a newer patch installed', '2.17.3', '2.17.2', newer('2.17.3', '2.17.2')],
    ['a newer minor installed, compared as numbers', '2.100.0', '2.17.2', newer('2.100.0', '2.17.2')],
    ['a newer major installed', '3.0.0', '2.17.2', newer('3.0.0', '2.17.2')],
    ['an ACK build suffix on the same release', '2.17.2-aliyun.1', '2.17.2', undefined],
    ['a version that is not x.y.z', 'latest', '2.17.2', unordered('latest', '2.17.2')],
  ])('%s', (_title, installed, pinned, expected) => {
    expect(kedaAddonDowngradeWarning('keda', CLUSTER, pinned, installed)).toBe(expected);
  });
});

describe('KedaAddon on a cluster that already runs ack-keda', () => {
  async function warnings(installed: string | null, version: string | undefined) {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const r = await runWithMocks(
        'test',
        { 'alicloud:region': 'cn-hangzhou' },
        () => new KedaAddon('keda', { clusterId: CLUSTER, ...(version !== undefined && { version }) }),
        { installedKeda: installed },
      );
      expect(r.error).toBeUndefined();
      return {
        lookups: r.calls.filter((c) => c.token === ADDONS_LOOKUP).map((c) => c.inputs),
        warned: warn.mock.calls.map((c) => String(c[0])).filter((w) => w.includes('ack-keda')),
      };
    } finally {
      warn.mockRestore();
    }
  }

  test('a preview warns, naming the cluster, both versions and the downgrade, when a newer one runs', async () => {
    expect(await warnings('2.18.0', '2.17.2')).toEqual({
      lookups: [{ clusterId: CLUSTER, ids: [`${CLUSTER}:ack-keda`] }],
      warned: [
        expect.stringContaining(
          `KedaAddon "keda": ACK cluster ${CLUSTER} runs ack-keda 2.18.0, newer than the pinned 2.17.2;`,
        ),
      ],
    });
  });

  test('no warning when the pinned version runs, or none is installed', async () => {
    expect((await warnings('2.17.2', '2.17.2')).warned).toEqual([]);
    expect((await warnings(null, '2.17.2')).warned).toEqual([]);
  });

  test('no version pinned: no lookup (the provider leaves an installed add-on as it is)', async () => {
    expect(await warnings('2.18.0', undefined)).toEqual({ lookups: [], warned: [] });
  });
});
