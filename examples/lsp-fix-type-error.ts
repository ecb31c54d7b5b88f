/**
 * A coding agent that fixes a type error with LSP feedback, on the scripted mock model (no API key
 * needed). The project's TypeScript language server runs for real: the agent's edit introduces a type
 * error, the edit result says so (the feedback the toolset adds to the edit tools), and the model fixes what it was
 * told. Swap `mockProvider([...])` for `anthropic({ model })` or another provider to let a real model
 * react to the same feedback.
 *
 *   npx tsx examples/lsp-fix-type-error.ts
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, type AgentEvent, type ModelRequest } from 'icode';
import { lspTools } from 'icode/lsp';
import { createPolicy } from 'icode/policy';
import { localSandbox } from 'icode/sandbox';
import { mockProvider } from 'icode/testing';
import { codingTools } from 'icode/tools';

// A small TypeScript project in a temporary folder.
const root = await mkdtemp(join(tmpdir(), 'icode-lsp-example-'));
await writeFile(
  join(root, 'tsconfig.json'),
  JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true } }),
);
await writeFile(join(root, 'price.ts'), 'export function withTax(net: number): number {\n  return net * 1.2;\n}\n');
await writeFile(join(root, 'cart.ts'), "import { withTax } from './price.js';\n\nexport const total = withTax(100);\n");

// typescript-language-server from node_modules, started with this Node over stdio.
const cli = createRequire(import.meta.url).resolve('typescript-language-server/lib/cli.mjs');
const lsp = lspTools({
  root,
  servers: { typescript: { command: process.execPath, args: [cli, '--stdio'], languages: ['ts', 'tsx', 'js'] } },
  onEvent: (event) => console.log(`  [lsp] ${event.type}${'durationMs' in event ? ` in ${event.durationMs} ms` : ''}`),
});

// What a model might do: read, make a change that breaks the types, read the error from the edit result
// and fix exactly what it points at, then check.
const provider = mockProvider([
  { text: 'Reading the cart first.', toolCalls: [{ name: 'read', input: { file_path: 'cart.ts' } }] },
  {
    text: 'The price comes from a form field; passing it as it is.',
    toolCalls: [
      { name: 'edit', input: { file_path: 'cart.ts', old_string: 'withTax(100)', new_string: "withTax('100')" } },
    ],
  },
  (request) => {
    const error = /^cart\.ts:(\d+):(\d+) error (TS\d+): (.*)$/m.exec(lastToolOutput(request));
    if (!error) return { text: 'The edit went through without errors.' };
    return {
      text: `The language server says ${error[3]} at line ${error[1]}: ${error[4]} Converting the value.`,
      toolCalls: [
        {
          name: 'edit',
          input: { file_path: 'cart.ts', old_string: "withTax('100')", new_string: "withTax(Number('100'))" },
        },
      ],
    };
  },
  { toolCalls: [{ name: 'lsp_diagnostics', input: { file_path: 'cart.ts' } }] },
  { text: 'cart.ts type-checks again: the value is converted to a number before withTax.' },
]);

const agent = createAgent({
  provider,
  instructions: 'You are a careful coding agent. Fix every type error you introduce.',
  tools: [...codingTools({ root, exclude: ['web_fetch'] }), lsp],
  sandbox: localSandbox({ root }),
  policy: createPolicy({ mode: 'workspace-write' }),
});

try {
  const run = agent.run('Let cart.ts take the price as the string a form gives');
  for await (const event of run) print(event);
  const result = await run.result;
  console.log(`\n${result.status} in ${result.turns} turns`);
  console.log(`cart.ts now:\n${await readFile(join(root, 'cart.ts'), 'utf8')}`);
  provider.assertComplete();
} finally {
  await agent.close(); // closes the language servers it owns
  await rm(root, { recursive: true, force: true });
}

function lastToolOutput(request: ModelRequest): string {
  const message = request.messages.at(-1);
  const output = message?.role === 'tool' ? message.content.at(-1)?.output : '';
  return typeof output === 'string' ? output : JSON.stringify(output);
}

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
      console.log(`${event.isError ? '✗' : '←'} ${output.split('\n').join('\n  ')}`);
      break;
    }
    default:
      break;
  }
}
