/**
 * Testing your own agent, four ways, in one file:
 * - scripted: the mock provider plays the model's turns; your tools and policy run for real;
 * - auto-model: every tool called with inputs drawn from its schema, a one-line smoke test of a toolset;
 * - cassette: real provider traffic recorded once, replayed offline through the real adapter;
 * - matchers and transcripts from `icode/testing/vitest`, and no real model call by accident.
 *
 *   npx vitest run examples/agent.test.ts
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool } from 'icode';
import { createPolicy } from 'icode/policy';
import { anthropic } from 'icode/providers/anthropic';
import {
  autoModel,
  captureRunMessages,
  cassette,
  disallowModelRequests,
  formatTranscript,
  mockProvider,
} from 'icode/testing';
import 'icode/testing/vitest';
import { readTool } from 'icode/tools';

// Usually in a vitest `setupFiles` file: any real model call now fails at once, before it connects.
disallowModelRequests();

// The agent under test: a refund assistant with one tool and a rule of its own.
const refunds: string[] = [];
const issueRefund = tool({
  name: 'issue_refund',
  description: 'Refund an order',
  input: z.object({ orderId: z.string(), amount: z.number().positive() }),
  execute: async ({ orderId, amount }) => {
    refunds.push(orderId);
    return `Refunded ${amount} on ${orderId}`;
  },
});
const makeAgent = (provider: Parameters<typeof createAgent>[0]['provider']) =>
  createAgent({
    provider,
    instructions: 'Refund only when asked.',
    tools: [issueRefund],
    // A tool that changes things asks by default; this agent may refund on its own (within the hook's limit).
    policy: { mode: 'workspace-write', allow: ['issue_refund'] },
    hooks: {
      beforeToolCall: (call) =>
        (call.input as { amount: number }).amount > 500 ? { deny: 'Refunds over 500 need a human.' } : undefined,
    },
  });

describe('refund agent', () => {
  it('refunds and confirms', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'issue_refund', input: { orderId: 'A1', amount: 20 } }] },
      { text: 'Done: 20 refunded on A1.' },
    ]);
    const result = await makeAgent(model).run('Please refund order A1 (20 EUR)').result;
    expect(result.text).toBe('Done: 20 refunded on A1.');
    expect(refunds).toContain('A1');
    // What the model saw on its second call: the tool result, paired with its call.
    expect(model.requests[1]?.messages.at(-1)?.content[0]).toMatchObject({
      type: 'tool-result',
      output: 'Refunded 20 on A1',
      isError: false,
    });
    model.assertComplete();
  });

  it('refuses large refunds and tells the model why', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'issue_refund', input: { orderId: 'B2', amount: 900 } }] },
      { text: 'I cannot refund that much; a colleague will follow up.' },
    ]);
    const run = makeAgent(model).run('Refund 900 on B2');
    const denied = [];
    for await (const event of run) if (event.type === 'tool-result' && event.isError) denied.push(event.errorCode);
    expect(denied).toEqual(['PERMISSION_DENIED']);
    expect(refunds).not.toContain('B2');
    expect((await run.result).status).toBe('completed');
  });
});

describe('refund agent, with the matchers and the transcript', () => {
  it('reads like what it did', async () => {
    const model = mockProvider([
      { text: 'Refunding.', toolCalls: [{ name: 'issue_refund', input: { orderId: 'C3', amount: 15 } }] },
      { text: 'Refunded 15 on C3.' },
    ]);
    const run = await captureRunMessages(() => makeAgent(model).run('Refund 15 on C3'));
    model.assertComplete();
    expect(run).toHaveCalledTool('issue_refund', { orderId: 'C3', amount: 15 });
    expect(run).toHaveCalledToolsInOrder(['issue_refund']);
    expect(run).not.toHaveAskedPermissionFor('issue_refund');
    expect(run).toHaveFinishedWith('completed');
    // Id-free and stable: fit for a snapshot, and what a failing matcher prints.
    expect(formatTranscript(run.events!)).toBe(
      [
        '── turn 1',
        'assistant: Refunding.',
        '→ issue_refund {"orderId":"C3","amount":15}',
        '  allow (rule: issue_refund)',
        '✓ issue_refund "Refunded 15 on C3"',
        '  (tool-calls · 10 in / 18 out)',
        '── turn 2',
        'assistant: Refunded 15 on C3.',
        '  (stop · 32 in / 5 out)',
        '= completed after 2 turn(s) · 42 in / 23 out tokens',
      ].join('\n'),
    );
  });

  it('survives every tool called with schema-valid input (auto-model)', async () => {
    const model = autoModel({ seed: 1 });
    const result = await makeAgent(model).run('Exercise your tools').result;
    model.assertComplete();
    // A valid round and an edge-case round, then a summary; a tool that throws shows as "failed" there.
    expect(result).toHaveCalledToolsInOrder(['issue_refund', 'issue_refund']);
    expect(result.text).toBe('autoModel called 1 tool(s):\n- issue_refund: 2 call(s)');
  });
});

describe('a docs agent against Claude, replayed from a cassette', () => {
  // Recorded once (see test/fixtures/cassettes/record.ts: `REAL=1` with ANTHROPIC_API_KEY set records the
  // real API; mode 'record' here would too). Replayed offline: no key, no network, the real adapter and SDK.
  const tape = new URL('../test/fixtures/cassettes/anthropic-read-file.json', import.meta.url).pathname;

  it('quotes the file it read', async () => {
    const root = await mkdtemp(join(tmpdir(), 'docs-agent-'));
    await writeFile(join(root, 'fixture.txt'), 'alpha parity line\nbeta line\n');
    const recording = await cassette({ path: tape, mode: 'replay' });
    try {
      const agent = createAgent({
        provider: anthropic({ model: 'claude-haiku-4-5', apiKey: process.env.ANTHROPIC_API_KEY ?? 'unused' }),
        tools: [readTool({ root })],
        policy: createPolicy({ mode: 'read-only', root }),
      });
      const result = await agent.run('What does fixture.txt say?').result;
      expect(result).toHaveCalledTool('read', { file_path: 'fixture.txt' });
      expect(result.text).toContain('alpha parity line');
    } finally {
      // Throws if the agent sent a request the cassette does not hold, with a diff of what changed.
      await recording.stop();
      await rm(root, { recursive: true, force: true });
    }
  });
});
