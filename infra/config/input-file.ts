/**
 * The one reader of files a user or a pull request supplies (stack files, hand-offs, `--from`, `--profile`):
 * a regular file only, never more than a cap, strict UTF-8. Inside a root (the stacks directory) a symbolic
 * link is refused, so nothing outside that directory is ever opened, let alone echoed in an error. Every check
 * is made on the open descriptor, so the file cannot be swapped between the check and the read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../shared/input-error';

const KIB = 1024;
const MIB = 1024 * KIB;

/** A stack file is a few KiB (prod, the largest, is under 5 KiB); 256 KiB is far above any real one. */
export const MAX_STACK_FILE_BYTES = 256 * KIB;
/** A hand-off holds ids, addresses and Secret names, under 2 KiB today; 64 KiB leaves room for many workloads. */
export const MAX_HANDOFF_BYTES = 64 * KIB;
/** `pulumi stack output --json`: the hand-off beside a few redacted secret outputs, so the stack file's limit. */
export const MAX_STACK_OUTPUT_BYTES = 256 * KIB;
/**
 * A traffic profile may give a rate for every second of the longest simulation (MAX_SIMULATION_SECONDS, a
 * week: 604,800 rows); at up to 55 bytes a row (`604799,1000000.125,1000000.125\n` is 31) that is under 32 MiB.
 */
export const MAX_PROFILE_BYTES = 32 * MIB;

/** Why a file was refused; `missing` lets a caller say how to create it. */
export type InputFileProblem =
  'missing' | 'unreadable' | 'link' | 'outside' | 'not-regular' | 'too-large' | 'not-utf8';

/** A file that cannot be read as input; the message is `<file>: <reason>`. */
export class InputFileError extends InputError {
  constructor(
    /** The file as messages show it. */
    readonly file: string,
    readonly problem: InputFileProblem,
    /** What is wrong, without the file: `is a directory, not a regular file`. */
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

export interface ReadInputFileOptions {
  /** What the file is, for messages: `stack file`, `hand-off`, `profile`. */
  readonly what: string;
  /** The most bytes the file may have. */
  readonly maxBytes: number;
  /**
   * The directory the file must be in. Then the file itself may not be a symbolic link (even to a file of the
   * root: no use for one is known, and O_NOFOLLOW lets the kernel refuse it at open, with no window between a
   * check and the read) and its real directory must be inside the root's real path.
   * @default none: the path is the user's own argument, and a link is followed
   */
  readonly root?: string;
  /** How messages name the file. @default file */
  readonly display?: string;
}

// O_NONBLOCK: opening a FIFO for reading does not wait for a writer (open(2)); fstat then refuses it.
// O_NOFOLLOW: open fails with ELOOP when the last component is a symbolic link (open(2)). Neither exists on
// Windows, where the lstat comparison below stands in for O_NOFOLLOW.
const { O_RDONLY, O_NONBLOCK = 0, O_NOFOLLOW = 0 } = fs.constants;

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function formatLimit(bytes: number): string {
  if (bytes % MIB === 0) return `${bytes} bytes (${bytes / MIB} MiB)`;
  if (bytes % KIB === 0) return `${bytes} bytes (${bytes / KIB} KiB)`;
  return `${bytes} bytes`;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Whether `bytes` decodes as UTF-8 up to its end, a sequence cut off at the end still allowed. */
function decodesAsPrefix(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** The index of the byte at which `bytes` stops being UTF-8 (TextDecoder says only that it is not). */
function firstInvalidByte(bytes: Uint8Array): number {
  // Cut off at the end: the last byte is in the unfinished sequence.
  if (decodesAsPrefix(bytes)) return bytes.length - 1;
  // Prefixes that decode are exactly those shorter than the first bad byte, plus one: binary search.
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (decodesAsPrefix(bytes.subarray(0, middle))) good = middle;
    else bad = middle;
  }
  return bad - 1;
}

function lineAt(bytes: Uint8Array, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Reads at most `max + 1` bytes from `fd`, so a file that grew after fstat is still caught. */
function readCapped(fd: number, size: number, max: number): Buffer {
  let buffer = Buffer.alloc(Math.min(size, max) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (buffer.length > max) break;
      const grown = Buffer.alloc(Math.min(buffer.length * 2, max + 1));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
    if (read === 0) break;
    length += read;
  }
  return buffer.subarray(0, length);
}

/**
 * The text of `file`: a regular file of at most `maxBytes`, strict UTF-8, a leading byte order mark removed
 * (YAML 1.2 allows one, and RFC 8259 §8.1 lets a JSON reader ignore it). Throws InputFileError otherwise.
 */
export function readInputFile(file: string, options: ReadInputFileOptions): string {
  const display = options.display ?? file;
  const refuse = (problem: InputFileProblem, reason: string): never => {
    throw new InputFileError(display, problem, reason);
  };
  let fd: number;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NONBLOCK | (options.root === undefined ? 0 : O_NOFOLLOW));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return refuse('missing', 'does not exist');
    if (code === 'ELOOP' && options.root !== undefined) {
      return refuse('link', `is a symbolic link; a ${options.what} must be a regular file, not a link`);
    }
    if (code === 'EACCES' || code === 'EPERM')
      return refuse('unreadable', 'cannot be read (permission denied)');
    throw error;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (options.root !== undefined) {
      // The opened file must be the one at the real path inside the root, not a link (no O_NOFOLLOW) nor
      // reached through a linked directory.
      const realDirectory = fs.realpathSync(path.dirname(file));
      if (!isInside(fs.realpathSync(options.root), realDirectory)) {
        refuse('outside', `is not inside ${options.root}`);
      }
      const there = fs.lstatSync(path.join(realDirectory, path.basename(file)));
      if (there.isSymbolicLink() || there.ino !== stat.ino || there.dev !== stat.dev) {
        refuse('link', `is a symbolic link; a ${options.what} must be a regular file, not a link`);
      }
    }
    if (!stat.isFile()) refuse('not-regular', `is ${kindOf(stat)}, not a regular file`);
    const limit = `${formatLimit(options.maxBytes)} a ${options.what} may have`;
    if (stat.size > options.maxBytes) refuse('too-large', `is ${stat.size} bytes, more than the ${limit}`);
    const bytes = readCapped(fd, stat.size, options.maxBytes);
    // It grew after fstat: its size now is unknown, only that it is over.
    if (bytes.length > options.maxBytes) refuse('too-large', `has more than the ${limit}`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      const line = lineAt(bytes, firstInvalidByte(bytes));
      return refuse('not-utf8', `line ${line}: is not valid UTF-8; save the ${options.what} as UTF-8`);
    }
  } finally {
    fs.closeSync(fd);
  }
}
