import type { LanguageModel, ModelRequest, ModelStreamPart, ModelTool } from '../../src/model/language-model.js';

/** Runs one model call to its end: the parts it yielded, and what it threw (if anything). */
export async function collect(
  model: LanguageModel,
  request: ModelRequest,
  signal?: AbortSignal,
): Promise<{ parts: ModelStreamPart[]; error: unknown }> {
  const parts: ModelStreamPart[] = [];
  try {
    for await (const part of model.stream(request, signal ? { signal } : {})) parts.push(part);
    return { parts, error: undefined };
  } catch (error) {
    return { parts, error };
  }
}

/** The text of the text deltas. */
export const textOf = (parts: readonly ModelStreamPart[]): string =>
  parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');

/** A one-message request. */
export const ask = (text: string, extra: Partial<ModelRequest> = {}): ModelRequest => ({
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  tools: [],
  ...extra,
});

/** A small tool for requests. */
export const readTool: ModelTool = {
  name: 'read',
  description: 'Read a file',
  inputSchema: {
    type: 'object',
    properties: { file_path: { type: 'string' }, limit: { type: 'number' } },
    required: ['file_path'],
    additionalProperties: false,
  },
};

/** A 1×1 transparent PNG. */
export const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
