/**
 * File parts for OpenAI: PDFs as `file` parts (Chat Completions) and `input_file` items (Responses), text
 * files as text, and structured output formats.
 *
 * @packageDocumentation
 */
import type { JsonSchema, OutputFormat } from '../../model/language-model.js';
import type { FilePart } from '../../model/message.js';
import { fileAsText, fileNameOf, isTextMediaType, unsupportedFile } from '../shared/file-parts.js';
import { strictSchemaProblem } from '../shared/strict-schema-rules.js';

type Obj = Record<string, unknown>;

const isPdf = (part: FilePart): boolean => part.mediaType.split(';')[0]!.trim().toLowerCase() === 'application/pdf';
const dataUrl = (part: FilePart): string => `data:${part.mediaType};base64,${part.data ?? ''}`;

/**
 * A file part of a Chat Completions user message: a PDF as a `file` part (inline only: the API fetches no
 * file URL), a text file as a `text` part.
 *
 * @throws ConfigError for another type, or a PDF by URL.
 */
export function chatFilePart(part: FilePart): Obj {
  if (isTextMediaType(part.mediaType)) return { type: 'text', text: fileAsText('openai', part) };
  if (isPdf(part) && part.data !== undefined) {
    return { type: 'file', file: { filename: fileNameOf(part), file_data: dataUrl(part) } };
  }
  throw unsupportedFile(
    'openai',
    part,
    'inline PDFs and text files on the Chat Completions API (the Responses API also takes PDFs by URL)',
  );
}

/**
 * A file part of a Responses user message: a PDF as an `input_file` (inline, or by URL the API fetches), a
 * text file as `input_text`.
 *
 * @throws ConfigError for another type.
 */
export function responsesFilePart(part: FilePart): Obj {
  if (isTextMediaType(part.mediaType)) return { type: 'input_text', text: fileAsText('openai', part) };
  if (isPdf(part)) {
    return part.data !== undefined
      ? { type: 'input_file', filename: fileNameOf(part), file_data: dataUrl(part) }
      : { type: 'input_file', file_url: part.url ?? '' };
  }
  throw unsupportedFile('openai', part, 'PDFs and text files');
}

/**
 * The `json_schema` format of a structured output, strict when the schema follows strict mode's rules (the
 * same rules as strict tools, `shared/strict-schema-rules.ts`). A schema that does not is sent non-strict
 * rather than rewritten: the answer is text the caller validates against its own schema, and a rewritten
 * schema (optional fields made nullable) would make a strict model answer `null` where the caller's schema
 * wants the field left out.
 *
 * @example
 * ```ts
 * openAiOutputFormat({ name: 'verdict', schema: { type: 'object', properties: {}, required: [], additionalProperties: false } });
 * // { name: 'verdict', schema: { … }, strict: true }
 * ```
 */
export function openAiOutputFormat(output: OutputFormat): {
  name: string;
  description?: string;
  schema: JsonSchema;
  strict: boolean;
} {
  const { $schema: _dialect, ...schema } = output.schema;
  return {
    name: output.name,
    ...(output.description !== undefined ? { description: output.description } : {}),
    schema,
    strict: strictSchemaProblem(schema) === undefined,
  };
}
