/**
 * What a plugin brings besides tools, as data for the integrator: command hooks, MCP servers (in the shape
 * `mcpServers({ servers })` takes) and skill folders, `${PLUGIN_ROOT}` replaced; and its skills loaded on
 * demand through `skills({ plugins })`.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/index.js';
import { PluginManager, skillInstructions, skills } from '../../src/plugins/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { removeTempDirs, tempDir, toolResults, writeFolder } from './helpers.js';

afterEach(removeTempDirs);

const MANIFEST = {
  name: 'team',
  version: '0.3.0',
  description: 'Team conventions.',
  hooks: [{ command: '${PLUGIN_ROOT}/hooks/check.sh', events: ['beforeToolCall'], matcher: 'bash', timeoutMs: 5000 }],
  mcpServers: {
    docs: { command: 'node', args: ['${PLUGIN_ROOT}/server.mjs'], env: { DOCS_ROOT: '${PLUGIN_ROOT}/docs' } },
    remote: { url: 'https://mcp.example.com/mcp', headers: { 'x-team': 'a' } },
  },
  skills: ['skills'],
};

describe('a plugin as data', () => {
  it('exposes its hooks, MCP servers and skill folders with ${PLUGIN_ROOT} replaced', async () => {
    const manager = new PluginManager({ dir: join(await tempDir(), 'plugins') });
    const source = await writeFolder(await tempDir(), {
      'icode-plugin.json': MANIFEST,
      'skills/review/SKILL.md':
        '---\nname: review\ndescription: How this team reviews code.\n---\nCheck the tests first.\n',
    });
    const { path } = await manager.install(source);
    const { plugins, problems } = await manager.load();
    expect(problems).toEqual([]);
    expect(plugins[0]).toMatchObject({
      name: 'team',
      version: '0.3.0',
      description: 'Team conventions.',
      root: path,
      tools: [],
      hooks: [{ command: `${path}/hooks/check.sh`, events: ['beforeToolCall'], matcher: 'bash', timeoutMs: 5000 }],
      mcpServers: {
        'team-docs': { command: 'node', args: [`${path}/server.mjs`], env: { DOCS_ROOT: `${path}/docs` } },
        'team-remote': { url: 'https://mcp.example.com/mcp', headers: { 'x-team': 'a' } },
      },
      skills: [join(path, 'skills')],
    });

    // The plugin's skills, found through the manager, load on demand.
    const set = skills({ plugins: manager });
    const found = await set.discover();
    expect(skillInstructions(found)).toContain('- review: How this team reviews code.');
    const model = mockProvider([{ toolCalls: [{ name: 'skill', input: { name: 'review' } }] }, { text: 'ok' }]);
    const agent = createAgent({ provider: model, tools: [set] });
    const { results } = await toolResults(agent.run('review this'));
    expect(results[0]).toMatchObject({ name: 'skill', isError: false });
    expect(String(results[0]!.output)).toContain('Check the tests first.');

    // Disabled, its skills are gone too.
    await manager.disable('team');
    expect((await set.discover()).skills).toEqual([]);
    await agent.close();
    model.assertComplete();
  });

  it('refuses a skills folder outside the plugin', async () => {
    const manager = new PluginManager({ dir: join(await tempDir(), 'plugins') });
    await expect(
      manager.install(
        await writeFolder(await tempDir(), { 'icode-plugin.json': { ...MANIFEST, skills: ['../skills'] } }),
      ),
    ).rejects.toThrow(/skills\.0: must not contain "\.\."/);
  });
});
