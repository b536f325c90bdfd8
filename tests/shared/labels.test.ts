/** Labels and names shared by the Pulumi and cdk8s sides (constructs/shared), with values written out by hand. */
import { imageTag, recommendedLabels, selectorLabels } from '../../constructs/shared/labels';
import { rocketMqAccountName, rocketMqCredentialsSecretName } from '../../constructs/shared/names';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('imageTag', () => {
  test.each([
    ['registry.cn-hangzhou.aliyuncs.com/acme/sample-app:0.1.0', '0.1.0'],
    ['sample-app:0.1.0', '0.1.0'],
    // The port of a registry is not a tag: only the last path segment carries one.
    ['registry.example.com:5000/acme/sample-app:1.0', '1.0'],
    ['registry.example.com:5000/acme/sample-app', undefined],
    [`acme/sample-app@${DIGEST}`, undefined],
    [`acme/sample-app:1.0@${DIGEST}`, '1.0'],
    ['acme/sample-app', undefined],
  ])('%s → %s', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});

describe('selectorLabels', () => {
  test('the default scheme selects by name and environment, without app.kubernetes.io/instance', () => {
    expect(selectorLabels('order-fulfilment', 'prod')).toEqual({
      'app.kubernetes.io/name': 'order-fulfilment',
      'apsaramq-keda/environment': 'prod',
    });
    expect(selectorLabels('order-fulfilment', 'prod', 'environment')).toEqual({
      'app.kubernetes.io/name': 'order-fulfilment',
      'apsaramq-keda/environment': 'prod',
    });
  });

  test('instance-label selects by name and <name>-<env>', () => {
    expect(selectorLabels('legacy-billing', 'staging', 'instance-label')).toEqual({
      'app.kubernetes.io/name': 'legacy-billing',
      'app.kubernetes.io/instance': 'legacy-billing-staging',
    });
  });
});

describe('recommendedLabels', () => {
  const base = { name: 'order-fulfilment', environment: 'dev', component: 'consumer' };
  const common = {
    'app.kubernetes.io/name': 'order-fulfilment',
    'apsaramq-keda/environment': 'dev',
    'app.kubernetes.io/component': 'consumer',
    'app.kubernetes.io/part-of': 'apsaramq-keda',
    'app.kubernetes.io/managed-by': 'cdk8s',
  };

  test('without an image: the selector labels, component, part-of and managed-by', () => {
    expect(recommendedLabels(base)).toEqual(common);
  });

  test('the selector scheme passes through', () => {
    expect(recommendedLabels({ ...base, selectorScheme: 'instance-label' })).toEqual({
      'app.kubernetes.io/name': 'order-fulfilment',
      'app.kubernetes.io/instance': 'order-fulfilment-dev',
      'app.kubernetes.io/component': 'consumer',
      'app.kubernetes.io/part-of': 'apsaramq-keda',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
  });

  test('the image tag becomes app.kubernetes.io/version', () => {
    expect(recommendedLabels({ ...base, image: 'registry.example.com:5000/acme/app:1.4.2' })).toEqual({
      ...common,
      'app.kubernetes.io/version': '1.4.2',
    });
  });

  test('a tag of 63 characters is a label value; one of 64 is left out', () => {
    const tag63 = `v${'1'.repeat(62)}`;
    expect(recommendedLabels({ ...base, image: `acme/app:${tag63}` })['app.kubernetes.io/version']).toBe(
      tag63,
    );
    expect(recommendedLabels({ ...base, image: `acme/app:${tag63}2` })).toEqual(common);
  });

  test('a tag that is not a label value (it starts with _) is left out, and so is a digest', () => {
    expect(recommendedLabels({ ...base, image: 'acme/app:_build' })).toEqual(common);
    expect(recommendedLabels({ ...base, image: `acme/app@${DIGEST}` })).toEqual(common);
  });

  test('a name that is not a label value is refused, naming the label and the value', () => {
    expect(() => recommendedLabels({ ...base, name: 'order fulfilment' })).toThrow(
      new RangeError(
        'label app.kubernetes.io/name value "order fulfilment" must be <= 63 characters of [A-Za-z0-9_.-]',
      ),
    );
  });

  test('a name of 63 characters passes; 64 is refused', () => {
    const name63 = 'a'.repeat(63);
    expect(recommendedLabels({ ...base, name: name63 })['app.kubernetes.io/name']).toBe(name63);
    expect(() => recommendedLabels({ ...base, name: `${name63}a` })).toThrow(
      `label app.kubernetes.io/name value "${name63}a" must be <= 63 characters of [A-Za-z0-9_.-]`,
    );
  });
});

describe('names both sides agree on', () => {
  test('the credentials Secret of a workload', () => {
    expect(rocketMqCredentialsSecretName('order-fulfilment')).toBe('order-fulfilment-rocketmq-credentials');
  });

  test('the ACL account of a workload: <env>-<workload>', () => {
    expect(rocketMqAccountName('prod', 'payment-ledger')).toBe('prod-payment-ledger');
  });
});
