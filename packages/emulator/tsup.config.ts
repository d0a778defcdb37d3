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
});
