/**
 * Sub-agents: a master agent delegates to three presets, each a few lines, on the scripted mock model (no
 * API key needed), and prints the event stream with each event's path:
 *
 * - `explorer`: read-only coding tools, to find things;
 * - `librarian`: `web_fetch` and `read`, to look things up;
 * - `fixer`: `edit` and `bash` under `workspace-write`, to change things.
 *
 * Whatever their own policies say, sub-agents can only narrow their parent's: none can do what the master
 * may not. Swap the `mockProvider([...])` calls for real models to run it for real.
 *
 *   npx tsx examples/subagents.ts
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, subagent, type AgentEvent } from 'icode';
import { localSandbox } from 'icode/sandbox';
import { mockProvider } from 'icode/testing';
import { codingTools } from 'icode/tools';

const root = await mkdtemp(join(tmpdir(), 'icode-subagents-'));
await writeFile(join(root, 'greet.ts'), 'export const greet = (name: string) => `Helo, ${name}!`;\n');

const tools = codingTools({ root });
const pick = (...names: string[]) => tools.filter((t) => names.includes(t.name));

// The presets: a model, instructions and tools each.
const explorer = subagent({
  name: 'explorer',
  description: 'Finds where things are in the code base and reports briefly. Cannot change anything.',
  options: {
    provider: mockProvider([
      { toolCalls: [{ name: 'grep', input: { pattern: 'Helo' } }] },
      { text: 'The typo "Helo" is in greet.ts, line 1.' },
    ]),
    instructions: 'Explore the code base and report what you found, briefly.',
    tools: pick('read', 'grep', 'glob', 'list'),
    policy: { mode: 'read-only' },
  },
});
const librarian = subagent({
  name: 'librarian',
  description: 'Looks things up in documentation on the web and in the repository.',
  options: {
    provider: mockProvider([
      { text: 'Template literals interpolate with ${...}: the code is fine apart from the typo.' },
    ]),
    instructions: 'Answer from documentation; cite what you read.',
    tools: pick('web_fetch', 'read'),
    policy: { mode: 'read-only' },
  },
});
const fixer = subagent({
  name: 'fixer',
  description: 'Makes a small, precise change and checks it.',
  options: {
    provider: mockProvider([
      { toolCalls: [{ name: 'read', input: { file_path: 'greet.ts' } }] },
      { toolCalls: [{ name: 'edit', input: { file_path: 'greet.ts', old_string: 'Helo', new_string: 'Hello' } }] },
      { toolCalls: [{ name: 'bash', input: { command: 'grep -c Hello greet.ts' } }] },
      { text: 'Fixed greet.ts; grep finds "Hello" once.' },
    ]),
    instructions: 'Make the change asked for, then check it.',
    tools: pick('read', 'edit', 'bash'),
    policy: { mode: 'workspace-write' },
  },
});

const master = createAgent({
  name: 'master',
  provider: mockProvider([
    { toolCalls: [{ name: 'explorer', input: { prompt: 'Find the greeting typo.' } }] },
    { toolCalls: [{ name: 'librarian', input: { prompt: 'Is the template literal syntax right?' } }] },
    { toolCalls: [{ name: 'fixer', input: { prompt: 'Replace "Helo" with "Hello" in greet.ts.' } }] },
    { text: 'Done: the explorer found the typo, the librarian confirmed the syntax, the fixer fixed it.' },
  ]),
  instructions: 'Delegate: explore first, then fix.',
  tools: [explorer, librarian, fixer],
  sandbox: localSandbox({ root }),
  policy: { mode: 'workspace-write', root },
});

const show = (event: AgentEvent): string | undefined => {
  const where = (event.path ?? ['master']).join(' > ');
  switch (event.type) {
    case 'tool-call':
      return `${where}: calls ${event.name} ${JSON.stringify(event.input)}`;
    case 'tool-result':
      return `${where}: ${event.name} → ${JSON.stringify(event.output).slice(0, 100)}`;
    case 'run-end':
      return `${where}: run ended (${event.result.status})`;
    default:
      return undefined;
  }
};

const run = master.run('The greeting is misspelt. Fix it.');
for await (const event of run) {
  const line = show(event);
  if (line) console.log(line);
}
const result = await run.result;
console.log(`\n${result.text}`);
console.log(
  'children:',
  result.children?.map((c) => `${c.name} (${c.status}, ${c.usage.outputTokens} tokens out)`).join(', '),
);
console.log('greet.ts:', (await readFile(join(root, 'greet.ts'), 'utf8')).trim());
await rm(root, { recursive: true, force: true });
