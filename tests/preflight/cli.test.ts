/**
 * `npm run preflight` on bad input: exit 2 with the message, before any request reaches the API server (a
 * loopback server counts the connections), and the flags of the shared CLI conventions.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../infra/preflight/cli';

let dir: string;
let server: net.Server;
let connections: number;
let port: number;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-preflight-cli-'));
  connections = 0;
  server = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A kubeconfig whose cluster is the counting server. */
function kubeconfig(user = '{token: t}'): string {
  const file = path.join(dir, 'config');
  fs.writeFileSync(
    file,
    [
      'current-context: local',
      'clusters:',
      `- {name: local, cluster: {server: 'https://127.0.0.1:${port}'}}`,
      `users: [{name: local, user: ${user}}]`,
      'contexts: [{name: local, context: {cluster: local, user: local}}]',
      '',
    ].join('\n'),
  );
  return file;
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    { env: {}, home: dir },
  );
  return { code, stdout, stderr };
}

describe('npm run preflight', () => {
  test('an unknown environment exits 2 naming the known ones, before any request', async () => {
    expect(await run(['--env', 'qa', '--kubeconfig', kubeconfig()])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'preflight: stacks/Pulumi.qa.yaml: environment "qa" is invalid:\n  - no such stack file (known environments: dev, prod, selfhosted, staging)\n',
    });
    expect(connections).toBe(0);
  });

  test('a kubeconfig that cannot be read exits 2 naming it', async () => {
    const missing = path.join(dir, 'nope');
    expect(await run(['--env', 'dev', '--kubeconfig', missing])).toEqual({
      code: 2,
      stdout: '',
      stderr: `preflight: kubeconfig ${missing}: does not exist (from --kubeconfig)\n`,
    });
  });

  test('no kubeconfig anywhere (no flag, no KUBECONFIG, no ~/.kube/config) exits 2', async () => {
    expect(await run(['--env', 'dev'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `preflight: kubeconfig ${path.join(dir, '.kube', 'config')}: does not exist (from ~/.kube/config)\n`,
    });
  });

  test('an exec-plugin kubeconfig exits 2 before any request', async () => {
    const result = await run(['--env', 'dev', '--kubeconfig', kubeconfig('{exec: {command: kubelogin}}')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `preflight: ${path.join(dir, 'config')}: users[local].user.exec: credential plugins are not run by preflight; use a kubeconfig with a client certificate or a token for this context\n`,
    );
    expect(connections).toBe(0);
  });

  test('--env is required (exit 2)', async () => {
    const result = await run([]);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: required option '-e, --env <env>' not specified\n",
    });
  });

  test('an API server that does not answer TLS is a failed check (exit 1), not bad input', async () => {
    const result = await run(['--env', 'dev', '--kubeconfig', kubeconfig(), '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: { check: string; status: string }[] };
    expect(report.ok).toBe(false);
    expect(report.checks.map((c) => `${c.status} ${c.check}`)).toEqual([
      'FAIL keda-version',
      'FAIL metrics-api',
      'FAIL crd-fields',
      'FAIL crd-fields',
      'FAIL secret',
      // The Secret cannot be read, so no Prometheus query is sent: one query check per Prometheus trigger of dev
      // (backlog, arrival-rate).
      'FAIL broker-metrics',
      'FAIL query',
      'FAIL query',
    ]);
    expect(connections).toBeGreaterThan(0);
  });
});
