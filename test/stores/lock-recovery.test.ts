/**
 * A run killed with SIGKILL mid-tool holds its session's run lock. The next run on that session, in
 * another process, must not wait out the lock's lease (30 s for SQLite): on the same machine, SQLite sees
 * that the holder's process is gone; Postgres frees the advisory lock with the dead connection.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, SessionLockedError, tool, type AgentEvent, type SessionStore } from '../../src/index.js';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { bundleWorker, startWorker, type Worker } from './helpers.js';
import { startTestPostgres, type TestPostgres } from './postgres-server.js';

let dir: string;
let bundle: Awaited<ReturnType<typeof bundleWorker>>;
let server: TestPostgres | undefined;
const workers: Worker[] = [];
/** What each test measured, printed at the end: how long a run took to start after the holder was killed. */
const figures: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icode-lock-recovery-'));
  [bundle, server] = await Promise.all([bundleWorker('agent-worker'), startTestPostgres()]);
}, 120_000);
afterEach(() => {
  for (const worker of workers.splice(0)) worker.child.kill('SIGKILL');
});
afterAll(async () => {
  console.log(`lock recovery figures:\n${figures.join('\n')}`);
  await server?.stop();
  await bundle?.dispose();
  await rm(dir, { recursive: true, force: true });
});

const deploy = tool({
  name: 'deploy',
  description: 'Deploys; takes a while',
  input: z.object({ target: z.string() }),
  readOnly: true,
  execute: () => 'ok',
});

/** How a test reaches one kind of store. */
interface Target {
  readonly kind: string;
  /** The worker's store settings. */
  env(): Record<string, string>;
  /** A store over the same database, with default lock settings. */
  open(): SessionStore;
  /** Whether the store can name the holder's host and pid. */
  readonly namesOwner: boolean;
}

/** Starts an agent worker on `sessionId` and waits until its tool call runs (it then holds the lock). */
async function holder(target: Target, sessionId: string): Promise<Worker> {
  const worker = startWorker(bundle.file, { ...target.env(), SESSION_ID: sessionId });
  workers.push(worker);
  await worker.waitFor(/^running$/, 30_000);
  return worker;
}

async function kill(worker: Worker): Promise<void> {
  worker.child.kill('SIGKILL');
  expect(await worker.exited).toBe('SIGKILL');
}

/** The stored history must show the killed run's call, answered as interrupted, then the new input. */
async function expectRecoveredHistory(store: SessionStore, sessionId: string): Promise<void> {
  const { entries } = await store.load(sessionId);
  const messages = entries.flatMap((e) => (e.entry.type === 'message' ? [e.entry.message] : []));
  expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user', 'assistant']);
  expect(messages[2]?.content[0]).toMatchObject({ type: 'tool-result', name: 'deploy', isError: true });
}

function recoveryCases(target: Target): void {
  it('starts a run at once after the process holding the session was SIGKILLed', { timeout: 60_000 }, async () => {
    const worker = await holder(target, 'killed');
    // An open store, as in a service that was running when the other process died.
    const store = target.open();
    await store.list({ limit: 1 });
    await kill(worker);
    const model = mockProvider([{ text: 'The deploy was interrupted; checking its state first.' }]);
    const agent = createAgent({ provider: model, tools: [deploy], store });
    const started = performance.now();
    const run = agent.run('Is the deploy done?', { sessionId: 'killed' });
    const events: AgentEvent[] = [];
    let startedAfter = Infinity;
    for await (const event of run) {
      if (event.type === 'run-start') startedAfter = performance.now() - started;
      events.push(event);
    }
    const waited = events.some((e) => e.type === 'session-lock-wait') ? ', after a short wait' : '';
    figures.push(`${target.kind}: run-start ${startedAfter.toFixed(1)} ms after a SIGKILLed holder${waited}`);
    // The lease is 30 s: a run that waited it out would be far past this.
    expect(startedAfter).toBeLessThan(2_000);
    expect((await run.result).status).toBe('completed');
    await expectRecoveredHistory(store, 'killed');
    model.assertComplete();
    await store.close();
  });

  it('makes a run wait for a live holder, saying so, until lockTimeoutMs', { timeout: 60_000 }, async () => {
    const worker = await holder(target, 'busy');
    const store = target.open();
    const model = mockProvider([]);
    const agent = createAgent({ provider: model, tools: [deploy], store, lockTimeoutMs: 300 });
    const events: AgentEvent[] = [];
    const error = await (async () => {
      for await (const event of agent.run('Deploy again', { sessionId: 'busy' })) events.push(event);
    })().catch((e: unknown) => e);
    expect(SessionLockedError.isInstance(error)).toBe(true);
    expect((error as SessionLockedError).waitedMs).toBeGreaterThanOrEqual(300);
    const wait = events.find((e) => e.type === 'session-lock-wait');
    expect(wait).toMatchObject({ type: 'session-lock-wait', sessionId: 'busy' });
    if (target.namesOwner) {
      const owner = { host: hostname(), pid: worker.child.pid };
      expect(wait).toMatchObject({ owner });
      expect((error as SessionLockedError).owner).toMatchObject(owner);
    }
    // Nothing of the refused run was stored, and the holder still runs.
    expect((await store.load('busy')).entries.map((e) => e.entry.type)).toEqual(['message', 'message']);
    expect(worker.child.exitCode).toBeNull();
    model.assertComplete();
    await store.close();
  });

  it('lets a waiting run start as soon as the live holder is killed', { timeout: 60_000 }, async () => {
    const worker = await holder(target, 'waiting');
    const store = target.open();
    const model = mockProvider([{ text: 'Taking over.' }]);
    const agent = createAgent({ provider: model, tools: [deploy], store });
    const run = agent.run('Take over', { sessionId: 'waiting' });
    let killedAt = 0;
    let startedAfter = Infinity;
    for await (const event of run) {
      if (event.type === 'session-lock-wait') {
        killedAt = performance.now();
        await kill(worker);
      }
      if (event.type === 'run-start') startedAfter = performance.now() - killedAt;
    }
    figures.push(`${target.kind}: run-start ${startedAfter.toFixed(1)} ms after the waited-for holder was killed`);
    expect(killedAt).toBeGreaterThan(0);
    expect(startedAfter).toBeLessThan(2_000);
    expect((await run.result).text).toBe('Taking over.');
    await expectRecoveredHistory(store, 'waiting');
    model.assertComplete();
    await store.close();
  });
}

describe('lock recovery: sqliteStore', () => {
  const path = (): string => join(dir, 'sessions.db');
  recoveryCases({
    kind: 'sqlite',
    env: () => ({ STORE_KIND: 'sqlite', STORE_PATH: path() }),
    open: () => sqliteStore({ path: path() }),
    namesOwner: true,
  });
});

describe('lock recovery: postgresStore', () => {
  const schema = `recovery_${process.pid}_${Date.now().toString(36)}`;
  const url = (): string => {
    if (!server) throw new Error('The test PostgreSQL server did not start; see the error of beforeAll.');
    return server.url;
  };
  recoveryCases({
    kind: 'postgres',
    env: () => ({ STORE_KIND: 'postgres', STORE_URL: url(), STORE_SCHEMA: schema }),
    open: () => postgresStore({ connectionString: url() }, { schema }),
    namesOwner: false,
  });
});
