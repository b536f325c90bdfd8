// StrykerJS: `npm run mutate` (infra/mutate/cli.ts) runs this and prints the score per folder.
// Reports and the sandbox live outside the tree, under the OS temp dir.
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const jestConfig = require('../../jest.config.js');
const out = process.env.MUTATE_OUT ?? path.join(os.tmpdir(), 'apsaramq-keda-mutation');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // No typescript checker: on 2 shared cores it was the bottleneck (one tsc per mutant group, ~15 s a mutant);
  // a mutant that would not compile runs as JavaScript instead, and a survivor among them is listed in the README.
  jest: {
    projectType: 'custom',
    config: {
      ...jestConfig,
      // Suites that spawn CLIs or a real Prometheus: their child processes report no per-test coverage, and
      // they cost most of the run. Every mutated file is covered by in-process suites.
      testPathIgnorePatterns: ['/node_modules/', '/tests/plan/', '/tests/outputs/', '-e2e\\.test\\.ts$'],
    },
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  mutate: ['constructs/**/*.ts', 'infra/config/**/*.ts', '!**/index.ts'],
  concurrency: 2,
  // Generous: under load a jest run of these suites spends several seconds loading cdk8s; a false timeout counts as killed.
  timeoutMS: 60000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: path.join(out, 'mutation.html') },
  jsonReporter: { fileName: path.join(out, 'mutation.json') },
  tempDirName: path.join(out, 'sandbox'),
  incrementalFile: path.join(out, 'incremental.json'),
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
