/**
 * A paused sub-agent as its parent shows it: the parent's call waits (stored as one pending call of the
 * parent), and the parent's result lists the child's own requests, with ids that say which call they
 * belong to. Internal.
 */
import type { ChildRun, PendingApproval } from '../../events/run-result.js';
import { callDigest } from '../../internal/call-digest.js';
import type { JsonValue, ToolCallPart } from '../../model/message.js';
import type { RunContext } from '../run-context.js';
import { existingTree } from './run-link.js';

/**
 * The pending approval of a call whose sub-agent paused, or `undefined` for any other call. It is what
 * the parent's session stores: the sub-agent call itself, resumed when its child's requests are decided.
 */
export function pausedCall(
  ctx: RunContext,
  call: ToolCallPart,
  input: JsonValue,
): { request: PendingApproval } | undefined {
  const paused = existingTree(ctx)?.paused.get(call.id);
  if (!paused) return undefined;
  const waiting = paused.pending.map((r) => r.name).join(', ');
  return {
    request: {
      id: call.id,
      name: call.name,
      input,
      digest: callDigest(call.name, input),
      reason: `The sub-agent "${paused.name}" waits for approval of: ${waiting || 'its calls'}.`,
    },
  };
}

/**
 * What a run's result adds for its sub-agents: `children`, and `pending` with each paused sub-agent call
 * replaced by its child's requests, ids `<call id>/<child's id>` and `path` from this agent down.
 */
export function subagentFields(
  ctx: RunContext,
  pending: readonly PendingApproval[] | undefined,
): { children?: readonly ChildRun[]; pending?: readonly PendingApproval[] } {
  const tree = existingTree(ctx);
  if (!tree) return {};
  const expanded =
    pending && tree.paused.size > 0
      ? pending.flatMap((request) => {
          const paused = tree.paused.get(request.id);
          if (!paused) return [request];
          return paused.pending.map((child) => ({
            ...child,
            id: `${request.id}/${child.id}`,
            path: [ctx.config.name, ...(child.path ?? [paused.name])],
          }));
        })
      : undefined;
  return {
    ...(tree.children.length > 0 ? { children: tree.children } : {}),
    ...(expanded ? { pending: expanded } : {}),
  };
}
