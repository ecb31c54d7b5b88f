import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests and examples import the package by name (`icode`, `icode/testing`, …) as users do; resolve those to
// the sources through the tsconfig "paths", so tests need no build.
const tsconfig = JSON.parse(readFileSync(new URL('./tsconfig.json', import.meta.url), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const alias = Object.entries(tsconfig.compilerOptions.paths).map(([name, [target]]) => ({
  find: new RegExp(`^${name.replaceAll('/', '\\/')}$`),
  replacement: fileURLToPath(new URL(target!, import.meta.url)),
}));

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['test/live/**', 'node_modules/**', 'dist/**'],
    // No test reaches a real model API by accident (the live config leaves this out).
    setupFiles: ['test/testing/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The long-run memory test measures the heap after forced collections.
    execArgv: ['--expose-gc'],
  },
});
