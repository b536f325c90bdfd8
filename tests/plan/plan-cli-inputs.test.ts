/**
 * `npm run plan` on unsafe input: the environment name is checked before any path is built from it, a stack
 * file that is a FIFO is refused at once, and a --profile file is a capped, strictly UTF-8 regular file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launched } from '../shared/launch';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
/** Far above a refused run (well under 10 s here); a run blocked on a FIFO is killed at this point. */
const TIMEOUT_MS = 60_000;
const NAME_RULE =
  'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';

let scratch: string;
let stacks: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-plan-inputs-'));
  stacks = path.join(scratch, 'stacks');
  fs.cpSync(path.join(ROOT, 'stacks'), stacks, { recursive: true });
});
afterEach(() => {
  // A run blocked on a FIFO (before the fix) is released by a writer that opens and closes it.
  for (const file of [path.join(stacks, 'Pulumi.qa.yaml'), path.join(scratch, 'profile.csv')]) {
    if (fs.existsSync(file) && fs.lstatSync(file).isFIFO()) {
      try {
        fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      } catch {
        // ENXIO: nobody is reading it.
      }
    }
  }
  fs.rmSync(scratch, { recursive: true, force: true });
});

function plan(args: string[]) {
  const [node, script] = launched('infra/plan/cli.ts');
  const run = spawnSync(node, [...script, '--out', path.join(scratch, 'out'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, APSARAMQ_KEDA_STACKS_DIR: stacks },
    timeout: TIMEOUT_MS,
  });
  return { status: run.status, signal: run.signal, stderr: run.stderr };
}

describe('npm run plan on unsafe input', () => {
  test('an --env that climbs out of stacks/ is refused by name before the file it names is read', () => {
    // stacks/Pulumi.x/../../outside.yaml is scratch/outside.yaml: it exists, and must not be opened.
    fs.writeFileSync(path.join(scratch, 'outside.yaml'), 'config:\n  LEAKED-KEY: 1\n');
    expect(plan(['--env', 'x/../../outside'])).toEqual({
      status: 2,
      signal: null,
      stderr: `plan: environment "x/../../outside" is not a stack name: ${NAME_RULE}\n`,
    });
  });

  test('an --env with a slash is echoed as given, not as a path built from it', () => {
    expect(plan(['--env', '../etc/passwd'])).toEqual({
      status: 2,
      signal: null,
      stderr: `plan: environment "../etc/passwd" is not a stack name: ${NAME_RULE}\n`,
    });
  });

  test('a stack file that is a FIFO exits 2 at once instead of hanging', () => {
    const fifo = path.join(stacks, 'Pulumi.qa.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(plan(['--env', 'qa'])).toEqual({
      status: 2,
      signal: null,
      stderr: `plan: ${fifo}: environment "qa" is invalid:\n  - is a FIFO (named pipe), not a regular file\n`,
    });
  });

  test('a --profile file with bytes that are not UTF-8 exits 2 with its line', () => {
    const csv = path.join(scratch, 'profile.csv');
    fs.writeFileSync(csv, Buffer.from('second,rate\n# caf\xe9\n0,10\n', 'latin1'));
    expect(plan(['--env', 'prod', '--workload', 'payment-ledger', '--profile', csv])).toEqual({
      status: 2,
      signal: null,
      stderr: `plan: ${csv}: line 2: is not valid UTF-8; save the profile as UTF-8\n`,
    });
  });

  test('a --profile file over 32 MiB is refused by its size, before it is read', () => {
    const csv = path.join(scratch, 'profile.csv');
    fs.writeFileSync(csv, '');
    fs.truncateSync(csv, 32 * 1024 * 1024 + 1);
    expect(plan(['--env', 'prod', '--workload', 'payment-ledger', '--profile', csv])).toEqual({
      status: 2,
      signal: null,
      stderr: `plan: ${csv}: is 33554433 bytes, more than the 33554432 bytes (32 MiB) a profile may have\n`,
    });
  });

  test('a --profile FIFO is refused as not a file', () => {
    const csv = path.join(scratch, 'profile.csv');
    execFileSync('mkfifo', [csv]);
    expect(plan(['--env', 'prod', '--workload', 'payment-ledger', '--profile', csv])).toEqual({
      status: 2,
      signal: null,
      stderr: `plan: profile file ${csv} does not exist or is not a file\n`,
    });
  });
});
