import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The model-checking suites explore hundreds of thousands of states; give them room,
    // but never use time as a pass/fail criterion (figures live in docs/benchmarks.md).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
