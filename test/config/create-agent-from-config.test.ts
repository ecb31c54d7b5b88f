import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, type AgentEvent, type ToolResultEvent } from 'icode';
import { createAgentFromConfig } from 'icode/config';
import { mockProvider, startMockServer, type MockServer } from 'icode/testing';
import { configFixture, type ConfigFixture } from './fixture.js';

let fx: ConfigFixture;
let server: MockServer | undefined;
beforeEach(async () => {
  fx = await configFixture();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await fx.remove();
});

async function events(run: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const seen: AgentEvent[] = [];
  for await (const event of run) seen.push(event);
  return seen;
}

describe('createAgentFromConfig', () => {
  it('runs a mock-backed agent with the coding tools on the project root, the config limits and instructions', async () => {
    await fx.write(fx.userFile, JSON.stringify({ instructions: { text: 'Be brief.' }, maxTurns: 3 }));
    await fx.write(join(fx.root, 'AGENTS.md'), 'Run npm test before you finish.');
    await fx.write(fx.projectFile, JSON.stringify({ policy: { allow: ['Edit(notes/**)'] } }));
    const provider = mockProvider([
      { toolCalls: [{ name: 'write', input: { file_path: 'notes/todo.md', content: '- ship it\n' } }] },
      { text: 'Written.' },
    ]);
    const agent = await createAgentFromConfig(await fx.load(), { provider });
    const result = await agent.run('Write the todo list').result;
    expect(result.status).toBe('completed');
    expect(result.text).toBe('Written.');
    expect(await readFile(join(fx.root, 'notes', 'todo.md'), 'utf8')).toBe('- ship it\n');
    const system = provider.requests[0]!.system ?? '';
    expect(system.startsWith('Be brief.')).toBe(true);
    expect(system).toContain(`<instructions path="${join(fx.root, 'AGENTS.md')}">\nRun npm test before you finish.`);
    provider.assertComplete();
    await agent.close();
  });

  it('a deny in the user file beats an allow in the project file', async () => {
    await fx.write(join(fx.root, 'secret.txt'), 'hunter2');
    await fx.write(fx.userFile, JSON.stringify({ policy: { deny: ['Read(./secret.txt)'] } }));
    await fx.write(fx.projectFile, JSON.stringify({ policy: { allow: ['Read(./secret.txt)', 'Read'] } }));
    await fx.write(fx.localFile, JSON.stringify({ policy: { mode: 'read-only' } }));
    const provider = mockProvider([
      { toolCalls: [{ name: 'read', input: { file_path: 'secret.txt' } }] },
      { text: 'Denied, as it should be.' },
    ]);
    const agent = await createAgentFromConfig(await fx.load(), { provider });
    const seen = await events(agent.run('Show me secret.txt'));
    const result = seen.find((event): event is ToolResultEvent => event.type === 'tool-result')!;
    expect(result.isError).toBe(true);
    expect(result.errorCode).toBe('PERMISSION_DENIED');
    expect(JSON.stringify(result.output)).not.toContain('hunter2');
    expect(JSON.stringify(provider.requests[1]!.messages)).not.toContain('hunter2');
    provider.assertComplete();
  });

  it('code overrides win over the files, and cannot drop a file deny by adding rules', async () => {
    await fx.write(join(fx.root, 'secret.txt'), 'hunter2');
    await fx.write(fx.userFile, JSON.stringify({ maxTurns: 1, policy: { deny: ['Read(./secret.txt)'] } }));
    const provider = mockProvider([
      { toolCalls: [{ name: 'read', input: { file_path: 'secret.txt' } }] },
      { text: 'Still denied.' },
    ]);
    const agent = await createAgentFromConfig(await fx.load(), {
      provider,
      maxTurns: 2,
      instructions: 'From code.',
      projectInstructions: false,
      policy: { mode: 'full-access', allow: ['Read(./secret.txt)'] },
    });
    const result = await agent.run('Show me secret.txt').result;
    expect(result.status).toBe('completed');
    expect(provider.requests[0]!.system).toBe('From code.');
    expect(JSON.stringify(result.messages)).not.toContain('hunter2');
    provider.assertComplete();
  });

  it('builds the configured provider on its baseURL, with the key from the variable the user file names', async () => {
    server = await startMockServer({ wire: 'anthropic', script: [{ text: 'Hello from the wire.' }] });
    await fx.write(
      fx.userFile,
      JSON.stringify({
        provider: { name: 'anthropic', model: 'claude-haiku-4-5', baseURL: server.baseURL, apiKeyEnv: 'MY_KEY' },
      }),
    );
    const config = await fx.load();
    const missing = await createAgentFromConfig(config, { env: {} }).catch((error: unknown) => error);
    expect(ConfigError.isInstance(missing)).toBe(true);
    expect(String(missing)).toContain('MY_KEY');

    const agent = await createAgentFromConfig(config, { env: { MY_KEY: 'sk-ant-from-env-123' } });
    expect(agent.provider.provider).toBe('anthropic');
    expect(agent.provider.modelId).toBe('claude-haiku-4-5');
    const result = await agent.run('Hi').result;
    expect(result.text).toBe('Hello from the wire.');
    expect(server.requests).toHaveLength(1);
  });

  it('starts the configured MCP server (a real one, over stdio) and applies the file rules to its tools', async () => {
    const require = createRequire(import.meta.url);
    const serverJs = join(
      dirname(require.resolve('@modelcontextprotocol/server-filesystem/package.json')),
      'dist/index.js',
    );
    await fx.write(join(fx.root, 'list.md'), '- milk\n');
    await fx.write(
      fx.userFile,
      JSON.stringify({
        mcpServers: { fs: { command: process.execPath, args: [serverJs, fx.root] } },
        policy: { deny: ['mcp__fs__move_file'] },
      }),
    );
    const file = join(fx.root, 'list.md');
    const provider = mockProvider([
      {
        toolCalls: [
          { name: 'mcp__fs__read_text_file', input: { path: file } },
          { name: 'mcp__fs__move_file', input: { source: file, destination: join(fx.root, 'old.md') } },
        ],
      },
      { text: 'Read it; the move was refused.' },
    ]);
    const agent = await createAgentFromConfig(await fx.load(), { provider });
    const results = (await events(agent.run('Read the list, then move it'))).filter(
      (event): event is ToolResultEvent => event.type === 'tool-result',
    );
    const byName = Object.fromEntries(results.map((event) => [event.name, event]));
    expect(byName.mcp__fs__read_text_file!.isError).toBe(false);
    expect(JSON.stringify(byName.mcp__fs__read_text_file!.output)).toContain('- milk');
    expect(byName.mcp__fs__move_file!.errorCode).toBe('PERMISSION_DENIED');
    expect(await readFile(file, 'utf8')).toBe('- milk\n');
    provider.assertComplete();
    await agent.close();
  });

  it('refuses a config without a provider, or with a hook commandHook refuses', async () => {
    const empty = await createAgentFromConfig(await fx.load()).catch((error: unknown) => error);
    expect(ConfigError.isInstance(empty)).toBe(true);
    expect(String(empty)).toContain('provider.name');

    await fx.write(fx.userFile, JSON.stringify({ hooks: [{ command: 'node', events: ['PreToolUse'], matcher: '(' }] }));
    const provider = mockProvider([]);
    const refused = await createAgentFromConfig(await fx.load(), { provider }).catch((error: unknown) => error);
    expect(ConfigError.isInstance(refused)).toBe(true);
    expect(String(refused)).toContain(`hooks[0] (${fx.userFile})`);
    expect(String(refused)).toContain('matcher');
    provider.assertComplete();
  });

  it('instruction files obey the read rules: a project file cannot smuggle a denied file into the instructions', async () => {
    await fx.write(join(fx.root, '.env'), 'API_TOKEN=hunter2');
    await fx.write(fx.userFile, JSON.stringify({ policy: { deny: ['Read(./.env)'] } }));
    await fx.write(fx.projectFile, JSON.stringify({ instructions: { projectFiles: ['AGENTS.md', '.env'] } }));
    const provider = mockProvider([{ text: 'ok' }]);
    const agent = await createAgentFromConfig(await fx.load(), { provider });
    await agent.run('Hi').result;
    const system = provider.requests[0]!.system ?? '';
    expect(system).not.toContain('hunter2');
    expect(system).toContain(`${join(fx.root, '.env')} not used: the policy does not allow reading it`);
    provider.assertComplete();

    await fx.write(fx.projectFile, JSON.stringify({ instructions: { files: ['.env'] } }));
    const error = await createAgentFromConfig(await fx.load(), { provider: mockProvider([]) }).catch(
      (thrown: unknown) => thrown,
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(String(error)).toContain('the policy does not allow reading it');
    expect(String(error)).not.toContain('hunter2');
  });

  it('refuses an instruction file that does not exist', async () => {
    await fx.write(fx.projectFile, JSON.stringify({ instructions: { files: ['docs/style.md'] } }));
    const error = await createAgentFromConfig(await fx.load(), { provider: mockProvider([]) }).catch(
      (thrown: unknown) => thrown,
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(String(error)).toContain(join(fx.root, 'docs/style.md'));
    expect(String(error)).toContain(fx.projectFile);
  });
});
