/**
 * Unit-testing your own agent with the mock provider: script the model's turns, run the agent for real
 * (your tools, your policy), and assert on what the model was sent and what the agent did.
 *
 *   npx vitest run examples/agent.test.ts
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool } from 'icode';
import { mockProvider } from 'icode/testing';

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
const makeAgent = (provider: ReturnType<typeof mockProvider>) =>
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
