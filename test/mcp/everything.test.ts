/**
 * The reference server `@modelcontextprotocol/server-everything`, started over stdio: its tools as the
 * agent sees them, calls and their results (text, images, structured content, resource links), errors,
 * timeouts reset by progress, abort, resources and templates, and prompts.
 */
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tool, ToolContext } from '../../src/index.js';
import { mcpServers, type McpServers, type McpTool } from '../../src/mcp/index.js';
import { everything } from './servers.js';

let mcp: McpServers;
let tools: readonly Tool[];

beforeAll(async () => {
  mcp = mcpServers({ servers: { everything: everything() } });
  tools = await mcp.tools();
});
afterAll(() => mcp.close());

const ctx = (signal = new AbortController().signal): ToolContext =>
  ({ signal, runId: 'run_1', sessionId: 'ses_1', toolCallId: 'call_1' }) as unknown as ToolContext;

function find(name: string): McpTool {
  const found = tools.find((t) => t.name === name);
  if (!found) throw new Error(`no tool ${name}`);
  return found as McpTool;
}

describe('server-everything over stdio', () => {
  it('lists its tools as mcp__everything__<tool>, with their schemas and policy fields', () => {
    const names = tools.map((t) => t.name);
    for (const name of [
      'echo',
      'get-sum',
      'get-tiny-image',
      'get-structured-content',
      'trigger-long-running-operation',
    ]) {
      expect(names).toContain(`mcp__everything__${name}`);
    }
    expect(names).toContain('list_mcp_resources');
    expect(names).toContain('read_mcp_resource');
    const sum = find('mcp__everything__get-sum');
    expect(sum.inputSchema).toEqual({
      type: 'object',
      properties: {
        a: { type: 'number', description: 'First number' },
        b: { type: 'number', description: 'Second number' },
      },
      required: ['a', 'b'],
    });
    expect(sum.description).toBe('Returns the sum of two numbers');
    expect(sum.readOnly).toBe(true);
    expect(sum.needsApproval).toBe(false);
    expect(sum.mcp).toMatchObject({ server: 'everything', tool: 'get-sum', annotations: { readOnlyHint: true } });
    const gzip = find('mcp__everything__gzip-file-as-resource');
    expect(gzip.readOnly).toBe(false);
    expect(gzip.needsApproval).toBe(true);
    expect(mcp.status().everything).toMatchObject({ state: 'ready', serverInfo: { name: 'mcp-servers/everything' } });
  });

  it('calls tools and turns their results into text', async () => {
    expect(await find('mcp__everything__echo').execute({ message: 'hello' }, ctx())).toBe('Echo: hello');
    expect(await find('mcp__everything__get-sum').execute({ a: 2, b: 3 }, ctx())).toMatch(/\b5\b/);
    const image = (await find('mcp__everything__get-tiny-image').execute({}, ctx())) as string;
    expect(image).toMatch(/\[image image\/png, [\d.]+ KB, not shown\]/);
    expect(image).not.toMatch(/iVBOR/); // no base64 for a model that reads text
    const weather = (await find('mcp__everything__get-structured-content').execute(
      { location: 'Chicago' },
      ctx(),
    )) as string;
    expect(JSON.parse(weather)).toHaveProperty('temperature');
    const links = (await find('mcp__everything__get-resource-links').execute({ count: 2 }, ctx())) as string;
    expect(links).toMatch(/\[resource link .*: demo:\/\/resource\/dynamic\/text\/2 .*read_mcp_resource\]/);
    const embedded = (await find('mcp__everything__get-resource-reference').execute(
      { resourceType: 'Text', resourceId: 3 },
      ctx(),
    )) as string;
    expect(embedded).toMatch(/\[resource demo:\/\/resource\/dynamic\/text\/3 \(text\/plain\)\]\n/);
  });

  it("rejects a call the server refuses, with the server's reason", async () => {
    await expect(find('mcp__everything__get-sum').execute({ a: 'two', b: 3 }, ctx())).rejects.toThrow(
      /Input validation error|expected number/,
    );
    // The server is still there.
    expect(await find('mcp__everything__echo').execute({ message: 'still up' }, ctx())).toBe('Echo: still up');
  });

  it('aborts a call in progress without restarting the server', async () => {
    const controller = new AbortController();
    const call = find('mcp__everything__trigger-long-running-operation').execute(
      { duration: 60, steps: 60 },
      ctx(controller.signal),
    );
    setImmediate(() => controller.abort(new Error('stop')));
    await expect(call).rejects.toThrow('stop');
    expect(mcp.status().everything).toMatchObject({ state: 'ready', restarts: 0 });
    expect(await find('mcp__everything__echo').execute({ message: 'after abort' }, ctx())).toBe('Echo: after abort');
  });

  it('leaves no listener behind on the run signal, however many calls it makes', async () => {
    const run = new AbortController();
    const echo = find('mcp__everything__echo');
    for (let i = 0; i < 30; i++) await echo.execute({ message: `call ${i}` }, ctx(run.signal));
    // One shared listener at most (the SDK never removes the one it adds to the signal of a request).
    expect(getEventListeners(run.signal, 'abort').length).toBeLessThanOrEqual(1);
    const call = find('mcp__everything__trigger-long-running-operation').execute(
      { duration: 60, steps: 60 },
      ctx(run.signal),
    );
    setImmediate(() => run.abort(new Error('run aborted')));
    await expect(call).rejects.toThrow('run aborted');
  });

  it('times a call out after timeoutMs, unless the server keeps reporting progress', async () => {
    const quick = mcpServers({ servers: { e: everything({ timeoutMs: 1500 }) } });
    try {
      const long = (await quick.tools()).find((t) => t.name === 'mcp__e__trigger-long-running-operation')!;
      // One step of 30 s: no progress within the timeout.
      await expect(long.execute({ duration: 30, steps: 1 }, ctx())).rejects.toThrow(/did not answer within 1500 ms/);
      // 3 s in 15 steps: a progress notification every 200 ms keeps the call alive past 1.5 s.
      expect(await long.execute({ duration: 3, steps: 15 }, ctx())).toMatch(/completed/);
    } finally {
      await quick.close();
    }
  });

  it('lists resources and templates, and reads both kinds', async () => {
    const listing = (await find('list_mcp_resources').execute({}, ctx())) as string;
    expect(listing).toMatch(/Resources of "everything" \(\d+\):/);
    expect(listing).toContain('demo://resource/static/document/architecture.md');
    expect(listing).toContain('demo://resource/dynamic/text/{resourceId}');
    const read = find('read_mcp_resource');
    expect(read.readOnly).toBe(true);
    const doc = (await read.execute(
      { server: 'everything', uri: 'demo://resource/static/document/architecture.md' },
      ctx(),
    )) as string;
    expect(doc).toMatch(/^\[resource demo:\/\/resource\/static\/document\/architecture\.md \(text\/markdown\)\]\n#/);
    const fromTemplate = (await read.execute(
      { server: 'everything', uri: 'demo://resource/dynamic/text/7' },
      ctx(),
    )) as string;
    expect(fromTemplate).toContain('Resource 7');
    const blob = (await read.execute({ server: 'everything', uri: 'demo://resource/dynamic/blob/7' }, ctx())) as string;
    expect(blob).toMatch(/binary, \d+ bytes, not shown/);
    await expect(read.execute({ server: 'nope', uri: 'x://y' }, ctx())).rejects.toThrow(
      'There is no MCP server "nope"',
    );
  });

  it('lists prompts and fills one in as messages an agent takes', async () => {
    const prompts = await mcp.listPrompts();
    const args = prompts.find((p) => p.name === 'args-prompt');
    expect(args).toMatchObject({
      server: 'everything',
      arguments: [{ name: 'city', required: true }, { name: 'state' }],
    });
    const filled = await mcp.getPrompt('everything', 'args-prompt', { city: 'Lyon' });
    expect(filled.messages[0]).toMatchObject({ role: 'user', content: [{ type: 'text' }] });
    expect(JSON.stringify(filled.messages)).toContain('Lyon');
  });

  it('passes `env` to a stdio server but not the secrets of this process; exposes only `includeTools`', async () => {
    process.env.ICODE_TEST_API_KEY = 'sk-do-not-leak';
    const scoped = mcpServers({
      servers: { e: everything({ env: { GREETING: 'bonjour' }, includeTools: ['get-env', 'echo'], resources: false }) },
    });
    try {
      const scopedTools = await scoped.tools();
      // Only the two tools, and no resource tools: the server's resources are kept from the model.
      expect(scopedTools.map((t) => t.name).sort()).toEqual(['mcp__e__echo', 'mcp__e__get-env']);
      const env = (await scopedTools.find((t) => t.name === 'mcp__e__get-env')!.execute({}, ctx())) as string;
      expect(env).toContain('bonjour');
      expect(env).not.toContain('sk-do-not-leak');
    } finally {
      delete process.env.ICODE_TEST_API_KEY;
      await scoped.close();
    }
  });
});
