import { defineConfig } from 'vitest/config';

// vitest owns tests/** ; jest (sfdx-lwc-jest) owns force-app/**/__tests__/** — the globs never overlap.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['node_modules/**', 'force-app/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
