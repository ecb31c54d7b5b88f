/**
 * The SQLite run lock records its holder (host, pid, process start time, pid scope), so a holder that is
 * gone frees the lock at once; and a database made by the schema before those columns still opens, whole.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionLockedError, type LockWait } from '../../src/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';

const dir = await mkdtemp(join(tmpdir(), 'icode-sqlite-owner-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs `work` on the raw database file. */
function raw<T>(path: string, work: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** Takes `sessionId`'s lock in one store, then edits its row as `edit` says, as if another process held it. */
async function heldBy(path: string, sessionId: string, edit: string, ...params: unknown[]): Promise<void> {
  const holder = sqliteStore({ path });
  await holder.lockSession(sessionId);
  raw(path, (db) =>
    db.prepare(`UPDATE session_locks SET owner = 'other', ${edit} WHERE session_id = ?`).run(...params, sessionId),
  );
  // Closing releases only its own lock (owner no longer matches): the row stays, held by "another process".
  await holder.close();
}

/** The pid of a process that has just exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('sqliteStore run lock holders', () => {
  it('names the holder to a waiter: host, pid and since when', async () => {
    const path = join(dir, 'names.db');
    const a = sqliteStore({ path });
    const b = sqliteStore({ path });
    const before = Date.now();
    const lock = await a.lockSession('s');
    const waits: LockWait[] = [];
    const error = await b.lockSession('s', { timeoutMs: 50, onWait: (w) => waits.push(w) }).catch((e: unknown) => e);
    expect(SessionLockedError.isInstance(error)).toBe(true);
    // This process holds it, and is alive: it is never taken from it.
    expect(waits).toEqual([
      {
        sessionId: 's',
        since: expect.any(Number),
        owner: expect.objectContaining({ host: hostname(), pid: process.pid }),
      },
    ]);
    expect(waits[0]!.owner!.acquiredAt).toBeGreaterThanOrEqual(before);
    expect(String(error)).toContain(`pid ${process.pid} on ${hostname()}`);
    await lock.release();
    await a.close();
    await b.close();
  });

  it('frees at once a lock whose holder process on this machine is gone', async () => {
    const path = join(dir, 'dead.db');
    await heldBy(path, 's', 'pid = ?', await deadPid());
    const store = sqliteStore({ path });
    const lock = await store.lockSession('s', { timeoutMs: 0 });
    expect(lock.sessionId).toBe('s');
    await store.close();
  });

  it('tells a reused pid from the holder by its process start time', async () => {
    const path = join(dir, 'reused.db');
    // The row names this very process's pid, but another start time: the holder was an earlier process.
    await heldBy(path, 's', "started = '1'");
    const store = sqliteStore({ path });
    if (process.platform === 'linux') {
      const lock = await store.lockSession('s', { timeoutMs: 0 });
      await lock.release();
    } else {
      // Without /proc there is no start time to compare: the live pid keeps the lock until its lease ends.
      await expect(store.lockSession('s', { timeoutMs: 0 })).rejects.toThrow(SessionLockedError);
    }
    await store.close();
  });

  it('leaves a holder it cannot check to its lease: another machine or container', async () => {
    const path = join(dir, 'remote.db');
    await heldBy(path, 's', "scope = 'linux:another-boot:pid:[1]', host = 'build-7', pid = ?", await deadPid());
    const store = sqliteStore({ path });
    const error = await store.lockSession('s', { timeoutMs: 0 }).catch((e: unknown) => e);
    expect(SessionLockedError.isInstance(error)).toBe(true);
    expect((error as SessionLockedError).owner).toMatchObject({ host: 'build-7' });
    // The lease (30 s, set by the holder) still ends it; shorten it as time passing would.
    raw(path, (db) =>
      db.prepare('UPDATE session_locks SET expires_at = ? WHERE session_id = ?').run(Date.now() - 1, 's'),
    );
    const lock = await store.lockSession('s', { timeoutMs: 0 });
    await lock.release();
    await store.close();
  });

  it('opens a database made by the first schema, keeping its sessions and honouring its locks', async () => {
    const path = join(dir, 'v1.db');
    const now = Date.now();
    // The schema and rows exactly as the first release wrote them.
    raw(path, (db) => {
      db.exec(`
        PRAGMA journal_mode = WAL;
        CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);
        CREATE TABLE sessions (id TEXT PRIMARY KEY, version INTEGER NOT NULL, created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL, touch INTEGER NOT NULL, metadata TEXT NOT NULL, parent_id TEXT);
        CREATE INDEX sessions_recent ON sessions (updated_at DESC, touch DESC);
        CREATE INDEX sessions_touch ON sessions (touch);
        CREATE TABLE entries (session_id TEXT NOT NULL, seq INTEGER NOT NULL, schema_version INTEGER NOT NULL,
          created_at INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (session_id, seq)) WITHOUT ROWID;
        CREATE TABLE session_locks (session_id TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL);
      `);
      db.prepare('INSERT INTO schema_migrations VALUES (1, ?, ?)').run('sessions, entries and session locks', now);
      db.prepare('INSERT INTO sessions VALUES (?, 2, ?, ?, 1, ?, NULL)').run('old', now, now, '{"user":"ada"}');
      const entry = db.prepare('INSERT INTO entries VALUES (?, ?, 1, ?, ?)');
      entry.run(
        'old',
        1,
        now,
        JSON.stringify({ type: 'message', message: { role: 'user', content: [{ type: 'text', text: 'hi' }] } }),
      );
      entry.run('old', 2, now, JSON.stringify({ type: 'data', key: 'k', value: 1 }));
      db.prepare('INSERT INTO session_locks VALUES (?, ?, ?)').run('old', 'an-old-holder', now + 60_000);
    });

    const store = sqliteStore({ path });
    const { info, entries } = await store.load('old');
    expect(info).toMatchObject({ id: 'old', version: 2, metadata: { user: 'ada' } });
    expect(entries.map((e) => e.entry)).toEqual([
      { type: 'message', message: { role: 'user', content: [{ type: 'text', text: 'hi' }] } },
      { type: 'data', key: 'k', value: 1 },
    ]);
    expect(await store.append('old', [{ type: 'data', key: 'k', value: 2 }], { expectedVersion: 2 })).toBe(3);
    // The old row names no holder: its lease decides, and a waiter learns no owner.
    const waits: LockWait[] = [];
    await expect(store.lockSession('old', { timeoutMs: 0, onWait: (w) => waits.push(w) })).rejects.toThrow(
      SessionLockedError,
    );
    expect(waits).toEqual([{ sessionId: 'old', since: expect.any(Number) }]);
    await store.close();

    raw(path, (db) => {
      expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([
        { version: 1 },
        { version: 2 },
        { version: 3 },
      ]);
      expect(db.prepare("SELECT owner FROM session_locks WHERE session_id = 'old'").get()).toEqual({
        owner: 'an-old-holder',
      });
    });
  });
});
