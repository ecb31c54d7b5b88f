import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The tests `npm run mutate` may run against each mutant: those of the agent loop, the policy, the sandbox, the
// tools and the providers (which exercise the providers' shared code), through the public API as users call
// it. Stryker's `related` option then runs, for each mutated file, only the tests that import it. Left out: the
// memory test (Stryker runs tests in worker threads, where `--expose-gc` is refused), the store tests (each
// starts a database; the agent tests run the loop over the memory store), the package build and the live tests. Built from the base config's parts rather than merged with it: a merge
// would concatenate the lists of tests and of worker flags.
export default defineConfig({
  resolve: base.resolve,
  test: {
    include: [
      'test/agent/**/*.test.ts',
      'test/policy/**/*.test.ts',
      'test/sandbox/**/*.test.ts',
      'test/tools/**/*.test.ts',
      'test/providers/**/*.test.ts',
      'test/testing/**/*.test.ts',
      'test/subagents/**/*.test.ts',
      'test/plan/**/*.test.ts',
      'test/hooks/**/*.test.ts',
      'test/redteam/**/*.test.ts',
      'test/integration/**/*.test.ts',
    ],
    exclude: ['test/agent/long-run.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
