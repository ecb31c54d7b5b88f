import { defineConfig } from 'tsup';

// One entry per public subpath (package.json "exports"). Shared code is split into chunks, so importing
// `icode` never loads a Node-only module or a provider SDK, and the SDKs, drivers and native modules stay
// external (optional peers, loaded by the subpath that needs them).
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'tools/index': 'src/tools/builtin/index.ts',
    'policy/index': 'src/policy/index.ts',
    'sandbox/index': 'src/sandbox/index.ts',
    'stores/sqlite/index': 'src/stores/sqlite/index.ts',
    'stores/postgres/index': 'src/stores/postgres/index.ts',
    'providers/anthropic/index': 'src/providers/anthropic/index.ts',
    'providers/openai/index': 'src/providers/openai/index.ts',
    'providers/gemini/index': 'src/providers/gemini/index.ts',
    'providers/ollama/index': 'src/providers/ollama/index.ts',
    'testing/index': 'src/testing/index.ts',
    'testing/vitest/index': 'src/testing/vitest/index.ts',
    'lsp/index': 'src/lsp/index.ts',
    'mcp/index': 'src/mcp/index.ts',
    'otel/index': 'src/otel/index.ts',
    'plugins/index': 'src/plugins/index.ts',
    'config/index': 'src/config/index.ts',
    'durable/index': 'src/durable/index.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: true,
  sourcemap: true,
  splitting: true,
  clean: true,
  treeshake: true,
  tsconfig: 'tsconfig.build.json',
  // Test tools the user installs: never bundled.
  external: ['vitest', 'nock'],
});
