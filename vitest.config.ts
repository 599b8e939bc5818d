import { defineConfig } from 'vitest/config';

// `@codegod/source` makes workspace imports resolve to TypeScript sources, so tests never
// run against a stale dist/. Child processes spawned by integration tests run the built dist/.
export default defineConfig({
  resolve: { conditions: ['@codegod/source'] },
  ssr: { resolve: { conditions: ['@codegod/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './scripts/vitest-summary-reporter.ts'],
  },
});
