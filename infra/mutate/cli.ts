/**
 * `npm run mutate`: StrykerJS mutation testing of constructs/ and the environment loader, one Stryker run per
 * folder with the tests that exercise that folder, then the score per folder against its target. Reports (HTML
 * and JSON per folder) go under the OS temp dir, outside the tree. Too slow for every CI run: see the README.
 *
 *   npm run mutate                                   every folder
 *   npm run mutate -- --folder constructs/k8s        one folder (or several, comma-separated)
 *   npm run mutate -- --mutate constructs/k8s/backlog-scaler.ts,infra/config/rules.ts   changed files only
 *   npm run mutate -- --force                        retest every mutant (default: incremental)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { cliProgram, runCli, type CliOutput } from '../shared/cli';
import { decimalArgument, type NumericRange, withRange } from '../shared/numeric-flag';

export interface MutationFolder {
  /** Folder whose files are mutated (index.ts re-exports only, so it is left out). */
  readonly folder: string;
  /** Test files run against its mutants: the suites that exercise the folder, in process. */
  readonly tests: readonly string[];
  /** Mutation score to hold, in percent (issue 15). */
  readonly targetPercent: number;
  /**
   * Files mutated in a run of their own, with `tests`; the folder's main run leaves them out and runs its tests
   * without `slowTests`. The folder's score adds both runs up.
   */
  readonly split?: { readonly files: readonly string[]; readonly slowTests: readonly string[] };
}

// Unit suites only: each mutant reruns the tests that cover it, and the end-to-end suites (synth of every stack,
// the Pulumi program under mocks) cover nearly every line, which made a run take hours on 2 shared cores.
// constructs/scaling: every file is covered by recommend.test.ts (a search over full simulations, 33 s under load),
// so a surviving or slow mutant anywhere waited for it. Its mutants outside recommend.ts are judged without it: a
// lower bound of what the whole suite kills, never a higher one.
export const FOLDERS: readonly MutationFolder[] = [
  {
    folder: 'constructs/scaling',
    tests: ['tests/scaling/**/*.test.ts'],
    targetPercent: 90,
    split: { files: ['constructs/scaling/recommend.ts'], slowTests: ['tests/scaling/recommend.test.ts'] },
  },
  { folder: 'constructs/k8s', tests: ['tests/k8s/**/*.test.ts'], targetPercent: 85 },
  {
    folder: 'constructs/shared',
    tests: ['tests/shared/**/*.test.ts', 'tests/k8s/**/*.test.ts'],
    targetPercent: 85,
  },
  { folder: 'constructs/cloud', tests: ['tests/cloud/**/*.test.ts'], targetPercent: 80 },
  { folder: 'infra/config', tests: ['tests/config/**/*.test.ts'], targetPercent: 80 },
];

/** One Stryker run: what it mutates, the tests it runs, where it reports. */
export interface MutationRun {
  readonly folder: MutationFolder;
  /** Report directory name under REPORT_DIR. */
  readonly name: string;
  readonly mutate: readonly string[];
  readonly tests: readonly string[];
}

/** `dir/**\/*.test.ts` patterns expanded to files (the only form FOLDERS uses), minus `except`. */
function testFilesOf(patterns: readonly string[], except: readonly string[]): string[] {
  return patterns.flatMap((pattern) => {
    const dir = pattern.replace(/\/\*\*\/\*\.test\.ts$/, '');
    return fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => `${dir}/${f}`)
      .filter((f) => !except.includes(f))
      .sort();
  });
}

/** The Stryker runs of a folder, restricted to `files` (changed files) when given. */
export function runsOf(folder: MutationFolder, files: readonly string[] | undefined): MutationRun[] {
  const prefix = files === undefined ? '' : '-changed';
  const own = (f: string) => f.startsWith(`${folder.folder}/`);
  const split = folder.split;
  const runs: MutationRun[] = [];
  const mainMutate = files?.filter(
    (f) => own(f) && !(split?.files.some((s) => f.startsWith(s)) ?? false),
  ) ?? [
    `${folder.folder}/**/*.ts`,
    `!${folder.folder}/index.ts`,
    ...(split?.files.map((f) => `!${f}`) ?? []),
  ];
  if (mainMutate.length > 0)
    runs.push({
      folder,
      name: `${folder.folder.replace(/\//g, '-')}${prefix}`,
      mutate: mainMutate,
      tests: split === undefined ? folder.tests : testFilesOf(folder.tests, split.slowTests),
    });
  if (split !== undefined) {
    const splitMutate = files?.filter((f) => split.files.some((s) => f.startsWith(s))) ?? split.files;
    if (splitMutate.length > 0)
      runs.push({
        folder,
        name: `${split.files[0].replace(/\//g, '-').replace(/\.ts$/, '')}${prefix}`,
        mutate: splitMutate,
        tests: folder.tests,
      });
  }
  return runs;
}

export const REPORT_DIR = path.join(os.tmpdir(), 'apsaramq-keda-mutation');

/**
 * A run's reports and incremental file. Stryker's incremental file holds the last run's mutants only, so a run on
 * changed files keeps its own (`-changed`): it would otherwise make the next full run retest the whole folder.
 */
export function reportDir(run: MutationRun): string {
  return path.join(REPORT_DIR, run.name);
}

interface MutantJson {
  readonly status: string;
}
interface ReportJson {
  readonly files: Record<string, { readonly mutants: readonly MutantJson[] }>;
}

export interface Score {
  readonly killed: number;
  readonly survived: number;
  readonly noCoverage: number;
  readonly timeout: number;
  /** Killed + timeout over killed + timeout + survived + no coverage (Stryker's mutation score). */
  readonly percent: number;
}

/** Stryker's mutation score of a JSON report: compile and runtime errors and ignored mutants do not count. */
export function score(report: ReportJson): Score {
  const count = { Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0 } as Record<string, number>;
  for (const file of Object.values(report.files)) {
    for (const m of file.mutants) if (m.status in count) count[m.status] += 1;
  }
  const detected = count.Killed + count.Timeout;
  const valid = detected + count.Survived + count.NoCoverage;
  return {
    killed: count.Killed,
    survived: count.Survived,
    noCoverage: count.NoCoverage,
    timeout: count.Timeout,
    percent: valid === 0 ? 100 : (100 * detected) / valid,
  };
}

/** The score of several runs of one folder: their counts added up. */
export function addScores(scores: readonly Score[]): Score {
  const sum = (key: 'killed' | 'survived' | 'noCoverage' | 'timeout') =>
    scores.reduce((total, s) => total + s[key], 0);
  const [killed, survived, noCoverage, timeout] = [
    sum('killed'),
    sum('survived'),
    sum('noCoverage'),
    sum('timeout'),
  ];
  const valid = killed + timeout + survived + noCoverage;
  return {
    killed,
    survived,
    noCoverage,
    timeout,
    percent: valid === 0 ? 100 : (100 * (killed + timeout)) / valid,
  };
}

export const MUTATE_NUMERIC_FLAGS = {
  '--concurrency': {
    min: 1,
    max: 64,
    integer: true,
    unit: 'runners',
    why: 'each runner is a jest process; more than 64 is more than the cores of any machine the project runs on',
  },
} as const satisfies Record<string, NumericRange>;

/** The mutate command's flags and their parsers, without running it (tests parse with it in-process). */
export function mutateProgram(io?: CliOutput): Command {
  return cliProgram(
    'mutate',
    'Mutation testing of constructs/ and the environment loader, score per folder',
    io,
  )
    .option('--folder <folders>', 'comma-separated folders of the table, e.g. constructs/k8s')
    .option(
      '--mutate <files>',
      'comma-separated files (or Stryker mutation ranges) to mutate, e.g. changed ones',
    )
    .option(
      '--concurrency <n>',
      withRange('Stryker test runners', MUTATE_NUMERIC_FLAGS['--concurrency']),
      decimalArgument(MUTATE_NUMERIC_FLAGS['--concurrency']),
      2,
    )
    .option('--force', 'retest every mutant, not only those whose code or covering tests changed');
}

function main(argv: readonly string[]): number {
  const program = mutateProgram().parse([...argv], { from: 'user' });
  const options = program.opts<{ folder?: string; mutate?: string; concurrency: number; force?: boolean }>();
  const files = options.mutate?.split(',').filter((f) => f !== '');
  const folders = options.folder?.split(',').map((f) => f.replace(/\/$/, ''));
  const selected = FOLDERS.filter(
    (f) =>
      (folders === undefined || folders.includes(f.folder)) &&
      (files === undefined || files.some((file) => file.startsWith(`${f.folder}/`))),
  );
  if (selected.length === 0) {
    console.error(`nothing to mutate: --folder must be one of ${FOLDERS.map((f) => f.folder).join(', ')}`);
    return 2;
  }
  const rows: { folder: MutationFolder; score?: Score; seconds: number; reports: string[] }[] = [];
  for (const folder of selected) {
    const row: (typeof rows)[number] = { folder, seconds: 0, reports: [] };
    const scores: Score[] = [];
    let failed = false;
    for (const run of runsOf(folder, files)) {
      const out = reportDir(run);
      // survivor-log-reporter.mjs appends to it as mutants are judged: start each run empty.
      fs.mkdirSync(out, { recursive: true });
      fs.rmSync(path.join(out, 'survivors.log'), { force: true });
      const started = Date.now();
      const stryker = spawnSync(
        process.execPath,
        [
          path.join(path.dirname(require.resolve('@stryker-mutator/core/package.json')), 'bin', 'stryker.js'),
          'run',
          path.join(__dirname, 'stryker.config.mjs'),
          '--mutate',
          run.mutate.join(','),
          '--testFiles',
          run.tests.join(','),
          '--concurrency',
          String(options.concurrency),
          ...(options.force === true ? ['--force'] : []),
        ],
        {
          stdio: 'inherit',
          env: { ...process.env, MUTATE_OUT: out, MUTATE_TEST_FILES: run.tests.join(',') },
        },
      );
      row.seconds += (Date.now() - started) / 1000;
      row.reports.push(path.join(out, 'mutation.html'));
      const reportFile = path.join(out, 'mutation.json');
      if (stryker.status !== 0 || !fs.existsSync(reportFile)) {
        console.error(`stryker failed on ${run.name} (exit ${String(stryker.status)})`);
        failed = true;
        continue;
      }
      scores.push(score(JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ReportJson));
    }
    if (!failed) row.score = addScores(scores);
    rows.push(row);
  }

  console.log('\nfolder               score  target  killed  timeout  survived  no cov  minutes  report');
  let missed = false;
  for (const { folder, score: s, seconds, reports } of rows) {
    const ok = s !== undefined && s.percent >= folder.targetPercent;
    missed ||= !ok;
    console.log(
      [
        folder.folder.padEnd(19),
        (s === undefined ? 'failed' : `${s.percent.toFixed(1)}%`).padStart(7),
        `${folder.targetPercent}%`.padStart(7),
        String(s?.killed ?? '-').padStart(7),
        String(s?.timeout ?? '-').padStart(8),
        String(s?.survived ?? '-').padStart(9),
        String(s?.noCoverage ?? '-').padStart(7),
        (seconds / 60).toFixed(1).padStart(8),
        ` ${ok ? 'ok' : 'BELOW TARGET'}  ${reports.join(' ')}`,
      ].join(' '),
    );
  }
  // Only a full run of a folder is held to its target; a run on changed files reports.
  return missed && files === undefined ? 1 : 0;
}

if (require.main === module) runCli('mutate', () => main(process.argv.slice(2)));
