/**
 * web_fetch reaches the public internet only: a table of addresses and URLs (odd IPv4 spellings, IPv4
 * carried in IPv6, every special-purpose range), redirects re-checked at every hop against real local
 * servers, and the agent path giving the model a clear error result.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, type AgentEvent } from '../../src/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { nonPublicReason } from '../../src/tools/builtin/web-fetch/web-fetch-address.js';
import { bareHost, parseAllowedHost } from '../../src/tools/builtin/web-fetch/web-fetch-http.js';
import { webFetchTool, type WebFetchOptions } from '../../src/tools/builtin/web-fetch/web-fetch.js';
import { toolContext } from '../sandbox/helpers.js';

/** `public`, or a pattern the refusal reason must match. */
type Verdict = 'public' | RegExp;

/** Addresses as DNS answers or URL hosts give them. */
const ADDRESSES: readonly (readonly [string, Verdict])[] = [
  // IPv4: every special-purpose range, and the public space around them.
  ['0.0.0.0', /unspecified/],
  ['0.1.2.3', /unspecified/],
  ['10.0.0.1', /private/],
  ['10.255.255.255', /private/],
  ['100.64.0.1', /carrier-grade NAT/],
  ['100.127.255.254', /carrier-grade NAT/],
  ['127.0.0.1', /loopback/],
  ['127.255.255.254', /loopback/],
  ['169.254.169.254', /link-local/],
  ['172.16.0.1', /private/],
  ['172.31.255.255', /private/],
  ['192.0.0.8', /reserved/],
  ['192.0.2.10', /reserved/],
  ['192.31.196.1', /AS112/],
  ['192.52.193.1', /AMT/],
  ['192.88.99.1', /reserved/],
  ['192.168.1.1', /private/],
  ['192.175.48.1', /AS112/],
  ['198.18.0.1', /reserved/],
  ['198.19.255.255', /reserved/],
  ['198.51.100.7', /reserved/],
  ['203.0.113.9', /reserved/],
  ['224.0.0.1', /multicast/],
  ['239.255.255.250', /multicast/],
  ['240.0.0.1', /reserved/],
  ['255.255.255.255', /broadcast/],
  ['8.8.8.8', 'public'],
  ['1.1.1.1', 'public'],
  ['9.255.255.255', 'public'],
  ['11.0.0.1', 'public'],
  ['100.63.255.255', 'public'],
  ['100.128.0.1', 'public'],
  ['172.15.255.255', 'public'],
  ['172.32.0.1', 'public'],
  ['192.169.0.1', 'public'],
  ['223.255.255.255', 'public'],
  // IPv6: loopback, unspecified, scoped and private ranges.
  ['::1', /loopback/],
  ['::', /unspecified/],
  ['fe80::1', /link-local/],
  ['febf::1', /link-local/],
  ['fe80::1%eth0', /zone id/],
  ['fc00::1', /unique local/],
  ['fd00:ec2::254', /unique local/],
  ['fec0::1', /site-local/],
  ['ff02::1', /multicast/],
  ['ff05::1:3', /multicast/],
  ['100::1', /discard/],
  ['2001:db8::1', /reserved/],
  ['3fff::1', /reserved/],
  ['2001:2::1', /benchmarking/],
  ['2001:10::1', /ORCHID/],
  ['2001:20::1', /ORCHID/],
  ['5f00::1', /segment routing/],
  ['4000::1', /non-global/],
  ['::2', /IPv4-compatible/],
  // IPv4 carried in IPv6: mapped, translated, NAT64, 6to4, Teredo, IPv4-compatible.
  ['::ffff:127.0.0.1', /IPv4-mapped loopback/],
  ['::ffff:7f00:1', /IPv4-mapped loopback/],
  ['::ffff:a9fe:a9fe', /IPv4-mapped link-local/],
  ['::ffff:10.0.0.1', /IPv4-mapped private/],
  ['::ffff:0:127.0.0.1', /IPv4-translated loopback/],
  ['::ffff:0:7f00:1', /IPv4-translated loopback/],
  ['::ffff:0:192.168.0.1', /IPv4-translated private/],
  ['64:ff9b::127.0.0.1', /NAT64 loopback/],
  ['64:ff9b::a00:1', /NAT64 private/],
  ['64:ff9b:1::7f00:1', /NAT64 local-use/],
  ['64:ff9b:1:ffff::1', /NAT64 local-use/],
  ['2002:7f00:1::', /6to4 loopback/],
  ['2002:a9fe:a9fe::1', /6to4 link-local/],
  ['2002:c0a8:101::', /6to4 private/],
  ['2001::1', /Teredo/],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
  ['::127.0.0.1', /IPv4-compatible/],
  ['::8.8.8.8', /IPv4-compatible/],
  ['::ffff:8.8.8.8', 'public'],
  ['::ffff:0:8.8.8.8', 'public'],
  ['64:ff9b::8.8.8.8', 'public'],
  ['2002:808:808::1', 'public'],
  ['2606:4700:4700::1111', 'public'],
  ['2a00:1450:4001:80b::200e', 'public'],
  // Not canonical addresses: never given by DNS, refused if they ever were.
  ['127.1', /malformed/],
  ['0x7f.0.0.1', /malformed/],
  ['', /malformed/],
];

/** URL spellings the URL parser normalises to an address: the verdict is on what it means. */
const URLS: readonly (readonly [string, Verdict])[] = [
  ['http://0x7f.1/', /loopback/],
  ['http://2130706433/', /loopback/],
  ['http://0177.0.0.1/', /loopback/],
  ['http://127.1/', /loopback/],
  ['http://0x7f000001/', /loopback/],
  ['http://127.0.0.1./', /loopback/],
  ['http://00000177.0.0.1/', /loopback/],
  ['http://%31%32%37.0.0.1/', /loopback/],
  ['http://①②⑦.0.0.1/', /loopback/],
  ['http://0/', /unspecified/],
  ['http://0xa9fea9fe/', /link-local/],
  ['http://025177524776/', /link-local/],
  ['http://3232235777/', /private/],
  ['http://[::ffff:0:127.0.0.1]/', /IPv4-translated loopback/],
  ['http://[0:0:0:0:0:ffff:127.0.0.1]/', /IPv4-mapped loopback/],
  ['http://[::ffff:169.254.169.254]/latest/meta-data/', /IPv4-mapped link-local/],
  ['http://[64:ff9b::169.254.169.254]/', /NAT64 link-local/],
  ['http://[::127.0.0.1]/', /IPv4-compatible/],
  ['http://[2002:7f00:1::1]/', /6to4 loopback/],
  ['http://[FE80::1]/', /link-local/],
  ['https://134744072/', 'public'],
  ['https://[2606:4700:4700::1111]/', 'public'],
];

function verdictOf(reason: string | undefined): string {
  return reason === undefined ? 'public' : reason;
}

let publicServer: Server;
let internalServer: Server;
let port: number;
let internalPort: number;
const internalHits: string[] = [];

function publicRoute(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/to') {
    res.writeHead(302, { location: url.searchParams.get('target')! });
    return void res.end();
  }
  if (url.pathname === '/hop') {
    res.writeHead(301, { location: '/plain' });
    return void res.end();
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('public page\n');
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

beforeAll(async () => {
  publicServer = createServer(publicRoute);
  // A service on the host's own network, which no fetch may reach.
  internalServer = createServer((req, res) => {
    internalHits.push(req.url ?? '');
    res.end('internal secret');
  });
  port = await listen(publicServer);
  internalPort = await listen(internalServer);
});

afterAll(async () => {
  await Promise.all([publicServer, internalServer].map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function fetchText(url: string, options: WebFetchOptions): Promise<string> {
  const tool = webFetchTool(options);
  return (await tool.execute(tool.input.parse({ url }), toolContext(undefined))) as string;
}

describe('web_fetch address verdicts', () => {
  it(`classifies ${ADDRESSES.length} addresses`, () => {
    expect(ADDRESSES.length + URLS.length).toBeGreaterThanOrEqual(60);
    for (const [address, expected] of ADDRESSES) {
      const verdict = verdictOf(nonPublicReason(address));
      if (expected === 'public') expect(verdict, address).toBe('public');
      else expect(verdict, address).toMatch(expected);
    }
  });

  it(`classifies ${URLS.length} URLs as the URL parser normalises their host`, () => {
    for (const [url, expected] of URLS) {
      const verdict = verdictOf(nonPublicReason(bareHost(new URL(url).hostname)));
      if (expected === 'public') expect(verdict, url).toBe('public');
      else expect(verdict, url).toMatch(expected);
    }
  });

  it('refuses every non-public URL through the tool before sending anything', async () => {
    for (const [url, expected] of URLS) {
      if (expected === 'public') continue;
      const target = new URL(url);
      target.port = String(internalPort);
      await expect(fetchText(target.href, {}), url).rejects.toThrow(/Refused to fetch .* public internet addresses/);
    }
    await expect(fetchText(`http://localhost:${internalPort}/`, {})).rejects.toThrow(/Refused to fetch from localhost/);
    expect(internalHits).toEqual([]);
  });

  it('reads allowHosts entries with and without a port', () => {
    expect(parseAllowedHost('Docs.Internal')).toEqual({ host: 'docs.internal' });
    expect(parseAllowedHost('docs.internal:8080')).toEqual({ host: 'docs.internal', port: 8080 });
    expect(parseAllowedHost('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(parseAllowedHost('::1')).toEqual({ host: '::1' });
    expect(parseAllowedHost('[::1]')).toEqual({ host: '::1' });
  });
});

describe('web_fetch redirects', () => {
  // The local test server stands in for a public site: allowed explicitly, on its own port only.
  const options = (): WebFetchOptions => ({ allowHosts: [`127.0.0.1:${port}`] });

  it('follows a redirect between allowed pages', async () => {
    expect(await fetchText(`http://127.0.0.1:${port}/hop`, options())).toContain('public page');
  });

  it('refuses a redirect from the allowed server to the host network, at every hop', async () => {
    for (const target of [
      `http://127.0.0.1:${internalPort}/admin`,
      `http://localhost:${internalPort}/admin`,
      `http://localhost:${port}/plain`,
      `http://0x7f.1:${internalPort}/admin`,
      `http://2130706433:${internalPort}/admin`,
      `http://[::ffff:127.0.0.1]:${internalPort}/admin`,
      `http://[::ffff:0:127.0.0.1]:${internalPort}/admin`,
      'http://169.254.169.254/latest/meta-data/',
      // A redirect to a redirect: the second hop is checked like the first.
      `http://127.0.0.1:${port}/to?target=${encodeURIComponent(`http://127.0.0.1:${internalPort}/deep`)}`,
    ]) {
      const url = `http://127.0.0.1:${port}/to?target=${encodeURIComponent(target)}`;
      await expect(fetchText(url, options()), target).rejects.toThrow(
        /The redirect from .* was refused\. Refused to fetch/,
      );
    }
    expect(internalHits).toEqual([]);
  });
});

describe('web_fetch in an agent', () => {
  it('gives the model a clear error result for a refused address and a refused redirect', async () => {
    const redirect = `http://127.0.0.1:${port}/to?target=${encodeURIComponent(`http://127.0.0.1:${internalPort}/`)}`;
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'web_fetch', input: { url: `http://[::ffff:0:127.0.0.1]:${internalPort}/` } },
          { name: 'web_fetch', input: { url: `http://0x7f.1:${internalPort}/` } },
          { name: 'web_fetch', input: { url: redirect } },
          { name: 'web_fetch', input: { url: `http://127.0.0.1:${port}/plain` } },
        ],
      },
      { text: 'done' },
    ]);
    const agent = createAgent({
      provider: model,
      tools: [webFetchTool({ allowHosts: [`127.0.0.1:${port}`] })],
      policy: createPolicy({ mode: 'read-only', allow: ['WebFetch'] }),
    });
    const events: AgentEvent[] = [];
    const run = agent.run('fetch these');
    for await (const event of run) events.push(event);
    expect((await run.result).status).toBe('completed');
    const results = events.filter((event) => event.type === 'tool-result');
    expect(results.map((event) => [event.isError, event.errorCode])).toEqual([
      [true, 'TOOL_EXECUTION_FAILED'],
      [true, 'TOOL_EXECUTION_FAILED'],
      [true, 'TOOL_EXECUTION_FAILED'],
      [false, undefined],
    ]);
    expect(String(results[0]!.output)).toMatch(/an IPv4-translated loopback \(127\.0\.0\.1\) address/);
    expect(String(results[1]!.output)).toMatch(/Refused to fetch from 127\.0\.0\.1: .*loopback/);
    expect(String(results[2]!.output)).toMatch(/The redirect from .* was refused/);
    expect(String(results[3]!.output)).toContain('public page');
    expect(internalHits).toEqual([]);
    model.assertComplete();
  });
});
