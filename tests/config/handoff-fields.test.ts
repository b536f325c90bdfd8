/** The hand-off file's field shapes (infra/config/handoff.ts): anchored patterns, URL schemes, auth modes. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HandoffError, parseHandoff } from '../../infra/config/handoff';

const committed = path.resolve(__dirname, '..', '..', 'stacks', 'dev.outputs.json');
type Json = Record<string, unknown>;
const devHandoff = (): Json => JSON.parse(fs.readFileSync(committed, 'utf8')) as Json;

/** The violations of the dev hand-off edited by `edit` ([] when it parses). */
function violations(edit: (h: Json) => void): readonly string[] {
  const handoff = devHandoff();
  edit(handoff);
  try {
    parseHandoff('test.json', handoff);
  } catch (error) {
    if (error instanceof HandoffError) return error.violations;
    throw error;
  }
  return [];
}
const prometheus = (h: Json) => h.prometheus as Json;

describe('refused', () => {
  test.each<[string, (h: Json) => void, string]>([
    [
      'an instance id with text before rmq-cn-',
      (h) => (h.instanceId = 'xrmq-cn-abc'),
      'instanceId: must look like rmq-cn-xxxxxxxx',
    ],
    [
      'an instance id with a character after',
      (h) => (h.instanceId = 'rmq-cn-abc-'),
      'instanceId: must look like rmq-cn-xxxxxxxx',
    ],
    [
      'an endpoint with a scheme',
      (h) => (h.rocketMqEndpoint = 'grpc://rmq.example.com:8080'),
      'rocketMqEndpoint: must be host:port',
    ],
    [
      'an endpoint with a path',
      (h) => (h.rocketMqEndpoint = 'rmq.example.com:8080/x'),
      'rocketMqEndpoint: must be host:port',
    ],
    // z.url({ protocol: /^https?$/ }): the scheme must be exactly http or https.
    [
      'a Prometheus URL over ftp',
      (h) => (prometheus(h).serverAddress = 'ftp://prom.example.com'),
      'prometheus.serverAddress: Invalid URL',
    ],
    [
      'a scheme that ends in https',
      (h) => (prometheus(h).serverAddress = 'git+https://prom.example.com'),
      'prometheus.serverAddress: Invalid URL',
    ],
    [
      'a scheme that starts with http',
      (h) => (prometheus(h).serverAddress = 'httpx://prom.example.com'),
      'prometheus.serverAddress: Invalid URL',
    ],
  ])('%s', (_title, edit, message) => {
    expect(violations(edit)).toEqual([message]);
  });

  test('every violation in the message, one per line after the source', () => {
    const handoff = devHandoff();
    Object.assign(handoff, { instanceId: 'i-1', rocketMqEndpoint: 'nowhere' });
    expect(() => parseHandoff('test.json', handoff)).toThrow(
      new Error(
        'test.json is invalid:\n  - instanceId: must look like rmq-cn-xxxxxxxx\n  - rocketMqEndpoint: must be host:port',
      ),
    );
  });
});

describe('accepted', () => {
  test.each<[string, (h: Json) => void]>([
    ['auth accessKey (V2 ARMS Prometheus, basic auth)', (h) => (prometheus(h).auth = 'accessKey')],
    ['auth token (V1)', (h) => (prometheus(h).auth = 'token')],
    ['an http URL', (h) => (prometheus(h).serverAddress = 'http://prom.example.com:9090/api')],
    ['an endpoint host:port', (h) => (h.rocketMqEndpoint = 'rmq-cn-abc.cn-hangzhou.rmq.aliyuncs.com:8080')],
  ])('%s', (_title, edit) => {
    expect(violations(edit)).toEqual([]);
  });
});
