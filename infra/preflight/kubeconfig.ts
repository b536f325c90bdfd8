/**
 * The cluster and credentials of a kubeconfig, found where kubectl looks: `--kubeconfig`, else every file of
 * `KUBECONFIG` (merged, the first to set a name wins), else `~/.kube/config` (k8s.io/client-go
 * tools/clientcmd/loader.go ClientConfigLoadingRules.Load). Client certificates, bearer tokens and basic auth
 * are read; exec plugins and auth-providers are refused (running a plugin is not a check's business), so every
 * problem here is bad input, found before any request.
 */
import { isRecord } from '../config/secret-findings';
import * as path from 'node:path';
import { parse } from 'yaml';
import { InputFileError, readInputFile } from '../config/input-file';
import { InputError } from '../shared/input-error';

/** A kubeconfig with many clusters is tens of KiB; 1 MiB is far above any real one. */
export const MAX_KUBECONFIG_BYTES = 1024 * 1024;
/** A PEM certificate chain or key, or a token file. */
export const MAX_CREDENTIAL_FILE_BYTES = 64 * 1024;

/** A kubeconfig that cannot be used: the message names the file, the field and the rule. */
export class KubeconfigError extends InputError {}

/** What a request to the API server needs. */
export interface ClusterAccess {
  /** The context used, for messages. */
  readonly context: string;
  /** `https://host:port`, without a trailing slash. */
  readonly server: string;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly token?: string;
  readonly basic?: { readonly username: string; readonly password: string };
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName?: string;
}

/**
 * The kubeconfig files to merge, in precedence order, and whether a missing one is an error: the flag's file
 * must exist; the files of KUBECONFIG (split on the OS's path list separator, empty entries skipped) may be
 * missing, as client-go skips them; `~/.kube/config` is the default.
 */
export function kubeconfigFiles(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): { readonly files: readonly string[]; readonly mustExist: boolean; readonly source: string } {
  if (flag !== undefined) return { files: [flag], mustExist: true, source: '--kubeconfig' };
  const list = (env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f !== '');
  if (list.length > 0) return { files: list, mustExist: false, source: 'KUBECONFIG' };
  return { files: [path.join(home, '.kube', 'config')], mustExist: true, source: '~/.kube/config' };
}

interface Named<T> {
  readonly name: string;
  readonly value: T;
  readonly file: string;
}

interface ParsedFile {
  readonly file: string;
  readonly currentContext?: string;
  readonly clusters: Named<Record<string, unknown>>[];
  readonly users: Named<Record<string, unknown>>[];
  readonly contexts: Named<Record<string, unknown>>[];
}

/** One kubeconfig's named entries; throws KubeconfigError for a shape kubectl would refuse too. */
export function parseKubeconfigText(file: string, text: string): ParsedFile {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new KubeconfigError(`${file}: is not YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (document === null || document === undefined) document = {};
  if (!isRecord(document)) throw new KubeconfigError(`${file}: must be a mapping (a kubeconfig)`);
  const entries = (list: string, field: string): Named<Record<string, unknown>>[] => {
    const value = document[list] ?? [];
    if (!Array.isArray(value)) throw new KubeconfigError(`${file}: ${list} must be a list`);
    return value.map((entry: unknown, i) => {
      if (!isRecord(entry) || typeof entry.name !== 'string' || !isRecord(entry[field])) {
        throw new KubeconfigError(`${file}: ${list}[${i}] must have a name and a ${field} mapping`);
      }
      return { name: entry.name, value: entry[field], file };
    });
  };
  const current = document['current-context'];
  return {
    file,
    ...(typeof current === 'string' && current !== '' && { currentContext: current }),
    clusters: entries('clusters', 'cluster'),
    users: entries('users', 'user'),
    contexts: entries('contexts', 'context'),
  };
}

/** Reads a kubeconfig or a file it names; a refused file is bad input naming the field that points at it. */
type ReadFile = (file: string, maxBytes: number) => string;

const readFile: ReadFile = (file, maxBytes) => readInputFile(file, { what: 'kubeconfig file', maxBytes });

/**
 * The cluster access of `context` (default: the first current-context set) from the merged files: the first
 * file to define a cluster, user or context name wins (client-go loader.go, "first file to set a map key").
 */
export function resolveAccess(
  parsed: readonly ParsedFile[],
  context?: string,
  read: ReadFile = readFile,
): ClusterAccess {
  const first = <T>(list: readonly Named<T>[], name: string): Named<T> | undefined =>
    list.find((e) => e.name === name);
  const files = parsed.map((p) => p.file).join(', ');
  const contextName = context ?? parsed.find((p) => p.currentContext !== undefined)?.currentContext;
  if (contextName === undefined) {
    throw new KubeconfigError(`${files}: no current-context is set; pass --context <name>`);
  }
  const ctx = first(
    parsed.flatMap((p) => p.contexts),
    contextName,
  );
  if (ctx === undefined) throw new KubeconfigError(`${files}: context "${contextName}" is not defined`);
  const clusterName = ctx.value.cluster;
  const userName = ctx.value.user;
  if (typeof clusterName !== 'string')
    throw new KubeconfigError(`${ctx.file}: contexts[${contextName}].context.cluster must be a name`);
  const cluster = first(
    parsed.flatMap((p) => p.clusters),
    clusterName,
  );
  if (cluster === undefined)
    throw new KubeconfigError(
      `${files}: cluster "${clusterName}" (of context "${contextName}") is not defined`,
    );
  const user =
    typeof userName === 'string' && userName !== ''
      ? first(
          parsed.flatMap((p) => p.users),
          userName,
        )
      : undefined;
  if (typeof userName === 'string' && userName !== '' && user === undefined)
    throw new KubeconfigError(`${files}: user "${userName}" (of context "${contextName}") is not defined`);

  const c = cluster.value;
  const at = (entry: Named<Record<string, unknown>>, kind: string, field: string): string =>
    `${entry.file}: ${kind}[${entry.name}].${field}`;
  const server = c.server;
  if (typeof server !== 'string' || !/^https?:\/\/[^/]+/.test(server)) {
    throw new KubeconfigError(
      `${at(cluster, 'clusters', 'cluster.server')} (${JSON.stringify(server)}) must be an http(s) URL`,
    );
  }
  // Paths in a kubeconfig are relative to the file that holds them (client-go loader.go ResolvePaths).
  const bytes = (
    entry: Named<Record<string, unknown>>,
    kind: string,
    dataField: string,
    fileField: string,
  ): Buffer | undefined => {
    const data = entry.value[dataField];
    if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
    const file = entry.value[fileField];
    if (typeof file !== 'string' || file === '') return undefined;
    const resolved = path.resolve(path.dirname(entry.file), file);
    try {
      return Buffer.from(read(resolved, MAX_CREDENTIAL_FILE_BYTES));
    } catch (error) {
      if (!(error instanceof InputFileError)) throw error;
      throw new KubeconfigError(`${at(entry, kind, `${kind.slice(0, -1)}.${fileField}`)}: ${error.message}`);
    }
  };
  const u = user?.value ?? {};
  for (const unsupported of ['exec', 'auth-provider']) {
    if (u[unsupported] !== undefined && user !== undefined) {
      throw new KubeconfigError(
        `${at(user, 'users', `user.${unsupported}`)}: credential plugins are not run by preflight; use a kubeconfig with a client certificate or a token for this context`,
      );
    }
  }
  const tokenFromFile = user === undefined ? undefined : bytes(user, 'users', 'token', 'tokenFile');
  const token =
    typeof u.token === 'string' && u.token !== '' ? u.token : tokenFromFile?.toString('utf8').trim();
  const ca = bytes(cluster, 'clusters', 'certificate-authority-data', 'certificate-authority');
  const cert =
    user === undefined ? undefined : bytes(user, 'users', 'client-certificate-data', 'client-certificate');
  const key = user === undefined ? undefined : bytes(user, 'users', 'client-key-data', 'client-key');
  if ((cert === undefined) !== (key === undefined) && user !== undefined) {
    throw new KubeconfigError(
      `${at(user, 'users', 'user')}: client-certificate and client-key go together (one is missing)`,
    );
  }
  return {
    context: contextName,
    server: server.replace(/\/+$/, ''),
    ...(ca !== undefined && { ca }),
    ...(cert !== undefined && { cert }),
    ...(key !== undefined && { key }),
    ...(token !== undefined && token !== '' && { token }),
    ...(typeof u.username === 'string' &&
      typeof u.password === 'string' && { basic: { username: u.username, password: u.password } }),
    insecureSkipTlsVerify: c['insecure-skip-tls-verify'] === true,
    ...(typeof c['tls-server-name'] === 'string' && { tlsServerName: c['tls-server-name'] }),
  };
}

/** Finds, reads and resolves the kubeconfig; throws KubeconfigError (exit 2) for every problem. */
export function loadClusterAccess(
  options: { readonly kubeconfig?: string; readonly context?: string },
  env: Readonly<Record<string, string | undefined>>,
  home: string,
  read: ReadFile = readFile,
): ClusterAccess {
  const { files, mustExist, source } = kubeconfigFiles(options.kubeconfig, env, home);
  const parsed: ParsedFile[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = read(file, MAX_KUBECONFIG_BYTES);
    } catch (error) {
      if (!(error instanceof InputFileError)) throw error;
      if (error.problem === 'missing' && !mustExist) continue;
      throw new KubeconfigError(`kubeconfig ${error.message} (from ${source})`);
    }
    parsed.push(parseKubeconfigText(file, text));
  }
  if (parsed.length === 0) {
    throw new KubeconfigError(`no kubeconfig: none of the files of KUBECONFIG exists (${files.join(', ')})`);
  }
  return resolveAccess(parsed, options.context, read);
}
