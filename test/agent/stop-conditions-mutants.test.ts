/**
 * Stop conditions in detail: the whole state a condition sees, the order conditions are asked in, an
 * empty list, several tool names, and the exact errors for bad arguments.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  createAgent,
  hasToolCall,
  stepCountIs,
  tool,
  type StopCondition,
  type StopState,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { echoTool, fixedPolicy } from '../helpers/agent.js';

const allow = fixedPolicy('allow');
const shout = tool({
  name: 'shout',
  description: 'Shout the text',
  input: z.object({ text: z.string() }),
  execute: ({ text }) => text.toUpperCase(),
});

describe('stop condition state', () => {
  it('sees the turn’s calls without its text, their results in order, the run’s messages and context', async () => {
    const states: StopState<{ user: string }>[] = [];
    const model = mockProvider([
      {
        text: 'Echoing twice.',
        toolCalls: [
          { name: 'echo', input: { text: 'a' } },
          { name: 'shout', input: { text: 'b' } },
        ],
      },
      { text: 'Done.' },
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool, shout], policy: allow });
    const context = { user: 'ada' };
    const result = await agent.run('Go', {
      context,
      stopWhen: (state: StopState<{ user: string }>) => {
        // The message list is the run's own and grows on: keep it as it was when asked.
        states.push({ ...state, messages: [...state.messages] });
        return false;
      },
    } as never).result;
    expect(result.status).toBe('completed');
    expect(states).toHaveLength(1);
    const [state] = states;
    expect(state!.turns).toBe(1);
    expect(state!.context).toBe(context);
    expect(state!.lastToolCalls.map((c) => [c.type, c.name, c.input])).toEqual([
      ['tool-call', 'echo', { text: 'a' }],
      ['tool-call', 'shout', { text: 'b' }],
    ]);
    expect(state!.lastToolResults.map((r) => [r.name, r.output, r.isError])).toEqual([
      ['echo', 'echo: a', false],
      ['shout', 'B', false],
    ]);
    expect(state!.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    model.assertComplete();
  });

  it('asks the conditions in order and stops at the first that holds', async () => {
    const asked: string[] = [];
    const condition =
      (name: string, holds: boolean): StopCondition =>
      () => {
        asked.push(name);
        return holds;
      };
    const model = mockProvider([{ toolCalls: [{ name: 'echo', input: { text: 'a' } }] }]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: allow });
    const result = await agent.run('Go', {
      stopWhen: [condition('first', false), condition('second', true), condition('third', true)],
    }).result;
    expect(result.status).toBe('stopped');
    expect(asked).toEqual(['first', 'second']);
    model.assertComplete();
  });

  it('takes an async condition, and an empty list as no condition', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'echo', input: { text: 'a' } }] },
      { text: 'Done.' },
      { toolCalls: [{ name: 'echo', input: { text: 'b' } }] },
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: allow });
    expect((await agent.run('Go', { stopWhen: [] }).result).status).toBe('completed');
    const stopped = await agent.run('Go', { stopWhen: async ({ turns }) => turns === 1 }).result;
    expect(stopped.status).toBe('stopped');
    model.assertComplete();
  });

  it('stops on any of several tool names, and not on another tool', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'echo', input: { text: 'a' } }] },
      { toolCalls: [{ name: 'shout', input: { text: 'b' } }] },
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool, shout], policy: allow });
    const result = await agent.run('Go', { stopWhen: hasToolCall('submit', 'shout') }).result;
    expect(result.status).toBe('stopped');
    expect(result.turns).toBe(2);
    model.assertComplete();
  });

  it('stops when one of the turn’s calls is named, not only when all are', async () => {
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'echo', input: { text: 'a' } },
          { name: 'shout', input: { text: 'b' } },
        ],
      },
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool, shout], policy: allow });
    const result = await agent.run('Go', { stopWhen: hasToolCall('shout') }).result;
    expect(result.status).toBe('stopped');
    expect(result.turns).toBe(1);
    model.assertComplete();
  });

  it('stops exactly at the step count, not before', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'echo', input: { text: 'a' } }] },
      { toolCalls: [{ name: 'echo', input: { text: 'b' } }] },
      { toolCalls: [{ name: 'echo', input: { text: 'c' } }] },
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: allow });
    const result = await agent.run('Go', { stopWhen: stepCountIs(3) }).result;
    expect(result.status).toBe('stopped');
    expect(result.turns).toBe(3);
    model.assertComplete();
  });
});

describe('stop condition errors', () => {
  it('says what is wrong with bad arguments', () => {
    expect(() => hasToolCall()).toThrow(new ConfigError('hasToolCall needs one or more tool names.'));
    expect(() => hasToolCall('read', 3 as never)).toThrow(new ConfigError('hasToolCall needs one or more tool names.'));
    expect(() => hasToolCall('read', '')).toThrow(ConfigError);
    expect(() => stepCountIs(-2)).toThrow(new ConfigError('stepCountIs needs a positive integer, got -2.'));
    expect(() => stepCountIs(Number.NaN)).toThrow(/got NaN/);
    expect(stepCountIs(1)).toBeTypeOf('function');
    const agent = createAgent({ provider: mockProvider([]) });
    expect(() => agent.run('x', { stopWhen: 'done' as never })).toThrow(
      new ConfigError(
        '`stopWhen` must be a function of the run state, or an array of them (hasToolCall(name), stepCountIs(n), …).',
      ),
    );
  });
});
