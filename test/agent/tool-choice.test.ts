import { describe, expect, it } from 'vitest';
import { ConfigError, createAgent, type Toolset } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { echoTool, fixedPolicy } from '../helpers/agent.js';

const allow = fixedPolicy('allow');

/** A toolset offering the echo tool: its tools are known only once a run asks for them. */
const echoToolset: Toolset = {
  kind: 'toolset',
  name: 'echoes',
  tools: async () => [echoTool],
  close: async () => undefined,
};

describe('run option `toolChoice`', () => {
  it('applies to the first model call only, so the model can answer after the forced call', async () => {
    const model = mockProvider([{ toolCalls: [{ name: 'echo', input: { text: 'a' } }] }, { text: 'Echoed.' }]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: allow });
    const result = await agent.run('Echo a', { toolChoice: { name: 'echo' } }).result;
    expect(result.status).toBe('completed');
    expect(model.requests[0]?.toolChoice).toEqual({ name: 'echo' });
    expect(model.requests[1]).not.toHaveProperty('toolChoice');
    model.assertComplete();
  });

  it('passes the string choices through, and sends none when not given', async () => {
    const model = mockProvider([{ text: 'No tools.' }, { text: 'Plain.' }]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: allow });
    await agent.run('Answer without tools', { toolChoice: 'none' }).result;
    await agent.run('Hi').result;
    expect(model.requests[0]?.toolChoice).toBe('none');
    expect(model.requests[1]).not.toHaveProperty('toolChoice');
    model.assertComplete();
  });

  it('refuses a tool the agent does not have, and a malformed choice, when run is called', () => {
    const model = mockProvider([]);
    const agent = createAgent({ provider: model, tools: [echoTool] });
    expect(() => agent.run('x', { toolChoice: { name: 'deploy' } })).toThrow(ConfigError);
    expect(() => agent.run('x', { toolChoice: { name: 'deploy' } })).toThrow(/"deploy".*Its tools: echo/);
    expect(() => agent.run('x', { toolChoice: 'always' as never })).toThrow(/toolChoice must be/);
    expect(() => agent.run('x', { toolChoice: { name: '' } })).toThrow(/toolChoice must be/);
    expect(model.requests).toHaveLength(0);
    model.assertComplete();
  });

  it('checks a named tool of a toolset at the first model call: the run fails before calling the model', async () => {
    const model = mockProvider([{ toolCalls: [{ name: 'echo', input: { text: 'b' } }] }, { text: 'Done.' }]);
    const agent = createAgent({ provider: model, tools: [echoToolset], policy: allow });
    const ok = await agent.run('Echo b', { toolChoice: { name: 'echo' } }).result;
    expect(ok.status).toBe('completed');
    expect(model.requests[0]?.toolChoice).toEqual({ name: 'echo' });
    const error = await agent.run('x', { toolChoice: { name: 'deploy' } }).result.catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).result?.status).toBe('failed');
    expect(model.requests).toHaveLength(2);
    model.assertComplete();
  });

  it('fails a run that requires a tool when the agent has none', async () => {
    const model = mockProvider([]);
    const error = await createAgent({ provider: model })
      .run('x', { toolChoice: 'required' })
      .result.catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/'required' needs a tool/);
    model.assertComplete();
  });
});
