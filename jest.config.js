/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // @swc/jest, then built-in globals read once per module (tests/sandbox-globals.cjs): ~10× faster simulations.
    '^.+\\.ts$': [
      '<rootDir>/tests/sandbox-globals.cjs',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  // CI must never write snapshots: a missing snapshot fails instead of being recorded.
  ci: process.env.CI === 'true',
  testTimeout: 30000,
  // Jest's default on 2 cores is 1 worker; the real-component suites mostly wait on their broker, Prometheus and
  // controllers, so a second worker runs the CPU-bound plan suites beside them.
  maxWorkers: 2,
  // rocketmq-client-nodejs 1.0.8 keeps gRPC channels open after shutdown(), which would hold jest open;
  // every process a harness starts is stopped by pid in afterAll and at exit regardless.
  forceExit: true,
};
