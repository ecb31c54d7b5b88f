/**
 * The `web_fetch` tool: a web page as Markdown, with SSRF protection.
 */
import { NodeHtmlMarkdown } from 'node-html-markdown';
import { z } from 'zod';
import { ConfigError } from '../../../errors/config-error.js';
import { tool } from '../../define-tool.js';
import type { Tool } from '../../tool.js';
import { fetchFollowingRedirects, parseAllowedHost, parseHttpUrl, type FetchedPage } from './web-fetch-http.js';
import { withAliases } from '../tool-input.js';

/** Options of {@link webFetchTool}. */
export interface WebFetchOptions {
  /**
   * Let the tool reach loopback, private, link-local and other non-public addresses. Off by default: a
   * model told to fetch `http://169.254.169.254/` or `http://localhost:8080/admin` must not reach them.
   * @defaultValue false
   */
  readonly allowPrivateNetwork?: boolean;
  /**
   * Hosts (as written in URLs, e.g. `'docs.internal'` or `'127.0.0.1'`), optionally with the one port they
   * are allowed on (`'docs.internal:8080'`, `'[::1]:8080'`), that may resolve to non-public addresses even
   * when `allowPrivateNetwork` is off: an internal documentation server, say. Every other host and port
   * stays refused, also as a redirect target of an allowed one.
   */
  readonly allowHosts?: readonly string[];
  /** Whole-fetch timeout, redirects included. @defaultValue 30000 */
  readonly timeoutMs?: number;
  /** Largest body read (after decompression). @defaultValue 5 MiB */
  readonly maxBytes?: number;
  /** @defaultValue 5 */
  readonly maxRedirects?: number;
  /** Characters of content returned when the model gives no `max_length`. @defaultValue 50000 */
  readonly defaultMaxLength?: number;
  /** The largest `max_length` the model may ask for. @defaultValue 200000 */
  readonly maxLengthLimit?: number;
  /** @defaultValue 'icode-web-fetch/1 (+https://github.com/icode)' */
  readonly userAgent?: string;
}

const input = withAliases(
  z.object({
    url: z.string().min(1).describe('The absolute http:// or https:// URL to fetch.'),
    prompt: z.string().optional().describe('What you want to learn from the page; it is shown above the content.'),
    max_length: z.number().int().positive().optional().describe('Characters of content to return (default 50000).'),
  }),
  { maxLength: 'max_length' },
);

const TEXT_TYPES =
  /^(text\/|application\/(json|xml|javascript|ecmascript|x-javascript|yaml|x-yaml|toml|x-sh|graphql|ld\+json|sql|x-ndjson)\b|application\/[\w.+-]+\+(json|xml)\b)/;
const HTML_TYPES = /^(text\/html|application\/xhtml\+xml)\b/;

function charsetOf(contentType: string, body: Buffer, html: boolean): string {
  const declared = /charset="?([\w-]+)/i.exec(contentType)?.[1];
  if (declared) return declared;
  if (html) {
    const meta = /<meta[^>]+charset=["']?([\w-]+)/i.exec(body.subarray(0, 2048).toString('latin1'))?.[1];
    if (meta) return meta;
  }
  return 'utf-8';
}

function decode(body: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/** The page as text for the model: HTML converted to Markdown, other text as is; binary refused. */
export function pageToText(page: Pick<FetchedPage, 'contentType' | 'body'>): {
  text: string;
  kind: string;
  title?: string;
} {
  const type = page.contentType.split(';')[0]!.trim().toLowerCase();
  const sniffed = page.body.subarray(0, 8192);
  const binary = sniffed.includes(0);
  const looksHtml = /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype html|html|head|body)\b/i.test(sniffed.toString('latin1'));
  const html = HTML_TYPES.test(type) || (type === '' && looksHtml);
  if (binary || (type !== '' && !html && !TEXT_TYPES.test(type))) {
    throw new Error(
      `The response is binary (${type || 'unknown type'}, ${page.body.length} bytes); web_fetch returns text and HTML only.`,
    );
  }
  const text = decode(page.body, charsetOf(page.contentType, page.body, html));
  if (!html) return { text, kind: type || 'text/plain' };
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1]?.replace(/\s+/g, ' ').trim();
  return {
    text: NodeHtmlMarkdown.translate(text),
    kind: `${type || 'text/html'} → Markdown`,
    ...(title ? { title } : {}),
  };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) throw new ConfigError(`webFetchTool: ${name} must be a positive number, got ${value}.`);
  return value;
}

/**
 * The `web_fetch` tool: GETs an http(s) URL and returns it as text, HTML converted to Markdown. Hosts are
 * resolved first and every address it resolves to must be public internet (no loopback, private, link-local,
 * CGNAT, multicast, reserved or documentation range, nor an IPv6 form carrying such an IPv4 address:
 * mapped, translated, NAT64, 6to4, Teredo, IPv4-compatible), on every redirect too; the connection goes to
 * the checked address only (a second DNS answer cannot swap in another); redirects are followed by hand (at most 5); the
 * body is capped, the fetch has a timeout and stops on abort. Binary content is refused. `prompt` is shown
 * above the content for the model to answer from (no second model is called).
 *
 * @example
 * ```ts
 * const agent = createAgent({ provider, tools: [webFetchTool({ timeoutMs: 15_000 })] });
 * ```
 * @throws ConfigError for a non-positive limit.
 */
export function webFetchTool(options: WebFetchOptions = {}): Tool<z.output<typeof input>> {
  const timeoutMs = positive('timeoutMs', options.timeoutMs, 30_000);
  const maxBytes = positive('maxBytes', options.maxBytes, 5 * 1024 * 1024);
  const defaultMaxLength = positive('defaultMaxLength', options.defaultMaxLength, 50_000);
  const maxLengthLimit = positive('maxLengthLimit', options.maxLengthLimit, 200_000);
  const maxRedirects = options.maxRedirects ?? 5;
  const allowHosts = (options.allowHosts ?? []).map(parseAllowedHost);
  return tool({
    name: 'web_fetch',
    description: [
      'Fetches a public web page or text resource (http/https) and returns its content; HTML is converted to Markdown.',
      'Use it to read documentation or an issue the user points to. Give `prompt` to say what you are looking for. Binary files, private and local addresses are refused.',
    ].join('\n'),
    input,
    readOnly: true,
    access: (args) => [{ kind: 'fetch', url: args.url }],
    async execute(args, ctx) {
      const url = parseHttpUrl(args.url);
      const controller = new AbortController();
      const forward = (): void => controller.abort(ctx.signal.reason);
      if (ctx.signal.aborted) forward();
      ctx.signal.addEventListener('abort', forward, { once: true });
      const timer = setTimeout(
        () => controller.abort(new Error(`Fetching ${url.href} timed out after ${timeoutMs} ms.`)),
        timeoutMs,
      );
      let page: FetchedPage;
      try {
        page = await fetchFollowingRedirects(url, {
          allowPrivateNetwork: options.allowPrivateNetwork ?? false,
          allowHosts,
          maxBytes,
          maxRedirects,
          signal: controller.signal,
          userAgent: options.userAgent ?? 'icode-web-fetch/1',
        });
      } catch (error) {
        // Report the timeout as such, not as the AbortError it surfaces as.
        if (controller.signal.aborted && !ctx.signal.aborted) throw controller.signal.reason as Error;
        throw error;
      } finally {
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', forward);
      }
      const { text, kind, title } = pageToText(page);
      const limit = Math.min(args.max_length ?? defaultMaxLength, maxLengthLimit);
      const header = [
        `URL: ${page.url}${page.redirects.length > 0 ? ` (redirected from ${page.redirects[0]})` : ''}`,
        ...(title ? [`Title: ${title}`] : []),
        `Content-Type: ${kind}`,
        ...(args.prompt ? [`Question to answer from this content: ${args.prompt}`] : []),
      ];
      const body = text.length > limit ? text.slice(0, limit) : text;
      const footer =
        text.length > limit
          ? [
              `[Content cut at ${limit} of ${text.length} characters.${limit < maxLengthLimit ? ` Call web_fetch again with a larger max_length (up to ${maxLengthLimit}) for more.` : ''}]`,
            ]
          : [];
      return [...header, '', body.trim() === '' ? '(empty page)' : body, ...footer].join('\n');
    },
  });
}
