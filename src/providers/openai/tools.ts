/**
 * Tools for OpenAI: strict-mode schemas where they can be expressed, and the way back for the inputs.
 *
 * @packageDocumentation
 */
import type { JsonSchema, ModelTool } from '../../model/language-model.js';
import type { JsonValue } from '../../model/message.js';
import { fromOpenAiStrictInput, toOpenAiStrictSchema } from '../shared/schema-normalise.js';

/** A tool as OpenAI sees it, and how to bring a strict model's input back to the tool's own schema. */
export interface OpenAiTool {
  readonly name: string;
  readonly description: string;
  readonly parameters: JsonSchema;
  readonly strict: boolean;
}

/** The tools of a request for OpenAI, and the input restorer of their strict schemas. */
export function openAiTools(
  tools: readonly ModelTool[],
  strict: boolean,
): { tools: OpenAiTool[]; restore: (name: string, input: JsonValue) => JsonValue } {
  const originals = new Map<string, JsonSchema>();
  const out = tools.map((tool): OpenAiTool => {
    const normalised = strict ? toOpenAiStrictSchema(tool.inputSchema) : { schema: tool.inputSchema, strict: false };
    if (normalised.strict) originals.set(tool.name, tool.inputSchema);
    return { name: tool.name, description: tool.description, parameters: normalised.schema, strict: normalised.strict };
  });
  return {
    tools: out,
    restore: (name, input) => {
      const original = originals.get(name);
      return original ? fromOpenAiStrictInput(original, input) : input;
    },
  };
}

/**
 * Tool-call arguments as they go back in the history: the JSON of the input. A call whose arguments were
 * not JSON (its input is the raw string) goes back as `{}`: compatible servers parse history arguments
 * and would reject the whole request, and its error result already tells the model what was wrong.
 */
export function argumentsOf(input: JsonValue): string {
  return typeof input === 'string' ? '{}' : JSON.stringify(input);
}

/** An image as a URL: its own, or a `data:` URL of its bytes. */
export function imageUrlOf(part: { mediaType: string; data?: string; url?: string }): string {
  return part.url ?? `data:${part.mediaType};base64,${part.data ?? ''}`;
}

/**
 * Whether a model is an OpenAI reasoning model (o-series, GPT-5 and later but their chat variants). These
 * reject any `temperature` (an agent-wide temperature is left out for them rather than failing every
 * call), and their reasoning must go back between tool steps.
 */
export function isReasoningModel(model: string): boolean {
  const id = model.slice(model.lastIndexOf('/') + 1);
  return /^(o\d|gpt-([5-9]|\d{2,}))/.test(id) && !/^gpt-\d+[.\d]*-chat/.test(id);
}
