import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    // The default credential chain reaches no network from a test: no ECS metadata service
    // (100.100.100.200), and a loopback credentials URI (unset, the chain looks up a host "undefined").
    env: { ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', ALIBABA_CLOUD_CREDENTIALS_URI: 'http://127.0.0.1:9/credentials' },
    name: 'tmux-kit',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
