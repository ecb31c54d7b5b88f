/**
 * LSP benchmark: how long after an edit the model gets the diagnostics, through icode against a bare
 * `vscode-jsonrpc` client measured in the same run on its own typescript-language-server.
 *
 * - icode: a `write` wrapped by `lsp.withFeedback` that switches a file between a clean text and one with
 *   a type error; the time is the whole tool call (write, sync, wait for the report, quiet period, diff).
 * - floor: a client that sends the same `didChange` and stops at the first `publishDiagnostics` of the
 *   file: the least any client waits. icode waits `quietMs` more on purpose (a change is reported in
 *   several messages), so it is also measured with `quietMs: 0`.
 *
 * The edits alternate between the clients, after warm-up edits, so machine noise hits both alike.
 *
 *   npx tsx bench/lsp.ts
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { JsonValue } from '../src/model/message.js';
import { lspTools } from '../src/lsp/index.js';
import { localSandbox } from '../src/sandbox/index.js';
import type { Tool, ToolContext } from '../src/tools/tool.js';
import { readTool, writeTool } from '../src/tools/builtin/index.js';
import { table, timeRounds } from './stats.js';

const WARMUP = 3;
const ROUNDS = 15;
const CLEAN = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
const BROKEN = 'export function add(a: number, b: number): number {\n  return `${a + b}`;\n}\n';
const cli = createRequire(import.meta.url).resolve('typescript-language-server/lib/cli.mjs');

function context(root: string): ToolContext {
  const state = new Map<string, JsonValue>();
  return {
    signal: new AbortController().signal,
    sessionId: 'bench',
    runId: 'bench',
    toolCallId: 'bench',
    sandbox: localSandbox({ root }),
    state: { get: (key) => state.get(key), set: (key, value) => void state.set(key, value) },
    onRunEnd: () => undefined,
  };
}

async function project(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'icode-bench-lsp-'));
  await writeFile(
    path.join(root, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true } }),
  );
  await writeFile(path.join(root, 'a.ts'), CLEAN);
  return root;
}

/** An edit through icode's wrapped `write`, alternating the text; resolves with the feedback in hand. */
async function icodeEditor(
  root: string,
  quietMs: number,
): Promise<{ edit: () => Promise<unknown>; close: () => Promise<void> }> {
  const lsp = lspTools({
    root,
    servers: { typescript: { command: process.execPath, args: [cli, '--stdio'], languages: ['ts'] } },
    quietMs,
  });
  const [read, write] = lsp.withFeedback([readTool({ root }), writeTool({ root })]) as [Tool, Tool];
  const ctx = context(root);
  await read.execute({ file_path: 'a.ts' }, ctx); // write replaces only files read in the session
  let broken = false;
  const edit = async (): Promise<unknown> => {
    broken = !broken;
    const output = String(await write.execute({ file_path: 'a.ts', content: broken ? BROKEN : CLEAN }, ctx));
    if (broken !== output.includes('TS2322')) throw new Error(`unexpected feedback: ${output}`);
    return output;
  };
  await edit(); // starts the server and opens the file
  return { edit, close: () => lsp.close() };
}

/** The floor: a bare vscode-jsonrpc client on its own server, didChange → first publishDiagnostics. */
async function bareEditor(root: string): Promise<{ edit: () => Promise<unknown>; close: () => Promise<void> }> {
  const child = spawn(process.execPath, [cli, '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'ignore'] });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const uri = pathToFileURL(path.join(root, 'a.ts')).href;
  let waiter: ((count: number) => void) | undefined;
  connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: unknown[] }) => {
    if (params.uri === uri) waiter?.(params.diagnostics.length);
  });
  connection.onRequest(() => null);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    capabilities: { textDocument: { publishDiagnostics: {} } },
  });
  await connection.sendNotification('initialized', {});
  const next = (): Promise<number> => new Promise((resolve) => (waiter = resolve));
  const opened = next();
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'typescript', version: 1, text: CLEAN },
  });
  await opened;
  let version = 1;
  const edit = async (): Promise<unknown> => {
    version++;
    const broken = version % 2 === 0;
    const published = next();
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text: broken ? BROKEN : CLEAN }],
    });
    if ((await published) > 0 !== broken) throw new Error('unexpected diagnostics');
    return undefined;
  };
  return {
    edit,
    close: async () => {
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      child.kill();
    },
  };
}

/** Prints the LSP benchmark as a markdown table. */
export async function bench(): Promise<void> {
  const roots = await Promise.all([project(), project(), project()]);
  const editors = await Promise.all([icodeEditor(roots[0]!, 200), icodeEditor(roots[1]!, 0), bareEditor(roots[2]!)]);
  try {
    const [icode, icodeQuiet0, bare] = await timeRounds(
      editors.map((editor) => editor.edit),
      ROUNDS,
      WARMUP,
    );
    console.log('\n## LSP\n');
    console.log(
      table(
        ['diagnostics after an edit', 'median (ms)', 'floor (ms)', 'ratio'],
        [
          ['icode write + feedback (quietMs 200, default)', icode!, bare!, icode! / bare!],
          ['icode write + feedback (quietMs 0)', icodeQuiet0!, bare!, icodeQuiet0! / bare!],
        ],
      ),
    );
    console.log(
      `\nFloor: a bare vscode-jsonrpc client, didChange → first publishDiagnostics of the file, on its own typescript-language-server. ${ROUNDS} rounds after ${WARMUP} warm-up rounds, interleaved.`,
    );
  } finally {
    await Promise.all(editors.map((editor) => editor.close()));
    await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await bench();
