import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import type { Message, Part, ToolResultPart } from '../../src/model/message.js';
import { createAgent } from '../../src/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { CODING_TOOL_NAMES, codingTools } from '../../src/tools/builtin/index.js';

let root: string;

function toolResults(messages: readonly Message[]): ToolResultPart[] {
  return messages.flatMap((m): Part[] => [...m.content]).filter((p): p is ToolResultPart => p.type === 'tool-result');
}
beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-coding-tools-')));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('codingTools', () => {
  it('returns every built-in tool once, with snake_case schemas, and honours exclude', () => {
    const tools = codingTools({ root });
    expect(tools.map((t) => t.name)).toEqual([...CODING_TOOL_NAMES]);
    const readOnly = tools.filter((t) => t.readOnly).map((t) => t.name);
    expect(readOnly).toEqual(expect.arrayContaining(['read', 'grep', 'glob', 'list']));
    expect(readOnly).not.toEqual(expect.arrayContaining(['write']));
    for (const name of ['write', 'edit', 'multi_edit', 'apply_patch']) expect(readOnly).not.toContain(name);
    const edit = tools.find((t) => t.name === 'edit');
    expect(Object.keys((edit?.inputSchema as { properties: object }).properties)).toEqual([
      'file_path',
      'old_string',
      'new_string',
      'replace_all',
    ]);
    expect(codingTools({ root, exclude: ['web_fetch', 'apply_patch'] }).map((t) => t.name)).not.toContain('web_fetch');
    expect(() => codingTools({ exclude: ['nope' as never] })).toThrow(ConfigError);
    expect(() => codingTools({ root: path.join(root, 'missing') })).toThrow(ConfigError);
  });

  it('works inside an agent run: read arms edit, the read record survives into the next run', async () => {
    writeFileSync(path.join(root, 'app.ts'), 'export const answer = 41;\n');
    const provider = mockProvider([
      { toolCalls: [{ name: 'edit', input: { file_path: 'app.ts', old_string: '41', new_string: '42' } }] },
      { toolCalls: [{ name: 'read', input: { filePath: 'app.ts' } }] },
      { toolCalls: [{ name: 'edit', input: { filePath: 'app.ts', oldString: '41', newString: '42' } }] },
      { toolCalls: [{ name: 'grep', input: { pattern: 'answer', output_mode: 'content' } }] },
      { text: 'done' },
    ]);
    const agent = createAgent({
      provider,
      tools: codingTools({ root }),
      sandbox: localSandbox({ root }),
      policy: { mode: 'full-access' },
    });
    const result = await agent.run('fix the answer').result;
    expect(result.status).toBe('completed');
    const results = toolResults(result.messages);
    expect(results.map((r) => [r.name, r.isError])).toEqual([
      ['edit', true],
      ['read', false],
      ['edit', false],
      ['grep', false],
    ]);
    expect(JSON.stringify(results[0]?.output)).toContain('have not read it in this session');
    expect(JSON.stringify(results[3]?.output)).toContain('app.ts:1:export const answer = 42;');
    expect(readFileSync(path.join(root, 'app.ts'), 'utf8')).toBe('export const answer = 42;\n');

    const next = createAgent({
      provider: mockProvider([
        { toolCalls: [{ name: 'edit', input: { file_path: 'app.ts', old_string: '42', new_string: '43' } }] },
        { text: 'ok' },
      ]),
      tools: codingTools({ root }),
      store: agent.store,
      sandbox: localSandbox({ root }),
      policy: { mode: 'full-access' },
    });
    const again = await next.run('bump it', { sessionId: result.sessionId }).result;
    const editResult = toolResults(again.messages).at(-1);
    expect(editResult?.isError).toBe(false);
    expect(readFileSync(path.join(root, 'app.ts'), 'utf8')).toBe('export const answer = 43;\n');
  });

  it('reports a workspace escape with its error code', async () => {
    const provider = mockProvider([
      { toolCalls: [{ name: 'read', input: { file_path: '../../etc/passwd' } }] },
      { text: 'ok' },
    ]);
    const agent = createAgent({
      provider,
      tools: codingTools({ root }),
      sandbox: localSandbox({ root }),
      policy: { mode: 'full-access' },
    });
    const events: { type: string; errorCode?: string }[] = [];
    const run = agent.run('read it');
    for await (const event of run) events.push(event as { type: string; errorCode?: string });
    expect(events.find((e) => e.type === 'tool-result')?.errorCode).toBe('WORKSPACE_ESCAPE');
  });
});
