// Jest environment for Stryker's mutant runs: once a test fails, the mutant is killed, so the remaining tests of
// that run are skipped instead of run (Stryker turns jest's own bail off, and a mutant in constructs/scaling is
// covered by every simulation suite). The dry run (no active mutant) runs every test, for per-test coverage.
'use strict';
const { TestEnvironment } = require('jest-environment-node');

// Stryker sets this for each mutant run (@stryker-mutator/api INSTRUMENTER_CONSTANTS.ACTIVE_MUTANT_ENV_VARIABLE).
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
// One per worker process, across the test files of a run: the mutant whose run already has a failure.
let failedMutant;

class FailFastEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) return;
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') failedMutant = mutant;
    // jest-circus reads test.mode after dispatching test_start, and reports the test as skipped.
    else if (event.name === 'test_start' && failedMutant === mutant) event.test.mode = 'skip';
  }
}

module.exports = FailFastEnvironment;
