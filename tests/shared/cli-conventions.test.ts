import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scratchDir } from './scratch';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

/** Each CLI of the project with the script that runs it (package.json scripts). */
const CLIS = {
  synth: 'infra/synth/cli.ts',
  plan: 'infra/plan/cli.ts',
  outputs: 'infra/outputs/cli.ts',
  bench: 'infra/bench/cli.ts',
  preflight: 'infra/preflight/cli.ts',
  schema: 'infra/schema/cli.ts',
} as const;
/** The CLIs package.json runs from their bundle (infra/launch/launch.cjs); the others run under tsx. */
const LAUNCHED: readonly (keyof typeof CLIS)[] = ['synth', 'plan', 'bench'];
const LAUNCH = path.join(ROOT, 'infra', 'launch', 'launch.cjs');

/** The command of the CLI's script, as npm runs it. */
const command = (cli: keyof typeof CLIS): [string, string[]] =>
  LAUNCHED.includes(cli) ? [process.execPath, [LAUNCH, CLIS[cli]]] : [TSX, [CLIS[cli]]];

const run = (cli: keyof typeof CLIS, args: string[]) => {
  const [program, first] = command(cli);
  return spawnSync(program, [...first, ...args], { cwd: ROOT, encoding: 'utf8', input: '', timeout: 20_000 });
};

describe.each(Object.keys(CLIS) as (keyof typeof CLIS)[])('npm run %s', (cli) => {
  test('is the script package.json runs', () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts[cli]).toBe(
      LAUNCHED.includes(cli) ? `node infra/launch/launch.cjs ${CLIS[cli]}` : `tsx ${CLIS[cli]}`,
    );
  });

  test('--help prints the usage and exits 0 without doing the work', () => {
    const result = run(cli, ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: /);
    expect(result.stdout).toContain('--version');
    expect(result.stdout).not.toMatch(/median ms|dist\/dev\/:|wrote /);
  });

  test('--version prints the package version and exits 0', () => {
    const result = run(cli, ['--version']);
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: `${VERSION}\n` });
  });

  test('an unknown flag exits 2 naming it, without a stack trace', () => {
    // plan and preflight name their required --env first.
    const result = run(
      cli,
      ['plan', 'preflight'].includes(cli) ? ['--env', 'dev', '--no-such-flag'] : ['--no-such-flag'],
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown option '--no-such-flag'");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a closed stdout (| true, | head) ends the command quietly', () => {
  const out = scratchDir('apsaramq-keda-epipe-');
  const launched = (cli: keyof typeof CLIS): string => `"${process.execPath}" "${LAUNCH}" ${CLIS[cli]}`;
  test.each([
    ['plan', `${launched('plan')} --env dev --profile steady --out ${out}`],
    ['synth --check', `${launched('synth')} --check --out ${out}`],
    ['bench --help', `${launched('bench')} --help`],
  ])('%s', (_name, line) => {
    const result = spawnSync('bash', ['-c', `${line} | true; echo "exit=\${PIPESTATUS[0]}"`], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.stderr).not.toMatch(/EPIPE|Error/);
    expect(result.stdout).toMatch(/exit=[01]\n$/);
  });
});
