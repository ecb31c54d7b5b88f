import type { JsonValue } from '../model/message.js';
import type { Tool } from '../tools/tool.js';
import { ask, decidePolicy, refuseByPolicy, type Authorization } from './authorize.js';
import type { RunContext } from './run-context.js';

/**
 * A call a `beforeToolCall` hook wants a person to approve. The policy still decides first, so a hook can
 * only make a call stricter: its deny refuses (deny beats ask), and otherwise the call is asked about (the
 * policy's `approve`, or the run pauses on it) even where the policy would have allowed it.
 */
export async function askByHook(
  ctx: RunContext,
  tool: Tool,
  id: string,
  input: JsonValue,
  parsed: unknown,
  reason: string,
): Promise<Authorization> {
  const decision = await decidePolicy(ctx, tool, id, input, parsed);
  if (decision.decision === 'deny') return refuseByPolicy(ctx, id, decision);
  const why = decision.decision === 'ask' ? `${decision.reason}; a hook asks too: ${reason}` : `A hook asks: ${reason}`;
  return ask(ctx, tool.name, id, input, why, decision.decision === 'ask' ? decision.suggestedRule : undefined);
}
