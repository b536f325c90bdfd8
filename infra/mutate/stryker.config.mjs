// StrykerJS: `npm run mutate` (infra/mutate/cli.ts) runs this and prints the score per folder.
// Reports and the sandbox live outside the tree, under the OS temp dir.
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const jestConfig = require('../../jest.config.js');
const out = process.env.MUTATE_OUT ?? path.join(os.tmpdir(), 'apsaramq-keda-mutation');
// The folder's suites (infra/mutate/cli.ts). Stryker passes --testFiles to the dry run only: each mutant run
// is jest with a test-name pattern over every test file jest can see, so without this every mutant loaded all
// of tests/ (the Pulumi and synth suites too), 6 to 18 s a mutant.
const testFiles = process.env.MUTATE_TEST_FILES?.split(',').filter((f) => f !== '');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // No typescript checker: on 2 shared cores it was the bottleneck (one tsc per mutant group, ~15 s a mutant);
  // a mutant that would not compile runs as JavaScript instead, and a survivor among them is listed in tests/README.md.
  jest: {
    projectType: 'custom',
    config: {
      ...jestConfig,
      // Suites that spawn CLIs or a real Prometheus: their child processes report no per-test coverage, and
      // they cost most of the run. Every mutated file is covered by in-process suites.
      testPathIgnorePatterns: ['/node_modules/', '/tests/plan/', '/tests/outputs/', '-e2e\\.test\\.ts$'],
      testEnvironment: path.join(here, 'fail-fast-environment.cjs'),
      testSequencer: path.join(here, 'failed-first-sequencer.cjs'),
      ...(testFiles === undefined ? {} : { testMatch: testFiles.map((f) => `<rootDir>/${f}`) }),
    },
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  mutate: ['constructs/**/*.ts', 'infra/config/**/*.ts', '!**/index.ts'],
  concurrency: 2,
  // A mutant's allowance is 1.5 × its tests' time in the dry run + this margin. Each run loads only the folder's
  // suites, so 15 s is several times a normal run even under load; an infinite loop waits no longer than that.
  timeoutMS: 15000,
  plugins: ['@stryker-mutator/*', path.join(here, 'survivor-log-reporter.mjs')],
  reporters: ['clear-text', 'progress', 'html', 'json', 'survivor-log'],
  htmlReporter: { fileName: path.join(out, 'mutation.html') },
  jsonReporter: { fileName: path.join(out, 'mutation.json') },
  tempDirName: path.join(out, 'sandbox'),
  // A rerun retests only mutants whose code or covering tests changed (`npm run mutate -- --force` for all).
  incremental: true,
  incrementalFile: path.join(out, 'incremental.json'),
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
