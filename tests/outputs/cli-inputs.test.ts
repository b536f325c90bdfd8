/**
 * What `npm run outputs` reads: `--from <file>` is a capped, strictly UTF-8 regular file; the hand-off it
 * would replace is a regular file in the stacks directory (a FIFO or a link there is refused, not read).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../infra/outputs/cli';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const committed = fs.readFileSync(path.join(ROOT, 'stacks', 'dev.outputs.json'), 'utf8');
/** What `pulumi stack output --stack dev --json` prints, 2-space indented. */
const stackOutput = `${JSON.stringify(
  {
    handoff: JSON.parse(committed) as unknown,
    prometheusAuth: '[secret]',
    rocketMqCredentials: '[secret]',
  },
  null,
  2,
)}\n`;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-outputs-inputs-'));
});
afterEach(() => {
  // A run blocked on a FIFO (before the fix) is released by a writer that opens and closes it.
  for (const entry of fs.readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (fs.lstatSync(file).isFIFO()) {
      try {
        fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      } catch {
        // ENXIO: nobody is reading it.
      }
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--stacks-dir', dir], {
    stdin: Readable.from(['']),
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

describe('npm run outputs --from', () => {
  test('a --from file with bytes that are not UTF-8 is refused with its line, and nothing is written', async () => {
    const from = path.join(dir, 'stack-output.json');
    const text = stackOutput.replace(
      '"consumerGroup": "order-fulfilment"',
      '"consumerGroup": "order-f\xfclfilment"',
    );
    expect(text).not.toBe(stackOutput);
    fs.writeFileSync(from, Buffer.from(text, 'latin1'));
    const line = text.slice(0, text.indexOf('"consumerGroup"')).split('\n').length;
    expect(await cli(['dev', '--from', from])).toEqual({
      code: 2,
      stdout: '',
      stderr: `outputs: ${from} is invalid:\n  - --from: line ${line}: is not valid UTF-8; save the stack output file as UTF-8\n`,
    });
    expect(fs.existsSync(path.join(dir, 'dev.outputs.json'))).toBe(false);
  });

  test('a --from file over 256 KiB is refused by its size', async () => {
    const from = path.join(dir, 'stack-output.json');
    fs.writeFileSync(from, '');
    fs.truncateSync(from, 256 * 1024 + 1);
    expect(await cli(['dev', '--from', from])).toEqual({
      code: 2,
      stdout: '',
      stderr: `outputs: ${from} is invalid:\n  - --from: is 262145 bytes, more than the 262144 bytes (256 KiB) a stack output file may have\n`,
    });
  });

  test('a --from FIFO is refused at once, saying what it is', async () => {
    const from = path.join(dir, 'stack-output.json');
    execFileSync('mkfifo', [from]);
    expect(await cli(['dev', '--from', from])).toEqual({
      code: 2,
      stdout: '',
      stderr: `outputs: ${from} is invalid:\n  - --from: is a FIFO (named pipe), not a regular file\n`,
    });
  });

  test('a --from file with a byte order mark is read as without it', async () => {
    const from = path.join(dir, 'stack-output.json');
    fs.writeFileSync(from, `\uFEFF${stackOutput}`);
    const target = path.join(dir, 'dev.outputs.json');
    expect(await cli(['dev', '--from', from])).toEqual({ code: 0, stdout: `wrote ${target}\n`, stderr: '' });
    expect(fs.readFileSync(target, 'utf8')).toBe(committed);
  });
});

describe('npm run outputs write target', () => {
  test('a link planted at the temporary file name is not followed: the hand-off is written as a new file', async () => {
    const outside = path.join(os.tmpdir(), `apsaramq-keda-outside-${process.pid}.tmp.json`);
    fs.writeFileSync(outside, 'kept\n');
    try {
      // writeIfChanged writes `.<name>.<pid>.tmp` beside the hand-off, then renames it over the hand-off.
      fs.symlinkSync(outside, path.join(dir, `.dev.outputs.json.${process.pid}.tmp`));
      const from = path.join(dir, 'stack-output.json');
      fs.writeFileSync(from, stackOutput);
      const target = path.join(dir, 'dev.outputs.json');
      expect(await cli(['dev', '--from', from])).toEqual({
        code: 0,
        stdout: `wrote ${target}\n`,
        stderr: '',
      });
      expect(fs.readFileSync(outside, 'utf8')).toBe('kept\n');
      expect(fs.lstatSync(target).isFile()).toBe(true);
      expect(fs.readFileSync(target, 'utf8')).toBe(committed);
    } finally {
      fs.rmSync(outside, { force: true });
    }
  });

  function outputs(args: string[]) {
    const from = path.join(dir, 'stack-output.json');
    fs.writeFileSync(from, stackOutput);
    const run = spawnSync(
      TSX,
      ['infra/outputs/cli.ts', 'dev', '--from', from, '--stacks-dir', dir, ...args],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    return { status: run.status, signal: run.signal, stderr: run.stderr };
  }

  test.each([[[]], [['--check']]])(
    'a hand-off that is a FIFO is refused at once instead of read (%j)',
    (args) => {
      const fifo = path.join(dir, 'dev.outputs.json');
      execFileSync('mkfifo', [fifo]);
      expect(outputs(args)).toEqual({
        status: 2,
        signal: null,
        stderr: `outputs: ${fifo} is invalid:\n  - is a FIFO (named pipe), not a regular file\n`,
      });
      expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
    },
  );

  test('a hand-off that links out of the stacks directory is neither read nor replaced', () => {
    const outside = path.join(os.tmpdir(), `apsaramq-keda-outside-${process.pid}.json`);
    fs.writeFileSync(outside, committed);
    try {
      const link = path.join(dir, 'dev.outputs.json');
      fs.symlinkSync(outside, link);
      expect(outputs(['--check'])).toEqual({
        status: 2,
        signal: null,
        stderr: `outputs: ${link} is invalid:\n  - is a symbolic link; a hand-off must be a regular file, not a link\n`,
      });
      expect(outputs([]).status).toBe(2);
      expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    } finally {
      fs.rmSync(outside);
    }
  });
});
