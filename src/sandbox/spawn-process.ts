/**
 * Running a process in its own process group, with a timeout, an abort signal, bounded output and a kill
 * of the whole group at the end.
 *
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { OutputBuffer } from './output-buffer.js';
import type { ExecResult } from './types.js';

/** Output kept in memory when the caller sets no `maxOutputChars`. */
export const DEFAULT_MAX_OUTPUT_CHARS = 200_000;

/** Time between SIGTERM and SIGKILL when a process group is stopped. */
export const DEFAULT_KILL_GRACE_MS = 2_000;

/** What {@link spawnProcess} runs and how. */
export interface SpawnOptions {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onOutput?: (chunk: string) => void;
  readonly maxOutputChars?: number;
  readonly killGraceMs?: number;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals | 0): boolean {
  if (pid === undefined) return false;
  try {
    // A negative pid addresses the process group the detached child leads.
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the group still has a member that is not a zombie. A killed grandchild is re-parented to PID 1
 * and stays a zombie until PID 1 reaps it, which some container inits do late; `kill(-pgid, 0)` still
 * succeeds for zombies, so on Linux `/proc` tells the difference.
 */
function groupAlive(pid: number | undefined): boolean {
  if (!killGroup(pid, 0)) return false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, ppid, pgrp, …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pid && fields[0] !== 'Z') return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}

/**
 * Spawns `file args` detached (a fresh process group, so grandchildren can be reached), stdin closed.
 * Resolves once the process has exited, its output is drained and nothing of its group is left: members
 * still alive after the leader exits (a `sleep 100 &`) get SIGTERM, then SIGKILL after the grace period.
 * Leaves no timer or listener behind. Rejects only when the process cannot be started.
 */
export function spawnProcess(options: SpawnOptions): Promise<ExecResult> {
  const started = performance.now();
  const buffer = new OutputBuffer(options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS);
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const { signal } = options;
  if (signal?.aborted) {
    return Promise.resolve({
      output: '',
      exitCode: null,
      signal: null,
      durationMs: 0,
      timedOut: false,
      aborted: true,
      totalChars: 0,
      truncated: false,
    });
  }

  return new Promise<ExecResult>((resolve, reject) => {
    const child = spawn(options.file, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const later = (ms: number, run: () => void): void => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        run();
      }, ms);
      timers.add(timer);
    };
    let timedOut = false;
    let aborted = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let escalated = false;
    let settled = false;

    const stop = (): void => {
      killGroup(child.pid, 'SIGTERM');
      if (escalated) return;
      escalated = true;
      later(grace, () => killGroup(child.pid, 'SIGKILL'));
    };
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined && Number.isFinite(options.timeoutMs) && options.timeoutMs > 0) {
      later(options.timeoutMs, () => {
        timedOut = true;
        stop();
      });
    }

    const onData = (chunk: string): void => {
      buffer.push(chunk);
      if (!options.onOutput) return;
      try {
        options.onOutput(chunk);
      } catch {
        // A failing consumer must not crash the host; it gets no more output, and the command is stopped.
        stop();
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);

    const cleanup = (): void => {
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      signal?.removeEventListener('abort', onAbort);
    };

    child.once('error', (error) => {
      if (settled) return;
      cleanup();
      killGroup(child.pid, 'SIGKILL');
      reject(error);
    });

    child.once('exit', (code, exitSignal) => {
      exit = { code, signal: exitSignal };
      // Whatever the command left running in its group goes with it.
      if (groupAlive(child.pid)) stop();
      // A member that left the group (setsid) may still hold the pipes: stop waiting for them.
      later(2 * grace + 100, () => {
        child.stdout.destroy();
        child.stderr.destroy();
      });
    });

    child.once('close', () => {
      if (settled) return;
      const finish = (): void => {
        cleanup();
        resolve({
          output: buffer.text,
          exitCode: exit?.code ?? null,
          signal: exit?.signal ?? null,
          durationMs: Math.round(performance.now() - started),
          timedOut,
          aborted,
          totalChars: buffer.totalChars,
          truncated: buffer.truncated,
        });
      };
      // Wait until the group is gone (or has been sent SIGKILL), so no process outlives the result.
      const deadline = performance.now() + grace;
      const poll = (): void => {
        if (!groupAlive(child.pid)) return finish();
        if (performance.now() >= deadline) {
          killGroup(child.pid, 'SIGKILL');
          return finish();
        }
        stop();
        later(20, poll);
      };
      poll();
    });
  });
}
