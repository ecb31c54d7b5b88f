/**
 * The cassette file: what one recorded HTTP exchange looks like on disk, how secrets are taken out of it
 * before it is written, and the normal form two requests are compared in.
 *
 * @packageDocumentation
 */
import { canonicalJson } from '../../internal/canonical-json.js';

/** One response chunk: text when it is valid UTF-8 on its own, else its bytes in base64. */
export type CassetteChunk = string | { readonly base64: string };

/** One recorded request and the response it got. */
export interface CassetteInteraction {
  readonly request: {
    readonly method: string;
    /** `protocol://host:port`. */
    readonly origin: string;
    /** Path and query, secrets redacted. */
    readonly path: string;
    readonly headers: Readonly<Record<string, string>>;
    /** Parsed JSON when the body is JSON, else the text (absent for no body). */
    readonly body?: unknown;
  };
  readonly response: {
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    /** The body as it arrived, chunk by chunk. */
    readonly chunks: readonly CassetteChunk[];
    /** With `timing: true`: ms between the response headers (or the previous chunk) and each chunk. */
    readonly delaysMs?: readonly number[];
  };
}

/** A cassette file. */
export interface CassetteFile {
  readonly version: 1;
  readonly interactions: readonly CassetteInteraction[];
}

/** What stands for a redacted value in a cassette. */
export const REDACTED = '[REDACTED]';

/** Headers and query parameters that carry credentials in every provider's API. */
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'x-api-key', 'x-goog-api-key', 'api-key', 'cookie'];
const SECRET_PARAMS = ['key', 'api_key', 'apikey', 'access_token'];
/** Response headers that describe the transfer, not the content: the replay makes its own. */
const TRANSFER_HEADERS = ['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'set-cookie'];

/** The names to redact, lower-cased: the built-in secrets and the caller's own. */
export interface Redaction {
  readonly headers: ReadonlySet<string>;
  readonly params: ReadonlySet<string>;
  /** JSON body fields, at any depth. */
  readonly fields: ReadonlySet<string>;
}

/** The redaction for a caller's extra names (each one is tried as a header, a parameter and a body field). */
export function redaction(extra: readonly string[] = []): Redaction {
  const names = extra.map((name) => name.toLowerCase());
  return {
    headers: new Set([...SECRET_HEADERS, ...names]),
    params: new Set([...SECRET_PARAMS, ...names]),
    fields: new Set(names),
  };
}

/** Request headers as stored: credentials redacted, the rest kept (they explain a recording). */
export function storedRequestHeaders(
  headers: Readonly<Record<string, string>>,
  rules: Redaction,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (key === 'host' || key === 'content-length' || key === 'connection') continue;
    out[key] = rules.headers.has(key) ? REDACTED : value;
  }
  return out;
}

/** Response headers as stored and replayed: transfer headers dropped, configured names redacted. */
export function storedResponseHeaders(headers: Iterable<[string, string]>, rules: Redaction): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (TRANSFER_HEADERS.includes(key)) continue;
    out[key] = rules.headers.has(key) ? REDACTED : value;
  }
  return out;
}

/** A path with its secret query parameters redacted. */
export function redactPath(path: string, rules: Redaction): string {
  const at = path.indexOf('?');
  if (at < 0) return path;
  const params = new URLSearchParams(path.slice(at + 1));
  for (const name of [...params.keys()]) if (rules.params.has(name.toLowerCase())) params.set(name, REDACTED);
  return `${path.slice(0, at)}?${params.toString()}`;
}

/** A JSON value with every configured field, at any depth, replaced by {@link REDACTED}. */
export function redactFields(value: unknown, rules: Redaction): unknown {
  if (rules.fields.size === 0 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => redactFields(item, rules));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      rules.fields.has(key.toLowerCase()) ? REDACTED : redactFields(item, rules),
    ]),
  );
}

/** The credential values of `headers` (with and without their `Bearer `-style scheme), to scrub anywhere. */
export function secretValues(headers: Readonly<Record<string, string>>, rules: Redaction): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!rules.headers.has(name.toLowerCase()) || value === '') continue;
    values.push(value, value.replace(/^\S+\s+/, ''));
  }
  return values.filter((value) => value.length >= 6);
}

/** `text` with every secret value replaced: the last guard before anything is written to disk. */
export function scrub(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.replaceAll(secret, REDACTED);
  return out;
}

/** The key two requests are matched on: method, path and the body in canonical form. */
export function requestKey(method: string, path: string, body: unknown): string {
  return `${method.toUpperCase()} ${path}\n${body === undefined ? '' : canonicalJson(body)}`;
}

/** A body as the replay compares it: JSON parsed, text as is. */
export function parseBody(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A response chunk as stored. */
export function storeChunk(bytes: Uint8Array): CassetteChunk {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { base64: Buffer.from(bytes).toString('base64') };
  }
}

/** A stored chunk as bytes. */
export function chunkBytes(chunk: CassetteChunk): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.base64, 'base64');
}
