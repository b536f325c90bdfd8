/**
 * The hand-off holds no secret wherever it is read (infra/config/handoff.ts, infra/config/secret-findings.ts): a
 * hand-edited stacks/<env>.outputs.json is refused as `npm run outputs` refuses its input, and no message shows
 * any part of a value that might be one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HandoffError, loadHandoff, parseHandoff } from '../../infra/config/handoff';

/** Not a credential of anything: a string to look for in every message. */
const CANARY = 'canary-not-a-real-secret-4d';
const committed = path.resolve(__dirname, '..', '..', 'stacks', 'dev.outputs.json');
type Json = Record<string, unknown>;
const devHandoff = (): Json => JSON.parse(fs.readFileSync(committed, 'utf8')) as Json;
const prometheus = (h: Json) => h.prometheus as Json;
const ARMS = 'cn-hangzhou-intranet.arms.aliyuncs.com:9090/api/v1/prometheus/x/y/z/cn-hangzhou';

function refusal(value: unknown): HandoffError {
  try {
    parseHandoff('test.json', value);
  } catch (error) {
    if (error instanceof HandoffError) return error;
    throw error;
  }
  throw new Error('parsed without error');
}

describe('parseHandoff refuses a secret in the hand-off', () => {
  test.each<[string, (h: Json) => void, string]>([
    [
      'a user and password in the server address',
      (h) => (prometheus(h).serverAddress = `http://keda:${CANARY}@${ARMS}`),
      'prometheus.serverAddress: is a URL with credentials in it',
    ],
    [
      'a user name alone in the server address',
      (h) => (prometheus(h).serverAddress = `https://${CANARY}@${ARMS}`),
      'prometheus.serverAddress: is a URL with credentials in it',
    ],
    [
      'a token in the query string',
      (h) => (prometheus(h).serverAddress = `https://${ARMS}?token=${CANARY}`),
      'prometheus.serverAddress: is a URL with credentials in its query string or fragment (token)',
    ],
    [
      'a token in the fragment',
      (h) => (prometheus(h).serverAddress = `https://${ARMS}#access_token=${CANARY}`),
      'prometheus.serverAddress: is a URL with credentials in its query string or fragment (access_token)',
    ],
    [
      'a redacted value',
      (h) => ((h.workloads as Json[])[0].topic = '[secret]'),
      'workloads[0].topic: is a redacted secret ([secret]); the hand-off holds no secret',
    ],
  ])('%s, naming the field and never the value', (_title, edit, message) => {
    const handoff = devHandoff();
    edit(handoff);
    const error = refusal(handoff);
    expect(error.violations).toEqual([message]);
    expect(error.message).toBe(`test.json is invalid:\n  - ${message}`);
    expect(error.message).not.toContain(CANARY);
  });

  test('a secret field is named as one, beside the schema rule it breaks', () => {
    const handoff = devHandoff();
    prometheus(handoff).token = CANARY;
    expect(refusal(handoff).violations).toEqual([
      'prometheus.token: is a secret field; the hand-off holds no secret',
      'prometheus: Unrecognized key: "token"',
    ]);
  });

  test('a key that itself looks like a token is reported without its name', () => {
    const handoff = devHandoff();
    const jwtLike = `eyJ${CANARY}.eyJ${CANARY}.x`;
    prometheus(handoff)[jwtLike] = 'x';
    const error = refusal(handoff);
    expect(error.violations).toEqual([
      'prometheus: has a key that looks like a token (JWT); the hand-off holds no secret',
    ]);
    expect(error.message).not.toContain(CANARY);
  });

  test('the environment is a stack name, so a message that shows it shows no secret', () => {
    const handoff = devHandoff();
    handoff.environment = `dev ${CANARY}`;
    expect(refusal(handoff).violations).toEqual([
      'environment: must be a stack name (a DNS-1123 label such as prod)',
    ]);
  });

  test.each<[string, (h: Json) => void, string]>([
    [
      'an auth mode',
      (h) => (prometheus(h).auth = CANARY),
      'prometheus.auth: Invalid option: expected one of "token"|"accessKey"',
    ],
    [
      'a URL',
      (h) => (prometheus(h).serverAddress = `ftp://${CANARY}`),
      'prometheus.serverAddress: Invalid URL',
    ],
    ['an instance id', (h) => (h.instanceId = CANARY), 'instanceId: must look like rmq-cn-xxxxxxxx'],
    ['a type', (h) => (h.namespace = 12345), 'namespace: Invalid input: expected string, received number'],
  ])('a schema message about %s does not show the value', (_title, edit, message) => {
    const handoff = devHandoff();
    edit(handoff);
    const error = refusal(handoff);
    expect(error.violations).toEqual([message]);
    expect(error.message).not.toContain(CANARY);
  });
});

describe('loadHandoff', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-secrets-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('refuses a hand-edited file with credentials in the server address, naming the file', () => {
    const handoff = devHandoff();
    prometheus(handoff).serverAddress = `http://keda:${CANARY}@${ARMS}`;
    const file = path.join(dir, 'dev.outputs.json');
    fs.writeFileSync(file, JSON.stringify(handoff, null, 2));
    expect(() => loadHandoff('dev', dir)).toThrow(
      new HandoffError(file, ['prometheus.serverAddress: is a URL with credentials in it']),
    );
  });

  test.each<[string, string, string]>([
    [
      'a bare word where a value goes',
      `{"environment": ${CANARY}}`,
      'line 1, column 17: unexpected character',
    ],
    ['text after the object', `{"environment": "dev"}\n${CANARY}`, 'line 2, column 1: unexpected character'],
    ['an unclosed string', `{\n  "environment": "${CANARY}`, 'line 2, column 18: the string is never closed'],
    ['an empty file', '', 'is empty: run pulumi up --stack dev, then npm run outputs -- dev'],
  ])('a file that is not JSON (%s) is refused with line and column only', (_title, text, where) => {
    const file = path.join(dir, 'dev.outputs.json');
    fs.writeFileSync(file, text);
    const error = (() => {
      try {
        loadHandoff('dev', dir);
      } catch (e) {
        return e as Error;
      }
      throw new Error('loaded without error');
    })();
    expect(error).toEqual(new HandoffError(file, [where]));
    expect(error.message).not.toContain(CANARY);
  });
});
