import { existsSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  // bin.ts is the standalone server (`eci-emulator`); tsup keeps its shebang.
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'node20',
  // The runc runtime is built in parallel; while src/runtime/runc.ts is absent its dynamic import
  // stays unresolved and `runtime: 'runc'` reports that it is not available.
  external: existsSync('src/runtime/runc.ts') ? [] : ['./runc.js'],
});
