import { assertNoViolations, InvalidArgsError } from '../../constructs/cloud/invalid-args-error';

describe('InvalidArgsError', () => {
  test('lists every violation on its own line under the component and resource name', () => {
    const error = new InvalidArgsError('KedaAddon', 'keda', [
      'version must not be empty',
      'config must be a JSON string',
    ]);
    expect(error.message).toBe(
      'KedaAddon "keda" has invalid arguments:\n  - version must not be empty\n  - config must be a JSON string',
    );
    expect([error.name, error.component, error.resourceName, error.violations]).toEqual([
      'InvalidArgsError',
      'KedaAddon',
      'keda',
      ['version must not be empty', 'config must be a JSON string'],
    ]);
    expect(error).toBeInstanceOf(Error);
  });

  test('assertNoViolations throws on any violation and passes on none', () => {
    expect(() => assertNoViolations('C', 'n', [])).not.toThrow();
    expect(() => assertNoViolations('C', 'n', ['x (1) must be 2'])).toThrow(
      new InvalidArgsError('C', 'n', ['x (1) must be 2']),
    );
  });
});
