/**
 * The conformance suite every `SessionStore` passes: icode's own stores and third-party ones.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../errors/config-error.js';
import type { JsonValue } from '../model/message.js';
import type { SessionStore } from '../stores/types.js';
import type { ConformanceContext, TestApi } from './store-conformance/context.js';
import { historyTests } from './store-conformance/history.js';
import { lockTests } from './store-conformance/locks.js';
import { logTests } from './store-conformance/log.js';
import { sessionTests } from './store-conformance/sessions.js';
import { taskTests } from './store-conformance/tasks.js';

/** Options of {@link storeConformance}. */
export interface StoreConformanceOptions {
  /** Entries of the large-session test. @defaultValue 10000 */
  readonly largeSessionEntries?: number;
  /** Parallel appenders in the concurrency tests. @defaultValue 8 */
  readonly concurrency?: number;
  /** Timeout of each test in milliseconds (the large-session test gets four times as much). @defaultValue 30000 */
  readonly timeout?: number;
  /**
   * Set when every call of the factory opens the same durable database: the suite then also checks that
   * sessions survive `close()` and a new store. Tests never depend on the database being empty: each one
   * tags its sessions with unique metadata.
   * @defaultValue false
   */
  readonly persistent?: boolean;
}

/**
 * Registers the `SessionStore` conformance tests with vitest: create/get/list (paged, newest first, metadata
 * filter), append/load round trips of every entry kind, atomic multi-entry appends, `expectedVersion`
 * conflicts, parallel appenders, truncate, fork, delete, schema versions, a 10,000-entry session, unicode,
 * binary-safe content, pending approvals, and close; and, for a store with `lockSession`, the run lock: one
 * holder at a time, waiters told through `onWait` and served on release, `timeoutMs` ending in
 * `SessionLockedError`, `signal`, and `close()` (with `persistent`, across store instances); and, for a store
 * with `putTask`, background task records: revisions, conflicts, listing by session, deletion with the
 * session, and a live owner's tasks never read as interrupted.
 *
 * `factory` is called once per test (the suite closes each store it gets after the test), so it may return
 * a fresh store or one over a shared database. The suite registers its tests with `vitest`, which it loads
 * only when called: vitest is a development dependency of the project that runs it, never a dependency of
 * icode, and importing `icode/testing` does not load it. Install `vitest` and `await` this at the top level
 * of a test file.
 *
 * For a third-party store, add a test file such as `test/my-store.test.ts` and run `npx vitest run`:
 *
 * @example
 * ```ts
 * import { storeConformance } from 'icode/testing';
 * import { redisStore } from '../src/index.js';
 *
 * await storeConformance('redisStore', () => redisStore({ url: process.env.REDIS_URL! }), { persistent: true });
 * ```
 */
export async function storeConformance(
  name: string,
  factory: () => SessionStore | Promise<SessionStore>,
  options: StoreConformanceOptions = {},
): Promise<void> {
  const t = await loadVitest();
  const resolved = {
    largeSessionEntries: options.largeSessionEntries ?? 10_000,
    concurrency: options.concurrency ?? 8,
    timeout: options.timeout ?? 30_000,
    persistent: options.persistent ?? false,
  };
  const run = crypto.randomUUID();
  const opened: SessionStore[] = [];
  const ctx: ConformanceContext = {
    options: resolved,
    t,
    async open() {
      const store = await factory();
      opened.push(store);
      return store;
    },
    tag(label: string): Record<string, JsonValue> {
      return { conformanceRun: run, conformanceTest: label };
    },
  };

  t.describe(`storeConformance: ${name}`, () => {
    t.afterEach(async () => {
      const stores = opened.splice(0);
      // A test may have closed its store already; close() is idempotent.
      await Promise.all(stores.map((store) => store.close()));
    });
    sessionTests(ctx);
    logTests(ctx);
    historyTests(ctx);
    lockTests(ctx);
    taskTests(ctx);
  });
}

async function loadVitest(): Promise<TestApi> {
  // A variable specifier keeps bundlers from pulling vitest into icode/testing.
  const name = 'vitest';
  try {
    return (await import(name)) as TestApi;
  } catch (error) {
    throw new ConfigError('storeConformance needs vitest: npm install --save-dev vitest', { cause: error });
  }
}
