import type { PendingApproval } from '../events/run-result.js';
import type { Message, ToolCallPart, ToolResultPart, UserMessage } from '../model/message.js';
import type { CompactionEntry, PendingApprovalsEntry, StoredEntry } from '../stores/types.js';
import { CallIds } from './call-ids.js';
import { PRUNED_OUTPUT } from './compaction/strategies.js';
import { SessionStateMap } from './session-state.js';

/** A session as the loop needs it: the history the model sees, its state, and what it waits for. */
export interface SessionView {
  /** Messages the model sees: compacted history plus everything after the last boundary. */
  readonly history: Message[];
  /** The store version (seq) of the entry behind each message of `history`. */
  readonly seqs: number[];
  readonly state: SessionStateMap;
  /** Pending approvals of a paused session, with results already produced in that turn. */
  readonly pending?: PendingApprovalsEntry;
  /** The highest turn number stored (turns count across runs of the session). */
  readonly lastTurn: number;
  /** Every tool-call id stored in the session (compacted history included): new calls get other ids. */
  readonly callIds: CallIds;
}

/** The text that stands for summarised history after a compaction boundary. */
export function summaryText(summary: string): string {
  return `<summary of the earlier conversation>\n${summary}\n</summary>`;
}

/**
 * Applies a compaction boundary to a history (in the form the loop keeps: messages with their seqs).
 * A summary becomes the first user message (merged into the next one when that is a user message too, so
 * roles keep alternating); pruning replaces old tool outputs.
 */
export function applyCompaction(
  history: readonly Message[],
  seqs: readonly number[],
  entry: Pick<CompactionEntry, 'mode' | 'summary' | 'upTo'>,
  entrySeq: number,
): { history: Message[]; seqs: number[] } {
  let keepFrom = 0;
  while (keepFrom < seqs.length && seqs[keepFrom]! <= entry.upTo) keepFrom++;
  if (entry.mode === 'prune') {
    return { history: history.map((message, i) => (i < keepFrom ? pruneMessage(message) : message)), seqs: [...seqs] };
  }
  const kept = history.slice(keepFrom);
  const keptSeqs = seqs.slice(keepFrom);
  const summary = { type: 'text' as const, text: summaryText(entry.summary) };
  const first = kept[0];
  if (first?.role === 'user') {
    const merged: UserMessage = { role: 'user', content: [summary, ...first.content] };
    return { history: [merged, ...kept.slice(1)], seqs: keptSeqs };
  }
  return { history: [{ role: 'user', content: [summary] }, ...kept], seqs: [entrySeq, ...keptSeqs] };
}

function pruneMessage(message: Message): Message {
  if (message.role !== 'tool') return message;
  return { role: 'tool', content: message.content.map((part) => ({ ...part, output: PRUNED_OUTPUT })) };
}

/** Rebuilds the model-visible view of a session from its stored entries. */
export function viewSession(entries: readonly StoredEntry[]): SessionView {
  let history: Message[] = [];
  let seqs: number[] = [];
  const state = new SessionStateMap();
  let pending: PendingApprovalsEntry | undefined;
  let lastTurn = 0;
  const callIds = new CallIds();
  for (const { seq, entry } of entries) {
    switch (entry.type) {
      case 'message':
        history.push(entry.message);
        seqs.push(seq);
        if (entry.turn !== undefined && entry.turn > lastTurn) lastTurn = entry.turn;
        if (entry.message.role === 'assistant') {
          for (const part of entry.message.content) if (part.type === 'tool-call') callIds.add(part.id);
        }
        break;
      case 'compaction':
        ({ history, seqs } = applyCompaction(history, seqs, entry, seq));
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
  const view: SessionView = { history, seqs, state, lastTurn, callIds };
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

/** Puts results in the order of the calls of the last assistant message of `history`. */
export function orderResults(history: readonly Message[], results: ToolResultPart[]): ToolResultPart[] {
  const order = new Map(unansweredToolCalls(history).map((call, index) => [call.id, index]));
  return results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}
