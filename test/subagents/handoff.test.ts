/**
 * Handoffs: the run goes on with another agent's instructions, tools and model in the same session, its
 * policy narrowed by the one it came from unless the embedding code widens it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, handoff, memoryStore, type AgentPolicyOptions } from '../../src/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';
import { observe, resultsAt, workspace } from './helpers.js';

let ws: Awaited<ReturnType<typeof workspace>>;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.cleanup());

const transfer = { toolCalls: [{ name: 'transfer_to_writer', input: {} }] };
const write = { toolCalls: [{ name: 'write', input: { file_path: 'out.txt', content: 'x' } }] };

function pair(triagePolicy: AgentPolicyOptions, options: { widenPolicy?: boolean } = {}) {
  const writerModel = mockProvider([write, { text: 'writer here' }], { modelId: 'writer-model' });
  const writer = createAgent({
    provider: writerModel,
    name: 'writer',
    instructions: 'You write files.',
    tools: codingTools({ root: ws.root, exclude: ['web_fetch'] }),
    policy: { mode: 'full-access', root: ws.root },
  });
  const triageModel = mockProvider([transfer]);
  const store = memoryStore();
  const triage = createAgent({
    provider: triageModel,
    name: 'triage',
    instructions: 'You route.',
    tools: [handoff(writer, options)],
    sandbox: localSandbox({ root: ws.root }),
    policy: { ...triagePolicy, root: ws.root },
    store,
  });
  return { triage, triageModel, writerModel, store };
}

describe('handoff', () => {
  it("continues the run with the target's instructions, tools and model, in the same session", async () => {
    const { triage, triageModel, writerModel, store } = pair({ mode: 'workspace-write' });
    const { events, result } = await observe(triage.run('Please write a file'));
    expect(result.status).toBe('completed');
    expect(result.text).toBe('writer here');
    expect(resultsAt(events)[0]).toMatchObject({ name: 'transfer_to_writer', isError: false });
    const request = writerModel.requests[0]!;
    expect(request.system).toBe('You write files.');
    expect(request.tools.map((t) => t.name)).toContain('write');
    expect(request.tools.map((t) => t.name)).not.toContain('transfer_to_writer');
    // The whole conversation, the handoff included.
    expect(request.messages[0]).toMatchObject({ role: 'user', content: [{ text: 'Please write a file' }] });
    expect(existsSync(join(ws.root, 'out.txt'))).toBe(true);
    const stored = await store.load(result.sessionId);
    expect(stored.entries.filter((e) => e.entry.type === 'message')).toHaveLength(6);
    triageModel.assertComplete();
    writerModel.assertComplete();
  });

  it('narrows the target by the current policy: a read-only triage keeps a full-access writer from writing', async () => {
    const { triage, triageModel, writerModel } = pair({ mode: 'read-only' });
    const { events } = await observe(triage.run('Please write a file'));
    expect(resultsAt(events)[1]).toMatchObject({ name: 'write', isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(existsSync(join(ws.root, 'out.txt'))).toBe(false);
    triageModel.assertComplete();
    writerModel.assertComplete();
  });

  it('widens only when the embedding code says so', async () => {
    const { triage, triageModel, writerModel } = pair({ mode: 'read-only' }, { widenPolicy: true });
    const { events } = await observe(triage.run('Please write a file'));
    expect(resultsAt(events)[1]).toMatchObject({ name: 'write', isError: false });
    expect(existsSync(join(ws.root, 'out.txt'))).toBe(true);
    triageModel.assertComplete();
    writerModel.assertComplete();
  });

  it('applies from the next turn: the other calls of the handoff turn keep the policy they were made under', async () => {
    const writerModel = mockProvider([{ text: 'writer here' }]);
    const writer = createAgent({ provider: writerModel, name: 'writer', policy: { mode: 'full-access' } });
    const triageModel = mockProvider([{ toolCalls: [transfer.toolCalls[0]!, write.toolCalls[0]!] }]);
    const triage = createAgent({
      provider: triageModel,
      tools: [handoff(writer, { widenPolicy: true }), ...codingTools({ root: ws.root, exclude: ['web_fetch'] })],
      sandbox: localSandbox({ root: ws.root }),
      policy: { mode: 'read-only', root: ws.root },
    });
    const { events } = await observe(triage.run('go'));
    expect(resultsAt(events)[1]).toMatchObject({ name: 'write', isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(existsSync(join(ws.root, 'out.txt'))).toBe(false);
    triageModel.assertComplete();
    writerModel.assertComplete();
  });
});
