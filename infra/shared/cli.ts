/**
 * What every CLI of the project shares: exit codes (0 ok, 1 runtime failure, 2 bad input), `--version`,
 * error lines without stack traces for user errors, and a quiet exit when stdout is closed early (`| head`).
 */
import { Command, CommanderError } from 'commander';
import { version } from '../../package.json';
import { InputError } from './input-error';

export const EXIT_OK = 0;
/** The command ran and found a failure: a stale file, a failed child process. */
export const EXIT_FAILURE = 1;
/** The input is wrong: a flag, a stack file, a hand-off. Nothing was written. */
export const EXIT_USAGE = 2;

/** The project's version, printed by `--version` of every CLI. */
export const VERSION: string = version;

export { InputError };

/**
 * A commander program with the shared conventions: `--version`, errors thrown instead of `process.exit`
 * (so `run` decides the exit code), and output through the given writers.
 */
export function cliProgram(name: string, description: string, io?: CliOutput): Command {
  const program = new Command()
    .name(name)
    .description(description)
    .version(VERSION, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help and exit')
    .exitOverride();
  if (io !== undefined) program.configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}

export interface CliOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The exit code for an error thrown by a CLI's main, after printing what the user needs to see. */
export function exitCodeFor(
  name: string,
  error: unknown,
  stderr: (text: string) => void,
  isInput: (error: unknown) => boolean = () => false,
): number {
  // Commander has printed its own message (or the help, or the version: exit code 0).
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof InputError || isInput(error)) {
    stderr(`${name}: ${message}\n`);
    return EXIT_USAGE;
  }
  // An unexpected failure: the stack helps whoever reports it.
  const detail = error instanceof Error && error.stack !== undefined ? error.stack : message;
  stderr(`${name}: ${process.env.DEBUG === undefined ? message : detail}\n`);
  return EXIT_FAILURE;
}

/**
 * Runs `main` as the process: its result is the exit code; a thrown error is mapped by `exitCodeFor`.
 * A reader that closes stdout early (`npm run plan | head`) ends the process quietly with 0.
 */
export function runCli(
  name: string,
  main: () => Promise<number> | number,
  isInput?: (error: unknown) => boolean,
): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_OK);
    throw error;
  });
  const stderr = (text: string): void => void process.stderr.write(text);
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        process.exitCode = exitCodeFor(name, error, stderr, isInput);
      },
    );
}
