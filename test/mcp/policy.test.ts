/**
 * Permission rules and modes on MCP tools, through a whole agent: the real filesystem server over stdio,
 * the real policy engine, a scripted model. Rules name MCP tools (`mcp__fs__write_file`, `mcp__fs__*`);
 * the server's `readOnlyHint` lets a tool run in read-only mode, and never past a deny rule.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, memoryStore, type AgentEvent, type ApprovalRequest } from '../../src/index.js';
import { mcpServers, type McpServers } from '../../src/mcp/index.js';
import { createPolicy, type PolicyOptions } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { filesystem, tempDir } from './servers.js';

let root: string;
let removeRoot: () => Promise<void>;
let mcp: McpServers;

beforeAll(async () => {
  ({ path: root, remove: removeRoot } = await tempDir('icode-mcp-policy-'));
  await writeFile(join(root, 'notes.txt'), 'remember the milk\n');
  mcp = mcpServers({ servers: { fs: filesystem(root) } });
});
afterAll(async () => {
  await mcp.close();
  await removeRoot();
});

const readStep = (): MockStep => ({
  toolCalls: [{ name: 'mcp__fs__read_text_file', input: { path: join(root, 'notes.txt') } }],
});
const writeStep = (file: string): MockStep => ({
  toolCalls: [{ name: 'mcp__fs__write_file', input: { path: join(root, file), content: 'written by the agent' } }],
});

async function runWith(steps: MockStep[], policy: PolicyOptions) {
  const model = mockProvider([...steps, { text: 'done' }]);
  const agent = createAgent({
    provider: model,
    tools: [mcp],
    sandbox: localSandbox({ root }),
    policy: createPolicy({ ...policy, root }),
  });
  const events: AgentEvent[] = [];
  const run = agent.run('work on the notes');
  for await (const event of run) events.push(event);
  const result = await run.result;
  model.assertComplete();
  return {
    result,
    model,
    results: events.flatMap((e) => (e.type === 'tool-result' ? [e] : [])),
    decisions: events.flatMap((e) => (e.type === 'permission-decision' ? [e] : [])),
    requests: events.flatMap((e) => (e.type === 'permission-request' ? [e] : [])),
  };
}

describe('policy on MCP tools', () => {
  it('runs a readOnlyHint tool without asking and asks about a write in workspace-write mode', async () => {
    const asked: ApprovalRequest[] = [];
    const { results, model } = await runWith([readStep(), writeStep('approved.txt')], {
      mode: 'workspace-write',
      approve: (request) => (asked.push(request), 'allow'),
    });
    expect(results[0]).toMatchObject({
      name: 'mcp__fs__read_text_file',
      isError: false,
      output: 'remember the milk\n',
    });
    expect(asked.map((r) => r.name)).toEqual(['mcp__fs__write_file']);
    expect(results[1]).toMatchObject({ name: 'mcp__fs__write_file', isError: false });
    expect(await readFile(join(root, 'approved.txt'), 'utf8')).toBe('written by the agent');
    // The model saw the MCP tools with their schemas.
    const sent = model.requests[0]!.tools.find((t) => t.name === 'mcp__fs__write_file');
    expect(sent?.inputSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['path', 'content']) });
  });

  it('refuses a write by an exact deny rule without asking, whatever the approver would say', async () => {
    const asked: ApprovalRequest[] = [];
    const { results, decisions } = await runWith([writeStep('denied.txt')], {
      mode: 'workspace-write',
      deny: ['mcp__fs__write_file'],
      approve: (request) => (asked.push(request), 'allow'),
    });
    expect(results[0]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(decisions[0]).toMatchObject({ decision: 'deny', source: 'rule', rule: 'mcp__fs__write_file' });
    expect(asked).toEqual([]);
    expect(existsSync(join(root, 'denied.txt'))).toBe(false);
  });

  it('lets a server-wide deny rule beat readOnlyHint: annotations never grant past a deny', async () => {
    const { results, decisions } = await runWith([readStep()], { mode: 'read-only', deny: ['mcp__fs__*'] });
    expect(results[0]).toMatchObject({
      name: 'mcp__fs__read_text_file',
      isError: true,
      errorCode: 'PERMISSION_DENIED',
    });
    expect(decisions[0]).toMatchObject({ decision: 'deny', rule: 'mcp__fs__*' });
  });

  it('runs readOnlyHint tools in read-only mode and denies the others without asking', async () => {
    const asked: ApprovalRequest[] = [];
    const { results } = await runWith([readStep(), writeStep('readonly.txt')], {
      mode: 'read-only',
      approve: (request) => (asked.push(request), 'allow'),
    });
    expect(results[0]).toMatchObject({ isError: false });
    expect(results[1]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(String(results[1]!.output)).toMatch(/Read-only mode/);
    expect(asked).toEqual([]);
    expect(existsSync(join(root, 'readonly.txt'))).toBe(false);
  });

  it('lets an allow rule run a write without asking', async () => {
    const asked: ApprovalRequest[] = [];
    const { results } = await runWith([writeStep('allowed.txt')], {
      mode: 'workspace-write',
      allow: ['mcp__fs__write_file'],
      approve: (request) => (asked.push(request), 'deny'),
    });
    expect(results[0]).toMatchObject({ isError: false });
    expect(asked).toEqual([]);
    expect(existsSync(join(root, 'allowed.txt'))).toBe(true);
  });

  it('pauses on an ask rule without an approver, and a new agent resumes the approved MCP call', async () => {
    const model = mockProvider([readStep()]);
    const store = memoryStore();
    const policy = createPolicy({ mode: 'workspace-write', ask: ['mcp__fs__read_text_file'], root });
    const agent = createAgent({ provider: model, tools: [mcp], sandbox: localSandbox({ root }), policy, store });
    const paused = await agent.run('read the notes').result;
    model.assertComplete();
    expect(paused.status).toBe('paused');
    const [pending] = paused.pending!;
    expect(pending).toMatchObject({ name: 'mcp__fs__read_text_file' });

    // Another agent over the same store and a new toolset (as after a restart of the app).
    const fresh = mcpServers({ servers: { fs: filesystem(root) } });
    const model2 = mockProvider([{ text: 'It says to remember the milk.' }]);
    const agent2 = createAgent({ provider: model2, tools: [fresh], sandbox: localSandbox({ root }), policy, store });
    try {
      const resumed = await agent2.resume(paused.sessionId, {
        approvals: { [pending!.id]: { answer: 'allow', digest: pending!.digest } },
      }).result;
      model2.assertComplete();
      expect(resumed.status).toBe('completed');
      const toolMessage = model2.requests[0]!.messages.find((m) => m.role === 'tool');
      expect(toolMessage?.content[0]).toMatchObject({ isError: false, output: 'remember the milk\n' });
    } finally {
      await agent2.close();
    }
    expect(fresh.status().fs!.state).toBe('closed');
  });
});
