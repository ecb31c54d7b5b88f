/**
 * Resuming a run whose sub-agents paused: the answers for their requests (ids `<call id>/<child's id>`) go
 * to the children, which resume first, each in its own session; then the parent's own pending calls are
 * decided, a finished child's call answered by its final text. When a child pauses again, so does the
 * parent, before any of its own calls are decided. Internal.
 */
import { RunStateError } from '../../errors/config-error.js';
import type { PendingApproval } from '../../events/run-result.js';
import { messageText } from '../../model/message.js';
import type { RunContext } from '../run-context.js';
import { viewSession, type SessionView } from '../session-history.js';
import type { ResumeAnswer } from '../types.js';
import { childSessionId, runChild } from './child-run.js';
import { failedChild, settleChild, subagentOf } from './outcome.js';
import { treeOf } from './run-link.js';

type Answers = Readonly<Record<string, ResumeAnswer>>;
type ResumeNext = (
  ctx: RunContext,
  view: SessionView,
  approvals: Answers | undefined,
) => Promise<PendingApproval[] | undefined>;

/**
 * Resumes the paused children of a session's pending sub-agent calls, then `next` (the parent's own
 * resume) with each such call approved, or returns the calls still waiting when a child paused again.
 */
export async function resumeTree(
  ctx: RunContext,
  view: SessionView,
  approvals: Answers | undefined,
  next: ResumeNext,
): Promise<PendingApproval[] | undefined> {
  const requests = view.pending?.requests ?? [];
  const delegated = requests.filter((r) => subagentOf(ctx.config.tools.get(r.name)) !== undefined);
  if (delegated.length === 0) return next(ctx, view, approvals);
  const given: Answers = approvals ?? {};
  const owner = ownerOf(requests, delegated);
  const forParent: Record<string, ResumeAnswer> = {};
  for (const [id, answer] of Object.entries(given)) if (owner(id) === undefined) forParent[id] = answer;
  const waiting: PendingApproval[] = [];
  const decided = new Set<string>();
  const tree = treeOf(ctx);
  const outer = await ctx.sandbox();
  for (const request of delegated) {
    const own = Object.hasOwn(given, request.id) ? given[request.id] : undefined;
    if (own !== undefined && !allows(own)) continue; // the whole call is refused: the parent's resume says so
    const marker = subagentOf(ctx.config.tools.get(request.name))!;
    const config = await marker.configFor(ctx, outer);
    const sessionId = childSessionId(ctx.sessionId, marker.name, request.id);
    const info = await config.store.get(sessionId);
    // No session: the call itself waits for the parent's own approval (an ask rule naming the sub-agent).
    if (!info) continue;
    const childView = viewSession((await config.store.load(sessionId)).entries);
    if (childView.pending) {
      const answers = childAnswers(given, owner, request, childView, own);
      try {
        const result = await runChild({
          parent: ctx,
          config,
          toolCallId: request.id,
          begin: { kind: 'resume', approvals: answers },
          signal: ctx.signal,
        });
        const answer = settleChild(tree, request.id, marker.name, result);
        if (result.status === 'paused') {
          waiting.push(request);
          continue;
        }
        tree.resumed.set(request.id, { text: answer });
      } catch (error) {
        // Answers that do not cover the child's requests: nothing ran, so the whole resume is refused.
        if (RunStateError.isInstance(error)) throw error;
        tree.resumed.set(request.id, { error: failedChild(marker.name, error).message });
      }
    } else {
      // Finished in an earlier resume that paused again on another call: its last answer is the result.
      const last = childView.history.findLast((m) => m.role === 'assistant');
      tree.resumed.set(request.id, { text: last ? messageText(last) : '' });
    }
    forParent[request.id] = { answer: 'allow', digest: request.digest };
    decided.add(request.id);
  }
  if (waiting.length > 0) {
    // Paused again: the parent's session is left as it was; its other calls are asked again.
    return requests.filter((r) => !decided.has(r.id));
  }
  return next(ctx, view, forParent);
}

/**
 * Which sub-agent call an answer's id belongs to: `<call id>/<child's id>`, the longest call id when ids
 * themselves hold a `/` (a model may send such ids), and none when the id is one of the parent's own
 * pending calls. An id that could be read both ways goes to the parent, so a child's call is never
 * approved by an answer meant for another: the child then lacks its answer and the resume fails, running
 * nothing.
 */
function ownerOf(
  requests: readonly PendingApproval[],
  delegated: readonly PendingApproval[],
): (id: string) => PendingApproval | undefined {
  const own = new Set(requests.map((r) => r.id));
  return (id) => {
    if (own.has(id)) return undefined;
    let best: PendingApproval | undefined;
    for (const r of delegated) if (id.startsWith(`${r.id}/`) && (!best || r.id.length > best.id.length)) best = r;
    return best;
  };
}

function allows(answer: ResumeAnswer): boolean {
  const value = typeof answer === 'object' && answer !== null && 'answer' in answer ? answer.answer : answer;
  return value === 'allow' || value === 'allow-always';
}

/**
 * The answers a child gets: those given for `<call id>/<its id>`, and for its requests not answered so,
 * the answer given for the whole call (`<call id>`), when there is one.
 */
function childAnswers(
  given: Answers,
  owner: (id: string) => PendingApproval | undefined,
  call: PendingApproval,
  child: SessionView,
  whole: ResumeAnswer | undefined,
): Answers {
  const answers: Record<string, ResumeAnswer> = {};
  for (const [id, answer] of Object.entries(given)) {
    if (owner(id) === call) answers[id.slice(call.id.length + 1)] = answer;
  }
  if (whole !== undefined) {
    for (const r of child.pending?.requests ?? []) {
      const covered = Object.keys(answers).some((id) => id === r.id || id.startsWith(`${r.id}/`));
      if (!covered) answers[r.id] = whole;
    }
  }
  return answers;
}
