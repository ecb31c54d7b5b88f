/** The digest that binds an approval to the exact tool call a person was shown. Never exported. */
import { canonicalJson } from './canonical-json.js';
import { sha256Hex } from './sha256.js';

/**
 * `sha256:<hex>` of the canonical JSON of `{ name, input }`: the same for the same call however its keys
 * are ordered, different for any other tool or input. Pure JavaScript and synchronous, so the root entry
 * stays free of `node:*` modules and the events of one turn keep the model's order.
 *
 * @throws TypeError when the input has no canonical JSON form (see `canonicalJson`): callers refuse the call.
 */
export function callDigest(name: string, input: unknown): string {
  return `sha256:${sha256Hex(canonicalJson({ name, input }))}`;
}
