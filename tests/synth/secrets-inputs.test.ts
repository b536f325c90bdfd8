/**
 * `npm run synth` as a process, on a scratch copy of stacks/ with a secret where none may be: it exits 2 naming
 * the file and the field, shows no part of the secret, and writes nothing. A Secret reference is synthesized.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
/** Not a credential of anything: a string to look for in everything the process prints and writes. */
const CANARY = 'canary-not-a-real-secret-4d';

const scratch: string[] = [];
const tmp = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-secrets-'));
  scratch.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

/** A scratch copy of stacks/, edited by `edit`. */
function stacksCopy(edit: (dir: string) => void): string {
  const dir = tmp();
  fs.cpSync(path.join(ROOT, 'stacks'), dir, { recursive: true });
  edit(dir);
  return dir;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- edits untyped files

function editHandoff(dir: string, edit: (h: Json) => void): void {
  const file = path.join(dir, 'dev.outputs.json');
  const handoff = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
  edit(handoff);
  fs.writeFileSync(file, JSON.stringify(handoff, null, 2));
}

function editStack(dir: string, edit: (config: Json) => void): void {
  const file = path.join(dir, 'Pulumi.dev.yaml');
  const document = parseYaml(fs.readFileSync(file, 'utf8')) as { config: Json };
  edit(document.config);
  fs.writeFileSync(file, stringifyYaml(document));
}

function synth(stacksDir: string, out: string) {
  return spawnSync(TSX, [path.join(ROOT, 'infra/synth/cli.ts'), '--env', 'dev', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, APSARAMQ_KEDA_STACKS_DIR: stacksDir },
  });
}

const handoffFile = (dir: string) => path.join(dir, 'dev.outputs.json');
const stackFile = (dir: string) => path.join(dir, 'Pulumi.dev.yaml');
const ARMS = 'cn-hangzhou-intranet.arms.aliyuncs.com:9090/api/v1/prometheus/x/y/z/cn-hangzhou';

describe('npm run synth refuses a secret in its inputs', () => {
  test.each<[string, (dir: string) => void, (dir: string) => string]>([
    [
      'a hand-edited hand-off with a user and password in prometheus.serverAddress',
      (dir) => editHandoff(dir, (h) => (h.prometheus.serverAddress = `http://keda:${CANARY}@${ARMS}`)),
      (dir) =>
        `synth: ${handoffFile(dir)} is invalid:\n  - prometheus.serverAddress: is a URL with credentials in it\n`,
    ],
    [
      'a hand-edited hand-off with ?token= in prometheus.serverAddress',
      (dir) => editHandoff(dir, (h) => (h.prometheus.serverAddress = `https://${ARMS}?token=${CANARY}`)),
      (dir) =>
        `synth: ${handoffFile(dir)} is invalid:\n  - prometheus.serverAddress: is a URL with credentials in its query string or fragment (token)\n`,
    ],
    [
      'a hand-off that is not JSON',
      (dir) => fs.writeFileSync(handoffFile(dir), `{"environment": ${CANARY}}`),
      (dir) => `synth: ${handoffFile(dir)} is invalid:\n  - line 1, column 17: unexpected character\n`,
    ],
    [
      'a stack file with a token in prometheus.serverAddress',
      (dir) =>
        editStack(dir, (c) => {
          delete c['apsaramq-keda:prometheus'].instanceId;
          c['apsaramq-keda:prometheus'].serverAddress = `https://${ARMS}?token=${CANARY}`;
        }),
      (dir) =>
        `synth: ${stackFile(dir)}: environment "dev" is invalid:\n  - prometheus.serverAddress: is a URL with credentials in its query string or fragment (token); a stack file is committed, so it holds no secret\n`,
    ],
    [
      'a stack file with a literal DB_PASSWORD',
      (dir) => editStack(dir, (c) => (c['apsaramq-keda:workloads'][0].env = { DB_PASSWORD: CANARY })),
      (dir) =>
        `synth: ${stackFile(dir)}: environment "dev" is invalid:\n  - workloads[0].env.DB_PASSWORD: holds a literal value, but its name says it is a credential; reference a Secret instead: DB_PASSWORD: { secretKeyRef: { name: <secret>, key: <key> } }\n`,
    ],
  ])('%s: exit 2, the file and the field, nothing written', (_title, edit, stderr) => {
    const stacks = stacksCopy(edit);
    const out = tmp();
    const result = synth(stacks, out);
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: stderr(stacks),
    });
    expect(result.stderr).not.toContain(CANARY);
    expect(fs.readdirSync(out)).toEqual([]);
  });
});

describe('npm run synth with a workload env entry read from a Secret', () => {
  test('writes the reference into the Deployment, never a value', () => {
    const stacks = stacksCopy((dir) =>
      editStack(
        dir,
        (c) =>
          (c['apsaramq-keda:workloads'][0].env = {
            DB_PASSWORD: { secretKeyRef: { name: 'orders-db', key: 'password' } },
          }),
      ),
    );
    const out = tmp();
    const result = synth(stacks, out);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    const documents = fs
      .readFileSync(path.join(out, 'dev', 'order-fulfilment.yaml'), 'utf8')
      .split(/^---$/m)
      .map((d) => parseYaml(d) as Json | null)
      .filter((d): d is Json => d !== null);
    const deployment = documents.find((d) => d.kind === 'Deployment');
    expect(deployment?.spec.template.spec.containers[0].env[0]).toEqual({
      name: 'DB_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'orders-db', key: 'password' } },
    });
  });
});
