/**
 * The JSON Schema of a stack file (`stacks/Pulumi.<env>.yaml`) and its reference in stacks/README.md, both derived
 * from the zod schemas the loader validates with (infra/config/schema.ts), so a key added there appears in both.
 */
import * as z from 'zod';
import { stringify } from 'yaml';
import { ALICLOUD_PROVIDER_KEYS, KUBERNETES_PROVIDER_KEYS, REGION_KEY } from '../config/config-keys';
import { PROJECT } from '../config/limits';
import { rawSpecSchema, secretConfigSchemas } from '../config/schema';
import { BROKER_FLAVORS, DEFAULT_BROKER_FLAVOR, selfManagedSpecSchema } from '../config/self-managed';

/** A JSON Schema object as zod emits it (draft-07). */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * Draft-07: every release of the YAML language server (redhat-developer/yaml-language-server) validates it;
 * 2019-09 and 2020-12 only from 1.20.0 (CHANGELOG "Support JSON Schema 2019-09 and 2020-12"), and
 * schemaValidation/validatorFactory.ts falls back to draft-07 for a draft it does not know.
 */
export const SCHEMA_DRAFT = 'http://json-schema.org/draft-07/schema#';

/** Where the schema is committed, and the modeline each stack file starts with (relative to the stack file). */
export const SCHEMA_FILE = 'stacks/stack-file.schema.json';
export const SCHEMA_MODELINE = '# yaml-language-server: $schema=./stack-file.schema.json';

/** The input side of a zod schema (defaults optional, as a user writes the file), without `$schema`. */
function inputSchema(schema: z.ZodType): JsonSchema {
  // unrepresentable 'any': a refinement or a custom type zod cannot express becomes `{}` (any value) here and stays
  // the loader's to check, instead of failing the generation.
  const json = z.toJSONSchema(schema, {
    target: 'draft-07',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** The config key of a section of the loader's spec: `region` is the provider's `alicloud:region`. */
export function configKeyOf(section: string): string {
  return section === 'region' ? REGION_KEY : `${PROJECT}:${section}`;
}

/** The settings of another provider: any value (a secure one too); the project does not read them. */
function providerKeys(provider: string, keys: readonly string[]): Record<string, JsonSchema> {
  return Object.fromEntries(
    keys.map((key) => [
      `${provider}:${key}`,
      {
        description: `Setting ${key} of the ${provider} provider; passed to Pulumi, not read by this project.`,
      },
    ]),
  );
}

/**
 * The schema of a whole stack file: Pulumi's top-level keys (workspace.ProjectStack), and under `config:` the
 * project's sections, its secret keys, the providers' settings and the engine's `pulumi:*` keys. A key the loader
 * refuses as unknown is refused here too (additionalProperties false).
 */
export function stackFileSchema(): JsonSchema {
  const spec = inputSchema(rawSpecSchema) as { properties: Record<string, JsonSchema>; required: string[] };
  const own = Object.fromEntries(Object.entries(spec.properties).map(([k, v]) => [configKeyOf(k), v]));
  // issue 27: the self-managed flavor's own sections beside the ApsaraMQ ones; `broker` picks the flavor and
  // the if/then/else below requires and refuses each flavor's sections (the loader names nested keys too).
  const selfManaged = inputSchema(selfManagedSpecSchema) as {
    properties: Record<string, JsonSchema>;
    required: string[];
  };
  const brokerKey = configKeyOf('broker');
  const prometheusKey = configKeyOf('prometheus');
  own[brokerKey] = {
    ...own[brokerKey],
    type: 'string',
    enum: [...BROKER_FLAVORS],
    default: DEFAULT_BROKER_FLAVOR,
  };
  delete own[brokerKey].const;
  own[configKeyOf('selfManaged')] = selfManaged.properties.selfManaged;
  own[prometheusKey] = {
    description:
      'Where KEDA reads the backlog: the ARMS Prometheus HTTP API (broker apsaramq), or the in-cluster Prometheus (broker self-managed).',
    anyOf: [spec.properties.prometheus, selfManaged.properties.prometheus],
  };
  const requiredOf = (keys: readonly string[]) => keys.map(configKeyOf);
  const common = spec.required.filter((k) => selfManaged.required.includes(k));
  const only = (keys: readonly string[], allowed: boolean) =>
    Object.fromEntries(requiredOf(keys).map((k) => [k, allowed]));
  const selfManagedOnly = selfManaged.required.filter((k) => !common.includes(k) && k !== 'broker');
  const apsaraMqOnly = spec.required.filter((k) => !common.includes(k));
  // `false`: the key must be absent in that flavor.
  const flavors = {
    if: { properties: { [brokerKey]: { const: 'self-managed' } }, required: [brokerKey] },
    then: {
      properties: {
        [prometheusKey]: selfManaged.properties.prometheus,
        ...only(selfManagedOnly, true),
        ...only(apsaraMqOnly, false),
      },
      required: requiredOf(selfManagedOnly),
    },
    else: {
      properties: {
        [prometheusKey]: spec.properties.prometheus,
        ...only(apsaraMqOnly, true),
        ...only(selfManagedOnly, false),
      },
      required: requiredOf(apsaraMqOnly),
    },
  };
  const secrets = Object.fromEntries(
    Object.entries(secretConfigSchemas).map(([key, schema]) => [key, inputSchema(schema)]),
  );
  const providers = {
    ...providerKeys('alicloud', ALICLOUD_PROVIDER_KEYS),
    ...providerKeys('kubernetes', KUBERNETES_PROVIDER_KEYS),
  };
  delete providers[REGION_KEY];
  return {
    $schema: SCHEMA_DRAFT,
    title: `Pulumi stack file of ${PROJECT} (stacks/Pulumi.<env>.yaml)`,
    description:
      'Generated by npm run schema from infra/config/schema.ts. Rules that span fields are checked by the loader (infra/config/rules.ts); each key says its rules in words.',
    type: 'object',
    // Source: pulumi/pulumi sdk/go/common/workspace/project.go, type ProjectStack (v3.248.0).
    properties: {
      config: {
        description: `The stack's configuration: ${PROJECT}:<section>, alicloud:region and the providers' settings.`,
        type: 'object',
        properties: { ...own, ...secrets, ...providers },
        patternProperties: {
          '^pulumi:': { description: 'A setting of the Pulumi engine itself (pulumi:tags, ...).' },
        },
        required: requiredOf(common),
        additionalProperties: false,
        allOf: [flavors],
      },
      secretsprovider: { description: "The stack's secrets provider, written by Pulumi.", type: 'string' },
      encryptedkey: {
        description: 'The encrypted data key of a cloud secrets provider, written by Pulumi.',
        type: 'string',
      },
      encryptionsalt: {
        description: 'The salt of the passphrase secrets provider, written by Pulumi.',
        type: 'string',
      },
      environment: {
        description: 'Pulumi ESC environments to import: a list of names, or an environment definition.',
        anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'object' }],
      },
    },
    required: ['config'],
    additionalProperties: false,
  };
}

/** The committed schema file: two-space indent and a final newline, keys in the order zod emits them. */
export function renderSchema(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

// ---- The reference in stacks/README.md

export const REFERENCE_BEGIN = '<!-- BEGIN GENERATED: stack-file reference -->';
export const REFERENCE_END = '<!-- END GENERATED: stack-file reference -->';

/** JavaScript's largest safe integer: zod's upper bound of an unbounded `int()`, which says nothing to a reader. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

const asSchema = (value: unknown): JsonSchema =>
  typeof value === 'object' && value !== null ? (value as JsonSchema) : {};
const list = (value: unknown): JsonSchema[] => (Array.isArray(value) ? value.map(asSchema) : []);
const props = (node: JsonSchema): Record<string, JsonSchema> =>
  node.properties === undefined ? {} : (node.properties as Record<string, JsonSchema>);
const hasProps = (node: JsonSchema): boolean => Object.keys(props(node)).length > 0;

/** A value as the user writes it in YAML (flow style, on one line). */
export function yamlValue(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim();
}

const code = (text: string): string => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

/** Prose from a description: characters Markdown would read as markup are escaped. */
function prose(text: string): string {
  return text.replace(/[\\*<>]/g, (c) => `\\${c}`);
}

function range(node: JsonSchema, integer: boolean): string | undefined {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = node as Record<string, number | undefined>;
  let low = minimum === undefined ? undefined : `${minimum}`;
  if (exclusiveMinimum !== undefined) low = integer ? `${exclusiveMinimum + 1}` : `above ${exclusiveMinimum}`;
  let high = maximum === undefined || maximum >= UNBOUNDED ? undefined : `${maximum}`;
  if (exclusiveMaximum !== undefined)
    high = integer ? `${exclusiveMaximum - 1}` : `below ${exclusiveMaximum}`;
  if (low !== undefined && high !== undefined) {
    if (!low.startsWith('above') && !high.startsWith('below')) return `${low} to ${high}`;
    const above = low.startsWith('above') ? low : `at least ${low}`;
    return `${above}, ${high.startsWith('below') ? high : `at most ${high}`}`;
  }
  if (low !== undefined) return low.startsWith('above') ? low : `at least ${low}`;
  if (high !== undefined) return high.startsWith('below') ? high : `at most ${high}`;
  return undefined;
}

function lengths(min: unknown, max: unknown, unit: string): string | undefined {
  const plural = (n: number) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (typeof min === 'number' && typeof max === 'number') return `${min} to ${plural(max)}`;
  if (typeof min === 'number') return `at least ${plural(min)}`;
  if (typeof max === 'number') return `at most ${plural(max)}`;
  return undefined;
}

/** The type of a value and the rules its schema states, in words. */
export function typeWords(node: JsonSchema): string {
  if (node.const !== undefined) return code(yamlValue(node.const));
  if (Array.isArray(node.enum)) return `one of ${node.enum.map((v) => code(yamlValue(v))).join(', ')}`;
  if (node.anyOf !== undefined) return [...new Set(list(node.anyOf).map(typeWords))].join(' or ');
  const parts: (string | undefined)[] = [];
  switch (node.type) {
    case 'string':
      parts.push(
        node.format === 'uri' ? 'URL' : 'string',
        lengths(node.minLength, node.maxLength, 'character'),
        typeof node.pattern === 'string' ? `matching ${code(node.pattern)}` : undefined,
      );
      break;
    case 'integer':
    case 'number':
      parts.push(node.type, range(node, node.type === 'integer'));
      break;
    case 'array': {
      const items = asSchema(node.items);
      const count = lengths(node.minItems, node.maxItems, 'item');
      parts.push(
        `list${count === undefined ? '' : ` (${count})`} of ${hasProps(items) ? 'objects' : typeWords(items)}`,
      );
      break;
    }
    case 'object':
      // A record: keys of one shape (propertyNames), values of another (additionalProperties as a schema).
      if (!hasProps(node) && typeof node.additionalProperties === 'object') {
        const value = asSchema(node.additionalProperties);
        parts.push(
          `map of ${typeWords(asSchema(node.propertyNames))} to ${hasProps(value) ? 'objects' : typeWords(value)}`,
        );
      } else {
        parts.push('object');
      }
      break;
    case undefined:
      parts.push('any value');
      break;
    default:
      parts.push(String(node.type));
  }
  return parts.filter((p) => p !== undefined).join(', ');
}

/** One key of the reference: its path in the section and what the schema says of it. */
interface Entry {
  readonly path: string;
  readonly node: JsonSchema;
  readonly required: boolean;
}

/** The object schemas below a node, each with the path suffix that reaches its keys (`[]`, `.<NAME>`). */
function objectsBelow(node: JsonSchema): { suffix: string; object: JsonSchema }[] {
  if (hasProps(node)) return [{ suffix: '', object: node }];
  if (node.type === 'array') {
    return objectsBelow(asSchema(node.items)).map((o) => ({ ...o, suffix: `[]${o.suffix}` }));
  }
  if (node.type === 'object' && node.additionalProperties !== undefined) {
    return objectsBelow(asSchema(node.additionalProperties)).map((o) => ({
      ...o,
      suffix: `.<NAME>${o.suffix}`,
    }));
  }
  return list(node.anyOf).flatMap(objectsBelow);
}

/** Every key below `node`, depth first, in the order zod emits them. */
function entriesBelow(node: JsonSchema, path: string): Entry[] {
  return objectsBelow(node).flatMap(({ suffix, object }) => {
    const required = new Set(Array.isArray(object.required) ? object.required : []);
    return Object.entries(props(object)).flatMap(([key, child]) => {
      const childPath = `${path}${suffix}.${key}`;
      return [
        { path: childPath, node: child, required: required.has(key) },
        ...entriesBelow(child, childPath),
      ];
    });
  });
}

/** `<type>; required|optional|default <value>. <description> Example: <value>.` */
function facts(entry: Omit<Entry, 'path'> & { readonly requiredWith?: string }): string {
  const { node, required } = entry;
  const presence =
    node.default !== undefined
      ? `default ${code(yamlValue(node.default))}`
      : required
        ? 'required'
        : entry.requiredWith !== undefined
          ? `required with broker ${entry.requiredWith}, refused with the other`
          : 'optional';
  const description = typeof node.description === 'string' ? ` ${prose(node.description)}` : '';
  const examples = Array.isArray(node.examples) ? node.examples : [];
  const example = examples.length > 0 ? ` Example: ${code(yamlValue(examples[0]))}.` : '';
  return `${typeWords(node)}; ${presence}.${description}${example}`;
}

/** One section of the reference: a config key, what it holds, then every key below it. */
function section(key: string, node: JsonSchema, required: boolean, requiredWith?: string): string {
  const name = key.startsWith(`${PROJECT}:`) ? key.slice(PROJECT.length + 1) : key;
  const variants = list(node.anyOf).filter(hasProps);
  const lines = [
    `### \`${key}\``,
    '',
    facts({ node, required, ...(requiredWith !== undefined && { requiredWith }) }),
    '',
  ];
  if (variants.length > 1) {
    // A union of objects (an instance to create, or one to adopt): each variant's keys on their own.
    for (const variant of variants) {
      lines.push(`${typeof variant.description === 'string' ? prose(variant.description) : 'Or:'} Keys:`, '');
      lines.push(...entriesBelow(variant, name).map((e) => `- ${code(e.path)}: ${facts(e)}`), '');
    }
  } else {
    const entries = entriesBelow(node, name);
    if (entries.length > 0) lines.push(...entries.map((e) => `- ${code(e.path)}: ${facts(e)}`), '');
  }
  return lines.join('\n');
}

/**
 * The generated reference: every key of the project (and alicloud:region) with its type, default, rule and
 * example, in the order of the schema; unformatted Markdown (the CLI runs Prettier on the README).
 */
export function stackFileReference(schema: JsonSchema): string {
  const config = asSchema(props(schema).config);
  const required = new Set(Array.isArray(config.required) ? config.required : []);
  const sections = Object.entries(props(config)).filter(
    ([key]) => key === REGION_KEY || key.startsWith(`${PROJECT}:`),
  );
  const others = Object.keys(props(config)).filter((key) => !sections.some(([k]) => k === key));
  // issue 27: the keys one broker flavor requires (the if/then/else of stackFileSchema).
  const flavors = asSchema(list(config.allOf)[0]);
  const requiredBy = (branch: unknown): string[] => {
    const names = asSchema(branch).required;
    return Array.isArray(names) ? names.map(String) : [];
  };
  const requiredWith = (key: string): string | undefined =>
    requiredBy(flavors.then).includes(key)
      ? 'self-managed'
      : requiredBy(flavors.else).includes(key)
        ? 'apsaramq'
        : undefined;
  return [
    REFERENCE_BEGIN,
    '',
    `<!-- Generated by npm run schema from infra/config/schema.ts (${SCHEMA_FILE}); edit the schema, not this text. -->`,
    '',
    ...sections.map(([key, node]) => section(key, node, required.has(key), requiredWith(key))),
    `### Other keys`,
    '',
    `Settings of the providers, passed to Pulumi and not read by this project: ${others.map(code).join(', ')}; and the Pulumi engine's own \`pulumi:*\` keys. Any other key is refused.`,
    '',
    REFERENCE_END,
  ].join('\n');
}

/** `readme` with the text between the reference markers replaced; undefined when the markers are missing. */
export function withReference(readme: string, reference: string): string | undefined {
  const begin = readme.indexOf(REFERENCE_BEGIN);
  const end = readme.indexOf(REFERENCE_END);
  if (begin < 0 || end < begin) return undefined;
  return `${readme.slice(0, begin)}${reference}${readme.slice(end + REFERENCE_END.length)}`;
}
