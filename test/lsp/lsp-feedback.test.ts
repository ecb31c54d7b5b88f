import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/index.js';
import { lspTools } from '../../src/lsp/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';
import { A_TS, PATIENT, toolContext, toolResults, tsProject, typescriptServer } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A project, an LSP toolset on it, and a coding agent whose file tools carry the feedback. */
async function setup(files: Record<string, string>, script: Parameters<typeof mockProvider>[0]) {
  const project = await tsProject(files);
  const lsp = lspTools({ root: project.root, servers: { typescript: typescriptServer() }, ...PATIENT });
  cleanups.push(project.cleanup, () => lsp.close());
  const sandbox = localSandbox({ root: project.root });
  const provider = mockProvider(script);
  const agent = createAgent({
    provider,
    tools: [...lsp.withFeedback(codingTools({ sandbox, exclude: ['web_fetch'] })), ...(await lsp.tools())],
    sandbox,
    policy: createPolicy({ mode: 'workspace-write' }),
  });
  return { project, lsp, provider, agent, sandbox };
}

describe('after-edit feedback', () => {
  it(
    'shows the type error an edit made through the edit tool, and its end after the fix',
    { timeout: 240_000 },
    async () => {
      const { provider, agent } = await setup({ 'a.ts': A_TS }, [
        { toolCalls: [{ name: 'read', input: { file_path: 'a.ts' } }] },
        {
          toolCalls: [
            {
              name: 'edit',
              input: { file_path: 'a.ts', old_string: 'return a + b;', new_string: 'return `${a + b}`;' },
            },
          ],
        },
        { toolCalls: [{ name: 'lsp_diagnostics', input: { file_path: 'a.ts' } }] },
        {
          toolCalls: [
            {
              name: 'edit',
              input: { file_path: 'a.ts', old_string: 'return `${a + b}`;', new_string: 'return a + b;' },
            },
          ],
        },
        { toolCalls: [{ name: 'lsp_diagnostics', input: { file_path: 'a.ts' } }] },
        { text: 'Back to a clean state.' },
      ]);
      const result = await agent.run('Make add return a string, then undo it').result;
      expect(result.status).toBe('completed');
      const [, broke, diagnosed, fixed, clean] = toolResults(result.messages);
      expect(broke!.isError).toBe(false);
      expect(broke!.output).toMatch(/^Edited a\.ts: 1 replacement/);
      expect(broke!.output).toContain(
        "\n\nLSP: 1 new error after this change:\na.ts:2:3 error TS2322: Type 'string' is not assignable to type 'number'.",
      );
      expect(diagnosed!.output).toBe(
        "a.ts: 1 error\na.ts:2:3 error TS2322: Type 'string' is not assignable to type 'number'.",
      );
      expect(fixed!.output).toContain('\n\nLSP: no errors left in a.ts.');
      expect(clean!.output).toBe('No problems in a.ts.');
      provider.assertComplete();
    },
  );

  it(
    'lists errors in other files the model read, and caps files and errors per file',
    { timeout: 240_000 },
    async () => {
      const users = Object.fromEntries(
        Array.from({ length: 7 }, (_, index) => [
          `use${index + 1}.ts`,
          `import { value } from './lib.js';\nexport const n${index + 1}: number = value;\n`,
        ]),
      );
      const many = Array.from({ length: 25 }, (_, index) => `export const v${index}: number = ${index};`).join('\n');
      const { provider, agent } = await setup(
        { 'lib.ts': 'export const value: number = 1;\n', 'many.ts': `${many}\n`, ...users },
        [
          {
            toolCalls: [
              { name: 'read', input: { file_path: 'lib.ts' } },
              { name: 'read', input: { file_path: 'many.ts' } },
              ...Object.keys(users).map((file) => ({ name: 'read', input: { file_path: file } })),
            ],
          },
          {
            toolCalls: [
              {
                name: 'edit',
                input: { file_path: 'lib.ts', old_string: 'value: number = 1', new_string: "value: string = '1'" },
              },
            ],
          },
          {
            toolCalls: [
              {
                name: 'edit',
                input: {
                  file_path: 'many.ts',
                  old_string: ': number = ',
                  new_string: ': string = ',
                  replace_all: true,
                },
              },
            ],
          },
          { text: 'Done.' },
        ],
      );
      const result = await agent.run('Change the types').result;
      const edits = toolResults(result.messages).filter((entry) => entry.name === 'edit');
      const libFeedback = edits[0]!.output.split('\n\nLSP: ')[1]!.split('\n');
      expect(libFeedback[0]).toBe('7 new errors after this change:');
      const errorLines = libFeedback.filter((line) => /^use\d\.ts:2:14 error TS2322: /.test(line));
      expect(errorLines).toHaveLength(5);
      expect(libFeedback.at(-1)).toBe('… and new errors in 2 more files');
      // The edited file comes first and is never counted among the others; 20 of its 25 errors are listed.
      const manyFeedback = edits[1]!.output.split('\n\nLSP: ')[1]!.split('\n');
      expect(manyFeedback[0]).toBe('25 new errors after this change:');
      expect(manyFeedback.filter((line) => line.startsWith('many.ts:'))).toHaveLength(20);
      expect(manyFeedback[21]).toBe('… and 5 more new errors in many.ts');
      expect(manyFeedback).toHaveLength(22);
      provider.assertComplete();
    },
  );

  it('adds nothing with feedback: false', async () => {
    const project = await tsProject({ 'a.ts': A_TS });
    cleanups.push(project.cleanup);
    const lsp = lspTools({ root: project.root, servers: { typescript: typescriptServer() }, feedback: false });
    cleanups.push(() => lsp.close());
    const tools = codingTools({ root: project.root });
    const same = lsp.withFeedback(tools);
    expect(same).toHaveLength(tools.length);
    same.forEach((entry, index) => expect(entry).toBe(tools[index]));
    const ctx = toolContext(localSandbox({ root: project.root }));
    expect(
      await lsp.afterToolCall({ name: 'edit', input: { file_path: 'a.ts' }, output: 'Edited', isError: false }, ctx),
    ).toBe(undefined);
    expect(lsp.status()).toEqual({ typescript: 'idle' });
  });

  it('works as a pair of hooks around unwrapped tools', { timeout: 240_000 }, async () => {
    const project = await tsProject({ 'a.ts': A_TS });
    const lsp = lspTools({ root: project.root, servers: { typescript: typescriptServer() }, ...PATIENT });
    cleanups.push(project.cleanup, () => lsp.close());
    const sandbox = localSandbox({ root: project.root });
    const tools = codingTools({ sandbox });
    const ctx = toolContext(sandbox, { toolCallId: 'call-edit' });
    const run = async (name: string, input: Record<string, unknown>): Promise<string | undefined> => {
      const target = tools.find((entry) => entry.name === name)!;
      const call = { name, input: input as never };
      await lsp.beforeToolCall(call, ctx);
      const output = String(await target.execute(target.input.parse(input), ctx));
      return lsp.afterToolCall({ ...call, output, isError: false }, ctx);
    };
    expect(await run('read', { file_path: 'a.ts' })).toBeUndefined();
    const note = await run('write', { file_path: 'a.ts', content: `${A_TS}export const bad: number = 'x';\n` });
    expect(note).toBe(
      "LSP: 1 new error after this change:\na.ts:12:14 error TS2322: Type 'string' is not assignable to type 'number'.",
    );
    // A failed call gets no feedback, nor does a tool that writes nothing.
    expect(await lsp.afterToolCall({ name: 'edit', input: { file_path: 'a.ts' }, isError: true }, ctx)).toBeUndefined();
    expect(await lsp.afterToolCall({ name: 'grep', input: { pattern: 'x' }, isError: false }, ctx)).toBeUndefined();
  });
});
