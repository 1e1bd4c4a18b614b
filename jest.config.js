/** Unit tests (pure logic) and end-to-end tests (the real app as child processes on real PostgreSQL/Redis). */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }];

module.exports = {
  // Two test files at a time: an end-to-end file mostly waits for its processes. Each takes its Redis databases from
  // its worker's own range (test/support/app-process.ts testRedisUrl).
  maxWorkers: 2,
  // Some unit tests run a vendor sandbox over HTTP; beside an end-to-end file they may take longer than jest's 5 s
  // default, which would make them timed tests. Jest reads testTimeout from the top level only (a project's own is
  // ignored); the end-to-end setup raises it further (test/support/e2e-setup.js).
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      testEnvironment: 'node',
    },
    {
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/support/global-setup.js',
      globalTeardown: '<rootDir>/test/support/global-teardown.js',
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.js'],
      slowTestThreshold: 60,
    },
  ],
};
