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

/**
 * Where the harness takes ports from: outside the kernel's ephemeral range (net.ipv4.ip_local_port_range), which
 * every outgoing connection takes its source port from, so none can take a probed port before the process it is
 * meant for binds it (KEDA's metrics adapter once lost 42539 that way). Below the range when there is room,
 * else above it; each jest worker has its own slice, so two suites never probe the same port.
 */
function portSlice(): { from: number; to: number } {
  let [low, high] = [32768, 60999];
  try {
    [low, high] = fs
      .readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
  } catch {
    // Not Linux: its default range.
  }
  const [from, to] = low - 20_000 >= 4_000 ? [20_000, low] : [high + 1, 65_536];
  if (to - from < 4_000)
    throw new Error(
      `no room for test ports outside the ephemeral range ${low}-${high} (ip_local_port_range)`,
    );
  const slices = 4;
  const size = Math.floor((to - from) / slices);
  const slice = Number(process.env.JEST_WORKER_ID ?? '0') % slices;
  return { from: from + slice * size, to: from + (slice + 1) * size };
}

const handedOut = new Set<number>();
let cursor: number | undefined;

/**
 * A port p such that p + every offset is free too, from this worker's slice, never one handed out before by
 * this process.
 */
export async function freePortWith(offsets: readonly number[]): Promise<number> {
  const { from, to } = portSlice();
  // Bases whose whole group lies in the slice: first .. last.
  const first = from - Math.min(0, ...offsets);
  const last = to - 1 - Math.max(0, ...offsets);
  cursor ??= from + Math.floor(Math.random() * (to - from));
  for (let attempt = 0; attempt <= last - first; attempt += 1) {
    if (cursor < first || cursor > last) cursor = first;
    const base = cursor;
    cursor += 1;
    const group = [0, ...offsets].map((o) => base + o);
    if (group.some((p) => handedOut.has(p))) continue;
    // Reserved before the probe, so a concurrent call skips them.
    for (const p of group) handedOut.add(p);
    if ((await Promise.all(group.map(isPortFree))).every(Boolean)) return base;
    for (const p of group) handedOut.delete(p);
  }
  throw new Error(`no free port with offsets ${offsets.join(',')} in ${from}-${to - 1}`);
}

/** A free port for a process the harness starts: see freePortWith. */
export async function freePort(): Promise<number> {
  return freePortWith([]);
}

/**
 * What a waitFor check throws when waiting can no longer succeed (the process exited, could not bind, or another
 * process answers on its port): waitFor rethrows it at once instead of waiting out its timeout.
 */
export class ProcessGone extends Error {
  override readonly name = 'ProcessGone';
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
      if (error instanceof ProcessGone) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}
