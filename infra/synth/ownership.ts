/**
 * What synth owns in its output directory, and how it replaces it. Synth records the environment folders it
 * wrote in `<out>/.apsaramq-keda-synth.json` and replaces or removes only those; every other entry (a .git/, a
 * README, another team's folder, a file a user drops there) is left alone, as `helm template --output-dir`
 * leaves what it did not render. Everything is decided by `planOutput` before anything is written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';
import { DNS1123_LABEL, DNS1123_LABEL_MAX_LENGTH } from '../../constructs/shared';
import { defaultStacksDir, stackFilePath } from '../config/environment';
import { displayPath, formatPath } from '../config/errors';
import { InputError } from '../shared/input-error';
import { generatedHeader } from './app';

/**
 * The record: `{ "tool": "apsaramq-keda synth", "format": 1, "environments": [<sorted folder names>] }`,
 * 2-space JSON and a newline, no timestamp, so the same output gives the same bytes. Environment names are
 * DNS-1123 labels (no dot), so they never collide with the record or the staging directory.
 */
export const RECORD_FILE = '.apsaramq-keda-synth.json';
export const RECORD_TOOL = 'apsaramq-keda synth';
/** Bumped when the record's meaning changes; a synth refuses a format it does not know. */
export const RECORD_FORMAT = 1;
/** A record lists folder names only; anything larger is not ours and is not read. */
export const RECORD_MAX_BYTES = 64 * 1024;
/** Where a write builds the new folders and parks the previous ones; removed when the write ends. */
export const STAGING_DIR = '.apsaramq-keda-synth.staging';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** How many entries a refusal names before `(and N more)`. */
const ENTRIES_SHOWN = 5;

const shown = (value: unknown): string => (value === undefined ? 'missing' : `is ${JSON.stringify(value)}`);

const recordSchema = z.strictObject(
  {
    tool: z.literal(RECORD_TOOL, { error: (i) => `must be "${RECORD_TOOL}" (${shown(i.input)})` }),
    format: z.literal(RECORD_FORMAT, { error: (i) => `must be ${RECORD_FORMAT} (${shown(i.input)})` }),
    environments: z
      .array(
        z
          .string({ error: (i) => `must be a DNS-1123 label (${shown(i.input)})` })
          .max(DNS1123_LABEL_MAX_LENGTH, { error: (i) => `must be a DNS-1123 label (${shown(i.input)})` })
          .regex(DNS1123_LABEL, { error: (i) => `must be a DNS-1123 label (${shown(i.input)})` }),
        { error: (i) => `must be a list of environment folder names (${shown(i.input)})` },
      )
      .refine((names) => names.every((name, i) => i === 0 || names[i - 1] < name), {
        error: (i) => `must be sorted, without duplicates (${shown(i.input)})`,
      }),
  },
  { error: (i) => (i.code === 'invalid_type' ? `must be a JSON object (${shown(i.input)})` : undefined) },
);

/** The record's exact bytes for these environment folders. */
export function recordText(environments: readonly string[]): string {
  const record = {
    tool: RECORD_TOOL,
    format: RECORD_FORMAT,
    environments: [...new Set(environments)].sort(),
  };
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** Every reason `text` is not a record of ours; empty when it is one. */
export function recordProblems(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return [`not JSON: ${(error as Error).message}`];
  }
  const parsed = recordSchema.safeParse(value);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const at = issue.path.length === 0 ? '(root)' : formatPath(issue.path);
    if (issue.code === 'unrecognized_keys')
      return `${at}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return `${at}: ${issue.message}`;
  });
}

/** Bad input about the output directory: the CLI exits 2, and nothing was written. */
export class OutputRefusedError extends InputError {}

/** Where the output directory was named, so a message says how to fix it from there. */
export interface OutputHints {
  /** How the user named the directory: `--out`, or `APSARAMQ_KEDA_DIST` for a plain cdk8s synth. */
  readonly label: string;
  /** How the user forces, e.g. `Pass --force`; a message appends `to adopt it`. */
  readonly force: string;
}

export interface OutputRequest {
  /** The output directory as the user named it; messages show it. */
  readonly out: string;
  /** The environments this run writes, each synthesized into `scratch/<env>/`. */
  readonly write: readonly string[];
  /** Every environment was selected: only then are recorded folders without a stack file removed. */
  readonly all: boolean;
  /** The environments that have a stack file. */
  readonly known: readonly string[];
  /**
   * Adopt a directory synth did not write (no record): write the environment folders and the record there,
   * replacing existing folders of the same names. Also replaces a folder of an environment being written that
   * the record does not list. Never deletes any other entry, never overrides a bad record or a forbidden path.
   */
  readonly force: boolean;
  readonly hints: OutputHints;
  /** A directory the output must not overlap: cdk8s synth's own output, which it empties before every run. */
  readonly scratch?: string;
}

export interface Removal {
  readonly environment: string;
  readonly reason: string;
}

export interface OutputPlan {
  /** Absolute path of the output directory. */
  readonly target: string;
  /** The output directory as messages show it. */
  readonly display: string;
  /**
   * Why synth may write there: `new` (missing or empty), `recorded` (it holds a valid record), `earlier-synth`
   * (no record, but every entry is an environment folder of files with synth's generated header), `force`.
   * Undefined when refused.
   */
  readonly ownership?: 'new' | 'recorded' | 'earlier-synth' | 'force';
  readonly write: readonly string[];
  /** Environment folders that exist and a write replaces. */
  readonly replace: readonly string[];
  /** Recorded environment folders without a stack file: a full write removes them. */
  readonly remove: readonly Removal[];
  /** Entries synth did not write and leaves alone, sorted, folders with a trailing `/`. */
  readonly leftAlone: readonly string[];
  readonly record: {
    readonly status: 'up-to-date' | 'missing' | 'stale' | 'invalid';
    /** The record a write leaves. */
    readonly environments: readonly string[];
    readonly before?: string;
    readonly after: string;
  };
  /** Folders an interrupted write parked in the staging directory and a write moves back first. */
  readonly restore?: readonly string[];
  /** Why a write must not happen (exit 2); the rest of the plan is what it would have done. */
  readonly refusal?: string;
}

/** `p` with symlinks resolved as far as it exists, the rest appended: compares paths that do not exist yet. */
function realPath(p: string): string {
  const absolute = path.resolve(p);
  let existing = absolute;
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  return path.join(fs.realpathSync(existing), path.relative(existing, absolute));
}

/** Whether `inner` is `outer` or lies inside it. */
function within(outer: string, inner: string): boolean {
  const relative = path.relative(outer, inner);
  return (
    relative === '' ||
    (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative))
  );
}

function overlap(target: string, other: string): 'is' | 'holds' | 'lies inside' | undefined {
  if (target === other) return 'is';
  if (within(target, other)) return 'holds';
  if (within(other, target)) return 'lies inside';
  return undefined;
}

/**
 * Paths no --force makes an output: a file; the repository or a folder holding it (an environment named like
 * one of its folders would replace it); the stacks directory synth reads, inside it or holding it; cdk8s'
 * scratch directory.
 */
function guardTarget(target: string, display: string, request: OutputRequest): void {
  const named = `${request.hints.label} ${display}`;
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isDirectory())
    throw new OutputRefusedError(`${named} is not a directory; nothing was written.`);
  const real = realPath(target);
  const repo = fs.realpathSync(REPO_ROOT);
  if (within(real, repo)) {
    throw new OutputRefusedError(
      `${named} ${real === repo ? 'is' : 'holds'} the repository ${repo}; synth never writes there, not even with --force (an environment folder could replace a folder of the repository). Nothing was written.`,
    );
  }
  const stacks = realPath(defaultStacksDir());
  const onStacks = overlap(real, stacks);
  if (onStacks !== undefined) {
    throw new OutputRefusedError(
      `${named} ${onStacks} the stacks directory ${displayPath(defaultStacksDir())} that synth reads; synth never writes there, not even with --force. Nothing was written.`,
    );
  }
  const onScratch = request.scratch === undefined ? undefined : overlap(real, realPath(request.scratch));
  if (onScratch !== undefined) {
    throw new OutputRefusedError(
      `${named} ${onScratch} the cdk8s output directory ${request.scratch}, which cdk8s synth empties before every run. Nothing was written.`,
    );
  }
}

/** The record's text, or the reasons it is not one of ours. */
function readRecord(file: string): { text: string } | { problems: string[] } {
  const stat = fs.lstatSync(file);
  if (!stat.isFile()) return { problems: ['not a regular file'] };
  if (stat.size > RECORD_MAX_BYTES)
    return { problems: [`larger than ${RECORD_MAX_BYTES} bytes (${stat.size})`] };
  const text = fs.readFileSync(file, 'utf8');
  const problems = recordProblems(text);
  return problems.length === 0 ? { text } : { problems };
}

/** Whether `file` is a regular file that starts with `prefix` (reads only that many bytes). */
function startsWith(file: string, prefix: string): boolean {
  const expected = Buffer.from(prefix);
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(expected.length);
    return fs.readSync(fd, head, 0, head.length, 0) === head.length && head.equals(expected);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A directory the synth before records wrote: every entry a folder named like an environment, holding only
 * regular `*.yaml` files that start with synth's generated header for that environment. The header is synth's
 * signature, so hand-written kustomize overlays (`overlays/dev/*.yaml`) never pass for ours.
 */
function writtenByEarlierSynth(target: string, entries: readonly fs.Dirent[]): boolean {
  return entries.every((entry) => {
    if (!entry.isDirectory() || !DNS1123_LABEL.test(entry.name)) return false;
    const folder = path.join(target, entry.name);
    const files = fs.readdirSync(folder, { withFileTypes: true });
    return (
      files.length > 0 &&
      files.every(
        (f) =>
          f.isFile() &&
          f.name.endsWith('.yaml') &&
          startsWith(path.join(folder, f.name), generatedHeader(entry.name)),
      )
    );
  });
}

const listed = (names: readonly string[]): string => names.map((n) => `${n}/`).join(', ');

function fewOf(names: readonly string[]): string {
  const more = names.length - ENTRIES_SHOWN;
  return `${names.slice(0, ENTRIES_SHOWN).join(', ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}

/** The directory as messages show it: as the user wrote it, without a trailing slash. */
export function displayOf(out: string): string {
  const normal = path.normalize(out);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}

/**
 * What a write into `request.out` would do, read from the disk and nothing written: which folders it writes,
 * replaces and removes, what it leaves alone, the record it leaves, and why it must not write (`refusal`).
 * Throws OutputRefusedError for a path that is never an output (see guardTarget).
 */
export function planOutput(request: OutputRequest): OutputPlan {
  const target = path.resolve(request.out);
  const display = displayOf(request.out);
  guardTarget(target, display, request);
  const all = fs.existsSync(target) ? fs.readdirSync(target, { withFileTypes: true }) : [];
  const staging = path.join(target, STAGING_DIR);
  const restore = all.some((e) => e.name === STAGING_DIR) ? parkedFolders(target, staging) : [];
  const entries = all.filter((e) => !isBookkeeping(e.name));
  // The plan is for the directory as it is once an interrupted write's folders are back.
  const present = [...entries.map((e) => e.name), ...restore].sort();
  const isFolder = new Map(entries.map((e) => [e.name, e.isDirectory()]));
  for (const name of restore) isFolder.set(name, true);
  const shownEntry = (name: string): string => (isFolder.get(name) === true ? `${name}/` : name);
  const write = [...request.write].sort();
  const replace = write.filter((e) => present.includes(e));
  const recordDisplay = path.join(display, RECORD_FILE);

  let ownership: OutputPlan['ownership'];
  let recorded: string[] = [];
  let before: string | undefined;
  let refusal: string | undefined;
  let invalid = false;
  if (all.some((e) => e.name === RECORD_FILE)) {
    const read = readRecord(path.join(target, RECORD_FILE));
    if ('problems' in read) {
      invalid = true;
      refusal =
        `${recordDisplay} is not a record synth can read:\n  - ${read.problems.join('\n  - ')}\n` +
        `  Synth does not guess what it owns: fix or remove the file (without it, ${display} counts as a directory synth did not write). Nothing was written.`;
    } else {
      ownership = 'recorded';
      before = read.text;
      recorded = (JSON.parse(read.text) as { environments: string[] }).environments;
    }
  } else if (present.length === 0) {
    ownership = 'new';
  } else if (restore.length === 0 && writtenByEarlierSynth(target, entries)) {
    ownership = 'earlier-synth';
    recorded = present;
  } else if (request.force) {
    ownership = 'force';
  } else {
    const writes = write.length === 0 ? RECORD_FILE : `${listed(write)} and ${RECORD_FILE}`;
    const replaces = replace.length === 0 ? '' : `replaces the existing ${listed(replace)} and `;
    refusal =
      `${display} is not empty and synth did not write it (no ${RECORD_FILE}); nothing was written.\n` +
      `  In the way: ${fewOf(present.map(shownEntry))}\n` +
      `  ${request.hints.force} to adopt it (synth writes ${writes} there, ${replaces}leaves every other entry alone), or point ${request.hints.label} at an empty or new directory.`;
  }
  if (ownership === 'recorded' && !request.force) {
    const foreign = replace.filter((e) => !recorded.includes(e));
    if (foreign.length > 0) {
      const them = foreign.length === 1 ? 'it' : 'them';
      refusal =
        `${foreign.map((e) => `${path.join(display, e)}/`).join(', ')} ${foreign.length === 1 ? 'exists' : 'exist'} but synth did not write ${them} (not in ${recordDisplay}); nothing was written.\n` +
        `  ${request.hints.force} to replace ${them}, or move ${them} away.`;
    }
  }
  const remove = request.all
    ? recorded
        .filter((e) => !request.known.includes(e) && present.includes(e))
        .map((environment) => ({ environment, reason: `no ${displayPath(stackFilePath(environment))}` }))
    : [];
  const removed = remove.map((r) => r.environment);
  const environments = [
    ...new Set([...write, ...recorded.filter((e) => present.includes(e) && !removed.includes(e))]),
  ].sort();
  const after = recordText(environments);
  const status = invalid
    ? 'invalid'
    : before === undefined
      ? 'missing'
      : before === after
        ? 'up-to-date'
        : 'stale';
  return {
    target,
    display,
    ...(refusal === undefined ? { ownership } : { refusal }),
    write,
    replace,
    remove,
    leftAlone: present.filter((e) => !recorded.includes(e) && !write.includes(e)).map(shownEntry),
    record: { status, environments, ...(before !== undefined && { before }), after },
    ...(restore.length > 0 && { restore }),
  };
}

/** Folders parked in `staging/old/` whose place in `target` is empty: an interrupted write moved them out. */
function parkedFolders(target: string, staging: string): string[] {
  const old = path.join(staging, 'old');
  if (!fs.existsSync(old)) return [];
  return fs
    .readdirSync(old)
    .filter((name) => fs.lstatSync(path.join(target, name), { throwIfNoEntry: false }) === undefined)
    .sort();
}

export interface PublishResult {
  readonly plan: OutputPlan;
  /** Folders an interrupted write had parked, moved back before this write. */
  readonly restored: readonly string[];
}

const exists = (p: string): boolean => fs.lstatSync(p, { throwIfNoEntry: false }) !== undefined;

/** Replaces `file` by `text` through a temporary file in `staging` and one rename. */
function writeAtomically(staging: string, file: string, text: string): void {
  const temporary = path.join(staging, 'record.json');
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `STAGING_DIR.<pid>`: a staging directory being prepared by that process, before it is claimed. */
const PREPARING = /^\.apsaramq-keda-synth\.staging\.([0-9]+)$/;

/** Whether an entry of the output directory is synth's own bookkeeping (never planned, listed or adopted). */
const isBookkeeping = (name: string): boolean =>
  name === RECORD_FILE || name === STAGING_DIR || PREPARING.test(name);

/**
 * Claims `target/STAGING_DIR` for this process: prepared complete (with this pid) under `STAGING_DIR.<pid>`,
 * then renamed into place, which fails while another synth holds it — the lock against two writes at once.
 * A staging directory of a process that is gone is an interrupted write: its parked folders are moved back
 * (returned), then it is removed. Preparing directories of dead processes are removed.
 */
function claimStaging(target: string, display: string): string[] {
  const staging = path.join(target, STAGING_DIR);
  for (const name of fs.readdirSync(target)) {
    const pid = PREPARING.exec(name)?.[1];
    if (pid !== undefined && (Number(pid) === process.pid || !processAlive(Number(pid))))
      fs.rmSync(path.join(target, name), { recursive: true, force: true });
  }
  const mine = `${staging}.${process.pid}`;
  fs.mkdirSync(mine);
  fs.writeFileSync(path.join(mine, 'pid'), `${process.pid}\n`);
  for (const sub of ['new', 'old', 'discard']) fs.mkdirSync(path.join(mine, sub));
  const claim = (): boolean => {
    try {
      // rename(2) onto a non-empty directory fails: EEXIST or ENOTEMPTY.
      fs.renameSync(mine, staging);
      return true;
    } catch (error) {
      if (!['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      return false;
    }
  };
  if (claim()) return [];
  const pidFile = path.join(staging, 'pid');
  const pid = exists(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : NaN;
  if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) {
    fs.rmSync(mine, { recursive: true, force: true });
    throw new Error(
      `another synth (pid ${pid}) is writing ${display}; wait for it. If none runs, move the folders in ${path.join(display, STAGING_DIR, 'old')}/ back into ${display}/ where they are missing, then remove ${path.join(display, STAGING_DIR)}/`,
    );
  }
  const restored = parkedFolders(target, staging);
  for (const name of restored) fs.renameSync(path.join(staging, 'old', name), path.join(target, name));
  fs.rmSync(staging, { recursive: true, force: true });
  if (!claim()) {
    fs.rmSync(mine, { recursive: true, force: true });
    throw new Error(`another synth started writing ${display} at the same time; run again once it is done`);
  }
  return restored;
}

interface Step {
  readonly environment: string;
  movedOut: boolean;
  movedIn: boolean;
}

/**
 * Moves `scratch/<env>/` of every environment to write into `request.out`, removes recorded folders without a
 * stack file (full runs), and rewrites the record — after planOutput has found nothing to refuse (else it
 * throws OutputRefusedError and writes nothing).
 *
 * How it stays whole. The new folders are first copied complete into `<out>/.apsaramq-keda-synth.staging/new/`
 * (same filesystem as `<out>`, so every move below is one rename). The record is then widened to every folder
 * that will exist during the write (old ∪ new), written to a temporary file in the staging directory and renamed
 * over the record. Then, one environment at a time: `<out>/<env>` is renamed to `staging/old/<env>` and
 * `staging/new/<env>` to `<out>/<env>`; a removed folder is renamed to `staging/old/`. The final record is
 * written last, the same way, and the staging directory is deleted.
 * - An error in this process rolls back: each folder and the record exactly as before, staging deleted.
 * - If the process dies (kill -9, crash), at most one environment is between its two renames. Every entry of
 *   `<out>` is then untouched, or an environment folder in its previous or its new version, or missing while
 *   its previous version lies whole in `staging/old/<env>/`; every folder present is in the record. The next
 *   write moves such parked folders back before it plans (`--check` reports them), then deletes the staging
 *   directory; deleting it by hand loses nothing once the folder is back.
 * Renames are not fsynced: this holds when the process dies, not after a power loss.
 */
export function publish(scratch: string, request: OutputRequest): PublishResult {
  const first = planOutput(request);
  if (first.refusal !== undefined) throw new OutputRefusedError(first.refusal);
  const { target, display } = first;
  fs.mkdirSync(target, { recursive: true });
  const restored = claimStaging(target, display);
  const staging = path.join(target, STAGING_DIR);
  const recordFile = path.join(target, RECORD_FILE);
  const steps: Step[] = [];
  let recordBefore: string | undefined;
  let recordTouched = false;
  let plan: OutputPlan;
  try {
    // Read again: folders may be back from an interrupted write, and the directory may have changed since.
    plan = planOutput(request);
    if (plan.refusal !== undefined) throw new OutputRefusedError(plan.refusal);
    recordBefore = plan.record.before;
    for (const environment of plan.write)
      fs.cpSync(path.join(scratch, environment), path.join(staging, 'new', environment), { recursive: true });
    const widened = recordText([...plan.record.environments, ...plan.remove.map((r) => r.environment)]);
    if (widened !== recordBefore) {
      recordTouched = true;
      writeAtomically(staging, recordFile, widened);
    }
    for (const environment of plan.write) {
      const step: Step = { environment, movedOut: false, movedIn: false };
      steps.push(step);
      const destination = path.join(target, environment);
      if (exists(destination)) {
        fs.renameSync(destination, path.join(staging, 'old', environment));
        step.movedOut = true;
      }
      fs.renameSync(path.join(staging, 'new', environment), destination);
      step.movedIn = true;
    }
    for (const { environment } of plan.remove) {
      const step: Step = { environment, movedOut: false, movedIn: false };
      steps.push(step);
      fs.renameSync(path.join(target, environment), path.join(staging, 'old', environment));
      step.movedOut = true;
    }
    if (plan.record.after !== widened) {
      recordTouched = true;
      writeAtomically(staging, recordFile, plan.record.after);
    }
  } catch (error) {
    rollBack(error, { target, display, staging, steps, recordTouched, recordBefore });
    throw error;
  }
  fs.rmSync(staging, { recursive: true, force: true });
  return { plan, restored };
}

/**
 * Undoes the steps of a failed write, newest first, and puts back the record's previous bytes (or its absence)
 * if the write changed it. If undoing fails too, the staging directory stays, so the next write moves the
 * parked folders back; the error then says so.
 */
function rollBack(
  cause: unknown,
  write: {
    readonly target: string;
    readonly display: string;
    readonly staging: string;
    readonly steps: readonly Step[];
    readonly recordTouched: boolean;
    readonly recordBefore: string | undefined;
  },
): void {
  const { target, display, staging } = write;
  try {
    for (const step of [...write.steps].reverse()) {
      const destination = path.join(target, step.environment);
      if (step.movedIn) fs.renameSync(destination, path.join(staging, 'discard', step.environment));
      if (step.movedOut) fs.renameSync(path.join(staging, 'old', step.environment), destination);
    }
    const recordFile = path.join(target, RECORD_FILE);
    if (write.recordTouched && write.recordBefore === undefined) fs.rmSync(recordFile, { force: true });
    else if (write.recordTouched && write.recordBefore !== undefined)
      writeAtomically(staging, recordFile, write.recordBefore);
  } catch (error) {
    throw new Error(
      `${(cause as Error).message}; undoing the write failed too (${(error as Error).message}): the previous folders are in ${path.join(display, STAGING_DIR, 'old')}/ and the next npm run synth moves them back`,
      { cause: error },
    );
  }
  fs.rmSync(staging, { recursive: true, force: true });
}
