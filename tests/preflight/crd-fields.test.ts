/**
 * The walk of a manifest against a CRD's openAPIV3Schema: hand-made schemas shaped like KEDA's
 * (config/crd/bases/keda.sh_scaledobjects.yaml), each case worked out by hand.
 */
import {
  type CrdView,
  crdName,
  manifestProblems,
  schemaProblems,
  type SchemaNode,
} from '../../infra/preflight/crd-fields';

/** spec.fallback as KEDA 2.16 declares it: no behavior. */
const fallback216: SchemaNode = {
  type: 'object',
  properties: { failureThreshold: { type: 'integer' }, replicas: { type: 'integer' } },
};
const fallback217: SchemaNode = {
  ...fallback216,
  properties: {
    ...fallback216.properties,
    behavior: {
      type: 'string',
      enum: ['static', 'currentReplicas', 'currentReplicasIfHigher', 'currentReplicasIfLower'],
    },
  },
};

function scaledObjectSchema(fallback: SchemaNode): SchemaNode {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: {
        type: 'object',
        properties: {
          minReplicaCount: { type: 'integer' },
          fallback,
          advanced: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          triggers: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                type: { type: 'string' },
                name: { type: 'string' },
                metadata: { type: 'object', additionalProperties: { type: 'string' } },
              },
            },
          },
        },
      },
      status: { type: 'object' },
    },
  };
}

const manifest = {
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: { name: 'order-fulfilment', namespace: 'orders-dev', labels: { a: 'b' } },
  spec: {
    minReplicaCount: 0,
    fallback: { behavior: 'currentReplicasIfHigher', failureThreshold: 3, replicas: 3 },
    advanced: { anything: { goes: true } },
    triggers: [
      { type: 'cron', name: 'peak', metadata: { start: '0 8 * * *', desiredReplicas: '4' } },
      { type: 'prometheus', name: 'backlog', metadata: { query: 'sum(x)', threshold: '30' } },
    ],
  },
};

function crd(fallback: SchemaNode, versions?: CrdView['spec']['versions']): CrdView {
  return {
    metadata: { name: 'scaledobjects.keda.sh' },
    spec: {
      group: 'keda.sh',
      names: { kind: 'ScaledObject', plural: 'scaledobjects' },
      versions: versions ?? [
        { name: 'v1alpha1', served: true, schema: { openAPIV3Schema: scaledObjectSchema(fallback) } },
      ],
    },
  };
}

describe('schemaProblems', () => {
  test('a manifest whose every field the schema declares has no problem', () => {
    expect(schemaProblems(manifest, scaledObjectSchema(fallback217))).toEqual([]);
  });

  test('spec.fallback.behavior is an unknown field against a 2.16-shaped fallback', () => {
    expect(schemaProblems(manifest, scaledObjectSchema(fallback216))).toEqual([
      { path: 'spec.fallback.behavior', problem: 'unknown-field' },
    ]);
  });

  test('a value outside an enum is named with the allowed values', () => {
    const narrow: SchemaNode = {
      ...fallback217,
      properties: { ...fallback217.properties, behavior: { enum: ['static'] } },
    };
    expect(schemaProblems(manifest, scaledObjectSchema(narrow))).toEqual([
      {
        path: 'spec.fallback.behavior',
        problem: 'not-in-enum',
        value: 'currentReplicasIfHigher',
        allowed: ['static'],
      },
    ]);
  });

  test('array items are walked with their index; additionalProperties and preserve-unknown-fields keep any key', () => {
    const withExtra = {
      ...manifest,
      spec: {
        ...manifest.spec,
        triggers: [manifest.spec.triggers[0], { ...manifest.spec.triggers[1], useCachedMetrics: true }],
      },
    };
    expect(schemaProblems(withExtra, scaledObjectSchema(fallback217))).toEqual([
      { path: 'spec.triggers[1].useCachedMetrics', problem: 'unknown-field' },
    ]);
  });

  test('apiVersion, kind and metadata are left to the API server only at the top level', () => {
    const schema: SchemaNode = { type: 'object', properties: { spec: { type: 'object', properties: {} } } };
    expect(
      schemaProblems({ apiVersion: 'v1', kind: 'X', metadata: {}, spec: { metadata: {} } }, schema),
    ).toEqual([{ path: 'spec.metadata', problem: 'unknown-field' }]);
  });

  test('additionalProperties false is no licence: the key is unknown', () => {
    expect(
      schemaProblems({ a: 1, b: 2 }, { type: 'object', properties: { a: {} }, additionalProperties: false }),
    ).toEqual([{ path: 'b', problem: 'unknown-field' }]);
  });

  test('additionalProperties given as a schema walks each value with it', () => {
    const schema: SchemaNode = {
      type: 'object',
      additionalProperties: { type: 'object', properties: { name: { type: 'string' } } },
    };
    expect(schemaProblems({ x: { name: 'a' }, y: { name: 'b', extra: 1 } }, schema)).toEqual([
      { path: 'y.extra', problem: 'unknown-field' },
    ]);
  });
});

describe('manifestProblems', () => {
  test('the 2.16-shaped CRD names the dropped field, the CRD and the version', () => {
    expect(manifestProblems(manifest, crd(fallback216))).toEqual([
      'spec.fallback.behavior is not in scaledobjects.keda.sh v1alpha1 (a create or client-side apply drops it, a server-side apply is refused)',
    ]);
  });

  test('an enum problem shows the value and the allowed values', () => {
    const narrow: SchemaNode = {
      ...fallback217,
      properties: { ...fallback217.properties, behavior: { enum: ['static'] } },
    };
    expect(manifestProblems(manifest, crd(narrow))).toEqual([
      `spec.fallback.behavior "currentReplicasIfHigher" is not one of scaledobjects.keda.sh v1alpha1's values ("static")`,
    ]);
  });

  test('a version the CRD does not serve is the problem, with the served ones', () => {
    const versions = [
      { name: 'v1alpha1', served: false },
      { name: 'v1beta1', served: true },
    ];
    expect(manifestProblems(manifest, crd(fallback217, versions))).toEqual([
      'scaledobjects.keda.sh does not serve v1alpha1 (served: v1beta1)',
    ]);
  });

  test('a served version without a schema is a problem (nothing can be checked)', () => {
    expect(manifestProblems(manifest, crd(fallback217, [{ name: 'v1alpha1', served: true }]))).toEqual([
      'scaledobjects.keda.sh v1alpha1 has no openAPIV3Schema',
    ]);
  });
});

describe('crdName', () => {
  test('is the plural and the group of the apiVersion', () => {
    expect(crdName('triggerauthentications', 'keda.sh/v1alpha1')).toBe('triggerauthentications.keda.sh');
  });
});
