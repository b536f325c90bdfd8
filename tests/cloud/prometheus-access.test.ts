/**
 * PrometheusAccess on its own, under the provider mocks: the argument rules with messages and passing cases, the
 * lookup it calls, and which outputs are secret. The expected URLs are the mock's ARMS answer for the instance id.
 */
import {
  InvalidArgsError,
  lookedUpToken,
  PrometheusAccess,
  type PrometheusAccessArgs,
  prometheusAccessViolations,
} from '../../constructs/cloud';
import { ARMS_LOOKUP, CANARY, type MockOptions, runWithMocks, valueOf } from '../pulumi/harness';
import { TYPE } from '../pulumi/types';

const INSTANCE = 'c0fakedev0000000000000000000000000';
// The mock's intranet HTTP API URL of INSTANCE in cn-hangzhou (harness.ts armsLookup).
const INTERNAL_URL = `http://cn-hangzhou-intranet.arms.aliyuncs.com:9090/api/v1/prometheus/fakedev0000/1234567890123456/${INSTANCE}/cn-hangzhou`;

function run<T>(construct: () => T, options: MockOptions = {}) {
  return runWithMocks('test', { 'alicloud:region': 'cn-hangzhou' }, construct, options);
}

describe('prometheusAccessViolations', () => {
  test.each<[string, PrometheusAccessArgs, string[]]>([
    ['token auth by lookup', { auth: 'token', instanceId: INSTANCE }, []],
    [
      'token auth on an https URL with a token',
      { auth: 'token', serverAddress: 'https://arms.example/x', token: 't' },
      [],
    ],
    [
      'AccessKey auth on an http URL, no token needed',
      { auth: 'accessKey', serverAddress: 'http://arms.example' },
      [],
    ],
    [
      'a URL that is not http(s)',
      { auth: 'accessKey', serverAddress: 'ftp://arms.example' },
      ['serverAddress ("ftp://arms.example") must be an http(s) URL'],
    ],
    [
      'a URL with something before the scheme',
      { auth: 'accessKey', serverAddress: 'xhttp://arms.example' },
      ['serverAddress ("xhttp://arms.example") must be an http(s) URL'],
    ],
    [
      'a URL without a host',
      { auth: 'accessKey', serverAddress: 'http:///api' },
      ['serverAddress ("http:///api") must be an http(s) URL'],
    ],
    ['neither an instance nor a URL', { auth: 'accessKey' }, ['instanceId / serverAddress: set exactly one']],
    [
      'a URL and no token for token auth',
      { auth: 'token', serverAddress: 'http://arms.example' },
      ['token is required with serverAddress and auth token (nothing to look it up from)'],
    ],
    [
      'a token for AccessKey auth',
      { auth: 'accessKey', instanceId: INSTANCE, token: 't' },
      ['token applies to auth token only; V2 instances use an AccessKey'],
    ],
  ])('%s', (_, input, expected) => {
    expect(prometheusAccessViolations(input)).toEqual(expected);
  });

  test('the constructor throws, naming the component, before calling anything', async () => {
    const r = await run(() => new PrometheusAccess('p', { auth: 'token', serverAddress: 'ftp://x' }));
    expect(r.error).toBeInstanceOf(InvalidArgsError);
    expect((r.error as Error).message).toBe(
      'PrometheusAccess "p" has invalid arguments:\n' +
        '  - serverAddress ("ftp://x") must be an http(s) URL\n' +
        '  - token is required with serverAddress and auth token (nothing to look it up from)',
    );
    expect([r.resources, r.calls]).toEqual([[], []]);
  });
});

describe('PrometheusAccess', () => {
  test('token auth by lookup registers the URL plain and the token secret', async () => {
    const r = await run(() => new PrometheusAccess('p', { auth: 'token', instanceId: INSTANCE }));
    expect(r.error).toBeUndefined();
    expect(r.calls).toEqual([{ token: ARMS_LOOKUP, inputs: { ids: [INSTANCE], enableDetails: true } }]);
    expect(r.componentOutputs).toEqual([
      {
        name: 'p',
        type: TYPE.prometheusAccess,
        secretOutputs: ['token'],
        values: { serverAddress: INTERNAL_URL, token: CANARY.armsToken },
      },
    ]);
  });

  test('AccessKey auth on an explicit URL: the URL as given, no token, no lookup', async () => {
    const r = await run(
      () => new PrometheusAccess('p', { auth: 'accessKey', serverAddress: 'http://arms.example/x' }),
    );
    expect(r.error).toBeUndefined();
    const p = r.result!;
    expect(p.token).toBeUndefined();
    expect(await valueOf(p.serverAddress)).toBe('http://arms.example/x');
    expect(r.calls).toEqual([]);
    expect(r.componentOutputs).toEqual([
      {
        name: 'p',
        type: TYPE.prometheusAccess,
        secretOutputs: [],
        values: { serverAddress: 'http://arms.example/x' },
      },
    ]);
  });
});

describe('lookedUpToken', () => {
  test('is the token of a V1 instance', () => {
    expect(lookedUpToken(INSTANCE, { authToken: 'tok' })).toBe('tok');
  });

  // A V2 instance: the data source reports an empty auth_token; an absent one is treated the same.
  test.each([
    ['empty', { authToken: '' }],
    ['absent', {}],
  ])('throws when the token is %s', (_, details) => {
    expect(() => lookedUpToken(INSTANCE, details)).toThrow(
      `ARMS Prometheus ${INSTANCE} has no token; for a V2 instance use auth accessKey`,
    );
  });
});
