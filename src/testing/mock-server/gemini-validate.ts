/**
 * The rules the Gemini API enforces on a `generateContent` request, with its status and error text, so a
 * test against the mock fails where production would:
 *
 * - tool schemas in `parameters` (Gemini's OpenAPI subset): no keyword outside the subset, no type list, a
 *   `type` on every node that is not an `anyOf`, properties on every `OBJECT`, `items` on every `ARRAY`,
 *   `required` only on objects and only for declared properties;
 * - function calls and responses paired turn by turn, as many responses as calls;
 * - on Gemini 3 and later, the first function call of each step of the current turn signed;
 * - structured output and file parts as `gemini-output-validate.ts` checks them.
 *
 * @packageDocumentation
 */
import { arr, isObj, str, type Obj } from './decode.js';
import { fileRejection, outputRejection } from './gemini-output-validate.js';
import type { WireContext, WireRejection } from './types.js';

/** The fields of Gemini's `Schema` message: any other key fails to parse. */
const SCHEMA_FIELDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);

const TYPES = new Set(['TYPE_UNSPECIFIED', 'STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);

const SIGNATURE_DOCS = 'https://ai.google.dev/gemini-api/docs/thought-signatures';

/** Schema errors, by kind. */
export interface SchemaErrors {
  /** Payload errors: the JSON does not fit the proto (unknown keys, a list for `type`). */
  readonly parse: string[];
  /** Semantic errors, reported once the payload parsed. */
  readonly semantic: string[];
}

/**
 * Walks one `parameters` schema. `wirePath` is the proto path the payload parser reports (map entries as
 * `properties[<index>].value`); `fieldPath` the one the validator reports (`properties[<name>]`).
 */
export function checkSchema(node: unknown, wirePath: string, fieldPath: string, errors: SchemaErrors): void {
  if (!isObj(node)) return;
  for (const key of Object.keys(node)) {
    if (!SCHEMA_FIELDS.has(key)) {
      errors.parse.push(`Invalid JSON payload received. Unknown name "${key}" at '${wirePath}': Cannot find field.`);
    }
  }
  const type = node.type;
  if (Array.isArray(type)) {
    errors.parse.push(
      `Invalid JSON payload received. Unknown name "type" at '${wirePath}': Proto field is not repeating, cannot start list.`,
    );
    return;
  }
  const name = typeof type === 'string' ? type.toUpperCase() : undefined;
  if (type !== undefined && (name === undefined || !TYPES.has(name))) {
    errors.parse.push(
      `Invalid value at '${wirePath}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), ${JSON.stringify(type)}`,
    );
    return;
  }
  const anyOf = arr(node.anyOf);
  if ((name === undefined || name === 'TYPE_UNSPECIFIED') && anyOf.length === 0) {
    errors.semantic.push(`${fieldPath}.type: must be specified when not using one_of, any_of or all_of fields`);
  }
  anyOf.forEach((member, i) => checkSchema(member, `${wirePath}.any_of[${i}]`, `${fieldPath}.any_of[${i}]`, errors));
  const properties = isObj(node.properties) ? node.properties : {};
  const names = Object.keys(properties);
  if (name === 'OBJECT' && names.length === 0) {
    errors.semantic.push(`${fieldPath}.properties: should be non-empty for OBJECT type`);
  }
  names.forEach((key, i) =>
    checkSchema(properties[key], `${wirePath}.properties[${i}].value`, `${fieldPath}.properties[${key}]`, errors),
  );
  if (name === 'ARRAY' && node.items === undefined) errors.semantic.push(`${fieldPath}.items: missing field.`);
  if (node.items !== undefined) checkSchema(node.items, `${wirePath}.items`, `${fieldPath}.items`, errors);
  arr(node.required).forEach((required, i) => {
    if (name !== 'OBJECT') errors.semantic.push(`${fieldPath}.required: only allowed for OBJECT type`);
    else if (!names.includes(str(required)))
      errors.semantic.push(`${fieldPath}.required[${i}]: property is not defined`);
  });
}

function checkTools(body: Obj): WireRejection | undefined {
  const errors: SchemaErrors = { parse: [], semantic: [] };
  arr(body.tools).forEach((tool, t) => {
    const declarations = isObj(tool) ? arr(tool.functionDeclarations) : [];
    declarations.forEach((declaration, d) => {
      if (!isObj(declaration) || declaration.parameters === undefined) return;
      const path = `tools[${t}].function_declarations[${d}].parameters`;
      checkSchema(declaration.parameters, path, `GenerateContentRequest.${path}`, errors);
    });
  });
  if (errors.parse.length > 0) return { status: 400, message: errors.parse.join('\n') };
  if (errors.semantic.length > 0) return { status: 400, message: errors.semantic.map((e) => `* ${e}\n`).join('') };
  return undefined;
}

type Content = { role: string; parts: Obj[] };

const calls = (content: Content | undefined): Obj[] =>
  content?.role === 'model' ? content.parts.filter((part) => isObj(part.functionCall)) : [];
const responses = (content: Content | undefined): Obj[] =>
  content?.role === 'user' ? content.parts.filter((part) => isObj(part.functionResponse)) : [];

function checkPairing(contents: readonly Content[]): WireRejection | undefined {
  for (const [i, content] of contents.entries()) {
    const previous = contents[i - 1];
    if (calls(content).length > 0) {
      if (previous?.role !== 'user') {
        return {
          status: 400,
          message:
            'Please ensure that function call turn comes immediately after a user turn or after a function response turn.',
        };
      }
      if (responses(contents[i + 1]).length !== calls(content).length) {
        return {
          status: 400,
          message:
            'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.',
        };
      }
    }
    if (responses(content).length > 0 && calls(previous).length === 0) {
      return {
        status: 400,
        message: 'Please ensure that function response turn comes immediately after a function call turn.',
      };
    }
  }
  return undefined;
}

/** The generation a Gemini model id names (`gemini-3-pro-preview` → 3); aliases name none. */
export function generationOf(model: string): number | undefined {
  const match = /^(?:models\/)?gemini-(\d+)(?:[.-]|$)/.exec(model.toLowerCase());
  return match ? Number(match[1]) : undefined;
}

/**
 * Gemini 3: the current turn starts at the last content the user wrote (not function responses); in every
 * model turn after it, the first function call must carry its signature.
 */
function checkSignatures(model: string, contents: readonly Content[]): WireRejection | undefined {
  if ((generationOf(model) ?? 0) < 3) return undefined;
  let start = contents.length - 1;
  while (start >= 0 && !(contents[start]!.role === 'user' && responses(contents[start]).length === 0)) start -= 1;
  for (let i = start + 1; i < contents.length; i += 1) {
    const first = calls(contents[i])[0];
    if (first === undefined) continue;
    // Any signature passes, Google's documented placeholders (`skip_thought_signature_validator`) included.
    if (typeof first.thoughtSignature === 'string' && first.thoughtSignature !== '') continue;
    const call = isObj(first.functionCall) ? str(first.functionCall.name) : '';
    return {
      status: 400,
      message: `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${call}\` , position ${i + 1}. Please refer to ${SIGNATURE_DOCS} for more details.`,
    };
  }
  return undefined;
}

/**
 * Checks a `streamGenerateContent` request as the Gemini API does; the rejection it would send, or
 * `undefined` to accept.
 *
 * @example
 * ```ts
 * validateGeminiRequest({ call: 1, model: 'gemini-3-flash-preview', path, body, malformedToolJson: false });
 * ```
 */
export function validateGeminiRequest(context: WireContext): WireRejection | undefined {
  const body = isObj(context.body) ? context.body : {};
  const contents: Content[] = arr(body.contents)
    .filter(isObj)
    .map((content) => ({ role: str(content.role) || 'user', parts: arr(content.parts).filter(isObj) }));
  return (
    checkTools(body) ??
    outputRejection(body, context.model) ??
    fileRejection(contents) ??
    checkPairing(contents) ??
    checkSignatures(context.model, contents)
  );
}
