import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { SQLITE_MIGRATIONS } from '../../src/stores/sqlite/migrations.js';
import Database from 'better-sqlite3';
import { bundleWorker, crashLoop, killDuringFirstOpen, parallelWriters, startWorker } from './helpers.js';

let dir: string;
let worker: Awaited<ReturnType<typeof bundleWorker>>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icode-sqlite-proc-'));
  worker = await bundleWorker();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await worker?.dispose();
});

describe('sqliteStore across processes', () => {
  it('survives 50 SIGKILLs of a process appending in a loop', { timeout: 120_000 }, async () => {
    const path = join(dir, 'crash.db');
    const setup = sqliteStore({ path });
    const { id } = await setup.create();
    await setup.close();
    const result = await crashLoop({
      file: worker.file,
      env: { STORE_KIND: 'sqlite', STORE_PATH: path },
      sessionId: id,
      kills: 50,
      open: () => sqliteStore({ path }),
    });
    expect(result.killedWhileAppending).toBe(25);
    expect(result.version).toBeGreaterThan(25);
  });

  it('opens cleanly after kills during a first open and migration', { timeout: 60_000 }, async () => {
    await killDuringFirstOpen(worker.file, 10, (attempt) => {
      const path = join(dir, `first-open-${attempt}.db`);
      return {
        env: { STORE_KIND: 'sqlite', STORE_PATH: path },
        expected: SQLITE_MIGRATIONS.length,
        open: () => sqliteStore({ path }),
        async migrations() {
          const raw = new Database(path, { readonly: true });
          try {
            return (raw.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n;
          } finally {
            raw.close();
          }
        },
      };
    });
  });

  it('keeps every entry of two processes appending to one file at once', { timeout: 60_000 }, async () => {
    const path = join(dir, 'writers.db');
    const setup = sqliteStore({ path });
    const { id } = await setup.create();
    await setup.close();
    await parallelWriters(worker.file, { STORE_KIND: 'sqlite', STORE_PATH: path }, id, 2, 150, () =>
      sqliteStore({ path }),
    );
  });

  it('frees the run lock of a killed process at once', { timeout: 30_000 }, async () => {
    const path = join(dir, 'lock.db');
    const store = sqliteStore({ path, lockLeaseMs: 300 });
    await store.ready();
    const holder = startWorker(worker.file, {
      STORE_KIND: 'sqlite',
      STORE_PATH: path,
      WORKER_MODE: 'lock',
      SESSION_ID: 's',
      LOCK_LEASE_MS: '300',
    });
    await holder.waitFor(/^locked$/);
    expect(await store.tryLockSession('s')).toBeUndefined();
    holder.child.kill('SIGKILL');
    await holder.exited;
    const started = Date.now();
    const lock = await store.lockSession('s', { signal: AbortSignal.timeout(5_000) });
    expect(Date.now() - started).toBeLessThan(2_000);
    await lock.release();
    await store.close();
  });
});
