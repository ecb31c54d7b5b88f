import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { StoreError } from '../../src/errors/store-error.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { storeConformance } from '../../src/testing/store-conformance.js';
import { itStopsWaitingOnAbort } from './lock-cases.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icode-sqlite-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

await storeConformance('sqliteStore', () => sqliteStore({ path: join(dir, 'conformance.db') }), { persistent: true });

// The node:sqlite code path: the real built-in where this Node has it (22.5+), else better-sqlite3 standing
// in for `DatabaseSync` (the two share the calls the store makes), so the path is exercised on every Node.
const hasNodeSqlite = await import('node:sqlite' as string).then(
  () => true,
  () => false,
);
const nodeSqliteStandIn = async (specifier: string): Promise<unknown> =>
  specifier === 'node:sqlite' ? { DatabaseSync: Database } : import(specifier);
await storeConformance(
  `sqliteStore with driver 'node:sqlite'${hasNodeSqlite ? '' : ' (stand-in)'}`,
  () =>
    sqliteStore({
      path: join(dir, 'conformance-node-sqlite.db'),
      driver: 'node:sqlite',
      ...(hasNodeSqlite ? {} : { importModule: nodeSqliteStandIn }),
    }),
  { persistent: true, largeSessionEntries: 2_000 },
);

describe('sqliteStore', () => {
  it('opens the file in WAL mode with the migrations recorded once', async () => {
    const path = join(dir, 'wal.db');
    for (let i = 0; i < 2; i++) {
      const store = sqliteStore({ path });
      await store.ready();
      expect(store.driver).toMatch(/^(node:sqlite|better-sqlite3)$/);
      await store.close();
    }
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([
        { version: 1, name: 'sessions, entries and session locks' },
        { version: 2, name: 'run lock holders: host, pid, start time' },
        { version: 3, name: 'background task records' },
      ]);
    } finally {
      raw.close();
    }
  });

  it('stores entries as JSON text with seq, schema_version and created_at', async () => {
    const path = join(dir, 'columns.db');
    const store = sqliteStore({ path });
    const session = await store.create();
    await store.append(session.id, [{ type: 'data', key: 'k', value: 'v' }], { expectedVersion: 0 });
    await store.close();
    const raw = new Database(path, { readonly: true });
    try {
      const row = raw
        .prepare('SELECT seq, schema_version, created_at, entry FROM entries WHERE session_id = ?')
        .get(session.id) as Record<string, unknown>;
      expect(row).toMatchObject({ seq: 1, schema_version: 1, entry: '{"type":"data","key":"k","value":"v"}' });
      expect(typeof row.created_at).toBe('number');
    } finally {
      raw.close();
    }
  });

  it('refuses a database written by a newer schema', async () => {
    const path = join(dir, 'newer.db');
    const first = sqliteStore({ path });
    await first.ready();
    await first.close();
    const raw = new Database(path);
    raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('from the future');
    raw.close();
    const store = sqliteStore({ path });
    const error = await store.ready().catch((e: unknown) => e);
    expect(StoreError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/migration 99, newer than this version of icode/);
    await store.close();
  });

  it('throws ConfigError for bad options', () => {
    expect(() => sqliteStore({ path: '' })).toThrow(ConfigError);
    expect(() => sqliteStore({ path: 'x.db', busyTimeoutMs: -1 })).toThrow(ConfigError);
    expect(() => sqliteStore({ path: 'x.db', lockLeaseMs: 5 })).toThrow(ConfigError);
    expect(() => sqliteStore({ path: 'x.db', synchronous: 'off' as 'full' })).toThrow(ConfigError);
  });

  it('names better-sqlite3 in a ConfigError when no driver can be loaded', async () => {
    const missing = async (specifier: string): Promise<never> => {
      throw Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' });
    };
    const store = sqliteStore({ path: join(dir, 'none.db'), importModule: missing });
    const error = await store.create().catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/npm install better-sqlite3/);
    const nodeOnly = sqliteStore({ path: join(dir, 'none.db'), driver: 'node:sqlite', importModule: missing });
    await expect(nodeOnly.ready()).rejects.toThrow(/node:sqlite' needs Node 22.5/);
  });

  it('uses better-sqlite3 when asked, and node:sqlite under auto when Node has it', async () => {
    const better = sqliteStore({ path: join(dir, 'driver.db'), driver: 'better-sqlite3' });
    await better.ready();
    expect(better.driver).toBe('better-sqlite3');
    await better.close();
    const auto = sqliteStore({ path: join(dir, 'driver.db') });
    await auto.ready();
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    expect(auto.driver).toBe(hasNodeSqlite ? 'node:sqlite' : 'better-sqlite3');
    if (major < 22 || (major === 22 && minor < 5)) expect(auto.driver).toBe('better-sqlite3');
    await auto.close();
  });

  it('creates missing folders, and fails with a StoreError naming the path when it cannot', async () => {
    const nested = sqliteStore({ path: join(dir, 'a', 'b', 'nested.db') });
    await nested.create();
    await nested.close();
    await writeFile(join(dir, 'plain-file'), 'not a folder');
    const path = join(dir, 'plain-file', 's.db');
    const store = sqliteStore({ path });
    const error = await store.ready().catch((e: unknown) => e);
    expect(StoreError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/cannot open .*s\.db/);
    await store.close();
  });

  it('keeps a private database per store with :memory:', async () => {
    const a = sqliteStore({ path: ':memory:' });
    const b = sqliteStore({ path: ':memory:' });
    const session = await a.create();
    expect(await a.get(session.id)).toBeDefined();
    expect(await b.get(session.id)).toBeUndefined();
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps NUL characters in metadata and entries', async () => {
    const store = sqliteStore({ path: join(dir, 'nul.db') });
    const info = await store.create({ metadata: { name: 'a\u0000b' } });
    await store.append(info.id, [{ type: 'data', key: 'k\u0000', value: '\u0000' }], { expectedVersion: 0 });
    expect((await store.get(info.id))?.metadata).toEqual({ name: 'a\u0000b' });
    expect((await store.load(info.id)).entries[0]?.entry).toEqual({ type: 'data', key: 'k\u0000', value: '\u0000' });
    await store.close();
  });

  it('rejects a malformed list cursor', async () => {
    const store = sqliteStore({ path: join(dir, 'cursor.db') });
    await expect(store.list({ cursor: 'not a cursor' })).rejects.toThrow(/Invalid list cursor/);
    await store.close();
  });

  describe('run lock', () => {
    it('lets one holder at a time lock a session, across store instances', async () => {
      const path = join(dir, 'lock.db');
      const a = sqliteStore({ path });
      const b = sqliteStore({ path });
      const lock = await a.lockSession('s1');
      expect(lock.sessionId).toBe('s1');
      expect(await b.tryLockSession('s1')).toBeUndefined();
      const other = await b.tryLockSession('s2');
      expect(other).toBeDefined();
      let acquired = false;
      const waiting = b.lockSession('s1').then((l) => {
        acquired = true;
        return l;
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(acquired).toBe(false);
      await lock.release();
      await lock.release();
      const second = await waiting;
      expect(acquired).toBe(true);
      expect(await a.tryLockSession('s1')).toBeUndefined();
      await second.release();
      await other!.release();
      await a.close();
      await b.close();
    });

    itStopsWaitingOnAbort(() => sqliteStore({ path: join(dir, 'lock-abort.db') }));

    it('renews a held lock past its lease, and close releases it', async () => {
      const path = join(dir, 'lock-lease.db');
      const a = sqliteStore({ path, lockLeaseMs: 600 });
      const b = sqliteStore({ path, lockLeaseMs: 600 });
      await a.lockSession('s');
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await b.tryLockSession('s')).toBeUndefined();
      await a.close();
      const lock = await b.tryLockSession('s');
      expect(lock).toBeDefined();
      await b.close();
    });
  });
});
