import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webFetchTool, type WebFetchOptions } from '../../src/tools/builtin/web-fetch/web-fetch.js';
import { toolContext } from '../sandbox/helpers.js';

let server: Server;
let origin: string;
let port: number;
const hits: string[] = [];

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', origin);
  hits.push(url.pathname);
  const send = (status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': type, ...headers });
    res.end(body);
  };
  switch (url.pathname) {
    case '/page':
      return send(
        200,
        'text/html; charset=utf-8',
        '<!doctype html><html><head><title>Guide  page</title><style>p{color:red}</style><script>alert(1)</script></head><body><h1>Install</h1><p>Run <code>npm i</code> then read <a href="/docs">the docs</a>.</p><ul><li>fast</li><li>safe</li></ul></body></html>',
      );
    case '/plain':
      return send(200, 'text/plain', 'just text\n');
    case '/json':
      return send(200, 'application/json', '{"ok":true}');
    case '/latin1':
      return send(200, 'text/plain; charset=iso-8859-1', Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    case '/untyped-html':
      res.writeHead(200);
      return void res.end('<html><body><p>no type</p></body></html>');
    case '/png':
      return send(200, 'image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    case '/nul':
      return send(200, 'text/plain', Buffer.from('abc\0def'));
    case '/big':
      return send(200, 'text/plain', 'x'.repeat(20_000), { 'content-length': '20000' });
    case '/big-chunked':
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 20; i++) res.write('y'.repeat(1_000));
      return void res.end();
    case '/gzip':
      return send(200, 'text/plain', gzipSync('compressed hello'), { 'content-encoding': 'gzip' });
    case '/bomb':
      return send(200, 'text/plain', gzipSync(Buffer.alloc(5_000_000, 'a')), { 'content-encoding': 'gzip' });
    case '/long':
      return send(200, 'text/plain', 'abcdefghij'.repeat(100));
    case '/slow':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('start');
      return void setTimeout(() => res.end('end'), 3_000).unref();
    case '/missing':
      return send(404, 'text/plain', 'no such page');
    case '/empty':
      return send(200, 'text/html', '<html><body></body></html>');
    default: {
      const hop = /^\/redirect\/(\d+)$/.exec(url.pathname);
      if (hop) {
        const n = Number(hop[1]);
        res.writeHead(302, { location: n > 0 ? `/redirect/${n - 1}` : '/plain' });
        return void res.end();
      }
      if (url.pathname === '/to') {
        res.writeHead(301, { location: url.searchParams.get('target')! });
        return void res.end();
      }
      return send(404, 'text/plain', 'unknown');
    }
  }
}

beforeAll(async () => {
  server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  origin = `http://127.0.0.1:${port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function fetchText(
  raw: Record<string, unknown>,
  options: WebFetchOptions = { allowPrivateNetwork: true },
  signal?: AbortSignal,
): Promise<string> {
  const tool = webFetchTool(options);
  return (await tool.execute(tool.input.parse(raw), toolContext(undefined, signal ? { signal } : {}))) as string;
}

describe('web_fetch', () => {
  it('has the contract name, is read-only, and reports fetch access', () => {
    const tool = webFetchTool();
    expect(tool.name).toBe('web_fetch');
    expect(tool.readOnly).toBe(true);
    expect(tool.access?.(tool.input.parse({ url: 'https://example.com/a' }))).toEqual([
      { kind: 'fetch', url: 'https://example.com/a' },
    ]);
    expect(tool.input.parse({ url: 'https://x.dev', maxLength: 10 })).toEqual({ url: 'https://x.dev', max_length: 10 });
  });

  it('converts HTML to Markdown, without scripts and styles, with the title', async () => {
    const text = await fetchText({ url: `${origin}/page`, prompt: 'How do I install it?' });
    expect(text).toContain(`URL: ${origin}/page`);
    expect(text).toContain('Title: Guide page');
    expect(text).toContain('Content-Type: text/html → Markdown');
    expect(text).toContain('Question to answer from this content: How do I install it?');
    expect(text).toContain('# Install');
    expect(text).toContain('Run `npm i` then read [the docs](/docs).');
    expect(text).toMatch(/\* fast\n\* safe/);
    expect(text).not.toContain('alert');
    expect(text).not.toContain('color:red');
  });

  it('returns other text as is, decoding the declared charset and gzip', async () => {
    expect(await fetchText({ url: `${origin}/plain` })).toMatch(/Content-Type: text\/plain\n\njust text/);
    expect(await fetchText({ url: `${origin}/json` })).toContain('{"ok":true}');
    expect(await fetchText({ url: `${origin}/latin1` })).toContain('café');
    expect(await fetchText({ url: `${origin}/gzip` })).toContain('compressed hello');
    expect(await fetchText({ url: `${origin}/untyped-html` })).toContain('no type');
    expect(await fetchText({ url: `${origin}/empty` })).toContain('(empty page)');
  });

  it('refuses binary content', async () => {
    await expect(fetchText({ url: `${origin}/png` })).rejects.toThrow(/binary \(image\/png/);
    await expect(fetchText({ url: `${origin}/nul` })).rejects.toThrow(/binary/);
  });

  it('cuts the content at max_length and says how to get more', async () => {
    const text = await fetchText({ url: `${origin}/long`, max_length: 25 });
    expect(text).toContain(
      'abcdefghijabcdefghijabcde\n[Content cut at 25 of 1000 characters. Call web_fetch again with a larger max_length',
    );
  });

  it('refuses bodies over the size cap, declared, streamed or decompressed', async () => {
    const options = { allowPrivateNetwork: true, maxBytes: 10_000 };
    await expect(fetchText({ url: `${origin}/big` }, options)).rejects.toThrow(
      /20000 bytes, more than the 10000-byte limit/,
    );
    await expect(fetchText({ url: `${origin}/big-chunked` }, options)).rejects.toThrow(
      /larger than the 10000-byte limit/,
    );
    await expect(fetchText({ url: `${origin}/bomb` }, options)).rejects.toThrow(/larger than the 10000-byte limit/);
  });

  it('follows up to 5 redirects and says where it ended', async () => {
    const text = await fetchText({ url: `${origin}/redirect/4` });
    expect(text).toContain(`URL: ${origin}/plain (redirected from ${origin}/redirect/4)`);
    expect(text).toContain('just text');
    await expect(fetchText({ url: `${origin}/redirect/5` })).rejects.toThrow(/Too many redirects \(more than 5\)/);
  });

  it('refuses a redirect to another scheme', async () => {
    await expect(fetchText({ url: `${origin}/to?target=${encodeURIComponent('file:///etc/passwd')}` })).rejects.toThrow(
      /Only http and https/,
    );
  });

  it('reports HTTP errors with the status', async () => {
    await expect(fetchText({ url: `${origin}/missing` })).rejects.toThrow(/HTTP 404 Not Found .*no such page/);
  });

  it('times out, and stops on abort', async () => {
    await expect(fetchText({ url: `${origin}/slow` }, { allowPrivateNetwork: true, timeoutMs: 200 })).rejects.toThrow(
      /timed out after 200 ms/,
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(
      fetchText({ url: `${origin}/slow` }, { allowPrivateNetwork: true }, controller.signal),
    ).rejects.toThrow();
  });

  it('refuses non-http URLs and garbage', async () => {
    await expect(fetchText({ url: 'file:///etc/passwd' })).rejects.toThrow(/Only http and https/);
    await expect(fetchText({ url: 'ftp://example.com/x' })).rejects.toThrow(/Only http and https/);
    await expect(fetchText({ url: 'not a url' })).rejects.toThrow(/not a valid URL/);
  });
});

// The table of address verdicts, redirects and the agent path: web-fetch-address.test.ts.
describe('web_fetch SSRF protection', () => {
  it('refuses loopback by default, before any request is sent', async () => {
    const before = hits.length;
    for (const url of [
      `${origin}/plain`,
      `http://localhost:${port}/plain`,
      `http://[::1]:${port}/plain`,
      `http://[::ffff:127.0.0.1]:${port}/plain`,
      `http://2130706433:${port}/plain`,
      `http://0x7f.1:${port}/plain`,
      `http://0.0.0.0:${port}/plain`,
    ]) {
      await expect(fetchText({ url }, {}), url).rejects.toThrow(
        /Refused to fetch .* web_fetch only reaches public internet addresses/,
      );
    }
    expect(hits.length).toBe(before);
  });

  it('refuses a redirect to a private address even when the first host is allowed', async () => {
    const options = { allowHosts: ['127.0.0.1'] };
    expect(await fetchText({ url: `${origin}/plain` }, options)).toContain('just text');
    for (const target of [
      `http://localhost:${port}/plain`,
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00::1]/',
    ]) {
      await expect(
        fetchText({ url: `${origin}/to?target=${encodeURIComponent(target)}` }, options),
        target,
      ).rejects.toThrow(/Refused to fetch/);
    }
  });
});
