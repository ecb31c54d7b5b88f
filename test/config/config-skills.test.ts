/**
 * Skills named in config files: described in the instructions, loaded on demand with the `skill` tool, and
 * their files readable by the file tools when granted, nothing beyond.
 */
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentEvent, ToolResultEvent } from 'icode';
import { createAgentFromConfig } from 'icode/config';
import { mockProvider } from 'icode/testing';
import { configFixture, type ConfigFixture } from './fixture.js';

let fx: ConfigFixture;
beforeEach(async () => {
  fx = await configFixture();
});
afterEach(() => fx.remove());

async function drain(run: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}
const resultOf = (events: AgentEvent[], id: string): ToolResultEvent =>
  events.find((event): event is ToolResultEvent => event.type === 'tool-result' && event.id === id)!;

describe('skills from config files', () => {
  it('a user skill outside the project is loaded on demand and its files are readable, nothing next to it', async () => {
    const userSkills = join(fx.base, 'home', 'skills');
    await fx.write(
      join(userSkills, 'release', 'SKILL.md'),
      '---\nname: release\ndescription: Cuts a release of this project.\nallowed-tools: bash, read\n---\nFollow checklist.md step by step.\n',
    );
    await fx.write(join(userSkills, 'release', 'checklist.md'), '1. Bump the version.\n');
    await fx.write(join(userSkills, 'notes.txt'), 'not part of any skill');
    await fx.write(
      join(fx.root, '.icode', 'skills', 'review', 'SKILL.md'),
      '---\nname: review\ndescription: Reviews a pull request.\n---\nRead the diff first.\n',
    );
    await fx.write(fx.userFile, JSON.stringify({ skills: ['~/skills'] }));
    await fx.write(fx.projectFile, JSON.stringify({ skills: ['.icode/skills'] }));
    await fx.write(fx.localFile, JSON.stringify({ instructions: { text: 'You cut releases.' } }));
    const checklist = join(userSkills, 'release', 'checklist.md');
    const provider = mockProvider([
      { toolCalls: [{ id: 'load', name: 'skill', input: { name: 'release' } }] },
      { toolCalls: [{ id: 'read', name: 'read', input: { file_path: checklist } }] },
      { toolCalls: [{ id: 'beside', name: 'read', input: { file_path: join(userSkills, 'notes.txt') } }] },
      { text: 'Version bumped.' },
    ]);
    const agent = await createAgentFromConfig(await fx.load(), { provider });
    const events = await drain(agent.run('Cut the release'));

    const system = provider.requests[0]!.system ?? '';
    expect(system.startsWith('You cut releases.')).toBe(true);
    expect(system).toContain('- release: Cuts a release of this project.');
    expect(system).toContain('- review: Reviews a pull request.');
    // The instructions only describe the skill: its body comes with the skill tool.
    expect(system).not.toContain('Follow checklist.md');
    const loaded = String(resultOf(events, 'load').output);
    expect(loaded).toContain('Follow checklist.md step by step.');
    expect(loaded).toContain('- checklist.md');
    expect(resultOf(events, 'read')).toMatchObject({ isError: false });
    expect(JSON.stringify(resultOf(events, 'read').output)).toContain('Bump the version.');
    expect(resultOf(events, 'beside')).toMatchObject({ isError: true, errorCode: 'WORKSPACE_ESCAPE' });
    provider.assertComplete();
    await agent.close();
  });

  it('a project skill reached through a link out of the project is left out and reported', async () => {
    await fx.write(
      join(fx.base, 'elsewhere', 'SKILL.md'),
      '---\nname: elsewhere\ndescription: Lives outside the project.\n---\nSecret instructions.\n',
    );
    await fx.write(join(fx.root, 'skills', 'inside', 'SKILL.md'), '---\ndescription: Stays inside.\n---\nOk.\n');
    await symlink(join(fx.base, 'elsewhere'), join(fx.root, 'skills', 'linked'));
    await fx.write(fx.userFile, JSON.stringify({ maxTurns: 3 }));
    await fx.write(fx.projectFile, JSON.stringify({ skills: ['skills'] }));
    await fx.write(fx.localFile, JSON.stringify({ skills: ['skills/missing'] }));
    const provider = mockProvider([
      { toolCalls: [{ id: 'load', name: 'skill', input: { name: 'elsewhere' } }] },
      { text: 'Not there.' },
    ]);
    const agent = await createAgentFromConfig(await fx.load(), { provider });
    const events = await drain(agent.run('Use the elsewhere skill'));
    expect(resultOf(events, 'load').isError).toBe(true);
    expect(JSON.stringify(resultOf(events, 'load').output)).not.toContain('Secret instructions.');
    expect(provider.requests[0]!.system).toContain('- inside: Stays inside.');
    expect(provider.requests[0]!.system).not.toContain('elsewhere');
    const reported = events.flatMap((event) => (event.type === 'toolset-status' ? [event.message] : []));
    expect(reported).toEqual(['not a folder', expect.stringContaining('leads out of the project')]);
    provider.assertComplete();
    await agent.close();
  });
});
