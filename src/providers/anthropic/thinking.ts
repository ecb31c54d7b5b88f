/**
 * Whether a call is sent with thinking: the settings ask for it, and the rules of the Messages API allow it
 * on this call.
 *
 * @packageDocumentation
 */
import type { ToolChoice } from '../../model/language-model.js';

/** Extended thinking with a token budget, or adaptive thinking (the model decides how much). */
export type AnthropicThinking = { readonly budgetTokens: number } | 'adaptive';

/** The part of a wire message the rules look at. */
interface TurnMessage {
  readonly role: 'user' | 'assistant';
  readonly content: readonly { readonly type?: unknown }[];
}

const carriesResults = (message: TurnMessage | undefined): boolean =>
  message?.role === 'user' && message.content.some((block) => block.type === 'tool_result');

/**
 * Whether the tool turn still open at the end of `messages` (the last message carries tool results) began
 * with thinking: its first assistant message starts with a `thinking` or `redacted_thinking` block. A turn
 * that is not open has nothing to keep.
 */
function openTurnBeganWithThinking(messages: readonly TurnMessage[]): boolean {
  if (!carriesResults(messages.at(-1))) return true;
  let start = messages.length - 1;
  while (start > 0 && (messages[start]?.role === 'assistant' || carriesResults(messages[start]))) start -= 1;
  const first = messages.slice(start).find((message) => message.role === 'assistant');
  const type = first?.content[0]?.type;
  return first === undefined || type === 'thinking' || type === 'redacted_thinking';
}

/** Whether a tool choice forces a tool call (`required`, or one tool by name). */
export const forcesToolUse = (choice: ToolChoice | undefined): boolean =>
  choice === 'required' || typeof choice === 'object';

/**
 * The `thinking` field of a call, or `undefined` to send the call without thinking. Thinking is left off
 * for one call in two cases, so that the request is one the API accepts:
 *
 * - **A forced tool choice** (`'required'` or `{ name }`). The API refuses it together with a thinking
 *   budget ("Thinking may not be enabled when tool_choice forces tool use."), and with adaptive thinking
 *   on its newest models; where it takes the pair, the model skips its thinking and answers with the tool
 *   call anyway. The tool choice is the caller's explicit instruction (a structured answer, a step that
 *   must act), so it is the one kept: a forced call is a call without thinking.
 * - **An open tool turn that began without thinking**, with a budget. The API wants a tool turn to keep
 *   one thinking mode: with a budget, the turn's first assistant message must start with its thinking.
 *   A turn begun by a forced call, or by another provider's model, has none, so thinking stays off until
 *   the turn ends (the next user message). Adaptive thinking is the model's choice on each step and has
 *   no such rule.
 */
export function thinkingFor(
  thinking: AnthropicThinking | undefined,
  toolChoice: ToolChoice | undefined,
  messages: readonly TurnMessage[],
): Record<string, unknown> | undefined {
  if (thinking === undefined || forcesToolUse(toolChoice)) return undefined;
  if (thinking === 'adaptive') return { type: 'adaptive' };
  if (!openTurnBeganWithThinking(messages)) return undefined;
  return { type: 'enabled', budget_tokens: thinking.budgetTokens };
}
