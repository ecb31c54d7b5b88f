/**
 * Plugins through a whole agent: installed from a folder into a plugin directory, their tools used
 * (`plugin__<name>__<tool>`, a command tool run through the sandbox and a module tool), disabled (their
 * tools gone from the next turn), enabled again, uninstalled; a broken manifest is reported and skipped;
 * a rule denies a plugin's tools.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, memoryStore } from '../../src/index.js';
import { PluginManager, plugins } from '../../src/plugins/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { removeTempDirs, tempDir, toolResults, toolsPlugin, writeFolder } from './helpers.js';

afterEach(removeTempDirs);

describe('a plugin installed from a folder', () => {
  it('is used, disabled (its tools gone), enabled again and uninstalled', async () => {
    const root = await tempDir();
    const dir = join(await tempDir(), 'plugins');
    const source = await writeFolder(join(await tempDir(), 'word-tools'), toolsPlugin('word-tools'));
    const manager = new PluginManager({ dir });
    const installed = await manager.install(source);
    expect(installed).toMatchObject({
      name: 'word-tools',
      version: '1.0.0',
      path: join(dir, 'installed', 'word-tools'),
    });
    expect(await manager.list()).toEqual([
      expect.objectContaining({ name: 'word-tools', enabled: true, status: 'ok', source }),
    ]);

    const model = mockProvider([
      {
        toolCalls: [
          { name: 'plugin__word-tools__echo', input: { text: '$(touch pwned) it\'s "quoted"', marker: 'ran.txt' } },
          { name: 'plugin__word-tools__count', input: { text: 'one two three' } },
        ],
      },
      { text: 'Used both.' },
      { text: 'No plugin tools now.' },
      { text: 'They are back.' },
      { text: 'Gone for good.' },
    ]);
    const sandbox = localSandbox({ root });
    const agent = createAgent({
      provider: model,
      sandbox,
      store: memoryStore(),
      tools: [plugins(manager)],
      policy: createPolicy({ mode: 'workspace-write', root }),
    });

    const { results } = await toolResults(agent.run('use the plugin'));
    const echo = results.find((r) => r.name === 'plugin__word-tools__echo')!;
    const count = results.find((r) => r.name === 'plugin__word-tools__count')!;
    expect(echo.isError).toBe(false);
    // The program got the input on stdin and its arguments as written: no shell read any of them.
    expect(JSON.parse(String(echo.output))).toEqual({
      plugin: 'word-tools',
      argv: ['a b', '$(touch pwned); `id`'],
      input: { text: '$(touch pwned) it\'s "quoted"', marker: 'ran.txt' },
    });
    // It ran in the workspace root, through the agent's sandbox.
    expect(await readFile(join(root, 'ran.txt'), 'utf8')).toBe('ran');
    expect(existsSync(join(root, 'pwned'))).toBe(false);
    expect(count).toMatchObject({ isError: false, output: '3 words' });
    const toolNames = (i: number) => model.requests[i]!.tools.map((t) => t.name).sort();
    expect(toolNames(0)).toEqual(['plugin__word-tools__count', 'plugin__word-tools__echo']);

    await manager.disable('word-tools');
    await toolResults(agent.run('and now?'));
    expect(toolNames(2)).toEqual([]);
    expect((await manager.list())[0]).toMatchObject({ enabled: false, status: 'ok' });

    await manager.enable('word-tools');
    await toolResults(agent.run('back?'));
    expect(toolNames(3)).toEqual(['plugin__word-tools__count', 'plugin__word-tools__echo']);

    await manager.uninstall('word-tools');
    await toolResults(agent.run('gone?'));
    expect(toolNames(4)).toEqual([]);
    expect(await manager.list()).toEqual([]);
    expect(existsSync(installed.path)).toBe(false);
    await expect(manager.enable('word-tools')).rejects.toThrow(/No plugin named "word-tools" is installed/);
    await agent.close();
    model.assertComplete();
  });

  it('reports a plugin whose manifest broke and skips it; the other plugins still work', async () => {
    const root = await tempDir();
    const dir = join(await tempDir(), 'plugins');
    const manager = new PluginManager({ dir });
    await manager.install(await writeFolder(join(await tempDir(), 'good'), toolsPlugin('good')));
    const bad = await manager.install(await writeFolder(join(await tempDir(), 'bad'), toolsPlugin('bad')));
    // Edited in place after install: not JSON any more.
    await writeFile(join(bad.path, 'icode-plugin.json'), '{ "name": "bad", ');

    const statuses = await manager.list();
    expect(statuses.map((s) => [s.name, s.status])).toEqual([
      ['bad', 'broken'],
      ['good', 'ok'],
    ]);
    expect(statuses[0]!.error).toMatch(/icode-plugin\.json: not valid JSON/);

    const model = mockProvider([
      { toolCalls: [{ name: 'plugin__good__count', input: { text: 'a b' } }] },
      { text: 'done' },
    ]);
    const agent = createAgent({
      provider: model,
      sandbox: localSandbox({ root }),
      tools: [plugins(manager)],
      policy: createPolicy({ mode: 'workspace-write', root }),
    });
    const { events, results } = await toolResults(agent.run('count'));
    expect(results).toEqual([
      expect.objectContaining({ name: 'plugin__good__count', isError: false, output: '2 words' }),
    ]);
    expect(model.requests[0]!.tools.map((t) => t.name).sort()).toEqual(['plugin__good__count', 'plugin__good__echo']);
    const status = events.find((e) => e.type === 'toolset-status');
    expect(status).toMatchObject({ toolset: 'plugins', server: 'plugin:bad', status: 'degraded' });
    model.assertComplete();
  });

  it('refuses a command tool that a rule denies, without running it', async () => {
    const root = await tempDir();
    const dir = join(await tempDir(), 'plugins');
    const manager = new PluginManager({ dir });
    await manager.install(await writeFolder(join(await tempDir(), 'evil'), toolsPlugin('evil')));
    const marker = join(root, 'ran.txt');
    const model = mockProvider([
      { toolCalls: [{ name: 'plugin__evil__echo', input: { marker } }] },
      { toolCalls: [{ name: 'plugin__evil__count', input: { text: 'x' } }] },
      { text: 'refused' },
    ]);
    const agent = createAgent({
      provider: model,
      sandbox: localSandbox({ root }),
      tools: [plugins({ dir })],
      policy: createPolicy({ mode: 'workspace-write', root, deny: ['plugin__evil__*'] }),
    });
    const { results } = await toolResults(agent.run('go'));
    expect(results.map((r) => [r.name, r.isError, r.errorCode])).toEqual([
      ['plugin__evil__echo', true, 'PERMISSION_DENIED'],
      ['plugin__evil__count', true, 'PERMISSION_DENIED'],
    ]);
    expect(String(results[0]!.output)).toContain('plugin__evil__*');
    expect(existsSync(marker)).toBe(false);
    model.assertComplete();
  });

  it('keeps its state in plugins.json of the plugin directory, which a second manager reads', async () => {
    const dir = join(await tempDir(), 'plugins');
    await new PluginManager({ dir }).install(await writeFolder(join(await tempDir(), 'p'), toolsPlugin('p')), {
      enable: false,
    });
    const state = JSON.parse(await readFile(join(dir, 'plugins.json'), 'utf8')) as { plugins: Record<string, unknown> };
    expect(state.plugins.p).toMatchObject({ enabled: false, version: '1.0.0' });
    const other = new PluginManager({ dir });
    expect((await other.list()).map((s) => [s.name, s.enabled])).toEqual([['p', false]]);
    expect((await other.load()).plugins).toEqual([]);
  });
});
