/**
 * A stack file is committed, so it holds no secret (infra/config/secret-findings.ts, the workload env rule of
 * infra/config/schema.ts): a URL with credentials, an AccessKey ID or a JWT anywhere in it, and a workload env
 * entry whose name says it is a credential, are refused; no message shows the value.
 */
import { parseEnvironment } from '../../infra/config/environment';
import { isCredentialEnvName } from '../../infra/config/secret-findings';
import { section, stackConfig, violationsOf, type Config } from './helpers';

/** Not a credential of anything: a string to look for in every message. */
const CANARY = 'canary-not-a-real-secret-4d';
const ARMS = 'arms.example.com:9090/api/v1/prometheus/x/y/z/cn-hangzhou';
const prometheus = (c: Config) => section(c, 'prometheus');
const env = (c: Config): Record<string, unknown> => {
  const workload = section(c, 'workloads')[0];
  workload.env = workload.env ?? {};
  return workload.env as Record<string, unknown>;
};
/** Points the dev stack at an explicit server address instead of the ARMS lookup. */
const serverAddress = (c: Config, url: string) => {
  delete prometheus(c).instanceId;
  prometheus(c).serverAddress = url;
};
const secretRef = (name: string) =>
  `reference a Secret instead: ${name}: { secretKeyRef: { name: <secret>, key: <key> } }`;
const literal = (name: string) =>
  `workloads[0].env.${name}: holds a literal value, but its name says it is a credential; ${secretRef(name)}`;

describe('the stack file refuses a credential in a value', () => {
  test.each<[string, (c: Config) => void, string]>([
    [
      'a user and password in prometheus.serverAddress',
      (c) => serverAddress(c, `https://keda:${CANARY}@${ARMS}`),
      'prometheus.serverAddress: is a URL with credentials in it; a stack file is committed, so it holds no secret',
    ],
    [
      'a token in the query string of prometheus.serverAddress',
      (c) => serverAddress(c, `https://${ARMS}?token=${CANARY}`),
      'prometheus.serverAddress: is a URL with credentials in its query string or fragment (token); a stack file is committed, so it holds no secret',
    ],
    [
      'a JWT in a tag',
      (c) => (section(c, 'instance').tags.owner = `eyJ${CANARY}.eyJ${CANARY}.x`),
      'instance.tags.owner: looks like a token (JWT); a stack file is committed, so it holds no secret',
    ],
    [
      'a URL with credentials in a plain env value',
      (c) => (env(c).DATABASE_URL = `postgres://app:${CANARY}@db.internal:5432/orders`),
      `workloads[0].env.DATABASE_URL: is a URL with credentials in it; a stack file is committed, so it holds no secret; ${secretRef('DATABASE_URL')}`,
    ],
    [
      'an AccessKey ID in a plain env value',
      (c) => (env(c).ALIBABA_CLOUD_ACCESS_KEY_ID = 'LTAIcanaryID'),
      `workloads[0].env.ALIBABA_CLOUD_ACCESS_KEY_ID: looks like an AccessKey ID; a stack file is committed, so it holds no secret; ${secretRef('ALIBABA_CLOUD_ACCESS_KEY_ID')}`,
    ],
  ])('%s, naming the field and never the value', (_title, edit, message) => {
    expect(violationsOf('dev', edit)).toEqual([message]);
  });

  test('a credential is reported beside the shape errors of the same file, and the message never shows it', () => {
    const config = stackConfig('dev');
    serverAddress(config, `https://keda:${CANARY}@${ARMS}`);
    section(config, 'workloads')[0].maxReplicas = -1;
    let message = '';
    try {
      parseEnvironment('dev', config);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('  - prometheus.serverAddress: is a URL with credentials in it;');
    expect(message).toContain('  - workloads[0].maxReplicas: Too small: expected number to be >0');
    expect(message).not.toContain(CANARY);
  });

  test('an address without credentials, with an innocent query, is accepted', () => {
    expect(violationsOf('dev', (c) => serverAddress(c, `https://${ARMS}?region=cn-hangzhou`))).toEqual([]);
  });
});

describe('a workload env entry named as a credential', () => {
  test.each([
    'DB_PASSWORD',
    'PASSWORD',
    'db_passwd',
    'DB_PASS',
    'CLIENT_SECRET',
    'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
    'GITHUB_TOKEN',
    'Api_Token',
    'REGISTRY_CREDENTIAL',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'HTTP_AUTHORIZATION',
    'API_KEY',
    'OPENAI_APIKEY',
    'AWS_SECRET_ACCESS_KEY',
    'ALIBABA_CLOUD_ACCESSKEY',
    'TLS_PRIVATE_KEY',
    'SIGNING_PRIVATEKEY',
    'DJANGO_SECRET_KEY',
  ])('%s with a literal value is refused, showing the Secret-reference form', (name) => {
    expect(isCredentialEnvName(name)).toBe(true);
    expect(violationsOf('dev', (c) => (env(c)[name] = CANARY))).toEqual([literal(name)]);
  });

  test('the message is exactly the one the README shows', () => {
    expect(violationsOf('dev', (c) => (env(c).DB_PASSWORD = CANARY))).toEqual([
      'workloads[0].env.DB_PASSWORD: holds a literal value, but its name says it is a credential; reference a Secret instead: DB_PASSWORD: { secretKeyRef: { name: <secret>, key: <key> } }',
    ]);
  });

  test('an empty literal is refused too: the name is the rule', () => {
    expect(violationsOf('dev', (c) => (env(c).DB_PASSWORD = ''))).toEqual([literal('DB_PASSWORD')]);
  });

  test.each([
    // Only the last word counts: these name a limit, a mode, an address, a Secret or a file, not a credential.
    'MAX_TOKENS',
    'TOKENIZER_MODE',
    'TOKEN_URL',
    'TOKEN_TTL_SECONDS',
    'SECRET_NAME',
    'PASSWORD_FILE',
    'AUTH_MODE',
    'ENABLE_AUTH',
    'ACCESS_KEY_ID',
    'BYPASS',
    'PASSPORT',
    'KEYSTONE_ACCESS',
    'SECRETARY',
  ])('%s with a literal value is accepted', (name) => {
    expect(isCredentialEnvName(name)).toBe(false);
    expect(violationsOf('dev', (c) => (env(c)[name] = 'value'))).toEqual([]);
  });
});

describe('a workload env entry read from a Secret', () => {
  test('a credential name with a secretKeyRef is accepted, and the spec keeps the reference', () => {
    const config = stackConfig('dev');
    env(config).DB_PASSWORD = { secretKeyRef: { name: 'orders-db', key: 'password' } };
    env(config).APP_MODE = 'batch';
    expect(parseEnvironment('dev', config).workloads[0].env).toEqual({
      APP_MODE: 'batch',
      DB_PASSWORD: { secretKeyRef: { name: 'orders-db', key: 'password' } },
    });
  });

  test.each<[string, unknown, string]>([
    [
      'a Secret name that is not a DNS-1123 subdomain',
      { secretKeyRef: { name: 'Orders_DB', key: 'password' } },
      'workloads[0].env.DB_PASSWORD.secretKeyRef.name: must be a Secret name: a DNS-1123 subdomain ([a-z0-9-.]), at most 253 characters',
    ],
    [
      'a key with a character a Secret key cannot have',
      { secretKeyRef: { name: 'orders-db', key: 'pass word' } },
      'workloads[0].env.DB_PASSWORD.secretKeyRef.key: must be a Secret key: [-._a-zA-Z0-9], at most 253 characters, not "." nor starting with ".."',
    ],
    [
      'a key that climbs out of the mount (..)',
      { secretKeyRef: { name: 'orders-db', key: '..password' } },
      'workloads[0].env.DB_PASSWORD.secretKeyRef.key: must be a Secret key: [-._a-zA-Z0-9], at most 253 characters, not "." nor starting with ".."',
    ],
    [
      'a misspelt secretKeyRef',
      { secretKeyref: { name: 'orders-db', key: 'password' } },
      'workloads[0].env.DB_PASSWORD: must be a string, or { secretKeyRef: { name: <secret>, key: <key> } } to read it from a Secret',
    ],
    [
      'a number',
      5432,
      'workloads[0].env.DB_PASSWORD: must be a string, or { secretKeyRef: { name: <secret>, key: <key> } } to read it from a Secret',
    ],
  ])('%s is refused', (_title, value, message) => {
    expect(violationsOf('dev', (c) => (env(c).DB_PASSWORD = value))).toEqual([message]);
  });
});
