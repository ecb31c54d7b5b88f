/**
 * One turn of the loop: call the model, run its tool calls (or answer them as not run when the turn ends
 * the run), store the turn, and say whether the run goes on.
 */
import type { PendingApproval, RunStatus } from '../events/run-result.js';
import type { Message, ToolCallPart, ToolResultPart } from '../model/message.js';
import { addUsage, costOf, type Usage } from '../model/usage.js';
import type { SessionEntry } from '../stores/types.js';
import { callModel, type ModelTurn } from './call-model.js';
import { answerNotRun, turnOutcome } from './finish-reason.js';
import { applyHandoff } from './handoff.js';
import { guardFirstCall } from './guardrails.js';
import { prepareRequest } from './prepare-request.js';
import type { RunContext } from './run-context.js';
import { runTools } from './run-tools.js';
import { settleOutput } from './structured-output.js';
import type { SnapshotWarning } from './types.js';

/** What a turn did: its usage, and how the run ends when it ends here. */
export interface PlayedTurn {
  readonly usage: Usage;
  /** Set when the run ends with this turn. */
  readonly end?: RunStatus;
  /** The calls a `paused` run waits for. */
  readonly pending?: PendingApproval[];
}

/** Plays one turn: model call, tool calls, storage, events. */
export async function playTurn(ctx: RunContext): Promise<PlayedTurn> {
  applyHandoff(ctx);
  const turn = ++ctx.turns;
  const sessionTurn = ++ctx.sessionTurn;
  const { provider, modelId } = ctx.config.options.provider;
  const model = { provider, modelId };
  const started = ctx.emit({ type: 'turn-start', turn, sessionTurn, model, runId: ctx.runId });
  if (started) await started;

  const prepared = prepareRequest(ctx);
  const request = prepared instanceof Promise ? await prepared : prepared;
  const answer = await guardFirstCall(ctx, callModel(ctx, request));
  account(ctx, answer);
  add(ctx, answer.message);
  if (answer.usage.inputTokens > 0) {
    ctx.contextTokens = answer.usage.inputTokens + answer.usage.outputTokens;
    ctx.contextMark = ctx.history.length;
  }
  const entries: SessionEntry[] = [{ type: 'message', message: answer.message, turn: sessionTurn }];
  const outcome = turnOutcome(answer.finishReason, answer.toolCalls.length > 0);
  let pending: PendingApproval[] | undefined;

  if (outcome === 'run-tools') {
    // The calls (and the snapshot before them) are stored before they run: after a crash, a resume knows
    // they were made and answers them as interrupted instead of silently making them again.
    const snapshot = ctx.config.options.snapshots
      ? await snapshotBeforeChanges(ctx, answer.toolCalls, sessionTurn)
      : undefined;
    await ctx.persist(snapshot ? [...entries, snapshot] : entries);
    entries.length = 0;
    const ran = runTools(ctx, answer.toolCalls, answer.rejected);
    const batch = ran instanceof Promise ? await ran : ran;
    if (batch.pending.length > 0) {
      pending = batch.pending;
      entries.push({ type: 'pending-approvals', requests: batch.pending, results: batch.results, turn: sessionTurn });
    } else {
      entries.push(addToolMessage(ctx, batch.results, sessionTurn));
    }
  } else if (answer.toolCalls.length > 0) {
    entries.push(addToolMessage(ctx, await answerNotRun(ctx, answer.toolCalls, answer.finishReason), sessionTurn));
  }
  await ctx.persist(entries);
  const ended = ctx.emit({
    type: 'turn-end',
    turn,
    sessionTurn,
    usage: answer.usage,
    finishReason: answer.finishReason,
    runId: ctx.runId,
  });
  if (ended) await ended;

  if (pending) return { usage: answer.usage, end: 'paused', pending };
  const output = ctx.settings.output;
  if (outcome === 'completed' && output)
    return { usage: answer.usage, ...(await settleOutput(ctx, output, answer.message)) };
  return outcome === 'run-tools' ? { usage: answer.usage } : { usage: answer.usage, end: outcome };
}

/** Adds a turn's usage and cost to the run's. */
function account(ctx: RunContext, answer: ModelTurn): void {
  const pricing = ctx.config.options.provider.pricing;
  ctx.finishReason = answer.finishReason;
  addUsage(ctx.usage, answer.usage);
  if (pricing) {
    ctx.cost += costOf(answer.usage, pricing);
    ctx.costKnown = true;
  }
}

/** Adds a message to the history the model sees and to this run's messages. */
export function add(ctx: RunContext, message: Message): void {
  ctx.history.push(message);
  ctx.messages.push(message);
}

function addToolMessage(ctx: RunContext, results: ToolResultPart[], sessionTurn: number): SessionEntry {
  const toolMessage: Message = { role: 'tool', content: results };
  add(ctx, toolMessage);
  return { type: 'message', message: toolMessage, turn: sessionTurn };
}

/**
 * Snapshots the workspace before a turn's tool calls when any of them may change files (a tool that is
 * not read-only); the entry is stored with the calls, before they run.
 */
async function snapshotBeforeChanges(
  ctx: RunContext,
  calls: readonly ToolCallPart[],
  sessionTurn: number,
): Promise<SessionEntry | undefined> {
  const snapshots = ctx.config.options.snapshots;
  if (!snapshots || calls.every((call) => ctx.config.tools.get(call.name)?.readOnly !== false)) return undefined;
  const warnings: SnapshotWarning[] = [];
  const snapshotId = await snapshots.take({ signal: ctx.signal, onWarning: (warning) => warnings.push(warning) });
  for (const { kind, message, paths } of warnings) {
    await ctx.emit({ type: 'snapshot-warning', kind, message, paths, sessionTurn, runId: ctx.runId });
  }
  return { type: 'snapshot', snapshotId, turn: sessionTurn };
}
