/**
 * keysAt (infra/config/schema-keys.ts) through every wrapper zod v4 puts around an object, on small schemas
 * written here: the stack schema itself uses only some of them (no nullable, readonly, catch or pipe).
 */
import { z } from 'zod';
import { keysAt } from '../../infra/config/schema-keys';

const inner = z.strictObject({ b: z.number(), a: z.string() });

describe('keysAt walks through wrappers to the object inside', () => {
  test.each<[string, z.ZodType]>([
    ['optional', inner.optional()],
    ['nullable', inner.nullable()],
    ['default', inner.default({ a: 'x', b: 1 })],
    ['prefault', inner.prefault({ a: 'x', b: 1 })],
    ['readonly', inner.readonly()],
    ['catch', inner.catch({ a: 'x', b: 1 })],
    // A transform is a pipe: the input side holds the keys.
    ['pipe (a transform)', inner.transform((v) => v.a)],
    ['a union with a scalar', z.union([z.literal(false), inner])],
  ])('%s: the keys of the object, sorted', (_kind, wrapped) => {
    expect(keysAt(z.strictObject({ field: wrapped }), ['field'])).toEqual(['a', 'b']);
  });

  test('a union of two objects: the keys of both, once each, sorted', () => {
    const union = z.union([z.strictObject({ c: z.number(), a: z.number() }), inner]);
    expect(keysAt(union, [])).toEqual(['a', 'b', 'c']);
  });
});

describe('records and arrays need a key or an index to reach their values', () => {
  const schema = z.strictObject({
    byName: z.record(z.string(), inner),
    list: z.array(inner),
  });

  test.each<[string, PropertyKey[], string[]]>([
    ["a record's value", ['byName', 'anything'], ['a', 'b']],
    ['the record itself', ['byName'], []],
    ["an array's element", ['list', 3], ['a', 'b']],
    ['the array itself', ['list'], []],
    ['an array entered by a name', ['list', 'x'], []],
    ['the top level', [], ['byName', 'list']],
  ])('%s', (_title, at, keys) => {
    expect(keysAt(schema, at)).toEqual(keys);
  });
});

test('a scalar has no keys', () => {
  expect(keysAt(z.string(), [])).toEqual([]);
});
