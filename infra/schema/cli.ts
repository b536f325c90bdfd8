/**
 * `npm run schema [-- --check]`: writes stacks/stack-file.schema.json and the generated reference in
 * stacks/README.md from the zod schemas of the loader. `--check` writes nothing and exits 1 when either is stale.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  cliProgram,
  EXIT_FAILURE,
  EXIT_OK,
  exitCodeFor,
  InputError,
  runCli,
  type CliOutput,
} from '../shared/cli';
import {
  REFERENCE_BEGIN,
  REFERENCE_END,
  renderSchema,
  SCHEMA_FILE,
  stackFileReference,
  stackFileSchema,
  withReference,
} from './stack-file-schema';

/** The repository this script belongs to: its Prettier config formats the README. */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const README_FILE = 'stacks/README.md';

/** A generated file: its path relative to the root, and the text it must hold. */
export interface GeneratedFile {
  readonly file: string;
  readonly content: string;
}

/**
 * A file as Prettier formats it, since `npm run lint` checks every file with the project's config. Through its CLI:
 * its API loads ES modules, which jest cannot without --experimental-vm-modules.
 */
function formatted(file: string, text: string): string {
  const key = `${file}\0${text}`;
  const known = formattedTexts.get(key);
  if (known !== undefined) return known;
  const prettier = require.resolve('prettier/bin/prettier.cjs');
  const result = spawnSync(process.execPath, [prettier, '--stdin-filepath', file], {
    cwd: PROJECT_ROOT,
    input: text,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`prettier failed on ${file}: ${result.stderr}`);
  formattedTexts.set(key, result.stdout);
  return result.stdout;
}
/** Texts Prettier has formatted in this process: a second run (a test, --check after a write) skips the spawn. */
const formattedTexts = new Map<string, string>();

/** The schema and the README as they must be, given the README under `root` (its text outside the markers). */
export function generatedFiles(root: string): GeneratedFile[] {
  const schema = stackFileSchema();
  const readmePath = path.join(root, README_FILE);
  const readme = fs.existsSync(readmePath) ? fs.readFileSync(readmePath, 'utf8') : undefined;
  const updated = readme === undefined ? undefined : withReference(readme, stackFileReference(schema));
  if (updated === undefined) {
    throw new InputError(
      `${README_FILE} ${readme === undefined ? 'does not exist' : `has no ${REFERENCE_BEGIN} ... ${REFERENCE_END} markers`}; put them where the generated reference goes`,
    );
  }
  return [
    { file: SCHEMA_FILE, content: formatted(SCHEMA_FILE, renderSchema(schema)) },
    { file: README_FILE, content: formatted(README_FILE, updated) },
  ];
}

/** How a committed text differs from the generated one: lines to add and remove, and the first line that differs. */
export function diffSummary(current: string, expected: string): string {
  const have = current.split('\n');
  const want = expected.split('\n');
  const count = (lines: string[]) => {
    const counts = new Map<string, number>();
    for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
    return counts;
  };
  const haveCounts = count(have);
  const wantCounts = count(want);
  let add = 0;
  let remove = 0;
  for (const [line, n] of wantCounts) add += Math.max(0, n - (haveCounts.get(line) ?? 0));
  for (const [line, n] of haveCounts) remove += Math.max(0, n - (wantCounts.get(line) ?? 0));
  let first = 0;
  while (first < Math.min(have.length, want.length) && have[first] === want[first]) first += 1;
  return `${add} line${add === 1 ? '' : 's'} to add, ${remove} to remove, first difference at line ${first + 1}`;
}

interface Options {
  readonly check?: boolean;
  readonly root: string;
}

function run(options: Options, io: CliOutput): number {
  let stale = 0;
  for (const { file, content } of generatedFiles(options.root)) {
    const full = path.join(options.root, file);
    const current = fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
    if (current === content) {
      io.stdout(`${file} is up to date\n`);
    } else if (options.check === true) {
      stale += 1;
      const why = current === undefined ? 'does not exist' : `is stale (${diffSummary(current, content)})`;
      io.stderr(`${file} ${why}; run npm run schema\n`);
    } else {
      fs.writeFileSync(full, content);
      io.stdout(`wrote ${file}\n`);
    }
  }
  return stale > 0 ? EXIT_FAILURE : EXIT_OK;
}

/** Runs the CLI and returns the exit code: 0 written or up to date, 1 stale (--check), 2 bad input. */
export function main(argv: readonly string[], io: CliOutput): number {
  let code = EXIT_OK;
  const program = cliProgram(
    'npm run schema --',
    `Write ${SCHEMA_FILE} and the stack-file reference in ${README_FILE} from infra/config/schema.ts.`,
    io,
  )
    .option('--check', 'write nothing; exit 1 if a generated file is stale')
    .option('--root <dir>', 'repository root holding stacks/', PROJECT_ROOT)
    .action((options: Options) => {
      code = run(options, io);
    });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    return exitCodeFor('schema', error, io.stderr);
  }
  return code;
}

if (require.main === module) {
  runCli('schema', () =>
    main(process.argv.slice(2), {
      stdout: (text) => void process.stdout.write(text),
      stderr: (text) => void process.stderr.write(text),
    }),
  );
}
