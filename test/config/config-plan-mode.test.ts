/**
 * Plan mode set in config files: the agent plans until a person approves, then works in `afterPlan`;
 * project files can choose plan mode but never widen what the user file allows after it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentEvent, ToolResultEvent } from 'icode';
import { ConfigFileError, createAgentFromConfig } from 'icode/config';
import { mockProvider } from 'icode/testing';
import { configFixture, type ConfigFixture } from './fixture.js';

let fx: ConfigFixture;
beforeEach(async () => {
  fx = await configFixture();
});
afterEach(() => fx.remove());

async function results(run: AsyncIterable<AgentEvent>): Promise<Map<string, ToolResultEvent>> {
  const byId = new Map<string, ToolResultEvent>();
  for await (const event of run) if (event.type === 'tool-result') byId.set(event.id, event);
  return byId;
}

const PLAN = '1. Write TODO.md with the next steps.';
const write = (id: string) => ({
  toolCalls: [{ id, name: 'write', input: { file_path: 'TODO.md', content: 'next steps\n' } }],
});

async function loadError(): Promise<ConfigFileError> {
  const error = await fx.load().catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(ConfigFileError);
  return error as ConfigFileError;
}

describe('plan mode from config files', () => {
  it('a project file sets plan mode: writes are refused until the plan is approved, then run in afterPlan', async () => {
    await fx.write(fx.userFile, JSON.stringify({ policy: { mode: 'workspace-write' } }));
    await fx.write(fx.projectFile, JSON.stringify({ policy: { mode: 'plan', afterPlan: 'workspace-write' } }));
    await fx.write(fx.localFile, JSON.stringify({ maxTurns: 5 }));
    const config = await fx.load();
    expect(config.policy).toMatchObject({ mode: 'plan', afterPlan: 'workspace-write' });
    expect(config.sources['policy.mode']).toBe(fx.projectFile);
    const plans: unknown[] = [];
    const provider = mockProvider([
      write('early'),
      { toolCalls: [{ id: 'exit', name: 'exit_plan_mode', input: { plan: PLAN } }] },
      write('after'),
      { text: 'Done.' },
    ]);
    const agent = await createAgentFromConfig(config, {
      provider,
      policy: { approve: (request) => (plans.push(request.input), 'allow') },
    });
    const byId = await results(agent.run('Add a TODO file'));
    expect(byId.get('early')).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(plans).toEqual([{ plan: PLAN }]);
    expect(byId.get('exit')).toMatchObject({ isError: false });
    expect(byId.get('after')).toMatchObject({ isError: false });
    expect(await readFile(join(fx.root, 'TODO.md'), 'utf8')).toBe('next steps\n');
    expect(provider.requests[0]!.system).toMatch(/^You are in plan mode/);
    provider.assertComplete();
    await agent.close();
  });

  it("without afterPlan a plan leads to the user file's mode, else read-only", async () => {
    await fx.write(fx.userFile, JSON.stringify({ policy: { mode: 'full-access' } }));
    await fx.write(fx.projectFile, JSON.stringify({ policy: { allow: ['Read'] } }));
    await fx.write(fx.localFile, JSON.stringify({ policy: { mode: 'plan' } }));
    const config = await fx.load();
    // As mergePolicyOptions merges modes: another file's mode is what a plan may lead to.
    expect(config.policy.afterPlan).toBe('full-access');
    await fx.write(fx.userFile, JSON.stringify({}));
    const provider = mockProvider([
      { toolCalls: [{ id: 'exit', name: 'exit_plan_mode', input: { plan: PLAN } }] },
      write('after'),
      { text: 'Still read-only.' },
    ]);
    const agent = await createAgentFromConfig(await fx.load(), { provider, policy: { approve: () => 'allow' } });
    const byId = await results(agent.run('Add a TODO file'));
    expect(byId.get('exit')).toMatchObject({ isError: false, output: expect.stringContaining('read-only') });
    expect(byId.get('after')).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(existsSync(join(fx.root, 'TODO.md'))).toBe(false);
    provider.assertComplete();
    await agent.close();
  });

  it('a project file cannot widen afterPlan past the user file, nor leave a plan mode the user set', async () => {
    await fx.write(fx.userFile, JSON.stringify({ policy: { mode: 'workspace-write' } }));
    await fx.write(fx.projectFile, JSON.stringify({ policy: { mode: 'plan', afterPlan: 'full-access' } }));
    expect((await loadError()).path).toBe('policy.afterPlan');

    await fx.write(fx.userFile, JSON.stringify({ policy: { mode: 'plan', afterPlan: 'read-only' } }));
    await fx.write(fx.projectFile, JSON.stringify({ policy: { afterPlan: 'workspace-write' } }));
    expect((await loadError()).path).toBe('policy.afterPlan');
    await fx.write(fx.projectFile, JSON.stringify({ policy: { mode: 'read-only' } }));
    const error = await loadError();
    expect(error.path).toBe('policy.mode');
    expect(error.message).toContain('wider than the user config allows ("plan")');

    // Without a user file, a project file may plan and lead to workspace-write (the default ceiling), no further.
    await fx.write(fx.userFile, JSON.stringify({}));
    await fx.write(fx.projectFile, JSON.stringify({ policy: { mode: 'plan', afterPlan: 'workspace-write' } }));
    await fx.write(fx.localFile, JSON.stringify({ policy: { mode: 'read-only' } }));
    // The local file's read-only bounds what the plan leads to.
    expect((await fx.load()).policy).toMatchObject({ mode: 'plan', afterPlan: 'read-only' });
    await fx.write(fx.localFile, JSON.stringify({ policy: { afterPlan: 'full-access' } }));
    expect((await loadError()).path).toBe('policy.afterPlan');
  });
});
