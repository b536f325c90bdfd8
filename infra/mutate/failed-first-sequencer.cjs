// Jest test order for Stryker's mutant runs: the file that failed in the previous run first (it likely kills the
// next mutant of the same code too), then the quickest first, so that with fail-fast-environment.cjs a killed
// mutant rarely waits for the slow suites (recommend, properties). Jest's default runs the slowest first.
'use strict';
const Sequencer = require('@jest/test-sequencer').default;

class FailedFirstSequencer extends Sequencer {
  sort(tests) {
    const size = (test) => test.context.hasteFS.getSize(test.path) ?? 0;
    const keyed = tests.map((test) => ({
      test,
      failed: this.hasFailed(test) ? 0 : 1,
      time: this.time(test) ?? Number.MAX_SAFE_INTEGER,
      size: size(test),
    }));
    keyed.sort((a, b) => a.failed - b.failed || a.time - b.time || a.size - b.size);
    return keyed.map((k) => k.test);
  }
}

module.exports = FailedFirstSequencer;
