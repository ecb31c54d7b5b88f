/**
 * A history with tool calls, for a request that defines no tools.
 *
 * @packageDocumentation
 */
import type { JsonValue, Message } from '../../model/message.js';

/** A tool result's output as the text the API gets. */
export function toolOutputText(output: JsonValue): string {
  return typeof output === 'string' ? output : JSON.stringify(output);
}

const hasToolParts = (message: Message): boolean =>
  message.role === 'tool' || message.content.some((part) => part.type === 'tool-call');

/**
 * The messages with their tool calls and results written out as text, when `messages` holds any.
 *
 * The API refuses a request whose messages carry `tool_use` or `tool_result` blocks without defining
 * tools ("Requests which include `tool_use` or `tool_result` blocks must define tools."). A summarising
 * call (compaction) sends the whole history with no tools, and must not offer the model any: it gets the
 * calls and results as text instead, which keeps every fact in them. Thinking blocks are left out: all
 * of them belong to earlier turns (which a request may leave out), and a signed block is not sent next to
 * blocks that were rewritten.
 */
export function toolHistoryAsText(messages: readonly Message[]): readonly Message[] {
  if (!messages.some(hasToolParts)) return messages;
  return messages.map((message): Message => {
    if (message.role === 'user') return message;
    if (message.role === 'tool') {
      return {
        role: 'user',
        content: message.content.map((result) => ({
          type: 'text',
          text: `[${result.isError ? 'error ' : ''}result of tool call ${result.id} (${result.name})]\n${toolOutputText(result.output)}`,
        })),
      };
    }
    return {
      role: 'assistant',
      content: message.content.flatMap((part) => {
        if (part.type === 'reasoning') return [];
        if (part.type === 'text') return [part];
        return [{ type: 'text', text: `[tool call ${part.id}: ${part.name} ${JSON.stringify(part.input)}]` }];
      }),
    };
  });
}
