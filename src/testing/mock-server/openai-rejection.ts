/**
 * Refusals of the mock OpenAI servers, in the API's error shape: `{ error: { message, type, param, code } }`.
 *
 * A {@link WireRejection} carries a status and a message; the core sends it through the wire's `errorBody`.
 * OpenAI's body also names the offending `param` and a `code`, so each rejection made here records them
 * under its message, for `errorBody` to find.
 *
 * @packageDocumentation
 */
import type { WireRejection } from './types.js';

/** The `param` and `code` of an OpenAI error body. */
interface ErrorDetails {
  readonly param: string | null;
  readonly code: string | null;
}

/** Recent rejections' details, by message; bounded, since every server of the process shares it. */
const details = new Map<string, ErrorDetails>();
const MAX_REMEMBERED = 1_000;

/**
 * A rejection with OpenAI's `param` and `code`, remembered for {@link rejectionDetails}.
 *
 * @example
 * ```ts
 * openaiRejection(400, "No tool call found for function call output with call_id c1.", 'input');
 * ```
 */
export function openaiRejection(
  status: number,
  message: string,
  param: string | null = null,
  code: string | null = null,
): WireRejection {
  details.delete(message);
  details.set(message, { param, code });
  if (details.size > MAX_REMEMBERED) details.delete(details.keys().next().value!);
  return { status, message };
}

/** The `param` and `code` a rejection with this message was made with, if it was made here. */
export function rejectionDetails(message: string): ErrorDetails | undefined {
  return details.get(message);
}
