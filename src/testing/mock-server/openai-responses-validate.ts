/**
 * The request rules the OpenAI Responses API enforces, for the mock Responses wire: function schemas it
 * accepts, `function_call` / `function_call_output` pairs, items sent back by id only when they are stored,
 * and the reasoning item a function call was made with, sent back before it.
 *
 * The real API remembers what it answered; so does this module, for every mock Responses server of the
 * process: the ids of the items it sent and, for each function call made after a reasoning item, that
 * item. Ids can repeat across servers (`rs_mock_1`); the latest answer wins, which is the one a test sends
 * back.
 *
 * @packageDocumentation
 */
import { arr, isObj, str, type Obj } from './decode.js';
import { openaiRejection } from './openai-rejection.js';
import { functionSchemaRejection, type DeclaredFunction } from './openai-validate.js';
import type { WireRejection } from './types.js';

const MAX_REMEMBERED = 10_000;

/** Ids of the output items the mock sent, with their type. */
const emittedItems = new Map<string, string>();
/** For a call id, the function call item and the reasoning item it was made with. */
const reasoningOfCall = new Map<string, { readonly item: string; readonly reasoning: string }>();
/** For an encrypted content the mock sent, its reasoning item's id. */
const reasoningOfEncrypted = new Map<string, string>();

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value!);
}

/**
 * Records the output items of one answer, so that later requests can be checked against them.
 *
 * @example
 * ```ts
 * rememberOutput([{ id: 'rs_1', type: 'reasoning' }, { id: 'fc_1', type: 'function_call', call_id: 'call_1' }]);
 * ```
 */
export function rememberOutput(output: readonly Obj[]): void {
  let reasoning: string | undefined;
  for (const item of output) {
    const id = str(item.id);
    remember(emittedItems, id, str(item.type));
    if (item.type === 'reasoning') {
      reasoning = id;
      if (typeof item.encrypted_content === 'string') remember(reasoningOfEncrypted, item.encrypted_content, id);
    } else if (item.type === 'function_call') {
      const callId = str(item.call_id);
      if (reasoning === undefined) reasoningOfCall.delete(callId);
      else remember(reasoningOfCall, callId, { item: id, reasoning });
    }
  }
}

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
function reasoningIdOf(item: Obj, store: boolean): string | WireRejection | undefined {
  if (item.type === 'item_reference') {
    const id = str(item.id);
    if (!store) return notFound(id, false);
    const type = emittedItems.get(id);
    if (type === undefined) return notFound(id, true);
    return type === 'reasoning' ? id : undefined;
  }
  if (item.type !== 'reasoning') return undefined;
  const id = str(item.id);
  if (typeof item.encrypted_content === 'string') return reasoningOfEncrypted.get(item.encrypted_content) ?? id;
  // Without its encrypted content, a reasoning item is only found in the store, by its id.
  if (!store || !emittedItems.has(id)) return notFound(id, store);
  return id;
}

/** Whether an item can follow a reasoning item: anything the model produced but more reasoning. */
function canFollowReasoning(item: Obj | undefined): boolean {
  if (item === undefined || item.role === 'user' || item.type === 'reasoning') return false;
  return !(item.type === 'item_reference' && emittedItems.get(str(item.id)) === 'reasoning');
}

function inputRejection(items: readonly Obj[], store: boolean): WireRejection | undefined {
  const reasoningSeen = new Set<string>();
  const calls = new Set<string>();
  const answered = new Set(
    items.filter((item) => item.type === 'function_call_output').map((item) => str(item.call_id)),
  );
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i]!;
    const reasoning = reasoningIdOf(item, store);
    if (typeof reasoning === 'object') return reasoning;
    if (reasoning !== undefined) {
      if (!canFollowReasoning(items[i + 1])) {
        return openaiRejection(
          400,
          `Item '${reasoning}' of type 'reasoning' was provided without its required following item.`,
          'input',
        );
      }
      reasoningSeen.add(reasoning);
    } else if (item.type === 'function_call') {
      const callId = str(item.call_id);
      const required = reasoningOfCall.get(callId);
      if (required && !reasoningSeen.has(required.reasoning)) {
        return openaiRejection(
          400,
          `Item '${required.item}' of type 'function_call' was provided without its required 'reasoning' item: '${required.reasoning}'.`,
          'input',
        );
      }
      if (!answered.has(callId)) {
        return openaiRejection(400, `No tool output found for function call ${callId}.`, 'input');
      }
      calls.add(callId);
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
  return functionSchemaRejection(functions) ?? inputRejection(arr(b.input).filter(isObj), b.store !== false);
}
