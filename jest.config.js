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
  // rocketmq-client-nodejs 1.0.8 keeps gRPC channels open after shutdown(), which would hold jest open;
  // every process a harness starts is stopped by pid in afterAll and at exit regardless.
  forceExit: true,
};
