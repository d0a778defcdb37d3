import { defineConfig } from 'vitest/config';

// One run over every package, so the suite ends with one summary line.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'suites'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
