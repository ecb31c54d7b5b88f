/**
 * The rules the Anthropic Messages API enforces on structured outputs (`output_config.format`, and the
 * older beta `output_format`) and on `document` blocks, as the mock Anthropic wire checks them. Written
 * from the API's side, sharing no code with the adapter (as `anthropic-rules.ts`).
 *
 * Structured outputs take a subset of JSON Schema: every object closed with `additionalProperties: false`;
 * no numeric, length or count constraints (`minItems` only 0 or 1); no recursive definitions; and only on
 * models that have the feature (Claude Opus 4.1, Sonnet 4.5, Haiku 4.5 and later).
 *
 * @packageDocumentation
 */
import { ANTHROPIC_OUTPUT_UNSUPPORTED_KEYWORDS } from '../../providers/anthropic/output.js';
import { arr, isObj, str, type Obj } from './decode.js';
import { blocksOf } from './anthropic-rules.js';
import type { WireRejection } from './types.js';

const reject = (message: string): WireRejection => ({ status: 400, message });

/** Claude 3.x and the first Claude 4 models (Opus 4, Sonnet 4) have no structured outputs. */
const lacksStructuredOutputs = (model: string): boolean =>
  /^claude-(?:instant|\d(?:[-.]|$)|(?:opus|sonnet)-4(?:-0)?(?:-\d{8})?$)/.test(model.toLowerCase());

function schemaProblem(node: unknown, seen: Set<unknown>): string | undefined {
  if (!isObj(node) || seen.has(node)) return undefined;
  seen.add(node);
  const type = Array.isArray(node.type) ? String(node.type[0]) : str(node.type);
  for (const keyword of ANTHROPIC_OUTPUT_UNSUPPORTED_KEYWORDS) {
    if (keyword in node) return `For '${type || 'any'}' type, property '${keyword}' is not supported`;
  }
  if (typeof node.minItems === 'number' && node.minItems > 1) {
    return `For 'array' type, 'minItems' values other than 0 or 1 are not supported`;
  }
  if (type === 'object' || isObj(node.properties)) {
    if (node.additionalProperties === undefined) {
      return "For 'object' type, 'additionalProperties' must be explicitly set to false";
    }
    if (node.additionalProperties !== false) {
      return `For 'object' type, 'additionalProperties: ${JSON.stringify(node.additionalProperties)}' is not supported. Please set 'additionalProperties' to false`;
    }
  }
  const children: unknown[] = [
    ...Object.values(isObj(node.properties) ? node.properties : {}),
    node.items,
    ...arr(node.anyOf),
    ...arr(node.allOf),
    ...arr(node.oneOf),
    ...Object.values(isObj(node.$defs) ? node.$defs : {}),
    ...Object.values(isObj(node.definitions) ? node.definitions : {}),
  ];
  for (const child of children) {
    const problem = schemaProblem(child, seen);
    if (problem) return problem;
  }
  return undefined;
}

/** Whether a definition reaches itself through `$ref`s. */
function isRecursive(schema: Obj): boolean {
  const defs = new Map<string, unknown>();
  for (const key of ['$defs', 'definitions']) {
    const table = schema[key];
    if (isObj(table)) for (const [name, def] of Object.entries(table)) defs.set(`#/${key}/${name}`, def);
  }
  const refs = (node: unknown, out: string[] = []): string[] => {
    if (Array.isArray(node)) node.forEach((child) => refs(child, out));
    else if (isObj(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref') out.push(str(value));
        else refs(value, out);
      }
    }
    return out;
  };
  if (refs({ ...schema, $defs: undefined, definitions: undefined }).includes('#')) return true;
  for (const start of defs.keys()) {
    const stack = [start];
    const visited = new Set<string>();
    while (stack.length > 0) {
      for (const ref of refs(defs.get(stack.pop()!))) {
        if (ref === start || ref === '#') return true;
        if (defs.has(ref) && !visited.has(ref)) {
          visited.add(ref);
          stack.push(ref);
        }
      }
    }
  }
  return false;
}

/**
 * The refusal of a request's structured output format, or `undefined`.
 *
 * @example
 * ```ts
 * outputFormatRejection({ model: 'claude-sonnet-4-5', output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: {} } } } });
 * // { status: 400, message: "output_config.format.schema: For 'object' type, 'additionalProperties' must be explicitly set to false" }
 * ```
 */
export function outputFormatRejection(body: Obj): WireRejection | undefined {
  const config = isObj(body.output_config) ? body.output_config : undefined;
  const [field, format] =
    config?.format !== undefined && config.format !== null
      ? ['output_config.format', config.format]
      : ['output_format', body.output_format];
  if (format === undefined || format === null) return undefined;
  if (!isObj(format)) return reject(`${field}: Input should be a valid dictionary or object`);
  if (format.type !== 'json_schema') return reject(`${field}.type: Input should be 'json_schema'`);
  if (!isObj(format.schema)) return reject(`${field}.schema: Field required`);
  const model = str(body.model);
  if (lacksStructuredOutputs(model)) {
    return reject(`'${model}' does not support structured outputs (${field}).`);
  }
  if (format.schema.type !== 'object') return reject(`${field}.schema: The root schema must be of type 'object'`);
  if (isRecursive(format.schema)) return reject(`${field}.schema: Recursive schemas are not supported`);
  const problem = schemaProblem(format.schema, new Set());
  return problem ? reject(`${field}.schema: ${problem}`) : undefined;
}

const PDF_MAGIC = 'JVBERi0'; // base64 of "%PDF-"
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function documentProblem(block: Obj, at: string): string | undefined {
  const source = isObj(block.source) ? block.source : undefined;
  if (!source) return `${at}.source: Field required`;
  const kind = str(source.type);
  if (kind === 'base64') {
    if (source.media_type !== 'application/pdf') {
      return `${at}.source.base64.media_type: Input should be 'application/pdf'`;
    }
    const data = str(source.data);
    if (!BASE64.test(data) || data.length % 4 !== 0) return `${at}.source.base64.data: Invalid base64 data`;
    if (!data.startsWith(PDF_MAGIC)) return 'The PDF specified was not valid.';
    return undefined;
  }
  if (kind === 'text') {
    if (source.media_type !== 'text/plain') return `${at}.source.text.media_type: Input should be 'text/plain'`;
    return typeof source.data === 'string' ? undefined : `${at}.source.text.data: Field required`;
  }
  if (kind === 'url') return /^https?:\/\//.test(str(source.url)) ? undefined : `${at}.source.url.url: Invalid URL`;
  if (kind === 'content' || kind === 'file') return undefined;
  return `${at}.source: Input tag '${kind}' found using 'type' does not match any of the expected tags: 'base64', 'content', 'text', 'url', 'file'`;
}

/**
 * The refusal of a request's `document` blocks (only in user messages; a PDF as base64 PDF bytes or an
 * `http(s)` URL; text as `text/plain`), or `undefined`.
 *
 * @example
 * ```ts
 * documentRejection({ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'text/csv', data: '' } }] }] });
 * // { status: 400, message: "messages.0.content.0.document.source.base64.media_type: Input should be 'application/pdf'" }
 * ```
 */
export function documentRejection(body: Obj): WireRejection | undefined {
  for (const [i, message] of arr(body.messages).filter(isObj).entries()) {
    for (const [j, block] of blocksOf(message.content).entries()) {
      if (block.type !== 'document') continue;
      const at = `messages.${i}.content.${j}.document`;
      if (message.role !== 'user') return reject(`${at}: document blocks are only allowed in user messages`);
      const problem = documentProblem(block, at);
      if (problem) return reject(problem);
    }
  }
  return undefined;
}
