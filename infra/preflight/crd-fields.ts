/**
 * Which fields of a manifest a cluster's CustomResourceDefinition does not declare. On a create, an update or a
 * client-side apply the API server prunes an unknown field of a structural schema, with a warning at most
 * (apiextensions-apiserver v0.32 pkg/apiserver/schema/pruning algorithm.go): a ScaledObject with
 * `spec.fallback.behavior` applies on KEDA 2.16 and loses the field. A server-side apply refuses it instead
 * ("field not declared in schema", seen on kube-apiserver 1.32 in tests/e2e/preflight.test.ts). Either way only
 * a walk of the manifest against the CRD's openAPIV3Schema tells before the GitOps tool applies it.
 */
import { isRecord } from '../config/secret-findings';

/** The part of an OpenAPI v3 schema (a CRD's structural schema) the walk reads. */
export interface SchemaNode {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly enum?: readonly unknown[];
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** A field of the manifest the schema does not accept: its path and why. */
export interface FieldProblem {
  /** `spec.fallback.behavior`, `spec.triggers[0].metadata`. */
  readonly path: string;
  readonly problem: 'unknown-field' | 'not-in-enum';
  /** For `not-in-enum`: the manifest's value and the values the schema allows. */
  readonly value?: unknown;
  readonly allowed?: readonly unknown[];
}

/** What every object has and a CRD's schema leaves to the API server (ObjectMeta is not in the schema). */
const OBJECT_ENVELOPE = new Set(['apiVersion', 'kind', 'metadata']);

function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Every field of `value` that `schema` does not declare, and every value outside an `enum`, in document order.
 * An object node keeps unknown keys when it has `x-kubernetes-preserve-unknown-fields: true` or
 * `additionalProperties` (a schema: each value is walked with it); an array's items are walked with `items`.
 * Types are not compared: the API server refuses a wrong type at apply, where it prunes an unknown field.
 */
export function schemaProblems(value: unknown, schema: SchemaNode, path = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (schema.enum !== undefined && !schema.enum.some((allowed) => allowed === value)) {
    problems.push({ path, problem: 'not-in-enum', value, allowed: schema.enum });
  }
  if (Array.isArray(value)) {
    if (schema.items !== undefined)
      value.forEach((item, i) => problems.push(...schemaProblems(item, schema.items!, `${path}[${i}]`)));
    return problems;
  }
  if (!isRecord(value)) return problems;
  for (const [key, field] of Object.entries(value)) {
    // The CRD declares metadata as a bare object; ObjectMeta is the API server's, not the schema's.
    if (path === '' && OBJECT_ENVELOPE.has(key)) continue;
    const declared = schema.properties?.[key];
    if (declared !== undefined) {
      problems.push(...schemaProblems(field, declared, child(path, key)));
    } else if (isRecord(schema.additionalProperties)) {
      problems.push(...schemaProblems(field, schema.additionalProperties, child(path, key)));
    } else if (
      schema.additionalProperties !== true &&
      schema['x-kubernetes-preserve-unknown-fields'] !== true
    ) {
      problems.push({ path: child(path, key), problem: 'unknown-field' });
    }
  }
  return problems;
}

/** The part of a CustomResourceDefinition the check reads. */
export interface CrdView {
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string; readonly plural: string };
    readonly versions: readonly {
      readonly name: string;
      readonly served: boolean;
      readonly schema?: { readonly openAPIV3Schema?: SchemaNode };
    }[];
  };
}

/** The CRD name of a kind's objects: `<plural>.<group>` (scaledobjects.keda.sh). */
export function crdName(plural: string, apiVersion: string): string {
  return `${plural}.${apiVersion.split('/')[0]}`;
}

/**
 * The problems of one manifest against the cluster's CRD: its version is not served, or has no schema, or
 * fields the schema lacks. Empty when the cluster keeps every field the manifest sets.
 */
export function manifestProblems(
  manifest: { readonly apiVersion: string; readonly kind: string },
  crd: CrdView,
): string[] {
  const version = manifest.apiVersion.split('/')[1] ?? '';
  const served = crd.spec.versions.find((v) => v.name === version && v.served);
  if (served === undefined) {
    const versions = crd.spec.versions.filter((v) => v.served).map((v) => v.name);
    return [`${crd.metadata.name} does not serve ${version} (served: ${versions.join(', ') || 'none'})`];
  }
  const schema = served.schema?.openAPIV3Schema;
  if (schema === undefined) return [`${crd.metadata.name} ${version} has no openAPIV3Schema`];
  return schemaProblems(manifest, schema).map((p) =>
    p.problem === 'unknown-field'
      ? `${p.path} is not in ${crd.metadata.name} ${version} (a create or client-side apply drops it, a server-side apply is refused)`
      : `${p.path} ${JSON.stringify(p.value)} is not one of ${crd.metadata.name} ${version}'s values (${(p.allowed ?? []).map((a) => JSON.stringify(a)).join(', ')})`,
  );
}
