/** The digest that binds an approval to the exact tool call a person was shown. Never exported. */
import { canonicalJson } from './canonical-json.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * `sha256:<hex>` of the canonical JSON of `{ name, input }`: the same for the same call however its keys
 * are ordered, different for any other tool or input. Uses WebCrypto (`crypto.subtle`, global in Node 20
 * and later, Deno, Bun, browsers and workers), so the root entry stays free of `node:*` modules.
 *
 * @throws TypeError when the input has no canonical JSON form (see `canonicalJson`): callers refuse the call.
 */
export async function callDigest(name: string, input: unknown): Promise<string> {
  const text = canonicalJson({ name, input });
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  let hex = 'sha256:';
  for (const byte of new Uint8Array(hash)) hex += HEX[byte];
  return hex;
}
