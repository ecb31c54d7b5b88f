/**
 * The rules both OpenAI APIs enforce on structured output formats (Chat `response_format`, Responses
 * `text.format`) and on file inputs (Chat `file` parts, Responses `input_file`), for the mock OpenAI wires:
 * a `json_schema` format needs a name of letters, digits, `_` and `-`, an object schema, and under
 * `strict` every rule of strict mode (the same rules as strict functions); a file needs its data as a
 * `data:` URL with a file name, or a file id (or, on Responses, a URL).
 *
 * @packageDocumentation
 */
import type { JsonSchema } from '../../model/language-model.js';
import { pythonTuple, strictSchemaProblem } from '../../providers/shared/strict-schema-rules.js';
import { arr, isObj, str, type Obj } from './decode.js';
import { openaiRejection } from './openai-rejection.js';
import type { WireRejection } from './types.js';

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** A `json_schema` format, wherever it sits: its fields and the `param` path the errors name. */
function jsonSchemaRejection(format: Obj, param: string): WireRejection | undefined {
  if (format.name === undefined)
    return openaiRejection(400, `Missing required parameter: '${param}.name'.`, `${param}.name`);
  const name = str(format.name);
  if (!NAME.test(name)) {
    return openaiRejection(
      400,
      `Invalid '${param}.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
      `${param}.name`,
      'invalid_value',
    );
  }
  if (!isObj(format.schema))
    return openaiRejection(400, `Missing required parameter: '${param}.schema'.`, `${param}.schema`);
  const schema = format.schema as JsonSchema;
  const prefix = `Invalid schema for response_format '${name}':`;
  if (schema.type !== 'object') {
    return openaiRejection(
      400,
      `${prefix} schema must be a JSON Schema of 'type: "object"', got 'type: "${String(schema.type ?? 'None')}"'.`,
      param,
      'invalid_json_schema',
    );
  }
  if (format.strict !== true) return undefined;
  const problem = strictSchemaProblem(schema);
  return problem
    ? openaiRejection(
        400,
        `${prefix} In context=${pythonTuple(problem.context)}, ${problem.message}`,
        param,
        'invalid_json_schema',
      )
    : undefined;
}

function formatTypeRejection(format: unknown, param: string): WireRejection | undefined {
  const type = isObj(format) ? str(format.type) : '';
  if (type === 'text' || type === 'json_object' || type === 'json_schema') return undefined;
  return openaiRejection(
    400,
    `Invalid value: '${type}'. Supported values are: 'text', 'json_object', and 'json_schema'.`,
    `${param}.type`,
    'invalid_value',
  );
}

/**
 * The refusal of a Chat Completions `response_format`, or `undefined`.
 *
 * @example
 * ```ts
 * chatFormatRejection({ response_format: { type: 'json_schema', json_schema: { schema: {} } } });
 * // { status: 400, message: "Missing required parameter: 'response_format.json_schema.name'." }
 * ```
 */
export function chatFormatRejection(body: Obj): WireRejection | undefined {
  const format = body.response_format;
  if (format === undefined || format === null) return undefined;
  const wrongType = formatTypeRejection(format, 'response_format');
  if (wrongType || !isObj(format) || format.type !== 'json_schema') return wrongType;
  if (!isObj(format.json_schema)) {
    return openaiRejection(
      400,
      "Missing required parameter: 'response_format.json_schema'.",
      'response_format.json_schema',
    );
  }
  return jsonSchemaRejection(format.json_schema, 'response_format.json_schema');
}

/** The refusal of a Responses `text.format`, or `undefined`. */
export function responsesFormatRejection(body: Obj): WireRejection | undefined {
  const format = isObj(body.text) ? body.text.format : undefined;
  if (format === undefined || format === null) return undefined;
  const wrongType = formatTypeRejection(format, 'text.format');
  if (wrongType || !isObj(format) || format.type !== 'json_schema') return wrongType;
  return jsonSchemaRejection(format, 'text.format');
}

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+);base64,[A-Za-z0-9+/]+={0,2}$/;

/** What is wrong with inline file data and its name, or `undefined`. */
function fileDataRejection(file: Obj, param: string): WireRejection | undefined {
  if (file.filename === undefined) {
    return openaiRejection(400, `Missing required parameter: '${param}.filename'.`, `${param}.filename`);
  }
  const match = DATA_URL.exec(str(file.file_data));
  if (match?.[1] !== 'application/pdf') {
    return openaiRejection(
      400,
      `Invalid file data: '${param}.file_data'. Expected a base64-encoded data URL with an application/pdf MIME type (e.g. 'data:application/pdf;base64,SGVsbG8sIFdvcmxkIQ==').`,
      `${param}.file_data`,
      'invalid_value',
    );
  }
  return undefined;
}

/**
 * The refusal of the `file` parts of Chat Completions user messages (`file_data` with a `filename`, or a
 * `file_id`; no URL), or `undefined`.
 */
export function chatFileRejection(body: Obj): WireRejection | undefined {
  for (const [i, message] of arr(body.messages).filter(isObj).entries()) {
    for (const [j, part] of arr(message.content).entries()) {
      if (!isObj(part) || part.type !== 'file') continue;
      const param = `messages[${i}].content[${j}].file`;
      const file = isObj(part.file) ? part.file : undefined;
      if (file === undefined) return openaiRejection(400, `Missing required parameter: '${param}'.`, param);
      if (typeof file.file_id === 'string') continue;
      if (file.file_data === undefined) {
        return openaiRejection(400, `Missing required parameter: '${param}.file_data'.`, `${param}.file_data`);
      }
      const problem = fileDataRejection(file, param);
      if (problem) return problem;
    }
  }
  return undefined;
}

/**
 * The refusal of the `input_file` parts of Responses input messages (`file_data` with a `filename`, a
 * `file_id`, or an `http(s)` `file_url`), or `undefined`.
 */
export function responsesFileRejection(body: Obj): WireRejection | undefined {
  for (const [i, item] of arr(body.input).filter(isObj).entries()) {
    for (const [j, part] of arr(item.content).entries()) {
      if (!isObj(part) || part.type !== 'input_file') continue;
      const param = `input[${i}].content[${j}]`;
      if (typeof part.file_id === 'string') continue;
      if (part.file_url !== undefined) {
        if (/^https?:\/\//.test(str(part.file_url))) continue;
        return openaiRejection(
          400,
          `Invalid '${param}.file_url': Expected a valid URL.`,
          `${param}.file_url`,
          'invalid_value',
        );
      }
      if (part.file_data === undefined) {
        return openaiRejection(
          400,
          `Missing required parameter: one of '${param}.file_data', '${param}.file_id' or '${param}.file_url'.`,
          param,
        );
      }
      const problem = fileDataRejection(part, param);
      if (problem) return problem;
    }
  }
  return undefined;
}
