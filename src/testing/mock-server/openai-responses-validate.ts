/**
 * The request rules the OpenAI Responses API enforces, for the mock Responses wire: function schemas it
 * accepts, `function_call` / `function_call_output` pairs, items sent back by id only when they are stored,
 * and reasoning items paired with what they led to: a reasoning item followed by the item that followed it
 * (a message by its id, a function call by its call id), and that message or call preceded by it.
 *
 * The real API refuses a function call without its reasoning item only when the call carries its item id
 * (`fc_…`); sent without it, the call is accepted and the model has lost its reasoning, which is worse
 * than a refusal. The mock refuses both, so a test sees the loss.
 *
 * The real API remembers what it answered; the mock servers do too (`openai-responses-memory.ts`).
 *
 * @packageDocumentation
 */
import { arr, isObj, str, type Obj } from './decode.js';
import { openaiRejection } from './openai-rejection.js';
import { responsesFileRejection, responsesFormatRejection } from './openai-output-validate.js';
import {
  followingItem,
  reasoningOfEncryptedContent,
  requiredReasoning,
  sentItem,
  type PairedItem,
} from './openai-responses-memory.js';
import { functionSchemaRejection, type DeclaredFunction } from './openai-validate.js';
import type { WireRejection } from './types.js';

const notFound = (id: string, store: boolean): WireRejection =>
  openaiRejection(
    404,
    store
      ? `Item with id '${id}' not found.`
      : `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
    'input',
  );

/**
 * The reasoning item id an input item stands for (a reasoning item, or a reference to one), after checking
 * that the API could find it; a rejection when it could not; `undefined` for any other item.
 */
function reasoningIdOf(body: Obj, item: Obj, store: boolean): string | WireRejection | undefined {
  if (item.type === 'item_reference') {
    const id = str(item.id);
    if (!store) return notFound(id, false);
    const found = sentItem(body, id);
    if (found === undefined) return notFound(id, true);
    return found.type === 'reasoning' ? id : undefined;
  }
  if (item.type !== 'reasoning') return undefined;
  const id = str(item.id);
  if (typeof item.encrypted_content === 'string')
    return reasoningOfEncryptedContent(body, item.encrypted_content) ?? id;
  // Without its encrypted content, a reasoning item is only found in the store, by its id.
  if (!store || sentItem(body, id) === undefined) return notFound(id, store);
  return id;
}

/** The item a reference stands for (when the mock sent it), or the item itself. */
const resolved = (body: Obj, item: Obj): Obj =>
  item.type === 'item_reference' ? (sentItem(body, str(item.id)) ?? item) : item;

/**
 * Whether `next` can follow a reasoning item: anything the model produced but more reasoning, and, when the
 * reasoning was followed by an item the mock sent, that item again (a message by its id, a function call
 * by its call id).
 */
function followsReasoning(body: Obj, reasoning: string, next: Obj | undefined): boolean {
  if (next === undefined || next.role === 'user' || next.type === 'reasoning') return false;
  const item = resolved(body, next);
  if (item.type === 'reasoning') return false;
  const expected = followingItem(body, reasoning);
  if (expected === undefined) return true;
  if (expected.callId !== undefined) return item.type === 'function_call' && str(item.call_id) === expected.callId;
  return str(item.id) === expected.id;
}

const missingReasoning = (paired: PairedItem): WireRejection =>
  openaiRejection(
    400,
    `Item '${paired.id}' of type '${paired.type}' was provided without its required 'reasoning' item: '${paired.reasoning}'.`,
    'input',
  );

function inputRejection(body: Obj, items: readonly Obj[], store: boolean): WireRejection | undefined {
  const reasoningSeen = new Set<string>();
  const calls = new Set<string>();
  const answered = new Set(
    items.filter((item) => item.type === 'function_call_output').map((item) => str(item.call_id)),
  );
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i]!;
    const reasoning = reasoningIdOf(body, item, store);
    if (typeof reasoning === 'object') return reasoning;
    if (reasoning !== undefined) {
      if (!followsReasoning(body, reasoning, items[i + 1])) {
        return openaiRejection(
          400,
          `Item '${reasoning}' of type 'reasoning' was provided without its required following item.`,
          'input',
        );
      }
      reasoningSeen.add(reasoning);
      continue;
    }
    const model = resolved(body, item);
    if (model.type === 'function_call') {
      const callId = str(model.call_id);
      const required = requiredReasoning(body, { callId });
      if (required && !reasoningSeen.has(required.reasoning)) return missingReasoning(required);
      if (!answered.has(callId)) {
        return openaiRejection(400, `No tool output found for function call ${callId}.`, 'input');
      }
      calls.add(callId);
    } else if (typeof model.id === 'string' && (model.type === 'message' || model.role === 'assistant')) {
      const required = requiredReasoning(body, { id: model.id });
      if (required && !reasoningSeen.has(required.reasoning)) return missingReasoning(required);
    } else if (item.type === 'function_call_output' && !calls.has(str(item.call_id))) {
      return openaiRejection(
        400,
        `No tool call found for function call output with call_id ${str(item.call_id)}.`,
        'input',
      );
    }
  }
  return undefined;
}

/**
 * What the Responses API would refuse in this request body, or `undefined`.
 *
 * @example
 * ```ts
 * responsesRejection({ input: [{ type: 'function_call_output', call_id: 'c1', output: 'x' }] });
 * // { status: 400, message: 'No tool call found for function call output with call_id c1.' }
 * ```
 */
export function responsesRejection(body: unknown): WireRejection | undefined {
  const b = isObj(body) ? body : {};
  const functions = arr(b.tools).flatMap((tool, i): DeclaredFunction[] =>
    isObj(tool) && tool.type === 'function'
      ? [
          {
            name: str(tool.name),
            parameters: tool.parameters,
            strict: tool.strict === true,
            param: `tools[${i}].parameters`,
          },
        ]
      : [],
  );
  return (
    functionSchemaRejection(functions) ??
    responsesFormatRejection(b) ??
    responsesFileRejection(b) ??
    inputRejection(b, arr(b.input).filter(isObj), b.store !== false)
  );
}
