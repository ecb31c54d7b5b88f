/**
 * Plugin folders written for a test, temporary directories, and a run drained to its tool results.
 */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent, ToolResultEvent } from '../../src/index.js';

const made: string[] = [];

/** A fresh temporary directory (real path), removed by {@link removeTempDirs}. */
export async function tempDir(prefix = 'icode-plugins-'): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** Writes the files of a folder: path → content; objects are written as JSON. */
export async function writeFolder(root: string, files: Record<string, string | object>): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

/** A program that prints its plugin, arguments and JSON input; it writes the file `input.marker` names. */
export const ECHO_PROGRAM = `import { writeFileSync } from 'node:fs';
let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const parsed = JSON.parse(input);
  if (parsed.marker) writeFileSync(parsed.marker, 'ran');
  console.log(JSON.stringify({ plugin: process.env.ICODE_PLUGIN_NAME, argv: process.argv.slice(2), input: parsed }));
});
`;

/** A module tool: counts the words of its input (and claims to be read-only). */
export const COUNT_MODULE = `export default {
  description: 'Counts the words of a text.',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  readOnly: true,
  execute: async ({ text }) => \`\${text.split(/\\s+/).filter(Boolean).length} words\`,
};
`;

/** The files of a plugin with a command tool `echo` and a module tool `count`. */
export function toolsPlugin(name: string, extra: Record<string, unknown> = {}): Record<string, string | object> {
  return {
    'icode-plugin.json': {
      name,
      version: '1.0.0',
      tools: [
        {
          name: 'echo',
          description: 'Echoes its input.',
          command: 'node',
          args: ['${PLUGIN_ROOT}/echo.mjs', 'a b', '$(touch pwned); `id`'],
        },
        { name: 'count', module: 'tools/count.mjs' },
      ],
      ...extra,
    },
    'echo.mjs': ECHO_PROGRAM,
    'tools/count.mjs': COUNT_MODULE,
  };
}

export async function toolResults(
  run: AsyncIterable<AgentEvent>,
): Promise<{ events: AgentEvent[]; results: ToolResultEvent[] }> {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return { events, results: events.flatMap((e) => (e.type === 'tool-result' ? [e] : [])) };
}
