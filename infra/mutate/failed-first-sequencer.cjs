// Jest test files for Stryker's mutant runs. A mutant run is jest with a test-name pattern (the tests that cover
// the mutant) over every test file, and jest loads each file to match the names: keep only the files that hold
// a covering test (the dry run's index, fail-fast-environment.cjs; a file missing from it is kept). Then the file
// that failed in the previous run first (it likely kills the next mutant of the same code too), and the quickest
// first, so that a killed mutant rarely waits for the slow suites. Jest's default runs the slowest first.
'use strict';
const fs = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;
const { indexFile } = require('./fail-fast-environment.cjs');

class FailedFirstSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
  }

  sort(tests) {
    const selected = this.pattern === undefined ? tests : tests.filter(covering(this.pattern, tests));
    const keyed = selected.map((test) => ({
      test,
      failed: this.hasFailed(test) ? 0 : 1,
      time: this.time(test) ?? Number.MAX_SAFE_INTEGER,
      size: test.context.hasteFS.getSize(test.path) ?? 0,
    }));
    keyed.sort((a, b) => a.failed - b.failed || a.time - b.time || a.size - b.size);
    return keyed.map((k) => k.test);
  }
}

/** Whether a test file holds a test the pattern selects (jest matches testNamePattern case-insensitively). */
function covering(pattern, tests) {
  const file = tests.length === 0 ? undefined : indexFile(tests[0].context.config.rootDir);
  if (file === undefined || !fs.existsSync(file)) return () => true;
  const index = JSON.parse(fs.readFileSync(file, 'utf8'));
  const regex = new RegExp(pattern, 'i');
  return (test) => index[test.path] === undefined || index[test.path].some((name) => regex.test(name));
}

module.exports = FailedFirstSequencer;
