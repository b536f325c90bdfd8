/**
 * Where the preflight finds its cluster, as kubectl does (client-go clientcmd loader.go): --kubeconfig, else the
 * files of KUBECONFIG merged with the first to set a name winning, else ~/.kube/config; paths relative to the
 * file that holds them; every unusable kubeconfig is a KubeconfigError (exit 2).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeconfigError, kubeconfigFiles, loadClusterAccess } from '../../infra/preflight/kubeconfig';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-kubeconfig-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const config = (current: string, server: string, user: string): string =>
  [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${current}`,
    'clusters:',
    `- name: ${current}-cluster`,
    `  cluster: {server: '${server}', certificate-authority-data: ${Buffer.from('CA').toString('base64')}}`,
    'users:',
    `- name: ${current}-user`,
    `  user: ${user}`,
    'contexts:',
    `- name: ${current}`,
    `  context: {cluster: ${current}-cluster, user: ${current}-user}`,
    '',
  ].join('\n');

describe('kubeconfigFiles', () => {
  test('--kubeconfig wins over KUBECONFIG and must exist', () => {
    expect(kubeconfigFiles('/k', { KUBECONFIG: '/a:/b' }, '/home/u')).toEqual({
      files: ['/k'],
      mustExist: true,
      source: '--kubeconfig',
    });
  });
  test('KUBECONFIG is split on the path list separator, empty entries skipped, missing files allowed', () => {
    expect(
      kubeconfigFiles(undefined, { KUBECONFIG: `/a${path.delimiter}${path.delimiter}/b` }, '/home/u'),
    ).toEqual({
      files: ['/a', '/b'],
      mustExist: false,
      source: 'KUBECONFIG',
    });
  });
  test('~/.kube/config otherwise', () => {
    expect(kubeconfigFiles(undefined, { KUBECONFIG: '' }, '/home/u')).toEqual({
      files: [path.join('/home/u', '.kube', 'config')],
      mustExist: true,
      source: '~/.kube/config',
    });
  });
});

describe('loadClusterAccess', () => {
  test('a token user: server without its trailing slash, the CA decoded, the token', () => {
    const file = write('config', config('dev', 'https://10.0.0.1:6443/', '{token: abc}'));
    expect(loadClusterAccess({ kubeconfig: file }, {}, dir)).toEqual({
      context: 'dev',
      server: 'https://10.0.0.1:6443',
      ca: Buffer.from('CA'),
      token: 'abc',
      insecureSkipTlsVerify: false,
    });
  });

  test('certificate files are read relative to the kubeconfig that names them', () => {
    write('sub/certs/admin.crt', 'CERT');
    write('sub/certs/admin.key', 'KEY');
    const file = write(
      'sub/config',
      config(
        'local',
        'https://127.0.0.1:6443',
        '{client-certificate: certs/admin.crt, client-key: certs/admin.key}',
      ),
    );
    const access = loadClusterAccess({}, { KUBECONFIG: file }, '/nonexistent');
    expect([access.cert?.toString(), access.key?.toString()]).toEqual(['CERT', 'KEY']);
  });

  test('KUBECONFIG files merge: a missing one is skipped, the first current-context and the first definition win', () => {
    const first = write('a', config('a', 'https://a:6443', '{token: from-a}'));
    const second = write('b', config('b', 'https://b:6443', '{token: from-b}'));
    const list = [path.join(dir, 'missing'), first, second].join(path.delimiter);
    expect(loadClusterAccess({}, { KUBECONFIG: list }, dir)).toMatchObject({ context: 'a', token: 'from-a' });
    expect(loadClusterAccess({ context: 'b' }, { KUBECONFIG: list }, dir)).toMatchObject({
      context: 'b',
      server: 'https://b:6443',
      token: 'from-b',
    });
  });

  test.each([
    [
      'a missing --kubeconfig',
      () => ({ kubeconfig: path.join(dir, 'nope') }),
      () => `kubeconfig ${path.join(dir, 'nope')}: does not exist (from --kubeconfig)`,
    ],
    [
      'a kubeconfig that is a directory',
      () => ({ kubeconfig: dir }),
      () => `kubeconfig ${dir}: is a directory, not a regular file (from --kubeconfig)`,
    ],
    [
      'an unknown context',
      () => ({ kubeconfig: write('c', config('dev', 'https://x', '{token: t}')), context: 'prod' }),
      () => `${path.join(dir, 'c')}: context "prod" is not defined`,
    ],
    [
      'an exec plugin',
      () => ({
        kubeconfig: write('c', config('dev', 'https://x', '{exec: {command: ack-ram-authenticator}}')),
      }),
      () =>
        `${path.join(dir, 'c')}: users[dev-user].user.exec: credential plugins are not run by preflight; use a kubeconfig with a client certificate or a token for this context`,
    ],
    [
      'a client certificate without its key',
      () => ({ kubeconfig: write('c', config('dev', 'https://x', '{client-certificate-data: Q0VSVA==}')) }),
      () =>
        `${path.join(dir, 'c')}: users[dev-user].user: client-certificate and client-key go together (one is missing)`,
    ],
    [
      'a server that is no URL',
      () => ({ kubeconfig: write('c', config('dev', '10.0.0.1:6443', '{token: t}')) }),
      () =>
        `${path.join(dir, 'c')}: clusters[dev-cluster].cluster.server ("10.0.0.1:6443") must be an http(s) URL`,
    ],
    [
      'a client certificate file that does not exist',
      () => ({
        kubeconfig: write(
          'c',
          config('dev', 'https://x', '{client-certificate: gone.crt, client-key-data: S0VZ}'),
        ),
      }),
      () =>
        `${path.join(dir, 'c')}: users[dev-user].user.client-certificate: ${path.join(dir, 'gone.crt')}: does not exist`,
    ],
    [
      'no file of KUBECONFIG exists',
      () => ({}),
      () => `no kubeconfig: none of the files of KUBECONFIG exists (${path.join(dir, 'x')})`,
    ],
  ])('%s is a KubeconfigError naming the file and the field', (_name, options, message) => {
    const attempt = (): unknown => loadClusterAccess(options(), { KUBECONFIG: path.join(dir, 'x') }, dir);
    expect(attempt).toThrow(KubeconfigError);
    expect(attempt).toThrow(message());
  });
});
