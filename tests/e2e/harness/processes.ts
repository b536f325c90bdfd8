/** Child processes started by the harness, stopped by pid: at teardown, and at exit if a test failed first. */
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

const started = new Set<ChildProcess>();
process.on('exit', () => {
  // Last resort when afterAll never ran: never leave a JVM or Prometheus behind.
  for (const child of started)
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
});

export interface Started {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

export function startProcess(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { logFile?: string },
): Started {
  const child = spawn(command, [...args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  started.add(child);
  child.once('exit', () => started.delete(child));
  let out = '';
  const log = options.logFile === undefined ? undefined : fs.createWriteStream(options.logFile);
  const collect = (chunk: Buffer): void => {
    out += chunk.toString();
    log?.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, pid: child.pid, output: () => out };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopProcess(process_: Started | undefined, graceMs = 10_000): Promise<void> {
  if (process_ === undefined) return;
  const { child } = process_;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(process_.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null) process.kill(process_.pid, 'SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A port p with p + every offset free as well (the broker listens on listenPort - 2 and + 1 too). */
export async function freePortWith(offsets: readonly number[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const all = await Promise.all([0, ...offsets].map((o) => isPortFree(base + o)));
    if (all.every(Boolean)) return base;
  }
  throw new Error(`no free port with offsets ${offsets.join(',')} after 50 attempts`);
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
      // A check that reports a dead process fails at once.
      if (error instanceof Error && /exited|could not bind/.test(error.message)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}
