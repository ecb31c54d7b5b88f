import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// Tests against the real provider APIs: `npm run test:live`. Each file skips unless its key (or, for Ollama,
// a reachable server) is there, so this never fails for want of credentials.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/live/**/*.test.ts'],
    exclude: ['node_modules/**'],
    // These tests are meant to reach the real APIs: no `disallowModelRequests()` setup.
    setupFiles: [],
    testTimeout: 120_000,
  },
});
