/**
 * Guarantees of the loop that a plausible slip would break silently: an abort reaches a tool that runs
 * under a timeout (custom tools and the real bash), deny rules win over ask rules, a JSON tool output is
 * capped like text, and `assertComplete` catches a single unused step.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool, type ApprovalRequest } from '../../src/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { bashTool } from '../../src/tools/builtin/bash/bash.js';
import { codingTools } from '../../src/tools/builtin/index.js';
import { alive, waitFor } from '../sandbox/helpers.js';
import { collect, fixedPolicy } from '../helpers/agent.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-guarantees-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('an abort reaches tools that run under a timeout', () => {
  it('a custom tool with timeoutMs sees the run abort on its signal at once', async () => {
    let reason: unknown;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const wait = tool({
      name: 'wait_for_deploy',
      description: 'Waits for a deploy',
      input: z.object({}),
      readOnly: true,
      timeoutMs: 600_000,
      execute: (_input, ctx) =>
        new Promise((_, reject) => {
          ctx.signal.addEventListener('abort', () => {
            reason = ctx.signal.reason;
            reject(new Error('stopped'));
          });
          started();
        }),
    });
    const model = mockProvider([{ toolCalls: [{ name: 'wait_for_deploy', input: {} }] }]);
    const run = createAgent({ provider: model, tools: [wait], policy: fixedPolicy('allow') }).run('go');
    await running;
    run.abort('user pressed stop');
    // Forwarded synchronously: not after the timeout, and not only when the run gives up waiting.
    expect(reason).toBe('user pressed stop');
    expect((await run.result).status).toBe('aborted');
    model.assertComplete();
  });

  it('the real bash tool: the command is killed when the run is aborted', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'bash', input: { command: 'sleep 300 & echo $! > pid.txt; wait' } }] },
    ]);
    const run = createAgent({
      provider: model,
      tools: [bashTool()],
      sandbox: localSandbox({ root }),
      policy: createPolicy({ mode: 'full-access', root }),
    }).run('go');
    const pidFile = join(root, 'pid.txt');
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '');
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    try {
      expect(alive(pid)).toBe(true);
      run.abort();
      expect((await run.result).status).toBe('aborted');
      // bash's own timeout is minutes away: only the forwarded abort stops the command this soon.
      await waitFor(() => !alive(pid));
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    model.assertComplete();
  });
});

describe('deny rules beat ask rules', () => {
  it('a custom tool call matching both an ask and a deny rule is denied without asking', async () => {
    const asked: ApprovalRequest[] = [];
    let ran = false;
    const publish = tool({
      name: 'publish',
      description: 'Publishes the package',
      input: z.object({}),
      execute: () => ((ran = true), 'published'),
    });
    const model = mockProvider([{ toolCalls: [{ name: 'publish', input: {} }] }, { text: 'ok' }]);
    const run = createAgent({
      provider: model,
      tools: [publish],
      sandbox: localSandbox({ root }),
      policy: createPolicy({ root, ask: ['publish'], deny: ['publish'], approve: (r) => (asked.push(r), 'allow') }),
    }).run('go');
    const { events } = await collect(run);
    expect(asked).toEqual([]);
    expect(ran).toBe(false);
    expect(events.some((e) => e.type === 'permission-request')).toBe(false);
    expect(events.find((e) => e.type === 'permission-decision')).toMatchObject({
      decision: 'deny',
      source: 'rule',
      rule: 'publish',
    });
    model.assertComplete();
  });

  it('a read matching an ask rule on its folder and a deny rule on the file is denied without asking', async () => {
    await writeFile(join(root, 'key.pem'), 'SECRET');
    const asked: ApprovalRequest[] = [];
    const model = mockProvider([{ toolCalls: [{ name: 'read', input: { file_path: 'key.pem' } }] }, { text: 'ok' }]);
    const run = createAgent({
      provider: model,
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      sandbox: localSandbox({ root }),
      policy: createPolicy({
        root,
        ask: ['Read(./**)'],
        deny: ['Read(./key.pem)'],
        approve: (r) => (asked.push(r), 'allow'),
      }),
    }).run('go');
    const { events } = await collect(run);
    expect(asked).toEqual([]);
    const result = events.find((e) => e.type === 'tool-result');
    expect(result).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(JSON.stringify(model.requests[1]!.messages)).not.toMatch(/SECRET/);
    model.assertComplete();
  });
});

describe('tool outputs are capped', () => {
  it('a huge JSON object is cut like text, with the marker, in the event and the stored result', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `row ${i}` }));
    const query = tool({
      name: 'query',
      description: 'Runs a query',
      input: z.object({}),
      readOnly: true,
      execute: () => ({ rows, total: rows.length }),
    });
    const model = mockProvider([{ toolCalls: [{ name: 'query', input: {} }] }, { text: 'ok' }]);
    const run = createAgent({
      provider: model,
      tools: [query],
      policy: fixedPolicy('allow'),
      maxToolOutputChars: 2000,
    }).run('go');
    const { events } = await collect(run);
    const full = JSON.stringify({ rows, total: rows.length });
    const event = events.find((e) => e.type === 'tool-result');
    const stored = (model.requests[1]!.messages.at(-1)!.content[0] as { output: unknown }).output;
    for (const output of [event?.type === 'tool-result' ? event.output : undefined, stored]) {
      expect(typeof output).toBe('string');
      expect((output as string).length).toBeLessThan(2200);
      expect(output).toMatch(new RegExp(`characters truncated of ${full.length}`));
      expect((output as string).startsWith('{"rows":[{"id":0')).toBe(true);
    }
    model.assertComplete();
  });
});

describe('mockProvider.assertComplete', () => {
  it('throws when a single scripted step was never used', async () => {
    const model = mockProvider([{ text: 'first' }, { text: 'never asked for' }]);
    await createAgent({ provider: model, policy: fixedPolicy('allow') }).run('hi').result;
    expect(() => model.assertComplete()).toThrow(/1 of 2 scripted steps were never used/);
    // Once the last step is played, it passes.
    await createAgent({ provider: model, policy: fixedPolicy('allow') }).run('again').result;
    expect(() => model.assertComplete()).not.toThrow();
  });
});
