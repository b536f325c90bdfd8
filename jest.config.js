/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  // CI must never write snapshots: a missing snapshot fails instead of being recorded.
  ci: process.env.CI === 'true',
  testTimeout: 30000,
};
