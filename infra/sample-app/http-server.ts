/** Liveness, readiness and Prometheus metrics on one port. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { HTTP_PATHS } from './config';

export interface HealthSource {
  /** Ready once subscribed; not ready while draining. */
  ready(): boolean;
  /** Alive unless the process is wedged; a drain is still alive. */
  live(): boolean;
}

export async function startHttpServer(
  host: string,
  port: number,
  health: HealthSource,
  registry: Registry,
): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed\n');
    if (path === HTTP_PATHS.liveness) return health.live() ? reply(200, 'ok\n') : reply(503, 'not live\n');
    if (path === HTTP_PATHS.readiness)
      return health.ready() ? reply(200, 'ready\n') : reply(503, 'not ready\n');
    if (path === HTTP_PATHS.metrics) {
      registry.metrics().then(
        (text) => reply(200, text, registry.contentType),
        (error: Error) => reply(500, `${error.message}\n`),
      );
      return;
    }
    reply(404, 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return { server, port: (server.address() as AddressInfo).port };
}
