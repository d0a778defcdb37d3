import { defineConfig } from 'vitest/config';

// The default credential chain reaches no network from a test: no ECS metadata service
// (100.100.100.200), and a loopback credentials URI (unset, the chain looks up a host "undefined").
// Set before the workers start, so their children (the CLI) inherit it too.
process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = 'true';
process.env.ALIBABA_CLOUD_CREDENTIALS_URI = 'http://127.0.0.1:9/credentials';

// One run over every package, so the suite ends with one summary line.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'suites'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
