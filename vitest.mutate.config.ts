import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The tests `npm run mutate` runs against each mutant: those of the guards (policy, file tools), through the
// agent as users call it. Stryker runs them in worker threads, where `--expose-gc` is refused, so the memory
// test (which needs it) stays in the main suite. Built from the base config's parts rather than merged with it:
// a merge would concatenate the lists of tests and of worker flags.
export default defineConfig({
  resolve: base.resolve,
  test: {
    include: [
      'test/policy/**/*.test.ts',
      'test/agent/policy-*.test.ts',
      'test/agent/bash-*.test.ts',
      'test/tools/coding-tools.test.ts',
      'test/tools/grep.test.ts',
      'test/tools/glob-list.test.ts',
      'test/tools/apply-patch.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
