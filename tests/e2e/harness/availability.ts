/**
 * Real-component suites skip loudly when a component is missing locally and fail under CI=true, where
 * .ci/run must have installed it.
 */
import { spawnSync } from 'node:child_process';

export const IN_CI = process.env.CI === 'true';

/** Absolute path of a command on PATH, or undefined. */
export function which(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
  return found === '' ? undefined : found;
}

/**
 * `describe` when every command is found; otherwise `describe.skip` with a loud warning, and under CI=true
 * one failing test naming what is missing.
 */
export function describeWith(commands: readonly string[], installHint: string): jest.Describe {
  const missing = commands.filter((c) => which(c) === undefined);
  if (missing.length === 0) return describe;
  if (IN_CI) {
    test(`${missing.join(', ')} installed (required under CI=true)`, () => {
      throw new Error(`${missing.join(', ')} not found on PATH: ${installHint}`);
    });
  } else {
    console.warn(
      `\n!!! SKIPPING a real-component suite: ${missing.join(', ')} not on PATH.\n!!! ${installHint} (CI fails without it).\n`,
    );
  }
  return describe.skip;
}
