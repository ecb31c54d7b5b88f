/**
 * An agent built from config files, on the scripted mock model (no API key needed). A temporary project
 * gets a user config (provider, a deny rule), a shared project config (an allow rule, a turn limit), a
 * personal local config and an AGENTS.md; `loadConfig` merges them (user < project < local) and
 * `createAgentFromConfig` builds the agent, with a command hook from the user file (a guard script, run with
 * the Claude Code hook contract) and a skill from the project. Drop the `provider` override to use the configured model for real
 * (its API key comes from the environment, never from a file).
 *
 *   npx tsx examples/from-config.ts
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgentFromConfig, loadConfig } from 'icode/config';
import { mockProvider } from 'icode/testing';

const base = await mkdtemp(join(tmpdir(), 'icode-config-example-'));
const userDir = join(base, 'user-config');
const root = join(base, 'project');
await mkdir(join(root, '.icode'), { recursive: true });
await mkdir(join(userDir, 'hooks'), { recursive: true });
await mkdir(join(root, '.icode', 'skills', 'summary'), { recursive: true });

// A guard hook: exit code 2 refuses the call, with stderr as the reason the model reads.
const guard = join(userDir, 'hooks', 'no-network.sh');
await writeFile(
  guard,
  `#!/bin/sh
case "$(cat)" in *curl*|*wget*) echo "No network from this agent." >&2; exit 2 ;; esac
`,
);
await chmod(guard, 0o755);

// The user's own file: the model, and a rule no project can undo.
await writeFile(
  join(userDir, 'config.json'),
  `{
  // Read from $XDG_CONFIG_HOME/icode/config.json (default ~/.config/icode/config.json).
  "provider": { "name": "anthropic", "model": "claude-sonnet-4-5" },
  "policy": { "deny": ["Read(./.env)"] },
  // Claude Code's event names work, and so do icode's ("beforeToolCall"); relative to this folder.
  "hooks": [{ "command": "./hooks/no-network.sh", "events": ["PreToolUse"], "matcher": "bash" }],
}`,
);
// Shared with the team in the repository.
await writeFile(
  join(root, '.icode', 'config.json'),
  `{
  "policy": { "allow": ["Read", "Bash(npm test:*)"] },
  "maxTurns": 8,
  "skills": [".icode/skills"],
}`,
);
await writeFile(
  join(root, '.icode', 'skills', 'summary', 'SKILL.md'),
  '---\nname: summary\ndescription: How to summarise a file for this team.\n---\nOne sentence, no jargon.\n',
);
// Personal, kept out of version control.
await writeFile(join(root, '.icode', 'config.local.json'), '{ "maxTurns": 5 }');
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
  { toolCalls: [{ name: 'skill', input: { name: 'summary' } }] },
  { toolCalls: [{ name: 'bash', input: { command: 'curl -s https://example.com' } }] },
  { text: 'The README describes a demo project; .env is off limits by your rules.' },
]);
const agent = await createAgentFromConfig(config, { provider });

for await (const event of agent.run('What is in README.md and .env?')) {
  if (event.type === 'tool-result') {
    const output = JSON.stringify(event.output);
    console.log(`tool ${event.name}: ${event.isError ? `refused (${event.errorCode}) ` : ''}${output.slice(0, 70)}`);
  }
  if (event.type === 'run-end') console.log('answer:', event.result.text);
}
console.log(
  'skills offered:',
  provider.requests[0]?.system?.split('\n').filter((line) => line.startsWith('- ')),
);
provider.assertComplete();
await agent.close();
await rm(base, { recursive: true, force: true });
