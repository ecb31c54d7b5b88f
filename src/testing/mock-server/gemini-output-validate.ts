/**
 * The rules the Gemini API enforces on structured output (`generationConfig.responseMimeType`,
 * `responseSchema`, `responseJsonSchema`) and on file parts (`inlineData`, `fileData`), for the mock
 * Gemini wire:
 *
 * - a response MIME type among those Gemini produces; a schema only with a JSON (or enum) MIME type; not
 *   both schema fields; `responseSchema` in the OpenAPI subset, `responseJsonSchema` a JSON Schema object;
 * - before Gemini 3, no JSON output on a call where the model may call functions (Gemini 3 combines them);
 * - inline data with a MIME type Gemini reads and base64 bytes; file data with a URI.
 *
 * @packageDocumentation
 */
import { arr, isObj, str, type Obj } from './decode.js';
import { checkSchema, generationOf, type SchemaErrors } from './gemini-validate.js';
import type { WireRejection } from './types.js';

const MIME_TYPES = ['text/plain', 'application/json', 'application/xml', 'application/yaml', 'text/x.enum'];
const reject = (message: string): WireRejection => ({ status: 400, message });
const field = (message: string): WireRejection => reject(`* GenerateContentRequest.generation_config.${message}\n`);

/** Whether the model may call a function on this call: functions declared, and calling not turned off. */
function mayCallFunctions(body: Obj): boolean {
  const declared = arr(body.tools).some((tool) => isObj(tool) && arr(tool.functionDeclarations).length > 0);
  const config =
    isObj(body.toolConfig) && isObj(body.toolConfig.functionCallingConfig) ? body.toolConfig.functionCallingConfig : {};
  return declared && str(config.mode).toUpperCase() !== 'NONE';
}

/**
 * The refusal of a request's structured output settings, or `undefined`.
 *
 * @example
 * ```ts
 * outputRejection({ generationConfig: { responseJsonSchema: { type: 'object' } } }, 'gemini-2.5-flash');
 * // { status: 400, message: '* GenerateContentRequest.generation_config.response_mime_type: …' }
 * ```
 */
export function outputRejection(body: Obj, model: string): WireRejection | undefined {
  const config = isObj(body.generationConfig) ? body.generationConfig : {};
  const mime = config.responseMimeType;
  if (mime !== undefined && !MIME_TYPES.includes(str(mime))) {
    return field(
      'response_mime_type: allowed mimetypes are `text/plain`, `application/json`, `application/xml`, `application/yaml` and `text/x.enum`.',
    );
  }
  const { responseSchema, responseJsonSchema } = config;
  if (responseSchema !== undefined && responseJsonSchema !== undefined) {
    return field('response_schema: response_schema and response_json_schema cannot both be set.');
  }
  if ((responseSchema !== undefined || responseJsonSchema !== undefined) && mime !== 'application/json') {
    if (!(mime === 'text/x.enum' && responseSchema !== undefined)) {
      return field(
        `response_mime_type: must be application/json when ${responseSchema !== undefined ? 'response_schema' : 'response_json_schema'} is set.`,
      );
    }
  }
  if (responseJsonSchema !== undefined && !isObj(responseJsonSchema)) {
    return reject(
      `Invalid JSON payload received. Invalid value at 'generation_config.response_json_schema' (type.googleapis.com/google.protobuf.Value): a JSON Schema object was expected.`,
    );
  }
  if (responseSchema !== undefined) {
    const errors: SchemaErrors = { parse: [], semantic: [] };
    checkSchema(
      responseSchema,
      'generation_config.response_schema',
      'GenerateContentRequest.generation_config.response_schema',
      errors,
    );
    if (errors.parse.length > 0) return reject(errors.parse.join('\n'));
    if (errors.semantic.length > 0) return reject(errors.semantic.map((e) => `* ${e}\n`).join(''));
  }
  if (mime === 'application/json' && mayCallFunctions(body) && (generationOf(model) ?? 3) < 3) {
    return reject("Function calling with a response mime type: 'application/json' is unsupported");
  }
  return undefined;
}

/** MIME types Gemini reads from inline data. */
const readable = (mime: string): boolean =>
  /^(image|audio|video|text)\//.test(mime) ||
  [
    'application/pdf',
    'application/json',
    'application/xml',
    'application/x-javascript',
    'application/x-python',
  ].includes(mime);
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * The refusal of the file parts of the request's contents, or `undefined`.
 *
 * @example
 * ```ts
 * fileRejection([{ role: 'user', parts: [{ inlineData: { mimeType: 'application/zip', data: 'UEsDBA==' } }] }]);
 * // { status: 400, message: 'Unsupported MIME type: application/zip' }
 * ```
 */
export function fileRejection(contents: readonly { role: string; parts: Obj[] }[]): WireRejection | undefined {
  for (const [i, content] of contents.entries()) {
    for (const [j, part] of content.parts.entries()) {
      const at = `contents[${i}].parts[${j}]`;
      if (isObj(part.inlineData)) {
        const mime = str(part.inlineData.mimeType);
        if (mime === '') return reject(`* GenerateContentRequest.${at}.inline_data.mime_type: missing field.\n`);
        if (!readable(mime)) return reject(`Unsupported MIME type: ${mime}`);
        const data = str(part.inlineData.data);
        if (data === '' || !BASE64.test(data)) {
          return reject(
            `Invalid value at '${at}.inline_data.data' (TYPE_BYTES), Base64 decoding failed for "${data.slice(0, 20)}"`,
          );
        }
      }
      if (isObj(part.fileData) && str(part.fileData.fileUri) === '') {
        return reject(`* GenerateContentRequest.${at}.file_data.file_uri: missing field.\n`);
      }
    }
  }
  return undefined;
}
