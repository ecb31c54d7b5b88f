/**
 * The HTTP side of `web_fetch`: one GET per hop, redirects followed by hand so every hop's address is
 * vetted, connections pinned to the vetted address (no second DNS answer can swap in a private one), the
 * body read with a byte cap (also after decompression).
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { vetHost, type VettedAddress } from './web-fetch-address.js';

/** What {@link fetchFollowingRedirects} needs. */
export interface FetchOptions {
  readonly allowPrivateNetwork: boolean;
  /** Hosts allowed to resolve to non-public addresses, as {@link parseAllowedHost} reads them. */
  readonly allowHosts: readonly AllowedHost[];
  readonly maxBytes: number;
  readonly maxRedirects: number;
  readonly signal: AbortSignal;
  readonly userAgent: string;
}

/** A fetched body with the facts needed to convert it. */
export interface FetchedPage {
  /** The URL of the last hop. */
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
  /** Every URL that redirected, in order. */
  readonly redirects: readonly string[];
}

/** A hostname lower-cased, without the brackets of an IPv6 literal, for comparing with `allowHosts`. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/** One `allowHosts` entry: a host, and the one port it is allowed on (any port when absent). */
export interface AllowedHost {
  readonly host: string;
  readonly port?: number;
}

/**
 * Reads an `allowHosts` entry: `'docs.internal'`, `'127.0.0.1'` or `'::1'` (any port), `'docs.internal:8080'`,
 * `'127.0.0.1:8080'` or `'[::1]:8080'` (that port only). Names are compared as the URL parser writes
 * them (lower case; `2130706433` is written `127.0.0.1`).
 */
export function parseAllowedHost(entry: string): AllowedHost {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  const named = /^([^:]+):(\d+)$/.exec(entry);
  const [host, port] = bracketed ? [bracketed[1]!, bracketed[2]] : named ? [named[1]!, named[2]] : [entry, undefined];
  return port === undefined ? { host: bareHost(host) } : { host: bareHost(host), port: Number(port) };
}

function isAllowed(url: URL, allowHosts: readonly AllowedHost[]): boolean {
  const host = bareHost(url.hostname);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return allowHosts.some((entry) => entry.host === host && (entry.port === undefined || entry.port === port));
}

/** Checks the scheme of a URL the tool may fetch. */
export function parseHttpUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`"${text}" is not a valid URL; give an absolute http:// or https:// URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Only http and https URLs can be fetched, not ${url.protocol}`);
  }
  return url;
}

function pinnedLookup(vetted: VettedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    // Node asks for all addresses when it may race families (autoSelectFamily).
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [
        { address: vetted.address, family: vetted.family },
      ]);
    } else {
      callback(null, vetted.address, vetted.family);
    }
  };
}

function request(url: URL, vetted: VettedAddress, options: FetchOptions): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method: 'GET',
      // A fresh connection per hop: a pooled socket could belong to another address.
      agent: false,
      lookup: pinnedLookup(vetted),
      signal: options.signal,
      headers: {
        'user-agent': options.userAgent,
        accept: 'text/html,application/xhtml+xml,text/markdown,text/plain;q=0.9,application/json;q=0.9,*/*;q=0.5',
        'accept-encoding': 'gzip, deflate, br',
      },
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

async function readBody(response: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw new Error(`The response is ${declared} bytes, more than the ${maxBytes}-byte limit.`);
  }
  const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  const source = decoder ? response.pipe(decoder) : response;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (signal.aborted) throw signal.reason;
      total += chunk.length;
      // Counted after decompression, so a small compressed bomb cannot blow up memory.
      if (total > maxBytes) throw new Error(`The response is larger than the ${maxBytes}-byte limit.`);
      chunks.push(chunk);
    }
  } finally {
    response.destroy();
    decoder?.destroy();
  }
  return Buffer.concat(chunks);
}

/**
 * GETs `start`, following at most `maxRedirects` redirects; each hop's host is resolved and vetted first
 * (unless `allowPrivateNetwork`) and the connection goes to that vetted address.
 *
 * @throws Error for a refused address, too many redirects, a redirect to another scheme, a non-2xx status
 * or a body over the cap.
 */
export async function fetchFollowingRedirects(start: URL, options: FetchOptions): Promise<FetchedPage> {
  const redirects: string[] = [];
  let url = start;
  for (;;) {
    let vetted: VettedAddress;
    try {
      vetted = await vetHost(url.hostname, options.allowPrivateNetwork || isAllowed(url, options.allowHosts));
    } catch (error) {
      // Every hop is checked like the first: a public page must not bounce the fetch onto the host's network.
      if (redirects.length === 0) throw error;
      throw new Error(`The redirect from ${redirects.at(-1)} to ${url.href} was refused. ${(error as Error).message}`, {
        cause: error,
      });
    }
    const response = await request(url, vetted, options);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location) {
      response.destroy();
      if (redirects.length >= options.maxRedirects) {
        throw new Error(`Too many redirects (more than ${options.maxRedirects}), last to ${location}.`);
      }
      redirects.push(url.href);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new Error(`The server redirected to an invalid URL: ${location}`);
      }
      url = parseHttpUrl(next.href);
      continue;
    }
    if (status < 200 || status >= 300) {
      const body = await readBody(response, 4096, options.signal).catch(() => Buffer.alloc(0));
      const snippet = body.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 300);
      throw new Error(`HTTP ${status} ${response.statusMessage ?? ''} for ${url.href}${snippet ? `: ${snippet}` : ''}`);
    }
    const body = await readBody(response, options.maxBytes, options.signal);
    return { url: url.href, status, contentType: String(response.headers['content-type'] ?? ''), body, redirects };
  }
}
