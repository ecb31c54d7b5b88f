import { RunStateError } from '../errors/config-error.js';
import type { PendingApproval, RunResult } from '../events/run-result.js';
import type { Usage } from '../model/usage.js';
import { messageText, type JsonValue, type Message, type ToolResultPart } from '../model/message.js';
import type { SessionEntry } from '../stores/types.js';
import { maybeCompact } from './compaction/maybe-compact.js';
import { checkBudget } from './cost.js';
import { add, playTurn } from './play-turn.js';
import { continueAfterStop, startRunHooks } from './run-hooks.js';
import type { RunContext } from './run-context.js';
import type { ResumeAnswer } from './types.js';
import { resumeApprovals } from './resume-approvals.js';
import { withSessionCallIds } from './run-input.js';
import { shouldStop } from './stop-conditions.js';
import { resumeTree } from './subagent/tree-resume.js';
import { subagentFields } from './subagent/tree-result.js';
import { closeToolCalls, orderResults, unansweredToolCalls, viewSession, type SessionView } from './session-history.js';

/** How a run starts: with new user input, or with decisions on a paused session's approvals. */
export type RunStart =
  | { readonly kind: 'input'; readonly messages: readonly Message[]; readonly newSession?: boolean }
  | { readonly kind: 'resume'; readonly approvals?: Readonly<Record<string, ResumeAnswer>> };

const NEW_INPUT_INSTEAD = 'Not run: the user sent a new message instead of deciding on this call.';
export const INTERRUPTED =
  'Not completed: the run was interrupted before this tool call finished. Check its effects before retrying.';

/**
 * The agent loop: load the session, add the input (or the approved calls), then turn by turn call the
 * model, run its tool calls and store the turn, until the model answers without tools, a turn ends
 * without a clean answer (`incomplete`, see finish-reason.ts), `maxTurns` is reached, a call waits for
 * approval, or the run is aborted.
 */
export async function runLoop(
  ctx: RunContext,
  start: RunStart,
  maxTurns: number,
  metadata?: Readonly<Record<string, JsonValue>>,
): Promise<RunResult> {
  const store = ctx.config.store;
  if (store.lockSession) {
    // Held for the whole run, so another worker cannot run this session at the same time.
    const lock = await store.lockSession(ctx.sessionId, {
      signal: ctx.signal,
      timeoutMs: ctx.config.lockTimeoutMs,
      onWait: ({ owner, since }) =>
        void ctx.emit({
          type: 'session-lock-wait',
          sessionId: ctx.sessionId,
          ...(owner ? { owner } : {}),
          since,
          runId: ctx.runId,
        }),
    });
    ctx.onRunEnd(() => lock.release());
  }
  // A session id the agent just made up names no stored session: create it without looking first.
  const existing = start.kind === 'input' && start.newSession ? undefined : await store.get(ctx.sessionId);
  const info =
    existing ??
    (start.kind === 'resume'
      ? undefined
      : await store.create({ id: ctx.sessionId, ...(metadata ? { metadata } : {}) }));
  if (!info) throw new RunStateError(`Session ${ctx.sessionId} does not exist, so there is nothing to resume.`);
  const view = info.version === 0 ? viewSession([]) : viewSession((await store.load(ctx.sessionId)).entries);
  ctx.version = info.version;
  ctx.history = view.history;
  ctx.historySeqs = view.seqs;
  ctx.state = view.state;
  ctx.sessionTurn = view.lastTurn;
  ctx.callIds = view.callIds;

  await ctx.emit({ type: 'run-start', sessionId: ctx.sessionId, runId: ctx.runId });
  const hooked = await startRunHooks(ctx, start);
  let pending: PendingApproval[] | undefined;
  if (start.kind === 'input') await addInput(ctx, view, hooked ?? start.messages);
  else pending = await resumeTree(ctx, view, start.approvals, resumeSession);
  // A resume whose calls are asked again pauses again before any model call.
  if (pending) {
    ctx.status = 'paused';
    return buildResult(ctx, pending);
  }

  let lastUsage: Usage | undefined;
  const { maxCostUsd, provider } = ctx.config.options;
  for (;;) {
    if (ctx.signal.aborted) {
      ctx.status = 'aborted';
      break;
    }
    // After each turn that goes on, and after the calls a resume ran: before the model is called again.
    if (ctx.settings.stopWhen && (ctx.turns > 0 || start.kind === 'resume') && (await shouldStop(ctx))) {
      ctx.status = 'stopped';
      break;
    }
    if (ctx.turns >= maxTurns) {
      ctx.status = 'max-turns';
      break;
    }
    if (ctx.config.compaction) await maybeCompact(ctx, ctx.config.compaction);
    if (maxCostUsd !== undefined && provider.pricing) checkBudget(ctx.cost, maxCostUsd, lastUsage, provider.pricing);
    const played = await playTurn(ctx);
    lastUsage = played.usage;
    if (played.end === 'completed' && (await continueAfterStop(ctx, maxTurns))) continue;
    if (played.end) {
      ctx.status = played.end;
      pending = played.pending;
      break;
    }
  }
  return buildResult(ctx, pending);
}

/** The result of the run so far (also the partial result of a failed run). */
export function buildResult(ctx: RunContext, pending?: readonly PendingApproval[]): RunResult {
  let text = '';
  for (let i = ctx.messages.length - 1; i >= 0; i--) {
    const message = ctx.messages[i] as Message;
    if (message.role === 'assistant') {
      text = messageText(message);
      break;
    }
  }
  return {
    sessionId: ctx.sessionId,
    status: ctx.status,
    text,
    messages: ctx.messages,
    usage: ctx.usage,
    turns: ctx.turns,
    ...(ctx.costKnown ? { cost: ctx.cost } : {}),
    ...(pending ? { pending } : {}),
    ...(ctx.finishReason !== undefined ? { finishReason: ctx.finishReason } : {}),
    ...(ctx.settings.output?.result ? { output: ctx.settings.output.result.value } : {}),
    ...subagentFields(ctx, pending),
  };
}

/**
 * Adds the run's input (a user message, or an imported conversation), first answering any tool call that
 * would otherwise stay without a result.
 */
async function addInput(ctx: RunContext, view: SessionView, input: readonly Message[]): Promise<void> {
  const entries: SessionEntry[] = [];
  let open: ToolResultPart[] = [];
  if (view.pending) {
    const decisions = Object.fromEntries(view.pending.requests.map((r) => [r.id, 'deny' as const]));
    entries.push({ type: 'approvals-resolved', decisions });
    open = orderResults(ctx.history, [
      ...(view.pending.results ?? []),
      ...closeToolCalls(view.pending.requests, NEW_INPUT_INSTEAD),
    ]);
  } else {
    open = closeToolCalls(unansweredToolCalls(ctx.history), INTERRUPTED);
  }
  if (open.length > 0) {
    const toolMessage: Message = { role: 'tool', content: open };
    add(ctx, toolMessage);
    entries.push({ type: 'message', message: toolMessage, turn: ctx.sessionTurn });
  }
  // The input belongs to the turn it starts, so reverting to an earlier turn drops it too.
  for (const message of input.length > 1 ? withSessionCallIds(input, ctx.callIds) : input) {
    add(ctx, message);
    entries.push({ type: 'message', message, turn: ctx.sessionTurn + 1 });
  }
  await ctx.persist(entries);
}

/**
 * Continues a session where it stopped: a paused one with decisions on its pending calls; one interrupted
 * by a crash (its last message is the user's input, tool results, or tool calls that never got results,
 * which are answered as interrupted) as it is.
 */
async function resumeSession(
  ctx: RunContext,
  view: SessionView,
  approvals: Readonly<Record<string, ResumeAnswer>> | undefined,
): Promise<PendingApproval[] | undefined> {
  if (view.pending) return resumeApprovals(ctx, view, approvals ?? {});
  if (approvals && Object.keys(approvals).length > 0) {
    throw new RunStateError(`Session ${ctx.sessionId} is not waiting for any approval.`);
  }
  const last = ctx.history.at(-1);
  if (!last || (last.role === 'assistant' && unansweredToolCalls(ctx.history).length === 0)) {
    throw new RunStateError(
      `Session ${ctx.sessionId} has nothing to resume: its last turn completed. Start a run with new input.`,
    );
  }
  const open = closeToolCalls(unansweredToolCalls(ctx.history), INTERRUPTED);
  if (open.length > 0) {
    const toolMessage: Message = { role: 'tool', content: open };
    add(ctx, toolMessage);
    await ctx.persist([{ type: 'message', message: toolMessage, turn: ctx.sessionTurn }]);
  }
  return undefined;
}
