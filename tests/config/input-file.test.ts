/** The one reader of user-supplied files (infra/config/input-file.ts): regular files only, capped, strict UTF-8. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  InputFileError,
  MAX_HANDOFF_BYTES,
  MAX_PROFILE_BYTES,
  MAX_STACK_FILE_BYTES,
  MAX_STACK_OUTPUT_BYTES,
  readInputFile,
} from '../../infra/config/input-file';
import { InputError } from '../../infra/shared/input-error';

let dir: string;
let stacks: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-input-file-'));
  stacks = path.join(dir, 'stacks');
  fs.mkdirSync(stacks);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const options = { what: 'stack file', maxBytes: 64 } as const;

/** The error readInputFile throws for `file`, which must be an InputFileError. */
function refusal(file: string, opts: Parameters<typeof readInputFile>[1] = options): InputFileError {
  try {
    readInputFile(file, opts);
  } catch (error) {
    if (error instanceof InputFileError) return error;
    throw error;
  }
  throw new Error(`${file} was read`);
}

describe('readInputFile', () => {
  test('returns the text of a regular UTF-8 file inside the root', () => {
    const file = path.join(stacks, 'Pulumi.qa.yaml');
    fs.writeFileSync(file, 'config:\n  note: café\n');
    expect(readInputFile(file, { ...options, root: stacks })).toBe('config:\n  note: café\n');
  });

  test('an empty file is the empty string (the caller decides whether that is an error)', () => {
    const file = path.join(stacks, 'empty.json');
    fs.writeFileSync(file, '');
    expect(readInputFile(file, { ...options, root: stacks })).toBe('');
  });

  test('a UTF-8 byte order mark is accepted and stripped (YAML 1.2 §5.2 allows it; RFC 8259 §8.1 lets JSON readers ignore it)', () => {
    const file = path.join(stacks, 'bom.yaml');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a: 1\n')]));
    expect(readInputFile(file, { ...options, root: stacks })).toBe('a: 1\n');
  });

  test('bytes that are not UTF-8 are refused with the line they are on', () => {
    const file = path.join(stacks, 'latin1.yaml');
    // "café" in Latin-1 on line 3: 0xe9 followed by a newline is no UTF-8 sequence.
    fs.writeFileSync(file, Buffer.from('config:\n  a: 1\n  note: caf\xe9\n  b: 2\n', 'latin1'));
    const error = refusal(file);
    expect(error).toBeInstanceOf(InputError);
    expect(error.problem).toBe('not-utf8');
    expect(error.message).toBe(`${file}: line 3: is not valid UTF-8; save the stack file as UTF-8`);
  });

  test('a UTF-8 sequence cut off at the end of the file is refused on its line', () => {
    const file = path.join(stacks, 'cut.yaml');
    // The first two bytes of "€" (e2 82 ac), then the end of the file.
    fs.writeFileSync(file, Buffer.concat([Buffer.from('a: 1\nb: '), Buffer.from([0xe2, 0x82])]));
    expect(refusal(file).message).toBe(`${file}: line 2: is not valid UTF-8; save the stack file as UTF-8`);
  });

  test('an overlong encoding (c0 af for "/") is not UTF-8', () => {
    const file = path.join(stacks, 'overlong.yaml');
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from('a: .'), Buffer.from([0xc0, 0xaf]), Buffer.from('.\n')]),
    );
    expect(refusal(file).message).toBe(`${file}: line 1: is not valid UTF-8; save the stack file as UTF-8`);
  });

  test('a file of exactly the limit is read; one byte more is refused with its size and the limit', () => {
    const file = path.join(stacks, 'big.yaml');
    fs.writeFileSync(file, 'x'.repeat(64));
    expect(readInputFile(file, options)).toBe('x'.repeat(64));
    fs.writeFileSync(file, 'x'.repeat(65));
    const error = refusal(file);
    expect(error.problem).toBe('too-large');
    expect(error.message).toBe(`${file}: is 65 bytes, more than the 64 bytes a stack file may have`);
  });

  test('the limit is shown in KiB when it is a whole number of KiB', () => {
    const file = path.join(stacks, 'big.yaml');
    fs.writeFileSync(file, 'x'.repeat(2049));
    expect(refusal(file, { what: 'hand-off', maxBytes: 2048 }).message).toBe(
      `${file}: is 2049 bytes, more than the 2048 bytes (2 KiB) a hand-off may have`,
    );
  });

  test('a FIFO is refused at once instead of blocking on it', () => {
    const fifo = path.join(stacks, 'Pulumi.qa.yaml');
    execFileSync('mkfifo', [fifo]);
    const error = refusal(fifo, { ...options, root: stacks });
    expect(error.problem).toBe('not-regular');
    expect(error.message).toBe(`${fifo}: is a FIFO (named pipe), not a regular file`);
  });

  test('a directory is refused', () => {
    const sub = path.join(stacks, 'Pulumi.qa.yaml');
    fs.mkdirSync(sub);
    expect(refusal(sub, { ...options, root: stacks }).message).toBe(
      `${sub}: is a directory, not a regular file`,
    );
  });

  test('a character device is refused, without a root too', () => {
    expect(refusal('/dev/zero').message).toBe('/dev/zero: is a character device, not a regular file');
  });

  test('inside a root, a symbolic link that leaves it is refused and the file it points at is not read', () => {
    const outside = path.join(dir, 'outside.yaml');
    fs.writeFileSync(outside, 'secret: value\n');
    const link = path.join(stacks, 'Pulumi.qa.yaml');
    fs.symlinkSync(outside, link);
    const error = refusal(link, { ...options, root: stacks });
    expect(error.problem).toBe('link');
    expect(error.message).toBe(
      `${link}: is a symbolic link; a stack file must be a regular file, not a link`,
    );
    expect(error.message).not.toContain('outside');
  });

  test('inside a root, a symbolic link to another file of the root is refused too', () => {
    const target = path.join(stacks, 'Pulumi.dev.yaml');
    fs.writeFileSync(target, 'config: {}\n');
    const link = path.join(stacks, 'Pulumi.qa.yaml');
    fs.symlinkSync('Pulumi.dev.yaml', link);
    expect(refusal(link, { ...options, root: stacks }).message).toBe(
      `${link}: is a symbolic link; a stack file must be a regular file, not a link`,
    );
  });

  test('inside a root, a file reached through a linked directory is refused', () => {
    const elsewhere = path.join(dir, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'Pulumi.qa.yaml'), 'config: {}\n');
    fs.symlinkSync(elsewhere, path.join(stacks, 'sub'));
    const file = path.join(stacks, 'sub', 'Pulumi.qa.yaml');
    const error = refusal(file, { ...options, root: stacks });
    expect(error.problem).toBe('outside');
    expect(error.message).toBe(`${file}: is not inside ${stacks}`);
  });

  test('a root reached through a link is fine: the check compares real paths', () => {
    const real = path.join(dir, 'real-stacks');
    fs.mkdirSync(real);
    fs.writeFileSync(path.join(real, 'Pulumi.qa.yaml'), 'a: 1\n');
    const linked = path.join(dir, 'linked-stacks');
    fs.symlinkSync(real, linked);
    expect(readInputFile(path.join(linked, 'Pulumi.qa.yaml'), { ...options, root: linked })).toBe('a: 1\n');
  });

  test('without a root a link is followed: the path is the user’s own argument', () => {
    const target = path.join(dir, 'profile.csv');
    fs.writeFileSync(target, '0,1\n');
    const link = path.join(dir, 'link.csv');
    fs.symlinkSync(target, link);
    expect(readInputFile(link, options)).toBe('0,1\n');
  });

  test('a missing file is refused as missing; messages use the display name when given', () => {
    const file = path.join(stacks, 'nope.json');
    const error = refusal(file, { ...options, display: 'stacks/nope.json' });
    expect(error.problem).toBe('missing');
    expect(error.message).toBe('stacks/nope.json: does not exist');
    expect(error.file).toBe('stacks/nope.json');
  });

  test('the limits: 256 KiB for a stack file and the stack outputs, 64 KiB for a hand-off, 32 MiB for a profile', () => {
    expect(MAX_STACK_FILE_BYTES).toBe(262_144);
    expect(MAX_STACK_OUTPUT_BYTES).toBe(262_144);
    expect(MAX_HANDOFF_BYTES).toBe(65_536);
    expect(MAX_PROFILE_BYTES).toBe(33_554_432);
  });
});
