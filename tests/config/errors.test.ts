/** infra/config/errors.ts: the loader's error message, written out by hand. */
import * as path from 'node:path';
import { displayPath, EnvironmentSpecError } from '../../infra/config/errors';

const ROOT = path.resolve(__dirname, '..', '..');

describe('EnvironmentSpecError', () => {
  test('without a file: the committed stack file of the environment, relative to the repository', () => {
    const error = new EnvironmentSpecError('qa', ['workloads[0].minReplicas (6) must be <= maxReplicas (5)']);
    expect(error.file).toBe('stacks/Pulumi.qa.yaml');
    expect(error.message).toBe(
      'stacks/Pulumi.qa.yaml: environment "qa" is invalid:\n  - workloads[0].minReplicas (6) must be <= maxReplicas (5)',
    );
  });

  test('every violation on its own line, each after "  - "', () => {
    const error = new EnvironmentSpecError('qa', ['first', 'second', 'third'], '/srv/Pulumi.qa.yaml');
    expect(error.message).toBe(
      '/srv/Pulumi.qa.yaml: environment "qa" is invalid:\n  - first\n  - second\n  - third',
    );
    expect(error.violations).toEqual(['first', 'second', 'third']);
    expect(error.environment).toBe('qa');
  });
});

describe('displayPath', () => {
  test.each([
    [path.join(ROOT, 'stacks', 'Pulumi.dev.yaml'), 'stacks/Pulumi.dev.yaml'],
    ['/srv/stacks/Pulumi.dev.yaml', '/srv/stacks/Pulumi.dev.yaml'],
  ])('%s → %s', (file, shown) => {
    expect(displayPath(file)).toBe(shown);
  });
});
