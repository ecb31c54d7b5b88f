/**
 * `ModelRequest` → Anthropic Messages request body.
 *
 * @packageDocumentation
 */
import { pairToolResults } from '../shared/pair-tool-results.js';
import type { JsonSchema, ModelRequest, ToolChoice } from '../../model/language-model.js';
import type { Message } from '../../model/message.js';
import { documentBlock } from './documents.js';
import { thinkingFor, type AnthropicThinking } from './thinking.js';
import { toolHistoryAsText, toolOutputText } from './tool-history-text.js';
import { toAnthropicTools } from './tools.js';

type Block = Record<string, unknown>;
interface WireMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

/** What the request builder needs from the adapter's settings. */
export interface AnthropicRequestSettings {
  readonly model: string;
  readonly cache: boolean;
  readonly maxOutputTokens: number;
  /** Extended thinking with a token budget, or adaptive thinking (the model decides how much). */
  readonly thinking?: AnthropicThinking;
  /** Native structured output: the schema for `output_config.format` (see `output.ts`). */
  readonly outputSchema?: JsonSchema;
}

const EPHEMERAL = { type: 'ephemeral' } as const;

/** The API refuses text blocks that are empty or only whitespace. */
const hasText = (text: string): boolean => text.trim() !== '';

function userBlocks(message: Extract<Message, { role: 'user' }>): Block[] {
  const out: Block[] = [];
  for (const part of message.content) {
    if (part.type === 'text') {
      if (hasText(part.text)) out.push({ type: 'text', text: part.text });
    } else if (part.type === 'file') {
      out.push(documentBlock(part));
    } else if (part.data !== undefined) {
      out.push({ type: 'image', source: { type: 'base64', media_type: part.mediaType, data: part.data } });
    } else if (part.url !== undefined) {
      out.push({ type: 'image', source: { type: 'url', url: part.url } });
    }
  }
  return out;
}

function assistantBlocks(message: Extract<Message, { role: 'assistant' }>): Block[] {
  const out: Block[] = [];
  for (const part of message.content) {
    if (part.type === 'text') {
      if (hasText(part.text)) out.push({ type: 'text', text: part.text });
    } else if (part.type === 'reasoning') {
      const redacted = (part.providerMetadata?.anthropic as { redactedData?: unknown } | undefined)?.redactedData;
      if (typeof redacted === 'string') out.push({ type: 'redacted_thinking', data: redacted });
      // Thinking without Anthropic's signature (from another provider) would be rejected: leave it out.
      else if (part.signature !== undefined)
        out.push({ type: 'thinking', thinking: part.text, signature: part.signature });
    } else {
      // tool_use.input must be an object; a call whose arguments were not JSON is sent back as `{}` (its
      // error result tells the model what went wrong).
      const input =
        typeof part.input === 'object' && part.input !== null && !Array.isArray(part.input) ? part.input : {};
      out.push({ type: 'tool_use', id: part.id, name: part.name, input });
    }
  }
  return out;
}

/**
 * The conversation in Anthropic's shape: tool results become `tool_result` blocks in the user message
 * right after the assistant's `tool_use` (merged with any user text that follows, since turns alternate),
 * and empty messages are dropped.
 */
export function toAnthropicMessages(messages: readonly Message[]): WireMessage[] {
  const out: WireMessage[] = [];
  const push = (role: WireMessage['role'], content: Block[]): void => {
    if (content.length === 0) return;
    const last = out.at(-1);
    if (last && last.role === role) last.content.push(...content);
    else out.push({ role, content });
  };
  for (const message of messages) {
    if (message.role === 'user') push('user', userBlocks(message));
    else if (message.role === 'assistant') push('assistant', assistantBlocks(message));
    else {
      push(
        'user',
        message.content.map((result) => ({
          type: 'tool_result',
          tool_use_id: result.id,
          content: toolOutputText(result.output),
          ...(result.isError ? { is_error: true } : {}),
        })),
      );
    }
  }
  return out;
}

function anthropicToolChoice(choice: ToolChoice): Block {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.name };
}

/**
 * Marks the conversation tail for prompt caching: the last block of the last two user messages, so the
 * next call reads everything up to the previous turn from the cache and writes the new turn.
 */
function markTail(messages: WireMessage[], budget: number): void {
  let left = budget;
  for (let i = messages.length - 1; i >= 0 && left > 0; i -= 1) {
    const message = messages[i];
    if (message?.role !== 'user') continue;
    const last = message.content.at(-1);
    if (!last) continue;
    message.content[message.content.length - 1] = { ...last, cache_control: EPHEMERAL };
    left -= 1;
  }
}

/**
 * The body of a streaming Messages request. With `cache`, up to four `cache_control` breakpoints (the
 * API's limit): the system prompt, the last tool (which caches all tools), and the conversation tail.
 * `providerOptions.anthropic` is merged in last, so a caller can set any field the API has.
 *
 * The request is adapted where the API would refuse it as is: a history with tool calls but no tools is
 * sent as text ({@link toolHistoryAsText}), and thinking is left off for a call that forces a tool or
 * continues a tool turn begun without it ({@link thinkingFor}).
 *
 * @throws ConfigError for a tool whose input is not an object (no call could reach it).
 */
export function toAnthropicBody(request: ModelRequest, settings: AnthropicRequestSettings): Record<string, unknown> {
  const paired = pairToolResults(request.messages);
  const messages = toAnthropicMessages(request.tools.length > 0 ? paired : toolHistoryAsText(paired));
  let breakpoints = 4;
  const body: Record<string, unknown> = { model: settings.model };

  const toolChoice = request.tools.length > 0 ? request.toolChoice : undefined;
  const thinking = thinkingFor(settings.thinking, toolChoice, messages);
  let maxTokens = request.maxOutputTokens ?? settings.maxOutputTokens;
  const budget = typeof thinking?.budget_tokens === 'number' ? thinking.budget_tokens : undefined;
  // max_tokens counts thinking too and must exceed the budget.
  if (budget !== undefined && maxTokens <= budget) maxTokens = budget + settings.maxOutputTokens;
  body.max_tokens = maxTokens;

  if (request.system !== undefined && hasText(request.system)) {
    body.system = [{ type: 'text', text: request.system, ...(settings.cache ? { cache_control: EPHEMERAL } : {}) }];
    if (settings.cache) breakpoints -= 1;
  }
  if (request.tools.length > 0) {
    body.tools = toAnthropicTools(request.tools, settings.cache);
    if (settings.cache) breakpoints -= 1;
    if (toolChoice !== undefined) body.tool_choice = anthropicToolChoice(toolChoice);
  }
  if (settings.cache) markTail(messages, Math.min(2, breakpoints));
  body.messages = messages;
  if (thinking !== undefined) body.thinking = thinking;
  // The API only accepts the default temperature while thinking is on.
  else if (request.temperature !== undefined) body.temperature = request.temperature;
  body.stream = true;
  const extra = request.providerOptions?.anthropic ?? {};
  if (settings.outputSchema !== undefined) {
    // Merged with a caller's own `output_config` (its `effort`), which must not drop the format.
    const own = typeof extra.output_config === 'object' && extra.output_config !== null ? extra.output_config : {};
    body.output_config = { ...own, format: { type: 'json_schema', schema: settings.outputSchema } };
    const { output_config: _config, ...rest } = extra;
    return { ...body, ...rest };
  }
  return { ...body, ...extra };
}
