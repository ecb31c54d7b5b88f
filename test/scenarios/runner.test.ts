/**
 * The runner reports what broke: each kind of expectation, when wrong, makes the outcome `failed` with a
 * line that says what was expected and what happened; a pending scenario is reported pending and not run.
 */
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { parseScenario, runScenario, type Scenario } from '../../src/testing/scenario/index.js';

/** A small valid scenario: read a file, then answer with its content. */
function scenario(overrides: Record<string, unknown> = {}): Scenario {
  return parseScenario({
    name: 'runner_fixture',
    description: 'Reads a file and answers with it.',
    category: 'test',
    workspace: { 'fixture.txt': 'alpha parity line\n' },
    policy: { mode: 'read-only' },
    tools: ['read'],
    prompt: 'Read fixture.txt.',
    model: {
      steps: [
        { toolCalls: [{ name: 'read', input: { file_path: 'fixture.txt' } }] },
        { text: 'It says: {{result}}', usage: { inputTokens: 100, outputTokens: 10 } },
      ],
    },
    expect: { status: 'completed' },
    ...overrides,
  });
}

async function failuresOf(overrides: Record<string, unknown>, provider: 'mock' | 'anthropic' = 'mock') {
  const outcome = await runScenario(scenario(overrides), { provider });
  return outcome;
}

describe('runScenario', () => {
  it('passes a scenario whose expectations hold, with its events, result and requests', async () => {
    const outcome = await runScenario(
      scenario({
        expect: {
          status: 'completed',
          text: { includes: 'alpha parity line' },
          events: [{ type: 'tool-result', name: 'read', isError: false }],
          turns: 2,
          modelCalls: 2,
        },
      }),
    );
    expect(outcome).toMatchObject({ name: 'runner_fixture', provider: 'mock', status: 'passed', failures: [] });
    expect(outcome.result?.text).toBe('It says:      1\talpha parity line');
    expect(outcome.events.at(-1)?.type).toBe('run-end');
    expect(outcome.requests).toHaveLength(2);
  });

  it('reports a wrong final text as failed, saying what it was', async () => {
    const outcome = await failuresOf({ expect: { text: 'Something else' } });
    expect(outcome.status).toBe('failed');
    expect(outcome.failures).toEqual(['text is "It says:      1\\talpha parity line", not "Something else"']);
  });

  it('reports a wrong tool input with the input the tool call had', async () => {
    const outcome = await failuresOf({
      expect: { events: [{ type: 'tool-call', name: 'read', input: { file_path: 'other.txt' } }] },
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.failures[0]).toContain('input is {"file_path":"fixture.txt"}, not {"file_path":"other.txt"}');
  });

  it('reports events out of order', async () => {
    const outcome = await failuresOf({ expect: { events: ['tool-result', 'tool-call'] } });
    expect(outcome.status).toBe('failed');
    expect(outcome.failures[0]).toMatch(/^expect\.events\[1\] \{"type":"tool-call"\} not found after event #\d+/);
  });

  it('reports wrong event counts, files, usage, cost, turns, model calls and requests', async () => {
    const outcome = await failuresOf({
      expect: {
        eventCounts: { 'tool-call': 2, 'text-delta': { atMost: 0 } },
        files: { 'fixture.txt': 'changed\n', 'missing.txt': 'x', 'fixture2.txt': null },
        usage: { inputTokens: { atLeast: 1_000_000 } },
        cost: { present: true },
        turns: 3,
        modelCalls: 1,
        requests: [{ call: 2, includes: ['not sent'], excludes: ['alpha parity line'] }, { call: 9 }],
        compaction: true,
      },
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.failures).toEqual([
      expect.stringMatching(/^expected 2 tool-call event\(s\), got 1$/),
      expect.stringMatching(/^expected at most 0 text-delta event\(s\), got \d+$/),
      'file fixture.txt is "alpha parity line\\n", not "changed\\n"',
      'file missing.txt does not exist',
      expect.stringMatching(/^usage\.inputTokens is \d+, less than 1000000$/),
      'result.cost is missing',
      'compaction did not fire',
      'model call 2 lacks "not sent"',
      'model call 2 contains "alpha parity line"',
      'model call 9 never happened (2 call(s))',
      'the run took 2 turn(s), not 3',
      'the model was called 2 time(s), not 1',
    ]);
  });

  it('reports a file that must not exist but does', async () => {
    const outcome = await failuresOf({ expect: { files: { 'fixture.txt': null } } });
    expect(outcome.failures).toEqual(['file fixture.txt exists but must not']);
  });

  it('reports a failed run, and a run that should have failed but did not', async () => {
    // One step too few: the second model call finds no script.
    const short = await failuresOf({
      model: { steps: [{ toolCalls: [{ name: 'read', input: { file_path: 'fixture.txt' } }] }] },
    });
    expect(short.status).toBe('failed');
    expect(short.failures[0]).toMatch(/^the run failed with \w+: /);

    const ok = await failuresOf({ expect: { error: { code: 'BUDGET_EXCEEDED' } } });
    expect(ok.failures).toEqual(['the run succeeded but should fail with {"code":"BUDGET_EXCEEDED"}']);
  });

  it('reports scripted steps and answers that were never used, and an approver asked too often', async () => {
    const extra = await failuresOf({
      model: {
        steps: [{ text: 'Done at once.' }, { text: 'never used' }],
      },
      policy: { mode: 'read-only', approvals: ['allow'] },
    });
    expect(extra.failures).toEqual([
      '1 scripted approval answer(s) were never used',
      '1 scripted model step(s) were never used',
    ]);

    const asked = await failuresOf({
      tools: ['bash'],
      policy: { mode: 'workspace-write', approvals: [] },
      model: {
        steps: [{ toolCalls: [{ name: 'bash', input: { command: "printf 'x' > x.txt" } }] }, { text: 'ok' }],
      },
    });
    expect(asked.status).toBe('failed');
    expect(asked.failures).toEqual([
      `the approver was asked 1 time(s) but the scenario scripts 0 answer(s) (last: bash {"command":"printf 'x' > x.txt"})`,
    ]);
  });

  it('fills {{result:N}} and reports a placeholder that names no result', async () => {
    const outcome = await failuresOf({
      model: {
        steps: [
          { toolCalls: [{ name: 'read', input: { file_path: 'fixture.txt' } }] },
          { text: 'first: {{result:1}}; none: {{result:7}}; by name: {{result:grep}}' },
        ],
      },
    });
    expect(outcome.result?.text).toBe(
      'first:      1\talpha parity line; none: <no tool result 7>; by name: <no tool result grep>',
    );
  });

  it('reports a broken expectation on a wire provider the same way', async () => {
    const outcome = await failuresOf({ expect: { text: { includes: 'beta' } } }, 'anthropic');
    expect(outcome.status).toBe('failed');
    expect(outcome.failures).toEqual(['text "It says:      1\\talpha parity line" lacks "beta"']);
    expect(outcome.httpRequests?.[0]?.path).toBe('/v1/messages');
  });

  it('applies expectOn for one provider only', async () => {
    const overrides = { expect: { text: 'wrong' }, expectOn: { mock: { text: { includes: 'alpha' } } } };
    expect((await failuresOf(overrides)).status).toBe('passed');
    expect((await failuresOf(overrides, 'anthropic')).status).toBe('failed');
  });

  it('ends a scenario that runs past its timeout, and says so', async () => {
    const outcome = await failuresOf({
      tools: ['bash'],
      policy: { mode: 'full-access' },
      timeoutMs: 300,
      model: { steps: [{ toolCalls: [{ name: 'bash', input: { command: 'sleep 5' } }] }, { text: 'late' }] },
      expect: {},
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.failures).toContain('timed out after 300 ms');
    expect(outcome.durationMs).toBeLessThan(4000);
  });

  it.each(['mock', 'anthropic'] as const)(
    'fails the run on a fault the agent must not retry, the same way on %s',
    async (provider) => {
      const outcome = await failuresOf(
        {
          model: {
            faults: [{ type: 'status', status: 400, call: 1 }],
            steps: [{ text: 'never' }],
          },
          expect: { error: { code: 'PROVIDER_ERROR' }, eventCounts: { retry: 0 }, modelCalls: 1 },
        },
        provider,
      );
      expect(outcome.failures).toEqual([]);
    },
  );

  it('checks in every scenario that tool-call ids are unique in the session (a repeated id is re-keyed)', async () => {
    const call = { name: 'read', input: { file_path: 'fixture.txt' }, id: 'dup' };
    const outcome = await failuresOf({
      model: { steps: [{ toolCalls: [call] }, { toolCalls: [call] }, { text: 'done' }] },
    });
    expect(outcome.failures.filter((f) => f.includes('used twice'))).toEqual([]);
    expect(outcome.events.flatMap((e) => (e.type === 'tool-call' ? [e.id] : []))).toEqual(['dup', 'dup_2']);
  });

  it('sends follow-ups in the same session, and not after a run that did not complete', async () => {
    const chained = await failuresOf({
      followUps: ['And again?'],
      model: {
        steps: [
          { toolCalls: [{ name: 'read', input: { file_path: 'fixture.txt' } }] },
          { text: 'first' },
          { text: 'second' },
        ],
      },
      expect: {
        text: 'second',
        turns: 3,
        eventCounts: { 'run-start': 2 },
        requests: [{ call: 3, includes: ['first', 'And again?'] }],
      },
    });
    expect(chained.failures).toEqual([]);

    const paused = await failuresOf({
      tools: ['bash'],
      policy: { mode: 'workspace-write' },
      followUps: ['never sent'],
      model: { steps: [{ toolCalls: [{ name: 'bash', input: { command: "printf 'x' > x.txt" } }] }] },
      expect: { status: 'paused' },
    });
    expect(paused.failures).toEqual(['the follow-up "never sent" was not sent: the run before it did not complete']);
  });

  it('removes its temporary directories, also after a failure', async () => {
    const before = (await readdir(tmpdir())).filter((name) => name.startsWith('icode-scenario-runner_fixture-'));
    await failuresOf({ expect: { text: 'wrong' } });
    await failuresOf({});
    const after = (await readdir(tmpdir())).filter((name) => name.startsWith('icode-scenario-runner_fixture-'));
    expect(after.filter((name) => !before.includes(name))).toEqual([]);
  });

  it('reports a pending scenario as pending without running it, whatever it expects', async () => {
    const outcome = await runScenario(
      scenario({
        pending: { issue: 7, reason: 'needs plugins' },
        tools: ['plugin_echo'],
        expect: { text: 'cannot be checked' },
      }),
      { provider: 'anthropic' },
    );
    expect(outcome).toMatchObject({
      status: 'pending',
      failures: ['waits for issue #7: needs plugins'],
      events: [],
      requests: [],
    });
    expect(outcome.result).toBeUndefined();
  });

  it('refuses a workspace path outside the scenario directory', async () => {
    await expect(runScenario(scenario({ workspace: { '../escape.txt': 'x' } }))).rejects.toThrow(ConfigError);
    await expect(runScenario(scenario({ workspace: { 'l.txt': { symlink: '../../../etc/passwd' } } }))).rejects.toThrow(
      /symlink target path/,
    );
  });
});
