/**
 * infra/config/config-keys.ts: the known keys of a stack file, the suggestion for a misspelled one, and the
 * message for a key nobody reads. Distances are counted by hand (one substitution = 1).
 */
import {
  ALICLOUD_PROVIDER_KEYS,
  closestKey,
  isEngineKey,
  knownConfigKeys,
  KUBERNETES_PROVIDER_KEYS,
  unknownKeyMessage,
} from '../../infra/config/config-keys';

describe('knownConfigKeys', () => {
  test('the project sections, the secret keys and both providers, sorted as one list', () => {
    // The provider lists are in sorted order themselves (loader-errors.test.ts compares them with the
    // installed providers' sorted keys); 'alicloud:' < 'apsaramq-keda:' ('l' < 'p') < 'kubernetes:'. The
    // project sections are given out of order (workloads before topics) and come out sorted with the secret
    // keys: kubeconfig < prometheusPassword < prometheusToken < topics < workloads.
    expect(knownConfigKeys(['workloads', 'topics'])).toEqual([
      ...ALICLOUD_PROVIDER_KEYS.map((k) => `alicloud:${k}`),
      'apsaramq-keda:kubeconfig',
      'apsaramq-keda:prometheusPassword',
      'apsaramq-keda:prometheusToken',
      'apsaramq-keda:topics',
      'apsaramq-keda:workloads',
      ...KUBERNETES_PROVIDER_KEYS.map((k) => `kubernetes:${k}`),
    ]);
  });
});

describe('isEngineKey', () => {
  test.each([
    ['pulumi:tags', true],
    ['pulumi:disable-default-providers', true],
    ['pulumix:tags', false],
    ['alicloud:region', false],
    ['tags', false],
  ])('%s → %s', (key, engine) => {
    expect(isEngineKey(key)).toBe(engine);
  });
});

describe('closestKey: the nearest known key within max(2, floor(length / 3)) edits', () => {
  test.each<[string, string, string[], string | undefined]>([
    // 'ns:xy' has 5 characters: floor(5 / 3) = 1, so the allowance is max(2, 1) = 2; 'xy' → 'ab' is 2 edits.
    ['2 edits on a 5-character key: allowed by the floor of 2', 'ns:xy', ['ns:ab'], 'ns:ab'],
    // 'ns:xyz' has 6 characters: floor(6 / 3) = 2, allowance 2; 'xyz' → 'abc' is 3 edits.
    ['3 edits on a 6-character key: one too many', 'ns:xyz', ['ns:abc'], undefined],
    // 'vendor:abwxyz' has 13 characters: floor(13 / 3) = 4, allowance max(2, 4) = 4; wxyz → cdef is 4 edits.
    [
      '4 edits on a 13-character key: exactly the allowance',
      'vendor:abwxyz',
      ['vendor:abcdef'],
      'vendor:abcdef',
    ],
    // 'vendor:avwxyz' against 'vendor:abcdef': the a matches, vwxyz → bcdef is 5 edits, above 4.
    ['5 edits on a 13-character key: above the allowance', 'vendor:avwxyz', ['vendor:abcdef'], undefined],
    // The same name under another namespace wins over a nearer key ('regions' is 1 edit away).
    [
      'the same name in another namespace',
      'apsaramq-keda:region',
      ['alicloud:region', 'apsaramq-keda:regions'],
      'alicloud:region',
    ],
    ['no known keys at all', 'apsaramq-keda:topics', [], undefined],
  ])('%s', (_title, key, known, expected) => {
    expect(closestKey(key, known)).toBe(expected);
  });
});

describe('unknownKeyMessage', () => {
  test('with a near key: did you mean', () => {
    // 'alicloud:regoin' → 'alicloud:region': o/i swapped, 2 edits, allowance floor(15 / 3) = 5.
    expect(unknownKeyMessage('alicloud:regoin', ['alicloud:region'])).toBe(
      'alicloud:regoin: unknown config key; did you mean alicloud:region?',
    );
  });

  test('without one: which keys a stack reads', () => {
    // 'vendor:completely-different' (27 characters, allowance 9) against 'alicloud:region' (15): at least
    // 27 - 15 = 12 edits.
    expect(unknownKeyMessage('vendor:completely-different', ['alicloud:region'])).toBe(
      'vendor:completely-different: unknown config key; the keys this stack reads are apsaramq-keda:<section>, alicloud:<provider setting> and kubernetes:<provider setting>',
    );
  });
});
