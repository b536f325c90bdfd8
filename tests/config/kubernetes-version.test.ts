/**
 * `kubernetes.version`: the cluster's Kubernetes minor, which decides the HPA tolerance test the plan models
 * (issue 24 item 3).
 */
import { parseEnvironment } from '../../infra/config/environment';
import { KUBERNETES_MINORS } from '../../infra/config/kubernetes-versions';
import { section, stackConfig, violationsOf } from './helpers';

const MINORS = '1.36, 1.35, 1.34, 1.33, 1.32, 1.31, 1.30, 1.29, 1.28';

describe('kubernetes.version', () => {
  test.each([
    [
      'missing',
      undefined,
      `kubernetes.version: is required: the cluster's Kubernetes minor, quoted, such as "1.34" (one of ${MINORS})`,
    ],
    [
      'unquoted 1.30, read as the number 1.3',
      1.3,
      'kubernetes.version: (1.3) must be quoted, such as "1.34": YAML reads an unquoted 1.30 as the number 1.3',
    ],
    [
      'a patch version',
      '1.32.1',
      `kubernetes.version: ("1.32.1") must be a Kubernetes minor this project models: ${MINORS}`,
    ],
    [
      'a minor not modelled',
      '1.37',
      `kubernetes.version: ("1.37") must be a Kubernetes minor this project models: ${MINORS}`,
    ],
  ])('%s is refused with its rule', (_title, value, message) => {
    expect(
      violationsOf('prod', (c) => {
        const k = section(c, 'kubernetes');
        if (value === undefined) delete k.version;
        else k.version = value;
      }),
    ).toEqual([message]);
  });

  test('the committed stacks declare a minor ACK supports', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const spec = parseEnvironment(env, stackConfig(env));
      expect(KUBERNETES_MINORS[spec.kubernetes.version].ack).toMatch(/^supported until/);
    }
  });

  test('1.32 is still accepted: clusters past ACK support still run', () => {
    expect(violationsOf('prod', (c) => (section(c, 'kubernetes').version = '1.32'))).toEqual([]);
  });
});
