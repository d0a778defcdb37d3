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
  // The workspace packages (@eci-sandbox/*) are NOT bundled: they are published from this
  // repository with the same release (changesets pins the exact versions on publish), so the CLI
  // depends on them as normal dependencies. That keeps one copy of each package (and of zod,
  // ws, undici…) when an app uses both the SDK and the CLI, keeps their dependency lists in one
  // place instead of copied here, and lets `dist/cli.js` stay a small file of CLI code. tsup's
  // default already leaves everything in `dependencies` external, so no `noExternal` is set.
});
