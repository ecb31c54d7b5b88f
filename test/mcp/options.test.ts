/**
 * What `mcpServers` and `serveAgentOverMcp` refuse before anything starts, tool names as the model sees
 * them, and a missing SDK.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { mcpServers, mcpToolName, type McpServersOptions } from '../../src/mcp/index.js';

afterEach(() => {
  vi.doUnmock('@modelcontextprotocol/sdk/client/index.js');
  vi.doUnmock('@modelcontextprotocol/sdk/server/index.js');
  vi.resetModules();
});

const bad =
  (options: unknown): (() => unknown) =>
  () =>
    mcpServers(options as McpServersOptions);

describe('mcpServers options', () => {
  it('refuses malformed servers and settings with a ConfigError that says what is wrong', () => {
    expect(bad(undefined)).toThrow(ConfigError);
    expect(bad({})).toThrow(/needs `servers`/);
    expect(bad({ servers: { 'a b': { command: 'x' } } })).toThrow(/server name "a b" is invalid/);
    expect(bad({ servers: { a__b: { command: 'x' } } })).toThrow(/single "_"/);
    expect(bad({ servers: { fs: {} } })).toThrow(/exactly one of `command`/);
    expect(bad({ servers: { fs: { command: 'x', url: 'http://h' } } })).toThrow(/exactly one/);
    expect(bad({ servers: { fs: { command: '' } } })).toThrow(/non-empty string/);
    expect(bad({ servers: { fs: { command: 'x', args: [1] } } })).toThrow(/array of strings/);
    expect(bad({ servers: { fs: { command: 'x', env: { A: 1 } } } })).toThrow(/env.A/);
    expect(bad({ servers: { r: { url: 'not a url' } } })).toThrow(/not a URL/);
    expect(bad({ servers: { r: { url: 'file:///etc/passwd' } } })).toThrow(/http: or https:/);
    expect(bad({ servers: { r: { url: 'http://h', headers: { X: 'a\r\nInjected: 1' } } } })).toThrow(/one line/);
    expect(bad({ servers: { r: { url: 'http://h', transport: 'ws' } } })).toThrow(/transport/);
    expect(bad({ servers: { fs: { command: 'x', timeoutMs: -1 } } })).toThrow(/timeoutMs/);
    expect(bad({ servers: { fs: { command: 'x', startup: 'soon' } } })).toThrow(/startup/);
    expect(bad({ servers: {}, restart: { maxRestarts: 1.5 } })).toThrow(/maxRestarts/);
    expect(bad({ servers: {}, onElicitation: 'yes' })).toThrow(/onElicitation/);
  });

  it('accepts a valid configuration without starting anything', () => {
    const mcp = mcpServers({
      servers: {
        fs: { command: 'mcp-server-filesystem', args: ['/tmp'] },
        'remote-1': { url: 'https://example.com/mcp' },
      },
    });
    expect(mcp.status()).toEqual({
      fs: { state: 'idle', restarts: 0, failures: 0, tools: 0 },
      'remote-1': { state: 'idle', restarts: 0, failures: 0, tools: 0 },
    });
    expect(() => mcp.reconnect('nope')).toThrow(/no server "nope"/);
  });
});

describe('mcpToolName', () => {
  it('names tools mcp__<server>__<tool>, in what every provider accepts', () => {
    expect(mcpToolName('fs', 'read_file')).toBe('mcp__fs__read_file');
    expect(mcpToolName('docs', 'search.v2')).toBe('mcp__docs__search_v2');
    const long = mcpToolName('server', 'x'.repeat(80));
    expect(long).toMatch(/^mcp__server__x+_[0-9a-f]{8}$/);
    expect(long).toHaveLength(64);
    expect(mcpToolName('server', 'x'.repeat(80))).toBe(long); // stable
    expect(mcpToolName('server', `${'x'.repeat(79)}y`)).not.toBe(long);
    // A second tool whose name would collide gets a hash of its own name.
    const taken = new Set(['mcp__docs__search_v2']);
    expect(mcpToolName('docs', 'search_v2', taken)).toMatch(/^mcp__docs__search_v2_[0-9a-f]{8}$/);
  });
});

describe('a missing MCP SDK', () => {
  function notInstalled(name: string): never {
    const error = new Error(`Cannot find package '${name}' imported from icode`) as Error & { code: string };
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }

  it('is a ConfigError that names the package, from tools() and from serveAgentOverMcp', async () => {
    vi.doMock('@modelcontextprotocol/sdk/client/index.js', () => notInstalled('@modelcontextprotocol/sdk'));
    vi.doMock('@modelcontextprotocol/sdk/server/index.js', () => notInstalled('@modelcontextprotocol/sdk'));
    const mcp = await import('../../src/mcp/index.js');
    const { createAgent } = await import('../../src/index.js');
    const { mockProvider } = await import('../../src/testing/index.js');
    const servers = mcp.mcpServers({ servers: { fs: { command: 'x' } } });
    const error = await servers.tools().catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('npm install @modelcontextprotocol/sdk');
    const model = mockProvider([]);
    const agent = createAgent({ provider: model });
    await expect(mcp.serveAgentOverMcp(agent, { name: 'a' })).rejects.toThrow('npm install @modelcontextprotocol/sdk');
    model.assertComplete();
  });
});
