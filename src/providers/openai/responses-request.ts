/**
 * `ModelRequest` → OpenAI Responses request body.
 *
 * @packageDocumentation
 */
import { pairToolResults } from '../shared/pair-tool-results.js';
import type { ModelRequest, ToolChoice } from '../../model/language-model.js';
import type { AssistantMessage, Message, ReasoningPart } from '../../model/message.js';
import type { OpenAiRequestSettings } from './chat-request.js';
import { toolResultText } from '../shared/tool-result-text.js';
import { openAiOutputFormat, responsesFilePart } from './files.js';
import { argumentsOf, imageUrlOf, isReasoningModel, type OpenAiTool } from './tools.js';

type Obj = Record<string, unknown>;

const ENCRYPTED_REASONING = 'reasoning.encrypted_content';

/**
 * What a reasoning part keeps of its Responses reasoning item (in `providerMetadata.openai`): the item id
 * (sent back by reference while responses are stored), the encrypted reasoning (sent back when they are
 * not), and the message the model wrote right after it: its item id and `phase`. The API takes a reasoning
 * item back only with the item that followed it, and that message only with its reasoning.
 */
export interface OpenAiReasoningMetadata {
  readonly itemId?: string;
  readonly encryptedContent?: string;
  readonly messageId?: string;
  readonly phase?: string;
}

const metadataOf = (part: ReasoningPart): OpenAiReasoningMetadata | undefined =>
  part.providerMetadata?.openai as OpenAiReasoningMetadata | undefined;

/**
 * The reasoning item to send back for a reasoning part, or `undefined` when the API could not use it: a
 * reasoning part of another provider (no OpenAI metadata), or, unstored, one without its encrypted content.
 */
function reasoningItem(part: ReasoningPart, stored: boolean): Obj | undefined {
  const meta = metadataOf(part);
  if (meta?.encryptedContent !== undefined) {
    return {
      type: 'reasoning',
      ...(meta.itemId !== undefined ? { id: meta.itemId } : {}),
      summary: part.text === '' ? [] : [{ type: 'summary_text', text: part.text }],
      encrypted_content: meta.encryptedContent,
    };
  }
  if (stored && meta?.itemId !== undefined && meta.itemId !== '') return { type: 'item_reference', id: meta.itemId };
  return undefined;
}

const outputText = (text: string): Obj => ({ type: 'output_text', text, annotations: [] });

/**
 * The message item of an assistant text. Right after the reasoning item it came with, it goes back as the
 * same item (by reference when stored, else with its id), with its `phase`; any other text as a plain
 * assistant message.
 */
function messageItem(text: string, paired: OpenAiReasoningMetadata | undefined, stored: boolean): Obj {
  const id = paired?.messageId;
  const phase = paired?.phase !== undefined ? { phase: paired.phase } : {};
  if (id === undefined || id === '') return { role: 'assistant', content: text, ...phase };
  if (stored) return { type: 'item_reference', id };
  return { type: 'message', role: 'assistant', id, status: 'completed', content: [outputText(text)], ...phase };
}

/**
 * An assistant message's parts as Responses input items. Reasoning goes back before what it led to, as
 * the API wants between tool steps; a reasoning part that ends the message (a turn cut short) is left out,
 * since the API refuses a reasoning item without the item that followed it. Function calls go back without
 * their item id: the result pairs with the call by `call_id`.
 */
function assistantItems(parts: AssistantMessage['content'], stored: boolean): Obj[] {
  const out: Obj[] = [];
  // What the text right after a reasoning part takes from it.
  let paired: OpenAiReasoningMetadata | undefined;
  parts.forEach((part, index) => {
    if (part.type === 'reasoning') {
      const item = index < parts.length - 1 ? reasoningItem(part, stored) : undefined;
      if (item) out.push(item);
      // Its message keeps its phase; its id only goes back with the reasoning it must follow.
      const { messageId, phase } = metadataOf(part) ?? {};
      paired = {
        ...(item && messageId !== undefined ? { messageId } : {}),
        ...(phase !== undefined ? { phase } : {}),
      };
      return;
    }
    if (part.type === 'text') {
      if (part.text !== '') out.push(messageItem(part.text, paired, stored));
    } else {
      out.push({ type: 'function_call', call_id: part.id, name: part.name, arguments: argumentsOf(part.input) });
    }
    paired = undefined;
  });
  return out;
}

function inputItems(messages: readonly Message[], stored: boolean): Obj[] {
  const out: Obj[] = [];
  for (const message of messages) {
    if (message.role === 'user') {
      out.push({
        role: 'user',
        content: message.content.map((part) =>
          part.type === 'text'
            ? { type: 'input_text', text: part.text }
            : part.type === 'file'
              ? responsesFilePart(part)
              : { type: 'input_image', image_url: imageUrlOf(part) },
        ),
      });
    } else if (message.role === 'assistant') {
      out.push(...assistantItems(message.content, stored));
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
 * The body of a streaming Responses request. The system prompt goes in `instructions`; structured output
 * is a `json_schema` `text.format`; tool results are
 * `function_call_output` items paired by `call_id`. `providerOptions.openai` is merged in last. Unstored
 * (`store: false`, from the settings or `providerOptions.openai`), a reasoning model is asked for its
 * encrypted reasoning, the only form in which it can go back.
 */
export function toResponsesBody(
  request: ModelRequest,
  tools: readonly OpenAiTool[],
  settings: OpenAiRequestSettings,
): Obj {
  const options = request.providerOptions?.openai ?? {};
  const store = typeof options.store === 'boolean' ? options.store : settings.store;
  const body: Obj = { model: settings.model };
  if (request.system !== undefined && request.system !== '') body.instructions = request.system;
  body.input = inputItems(pairToolResults(request.messages), store !== false);
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
  if (request.output !== undefined)
    body.text = { format: { type: 'json_schema', ...openAiOutputFormat(request.output) } };
  if (request.maxOutputTokens !== undefined) body.max_output_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined && !isReasoningModel(settings.model)) body.temperature = request.temperature;
  if (settings.reasoningEffort !== undefined) body.reasoning = { effort: settings.reasoningEffort, summary: 'auto' };
  if (store === false) body.store = false;
  body.stream = true;
  const merged: Obj = { ...body, ...options };
  // A caller's own `text` settings (its `verbosity`) must not drop the format.
  if (body.text !== undefined && typeof options.text === 'object' && options.text !== null) {
    merged.text = { ...options.text, ...(body.text as Obj) };
  }
  if (store === false && (isReasoningModel(settings.model) || settings.reasoningEffort !== undefined)) {
    const include = Array.isArray(merged.include) ? merged.include : [];
    if (!include.includes(ENCRYPTED_REASONING)) merged.include = [...include, ENCRYPTED_REASONING];
  }
  return merged;
}
