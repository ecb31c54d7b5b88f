import { abortReason } from '../../internal/abort.js';
import type { Message } from '../../model/message.js';
import { addUsage, emptyUsage } from '../../model/usage.js';
import type { CompactionStrategy } from './types.js';

const SUMMARY_INSTRUCTIONS = `You are summarising a conversation between a user and an AI coding agent so the agent can continue the work with only your summary and the most recent messages.
Write a concise, factual summary with these sections:
- Goal: what the user asked for, in their words where it matters.
- Done: what has been done so far (files read or changed, commands run and their outcomes).
- State: decisions made, facts learned (paths, names, errors), anything the agent must not forget.
- Next: what remains to be done.
Do not address the user. Do not invent anything.`;

/** Options of {@link summarizeCompaction}. */
export interface SummarizeCompactionOptions {
  /** Instructions for the summarising call. */
  readonly instructions?: string;
  /** Cap on the summary's length in tokens. @defaultValue 2000 */
  readonly maxOutputTokens?: number;
}

/**
 * The default compaction: the agent's own model summarises the older part of the history (everything
 * before the recent turns, which stay verbatim). The summary call's usage counts in the run's usage.
 *
 * @example
 * ```ts
 * createAgent({ provider, compaction: { strategy: summarizeCompaction({ maxOutputTokens: 1000 }), threshold: 0.7 } });
 * ```
 */
export function summarizeCompaction(options: SummarizeCompactionOptions = {}): CompactionStrategy {
  return {
    name: 'summarize',
    async compact({ history, keepFrom, model, signal }) {
      const older: Message[] = history.slice(0, keepFrom);
      older.push({
        role: 'user',
        content: [
          { type: 'text', text: 'Summarise the conversation above as instructed. Reply with the summary only.' },
        ],
      });
      let summary = '';
      const usage = emptyUsage();
      for await (const part of model.stream(
        {
          system: options.instructions ?? SUMMARY_INSTRUCTIONS,
          messages: older,
          tools: [],
          toolChoice: 'none',
          maxOutputTokens: options.maxOutputTokens ?? 2000,
        },
        { signal },
      )) {
        if (signal.aborted) throw abortReason(signal);
        if (part.type === 'text-delta') summary += part.text;
        else if (part.type === 'usage') addUsage(usage, part.usage);
        else if (part.type === 'error') throw part.error;
      }
      summary = summary.trim();
      return summary ? { mode: 'summary', summary, usage } : undefined;
    },
  };
}

/**
 * A compaction that calls no model: it replaces the outputs of older tool results (usually most of the
 * context of a coding agent) with a short note and keeps every message and tool call.
 *
 * @example
 * ```ts
 * createAgent({ provider, compaction: { strategy: pruneToolOutputs() } });
 * ```
 */
export function pruneToolOutputs(): CompactionStrategy {
  return {
    name: 'prune-tool-outputs',
    async compact({ history, keepFrom }) {
      for (let i = 0; i < keepFrom; i++) {
        const message = history[i]!;
        if (message.role === 'tool' && message.content.some((p) => p.output !== PRUNED_OUTPUT))
          return { mode: 'prune' };
      }
      return undefined;
    },
  };
}

/** What a pruned tool output reads. */
export const PRUNED_OUTPUT = '[output removed to save context; run the tool again if you need it]';
