import { mkdirSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonValue } from '../../src/model/message.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { ToolContext } from '../../src/tools/tool.js';

/** Whether a process still runs. A zombie answers kill(0) but holds nothing and is gone once reaped. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

/** A tool context on real parts: a Map as session state, cleanups collected in `cleanups`. */
export function toolContext(
  sandbox: Sandbox | undefined,
  overrides: Partial<ToolContext> = {},
): ToolContext & { cleanups: (() => void | Promise<void>)[]; values: Map<string, JsonValue> } {
  const values = new Map<string, JsonValue>();
  const cleanups: (() => void | Promise<void>)[] = [];
  return {
    signal: new AbortController().signal,
    sessionId: 'session-1',
    runId: 'run-1',
    toolCallId: 'call-1',
    sandbox: sandbox as Sandbox,
    state: { get: (key) => values.get(key), set: (key, value) => void values.set(key, value) },
    onRunEnd: (cleanup) => void cleanups.push(cleanup),
    cleanups,
    values,
    ...overrides,
  };
}

/** Polls `check` every 20 ms until it holds; fails after `timeoutMs` (generous: CI machines are slow). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Fails the file on Linux when bubblewrap does not work: the OS sandbox's tests must run, never skip. */
export async function requireBubblewrap(): Promise<void> {
  const { isBubblewrapAvailable } = await import('../../src/sandbox/index.js');
  if (process.platform === 'linux' && !(await isBubblewrapAvailable())) {
    throw new Error('bubblewrap must work on Linux to run these tests (install the bubblewrap package)');
  }
}

/** A fresh scratch directory (canonical path) with an empty workspace `ws` in it. */
export function makeScratch(prefix: string): { readonly base: string; readonly root: string } {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  const root = path.join(base, 'ws');
  mkdirSync(root);
  return { base, root };
}
