import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type AgentEvent, type ModelRequest } from '../../src/index.js';
import { lspTools } from '../../src/lsp/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';
import { PATIENT, toolResults, tsProject, typescriptServer } from './helpers.js';

const MATH_TS = `export function total(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0);
}
`;
const MAIN_TS = `import { total } from './math.js';

export const sum = total([1, 2, 3]);
`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The text of the last tool result the model was sent. */
function lastToolOutput(request: ModelRequest): string {
  const message = request.messages.at(-1);
  if (message?.role !== 'tool') throw new Error('expected a tool result last');
  const output = message.content.at(-1)!.output;
  return typeof output === 'string' ? output : JSON.stringify(output);
}

describe('a coding agent with LSP feedback', () => {
  it('edits a file, sees the type error in the edit result, and fixes it', { timeout: 300_000 }, async () => {
    const project = await tsProject({ 'src/math.ts': MATH_TS, 'src/main.ts': MAIN_TS });
    const lsp = lspTools({ root: project.root, servers: { typescript: typescriptServer() }, ...PATIENT });
    cleanups.push(project.cleanup, () => lsp.close());
    const sandbox = localSandbox({ root: project.root });
    let seenInEdit = '';
    const provider = mockProvider([
      { toolCalls: [{ name: 'read', input: { file_path: 'src/main.ts' } }] },
      {
        toolCalls: [
          {
            name: 'edit',
            input: { file_path: 'src/main.ts', old_string: 'total([1, 2, 3])', new_string: "total([1, '2', 3])" },
          },
        ],
      },
      (request) => {
        // The model reads the error from the edit result and fixes exactly what it points at.
        seenInEdit = lastToolOutput(request);
        const error = /^src\/main\.ts:(\d+):(\d+) error TS2322: (.*)$/m.exec(seenInEdit);
        if (!error) return { text: 'No error was reported.' };
        return {
          text: `The edit broke line ${error[1]}: ${error[3]} Fixing it.`,
          toolCalls: [
            {
              name: 'edit',
              input: { file_path: 'src/main.ts', old_string: "total([1, '2', 3])", new_string: 'total([1, 2, 3])' },
            },
          ],
        };
      },
      { toolCalls: [{ name: 'lsp_diagnostics', input: { file_path: 'src/main.ts' } }] },
      { text: 'Fixed; no type errors left.' },
    ]);
    const events: AgentEvent[] = [];
    const agent = createAgent({
      provider,
      instructions: 'You are a careful coding agent.',
      tools: [...codingTools({ sandbox, exclude: ['web_fetch'] }), lsp],
      sandbox,
      policy: createPolicy({ mode: 'workspace-write' }),
      hooks: { onEvent: (event) => events.push(event) },
    });
    const result = await agent.run('Pass a string in the sum, then make it compile').result;

    expect(result.status).toBe('completed');
    expect(seenInEdit).toMatch(/^Edited src\/main\.ts: 1 replacement/);
    expect(seenInEdit).toContain(
      "\n\nLSP: 1 new error after this change:\nsrc/main.ts:3:30 error TS2322: Type 'string' is not assignable to type 'number'.",
    );
    const results = toolResults(result.messages);
    expect(results.map((entry) => entry.name)).toEqual(['read', 'edit', 'edit', 'lsp_diagnostics']);
    expect(results.every((entry) => !entry.isError)).toBe(true);
    expect(results[2]!.output).toContain('LSP: no errors left in src/main.ts.');
    expect(results[3]!.output).toBe('No problems in src/main.ts.');
    expect(await readFile(path.join(project.root, 'src/main.ts'), 'utf8')).toBe(MAIN_TS);
    expect(result.text).toBe('Fixed; no type errors left.');
    // Every LSP tool ran without asking: they are read-only.
    expect(events.filter((event) => event.type === 'permission-request')).toEqual([]);
    provider.assertComplete();
  });

  it(
    'gives the model error results it can act on: no server, a server that fails, a path outside',
    { timeout: 120_000 },
    async () => {
      const project = await tsProject({ 'a.ts': 'export const a = 1;\n', 'notes.py': 'x = 1\n' });
      const lsp = lspTools({
        root: project.root,
        servers: { typescript: { command: process.execPath, args: ['-e', 'process.exit(1)'], languages: ['ts'] } },
        maxRestarts: 0,
      });
      cleanups.push(project.cleanup, () => lsp.close());
      const provider = mockProvider([
        {
          toolCalls: [
            { name: 'lsp_hover', input: { file_path: 'notes.py', line: 1, column: 1 } },
            { name: 'lsp_diagnostics', input: { file_path: 'a.ts' } },
            { name: 'lsp_diagnostics', input: { file_path: '../elsewhere.ts' } },
          ],
        },
        { text: 'I will use read and grep instead.' },
      ]);
      const events: AgentEvent[] = [];
      const agent = createAgent({
        provider,
        tools: await lsp.tools(),
        sandbox: localSandbox({ root: project.root }),
        policy: createPolicy({ mode: 'read-only' }),
        hooks: { onEvent: (event) => events.push(event) },
      });
      const result = await agent.run('Check the files').result;
      expect(result.status).toBe('completed');
      // Parallel calls finish in any order: take them in the order they were made.
      const outcomes = events.filter((event) => event.type === 'tool-result').sort((a, b) => a.id.localeCompare(b.id));
      expect(outcomes.map((event) => [event.isError, event.errorCode])).toEqual([
        [true, 'TOOL_EXECUTION_FAILED'],
        [true, 'TOOL_EXECUTION_FAILED'],
        [true, 'WORKSPACE_ESCAPE'],
      ]);
      expect(outcomes[0]!.output).toContain('No language server handles .py files like notes.py.');
      expect(outcomes[1]!.output).toContain('The typescript language server is unavailable');
      expect(outcomes[2]!.output).toContain('outside the workspace');
      provider.assertComplete();
    },
  );
});
