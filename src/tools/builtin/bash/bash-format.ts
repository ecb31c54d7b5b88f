/**
 * How command results read for the model: output first, then one status line that always states the exit
 * code (or signal) and the duration, and says plainly when the command timed out or was stopped.
 */
import path from 'node:path';
import type { ExecResult, Sandbox } from '../../../sandbox/types.js';

/** A duration for people: `850 ms`, `12.3 s`, `4 min 05 s`. */
/**
 * Matches every duration {@link formatDuration} writes (`35 ms`, `1.1 s`, `2 min 05 s`): what replays of
 * recorded runs ignore, since a command's time is measured afresh on every run.
 */
export const DURATION_PATTERN = /\b(?:\d+ min \d{2} s|\d+\.\d s|\d+ ms)\b/g;

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** A path as the model should use it: relative to the root when inside it. */
export function displayLogPath(sandbox: Sandbox, file: string): string {
  const relative = path.relative(sandbox.root, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** `exit code 0`, `killed by SIGKILL`. */
export function exitText(result: Pick<ExecResult, 'exitCode' | 'signal'>): string {
  if (result.exitCode !== null) return `exit code ${result.exitCode}`;
  return result.signal ? `killed by ${result.signal}` : 'no exit code';
}

/** Why a command ended early, or `undefined` when it ended by itself. */
export interface StopReason {
  readonly timedOutMs?: number;
  readonly aborted?: boolean;
  /** It produced more output than can be saved. */
  readonly outputCapChars?: number;
}

/** The status line of a finished command. */
export function statusLine(result: ExecResult, stop: StopReason): string {
  const duration = formatDuration(result.durationMs);
  if (stop.outputCapChars !== undefined) {
    return `[Command stopped: it produced more than ${stop.outputCapChars} characters of output; ${exitText(result)}, after ${duration}. Redirect its output to a file or filter it (| head, | grep).]`;
  }
  if (stop.timedOutMs !== undefined) {
    return `[Command timed out after ${formatDuration(stop.timedOutMs)} and was killed with its whole process group (${exitText(result)}). Retry with a larger timeout (max 600000 ms), or use run_in_background for long-running commands.]`;
  }
  if (stop.aborted)
    return `[Command was aborted and killed with its whole process group (${exitText(result)}), after ${duration}.]`;
  const exit = exitText(result);
  return `[${exit[0]!.toUpperCase()}${exit.slice(1)}, ${duration}]`;
}
