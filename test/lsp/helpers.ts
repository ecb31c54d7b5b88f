import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonValue, Message } from '../../src/model/message.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import type { Tool, ToolContext } from '../../src/tools/tool.js';
import type { LspServerConfig } from '../../src/lsp/index.js';

const require = createRequire(import.meta.url);

/** The real typescript-language-server, started with this Node (never through npx). */
export function typescriptServer(): LspServerConfig {
  const cli = require.resolve('typescript-language-server/lib/cli.mjs');
  return { command: process.execPath, args: [cli, '--stdio'], languages: ['ts', 'tsx', 'js'] };
}

/**
 * Options for tests on a slow, shared machine: diagnostics may take long to come while other suites run,
 * and a wait that ends early would make a test flaky rather than fail a real bug.
 */
export const PATIENT = { diagnosticsTimeoutMs: 90_000, startTimeoutMs: 120_000, requestTimeoutMs: 90_000 } as const;

/** The tool results of a run's messages, in order. */
export function toolResults(messages: readonly Message[]): { name: string; output: string; isError: boolean }[] {
  return messages.flatMap((message) =>
    message.role === 'tool'
      ? message.content.map((part) => ({
          name: part.name,
          output: typeof part.output === 'string' ? part.output : JSON.stringify(part.output),
          isError: part.isError,
        }))
      : [],
  );
}

/** A temp TypeScript project: a strict tsconfig.json plus `files`. */
export async function tsProject(
  files: Readonly<Record<string, string>>,
): Promise<{ root: string; cleanup(): Promise<void> }> {
  const root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'icode-lsp-')));
  await writeFile(
    path.join(root, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        noEmit: true,
      },
      include: ['**/*.ts'],
    }),
  );
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A ToolContext on `sandbox`, with its state in a Map. */
export function toolContext(sandbox: Sandbox, extra: Partial<ToolContext> = {}): ToolContext {
  const state = new Map<string, JsonValue>();
  return {
    signal: new AbortController().signal,
    sessionId: 'session-1',
    runId: 'run-1',
    toolCallId: 'call-1',
    sandbox,
    state: { get: (key) => state.get(key), set: (key, value) => void state.set(key, value) },
    onRunEnd: () => undefined,
    ...extra,
  };
}

/** Validates `raw` with the tool's schema (as the agent does), then runs it in the tool's own sandbox. */
export async function callTool(tools: readonly Tool[], name: string, raw: unknown, ctx?: ToolContext): Promise<string> {
  const target = tools.find((entry) => entry.name === name);
  if (!target) throw new Error(`no tool ${name}`);
  const context = ctx ?? toolContext(target.sandbox!);
  return String(await target.execute(target.input.parse(raw), context));
}

/** Polls `check` until it returns true (generous for a slow, shared machine). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const A_TS = `export function add(a: number, b: number): number {
  return a + b;
}

export class Counter {
  count = 0;
  increment(by: number): number {
    this.count += by;
    return this.count;
  }
}
`;

export const B_TS = `import { add, Counter } from './a.js';

export const four = add(2, 2);
export const counter = new Counter();
counter.increment(four);
`;

/** The scripted test server (pull diagnostics, hanging hovers), for the extension `fx`. */
export function scriptedServer(env: Record<string, string> = {}): LspServerConfig {
  const script = fileURLToPath(new URL('./fixtures/scripted-server.mjs', import.meta.url));
  return { command: process.execPath, args: [script], languages: ['fx'], env };
}

/** Whether a process (or, with a negative id, a process group) is still there. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
