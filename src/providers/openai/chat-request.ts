/**
 * `ModelRequest` → OpenAI Chat Completions request body.
 *
 * @packageDocumentation
 */
import { pairToolResults } from '../shared/pair-tool-results.js';
import type { ModelRequest, ToolChoice } from '../../model/language-model.js';
import type { Message } from '../../model/message.js';
import { toolResultText } from '../shared/tool-result-text.js';
import { fileAsText, isTextMediaType } from '../shared/file-parts.js';
import { chatFilePart, openAiOutputFormat } from './files.js';
import { argumentsOf, imageUrlOf, isReasoningModel, type OpenAiTool } from './tools.js';

/** What the request builders need from the adapter's settings. */
export interface OpenAiRequestSettings {
  readonly model: string;
  readonly reasoningEffort?: string;
  /** Chat: send reasoning back as `reasoning_content` (DeepSeek thinking mode). */
  readonly sendReasoningContent?: boolean;
  /** Responses: whether responses are stored (`store`); undefined means the API's default, stored. */
  readonly store?: boolean;
}

type Obj = Record<string, unknown>;

function chatMessages(system: string | undefined, messages: readonly Message[], reasoningContent: boolean): Obj[] {
  const out: Obj[] = [];
  if (system !== undefined && system !== '') out.push({ role: 'system', content: system });
  for (const message of messages) {
    if (message.role === 'user') {
      const plain = message.content.every(
        (part) => part.type === 'text' || (part.type === 'file' && isTextMediaType(part.mediaType)),
      );
      // Plain text as a string: every OpenAI-compatible server accepts that form.
      const content = plain
        ? message.content
            .map((part) => (part.type === 'text' ? part.text : part.type === 'file' ? fileAsText('openai', part) : ''))
            // A file starts on a line of its own.
            .join(message.content.some((part) => part.type === 'file') ? '\n' : '')
        : message.content.map((part) =>
            part.type === 'text'
              ? { type: 'text', text: part.text }
              : part.type === 'file'
                ? chatFilePart(part)
                : { type: 'image_url', image_url: { url: imageUrlOf(part) } },
          );
      out.push({ role: 'user', content });
    } else if (message.role === 'assistant') {
      let text = '';
      let reasoning = '';
      const toolCalls: Obj[] = [];
      for (const part of message.content) {
        if (part.type === 'text') text += part.text;
        // The Chat Completions API has no field for reasoning; DeepSeek-style servers take `reasoning_content`.
        if (part.type === 'reasoning') reasoning += part.text;
        if (part.type === 'tool-call')
          toolCalls.push({
            id: part.id,
            type: 'function',
            function: { name: part.name, arguments: argumentsOf(part.input) },
          });
      }
      if (text === '' && toolCalls.length === 0) continue;
      out.push({
        role: 'assistant',
        content: text === '' ? null : text,
        // Every assistant message gets it, empty when there was none: DeepSeek refuses a tool turn without it.
        ...(reasoningContent ? { reasoning_content: reasoning } : {}),
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      });
    } else {
      for (const result of message.content) {
        out.push({ role: 'tool', tool_call_id: result.id, content: toolResultText(result) });
      }
    }
  }
  return out;
}

function toolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

/**
 * The body of a streaming Chat Completions request, with `stream_options.include_usage` so the last chunk
 * carries usage. Structured output is a `json_schema` `response_format`; text files go as text, PDFs as
 * `file` parts. `providerOptions.openai` is merged in last.
 */
export function toChatBody(request: ModelRequest, tools: readonly OpenAiTool[], settings: OpenAiRequestSettings): Obj {
  const body: Obj = {
    model: settings.model,
    messages: chatMessages(request.system, pairToolResults(request.messages), settings.sendReasoningContent === true),
  };
  if (tools.length > 0) {
    body.tools = tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        description: tool.description,
        parameters: tool.parameters,
        ...(tool.strict ? { strict: true } : {}),
      },
    }));
    if (request.toolChoice !== undefined) body.tool_choice = toolChoice(request.toolChoice);
  }
  if (request.output !== undefined) {
    body.response_format = { type: 'json_schema', json_schema: openAiOutputFormat(request.output) };
  }
  if (request.maxOutputTokens !== undefined) body.max_completion_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined && !isReasoningModel(settings.model)) body.temperature = request.temperature;
  if (settings.reasoningEffort !== undefined) body.reasoning_effort = settings.reasoningEffort;
  body.stream = true;
  body.stream_options = { include_usage: true };
  return { ...body, ...(request.providerOptions?.openai ?? {}) };
}
