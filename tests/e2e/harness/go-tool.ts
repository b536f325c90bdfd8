/** The Go toolchain the harnesses build real components with (the control plane, the Pulumi CLI). */
import { spawnSync } from 'node:child_process';

/** The Go toolchain on PATH, or '' without one. */
export const goBinary = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim();

/** Runs `go <args>` in `cwd` below the other work of a shared machine; logs its time; throws with its output. */
export function runGo(args: readonly string[], cwd: string, log: (line: string) => void): string {
  const started = Date.now();
  const result = spawnSync('nice', ['-n', '10', goBinary, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 50 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `go ${args.join(' ')} (in ${cwd}) failed with exit ${String(result.status)}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  log(
    `go ${args.slice(0, 2).join(' ')} ... ${args.at(-1) ?? ''}: ${Math.round((Date.now() - started) / 1000)} s`,
  );
  return result.stdout;
}
