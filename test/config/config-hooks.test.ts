/**
 * Command hooks written in config files run as real child processes, under the project files' rules.
 */
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentEvent, ToolResultEvent } from 'icode';
import { ConfigFileError, HOOK_EVENTS, commandHook, createAgentFromConfig, loadConfig } from 'icode/config';
import { mockProvider } from 'icode/testing';
import { configFixture, type ConfigFixture } from './fixture.js';

let fx: ConfigFixture;
beforeEach(async () => {
  fx = await configFixture();
});
afterEach(() => fx.remove());

async function toolResults(run: AsyncIterable<AgentEvent>): Promise<Map<string, ToolResultEvent>> {
  const results = new Map<string, ToolResultEvent>();
  for await (const event of run) if (event.type === 'tool-result') results.set(event.id, event);
  return results;
}

/** A guard in the Claude Code contract: exit 2, with the reason on stderr, for a command that deletes. */
const GUARD = `#!/bin/sh
input=$(cat)
case "$input" in
  *'rm -rf'*) echo "Deleting folders is not allowed in this project." >&2; exit 2 ;;
esac
exit 0
`;

describe('hooks from config files', () => {
  it("a user file's hook blocks a bash call in a real child process; other calls run", async () => {
    const guard = await fx.write(join(fx.userDir, 'hooks', 'guard.sh'), GUARD);
    await chmod(guard, 0o755);
    await fx.write(join(fx.root, 'build', 'out.js'), 'built');
    // The relative program of a shell command line is taken from the user's config folder.
    await fx.write(
      fx.userFile,
      JSON.stringify({ hooks: [{ command: './hooks/guard.sh', events: ['PreToolUse'], matcher: 'Bash' }] }),
    );
    await fx.write(fx.projectFile, JSON.stringify({ policy: { allow: ['Bash(rm:*)', 'Bash(touch:*)'] } }));
    await fx.write(fx.localFile, JSON.stringify({ maxTurns: 4 }));
    const provider = mockProvider([
      { toolCalls: [{ id: 'rm', name: 'bash', input: { command: 'rm -rf build' } }] },
      { toolCalls: [{ id: 'touch', name: 'bash', input: { command: 'touch done.txt' } }] },
      { text: 'Left the build alone.' },
    ]);
    const config = await fx.load();
    expect(config.hooks[0]!.command).toBe(join(fx.userDir, 'hooks', 'guard.sh'));
    const agent = await createAgentFromConfig(config, { provider });
    const results = await toolResults(agent.run('Clean up'));
    expect(results.get('rm')).toMatchObject({ isError: true });
    expect(JSON.stringify(results.get('rm')!.output)).toContain('Deleting folders is not allowed in this project.');
    expect(await readFile(join(fx.root, 'build', 'out.js'), 'utf8')).toBe('built');
    expect(results.get('touch')!.isError).toBe(false);
    expect((await stat(join(fx.root, 'done.txt'))).isFile()).toBe(true);
    provider.assertComplete();
    await agent.close();
  });

  it('a relative hook program in a folder whose path has spaces still runs (quoted for the shell)', async () => {
    const userDir = join(fx.base, 'my config', "it's here");
    const guard = await fx.write(join(userDir, 'hooks', 'guard.sh'), GUARD);
    await chmod(guard, 0o755);
    await fx.write(
      join(userDir, 'config.json'),
      JSON.stringify({
        hooks: [{ command: './hooks/guard.sh --strict', events: ['beforeToolCall'], onError: 'block' }],
      }),
    );
    await fx.write(join(fx.root, 'build', 'out.js'), 'built');
    await fx.write(fx.projectFile, JSON.stringify({ policy: { allow: ['Bash(rm:*)'] } }));
    await fx.write(fx.localFile, JSON.stringify({ maxTurns: 2 }));
    const provider = mockProvider([
      { toolCalls: [{ id: 'rm', name: 'bash', input: { command: 'rm -rf build' } }] },
      { text: 'Kept.' },
    ]);
    const config = await loadConfig({ cwd: fx.root, userDir, env: { HOME: join(fx.base, 'home') } });
    const agent = await createAgentFromConfig(config, { provider });
    const results = await toolResults(agent.run('Clean up'));
    expect(JSON.stringify(results.get('rm')!.output)).toContain('Deleting folders is not allowed in this project.');
    expect(await readFile(join(fx.root, 'build', 'out.js'), 'utf8')).toBe('built');
    provider.assertComplete();
    await agent.close();
  });

  it("a project file's hook is refused without the user's trust, and runs in the project root with it", async () => {
    await fx.write(
      join(fx.root, 'hooks', 'context.mjs'),
      `let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const { hook_event_name, cwd } = JSON.parse(input);
  console.log(JSON.stringify({ hookSpecificOutput: { additionalContext: \`Style guide applies (\${hook_event_name} in \${cwd}).\` } }));
});
`,
    );
    await fx.write(fx.userFile, JSON.stringify({ maxTurns: 2 }));
    await fx.write(
      fx.projectFile,
      JSON.stringify({ hooks: [{ command: 'node', args: ['hooks/context.mjs'], events: ['userPromptSubmit'] }] }),
    );
    await fx.write(fx.localFile, JSON.stringify({ instructions: { text: 'Be brief.' } }));
    const refused = await fx.load().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConfigFileError);
    expect((refused as ConfigFileError).path).toBe('hooks');
    expect(String(refused)).toContain('trustProject.commands');

    await fx.write(fx.userFile, JSON.stringify({ maxTurns: 2, trustProject: { commands: true } }));
    const provider = mockProvider([{ text: 'Noted.' }]);
    const agent = await createAgentFromConfig(await fx.load(), { provider });
    expect((await agent.run('Write the docs').result).text).toBe('Noted.');
    expect(JSON.stringify(provider.requests[0]!.messages)).toContain(
      `Style guide applies (UserPromptSubmit in ${fx.root}).`,
    );
    provider.assertComplete();
    await agent.close();
  });

  it('config hooks run before the code hooks, and every accepted event name is one commandHook runs', async () => {
    for (const event of HOOK_EVENTS) {
      await fx.write(fx.userFile, JSON.stringify({ hooks: [{ command: 'true', events: [event] }] }));
      const agent = await createAgentFromConfig(await fx.load(), { provider: mockProvider([]) });
      await agent.close();
    }
    await fx.write(fx.userFile, JSON.stringify({ hooks: [{ command: 'echo nope', events: ['beforeModelCall'] }] }));
    const error = await fx.load().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigFileError);
    expect((error as ConfigFileError).path).toBe('hooks[0].events[0]');

    await fx.write(
      fx.userFile,
      JSON.stringify({ hooks: [{ command: 'exit 2', events: ['PreToolUse'], matcher: 'bash' }] }),
    );
    const provider = mockProvider([
      { toolCalls: [{ id: 'ls', name: 'bash', input: { command: 'ls' } }] },
      { text: 'Blocked.' },
    ]);
    const seen: string[] = [];
    const agent = await createAgentFromConfig(await fx.load(), {
      provider,
      // A hook object of its own (not a list): it runs after the config's, whose deny comes first.
      hooks: { beforeToolCall: () => void seen.push('code') },
      projectInstructions: false,
    });
    const results = await toolResults(agent.run('List files'));
    expect(results.get('ls')!.isError).toBe(true);
    expect(seen).toEqual([]);
    provider.assertComplete();
    await agent.close();

    const own = mockProvider([{ toolCalls: [{ id: 'ls', name: 'bash', input: { command: 'ls' } }] }, { text: 'Ran.' }]);
    await fx.write(fx.userFile, JSON.stringify({ hooks: [{ command: 'true', events: ['PreToolUse'] }] }));
    const second = await createAgentFromConfig(await fx.load(), {
      provider: own,
      hooks: [commandHook({ command: 'echo "from code" >&2; exit 2', events: ['PreToolUse'] })],
    });
    const blocked = await toolResults(second.run('List files'));
    expect(JSON.stringify(blocked.get('ls')!.output)).toContain('from code');
    own.assertComplete();
    await second.close();
  });
});
