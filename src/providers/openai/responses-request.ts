/**
 * `ModelRequest` → OpenAI Responses request body.
 *
 * @packageDocumentation
 */
import { pairToolResults } from '../shared/pair-tool-results.js';
import type { ModelRequest, ToolChoice } from '../../model/language-model.js';
import type { Message } from '../../model/message.js';
import type { OpenAiRequestSettings } from './chat-request.js';
import { toolResultText } from '../shared/tool-result-text.js';
import { argumentsOf, imageUrlOf, rejectsTemperature, type OpenAiTool } from './tools.js';

type Obj = Record<string, unknown>;

/** The reasoning item data kept in a reasoning part's `providerMetadata.openai`. */
export interface OpenAiReasoningMetadata {
  readonly itemId?: string;
  readonly encryptedContent?: string;
}

function inputItems(messages: readonly Message[]): Obj[] {
  const out: Obj[] = [];
  for (const message of messages) {
    if (message.role === 'user') {
      out.push({
        role: 'user',
        content: message.content.map((part) =>
          part.type === 'text'
            ? { type: 'input_text', text: part.text }
            : { type: 'input_image', image_url: imageUrlOf(part) },
        ),
      });
    } else if (message.role === 'assistant') {
      for (const part of message.content) {
        if (part.type === 'text') {
          if (part.text !== '') out.push({ role: 'assistant', content: part.text });
        } else if (part.type === 'reasoning') {
          // Only reasoning the API can verify goes back (encrypted, from a stateless call); a summary alone
          // would be rejected, and other providers' reasoning means nothing to it.
          const meta = part.providerMetadata?.openai as OpenAiReasoningMetadata | undefined;
          if (meta?.encryptedContent !== undefined) {
            out.push({
              type: 'reasoning',
              ...(meta.itemId !== undefined ? { id: meta.itemId } : {}),
              summary: part.text === '' ? [] : [{ type: 'summary_text', text: part.text }],
              encrypted_content: meta.encryptedContent,
            });
          }
        } else {
          out.push({ type: 'function_call', call_id: part.id, name: part.name, arguments: argumentsOf(part.input) });
        }
      }
    } else {
      for (const result of message.content) {
        out.push({ type: 'function_call_output', call_id: result.id, output: toolResultText(result) });
      }
    }
  }
  return out;
}

function toolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', name: choice.name };
}

/**
 * The body of a streaming Responses request. The system prompt goes in `instructions`; tool results are
 * `function_call_output` items paired by `call_id`. `providerOptions.openai` is merged in last (for
 * example `{ store: false, include: ['reasoning.encrypted_content'] }` for stateless reasoning).
 */
export function toResponsesBody(
  request: ModelRequest,
  tools: readonly OpenAiTool[],
  settings: OpenAiRequestSettings,
): Obj {
  const body: Obj = { model: settings.model };
  if (request.system !== undefined && request.system !== '') body.instructions = request.system;
  body.input = inputItems(pairToolResults(request.messages));
  if (tools.length > 0) {
    body.tools = tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
      strict: tool.strict,
    }));
    if (request.toolChoice !== undefined) body.tool_choice = toolChoice(request.toolChoice);
  }
  if (request.maxOutputTokens !== undefined) body.max_output_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined && !rejectsTemperature(settings.model)) body.temperature = request.temperature;
  if (settings.reasoningEffort !== undefined) body.reasoning = { effort: settings.reasoningEffort, summary: 'auto' };
  body.stream = true;
  return { ...body, ...(request.providerOptions?.openai ?? {}) };
}
