/**
 * What the mock Responses servers sent, remembered as the real API remembers its responses: to resolve an
 * `item_reference`, and to know which reasoning item a function call was made with.
 *
 * Every mock Responses server of the process shares this memory, and their ids repeat (`rs_mock_1`,
 * `call_1_0`), possibly in tests that run at the same time. So each answer is filed under its conversation
 * (the model, the instructions and the first input item, which the requests of one conversation share) and
 * looked up there first. Checks that would refuse a request use the conversation's record only; lookups
 * that only make a request understood fall back to the latest item with that id.
 *
 * @packageDocumentation
 */
import { arr, isObj, str, type Obj } from './decode.js';

const MAX_REMEMBERED = 10_000;

/** The output items sent, by `conversation + id` and by plain id (latest wins). */
const items = new Map<string, Obj>();
/** An item the API sent after a reasoning item, and so requires back together with it. */
export interface PairedItem {
  readonly type: string;
  /** The item id (`fc_…`, `msg_…`). */
  readonly id: string;
  /** A function call's call id. */
  readonly callId?: string;
  readonly reasoning: string;
}

/** For `conversation + reasoning id`, the item that followed it. */
const followingOf = new Map<string, PairedItem>();
/** For `conversation + call id` or `conversation + message id`, the item and its reasoning item. */
const reasoningOf = new Map<string, PairedItem>();
/** For `conversation + encrypted content`, and for the plain encrypted content, its reasoning item id. */
const reasoningOfEncrypted = new Map<string, string>();

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value!);
}

/** The conversation a request belongs to: what all its requests share. */
function conversationOf(body: unknown): string {
  const b = isObj(body) ? body : {};
  const first = typeof b.input === 'string' ? b.input : arr(b.input)[0];
  return JSON.stringify([b.model ?? '', b.instructions ?? '', first ?? null]);
}

const scoped = (body: unknown, key: string): string => `${conversationOf(body)}\u0000${key}`;

/**
 * Records the output items of the answer to `body`.
 *
 * @example
 * ```ts
 * rememberOutput(body, [{ id: 'rs_1', type: 'reasoning' }, { id: 'fc_1', type: 'function_call', call_id: 'c1' }]);
 * ```
 */
export function rememberOutput(body: unknown, output: readonly Obj[]): void {
  let reasoning: string | undefined;
  let previous: Obj | undefined;
  for (const item of output) {
    const id = str(item.id);
    remember(items, scoped(body, id), item);
    remember(items, id, item);
    if (item.type === 'reasoning' && typeof item.encrypted_content === 'string') {
      remember(reasoningOfEncrypted, scoped(body, item.encrypted_content), id);
      remember(reasoningOfEncrypted, item.encrypted_content, id);
    }
    if (item.type === 'reasoning') {
      reasoning = id;
    } else {
      const callId = item.type === 'function_call' ? str(item.call_id) : undefined;
      const key = scoped(body, callId !== undefined ? `call:${callId}` : `item:${id}`);
      // A function call needs the reasoning of its response; a message only the reasoning right before it.
      const after = previous?.type === 'reasoning';
      const needed = callId !== undefined || after ? reasoning : undefined;
      const paired = { type: str(item.type), id, ...(callId !== undefined ? { callId } : {}), reasoning: needed ?? '' };
      if (needed === undefined) reasoningOf.delete(key);
      else remember(reasoningOf, key, paired);
      if (after && needed !== undefined) remember(followingOf, scoped(body, needed), paired);
    }
    previous = item;
  }
}

/**
 * The item a request refers to by `id`, as it was sent: in the request's conversation, else the latest one
 * with that id; `undefined` when no mock server sent it.
 *
 * @example
 * ```ts
 * sentItem(body, 'rs_mock_1'); // { id: 'rs_mock_1', type: 'reasoning', summary: [...] }
 * ```
 */
export function sentItem(body: unknown, id: string): Obj | undefined {
  return items.get(scoped(body, id)) ?? items.get(id);
}

/** The reasoning item id of an encrypted content that was sent, if any. */
export function reasoningOfEncryptedContent(body: unknown, encrypted: string): string | undefined {
  return reasoningOfEncrypted.get(scoped(body, encrypted)) ?? reasoningOfEncrypted.get(encrypted);
}

/**
 * The reasoning item an item of this conversation requires before it (a function call by its call id, a
 * message by its id), with the item's own id; `undefined` when it requires none.
 */
export function requiredReasoning(body: unknown, item: { callId?: string; id?: string }): PairedItem | undefined {
  const key = item.callId !== undefined ? `call:${item.callId}` : `item:${item.id ?? ''}`;
  return reasoningOf.get(scoped(body, key));
}

/** The item that followed a reasoning item of this conversation, which must follow it again. */
export function followingItem(body: unknown, reasoningId: string): PairedItem | undefined {
  return followingOf.get(scoped(body, reasoningId));
}
