import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { JsonValue } from '../../src/model/message.js';
import { localSandbox } from '../../src/sandbox/local-sandbox.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import type { ToolContext } from '../../src/tools/tool.js';

/** A temp workspace with a real localSandbox and a ToolContext whose state is a Map. */
export interface Workspace {
  readonly dir: string;
  readonly sandbox: Sandbox;
  readonly ctx: ToolContext;
  readonly state: Map<string, JsonValue>;
  readonly controller: AbortController;
  cleanup(): Promise<void>;
}

export async function makeWorkspace(prefix = 'icode-tools-'): Promise<Workspace> {
  const parent = await mkdtemp(path.join(os.tmpdir(), prefix));
  const dir = path.join(parent, 'ws');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir);
  const sandbox = localSandbox({ root: dir });
  const state = new Map<string, JsonValue>();
  const controller = new AbortController();
  const ctx: ToolContext = {
    signal: controller.signal,
    sessionId: 'session-1',
    runId: 'run-1',
    toolCallId: 'call-1',
    sandbox,
    state: { get: (key) => state.get(key), set: (key, value) => void state.set(key, value) },
    onRunEnd: () => undefined,
  };
  return {
    dir: sandbox.root,
    sandbox,
    ctx,
    state,
    controller,
    cleanup: () => rm(parent, { recursive: true, force: true }),
  };
}

/** Validates `raw` with the tool's schema (as the loop does), then runs it. */
export async function call(
  target: { input: { parse(value: unknown): unknown }; execute(input: never, ctx: ToolContext): unknown },
  raw: unknown,
  ctx: ToolContext,
): Promise<string> {
  const parsed = target.input.parse(raw);
  const output = await (target.execute as (input: unknown, ctx: ToolContext) => unknown)(parsed, ctx);
  return String(output);
}
