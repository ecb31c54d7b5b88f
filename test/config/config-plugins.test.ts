/**
 * Plugins named in config files: installed into the user's plugin folder, their tools called by the model,
 * their hooks, skills and problems brought to the agent.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentEvent, ToolResultEvent } from 'icode';
import { configPluginDir, createAgentFromConfig } from 'icode/config';
import { createPluginManager } from 'icode/plugins';
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
const resultOf = (events: AgentEvent[], id: string): ToolResultEvent | undefined =>
  events.find((event): event is ToolResultEvent => event.type === 'tool-result' && event.id === id);

/** A plugin folder: a command tool `shout`, a hook that blocks `bash` calls that print, and a skill. */
async function writePlugin(folder: string, version = '1.0.0'): Promise<void> {
  const files: Record<string, string> = {
    'icode-plugin.json': JSON.stringify({
      name: 'shout',
      version,
      tools: [{ name: 'shout', description: 'Shouts a text.', command: 'node', args: ['${PLUGIN_ROOT}/shout.mjs'] }],
      hooks: [{ command: '${PLUGIN_ROOT}/no-echo.sh', events: ['beforeToolCall'], matcher: 'bash' }],
      skills: ['skills'],
    }),
    'shout.mjs': `let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => console.log(JSON.parse(input).text.toUpperCase() + ' (v${version})'));
`,
    'no-echo.sh': `#!/bin/sh
case "$(cat)" in *echo*) echo "The shout plugin forbids echo: use its tool." >&2; exit 2 ;; esac
`,
    'skills/loud/SKILL.md': '---\nname: loud\ndescription: How to write release notes loudly.\n---\nUse capitals.\n',
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(folder, path, '..'), { recursive: true });
    await writeFile(join(folder, path), text);
  }
  await chmod(join(folder, 'no-echo.sh'), 0o755);
}

describe('plugins from config files', () => {
  it('installs a plugin folder the user file names; the model calls its command tool, its hook and skill apply', async () => {
    await writePlugin(join(fx.base, 'home', 'dev', 'shout'));
    await fx.write(fx.userFile, JSON.stringify({ plugins: ['~/dev/shout'] }));
    await fx.write(fx.projectFile, JSON.stringify({ policy: { allow: ['plugin__shout__*', 'Bash(echo:*)'] } }));
    await fx.write(fx.localFile, JSON.stringify({ maxTurns: 4 }));
    // Installed in the same folder but not named by the config: not offered.
    const manager = createPluginManager({ dir: configPluginDir(await fx.load()) });
    await writePlugin(join(fx.base, 'other'));
    await writeFile(
      join(fx.base, 'other', 'icode-plugin.json'),
      JSON.stringify({ name: 'other', version: '1.0.0', tools: [{ name: 'x', command: 'true' }] }),
    );
    await manager.install(join(fx.base, 'other'));

    const provider = mockProvider([
      { toolCalls: [{ id: 'shout', name: 'plugin__shout__shout', input: { text: 'ship it' } }] },
      { toolCalls: [{ id: 'echo', name: 'bash', input: { command: 'echo ship it' } }] },
      { text: 'Shouted.' },
    ]);
    const config = await fx.load();
    expect(configPluginDir(config)).toBe(join(fx.userDir, 'plugins'));
    const agent = await createAgentFromConfig(config, { provider });
    const events = await drain(agent.run('Announce the release'));
    expect(resultOf(events, 'shout')).toMatchObject({ isError: false, output: 'SHIP IT (v1.0.0)' });
    expect(resultOf(events, 'echo')!.isError).toBe(true);
    expect(JSON.stringify(resultOf(events, 'echo')!.output)).toContain('The shout plugin forbids echo');
    const tools = provider.requests[0]!.tools?.map((tool) => tool.name) ?? [];
    expect(tools).toContain('plugin__shout__shout');
    expect(tools).toContain('skill');
    expect(tools.some((name) => name.startsWith('plugin__other__'))).toBe(false);
    expect(provider.requests[0]!.system).toContain('- loud: How to write release notes loudly.');
    provider.assertComplete();
    await agent.close();

    const listed = await manager.list();
    expect(listed.map(({ name, source, enabled }) => ({ name, source, enabled }))).toEqual([
      { name: 'other', source: join(fx.base, 'other'), enabled: true },
      { name: 'shout', source: join(fx.base, 'home', 'dev', 'shout'), enabled: true },
    ]);

    // A new version of the folder is installed again; a disabled plugin is left out without a config change.
    await writePlugin(join(fx.base, 'home', 'dev', 'shout'), '1.1.0');
    const updated = mockProvider([
      { toolCalls: [{ id: 'shout', name: 'plugin__shout__shout', input: { text: 'again' } }] },
      { text: 'Done.' },
    ]);
    const next = await createAgentFromConfig(await fx.load(), { provider: updated });
    expect(resultOf(await drain(next.run('Again')), 'shout')).toMatchObject({ output: 'AGAIN (v1.1.0)' });
    updated.assertComplete();
    await next.close();

    await manager.disable('shout');
    const off = mockProvider([{ text: 'No plugin.' }]);
    const third = await createAgentFromConfig(await fx.load(), { provider: off });
    await third.run('Hi').result;
    expect(off.requests[0]!.tools?.some((tool) => tool.name.startsWith('plugin__')) ?? false).toBe(false);
    off.assertComplete();
    await third.close();
  });

  it('a plugin that cannot be installed or has a bad hook is skipped and reported, never fatal', async () => {
    await writePlugin(join(fx.root, 'plugins', 'shout'));
    await fx.write(
      join(fx.root, 'plugins', 'bad-hook', 'icode-plugin.json'),
      JSON.stringify({
        name: 'bad-hook',
        version: '1.0.0',
        tools: [{ name: 'x', command: 'true' }],
        hooks: [{ command: 'true', events: ['Notification'] }],
      }),
    );
    await fx.write(fx.userFile, JSON.stringify({ trustProject: { commands: true } }));
    await fx.write(fx.projectFile, JSON.stringify({ plugins: ['./plugins/missing', './plugins/bad-hook'] }));
    await fx.write(fx.localFile, JSON.stringify({ plugins: ['./plugins/shout'] }));
    const provider = mockProvider([{ text: 'Still here.' }]);
    const agent = await createAgentFromConfig(await fx.load(), { provider });
    const events = await drain(agent.run('Hi'));
    const problems = events.flatMap((event) => (event.type === 'toolset-status' ? [event] : []));
    expect(problems.map((event) => event.status)).toEqual(['degraded', 'degraded']);
    expect(problems[0]!.message).toContain(`plugins[0] (${fx.projectFile})`);
    expect(problems[1]!.message).toContain('unknown hook event "Notification"');
    const tools = provider.requests[0]!.tools?.map((tool) => tool.name) ?? [];
    expect(tools).toContain('plugin__shout__shout');
    expect(tools).not.toContain('plugin__bad-hook__x');
    provider.assertComplete();
    await agent.close();
  });
});
