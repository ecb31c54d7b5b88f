/**
 * Requests from the server to the client, with server-everything: `sampling/createMessage` served by the
 * agent's own model (off by default, counted in the run's usage and cost) and `elicitation/create`
 * answered by `onElicitation` (declined without one).
 */
import { describe, expect, it } from 'vitest';
import { createAgent, type AgentEvent, type Tool, type ToolContext } from '../../src/index.js';
import { mcpServers, type McpElicitationRequest } from '../../src/mcp/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { cleanupAfterEach, everything } from './servers.js';

const { track } = cleanupAfterEach();

const ctx = (): ToolContext =>
  ({ signal: new AbortController().signal, runId: 'run_x', sessionId: 's', toolCallId: 'c' }) as unknown as ToolContext;

const named = (tools: readonly Tool[], name: string) => tools.find((t) => t.name === name);

describe('sampling', () => {
  it('is off by default: the client does not offer it, so the server has no sampling tool', async () => {
    const mcp = track(mcpServers({ servers: { e: everything() } }));
    expect(named(await mcp.tools(), 'mcp__e__trigger-sampling-request')).toBeUndefined();
  });

  it("serves the server's request with the agent's model and adds its usage and cost to the run", async () => {
    const mcp = track(mcpServers({ servers: { e: everything() }, sampling: { maxOutputTokens: 40 } }));
    const model = mockProvider(
      [
        {
          toolCalls: [{ name: 'mcp__e__trigger-sampling-request', input: { prompt: 'Name a colour', maxTokens: 100 } }],
          usage: { inputTokens: 100, outputTokens: 10 },
        },
        // The server's sampling request, answered by the same model.
        { text: 'Vermilion', usage: { inputTokens: 30, outputTokens: 3 } },
        { text: 'The server heard: Vermilion.', usage: { inputTokens: 200, outputTokens: 8 } },
      ],
      { pricing: { inputPerMTok: 1, outputPerMTok: 10 } },
    );
    const agent = createAgent({
      provider: model,
      tools: [mcp],
      sandbox: localSandbox({ root: process.cwd() }),
      policy: { mode: 'full-access' },
    });
    const events: AgentEvent[] = [];
    const run = agent.run('Ask the server to sample');
    for await (const event of run) events.push(event);
    const result = await run.result;
    model.assertComplete();

    const toolResult = events.find((e) => e.type === 'tool-result');
    expect(toolResult).toMatchObject({ isError: false });
    expect(String((toolResult as { output: unknown }).output)).toContain('Vermilion');
    const sampled = model.requests[1]!;
    expect(sampled.system).toBe('You are a helpful test server.');
    expect(sampled.tools).toEqual([]);
    expect(sampled.maxOutputTokens).toBe(40); // the server asked for 100; the cap wins
    expect(JSON.stringify(sampled.messages)).toContain('Name a colour');
    expect(result.usage).toMatchObject({ inputTokens: 330, outputTokens: 21 });
    expect(result.cost).toBeCloseTo((330 * 1 + 21 * 10) / 1_000_000, 12);
  });

  it('refuses a request that `approve` turns down; the tool call reports it', async () => {
    const approved: string[] = [];
    const unused = mockProvider([]);
    const mcp = track(
      mcpServers({
        servers: { e: everything() },
        sampling: {
          model: unused,
          approve: (request) => (approved.push(request.messages[0]!.text), false),
        },
      }),
    );
    const tool = named(await mcp.tools(), 'mcp__e__trigger-sampling-request')!;
    await expect(tool.execute({ prompt: 'secret plans', maxTokens: 10 }, ctx())).rejects.toThrow(/refused/);
    expect(approved[0]).toContain('secret plans');
    unused.assertComplete(); // a refused request never reaches the model
  });
});

describe('elicitation', () => {
  it('forwards the request to onElicitation and returns its answer to the server', async () => {
    const seen: McpElicitationRequest[] = [];
    const mcp = track(
      mcpServers({
        servers: { e: everything() },
        onElicitation: (request) => {
          seen.push(request);
          return { action: 'accept', content: { name: 'Ada Lovelace', check: true } };
        },
      }),
    );
    const tool = named(await mcp.tools(), 'mcp__e__trigger-elicitation-request')!;
    const output = (await tool.execute({}, ctx())) as string;
    expect(output).toContain('- Name: Ada Lovelace');
    expect(output).toContain('- Agreed to terms: true');
    expect(seen[0]).toMatchObject({ server: 'e', mode: 'form', message: expect.stringContaining('Please provide') });
    expect(seen[0]!.requestedSchema).toMatchObject({ type: 'object', required: ['name'] });
  });

  it('declines when there is no onElicitation', async () => {
    const mcp = track(mcpServers({ servers: { e: everything() } }));
    const tool = named(await mcp.tools(), 'mcp__e__trigger-elicitation-request')!;
    expect(await tool.execute({}, ctx())).toContain('User declined');
  });
});
