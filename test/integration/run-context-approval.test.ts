/**
 * The per-run `context` and approvals: what a tool's `needsApproval` and the policy's `approve` can see of
 * the caller. A service decides approvals per user (an admin may transfer more than a guest), so the user
 * must reach both; a `beforeToolCall` hook can decide by the caller too.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool, type AgentHooks, type ToolCallInfo, type ToolContext } from '../../src/index.js';
import type { ApprovalRequest } from '../../src/policy/index.js';
import { mockProvider } from '../../src/testing/index.js';

interface Caller {
  readonly userId: string;
  readonly role: 'admin' | 'guest';
}

const transfers: string[] = [];
const seen: { needs: unknown[]; approve: ApprovalRequest[] } = { needs: [], approve: [] };

/** Moves money; what needs approval depends on who asks. */
const transfer = tool({
  name: 'transfer',
  description: 'Transfer an amount',
  input: z.object({ amount: z.number() }),
  needsApproval: (input, context) => {
    seen.needs.push(context);
    const caller = (context as { context?: Caller }).context;
    return caller?.role !== 'admin' || input.amount > 1000;
  },
  execute: ({ amount }, ctx: ToolContext<Caller>) => {
    transfers.push(`${ctx.context?.userId ?? '?'}:${amount}`);
    return `moved ${amount}`;
  },
});

function bank(caller: Caller, hooks: AgentHooks = {}, amount = 50) {
  seen.needs = [];
  seen.approve = [];
  transfers.length = 0;
  const model = mockProvider([{ toolCalls: [{ id: 't', name: 'transfer', input: { amount } }] }, { text: 'done' }]);
  const agent = createAgent<Caller>({
    provider: model,
    tools: [transfer],
    policy: {
      mode: 'workspace-write',
      approve: (request) => {
        seen.approve.push(request);
        const who = (request as ApprovalRequest & { context?: Caller }).context;
        return who?.role === 'admin' ? 'allow' : 'deny';
      },
    },
    hooks,
  });
  const run = agent.run(`Send ${amount}`, { context: caller });
  return { model, run };
}

const admin: Caller = { userId: 'u_admin', role: 'admin' };

describe('per-run context and approvals', () => {
  it("gives needsApproval the call, its session and the run's context", async () => {
    const { model, run } = bank(admin);
    const result = await run.result;
    model.assertComplete();
    expect(result.status).toBe('completed');
    expect(seen.needs).toEqual([
      { toolCallId: 't', sessionId: result.sessionId, runId: expect.any(String), context: admin },
    ]);
    // An admin's small transfer needs nobody's approval.
    expect(seen.approve).toHaveLength(0);
    expect(transfers).toEqual(['u_admin:50']);
  });

  it("gives the policy's approve the run's context", async () => {
    const guest: Caller = { userId: 'u_guest', role: 'guest' };
    const refused = bank(guest);
    const result = await refused.run.result;
    refused.model.assertComplete();
    expect(seen.approve[0]).toMatchObject({ id: 't', name: 'transfer', sessionId: result.sessionId, context: guest });
    expect(transfers).toEqual([]);

    const large = bank(admin, {}, 5000);
    await large.run.result;
    large.model.assertComplete();
    expect(seen.approve[0]).toMatchObject({ context: admin });
    expect(transfers).toEqual(['u_admin:5000']);
  });

  it('lets a beforeToolCall hook decide by the caller (the way to do it today)', async () => {
    const { model, run } = bank(
      { userId: 'u_guest', role: 'guest' },
      {
        beforeToolCall: (call: ToolCallInfo) =>
          call.name === 'transfer' && (call.context as Caller | undefined)?.role !== 'admin'
            ? { deny: 'Only admins transfer money.' }
            : undefined,
      },
    );
    const result = await run.result;
    model.assertComplete();
    expect(result.messages.at(-2)).toMatchObject({
      role: 'tool',
      content: [{ id: 't', isError: true, output: expect.stringContaining('Only admins transfer money.') }],
    });
    expect(transfers).toEqual([]);
  });
});
