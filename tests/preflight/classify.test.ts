/**
 * What the preflight makes of the answers it gets: Prometheus's instant query judged as KEDA 2.17.2's
 * prometheus scaler judges it, the operator Deployment's release, the APIService's availability, a Secret's
 * keys, and the auth header KEDA sends. Expected values worked out by hand.
 */
import {
  apiServiceAvailability,
  classifyQueryAnswer,
  demandArrivalQuery,
  formatResult,
  judgeDemandArrival,
  kedaVersionOf,
  missingSecretKeys,
  redact,
} from '../../infra/preflight/classify';
import { authHeaders } from '../../infra/preflight/preflight';

const vector = (series: unknown[]): string =>
  JSON.stringify({ status: 'success', data: { resultType: 'vector', result: series } });

describe('classifyQueryAnswer', () => {
  test.each([
    ['one series', 200, vector([{ metric: {}, value: [1767000000, '42'] }]), { kind: 'one', value: '42' }],
    ['no series (a wrong label)', 200, vector([]), { kind: 'none' }],
    [
      'two series (a query that groups)',
      200,
      vector([
        { metric: { topic: 'a' }, value: [1, '1'] },
        { metric: { topic: 'b' }, value: [1, '2'] },
      ]),
      { kind: 'many', count: 2 },
    ],
    ['HTTP 401', 401, 'Unauthorized', { kind: 'refused', status: 401, detail: 'Unauthorized' }],
    [
      'HTTP 400 with an error body',
      400,
      '{"status":"error",\n"errorType":"bad_data"}',
      { kind: 'refused', status: 400, detail: '{"status":"error", "errorType":"bad_data"}' },
    ],
    [
      'a page that is no JSON',
      200,
      '<html>login</html>',
      { kind: 'invalid', detail: 'not JSON: <html>login</html>' },
    ],
    [
      'a scalar result (a [time, value] pair, no series)',
      200,
      '{"status":"success","data":{"resultType":"scalar","result":[1,"1"]}}',
      {
        kind: 'invalid',
        detail:
          'no data.result list of series: {"status":"success","data":{"resultType":"scalar","result":[1,"1"]}}',
      },
    ],
    [
      'a range vector element (values, no value)',
      200,
      vector([{ metric: {}, values: [[1, '1']] }]),
      {
        kind: 'invalid',
        detail: `the series has no [time, value] pair: ${vector([{ metric: {}, values: [[1, '1']] }])}`,
      },
    ],
  ])('%s', (_name, status, text, expected) => {
    expect(classifyQueryAnswer(status, text)).toEqual(expected);
  });

  test('a long answer is cut to 200 characters and an ellipsis', () => {
    const outcome = classifyQueryAnswer(502, 'x'.repeat(300));
    expect(outcome).toEqual({ kind: 'refused', status: 502, detail: `${'x'.repeat(200)}...` });
  });
});

describe('kedaVersionOf', () => {
  const deployment = (labels: Record<string, string>, images: [string, string][]) => ({
    metadata: { name: 'keda-operator', namespace: 'keda', labels },
    spec: { template: { spec: { containers: images.map(([name, image]) => ({ name, image })) } } },
  });
  test.each([
    [
      'the Helm label',
      deployment({ 'app.kubernetes.io/version': '2.17.2' }, [
        ['keda-operator', 'ghcr.io/kedacore/keda:2.16.0'],
      ]),
      { version: '2.17.2', from: 'label app.kubernetes.io/version' },
    ],
    [
      'the image tag when the label is latest',
      deployment({ 'app.kubernetes.io/version': 'latest' }, [
        ['keda-operator', 'ghcr.io/kedacore/keda:2.17.2'],
      ]),
      { version: '2.17.2', from: 'image ghcr.io/kedacore/keda:2.17.2' },
    ],
    [
      'a v-prefixed tag behind a registry with a port',
      deployment({}, [['keda-operator', 'registry.local:5000/acs/keda:v2.16.1']]),
      { version: '2.16.1', from: 'image registry.local:5000/acs/keda:v2.16.1' },
    ],
    [
      'the keda-operator container, not the first one',
      deployment({}, [
        ['sidecar', 'proxy:1.2.3'],
        ['keda-operator', 'keda:2.17.2'],
      ]),
      { version: '2.17.2', from: 'image keda:2.17.2' },
    ],
    ['no release anywhere (a digest)', deployment({}, [['keda-operator', 'keda@sha256:abc']]), undefined],
    [
      'no tag at all (a registry port only)',
      deployment({}, [['keda-operator', 'registry:5000/keda']]),
      undefined,
    ],
  ])('%s', (_name, d, expected) => {
    expect(kedaVersionOf(d)).toEqual(expected);
  });
});

describe('apiServiceAvailability', () => {
  test('Available True is available', () => {
    expect(
      apiServiceAvailability({ status: { conditions: [{ type: 'Available', status: 'True' }] } }),
    ).toEqual({
      available: true,
    });
  });
  test('Available False gives its reason and message', () => {
    const apiService = {
      status: {
        conditions: [
          {
            type: 'Available',
            status: 'False',
            reason: 'FailedDiscoveryCheck',
            message: 'failing or missing response from https://10.0.0.1:6443',
          },
        ],
      },
    };
    expect(apiServiceAvailability(apiService)).toEqual({
      available: false,
      why: 'Available is False (FailedDiscoveryCheck: failing or missing response from https://10.0.0.1:6443)',
    });
  });
  test('no condition yet is not available', () => {
    expect(apiServiceAvailability({})).toEqual({ available: false, why: 'has no Available condition yet' });
  });
});

describe('missingSecretKeys', () => {
  test('names each missing key once, sorted', () => {
    expect(missingSecretKeys(['username'], ['password', 'username', 'customAuthValue', 'password'])).toEqual([
      'customAuthValue',
      'password',
    ]);
  });
});

describe('redact', () => {
  test('replaces every secret value, the longest first, and ignores empty ones', () => {
    expect(redact('token abc123 and abc', ['abc', 'abc123', ''])).toBe('token [redacted] and [redacted]');
  });
});

describe('formatResult', () => {
  test('one line: status, check, object, message, and the fix of a failure', () => {
    expect(
      formatResult({
        check: 'secret',
        object: 'Secret orders-dev/keda-arms-prometheus-auth',
        status: 'FAIL',
        message: 'not found',
        fix: 'run pulumi up',
      }),
    ).toBe('FAIL secret Secret orders-dev/keda-arms-prometheus-auth: not found; fix: run pulumi up');
    expect(
      formatResult({ check: 'metrics-api', object: 'APIService x', status: 'ok', message: 'Available' }),
    ).toBe('ok   metrics-api APIService x: Available');
  });
});

describe('authHeaders', () => {
  const params = new Map([
    ['customAuthHeader', 'Authorization'],
    ['customAuthValue', 'Bearer t0ken'],
    ['username', 'user'],
    ['password', 'pass'],
    ['bearerToken', 'b'],
  ]);
  test.each([
    ['custom: the header named by customAuthHeader', 'custom', { Authorization: 'Bearer t0ken' }],
    // base64('user:pass') = dXNlcjpwYXNz
    ['basic: user:pass in base64', 'basic', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['bearer: Bearer and the token', 'bearer', { authorization: 'Bearer b' }],
    ['no authModes: no header', undefined, {}],
  ])('%s', (_name, mode, expected) => {
    expect(authHeaders(mode, params)).toEqual(expected);
  });
});

describe("the demand trigger's arrival part", () => {
  // prod order-fulfilment's demand query as synth writes it (constructs/README.md shows it).
  const rate = 'sum(rate(rocketmq_messages_in_total{instance_id="rmq-cn-fakeprod0000", topic="orders"}[1m]))';
  const demand = `((${rate} or vector(0)) + (sum({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", instance_id="rmq-cn-fakeprod0000", topic="orders", consumer_group="order-fulfilment"})) / 30) / 50`;

  test('is the rate the whole query reads as 0 when missing, sent alone', () => {
    expect(demandArrivalQuery(demand)).toBe(rate);
    expect(demandArrivalQuery(`clamp_max(${demand}, 8)`)).toBe(rate);
    expect(demandArrivalQuery('sum({__name__=~"a|b", topic="t"})')).toBeUndefined();
  });

  test('one series is ok; none names the labels to check, since the demand then counts only the backlog', () => {
    const answer = (result: unknown[]) =>
      classifyQueryAnswer(200, JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
    expect(judgeDemandArrival(answer([{ metric: {}, value: [1, '12.5'] }]), 'http://p')).toEqual({
      status: 'ok',
      message: 'one series (value 12.5)',
    });
    expect(judgeDemandArrival(answer([]), 'http://p')).toEqual({
      status: 'FAIL',
      message: 'no series from http://p: the demand counts no arrivals, only the backlog',
      fix: 'check scaleOnDemand.metricName and its labels (instance_id, topic) against the series Prometheus has',
    });
  });
});
