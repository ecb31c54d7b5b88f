/** Helpers of the store tests: bundling and running the child-process worker. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { SessionStore } from '../../src/stores/types.js';
import { crashEntry } from './fixtures/crash-entry.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles `fixtures/<name>.ts` (the store worker unless named) into one ESM file so each child starts with
 * plain `node` in about 100 ms (the crash tests start hundreds). The bundle lives under
 * `node_modules/.cache` so that the drivers (`better-sqlite3`, `pg`), left external, resolve from the project.
 */
export async function bundleWorker(name = 'store-worker'): Promise<{ file: string; dispose(): Promise<void> }> {
  const { build } = await import('esbuild');
  const cache = join(root, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'icode-store-worker-'));
  const file = join(dir, `${name}.mjs`);
  await build({
    entryPoints: [join(root, 'test', 'stores', 'fixtures', `${name}.ts`)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'pg'],
    logLevel: 'silent',
  });
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** A running worker and the lines it printed so far. */
export interface Worker {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly stderr: string[];
  /** Resolves with the first line matching `pattern`; rejects if the worker exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal) once the worker ended. */
  readonly exited: Promise<number | NodeJS.Signals>;
}

/**
 * Starts the bundled worker with `env`. Experimental warnings (node:sqlite on Node 22 and 23) are off, so
 * stderr holds only real failures.
 */
export function startWorker(file: string, env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve(signal ?? code ?? -1);
      for (const wake of waiters) wake();
    }),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 10_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`worker printed no ${pattern} within ${timeoutMs} ms: ${stderr.join('')}`)),
        timeoutMs,
      );
      const check = (): void => {
        const line = lines.find((l) => pattern.test(l));
        if (line !== undefined) finish(undefined, line);
        else if (child.exitCode !== null || child.signalCode !== null)
          finish(new Error(`worker exited before ${pattern}: ${stderr.join('')}`));
      };
      const finish = (error?: Error, line?: string): void => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve(line!);
      };
      waiters.add(check);
      check();
    });
  return { child, lines, stderr, waitFor, exited };
}

/** The highest `ok <version>` a crash worker printed, 0 if none. */
export function lastAcknowledged(worker: Worker): number {
  let last = 0;
  for (const line of worker.lines) {
    const match = /^ok (\d+)$/.exec(line);
    if (match) last = Math.max(last, Number(match[1]));
  }
  return last;
}

/** What {@link crashLoop} checks after each kill. */
export interface CrashLoopOptions {
  /** The bundled worker. */
  readonly file: string;
  /** Store settings for the worker (STORE_KIND, STORE_PATH or STORE_URL/STORE_SCHEMA). */
  readonly env: Record<string, string>;
  readonly sessionId: string;
  readonly kills: number;
  /** Opens a fresh store on the same database, as a restarted process would. */
  open(): SessionStore;
}

/**
 * Starts a worker appending numbered entries, kills it with SIGKILL at a random moment, and checks the
 * store after each kill: it opens, holds a contiguous prefix 1..N of the entries (each carrying its index,
 * none torn or duplicated), N covers every append the worker saw acknowledged, and the next worker
 * continues at N. Returns the final version.
 */
export async function crashLoop(options: CrashLoopOptions): Promise<{ version: number; killedWhileAppending: number }> {
  let version = 0;
  let killedWhileAppending = 0;
  for (let kill = 0; kill < options.kills; kill++) {
    const worker = startWorker(options.file, { ...options.env, WORKER_MODE: 'crash', SESSION_ID: options.sessionId });
    // Half the kills land while the worker appends, the others at any moment from its start on.
    if (kill % 2 === 0) {
      await worker.waitFor(/^ok \d+$/);
      killedWhileAppending++;
      await delay(Math.random() * 25);
    } else {
      await delay(Math.random() * 150);
    }
    worker.child.kill('SIGKILL');
    expect(await worker.exited).toBe('SIGKILL');
    const start = worker.lines.find((l) => l.startsWith('start '));
    // The worker starts from what the store holds. With a server store that can be more than the last
    // check saw: a killed client's final statement may still commit on the server after the check.
    if (start) expect(Number(start.slice('start '.length))).toBeGreaterThanOrEqual(version);
    const acknowledged = lastAcknowledged(worker);

    const store = options.open();
    const { info, entries } = await store.load(options.sessionId);
    await store.close();
    expect(info.version).toBe(entries.length);
    expect(info.version).toBeGreaterThanOrEqual(Math.max(version, acknowledged));
    entries.forEach((stored, i) => {
      const expected = crashEntry(i + 1);
      if (stored.seq !== i + 1 || JSON.stringify(stored.entry) !== JSON.stringify(expected)) {
        expect.fail(
          `After kill ${kill + 1}, entry ${i + 1} is seq ${stored.seq}: ${JSON.stringify(stored.entry).slice(0, 200)}`,
        );
      }
    });
    expect(worker.stderr.join('')).toBe('');
    version = info.version;
  }
  // A resumed writer continues at the next version.
  const store = options.open();
  expect(await store.append(options.sessionId, [crashEntry(version + 1)], { expectedVersion: version })).toBe(
    version + 1,
  );
  await store.close();
  return { version: version + 1, killedWhileAppending };
}

/** Runs `count` writer workers at once, each appending `perWorker` entries with retries; checks the log. */
export async function parallelWriters(
  file: string,
  env: Record<string, string>,
  sessionId: string,
  count: number,
  perWorker: number,
  open: () => SessionStore,
): Promise<void> {
  const workers = Array.from({ length: count }, (_, w) =>
    startWorker(file, {
      ...env,
      WORKER_MODE: 'writer',
      SESSION_ID: sessionId,
      WORKER_NAME: `w${w}`,
      WORKER_COUNT: String(perWorker),
    }),
  );
  const codes = await Promise.all(workers.map((w) => w.exited));
  expect(codes, workers.map((w) => w.stderr.join('')).join('\n')).toEqual(workers.map(() => 0));
  const store = open();
  const { info, entries } = await store.load(sessionId);
  await store.close();
  expect(info.version).toBe(count * perWorker);
  entries.forEach((stored, i) => expect(stored.seq).toBe(i + 1));
  for (let w = 0; w < count; w++) {
    const own = entries.map((e) => e.entry).filter((e) => e.type === 'data' && e.key === `w${w}`);
    expect(own.map((e) => (e.type === 'data' ? e.value : undefined))).toEqual(
      Array.from({ length: perWorker }, (_, i) => i),
    );
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Kills a worker at a random moment of its first open of a new database (while it migrates, creates its
 * session, or appends), `times` times, each on a fresh database from `fresh()`; each time the database
 * must open cleanly afterwards, with each migration recorded once and the session either absent or whole.
 */
export async function killDuringFirstOpen(
  file: string,
  times: number,
  fresh: (attempt: number) => {
    env: Record<string, string>;
    open(): SessionStore;
    /** The migrations recorded in the database. */
    migrations(): Promise<number>;
    /** How many the store has: each must be recorded exactly once. */
    expected: number;
  },
): Promise<void> {
  for (let attempt = 0; attempt < times; attempt++) {
    const target = fresh(attempt);
    const worker = startWorker(file, { ...target.env, WORKER_MODE: 'crash', SESSION_ID: 's', CREATE_SESSION: '1' });
    await delay(40 + Math.random() * 200);
    worker.child.kill('SIGKILL');
    await worker.exited;
    const store = target.open();
    const info = await store.get('s');
    if (info) {
      const { entries } = await store.load('s');
      expect(entries.map((e) => e.entry)).toEqual(entries.map((_, i) => crashEntry(i + 1)));
    }
    const session = info ?? (await store.create({ id: 's' }));
    expect(await store.append('s', [crashEntry(session.version + 1)], { expectedVersion: session.version })).toBe(
      session.version + 1,
    );
    await store.close();
    expect(await target.migrations()).toBe(target.expected);
  }
}
