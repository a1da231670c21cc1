/** Jest: SWC transform (legacy decorators + metadata), real PostgreSQL started once per run. */
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // .mjs too: docs/examples/*.mjs, which tests import, are ES modules.
  transform: { '^.+\\.(t|m?j)sx?$': ['@swc/jest', { ...swcrc, sourceMaps: 'inline', swcrc: false }] },
  // ESM-only packages are transformed to CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(jose|oauth4webapi|openid-client)/)'],
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  setupFiles: ['reflect-metadata'],
  // Three workers on the 2-core machine: test files wait on PostgreSQL, child processes and browsers,
  // and two left ~30% of the CPU idle (npm test: 491 s with 2, 350 s with 3, 375 s with 4).
  maxWorkers: 3,
  testSequencer: '<rootDir>/tests/support/test-sequencer.js',
  // Jest's transform cache stays in the checkout, not in the system temp dir.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  testTimeout: 30000,
  verbose: false,
};
