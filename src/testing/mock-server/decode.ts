/**
 * Readers every wire format uses to route and decode a request body it cannot trust to be well formed:
 * each gives a harmless default (`[]`, `''`) instead of throwing, so a malformed body is decoded as far as
 * it goes.
 *
 * @packageDocumentation
 */
import type { ModelTool, OutputFormat } from '../../model/language-model.js';
import type { FilePart, ImagePart } from '../../model/message.js';

/** A JSON object. */
export type Obj = Record<string, unknown>;

/** Whether `value` is a JSON object (not `null`, not an array). */
export const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `value` if it is an array, else `[]`. */
export const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** `value` if it is a string, else `''`. */
export const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A function declaration (its `name` and `description`) and its JSON Schema as a {@link ModelTool}. */
export function decodeTool(declaration: Obj, schema: unknown): ModelTool {
  return {
    name: str(declaration.name),
    description: str(declaration.description),
    inputSchema: (schema ?? {}) as ModelTool['inputSchema'],
  };
}

/** A wire's `matches` for one `POST` path. */
export const postTo =
  (endpoint: string) =>
  (method: string, path: string): boolean =>
    method === 'POST' && path === endpoint;

/** A wire's `modelOf` for a body that names its model in `model`. */
export const modelInBody = (_path: string, body: unknown): string => (isObj(body) ? str(body.model) : '');

/**
 * A structured output format as a request field (`{ output }`), when the body asked for one with an
 * object schema; `{}` otherwise. Wires whose format has no name call it `output`.
 */
export function decodeOutput(name: unknown, description: unknown, schema: unknown): { output?: OutputFormat } {
  if (!isObj(schema)) return {};
  return {
    output: {
      name: str(name) || 'output',
      ...(typeof description === 'string' ? { description } : {}),
      schema: schema as OutputFormat['schema'],
    },
  };
}

/** A user part a wire received as inline bytes or a URL: an image for `image/*` types, else a file. */
export function decodeMedia(
  mediaType: string,
  source: { data?: string; url?: string },
  filename?: unknown,
): ImagePart | FilePart {
  if (mediaType.startsWith('image/')) return { type: 'image', mediaType, ...source };
  return { type: 'file', mediaType, ...source, ...(typeof filename === 'string' ? { filename } : {}) };
}
