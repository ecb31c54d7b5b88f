import type { PendingApproval } from '../events/run-result.js';
import type { Message, ToolCallPart, ToolResultPart } from '../model/message.js';
import type { PendingApprovalsEntry, StoredEntry } from '../stores/types.js';
import { SessionStateMap } from './session-state.js';

/** A session as the loop needs it: the history the model sees, its state, and what it waits for. */
export interface SessionView {
  /** Messages the model sees: compacted history plus everything after the last boundary. */
  readonly history: Message[];
  readonly state: SessionStateMap;
  /** Pending approvals of a paused session, with results already produced in that turn. */
  readonly pending?: PendingApprovalsEntry;
  /** The highest turn number stored (turns count across runs of the session). */
  readonly lastTurn: number;
}

/** The user message that stands for summarised history after a compaction boundary. */
export function summaryMessage(summary: string): Message {
  return {
    role: 'user',
    content: [{ type: 'text', text: `<summary of the earlier conversation>\n${summary}\n</summary>` }],
  };
}

/** Rebuilds the model-visible view of a session from its stored entries. */
export function viewSession(entries: readonly StoredEntry[]): SessionView {
  let messages: { seq: number; message: Message }[] = [];
  const state = new SessionStateMap();
  let pending: PendingApprovalsEntry | undefined;
  let lastTurn = 0;
  for (const { seq, entry } of entries) {
    switch (entry.type) {
      case 'message':
        messages.push({ seq, message: entry.message });
        if (entry.turn !== undefined && entry.turn > lastTurn) lastTurn = entry.turn;
        break;
      case 'compaction':
        messages = [{ seq, message: summaryMessage(entry.summary) }, ...messages.filter((m) => m.seq > entry.upTo)];
        break;
      case 'pending-approvals':
        pending = entry;
        break;
      case 'approvals-resolved':
        pending = undefined;
        break;
      case 'data':
        state.load(entry.key, entry.value);
        break;
      case 'snapshot':
        break;
    }
  }
  const view: SessionView = { history: messages.map((m) => m.message), state, lastTurn };
  return pending ? { ...view, pending } : view;
}

/**
 * Tool calls of the last assistant message that have no result: left by a crash mid-turn, or by a new
 * input sent to a paused session. The model must never see a call without its result, so the loop answers
 * them with error results before going on.
 */
export function unansweredToolCalls(history: readonly Message[]): ToolCallPart[] {
  const last = history.at(-1);
  if (!last || last.role !== 'assistant') return [];
  return last.content.filter((part): part is ToolCallPart => part.type === 'tool-call');
}

/** Error results for calls that will never run, with the reason the model reads. */
export function closeToolCalls(calls: readonly (ToolCallPart | PendingApproval)[], reason: string): ToolResultPart[] {
  return calls.map((call) => ({ type: 'tool-result', id: call.id, name: call.name, output: reason, isError: true }));
}
