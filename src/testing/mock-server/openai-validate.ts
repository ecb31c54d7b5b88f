/**
 * The request rules the OpenAI Chat Completions API enforces, for the mock Chat wire: function schemas it
 * accepts, tool calls answered by tool messages (and tool messages answering a call), and, for DeepSeek in
 * thinking mode, the `reasoning_content` of every assistant message that called tools.
 *
 * @packageDocumentation
 */
import type { JsonSchema } from '../../model/language-model.js';
import { pythonTuple, strictSchemaProblem } from '../../providers/shared/strict-schema-rules.js';
import { arr, isObj, str, type Obj } from './decode.js';
import { chatFileRejection, chatFormatRejection } from './openai-output-validate.js';
import { openaiRejection } from './openai-rejection.js';
import type { WireRejection } from './types.js';

/** A function tool as both OpenAI APIs declare it: name, parameters, strict flag, and its `param` path. */
export interface DeclaredFunction {
  readonly name: string;
  readonly parameters: unknown;
  readonly strict: boolean;
  readonly param: string;
}

/**
 * The refusal of the first function whose schema the API rejects: parameters that are not an object schema
 * (strict or not), or, for a strict function, a schema that breaks a strict-mode rule.
 */
export function functionSchemaRejection(functions: readonly DeclaredFunction[]): WireRejection | undefined {
  for (const fn of functions) {
    // A function without parameters takes none: that is allowed.
    if (fn.parameters === undefined || fn.parameters === null) continue;
    const schema = isObj(fn.parameters) ? (fn.parameters as JsonSchema) : {};
    const prefix = `Invalid schema for function '${fn.name}':`;
    if (schema.type !== 'object') {
      return openaiRejection(
        400,
        `${prefix} schema must be a JSON Schema of 'type: "object"', got 'type: "${String(schema.type ?? 'None')}"'.`,
        fn.param,
        'invalid_function_parameters',
      );
    }
    if (!fn.strict) continue;
    const problem = strictSchemaProblem(schema);
    if (problem) {
      return openaiRejection(
        400,
        `${prefix} In context=${pythonTuple(problem.context)}, ${problem.message}`,
        fn.param,
        'invalid_function_parameters',
      );
    }
  }
  return undefined;
}

/** Whether a DeepSeek request runs in thinking mode (where tool turns need their reasoning back). */
function deepSeekThinks(model: string, body: Obj): boolean {
  const id = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  if (!id.startsWith('deepseek')) return false;
  const thinking = isObj(body.thinking) ? str(body.thinking.type) : '';
  if (thinking === 'disabled') return false;
  // `deepseek-reasoner` always thinks; the V4 models think unless told not to; `deepseek-chat` only on request.
  return thinking === 'enabled' || id.includes('reasoner') || /^deepseek-v4/.test(id);
}

function toolMessageRejection(messages: readonly Obj[], model: string, body: Obj): WireRejection | undefined {
  const thinks = deepSeekThinks(model, body);
  let pending = new Set<string>();
  let afterCalls = false;
  for (let i = 0; i < messages.length; i += 1) {
    const message = messages[i]!;
    if (message.role === 'tool') {
      const id = str(message.tool_call_id);
      if (!afterCalls || !pending.has(id)) {
        return openaiRejection(
          400,
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${i}].role`,
        );
      }
      pending.delete(id);
      continue;
    }
    if (pending.size > 0) {
      return openaiRejection(
        400,
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending].join(', ')}`,
        `messages.[${i}].role`,
      );
    }
    const calls = message.role === 'assistant' ? arr(message.tool_calls).filter(isObj) : [];
    afterCalls = calls.length > 0;
    pending = new Set(calls.map((call) => str(call.id)));
    if (afterCalls && thinks && typeof message.reasoning_content !== 'string') {
      return openaiRejection(
        400,
        'The `reasoning_content` in the thinking mode must be passed back to the API.',
        null,
        'invalid_request_error',
      );
    }
  }
  if (pending.size > 0) {
    return openaiRejection(
      400,
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending].join(', ')}`,
      `messages.[${messages.length}].role`,
    );
  }
  return undefined;
}

/**
 * What the Chat Completions API would refuse in this request body, or `undefined`.
 *
 * @example
 * ```ts
 * chatRejection('gpt-4.1-mini', { messages: [{ role: 'tool', tool_call_id: 'c1', content: 'x' }] });
 * // { status: 400, message: "Invalid parameter: messages with role 'tool' must be a response to …" }
 * ```
 */
export function chatRejection(model: string, body: unknown): WireRejection | undefined {
  const b = isObj(body) ? body : {};
  const functions = arr(b.tools)
    .filter(isObj)
    .map((tool, i): DeclaredFunction => {
      const fn = isObj(tool.function) ? tool.function : {};
      return {
        name: str(fn.name),
        parameters: fn.parameters,
        strict: fn.strict === true,
        param: `tools[${i}].function.parameters`,
      };
    });
  return (
    functionSchemaRejection(functions) ??
    chatFormatRejection(b) ??
    chatFileRejection(b) ??
    toolMessageRejection(arr(b.messages).filter(isObj), model, b)
  );
}
