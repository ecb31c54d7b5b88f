/**
 * An agent built from config files, on the scripted mock model (no API key needed). A temporary project
 * gets a user config (provider, a deny rule), a shared project config (an allow rule, a turn limit), a
 * personal local config and an AGENTS.md; `loadConfig` merges them (user < project < local) and
 * `createAgentFromConfig` builds the agent. Drop the `provider` override to use the configured model for real
 * (its API key comes from the environment, never from a file).
 *
 *   npx tsx examples/from-config.ts
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgentFromConfig, loadConfig } from 'icode/config';
import { mockProvider } from 'icode/testing';

const base = await mkdtemp(join(tmpdir(), 'icode-config-example-'));
const userDir = join(base, 'user-config');
const root = join(base, 'project');
await mkdir(join(root, '.icode'), { recursive: true });
await mkdir(userDir, { recursive: true });

// The user's own file: the model, and a rule no project can undo.
await writeFile(
  join(userDir, 'config.json'),
  `{
  // Read from $XDG_CONFIG_HOME/icode/config.json (default ~/.config/icode/config.json).
  "provider": { "name": "anthropic", "model": "claude-sonnet-4-5" },
  "policy": { "deny": ["Read(./.env)"] },
}`,
);
// Shared with the team in the repository.
await writeFile(
  join(root, '.icode', 'config.json'),
  `{
  "policy": { "allow": ["Read", "Bash(npm test:*)"] },
  "maxTurns": 8,
}`,
);
// Personal, kept out of version control.
await writeFile(join(root, '.icode', 'config.local.json'), '{ "maxTurns": 4 }');
await writeFile(join(root, 'AGENTS.md'), 'Answer in one sentence.\n');
await writeFile(join(root, '.env'), 'API_TOKEN=do-not-leak\n');
await writeFile(join(root, 'README.md'), '# Demo\nA project configured by files.\n');

const config = await loadConfig({ cwd: root, userDir });
console.log('files read:', config.files.map(({ scope }) => scope).join(' < '));
console.log('model:', config.provider.model, '| maxTurns:', config.maxTurns, 'from', config.sources.maxTurns);

const provider = mockProvider([
  {
    text: 'Reading both files.',
    toolCalls: [
      { name: 'read', input: { file_path: 'README.md' } },
      { name: 'read', input: { file_path: '.env' } },
    ],
  },
  { text: 'The README describes a demo project; .env is off limits by your rules.' },
]);
const agent = await createAgentFromConfig(config, { provider });

for await (const event of agent.run('What is in README.md and .env?')) {
  if (event.type === 'tool-result') {
    const output = JSON.stringify(event.output);
    console.log(`tool ${event.name}: ${event.isError ? `refused (${event.errorCode})` : output.slice(0, 60)}`);
  }
  if (event.type === 'run-end') console.log('answer:', event.result.text);
}
console.log('instructions sent:', JSON.stringify(provider.requests[0]?.system?.split('\n').at(-2)));
provider.assertComplete();
await agent.close();
await rm(base, { recursive: true, force: true });
