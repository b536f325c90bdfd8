/** The keys a schema allows at a path, so an unknown key's message can name the closest known one. */
import type * as z from 'zod';

/** The parts of a zod v4 schema definition this walk reads (zod's `_zod.def`). */
interface SchemaDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly valueType?: z.ZodType;
  readonly in?: z.ZodType;
}

const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The object schemas a value at `path` may match (several below a union). */
function objectsAt(schema: z.ZodType, path: readonly PropertyKey[]): SchemaDef[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return def.innerType === undefined ? [] : objectsAt(def.innerType, path);
    case 'pipe':
      return def.in === undefined ? [] : objectsAt(def.in, path);
    case 'union':
      return (def.options ?? []).flatMap((o) => objectsAt(o, path));
    case 'array':
      return path.length > 0 && typeof path[0] === 'number' && def.element !== undefined
        ? objectsAt(def.element, path.slice(1))
        : [];
    case 'record':
      return path.length > 0 && def.valueType !== undefined ? objectsAt(def.valueType, path.slice(1)) : [];
    case 'object': {
      if (path.length === 0) return [def];
      const child = def.shape?.[String(path[0])];
      return child === undefined ? [] : objectsAt(child, path.slice(1));
    }
    default:
      return [];
  }
}

/** Every key an object at `path` of `schema` may have, sorted. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set(objectsAt(schema, path).flatMap((d) => Object.keys(d.shape ?? {})));
  return [...keys].sort();
}
