import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'node20',
  // One executable file with a shebang: npx runs it directly.
  banner: { js: '#!/usr/bin/env node' },
});
