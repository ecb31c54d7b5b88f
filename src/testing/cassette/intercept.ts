/**
 * The one set of nock interceptors every cassette shares. nock keeps a host's entry after its last
 * interceptor is removed, and that empty entry then shadows any later scope for the host; so the
 * interceptors are installed once, for every host, and match only while a cassette is active and wants the
 * request's host.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import { PASSTHROUGH_HEADER, type Intercepted, type Reply } from './exchange.js';
import type { Nock } from './load-nock.js';

/** The cassette that answers requests now. */
export interface ActiveCassette {
  readonly path: string;
  /** Whether it answers a request to `host` (`hostname:port` as in the Host header). */
  accepts(host: string): boolean;
  answer(request: Intercepted): Promise<Reply>;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
let active: ActiveCassette | undefined;
let installed = false;

/** What nock's reply function sees of the request (as `this.req`). */
interface NockRequest {
  readonly method: string;
  readonly options: { readonly protocol: string; readonly host: string };
  /** The body as sent, when nock kept it (it does for every request it routes). */
  readonly requestBodyBuffers?: readonly Buffer[];
  getHeader(name: string): unknown;
  getHeaders(): Record<string, unknown>;
}

function intercepted(req: NockRequest, path: string, body: unknown): Intercepted {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.getHeaders())) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  const host = typeof req.getHeader('host') === 'string' ? (req.getHeader('host') as string) : req.options.host;
  // The bytes as sent when nock kept them; nock's parse of the body otherwise.
  const raw = req.requestBodyBuffers ? Buffer.concat(req.requestBodyBuffers).toString('utf8') : undefined;
  const text = raw ?? (body === undefined || typeof body === 'string' ? body : JSON.stringify(body));
  return {
    method: req.method.toUpperCase(),
    url: `${req.options.protocol}//${host}${path}`,
    headers,
    body: text || undefined,
  };
}

function install(nock: Nock): void {
  if (installed) return;
  installed = true;
  const scope = nock(/.*/, { allowUnmocked: true }).persist();
  for (const method of METHODS) {
    scope
      .intercept(() => active !== undefined, method)
      .matchHeader(PASSTHROUGH_HEADER, (value) => value === undefined)
      .matchHeader('host', (host) => active?.accepts(String(host)) ?? false)
      .reply(async function (this: { req: NockRequest }, path: string, body: unknown) {
        const cassette = active;
        if (cassette === undefined) throw new Error('No cassette is active.');
        return cassette.answer(intercepted(this.req, path, body));
      } as never);
  }
}

/**
 * Makes `cassette` the one that answers; returns the function that stops it.
 *
 * @throws ConfigError when another cassette is active (their recordings would mix).
 */
export function activate(nock: Nock, cassette: ActiveCassette): () => void {
  if (active !== undefined) {
    throw new ConfigError(`cassette: ${active.path} is still active; stop() it before starting ${cassette.path}.`);
  }
  install(nock);
  active = cassette;
  return () => {
    if (active === cassette) active = undefined;
  };
}
