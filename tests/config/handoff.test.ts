/** The hand-off file stacks/<env>.outputs.json (infra/config/handoff.ts): parsed, refused with named fields. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { handoffFilePath, HandoffError, loadHandoff, parseHandoff } from '../../infra/config/handoff';
import { InputError } from '../../infra/shared/input-error';

const committed = path.resolve(__dirname, '..', '..', 'stacks', 'dev.outputs.json');
const devHandoff = (): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(committed, 'utf8')) as Record<string, unknown>;

const violations = (value: unknown): readonly string[] => {
  try {
    parseHandoff('test.json', value);
  } catch (error) {
    if (error instanceof HandoffError) return error.violations;
    throw error;
  }
  return [];
};

describe('parseHandoff', () => {
  test('the committed dev hand-off parses to itself', () => {
    expect(parseHandoff('dev', devHandoff())).toEqual(devHandoff());
  });

  test.each<[string, (h: Record<string, unknown>) => void, string]>([
    [
      'an instance id of another shape',
      (h) => (h.instanceId = 'i-123'),
      'instanceId: must look like rmq-cn-xxxxxxxx',
    ],
    [
      'an endpoint without a port',
      (h) => (h.rocketMqEndpoint = 'rmq.example.com'),
      'rocketMqEndpoint: must be host:port',
    ],
    [
      'a Prometheus Secret name that is not DNS-1123',
      (h) => ((h.prometheus as Record<string, unknown>).secretName = 'Keda_Auth'),
      'prometheus.secretName: must be a DNS-1123 name',
    ],
    [
      'a workload credentials Secret name that is not DNS-1123',
      (h) => ((h.workloads as Record<string, unknown>[])[0].credentialsSecretName = 'A'),
      'workloads[0].credentialsSecretName: must be a DNS-1123 name',
    ],
  ])('refuses %s, naming the field', (_title, edit, message) => {
    const handoff = devHandoff();
    edit(handoff);
    expect(violations(handoff)).toEqual([message]);
  });

  test('a value that is not an object is refused at (root), as an InputError naming the source', () => {
    expect(violations('nope')).toEqual([expect.stringMatching(/^\(root\): /)]);
    expect(() => parseHandoff('test.json', 'nope')).toThrow(InputError);
    expect(() => parseHandoff('test.json', 'nope')).toThrow(/^test\.json is invalid:\n {2}- \(root\): /);
  });
});

describe('loadHandoff', () => {
  test('the file is stacks/<env>.outputs.json', () => {
    expect(handoffFilePath('dev', '/srv/stacks')).toBe('/srv/stacks/dev.outputs.json');
    expect(handoffFilePath('dev')).toBe(committed);
  });

  test('reads the committed hand-off', () => {
    expect(loadHandoff('dev')).toEqual(devHandoff());
  });

  test('a missing file says how to write it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-'));
    try {
      const file = path.join(dir, 'qa.outputs.json');
      expect(() => loadHandoff('qa', dir)).toThrow(
        new HandoffError(file, ['missing: run pulumi up --stack qa, then npm run outputs -- qa']),
      );
      expect(() => loadHandoff('qa', dir)).toThrow(
        `${file} is invalid:\n  - missing: run pulumi up --stack qa, then npm run outputs -- qa`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
