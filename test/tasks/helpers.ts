/** Helpers of the task tests: reading tool results, finding task ids, polling without fixed sleeps. */
import { mkdtempSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunResult } from '../../src/events/run-result.js';
import type { ModelRequest } from '../../src/model/language-model.js';
import type { ToolResultPart } from '../../src/model/message.js';

/** Every tool result of a run, in order. */
export function toolResults(result: Pick<RunResult, 'messages'>): ToolResultPart[] {
  return result.messages.flatMap((message) =>
    message.role === 'tool'
      ? message.content.filter((part): part is ToolResultPart => part.type === 'tool-result')
      : [],
  );
}

/** The one tool result of `name` in a run. */
export function resultOf(result: Pick<RunResult, 'messages'>, name: string): ToolResultPart {
  const found = toolResults(result).filter((part) => part.name === name);
  if (found.length !== 1) throw new Error(`Expected one ${name} result, got ${found.length}.`);
  return found[0]!;
}

/** The task ids named in the tool results a request carries, oldest first. */
export function taskIds(request: ModelRequest): string[] {
  const ids: string[] = [];
  for (const message of request.messages) {
    if (message.role !== 'tool') continue;
    for (const part of message.content) {
      if (part.type !== 'tool-result' || part.name !== 'task_create') continue;
      const id = /task_[a-z0-9]+/.exec(String(part.output))?.[0];
      if (id && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

/** The task id in the output of a `task_create` result. */
export function taskIdOf(part: ToolResultPart): string {
  const id = /task_[a-z0-9]+/.exec(String(part.output))?.[0];
  if (!id) throw new Error(`No task id in ${JSON.stringify(part.output)}`);
  return id;
}

/** Resolves with `check()`'s value once it is truthy, polling; rejects naming `what` after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A fresh workspace folder (canonical path). */
export function workspace(): string {
  return realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-tasks-')));
}
