/**
 * instance.name follows ApsaraMQ for RocketMQ 5.x "Quotas and limits": 1 to 128 characters, Chinese characters,
 * letters, digits and "_" only (no hyphen, although the provider's acceptance tests send hyphenated names:
 * the loader holds to the documented rule). The committed stacks follow it too.
 */
import { EnvironmentSpecError, parseEnvironment } from '../../infra/config/environment';
import { section, stackConfig, violationsOf } from './helpers';

const withName = (env: string, name: unknown) =>
  violationsOf(env, (c) => (section(c, 'instance').name = name));
const rule =
  'must be 1 to 128 Chinese characters, letters, digits or "_" (ApsaraMQ for RocketMQ 5.x instance names)';

describe('instance.name', () => {
  test.each([
    ['a hyphen', 'orders-dev'],
    ['a dot', 'orders.dev'],
    ['a space', 'orders dev'],
    ['129 characters', 'x'.repeat(129)],
    ['no character', ''],
  ])('%s is refused, with the value and the rule', (_title, name) => {
    expect(withName('dev', name)).toEqual([`instance.name: ${JSON.stringify(name)} ${rule}`]);
  });

  test.each([
    ['letters, digits and "_"', 'orders_dev_2'],
    ['Chinese characters', '订单_dev'],
    ['one character', 'o'],
    ['128 characters', 'x'.repeat(128)],
  ])('accepted: %s', (_title, name) => {
    expect(withName('dev', name)).toEqual([]);
  });

  test('the error names the stack file, the field, the value and the rule', () => {
    const config = stackConfig('prod');
    section(config, 'instance').name = 'orders-prod';
    expect(() => parseEnvironment('prod', config)).toThrow(
      new EnvironmentSpecError('prod', [`instance.name: "orders-prod" ${rule}`]),
    );
    expect(() => parseEnvironment('prod', config)).toThrow(
      `stacks/Pulumi.prod.yaml: environment "prod" is invalid:\n  - instance.name: "orders-prod" ${rule}`,
    );
  });

  test.each([
    ['dev', 'orders_dev'],
    ['staging', 'orders_staging'],
    ['prod', 'orders_prod'],
  ])('the committed %s stack names its instance %s', (env, name) => {
    expect(section(stackConfig(env), 'instance').name).toBe(name);
    expect(withName(env, name)).toEqual([]);
  });
});
