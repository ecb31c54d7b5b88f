import { describe, expect, it } from 'vitest';
import { createAgent } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { collect, echoTool, fixedPolicy } from '../helpers/agent.js';

describe('hooks', () => {
  it('beforeModelCall may change the request', async () => {
    const model = mockProvider([{ text: 'ok' }]);
    await createAgent({
      provider: model,
      policy: fixedPolicy('allow'),
      hooks: { beforeModelCall: (request) => ({ ...request, system: 'patched', temperature: 0 }) },
    }).run('hi').result;
    expect(model.requests[0]).toMatchObject({ system: 'patched', temperature: 0 });
  });

  it('beforeToolCall may deny a call or replace its input', async () => {
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'echo', input: { text: 'secret' } },
          { name: 'echo', input: { text: 'plain' } },
        ],
      },
      { text: 'done' },
    ]);
    const run = createAgent({
      provider: model,
      tools: [echoTool],
      policy: fixedPolicy('allow'),
      hooks: {
        beforeToolCall: (call) =>
          (call.input as { text: string }).text === 'secret'
            ? { deny: 'no secrets' }
            : { input: { text: 'rewritten' } },
      },
    }).run('go');
    const { events } = await collect(run);
    expect(events.find((e) => e.type === 'permission-decision')).toMatchObject({
      id: 'call_1_1',
      decision: 'deny',
      source: 'hook',
    });
    const outputs = model.requests[1]?.messages.at(-1)?.content;
    expect(outputs).toMatchObject([
      { isError: true, output: 'Permission denied by a hook: no secrets' },
      { isError: false, output: 'echo: rewritten' },
    ]);
  });

  it('afterToolCall may replace the result', async () => {
    const model = mockProvider([{ toolCalls: [{ name: 'echo', input: { text: 'x' } }] }, { text: 'done' }]);
    await createAgent({
      provider: model,
      tools: [echoTool],
      policy: fixedPolicy('allow'),
      hooks: {
        afterToolCall: (_call, result) => ({ ...result, output: `[redacted ${String(result.output).length}]` }),
      },
    }).run('go').result;
    expect(model.requests[1]?.messages.at(-1)?.content[0]).toMatchObject({ output: '[redacted 7]' });
  });
});
