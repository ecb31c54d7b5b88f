/**
 * `sampling/createMessage`: a server asks the client's model for a completion. Served by a model only when
 * sampling is enabled; its usage is added to the run whose tool call was in progress on that server.
 */
import type { CreateMessageRequest, CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import type { LanguageModel, ModelRequest } from '../model/language-model.js';
import type { ImagePart, Message, TextPart } from '../model/message.js';
import { emptyUsage, type Usage } from '../model/usage.js';
import type { McpSamplingOptions, McpSamplingRequest } from './options.js';
import type { CallInProgress } from './server-connection.js';

/** What a sampling request is served with, known only once an agent uses the toolset. */
export interface SamplingContext {
  readonly model: LanguageModel | undefined;
  /** The call in progress on the asking server, if any: its run pays and its abort stops the request. */
  readonly call: CallInProgress | undefined;
  readonly recordUsage: ((runId: string, usage: Usage) => void) | undefined;
}

type SamplingMessage = CreateMessageRequest['params']['messages'][number];
type SamplingBlock = Extract<SamplingMessage['content'], { type: string }>;

function blocks(message: SamplingMessage): SamplingBlock[] {
  const content = message.content as SamplingBlock | SamplingBlock[];
  return Array.isArray(content) ? content : [content];
}

/** A block as the part a model takes: text and (from the user) images; anything else described as text. */
function toPart(block: SamplingBlock, role: 'user' | 'assistant'): TextPart | ImagePart {
  if (block.type === 'text') return { type: 'text', text: block.text };
  if (block.type === 'image' && role === 'user') return { type: 'image', mediaType: block.mimeType, data: block.data };
  if (block.type === 'image' || block.type === 'audio') {
    return { type: 'text', text: `[${block.type} ${block.mimeType}, not shown]` };
  }
  return { type: 'text', text: JSON.stringify(block) };
}

function toMessage(message: SamplingMessage): Message {
  const parts = blocks(message).map((block) => toPart(block, message.role));
  if (message.role === 'user') return { role: 'user', content: parts };
  return { role: 'assistant', content: parts.filter((part): part is TextPart => part.type === 'text') };
}

/** The request as `approve` sees it: text only. */
export function describeSampling(server: string, params: CreateMessageRequest['params']): McpSamplingRequest {
  return {
    server,
    ...(params.systemPrompt !== undefined ? { systemPrompt: params.systemPrompt } : {}),
    messages: params.messages.map((message) => ({
      role: message.role,
      text: blocks(message)
        .map((block) => (block.type === 'text' ? block.text : `[${block.type}]`))
        .join('\n'),
    })),
    maxTokens: params.maxTokens,
  };
}

/**
 * Serves one sampling request with the model: streams it, returns the text, and records its usage.
 *
 * @throws Error when no model is known, `approve` refuses, or the model fails; the server receives it as
 * the request's error.
 */
export async function serveSampling(
  server: string,
  params: CreateMessageRequest['params'],
  options: McpSamplingOptions,
  context: SamplingContext,
  signal: AbortSignal,
): Promise<CreateMessageResult> {
  const model = context.model;
  if (!model) throw new Error('Sampling is enabled but no model is known yet: no agent has used this toolset.');
  if (options.approve && !(await options.approve(describeSampling(server, params)))) {
    throw new Error('The sampling request was refused.');
  }
  const request: ModelRequest = {
    messages: params.messages.map(toMessage),
    tools: [],
    maxOutputTokens: Math.max(1, Math.min(params.maxTokens, options.maxOutputTokens ?? 4096)),
    ...(params.systemPrompt !== undefined ? { system: params.systemPrompt } : {}),
    ...(params.temperature !== undefined ? { temperature: params.temperature } : {}),
  };
  const stop = context.call ? AbortSignal.any([signal, context.call.signal]) : signal;
  let text = '';
  let usage: Usage = emptyUsage();
  let reason: string | undefined;
  try {
    for await (const part of model.stream(request, { signal: stop })) {
      if (part.type === 'text-delta') text += part.text;
      else if (part.type === 'usage') usage = part.usage;
      else if (part.type === 'finish') reason = part.reason;
      else if (part.type === 'error') throw part.error;
    }
  } finally {
    // Tokens spent count even when the stream failed part-way.
    if (context.call && context.recordUsage) context.recordUsage(context.call.runId, usage);
  }
  return {
    role: 'assistant',
    content: { type: 'text', text },
    model: model.modelId,
    stopReason: reason === 'length' ? 'maxTokens' : 'endTurn',
  };
}
