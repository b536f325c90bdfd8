/**
 * The two HTTP clients of the preflight: GETs to the API server with the kubeconfig's credentials (plain
 * node:https: five read-only GETs do not need @kubernetes/client-node, whose 1.x+ releases are ESM-only with
 * sixteen runtime dependencies, while every CLI here runs as CommonJS), and the instant query KEDA's prometheus
 * scaler sends.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { ClusterAccess } from './kubeconfig';

export interface Answer {
  readonly status: number;
  readonly text: string;
}

/** Read-only access to the API server. */
export interface KubeApi {
  /** GET `urlPath` (`/apis/...`); resolves to any HTTP status, rejects on a network or TLS error. */
  get(urlPath: string): Promise<Answer>;
  close(): void;
}

/** The most bytes an answer is read up to: a list of Deployments or a CRD is well under it. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

function collect(res: http.IncomingMessage, resolve: (a: Answer) => void, reject: (e: Error) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) res.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
    else chunks.push(chunk);
  });
  res.on('error', reject);
  res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
}

export function kubeApi(access: ClusterAccess, timeoutMs = 15_000): KubeApi {
  const secure = access.server.startsWith('https:');
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        ...(access.ca !== undefined && { ca: access.ca }),
        ...(access.cert !== undefined && { cert: access.cert }),
        ...(access.key !== undefined && { key: access.key }),
        rejectUnauthorized: !access.insecureSkipTlsVerify,
        ...(access.tlsServerName !== undefined && { servername: access.tlsServerName }),
      })
    : new http.Agent({ keepAlive: true });
  const headers: Record<string, string> = { accept: 'application/json' };
  if (access.token !== undefined) headers.authorization = `Bearer ${access.token}`;
  else if (access.basic !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${access.basic.username}:${access.basic.password}`).toString('base64')}`;
  const get = (urlPath: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(
        `${access.server}${urlPath}`,
        { method: 'GET', agent, headers, timeout: timeoutMs },
        (res) => collect(res, resolve, reject),
      );
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end();
    });
  return { get, close: () => agent.destroy() };
}

/**
 * The request KEDA 2.17.2's prometheus scaler sends (pkg/scalers/prometheus_scaler.go ExecutePromQuery):
 * `GET <serverAddress>/api/v1/query?query=<q>&time=<RFC 3339, seconds>` with the auth header of `authModes`.
 */
export async function prometheusQuery(
  serverAddress: string,
  query: string,
  headers: Readonly<Record<string, string>>,
  now: Date,
  timeoutMs = 15_000,
): Promise<Answer> {
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const url = `${serverAddress}/api/v1/query?query=${encodeURIComponent(query)}&time=${encodeURIComponent(time)}`;
  try {
    const response = await fetch(url, { headers: { ...headers }, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    // fetch says only "fetch failed"; the cause has the code (ECONNREFUSED, ENOTFOUND) or the timeout.
    const cause = (error as Error & { cause?: NodeJS.ErrnoException }).cause;
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new Error(`cannot reach ${serverAddress}: ${why}`, { cause: error });
  }
}
