/**
 * The repeated-call guard (`repeatLimit`): the same call made in N turns in a row is refused when nobody can
 * approve it, reported with its own source. Read-only tools are not guarded by default (a tool can be
 * polled until it says "done"), and identical calls within one turn count once.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, createAgent, tool, type AgentEvent, type AgentOptions } from '../../src/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { collect, fixedPolicy } from '../helpers/agent.js';

/** A job status tool: reports "running" until its fifth call. */
function statusTool() {
  let calls = 0;
  return tool({
    name: 'job_status',
    description: 'Status of the build job',
    input: z.object({ job: z.string() }),
    readOnly: true,
    execute: () => (++calls >= 5 ? 'done' : 'running'),
  });
}

/** A tool that is not read-only. */
function fetchTool() {
  const ran: string[] = [];
  const made = tool({
    name: 'fetch_page',
    description: 'Fetches a page and caches it',
    input: z.object({ url: z.string() }),
    execute: ({ url }) => (ran.push(url), `page ${url}`),
  });
  return { tool: made, ran };
}

async function play(steps: MockStep[], options: Partial<AgentOptions>) {
  const model = mockProvider(steps);
  const run = createAgent({ provider: model, policy: fixedPolicy('allow'), ...options }).run('go');
  const { events } = await collect(run);
  const result = await run.result;
  model.assertComplete();
  const outcomes = events.flatMap((e) => (e.type === 'tool-result' ? [e.errorCode ?? String(e.output)] : []));
  const guard = events.filter(
    (e): e is Extract<AgentEvent, { type: 'permission-decision' }> => e.type === 'permission-decision',
  );
  return { result, outcomes, guard, model };
}

const poll = { name: 'job_status', input: { job: 'build' } };
const fetchSame = { name: 'fetch_page', input: { url: 'https://example.com' } };

describe('the repeated-call guard', () => {
  it('lets a read-only tool be polled until it reports done', async () => {
    const { outcomes, guard, result } = await play(
      [...Array.from({ length: 5 }, () => ({ toolCalls: [poll] })), { text: 'The build is done.' }],
      { tools: [statusTool()] },
    );
    expect(outcomes).toEqual(['running', 'running', 'running', 'running', 'done']);
    expect(guard).toEqual([]);
    expect(result.status).toBe('completed');
  });

  it('does not count identical calls within one turn: fifty at once all run', async () => {
    const { tool: fetch, ran } = fetchTool();
    const { outcomes, guard } = await play(
      [{ toolCalls: Array.from({ length: 50 }, () => fetchSame) }, { text: 'ok' }],
      {
        tools: [fetch],
      },
    );
    expect(ran).toHaveLength(50);
    expect(outcomes.every((o) => o === 'page https://example.com')).toBe(true);
    expect(guard).toEqual([]);
  });

  it('refuses a non-read-only call made in three turns in a row, with source repeat-guard', async () => {
    const { tool: fetch, ran } = fetchTool();
    const { outcomes, guard } = await play(
      [
        { toolCalls: [fetchSame, fetchSame] },
        { toolCalls: [fetchSame] },
        { toolCalls: [fetchSame, fetchSame] },
        { text: 'ok' },
      ],
      { tools: [fetch] },
    );
    expect(ran).toHaveLength(3);
    expect(outcomes.slice(3)).toEqual(['PERMISSION_DENIED', 'PERMISSION_DENIED']);
    expect(guard.map((e) => [e.decision, e.source])).toEqual([
      ['deny', 'repeat-guard'],
      ['deny', 'repeat-guard'],
    ]);
    expect(guard[0]?.reason).toMatch(/in 3 turns in a row/);
  });

  it('counts turns in a row only: another call in between starts over', async () => {
    const { tool: fetch, ran } = fetchTool();
    const other = { name: 'fetch_page', input: { url: 'https://example.org' } };
    await play(
      [
        { toolCalls: [fetchSame] },
        { toolCalls: [fetchSame] },
        { toolCalls: [other] },
        { toolCalls: [fetchSame] },
        { text: 'ok' },
      ],
      { tools: [fetch] },
    );
    expect(ran).toHaveLength(4);
  });

  it('takes a lower limit, guards read-only tools on request, and turns off', async () => {
    const { tool: fetch, ran } = fetchTool();
    const twice = await play([{ toolCalls: [fetchSame] }, { toolCalls: [fetchSame] }, { text: 'ok' }], {
      tools: [fetch],
      repeatLimit: 2,
    });
    expect(twice.outcomes).toEqual(['page https://example.com', 'PERMISSION_DENIED']);

    const polled = await play([{ toolCalls: [poll] }, { toolCalls: [poll] }, { toolCalls: [poll] }, { text: 'ok' }], {
      tools: [statusTool()],
      repeatLimit: { limit: 3, readOnlyTools: true },
    });
    expect(polled.outcomes).toEqual(['running', 'running', 'PERMISSION_DENIED']);

    ran.length = 0;
    const off = await play([...Array.from({ length: 6 }, () => ({ toolCalls: [fetchSame] })), { text: 'ok' }], {
      tools: [fetch],
      repeatLimit: false,
    });
    expect(ran).toHaveLength(6);
    expect(off.guard).toEqual([]);
  });

  it('refuses a nonsense limit with a ConfigError', () => {
    const provider = mockProvider([]);
    for (const repeatLimit of [0, 1, 2.5, Number.NaN, 'many', { limit: 1 }, { readOnlyTools: 'yes' }]) {
      expect(() => createAgent({ provider, repeatLimit: repeatLimit as never }), String(repeatLimit)).toThrow(
        ConfigError,
      );
    }
    provider.assertComplete();
  });
});
