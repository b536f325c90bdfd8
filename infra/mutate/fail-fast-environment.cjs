// Jest environment for Stryker's runs.
// - Dry run (no active mutant): records which test file holds each test, for failed-first-sequencer.cjs.
// - Mutant run: once a test fails the mutant is killed, so the rest of that run's tests are skipped (Stryker
//   turns jest's own bail off, and a mutant in constructs/scaling is covered by every simulation suite).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { TestEnvironment } = require('jest-environment-node');

// Stryker sets this for each mutant run (@stryker-mutator/api INSTRUMENTER_CONSTANTS.ACTIVE_MUTANT_ENV_VARIABLE).
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
/** Test full name → test file, in the sandbox (its rootDir), written by the dry run. */
const indexFile = (rootDir) => path.join(rootDir, '.mutate-test-index.json');
// One per worker process, across the test files of a run: the mutant whose run already has a failure.
let failedMutant;

/** The test's full name as jest's testNamePattern sees it: the describe titles and its own, space-separated. */
function fullName(test) {
  const names = [];
  for (let block = test.parent; block?.parent !== undefined; block = block.parent) names.unshift(block.name);
  return [...names, test.name].join(' ');
}

class FailFastEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
    this.rootDir = config.projectConfig.rootDir;
    this.names = [];
  }

  async handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) {
      if (event.name === 'test_start') this.names.push(fullName(event.test));
      return;
    }
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') failedMutant = mutant;
    // jest-circus reads test.mode after dispatching test_start, and reports the test as skipped.
    else if (event.name === 'test_start' && failedMutant === mutant) event.test.mode = 'skip';
  }

  async teardown() {
    if (process.env[ACTIVE_MUTANT] === undefined && this.names.length > 0) {
      const file = indexFile(this.rootDir);
      const index = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
      index[this.testPath] = this.names;
      fs.writeFileSync(file, JSON.stringify(index));
    }
    await super.teardown();
  }
}

module.exports = FailFastEnvironment;
module.exports.indexFile = indexFile;
