/** Shared set-up of the sub-agent tests: a temp workspace with a secret, and a run's events by kind. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent, AgentRun, RunResult } from '../../src/index.js';

/** A fresh workspace (`root`) holding `.env` with a secret and `sub/notes.txt`, inside a temp `outside`. */
export async function workspace(): Promise<{ outside: string; root: string; cleanup: () => Promise<void> }> {
  const outside = await mkdtemp(join(tmpdir(), 'icode-sub-'));
  const root = join(outside, 'ws');
  await mkdir(join(root, 'sub'), { recursive: true });
  await writeFile(join(root, '.env'), 'TOKEN=hunter2-secret\n');
  await writeFile(join(root, 'sub', 'notes.txt'), 'TOKEN is in the env file\n');
  await writeFile(join(root, 'sub', 'private.txt'), 'private-payload\n');
  await writeFile(join(outside, 'outside.txt'), 'outside-payload\n');
  return { outside, root, cleanup: () => rm(outside, { recursive: true, force: true }) };
}

/** Every event of a run, its result, and the tool results and decisions by path. */
export async function observe(run: AgentRun): Promise<{ events: AgentEvent[]; result: RunResult }> {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return { events, result: await run.result };
}

/** The tool-result events of the agent at `path` (`undefined`: the top-level agent). */
export function resultsAt(events: readonly AgentEvent[], path?: readonly string[]) {
  return events.flatMap((e) =>
    e.type === 'tool-result' && JSON.stringify(e.path) === JSON.stringify(path) ? [e] : [],
  );
}
