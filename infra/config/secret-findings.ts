/**
 * What a committed file may not hold: the hand-off (stacks/<env>.outputs.json) and the stack file
 * (stacks/Pulumi.<env>.yaml) are in git, so a value that is, or carries, a credential is refused wherever either
 * is read. Every finding names the place and the reason, never the value.
 */
import { formatPath } from './errors';

/** How `pulumi stack output --json` shows a secret unless --show-secrets is given. */
export const REDACTED = '[secret]';

// Pulumi's serialized secret envelope (sdk/nodejs/runtime/rpc.ts specialSigKey), as in `pulumi stack export`.
const SECRET_ENVELOPE_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_FIELD =
  /pass(word|wd)?|secret|token|credential|access[-_]?key|private[-_]?key|auth[-_]?value|bearer/i;
/** Hand-off fields whose names look secret but hold a Secret's name, never its content. */
const SECRET_NAME_FIELDS = new Set(['secretName', 'credentialsSecretName']);
// Source: Alibaba Cloud RAM, "Create an AccessKey pair": AccessKey IDs start with "LTAI".
const ACCESS_KEY_ID = /^LTAI[A-Za-z0-9]{8,}$/;
const JWT = /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\./;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Query or fragment parameters that carry credentials (OAuth `access_token`, signed URLs, API keys). */
const SECRET_PARAMETER =
  /pass(word|wd)?|secret|token|credential|access[-_]?key|private[-_]?key|bearer|^(sig|signature|x-[a-z]+-signature|x-[a-z]+-credential|api[-_]?key|key|auth|authorization|session)$/i;

/** The credential-carrying parameter names in a URL's query string and fragment. */
function secretParameters(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  const names = [...url.searchParams.keys(), ...new URLSearchParams(url.hash.replace(/^#/, '')).keys()];
  return [...new Set(names.filter((name) => SECRET_PARAMETER.test(name)))];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Why `value` is itself a credential or carries one (an AccessKey ID, a JWT, a URL with a user or password, or
 * with a credential parameter in its query or fragment), or undefined. The reason never contains the value.
 */
export function credentialInValue(value: string): string | undefined {
  if (ACCESS_KEY_ID.test(value)) return 'looks like an AccessKey ID';
  if (JWT.test(value)) return 'looks like a token (JWT)';
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*@/i.test(value)) return 'is a URL with credentials in it';
  const parameters = URL_SCHEME.test(value) ? secretParameters(value) : [];
  return parameters.length > 0
    ? `is a URL with credentials in its query string or fragment (${parameters.join(', ')})`
    : undefined;
}

/** `at` as messages show it, `(root)` when empty; it never holds a key credentialInKey flags. */
function where(at: readonly PropertyKey[]): string {
  return at.length === 0 ? '(root)' : formatPath(at);
}

/** Why an object key is itself a credential, or undefined: such a key is never shown, so its parent is named. */
function credentialInKey(key: string): string | undefined {
  const finding = credentialInValue(key);
  return finding === undefined ? undefined : `has a key that ${finding}`;
}

/**
 * Every place in a hand-off `value` that holds or names a secret, as `<path>: <why>`: a redacted or
 * enveloped secret, a field named as a secret, a value (or key) that is a credential.
 */
export function secretFindings(value: unknown, at: readonly PropertyKey[] = []): string[] {
  const suffix = '; the hand-off holds no secret';
  if (typeof value === 'string') {
    if (value === REDACTED) return [`${where(at)}: is a redacted secret (${REDACTED})${suffix}`];
    const finding = credentialInValue(value);
    return finding === undefined ? [] : [`${where(at)}: ${finding}`];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => secretFindings(item, [...at, i]));
  if (!isRecord(value)) return [];
  if (SECRET_ENVELOPE_KEY in value) return [`${where(at)}: is a Pulumi secret envelope`];
  return Object.entries(value).flatMap(([key, child]) => {
    const hidden = credentialInKey(key);
    if (hidden !== undefined) return [`${where(at)}: ${hidden}${suffix}`];
    const named = !SECRET_NAME_FIELDS.has(key) && SECRET_FIELD.test(key);
    const found = secretFindings(child, [...at, key]);
    return named ? [`${formatPath([...at, key])}: is a secret field${suffix}`, ...found] : found;
  });
}

/** Whether a key may be shown in a message: false when it is itself a credential (credentialInValue). */
export function isShowableKey(key: string): boolean {
  return credentialInValue(key) === undefined;
}

/**
 * Every string in a stack file's `value` that is, or carries, a credential (credentialInValue), as
 * `{ path, message }`. Field names are not judged here: a stack file's fields are its schema's.
 */
export function credentialValueFindings(
  value: unknown,
  at: readonly PropertyKey[] = [],
): { readonly path: readonly PropertyKey[]; readonly message: string }[] {
  const suffix = '; a stack file is committed, so it holds no secret';
  if (typeof value === 'string') {
    const finding = credentialInValue(value);
    if (finding === undefined) return [];
    const envName = envEntryName(at);
    return [
      {
        path: at,
        message: `${finding}${suffix}${envName === undefined ? '' : `; ${secretReferenceHint(envName)}`}`,
      },
    ];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => credentialValueFindings(item, [...at, i]));
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const hidden = credentialInKey(key);
    return hidden !== undefined
      ? [{ path: at, message: `${hidden}${suffix}` }]
      : credentialValueFindings(child, [...at, key]);
  });
}

/** The env name when `at` is `workloads[i].env.<NAME>`. */
function envEntryName(at: readonly PropertyKey[]): string | undefined {
  return at.length === 4 && at[0] === 'workloads' && at[2] === 'env' ? String(at[3]) : undefined;
}

/** The stack-file form that reads an env entry from a Secret (infra/config/schema.ts envSecretRefSchema). */
export function secretReferenceHint(name: string): string {
  return `reference a Secret instead: ${name}: { secretKeyRef: { name: <secret>, key: <key> } }`;
}

/** Last words of an env name that say it holds a credential. */
const CREDENTIAL_LAST_WORDS = new Set([
  'PASSWORD',
  'PASSWD',
  'PASS',
  'SECRET',
  'TOKEN',
  'CREDENTIAL',
  'CREDENTIALS',
  'AUTHORIZATION',
  'APIKEY',
  'ACCESSKEY',
  'PRIVATEKEY',
]);
/** Last two words of an env name that say it holds a credential. */
const CREDENTIAL_LAST_PAIRS = new Set(['ACCESS_KEY', 'API_KEY', 'PRIVATE_KEY', 'SECRET_KEY']);

/**
 * Whether an env name says it holds a credential: its last `_`-separated word (any case) is PASSWORD, PASSWD,
 * PASS, SECRET, TOKEN, CREDENTIAL(S), AUTHORIZATION, APIKEY, ACCESSKEY or PRIVATEKEY, or its last two words are
 * ACCESS_KEY, API_KEY, PRIVATE_KEY or SECRET_KEY. Only the end counts, so MAX_TOKENS, TOKENIZER_MODE, TOKEN_URL,
 * SECRET_NAME, PASSWORD_FILE and ENABLE_AUTH name a limit, a mode, an address, a Secret, a file or a flag.
 */
export function isCredentialEnvName(name: string): boolean {
  const words = name.toUpperCase().split('_');
  const last = words[words.length - 1];
  return CREDENTIAL_LAST_WORDS.has(last) || CREDENTIAL_LAST_PAIRS.has(words.slice(-2).join('_'));
}
