import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, RunStateError, tool, type AgentRun } from 'icode';
import { captureRunMessages, defineScenario, formatTranscript, mockProvider, runScenario } from 'icode/testing';
import 'icode/testing/vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { echoTool } from '../helpers/agent.js';

const deploy = tool({
  name: 'deploy',
  description: 'Deploys a service',
  input: z.object({ target: z.string() }),
  needsApproval: true,
  execute: ({ target }) => `deployed ${target}`,
});

const pricing = { inputPerMTok: 3, outputPerMTok: 15 };

function echoModel() {
  return mockProvider(
    [
      {
        text: 'Echoing twice.',
        toolCalls: [{ name: 'echo', input: { text: 'a' } }],
        usage: { inputTokens: 100, outputTokens: 20 },
      },
      { toolCalls: [{ name: 'echo', input: { text: 'b' } }], usage: { inputTokens: 150, outputTokens: 10 } },
      { text: 'Done: a, b.', usage: { inputTokens: 200, outputTokens: 5 } },
    ],
    { pricing },
  );
}

async function echoRun() {
  const model = echoModel();
  const captured = await captureRunMessages(() =>
    createAgent({ provider: model, tools: [echoTool] }).run('Echo a then b'),
  );
  model.assertComplete();
  return captured;
}

describe('formatTranscript', () => {
  it('shows turns, text, tool calls with inputs, results, usage and cost, without ids', async () => {
    const { events } = await echoRun();
    expect(formatTranscript(events!)).toBe(
      [
        '── turn 1',
        'assistant: Echoing twice.',
        '→ echo {"text":"a"}',
        '✓ echo "echo: a"',
        '  (tool-calls · 100 in / 20 out)',
        '── turn 2',
        '→ echo {"text":"b"}',
        '✓ echo "echo: b"',
        '  (tool-calls · 150 in / 10 out)',
        '── turn 3',
        'assistant: Done: a, b.',
        '  (stop · 200 in / 5 out)',
        '= completed after 3 turn(s) · 450 in / 35 out tokens · $0.001875',
      ].join('\n'),
    );
  });

  it('from a result alone, shows the conversation; permission questions and decisions come from events', async () => {
    const { result } = await echoRun();
    expect(formatTranscript(result!)).toMatch(
      /^user: Echo a then b\nassistant: Echoing twice\.\n→ echo \{"text":"a"\}\n✓ echo "echo: a"\n/,
    );
    const model = mockProvider([{ toolCalls: [{ name: 'deploy', input: { target: 'prod' } }] }]);
    const paused = await captureRunMessages(() => createAgent({ provider: model, tools: [deploy] }).run('Ship it'));
    model.assertComplete();
    expect(formatTranscript(paused.events!)).toContain('→ deploy {"target":"prod"}\n? deploy asks permission:');
    expect(formatTranscript(paused.events!, { maxValueLength: 5 })).toContain('→ deploy {"tar… (+12 chars)');
    expect(() => formatTranscript({} as never)).toThrow(TypeError);
  });
});

describe('icode/testing/vitest matchers', () => {
  it('pass on what the run did, on events, results and captured runs alike', async () => {
    const captured = await echoRun();
    for (const run of [captured, captured.events!, captured.result!]) {
      expect(run).toHaveCalledTool('echo');
      expect(run).toHaveCalledTool('echo', { text: 'b' });
      expect(run).toHaveCalledTool('echo', expect.objectContaining({ text: expect.stringMatching(/^a$/) }));
      expect(run).not.toHaveCalledTool('echo', { text: 'c' });
      expect(run).not.toHaveCalledTool('deploy');
      expect(run).toHaveCalledToolsInOrder(['echo', 'echo']);
      expect(run).not.toHaveCalledToolsInOrder(['echo', 'echo', 'echo']);
      expect(run).toHaveFinishedWith('completed');
      expect(run).toHaveCostLessThan(0.01);
      expect(run).not.toHaveCostLessThan(0.001);
      expect(run).not.toHaveAskedPermissionFor('echo');
    }
  });

  it('see permission questions, from events and from a paused result', async () => {
    const model = mockProvider([{ toolCalls: [{ name: 'deploy', input: { target: 'prod' } }] }]);
    const captured = await captureRunMessages(() => createAgent({ provider: model, tools: [deploy] }).run('Ship it'));
    model.assertComplete();
    expect(captured).toHaveAskedPermissionFor('deploy');
    expect(captured.result!).toHaveAskedPermissionFor('deploy');
    expect(captured).toHaveFinishedWith('paused');
  });

  it('fail with the transcript in the message', async () => {
    const captured = await echoRun();
    const failure = (assertion: () => void): string => {
      try {
        assertion();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('the assertion passed');
    };
    const message = failure(() => expect(captured).toHaveCalledToolsInOrder(['echo', 'deploy']));
    expect(message).toContain('expected the run to call echo → deploy in order; it called echo → echo');
    expect(message).toContain('Transcript:\n  ── turn 1\n  assistant: Echoing twice.\n  → echo {"text":"a"}');
    expect(failure(() => expect(captured).toHaveFinishedWith('failed'))).toMatch(/to end failed, it ended completed/);
    expect(failure(() => expect(captured).toHaveCalledTool('echo', { text: 'z' }))).toMatch(
      /expected the run to call "echo" with input \{"text":"z"\}\n\nTranscript:/,
    );
    expect(failure(() => expect({ nope: 1 }).toHaveCalledTool('echo'))).toMatch(/expected a RunResult/);
    const unpriced = mockProvider([{ text: 'hi' }]);
    const free = await captureRunMessages(() => createAgent({ provider: unpriced }).run('Hi').result);
    unpriced.assertComplete();
    expect(failure(() => expect(free).toHaveCostLessThan(1))).toMatch(/its cost is unknown/);
  });
});

describe('icode/testing/vitest matchers on an AgentRun', () => {
  /** Runs `check` on a fresh run of the echo task, then checks the script was played to its end. */
  async function onRun(check: (run: AgentRun) => Promise<void>): Promise<void> {
    const model = echoModel();
    await check(createAgent({ provider: model, tools: [echoTool] }).run('Echo a then b'));
    model.assertComplete();
  }

  it('consume the run and await its result, each matcher on its own run', async () => {
    await onRun((run) => expect(run).toHaveCalledTool('echo', { text: 'b' }));
    await onRun((run) => expect(run).not.toHaveCalledTool('deploy'));
    await onRun((run) => expect(run).toHaveCalledToolsInOrder(['echo', 'echo']));
    await onRun((run) => expect(run).toHaveFinishedWith('completed'));
    await onRun((run) => expect(run).toHaveCostLessThan(0.01));
    await onRun((run) => expect(run).not.toHaveAskedPermissionFor('echo'));
    const model = mockProvider([{ toolCalls: [{ name: 'deploy', input: { target: 'prod' } }] }]);
    await expect(createAgent({ provider: model, tools: [deploy] }).run('Ship it')).toHaveAskedPermissionFor('deploy');
    model.assertComplete();
  });

  it('fail with the transcript of the run they consumed', async () => {
    await onRun(async (run) => {
      const failing = expect(run).toHaveCalledToolsInOrder(['echo', 'deploy']);
      await expect(failing).rejects.toThrow(
        /it called echo → echo\n\nTranscript:\n {2}── turn 1\n {2}assistant: Echoing/,
      );
    });
    await onRun(async (run) => {
      await expect(expect(run).toHaveFinishedWith('failed')).rejects.toThrow(/to end failed, it ended completed/);
    });
  });

  it('see a run that failed, from its events', async () => {
    const model = mockProvider([{ text: 'Working on it', toolCalls: [{ name: 'echo', input: { text: 'x' } }] }]);
    await expect(createAgent({ provider: model, tools: [echoTool] }).run('Go')).toHaveFinishedWith('failed');
    model.assertComplete();
  });

  it('refuse a run already iterated, naming captureRunMessages', async () => {
    await onRun(async (run) => {
      for await (const event of run) expect(event.type).toBeTypeOf('string');
      const refused = expect(run).toHaveCalledTool('echo');
      await expect(refused).rejects.toThrow(RunStateError);
      await expect(expect(run).not.toHaveCalledTool('echo')).rejects.toThrow(
        /events are gone.*already being iterated.*captureRunMessages\(\(\) => agent\.run/,
      );
    });
    await onRun(async (run) => {
      await run.result;
      await expect(expect(run).toHaveFinishedWith('completed')).rejects.toThrow(/already ended.*captureRunMessages/);
    });
  });
});

describe('captureRunMessages', () => {
  it('keeps the messages of a run that failed', async () => {
    const model = mockProvider([{ text: 'Working on it', toolCalls: [{ name: 'echo', input: { text: 'x' } }] }]);
    const captured = await captureRunMessages(
      () => createAgent({ provider: model, tools: [echoTool] }).run('Go').result,
    );
    model.assertComplete();
    expect(captured.error).toBeDefined();
    expect(captured.result?.status).toBe('failed');
    expect(captured.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(captured).toHaveCalledTool('echo', { text: 'x' });
    expect(captured).toHaveFinishedWith('failed');
  });
});

describe('defineScenario', () => {
  it('checks a scenario written in code, which then runs on any provider profile', async () => {
    const scenario = defineScenario({
      name: 'echo_in_code',
      description: 'A scenario defined in TypeScript',
      category: 'file-tools',
      workspace: { 'a.txt': 'hello' },
      policy: { mode: 'read-only' },
      tools: ['read'],
      prompt: 'Read a.txt',
      model: {
        steps: [{ toolCalls: [{ name: 'read', input: { file_path: 'a.txt' } }] }, { text: 'It says {{result:read}}' }],
      },
      expect: { status: 'completed', text: { includes: ['It says', 'hello'] }, turns: 2 },
    });
    for (const provider of ['mock', 'anthropic', 'ollama'] as const) {
      const outcome = await runScenario(scenario, { provider });
      expect(outcome.failures).toEqual([]);
      expect(outcome.status).toBe('passed');
    }
    expect(() => defineScenario({ name: 'Bad Name' } as never)).toThrow(ConfigError);
  });
});
