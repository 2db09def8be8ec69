import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A seed for every fast-check run that does not name one (test/fc-seed.ts).
    setupFiles: ['test/fc-seed.ts'],
    // The model-checking suites explore hundreds of thousands of states; give them room,
    // but never use time as a pass/fail criterion (figures live in docs/benchmarks.md).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // `npm run coverage`: V8's own coverage (the engine c8 reads), mapped back to the sources.
    // `npm run coverage:cli` runs c8 itself over the built CLI (the demo, end to end).
    coverage: {
      provider: 'v8',
      include: ['spec/**', 'src/**'],
      reporter: ['text-summary', 'html'],
    },
  },
});
