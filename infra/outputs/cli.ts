/**
 * `npm run outputs -- <env> [--from <file>]`: turns `pulumi stack output --json` (stdin or a file) into
 * `stacks/<env>.outputs.json`, the non-secret hand-off the cdk8s app reads. It refuses any input that carries
 * a secret value, and writes the same bytes for the same hand-off (keys sorted, 2-space indent, final newline).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DNS1123_LABEL } from '../../constructs/shared';
import { cliProgram, EXIT_FAILURE, EXIT_OK, exitCodeFor, runCli } from '../shared/cli';
import { defaultStacksDir } from '../config/environment';
import { type Handoff, handoffFilePath, HandoffError, parseHandoff } from '../config/handoff';
import {
  InputFileError,
  MAX_HANDOFF_BYTES,
  MAX_STACK_OUTPUT_BYTES,
  readInputFile,
} from '../config/input-file';
import { parseJsonText } from '../config/json-text';
import { credentialInValue, isRecord, REDACTED, secretFindings } from '../config/secret-findings';

/** The stack output holding the hand-off (infra/index.ts `handoff`). */
export const HANDOFF_OUTPUT = 'handoff';
/** The stack outputs that are Pulumi secrets (infra/index.ts); `pulumi stack output --json` shows them redacted. */
export const SECRET_STACK_OUTPUTS = ['prometheusAuth', 'rocketMqCredentials'] as const;

/**
 * The validated hand-off of `environment` from `pulumi stack output --json` (all outputs, the secret ones
 * redacted) or from `pulumi stack output handoff --json`. Throws HandoffError naming every offending field.
 */
export function extractHandoff(environment: string, input: unknown, source: string): Handoff {
  const violations: string[] = [];
  let candidate = input;
  let at: PropertyKey[] = [];
  if (isRecord(input) && HANDOFF_OUTPUT in input) {
    for (const [key, value] of Object.entries(input)) {
      if (key === HANDOFF_OUTPUT || value === REDACTED) continue;
      const hidden = credentialInValue(key);
      if (hidden !== undefined) {
        // The name of an output is shown, unless it is itself a credential (a token pasted as a key).
        violations.push(`(root): has a key that ${hidden}; the hand-off holds no secret`);
        continue;
      }
      violations.push(
        (SECRET_STACK_OUTPUTS as readonly string[]).includes(key)
          ? `${key}: holds the value of a secret output; run pulumi stack output without --show-secrets`
          : `${key}: is not a hand-off output and is not redacted; refusing what might be a secret`,
      );
    }
    candidate = input[HANDOFF_OUTPUT];
    at = [HANDOFF_OUTPUT];
  }
  violations.push(...secretFindings(candidate, at));
  if (violations.length > 0) throw new HandoffError(source, violations);
  const handoff = parseHandoff(source, candidate);
  if (handoff.environment !== environment) {
    throw new HandoffError(source, [
      `environment: is "${handoff.environment}", not "${environment}"; wrong stack selected?`,
    ]);
  }
  return handoff;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  );
}

/** The file's bytes: keys sorted, 2-space indent, final newline; arrays keep their order. */
export function renderHandoff(handoff: Handoff): string {
  return `${JSON.stringify(sortKeys(handoff), null, 2)}\n`;
}

/** Writes `content` to `file` atomically (temporary file, then rename); returns false when it was already so. */
export function writeIfChanged(file: string, content: string): boolean {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return false;
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  // Whatever is at that name (a leftover, a planted link) is removed, not followed; 'wx' (O_CREAT|O_EXCL) then
  // fails rather than follow a link made in between (open(2)).
  fs.rmSync(temporary, { force: true });
  fs.writeFileSync(temporary, content, { encoding: 'utf8', flag: 'wx' });
  fs.renameSync(temporary, file);
  return true;
}

export interface CliIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** `--from <file>`: the user's own path, so a link is followed; still a regular file, capped, strict UTF-8. */
function readFrom(from: string): string {
  try {
    return readInputFile(from, { what: 'stack output file', maxBytes: MAX_STACK_OUTPUT_BYTES });
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    throw new HandoffError(from, [`--from: ${error.problem === 'missing' ? 'no such file' : error.reason}`]);
  }
}

/** The hand-off now in the stacks directory, or undefined when there is none. */
function currentHandoff(file: string, stacksDir: string): string | undefined {
  try {
    return readInputFile(file, { what: 'hand-off', maxBytes: MAX_HANDOFF_BYTES, root: stacksDir });
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    if (error.problem === 'missing') return undefined;
    throw new HandoffError(file, [error.reason]);
  }
}

interface Options {
  readonly from?: string;
  readonly stacksDir: string;
  readonly check?: boolean;
}

async function run(environment: string, options: Options, io: CliIo): Promise<number> {
  if (!DNS1123_LABEL.test(environment)) {
    throw new HandoffError('<env>', [`"${environment}" is not a stack name (a DNS-1123 label such as prod)`]);
  }
  const noInput = `no input: pipe pulumi stack output --stack ${environment} --json into this command, or pass --from <file>`;
  if (options.from === undefined && io.stdin.isTTY === true) throw new HandoffError('stdin', [noInput]);
  const source = options.from ?? 'stdin';
  const text = options.from !== undefined ? readFrom(options.from) : await readAll(io.stdin);
  if (text.trim() === '') throw new HandoffError(source, [noInput]);
  // A paste of --show-secrets output may hold secrets: a syntax error names its line and column, never the text.
  const read = parseJsonText(text);
  if ('error' in read) throw new HandoffError(source, [`(root): is not JSON (${read.error})`]);
  const content = renderHandoff(extractHandoff(environment, read.value, source));
  const file = handoffFilePath(environment, options.stacksDir);
  // Read (or found missing) as synth reads it: a FIFO or a link there is refused before anything is written.
  const current = currentHandoff(file, options.stacksDir);
  if (options.check === true) {
    if (current === content) {
      io.stdout(`${file} is up to date\n`);
      return EXIT_OK;
    }
    io.stderr(
      `${file} ${current === undefined ? 'does not exist' : "differs from the stack's outputs"}; run npm run outputs -- ${environment}\n`,
    );
    return EXIT_FAILURE;
  }
  // Equal as read (a byte order mark stripped) is up to date, as --check says.
  const written = current !== content && writeIfChanged(file, content);
  io.stdout(written ? `wrote ${file}\n` : `${file} is up to date\n`);
  return EXIT_OK;
}

/**
 * Runs the CLI with `argv` (the arguments after the script) and returns the exit code: 0 written or up to
 * date, 1 stale (--check), 2 bad input (no input, not JSON, a secret, an invalid or foreign hand-off).
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let code = EXIT_OK;
  const program = cliProgram(
    'npm run outputs --',
    'Write the non-secret hand-off of a deployed stack to stacks/<env>.outputs.json.',
    io,
  )
    .argument('<env>', 'stack name: dev, staging, prod, ...')
    .option('--from <file>', 'read pulumi stack output --json from a file instead of stdin')
    .option('--stacks-dir <dir>', 'directory of the hand-off files', defaultStacksDir())
    .option('--check', 'exit 1 if the file differs from the input instead of writing it')
    .action(async (environment: string, options: Options) => {
      code = await run(environment, options, io);
    });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    return exitCodeFor('outputs', error, io.stderr);
  }
  return code;
}

if (require.main === module) {
  runCli('outputs', () =>
    main(process.argv.slice(2), {
      stdin: process.stdin,
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    }),
  );
}
