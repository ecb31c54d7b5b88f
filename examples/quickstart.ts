/**
 * Quickstart: a small coding agent fixes a typo in a temporary project, on the scripted mock model (no
 * API key needed), and prints its event stream. Swap `mockProvider([...])` for `anthropic({ model })`,
 * `openai({ model })`, `gemini({ model })` or `ollama({ model })` to run it on a real model.
 *
 *   npm run example
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, type AgentEvent } from 'icode';
import { localSandbox } from 'icode/sandbox';
import { mockProvider } from 'icode/testing';
import { codingTools } from 'icode/tools';

const root = await mkdtemp(join(tmpdir(), 'icode-quickstart-'));
await writeFile(join(root, 'greet.ts'), 'export const greet = (name: string) => `Helo, ${name}!`;\n');

// The script a real model would improvise: look, fix, check, report.
const provider = mockProvider([
  { text: 'Let me read the file first.', toolCalls: [{ name: 'read', input: { file_path: 'greet.ts' } }] },
  {
    text: 'The greeting has a typo. Fixing it.',
    toolCalls: [{ name: 'edit', input: { file_path: 'greet.ts', old_string: 'Helo', new_string: 'Hello' } }],
  },
  { toolCalls: [{ name: 'bash', input: { command: 'grep -n Hello greet.ts', description: 'Check the fix' } }] },
  { text: 'Fixed: greet.ts now says "Hello".' },
]);

const agent = createAgent({
  provider,
  instructions: 'You are a careful coding agent. Read before you edit; check your work.',
  tools: codingTools({ root }),
  sandbox: localSandbox({ root }),
  policy: { mode: 'workspace-write' },
});

const run = agent.run('Fix the typo in greet.ts');
for await (const event of run) print(event);
const result = await run.result;
console.log(
  `\n${result.status} in ${result.turns} turns, ${result.usage.inputTokens} input / ${result.usage.outputTokens} output tokens`,
);
console.log(`greet.ts: ${(await readFile(join(root, 'greet.ts'), 'utf8')).trim()}`);
await rm(root, { recursive: true, force: true });

function print(event: AgentEvent): void {
  switch (event.type) {
    case 'text-delta':
      process.stdout.write(event.text);
      break;
    case 'turn-start':
      console.log(`\n── turn ${event.turn}`);
      break;
    case 'tool-call':
      console.log(`\n→ ${event.name} ${JSON.stringify(event.input)}`);
      break;
    case 'tool-result': {
      const output = typeof event.output === 'string' ? event.output : JSON.stringify(event.output);
      console.log(`${event.isError ? '✗' : '←'} ${output.split('\n').slice(0, 6).join('\n  ')}`);
      break;
    }
    case 'permission-decision':
      console.log(`  [${event.decision} by ${event.source}]`);
      break;
    default:
      break;
  }
}
