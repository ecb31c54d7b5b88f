/**
 * Input and output guardrails: a block fails the run with GuardrailError (status failed). Input guardrails
 * run beside the first model call; when one blocks, nothing of that call is stored and none of its tools
 * runs, and the input is taken out of the session again.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuardrailError, memoryStore, type PromptInfo } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { drain } from '../helpers/agent.js';
import { workspace, type Workspace } from './workspace.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.remove());

/** A promise and the function that resolves it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

const writeMarker = { toolCalls: [{ name: 'write', input: { file_path: 'marker.txt', content: 'x' } }] };

describe('input guardrails', () => {
  it('block after the model answered: its tools never run, nothing is stored, the input is removed', async () => {
    const store = memoryStore();
    const answered = signal();
    const model = mockProvider([writeMarker]);
    // Earlier history of the session stays; only this run's input goes.
    const agent = ws.agent({ provider: mockProvider([{ text: 'first answer' }]), store });
    const { sessionId } = await agent.run('hello').result;
    const before = (await store.load(sessionId)).entries.length;

    const guarded = ws.agent({
      provider: model,
      store,
      hooks: {
        onEvent: (event) => {
          if (event.type === 'tool-call') answered.fire();
        },
        guardrails: {
          input: [
            {
              name: 'no-deploys',
              // Decides only once the model has answered with its tool call.
              check: async ({ text }: PromptInfo) => {
                await answered.promise;
                return text.includes('deploy') ? { block: 'deploys are not allowed here' } : undefined;
              },
            },
          ],
        },
      },
    });
    const { error } = await drain(guarded.run('deploy to prod', { sessionId }));
    expect(GuardrailError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      guardrail: 'no-deploys',
      reason: 'deploys are not allowed here',
      stage: 'input',
      result: { status: 'failed' },
    });
    expect(existsSync(join(ws.root, 'marker.txt'))).toBe(false);
    expect((await store.load(sessionId)).entries).toHaveLength(before);
    model.assertComplete();
  });

  it('block while the model still streams: the call is stopped and the run fails at once', async () => {
    const store = memoryStore();
    // The model would take a minute for its answer; the guardrail blocks right away.
    const model = mockProvider([{ text: 'a slow answer', ...writeMarker, delayMs: 60_000 }]);
    const run = ws
      .agent({
        provider: model,
        store,
        hooks: { name: 'topic', inputGuardrail: () => ({ block: 'off topic' }) },
      })
      .run('tell me a joke');
    const { events, error } = await drain(run);
    expect(error).toMatchObject({ code: 'GUARDRAIL_TRIPPED', guardrail: 'topic', reason: 'off topic' });
    expect(events.some((e) => e.type === 'text-delta' || e.type === 'tool-call')).toBe(false);
    expect(events.at(-1)).toMatchObject({
      type: 'run-end',
      result: { status: 'failed' },
      error: { name: 'GuardrailError' },
    });
    expect((await store.load(run.sessionId)).entries).toEqual([]);
    expect(existsSync(join(ws.root, 'marker.txt'))).toBe(false);
    expect(model.requests).toHaveLength(1);
    model.assertComplete();
  });

  it('that pass let the run go on as usual', async () => {
    const model = mockProvider([writeMarker, { text: 'written' }]);
    const checked: string[] = [];
    const result = await ws
      .agent({
        provider: model,
        hooks: { inputGuardrail: ({ text }) => void checked.push(text) },
      })
      .run('write the marker').result;
    expect(result).toMatchObject({ status: 'completed', text: 'written' });
    expect(checked).toEqual(['write the marker']);
    expect(existsSync(join(ws.root, 'marker.txt'))).toBe(true);
    model.assertComplete();
  });

  it('with runInParallel: false block before the model is called', async () => {
    const model = mockProvider([]);
    const store = memoryStore();
    const run = ws
      .agent({
        provider: model,
        store,
        hooks: { guardrails: { input: [{ name: 'strict', runInParallel: false, check: () => ({ block: 'never' }) }] } },
      })
      .run('anything');
    const { error } = await drain(run);
    expect(error).toMatchObject({ guardrail: 'strict', reason: 'never' });
    expect(model.requests).toHaveLength(0);
    expect((await store.load(run.sessionId)).entries).toEqual([]);
    model.assertComplete();
  });

  it('that throw fail the run with their error', async () => {
    const model = mockProvider([{ text: 'hi', delayMs: 60_000 }]);
    const { error } = await drain(
      ws
        .agent({
          provider: model,
          hooks: {
            inputGuardrail: () => {
              throw new Error('classifier down');
            },
          },
        })
        .run('hi'),
    );
    expect(error).toMatchObject({ code: 'RUN_FAILED', message: expect.stringContaining('classifier down') });
    model.assertComplete();
  });

  it('need a name and a check', () => {
    const model = mockProvider([]);
    const agent = ws.agent({
      provider: model,
      hooks: { guardrails: { input: [{ name: '', check: () => undefined }] } },
    });
    expect(() => agent.run('x')).toThrow(/non-empty `name`/);
    model.assertComplete();
  });
});

describe('output guardrails', () => {
  it('block the final output: GuardrailError with the partial result, status failed', async () => {
    const model = mockProvider([{ text: 'The key is AKIAABCDEFGHIJKLMNOP' }]);
    const run = ws
      .agent({
        provider: model,
        hooks: {
          guardrails: {
            output: [
              {
                name: 'no-aws-keys',
                check: ({ text }) =>
                  /AKIA[0-9A-Z]{16}/.test(text) ? { block: 'the answer holds an AWS key' } : undefined,
              },
            ],
          },
        },
      })
      .run('what is the key?');
    const { error } = await drain(run);
    expect(error).toMatchObject({
      guardrail: 'no-aws-keys',
      stage: 'output',
      result: { status: 'failed', text: 'The key is AKIAABCDEFGHIJKLMNOP' },
    });
    await expect(run.result).rejects.toBeInstanceOf(GuardrailError);
    model.assertComplete();
  });

  it('check only a run that completes, after stop hooks are done with it', async () => {
    const model = mockProvider([{ text: 'draft' }, { text: 'final' }]);
    const checked: string[] = [];
    const result = await ws
      .agent({
        provider: model,
        hooks: {
          stop: ({ continuations }) => (continuations === 0 ? { continue: 'Polish it.' } : undefined),
          outputGuardrail: ({ text }) => void checked.push(text),
        },
      })
      .run('write').result;
    expect(result.text).toBe('final');
    expect(checked).toEqual(['final']);
    model.assertComplete();
  });
});
