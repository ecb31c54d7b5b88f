import { defineConfig } from 'tsup';

// One entry per public subpath (package.json "exports"). Shared code is split into chunks so that
// importing `icode` never loads a Node-only module or a provider SDK.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: true,
  sourcemap: true,
  splitting: true,
  clean: true,
  treeshake: true,
});
