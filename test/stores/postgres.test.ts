import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { StoreError } from '../../src/errors/store-error.js';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { storeConformance } from '../../src/testing/store-conformance.js';
import { itStopsWaitingOnAbort } from './lock-cases.js';
import { startTestPostgres, type TestPostgres } from './postgres-server.js';

let server: TestPostgres | undefined;
const url = (): string => {
  if (!server) throw new Error('The test PostgreSQL server did not start; see the error of beforeAll.');
  return server.url;
};
let schemaCounter = 0;
const freshSchema = (): string => `t${process.pid}_${Date.now().toString(36)}_${schemaCounter++}`;

beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

const conformanceSchema = freshSchema();
await storeConformance(
  'postgresStore',
  () => postgresStore({ connectionString: url() }, { schema: conformanceSchema }),
  {
    persistent: true,
  },
);
await storeConformance(
  'postgresStore with a table prefix and a caller-owned pool',
  async () => {
    const pool = new pg.Pool({ connectionString: url(), max: 4 });
    const store = postgresStore({ pool }, { schema: conformanceSchema, tablePrefix: 'icode_' });
    // The store leaves a caller's pool open; end it when the suite closes the store.
    const close = store.close.bind(store);
    return Object.assign(store, { close: async () => (await close(), await pool.end().catch(() => undefined)) });
  },
  { persistent: true, largeSessionEntries: 2_000 },
);

describe('the test server', () => {
  it('fails with what to install when the PostgreSQL binaries are missing', async () => {
    const saved = { bin: process.env.ICODE_POSTGRES_BIN, url: process.env.ICODE_TEST_POSTGRES_URL };
    const empty = await mkdtemp(join(tmpdir(), 'icode-no-pg-'));
    process.env.ICODE_POSTGRES_BIN = empty;
    delete process.env.ICODE_TEST_POSTGRES_URL;
    try {
      await expect(startTestPostgres()).rejects.toThrow(
        /Could not start the test PostgreSQL server[\s\S]*apt-get install postgresql/,
      );
    } finally {
      for (const [key, value] of [
        ['ICODE_POSTGRES_BIN', saved.bin],
        ['ICODE_TEST_POSTGRES_URL', saved.url],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('postgresStore', () => {
  it('applies migrations once even when several stores start at once', async () => {
    const schema = freshSchema();
    const stores = Array.from({ length: 6 }, () =>
      postgresStore({ connectionString: url() }, { schema, tablePrefix: 'p_' }),
    );
    await Promise.all(stores.map((s) => s.ready()));
    await Promise.all(stores.map((s) => s.close()));
    const client = new pg.Client(url());
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT version, name FROM "${schema}"."p_schema_migrations"`);
      expect(rows).toEqual([
        { version: 1, name: 'sessions, entries and the append function' },
        { version: 2, name: 'background task records' },
      ]);
      const tables = await client.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [
        schema,
      ]);
      expect(tables.rows.map((r) => r.tablename)).toEqual([
        'p_entries',
        'p_schema_migrations',
        'p_sessions',
        'p_tasks',
      ]);
    } finally {
      await client.end();
    }
  });

  it('refuses a schema migrated by a newer icode', async () => {
    const schema = freshSchema();
    const first = postgresStore({ connectionString: url() }, { schema });
    await first.ready();
    await first.close();
    const client = new pg.Client(url());
    await client.connect();
    await client.query(`INSERT INTO "${schema}"."schema_migrations" VALUES (42, 'future', 0)`);
    await client.end();
    const store = postgresStore({ connectionString: url() }, { schema });
    const error = await store.ready().catch((e: unknown) => e);
    expect(StoreError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/migration 42, newer/);
    await store.close();
  });

  it('throws ConfigError for bad options and a missing pg package', async () => {
    expect(() => postgresStore({ connectionString: '' })).toThrow(ConfigError);
    expect(() => postgresStore({ connectionString: url() }, { schema: 'bad"name' })).toThrow(ConfigError);
    expect(() => postgresStore({ connectionString: url() }, { tablePrefix: 'x; drop' })).toThrow(ConfigError);
    expect(() => postgresStore({ pool: {} as pg.Pool })).toThrow(ConfigError);
    const store = postgresStore(
      { connectionString: url() },
      { importModule: async () => Promise.reject(new Error("Cannot find package 'pg'")) },
    );
    const error = await store.get('x').catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/npm install pg/);
  });

  it('fails with a StoreError when the server cannot be reached', async () => {
    const store = postgresStore(
      { connectionString: 'postgresql://postgres@127.0.0.1:1/postgres' },
      { schema: freshSchema() },
    );
    const error = await store.create().catch((e: unknown) => e);
    expect(StoreError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/cannot open the store/);
    await store.close();
  });

  it('keeps NUL characters in entries, and refuses them in metadata (JSONB cannot hold them) with a StoreError', async () => {
    const store = postgresStore({ connectionString: url() }, { schema: freshSchema() });
    const info = await store.create();
    await store.append(info.id, [{ type: 'data', key: 'k\u0000', value: '\u0000' }], { expectedVersion: 0 });
    expect((await store.load(info.id)).entries[0]?.entry).toEqual({ type: 'data', key: 'k\u0000', value: '\u0000' });
    const error = await store.create({ metadata: { name: 'a\u0000b' } }).catch((e: unknown) => e);
    expect(StoreError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/cannot keep NUL characters/);
    expect((await store.list({ metadata: { name: 'a\u0000b' } })).sessions).toEqual([]);
    // A backslash followed by "u0000" is ordinary text.
    expect((await store.create({ metadata: { path: 'C:\\u0000' } })).metadata).toEqual({ path: 'C:\\u0000' });
    await store.close();
  });

  it('leaves a caller-owned pool open on close, and ends its own', async () => {
    const pool = new pg.Pool({ connectionString: url(), max: 2 });
    const store = postgresStore({ pool }, { schema: freshSchema() });
    await store.create();
    await store.close();
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });

  it('pre-selects by metadata with JSONB containment, and keeps exact matching', async () => {
    const schema = freshSchema();
    const store = postgresStore({ connectionString: url() }, { schema });
    const a = await store.create({ metadata: { tags: ['x', 'y'], team: { name: 'core' } } });
    const b = await store.create({ metadata: { tags: ['x'], team: { name: 'core', size: 2 } } });
    expect((await store.list({ metadata: { tags: ['x'] } })).sessions.map((s) => s.id)).toEqual([b.id]);
    expect((await store.list({ metadata: { team: { name: 'core' } } })).sessions.map((s) => s.id)).toEqual([a.id]);
    const client = new pg.Client(url());
    await client.connect();
    const plan = await client.query(
      `EXPLAIN SELECT id FROM "${schema}"."sessions" WHERE metadata_jsonb @> '{"tags":["x"]}'::jsonb`,
    );
    await client.end();
    expect(plan.rows.length).toBeGreaterThan(0);
    await store.close();
  });

  describe('run lock', () => {
    it('lets one holder at a time lock a session, across stores', async () => {
      const schema = freshSchema();
      const a = postgresStore({ connectionString: url() }, { schema });
      const b = postgresStore({ connectionString: url() }, { schema });
      const lock = await a.lockSession('s1');
      expect(await b.tryLockSession('s1')).toBeUndefined();
      expect(await a.tryLockSession('s1')).toBeUndefined();
      const other = await b.tryLockSession('s2');
      expect(other).toBeDefined();
      let acquired = false;
      const waiting = b.lockSession('s1').then((l) => ((acquired = true), l));
      await new Promise((r) => setTimeout(r, 150));
      expect(acquired).toBe(false);
      await lock.release();
      await lock.release();
      const second = await waiting;
      expect(acquired).toBe(true);
      await second.release();
      await other!.release();
      // Locks are per schema and prefix: another store namespace does not see them.
      const elsewhere = postgresStore({ connectionString: url() }, { schema, tablePrefix: 'other_' });
      const held = await a.lockSession('s3');
      const separate = await elsewhere.tryLockSession('s3');
      expect(separate).toBeDefined();
      await separate!.release();
      await held.release();
      await Promise.all([a.close(), b.close(), elsewhere.close()]);
    });

    itStopsWaitingOnAbort(() => postgresStore({ connectionString: url() }, { schema: freshSchema() }));

    it('frees the lock when the holding connection dies, and close releases held locks', async () => {
      const schema = freshSchema();
      const a = postgresStore({ connectionString: url() }, { schema });
      const b = postgresStore({ connectionString: url() }, { schema });
      await a.lockSession('dies');
      const admin = new pg.Client(url());
      await admin.connect();
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()",
      );
      await admin.end();
      const taken = await b.lockSession('dies', { signal: AbortSignal.timeout(5_000) });
      expect(taken.sessionId).toBe('dies');
      await a.close();
      const c = postgresStore({ connectionString: url() }, { schema });
      expect(await c.tryLockSession('dies')).toBeUndefined();
      await b.close();
      const free = await c.tryLockSession('dies');
      expect(free).toBeDefined();
      await c.close();
    });
  });
});
