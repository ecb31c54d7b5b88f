/**
 * Tool calls and their results, paired the way every provider insists on.
 *
 * Anthropic rejects a `tool_use` without its `tool_result` in the next message (and a result without its
 * call); OpenAI rejects an assistant `tool_calls` message not followed by a `tool` message for each id.
 * A history can hold such orphans after an interrupted run or a hand-edited session; one orphan would
 * fail every later call with a 400. The pairing happens here, once, before any provider mapping.
 *
 * @packageDocumentation
 */
import type { Message, ToolResultPart } from '../../model/message.js';

/** The output given to a tool call that has no result in the history. */
export const MISSING_RESULT = 'No result: the tool call was interrupted before it returned.';

/**
 * The messages with every assistant tool call answered in the tool message right after it: results are
 * put in call order, missing results become error results ({@link MISSING_RESULT}), and results that
 * answer no call of the assistant message before them are dropped. A history already paired comes back
 * equal (the input is never mutated).
 *
 * @example
 * ```ts
 * pairToolResults([
 *   { role: 'user', content: [{ type: 'text', text: 'Read a' }] },
 *   { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'read', input: {} }] },
 *   { role: 'user', content: [{ type: 'text', text: 'Never mind' }] },
 * ]); // inserts { role: 'tool', content: [{ type: 'tool-result', id: 'c1', …, isError: true }] } before the last message
 * ```
 */
export function pairToolResults(messages: readonly Message[]): Message[] {
  const out: Message[] = [];
  for (let i = 0; i < messages.length; i += 1) {
    const message = messages[i]!;
    if (message.role === 'tool') {
      // Reached only when the message before it was not an assistant turn with calls: an orphan.
      continue;
    }
    out.push(message);
    if (message.role !== 'assistant') continue;
    const calls = message.content.filter((part) => part.type === 'tool-call');
    if (calls.length === 0) continue;
    // The results may be spread over several tool messages in a row: gather them all.
    const given = new Map<string, ToolResultPart>();
    for (let next = messages[i + 1]; next?.role === 'tool'; next = messages[i + 1]) {
      for (const result of next.content) if (!given.has(result.id)) given.set(result.id, result);
      i += 1;
    }
    out.push({
      role: 'tool',
      content: calls.map(
        (call) =>
          given.get(call.id) ?? {
            type: 'tool-result',
            id: call.id,
            name: call.name,
            output: MISSING_RESULT,
            isError: true,
          },
      ),
    });
  }
  return out;
}
