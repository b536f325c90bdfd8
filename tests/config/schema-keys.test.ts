/** keysAt: the keys a stack-file object may have at a path, read off the schema (lists copied from schema.ts). */
import { rawSpecSchema } from '../../infra/config/schema';
import { keysAt } from '../../infra/config/schema-keys';

describe('keysAt(rawSpecSchema, path)', () => {
  test.each<[string, (string | number)[], string[]]>([
    // A field with a default (prefault) is walked through to its object.
    [
      'workloads[0].resources',
      ['workloads', 0, 'resources'],
      ['cpuLimit', 'cpuRequest', 'memoryLimit', 'memoryRequest'],
    ],
    [
      'workloads[0].scaling',
      ['workloads', 0, 'scaling'],
      [
        'activationThreshold',
        'behavior',
        'cooldownPeriodSeconds',
        'fallback',
        'pollingIntervalSeconds',
        'scaleOnArrivalRate',
        'scaleOnDemand',
        'schedules',
        'threshold',
      ],
    ],
    // A union of false and an object: the object's keys.
    [
      'workloads[0].scaling.fallback',
      ['workloads', 0, 'scaling', 'fallback'],
      ['failureThreshold', 'replicas'],
    ],
    ['workloads[0].probes', ['workloads', 0, 'probes'], ['livenessPath', 'port', 'readinessPath']],
    // An optional object below an optional object.
    [
      'workloads[0].scaling.behavior.scaleUp',
      ['workloads', 0, 'scaling', 'behavior', 'scaleUp'],
      ['policies', 'selectPolicy', 'stabilizationWindowSeconds'],
    ],
    // Only the created-instance branch of the instance union has a network.
    ['instance.network.internet', ['instance', 'network', 'internet'], ['bandwidthMbps', 'enabled']],
    // An array is entered by an index only; a record's values and scalars have no keys.
    ['workloads.name (no index)', ['workloads', 'name'], []],
    ['workloads (the array itself)', ['workloads'], []],
    ['instance.tags.owner (a record value)', ['instance', 'tags', 'owner'], []],
    // An env value is a string or a Secret reference: the reference's keys.
    ['workloads[0].env.FOO (a record value)', ['workloads', 0, 'env', 'FOO'], ['secretKeyRef']],
    ['workloads[0].env.FOO.secretKeyRef', ['workloads', 0, 'env', 'FOO', 'secretKeyRef'], ['key', 'name']],
    ['workloads[0].env (a record)', ['workloads', 0, 'env'], []],
    ['workloads[0].name (a string)', ['workloads', 0, 'name'], []],
    ['an unknown key', ['nope'], []],
    ['below an unknown key', ['workloads', 0, 'nope', 'deeper'], []],
  ])('%s', (_title, path, keys) => {
    expect(keysAt(rawSpecSchema, path)).toEqual(keys);
  });

  test('the top level and an instance list every key of the union branches, sorted', () => {
    expect(keysAt(rawSpecSchema, ['instance'])).toEqual(
      expect.arrayContaining(['existingInstanceId', 'serverless', 'network', 'seriesCode', 'paymentType']),
    );
    const top = keysAt(rawSpecSchema, []);
    expect(top).toEqual(
      expect.arrayContaining([
        'consumerGroups',
        'instance',
        'kubernetes',
        'producers',
        'topics',
        'workloads',
      ]),
    );
    expect(top).toEqual([...top].sort());
  });
});
