/**
 * What Ollama refuses in a `/api/chat` request, with its status and error text. Ollama decodes the body into
 * Go structs (`api.ChatRequest`), so a field of the wrong JSON type fails the whole request with Go's
 * `json: cannot unmarshal …` error; `think` and `keep_alive` have decoders of their own, and a request
 * without a model is refused before anything runs. It accepts any tool schema it can decode (a field with no
 * `type` is shown to the model as `any`) and does not pair tool calls with results.
 *
 * @packageDocumentation
 */
import { GO_DURATION, THINK_LEVELS } from '../../providers/ollama/ollama-settings.js';
import { isObj } from './decode.js';
import type { WireContext, WireRejection } from './types.js';

/** The name Go's JSON decoder gives a JSON value's kind in its errors. */
function kindOf(value: unknown): string {
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** A decoding failure, thrown to end the walk at the first one (as Go's decoder stops at it). */
class Refusal extends Error {}

function typeError(value: unknown, field: string, goType: string): Refusal {
  return new Refusal(
    `json: cannot unmarshal ${kindOf(value)} into Go struct field ChatRequest.${field} of type ${goType}`,
  );
}

/** Checks `value` (when not null) is of `kind`, as the Go field `field` of type `goType` needs. */
function expect(value: unknown, kind: 'string' | 'bool' | 'array' | 'object', field: string, goType: string): void {
  if (value === undefined || value === null || kindOf(value) === kind) return;
  throw typeError(value, field, goType);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function checkImage(image: unknown): void {
  expect(image, 'string', 'messages.images', 'api.ImageData');
  const text = typeof image === 'string' ? image : '';
  const bad = [...text].findIndex((char) => !/[A-Za-z0-9+/=]/.test(char));
  if (bad >= 0 || !BASE64.test(text) || text.length % 4 !== 0) {
    throw new Refusal(`illegal base64 data at input byte ${bad >= 0 ? bad : Math.max(0, text.length - 1)}`);
  }
}

function checkMessage(message: unknown): void {
  expect(message, 'object', 'messages', 'api.Message');
  if (!isObj(message)) return;
  for (const key of ['role', 'content', 'thinking', 'tool_name', 'tool_call_id'] as const) {
    expect(message[key], 'string', `messages.${key}`, 'string');
  }
  expect(message.images, 'array', 'messages.images', '[]api.ImageData');
  for (const image of Array.isArray(message.images) ? message.images : []) checkImage(image);
  expect(message.tool_calls, 'array', 'messages.tool_calls', '[]api.ToolCall');
  for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
    expect(call, 'object', 'messages.tool_calls', 'api.ToolCall');
    const fn = isObj(call) ? call.function : undefined;
    expect(fn, 'object', 'messages.tool_calls.function', 'api.ToolCallFunction');
    if (!isObj(fn)) continue;
    expect(fn.name, 'string', 'messages.tool_calls.function.name', 'string');
    expect(fn.arguments, 'object', 'messages.tool_calls.function.arguments', 'map[string]interface {}');
  }
}

/** A tool schema property, as `api.ToolProperty` decodes it (nested properties and `anyOf` included). */
function checkProperty(property: unknown, field: string): void {
  expect(property, 'object', field, 'api.ToolProperty');
  if (!isObj(property)) return;
  const type = property.type;
  const typeOk =
    type === undefined ||
    type === null ||
    typeof type === 'string' ||
    (Array.isArray(type) && type.every((t) => typeof t === 'string'));
  if (!typeOk) throw new Refusal(`json: cannot unmarshal ${kindOf(type)} into Go value of type []string`);
  expect(property.description, 'string', `${field}.description`, 'string');
  expect(property.enum, 'array', `${field}.enum`, '[]interface {}');
  expect(property.required, 'array', `${field}.required`, '[]string');
  for (const member of Array.isArray(property.anyOf) ? property.anyOf : []) checkProperty(member, `${field}.anyOf`);
  expect(property.properties, 'object', `${field}.properties`, 'api.ToolPropertiesMap');
  for (const nested of Object.values(isObj(property.properties) ? property.properties : {}))
    checkProperty(nested, field);
}

function checkTool(tool: unknown): void {
  expect(tool, 'object', 'tools', 'api.Tool');
  const fn = isObj(tool) ? tool.function : undefined;
  expect(fn, 'object', 'tools.function', 'api.ToolFunction');
  if (!isObj(fn)) return;
  expect(fn.name, 'string', 'tools.function.name', 'string');
  expect(fn.description, 'string', 'tools.function.description', 'string');
  const parameters = fn.parameters;
  expect(parameters, 'object', 'tools.function.parameters', 'api.ToolFunctionParameters');
  if (!isObj(parameters)) return;
  expect(parameters.type, 'string', 'tools.function.parameters.type', 'string');
  expect(parameters.required, 'array', 'tools.function.parameters.required', '[]string');
  expect(parameters.properties, 'object', 'tools.function.parameters.properties', 'api.ToolPropertiesMap');
  const properties = isObj(parameters.properties) ? parameters.properties : {};
  for (const property of Object.values(properties)) checkProperty(property, 'tools.function.parameters.properties');
}

function checkOptions(body: Record<string, unknown>): void {
  const think = body.think;
  if (think !== undefined && think !== null && typeof think !== 'boolean') {
    if (typeof think !== 'string') {
      throw new Refusal('think must be a boolean or string ("high", "medium", "low", "max", true, or false)');
    }
    if (!THINK_LEVELS.includes(think)) {
      throw new Refusal(`invalid think value: "${think}" (must be "high", "medium", "low", "max", true, or false)`);
    }
  }
  const keepAlive = body.keep_alive;
  if (typeof keepAlive === 'string' && !GO_DURATION.test(keepAlive)) {
    const missingUnit = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(keepAlive);
    throw new Refusal(
      `time: ${missingUnit ? 'missing unit in duration' : 'invalid duration'} ${JSON.stringify(keepAlive)}`,
    );
  }
  if (keepAlive !== undefined && keepAlive !== null && typeof keepAlive !== 'string' && typeof keepAlive !== 'number') {
    const goType =
      typeof keepAlive === 'boolean' ? 'bool' : Array.isArray(keepAlive) ? '[]interface {}' : 'map[string]interface {}';
    throw new Refusal(`Unsupported type: '${goType}'`);
  }
  expect(body.options, 'object', 'options', 'map[string]interface {}');
  expect(body.stream, 'bool', 'stream', 'bool');
}

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

/** Whether Ollama can turn a schema node into a grammar: known types, object `properties`, schema `items`. */
function grammarReady(node: unknown): boolean {
  if (!isObj(node)) return typeof node === 'boolean';
  const types = Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];
  if (!types.every((type) => typeof type === 'string' && JSON_TYPES.has(type))) return false;
  if (node.properties !== undefined && !isObj(node.properties)) return false;
  const children = [
    ...Object.values(isObj(node.properties) ? node.properties : {}),
    ...(node.items !== undefined ? [node.items] : []),
    ...(Array.isArray(node.anyOf) ? node.anyOf : []),
    ...(Array.isArray(node.oneOf) ? node.oneOf : []),
  ];
  return children.every(grammarReady);
}

/**
 * `format`: `"json"`, a JSON Schema object, or nothing (`""`, `null`); a schema Ollama cannot make a
 * grammar of (a type it does not know, `properties` that are not an object) is refused.
 */
function checkFormat(format: unknown): void {
  if (format === undefined || format === null || format === '' || format === 'json') return;
  if (!isObj(format)) {
    throw new Refusal(
      `invalid format: ${JSON.stringify(JSON.stringify(format))}; expected "json" or a valid JSON Schema object`,
    );
  }
  if (!grammarReady(format)) throw new Refusal('invalid JSON schema in format');
}

/**
 * Checks an `/api/chat` request as Ollama decodes it; the 400 it would answer, or `undefined` to accept.
 *
 * @example
 * ```ts
 * validateOllamaRequest({ call: 1, model: 'qwen3:8b', path: '/api/chat', body, malformedToolJson: false });
 * ```
 */
export function validateOllamaRequest(context: WireContext): WireRejection | undefined {
  const body = context.body;
  try {
    if (!isObj(body)) throw new Refusal(`json: cannot unmarshal ${kindOf(body)} into Go value of type api.ChatRequest`);
    expect(body.model, 'string', 'model', 'string');
    expect(body.messages, 'array', 'messages', '[]api.Message');
    for (const message of Array.isArray(body.messages) ? body.messages : []) checkMessage(message);
    expect(body.tools, 'array', 'tools', 'api.Tools');
    for (const tool of Array.isArray(body.tools) ? body.tools : []) checkTool(tool);
    checkOptions(body);
    checkFormat(body.format);
    if (typeof body.model !== 'string' || body.model === '') throw new Refusal('model is required');
  } catch (error) {
    if (error instanceof Refusal) return { status: 400, message: error.message };
    throw error;
  }
  return undefined;
}
