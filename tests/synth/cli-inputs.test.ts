/**
 * `npm run synth` on unreadable or unsafe input files: exit 2, the file and the line first, nothing written, and
 * a FIFO or a link out of stacks/ refused instead of read (the process runs for real, with a timeout).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
/** Far above a refused run (well under 10 s here); a run blocked on a FIFO is killed at this point. */
const TIMEOUT_MS = 60_000;

let scratch: string;
let stacks: string;
let out: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-synth-inputs-'));
  stacks = path.join(scratch, 'stacks');
  out = path.join(scratch, 'dist');
  fs.cpSync(path.join(ROOT, 'stacks'), stacks, { recursive: true });
  fs.mkdirSync(out);
});
afterEach(() => {
  // A run blocked on a FIFO (before the fix) is released by a writer that opens and closes it.
  for (const entry of fs.readdirSync(stacks)) {
    const file = path.join(stacks, entry);
    if (fs.lstatSync(file).isFIFO()) {
      try {
        fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      } catch {
        // ENXIO: nobody is reading it.
      }
    }
  }
  fs.rmSync(scratch, { recursive: true, force: true });
});

function synth(args: string[] = []) {
  const run = spawnSync(TSX, [path.join(ROOT, 'infra/synth/cli.ts'), '--out', out, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, APSARAMQ_KEDA_STACKS_DIR: stacks },
    timeout: TIMEOUT_MS,
  });
  return { status: run.status, signal: run.signal, stderr: run.stderr };
}

const devFile = (): string => fs.readFileSync(path.join(stacks, 'Pulumi.dev.yaml'), 'utf8');
const lineOf = (text: string, needle: string): number =>
  text.slice(0, text.indexOf(needle)).split('\n').length;

describe('npm run synth on bad input files', () => {
  test('a hand-off with a JSON syntax error exits 2 naming the file, the line and the column', () => {
    const file = path.join(stacks, 'dev.outputs.json');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(
      file,
      text.replace('"instanceId": "rmq-cn-fakedev0000",', '"instanceId": "rmq-cn-fakedev0000"'),
    );
    expect(synth()).toEqual({
      status: 2,
      signal: null,
      stderr: `synth: ${file} is invalid:\n  - line 4, column 3: expected ','\n`,
    });
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('an empty hand-off exits 2 saying how to write it', () => {
    const file = path.join(stacks, 'dev.outputs.json');
    fs.writeFileSync(file, '');
    expect(synth()).toEqual({
      status: 2,
      signal: null,
      stderr: `synth: ${file} is invalid:\n  - is empty: run pulumi up --stack dev, then npm run outputs -- dev\n`,
    });
  });

  test('a YAML alias bomb exits 2 naming the file and the line', () => {
    const file = path.join(stacks, 'Pulumi.dev.yaml');
    const bomb = [
      '  apsaramq-keda:bomb:',
      '    a: &a [x, x, x, x, x, x, x, x, x, x]',
      '    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      '    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      '    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      '',
    ].join('\n');
    const text = `${devFile()}${bomb}`;
    fs.writeFileSync(file, text);
    expect(synth()).toEqual({
      status: 2,
      signal: null,
      stderr: `synth: ${file}: environment "dev" is invalid:\n  - line ${lineOf(text, '    c: &c')}, column 11: the aliases here expand too far (past the YAML parser's limit of 100, its guard against alias bombs); write the values out\n`,
    });
  });

  test('a stack file with bytes that are not UTF-8 exits 2 with the line, and dist/ is not written', () => {
    const file = path.join(stacks, 'Pulumi.dev.yaml');
    const text = devFile().replace(
      '      consumerGroup: order-fulfilment\n      loadBalancing',
      '      consumerGroup: order-fulfilment\n      env:\n        GREETING: caf\xe9\n      loadBalancing',
    );
    fs.writeFileSync(file, Buffer.from(text, 'latin1'));
    expect(synth(['--env', 'dev'])).toEqual({
      status: 2,
      signal: null,
      stderr: `synth: ${file}: environment "dev" is invalid:\n  - line ${lineOf(text, 'GREETING')}: is not valid UTF-8; save the stack file as UTF-8\n`,
    });
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('a stack file that is a FIFO exits 2 at once instead of hanging', () => {
    const fifo = path.join(stacks, 'Pulumi.qa.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(synth()).toEqual({
      status: 2,
      signal: null,
      stderr: `synth: ${fifo}: environment "qa" is invalid:\n  - is a FIFO (named pipe), not a regular file\n`,
    });
  });

  test('a hand-off that is a FIFO exits 2 at once instead of hanging', () => {
    const fifo = path.join(stacks, 'dev.outputs.json');
    fs.rmSync(fifo);
    execFileSync('mkfifo', [fifo]);
    expect(synth()).toEqual({
      status: 2,
      signal: null,
      stderr: `synth: ${fifo} is invalid:\n  - is a FIFO (named pipe), not a regular file\n`,
    });
  });

  test('a stack file that links out of stacks/ is refused and nothing of the file it points at is printed', () => {
    const outside = path.join(scratch, 'outside.yaml');
    fs.writeFileSync(outside, 'config:\n  LEAKED-KEY: 1\n');
    const link = path.join(stacks, 'Pulumi.dev.yaml');
    fs.rmSync(link);
    fs.symlinkSync(outside, link);
    const run = synth();
    expect(run).toEqual({
      status: 2,
      signal: null,
      stderr: `synth: ${link}: environment "dev" is invalid:\n  - is a symbolic link; a stack file must be a regular file, not a link\n`,
    });
    expect(run.stderr).not.toContain('LEAKED');
  });
});
