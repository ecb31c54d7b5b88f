/**
 * Readers every wire format uses to route and decode a request body it cannot trust to be well formed:
 * each gives a harmless default (`[]`, `''`) instead of throwing, so a malformed body is decoded as far as
 * it goes.
 *
 * @packageDocumentation
 */
import type { ModelTool } from '../../model/language-model.js';

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
