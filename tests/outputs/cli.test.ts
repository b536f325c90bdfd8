import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { secretFindings } from '../../infra/config/secret-findings';
import { extractHandoff, main, renderHandoff } from '../../infra/outputs/cli';
import { STACKS_DIR } from '../pulumi/harness';

const ROOT = path.resolve(__dirname, '..', '..');
const committed = (env: string) => fs.readFileSync(path.join(STACKS_DIR, `${env}.outputs.json`), 'utf8');
const handoffOf = (env: string) => JSON.parse(committed(env)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- edited freely below
/** What `pulumi stack output --stack <env> --json` prints: the hand-off, and the secret outputs redacted. */
const stackOutput = (handoff: unknown) => ({
  handoff,
  prometheusAuth: '[secret]',
  rocketMqCredentials: '[secret]',
});

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outputs-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], stdin?: unknown) {
  let stdout = '';
  let stderr = '';
  const text = stdin === undefined ? '' : typeof stdin === 'string' ? stdin : JSON.stringify(stdin);
  const code = await main([...args, '--stacks-dir', dir], {
    stdin: Readable.from([text]),
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

function inputFile(value: unknown): string {
  const file = path.join(dir, 'stack-output.json');
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 4));
  return file;
}

function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .reverse()
      .map((k) => [k, reversedKeys((value as Record<string, unknown>)[k])]),
  );
}

describe('npm run outputs', () => {
  test.each(['dev', 'staging', 'prod'])(
    'writes stacks/%s.outputs.json byte for byte from pulumi stack output --json',
    async (env) => {
      const result = await cli([env, '--from', inputFile(stackOutput(handoffOf(env)))]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(fs.readFileSync(path.join(dir, `${env}.outputs.json`), 'utf8')).toBe(committed(env));
    },
  );

  test('reads stdin, and takes the hand-off output on its own (pulumi stack output handoff --json)', async () => {
    expect((await cli(['prod'], handoffOf('prod'))).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'prod.outputs.json'), 'utf8')).toBe(committed('prod'));
  });

  test('writes the same bytes whatever the key order of the input, and leaves an equal file alone', async () => {
    await cli(['staging'], reversedKeys(stackOutput(handoffOf('staging'))));
    const file = path.join(dir, 'staging.outputs.json');
    expect(fs.readFileSync(file, 'utf8')).toBe(committed('staging'));
    const second = await cli(['staging'], stackOutput(handoffOf('staging')));
    expect(second.stdout).toBe(`${file} is up to date\n`);
  });

  test('renders sorted keys, two-space indent, arrays in order, one final newline', () => {
    const text = renderHandoff(extractHandoff('prod', stackOutput(handoffOf('prod')), 'test'));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(text.split('\n')[1]).toBe('  "environment": "prod",');
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      'environment',
      'instanceId',
      'namespace',
      'prometheus',
      'rocketMqEndpoint',
      'workloads',
    ]);
    expect((JSON.parse(text) as { workloads: { name: string }[] }).workloads.map((w) => w.name)).toEqual([
      'order-fulfilment',
      'order-analytics',
      'payment-ledger',
    ]);
  });

  test('--check exits 1 without writing when the file differs, 0 when it matches', async () => {
    const file = path.join(dir, 'dev.outputs.json');
    const changed = handoffOf('dev');
    changed.namespace = 'orders-dev-2';
    fs.writeFileSync(file, committed('dev'));
    const differs = await cli(['dev', '--check'], stackOutput(changed));
    expect(differs.code).toBe(1);
    expect(differs.stderr).toContain('differs');
    expect(fs.readFileSync(file, 'utf8')).toBe(committed('dev'));
    expect((await cli(['dev', '--check'], stackOutput(handoffOf('dev')))).code).toBe(0);
  });

  const SHOWN_SECRET = 'a-plaintext-secret-value';
  test.each<[string, string, () => unknown, string]>([
    [
      'a secret output shown with --show-secrets',
      'dev',
      () => ({ ...stackOutput(handoffOf('dev')), prometheusAuth: { customAuthValue: SHOWN_SECRET } }),
      'prometheusAuth: holds the value of a secret output',
    ],
    [
      'a stack output that is neither the hand-off nor redacted',
      'dev',
      () => ({ ...stackOutput(handoffOf('dev')), kubeconfig: SHOWN_SECRET }),
      'kubeconfig: is not a hand-off output and is not redacted',
    ],
    [
      'a [secret] marker inside the hand-off',
      'staging',
      () => {
        const h = handoffOf('staging');
        h.prometheus.serverAddress = '[secret]';
        return stackOutput(h);
      },
      'handoff.prometheus.serverAddress: is a redacted secret ([secret])',
    ],
    [
      'a password field in a workload',
      'prod',
      () => {
        const h = handoffOf('prod');
        h.workloads[2].password = SHOWN_SECRET;
        return stackOutput(h);
      },
      'handoff.workloads[2].password: is a secret field',
    ],
    [
      'an accessKeySecret field',
      'staging',
      () => ({ ...handoffOf('staging'), accessKeySecret: SHOWN_SECRET }),
      'accessKeySecret: is a secret field',
    ],
    [
      'a token field',
      'dev',
      () => {
        const h = handoffOf('dev');
        h.prometheus.token = SHOWN_SECRET;
        return h;
      },
      'prometheus.token: is a secret field',
    ],
    [
      'an AccessKey ID as a value',
      'staging',
      () => {
        const h = handoffOf('staging');
        h.workloads[0].consumerGroup = 'LTAIcanaryID';
        return stackOutput(h);
      },
      'handoff.workloads[0].consumerGroup: looks like an AccessKey ID',
    ],
    [
      'credentials inside the server address',
      'dev',
      () => {
        const h = handoffOf('dev');
        h.prometheus.serverAddress = `http://user:${SHOWN_SECRET}@arms.example/api`;
        return stackOutput(h);
      },
      'handoff.prometheus.serverAddress: is a URL with credentials in it',
    ],
    [
      "a Pulumi secret envelope (pulumi stack export's form)",
      'dev',
      () => {
        const h = handoffOf('dev');
        h.instanceId = { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', value: 'x' };
        return stackOutput(h);
      },
      'handoff.instanceId: is a Pulumi secret envelope',
    ],
    [
      'a field the hand-off schema does not have',
      'prod',
      () => {
        const h = handoffOf('prod');
        h.prometheus.region = 'cn-hangzhou';
        return stackOutput(h);
      },
      'prometheus: Unrecognized key: "region"',
    ],
    [
      'a hand-off value breaking the schema',
      'prod',
      () => ({ ...stackOutput({ ...handoffOf('prod'), instanceId: 'prod-instance' }) }),
      'instanceId: must look like rmq-cn-xxxxxxxx',
    ],
    [
      'the hand-off of another stack',
      'prod',
      () => stackOutput(handoffOf('dev')),
      'environment: is "dev", not "prod"; wrong stack selected?',
    ],
    ['input that is not JSON', 'dev', () => '{"handoff": ', '(root): is not JSON'],
    ...[
      ['a token in the query string', `https://arms.example/api?token=${SHOWN_SECRET}`, 'token'],
      [
        'an OAuth access_token',
        `https://arms.example/api?region=cn&access_token=${SHOWN_SECRET}`,
        'access_token',
      ],
      [
        'a signed URL',
        `https://oss.example/x?OSSAccessKeyId=a&Signature=${SHOWN_SECRET}`,
        'OSSAccessKeyId, Signature',
      ],
      ['a token in the fragment', `https://arms.example/api#access_token=${SHOWN_SECRET}`, 'access_token'],
    ].map(([title, url, names]): [string, string, () => unknown, string] => [
      title,
      'dev',
      () => {
        const h = handoffOf('dev');
        h.prometheus.serverAddress = url;
        return stackOutput(h);
      },
      `handoff.prometheus.serverAddress: is a URL with credentials in its query string or fragment (${names})`,
    ]),
    [
      'empty input (stdin closed at once)',
      'dev',
      () => '',
      'stdin is invalid:\n  - no input: pipe pulumi stack output --stack dev --json',
    ],
  ])('refuses %s, naming the field, and writes nothing (exit 2)', async (_, env, input, message) => {
    const value = input();
    const result = await cli([env], typeof value === 'string' ? value : JSON.stringify(value));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain(SHOWN_SECRET);
    expect(fs.existsSync(path.join(dir, `${env}.outputs.json`))).toBe(false);
  });

  /** Not a credential of anything: a string to look for in every line the command prints. */
  const CANARY = 'canary-not-a-real-secret-4d';
  test.each<[string, () => string, string]>([
    [
      // A --show-secrets paste whose secret value lost its quotes.
      'a bare token where a value goes',
      () => `{\n  "prometheusAuth": {"customAuthValue": ${CANARY}}\n}`,
      '(root): is not JSON (line 2, column 41: unexpected character)',
    ],
    [
      'text after the JSON',
      () => `${JSON.stringify(stackOutput(handoffOf('dev')))}\nBearer ${CANARY}`,
      '(root): is not JSON (line 2, column 1: unexpected character)',
    ],
    [
      'a string that never closes',
      () => `{"handoff": "${CANARY}`,
      '(root): is not JSON (line 1, column 13: the string is never closed)',
    ],
    [
      'a stack output whose name is a token',
      () => JSON.stringify({ ...stackOutput(handoffOf('dev')), [`eyJ${CANARY}.eyJ${CANARY}.x`]: 1 }),
      '(root): has a key that looks like a token (JWT); the hand-off holds no secret',
    ],
    [
      'an environment that is not a stack name',
      () => JSON.stringify(stackOutput({ ...handoffOf('dev'), environment: CANARY.toUpperCase() })),
      'environment: must be a stack name (a DNS-1123 label such as prod)',
    ],
  ])(
    'on %s prints where the input is wrong, never any part of it (exit 2)',
    async (_title, input, violation) => {
      for (const from of [false, true]) {
        const text = input();
        const result = from ? await cli(['dev', '--from', inputFile(text)]) : await cli(['dev'], text);
        const source = from ? path.join(dir, 'stack-output.json') : 'stdin';
        expect(result).toEqual({
          code: 2,
          stdout: '',
          stderr: `outputs: ${source} is invalid:\n  - ${violation}\n`,
        });
        expect((result.stdout + result.stderr).toLowerCase()).not.toContain(CANARY);
        expect(fs.existsSync(path.join(dir, 'dev.outputs.json'))).toBe(false);
      }
    },
  );

  test('lists every secret it finds at once', () => {
    const h = handoffOf('dev');
    h.workloads[0].password = 'x';
    h.prometheus.serverAddress = '[secret]';
    expect(secretFindings({ handoff: h }).sort()).toEqual([
      'handoff.prometheus.serverAddress: is a redacted secret ([secret]); the hand-off holds no secret',
      'handoff.workloads[0].password: is a secret field; the hand-off holds no secret',
    ]);
    expect(secretFindings(handoffOf('prod'))).toEqual([]);
  });

  test('refuses a stack name that is not one', async () => {
    const result = await cli(['Prod!'], stackOutput(handoffOf('prod')));
    expect(result).toMatchObject({ code: 2 });
    expect(result.stderr).toContain('"Prod!" is not a stack name');
  });

  test('a URL without credentials in its query passes', () => {
    expect(
      secretFindings({ serverAddress: 'https://arms.example/api/v1?region=cn-hangzhou&step=30' }),
    ).toEqual([]);
  });

  test('--check: exit 1 when the committed file is missing, 2 when there is no input, --from a missing file is 2', async () => {
    const missing = await cli(['dev', '--check'], stackOutput(handoffOf('dev')));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('dev.outputs.json does not exist; run npm run outputs -- dev');
    expect((await cli(['dev', '--check'], '')).code).toBe(2);
    const noFile = await cli(['dev', '--check', '--from', path.join(dir, 'nope.json')]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('--from: no such file');
  });

  test('the check command of stacks/README.md works as written: piped stack output, exit 0 when up to date', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'stacks', 'README.md'), 'utf8');
    expect(readme).toContain('pulumi stack output --stack prod --json | npm run outputs -- prod --check');
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const result = spawnSync(tsx, ['infra/outputs/cli.ts', 'prod', '--check'], {
      cwd: ROOT,
      input: JSON.stringify(stackOutput(handoffOf('prod'))),
      encoding: 'utf8',
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    const closed = spawnSync(tsx, ['infra/outputs/cli.ts', 'prod', '--check'], {
      cwd: ROOT,
      input: '',
      encoding: 'utf8',
    });
    expect(closed.status).toBe(2);
    expect(closed.stderr).toMatch(/^outputs: stdin is invalid:\n {2}- no input/);
  });

  test('runs as npm run outputs does (tsx infra/outputs/cli.ts), from stdin', () => {
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const result = spawnSync(tsx, ['infra/outputs/cli.ts', 'dev', '--stacks-dir', dir], {
      cwd: ROOT,
      input: JSON.stringify(stackOutput(handoffOf('dev'))),
      encoding: 'utf8',
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(fs.readFileSync(path.join(dir, 'dev.outputs.json'), 'utf8')).toBe(committed('dev'));
  });
});
