import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { PG_MIGRATIONS } from '../../src/stores/postgres/migrations.js';
import pg from 'pg';
import { bundleWorker, crashLoop, killDuringFirstOpen, parallelWriters, startWorker } from './helpers.js';
import { startTestPostgres, type TestPostgres } from './postgres-server.js';

let server: TestPostgres | undefined;
let worker: Awaited<ReturnType<typeof bundleWorker>>;
const url = (): string => {
  if (!server) throw new Error('The test PostgreSQL server did not start; see the error of beforeAll.');
  return server.url;
};
const schema = `proc${process.pid}_${Date.now().toString(36)}`;
const env = (): Record<string, string> => ({ STORE_KIND: 'postgres', STORE_URL: url(), STORE_SCHEMA: schema });
const open = () => postgresStore({ connectionString: url() }, { schema });

beforeAll(async () => {
  [server, worker] = await Promise.all([startTestPostgres(), bundleWorker()]);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await worker?.dispose();
});

describe('postgresStore across processes', () => {
  it('survives 50 SIGKILLs of a process appending in a loop', { timeout: 120_000 }, async () => {
    const setup = open();
    const { id } = await setup.create();
    await setup.close();
    const result = await crashLoop({ file: worker.file, env: env(), sessionId: id, kills: 50, open });
    expect(result.killedWhileAppending).toBe(25);
    expect(result.version).toBeGreaterThan(25);
  });

  it('opens cleanly after kills during a first open and migration', { timeout: 60_000 }, async () => {
    await killDuringFirstOpen(worker.file, 10, (attempt) => {
      const fresh = `${schema}_first_${attempt}`;
      return {
        env: { STORE_KIND: 'postgres', STORE_URL: url(), STORE_SCHEMA: fresh },
        expected: PG_MIGRATIONS.length,
        open: () => postgresStore({ connectionString: url() }, { schema: fresh }),
        async migrations() {
          const client = new pg.Client(url());
          await client.connect();
          try {
            return Number((await client.query(`SELECT count(*) AS n FROM "${fresh}"."schema_migrations"`)).rows[0].n);
          } finally {
            await client.end();
          }
        },
      };
    });
  });

  it('keeps every entry of three processes appending to one session at once', { timeout: 60_000 }, async () => {
    const setup = open();
    const { id } = await setup.create();
    await setup.close();
    await parallelWriters(worker.file, env(), id, 3, 100, open);
  });

  it('frees the run lock of a killed worker at once', { timeout: 30_000 }, async () => {
    const store = open();
    await store.ready();
    const holder = startWorker(worker.file, { ...env(), WORKER_MODE: 'lock', SESSION_ID: 's' });
    await holder.waitFor(/^locked$/);
    expect(await store.tryLockSession('s')).toBeUndefined();
    holder.child.kill('SIGKILL');
    await holder.exited;
    const lock = await store.lockSession('s', { signal: AbortSignal.timeout(5_000) });
    expect(lock.sessionId).toBe('s');
    await lock.release();
    await store.close();
  });
});
