import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type AgentEvent } from '../../src/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';
import { alive } from '../sandbox/helpers.js';

let root: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-bash-timeout-')));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

type ToolResultEvent = Extract<AgentEvent, { type: 'tool-result' }>;

describe('a bash command killed by its own timeout', () => {
  it('is an error result with TOOL_TIMEOUT that keeps its output, next to a command that succeeds', async () => {
    const provider = mockProvider([
      {
        toolCalls: [
          { id: 'slow', name: 'bash', input: { command: 'echo started; echo $$ > slow.pid; sleep 5', timeout: 1_000 } },
          { id: 'quick', name: 'bash', input: { command: 'echo quick' } },
        ],
      },
      { text: 'The first command timed out.' },
    ]);
    const sandbox = localSandbox({ root, killGraceMs: 300 });
    const agent = createAgent({
      provider,
      sandbox,
      tools: codingTools({ sandbox, exclude: ['web_fetch'] }),
      policy: { mode: 'full-access' },
    });
    const run = agent.run('run both');
    const results = new Map<string, ToolResultEvent>();
    for await (const event of run) if (event.type === 'tool-result') results.set(event.id, event);
    const result = await run.result;
    provider.assertComplete();

    expect(result.status).toBe('completed');
    const slow = results.get('slow')!;
    expect(slow).toMatchObject({ isError: true, errorCode: 'TOOL_TIMEOUT' });
    expect(slow.output).toContain('started');
    expect(slow.output).toMatch(/Command timed out after 1\.0 s and was killed with its whole process group/);
    expect(alive(Number(readFileSync(path.join(root, 'slow.pid'), 'utf8')))).toBe(false);
    expect(results.get('quick')).toMatchObject({ isError: false });
    expect(results.get('quick')!.errorCode).toBeUndefined();
    expect(results.get('quick')!.output).toContain('quick');

    // The model's next request carries the same verdict.
    const sent = provider.requests[1]!.messages.flatMap((message): readonly unknown[] => message.content);
    expect(sent).toContainEqual(expect.objectContaining({ type: 'tool-result', id: 'slow', isError: true }));
    expect(sent).toContainEqual(expect.objectContaining({ type: 'tool-result', id: 'quick', isError: false }));
  });
});
