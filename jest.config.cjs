const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

// jest owns force-app/** (LWC); vitest owns tests/**.
module.exports = {
  ...jestConfig,
  roots: ['<rootDir>/force-app'],
  testMatch: ['**/lwc/**/__tests__/**/*.test.js'],
  moduleNameMapper: {
    '^lightning/(.+)$': '<rootDir>/config/jest/mocks/lightning/$1',
    ...jestConfig.moduleNameMapper,
  },
  // the preset's setup (synthetic shadow, as Lightning Experience renders, and its polyfills) first, then ours
  setupFilesAfterEnv: [...(jestConfig.setupFilesAfterEnv ?? []), '<rootDir>/config/jest/setup.cjs'],
  testPathIgnorePatterns: ['<rootDir>/node_modules/', '<rootDir>/tests/'],
};
