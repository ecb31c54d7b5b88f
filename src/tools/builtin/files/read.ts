/**
 * The `read` tool: a file with line numbers, a page at a time.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Sandbox } from '../../../sandbox/types.js';
import { tool } from '../../define-tool.js';
import type { Tool, ToolContext } from '../../tool.js';
import { displayPath, errorCode, formatBytes, readJudged } from './file-access.js';
import { hashBytes, recordRead } from './file-tracker.js';
import { similarity } from '../edit/fuzzy-match.js';
import { keepReadable } from '../grep/readable.js';
import { boundSandbox, sandboxFor, type BuiltinToolOptions } from '../tool-sandbox.js';
import { FILE_ALIASES, withAliases } from '../tool-input.js';
import { decodeText, looksBinary } from './text-encoding.js';

/** Lines shown when `limit` is not given. */
export const DEFAULT_READ_LIMIT = 2000;
/** Characters kept of one line. */
export const MAX_LINE_CHARS = 2000;
/** Bytes of output per call; past it the output stops and says where to continue. */
export const MAX_READ_OUTPUT_BYTES = 50 * 1024;
/** Largest file `read` opens. */
export const MAX_READ_FILE_BYTES = 32 * 1024 * 1024;

const input = withAliases(
  z.object({
    file_path: z.string().min(1).describe('Path of the file (relative to the workspace root, or absolute inside it).'),
    offset: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('1-based line to start at. Give it only for files too long to read at once.'),
    limit: z.number().int().min(1).optional().describe(`Number of lines to read (default ${DEFAULT_READ_LIMIT}).`),
  }),
  FILE_ALIASES,
);

/**
 * The `read` tool: `cat -n` style output (line number, tab, text) of up to `limit` lines from `offset`,
 * long lines cut, output capped at 50 KB with a footer telling where to continue. A directory gives its
 * listing; a binary file or a missing one gives an error with advice (near names for a missing file).
 * Every read is recorded in the session state, which arms `edit` and `write` for that file.
 *
 * @example
 * ```ts
 * const agent = createAgent({ provider, tools: [readTool({ root: process.cwd() })] });
 * ```
 */
export function readTool(options: BuiltinToolOptions = {}): Tool<z.output<typeof input>> {
  return tool({
    ...boundSandbox(options),
    name: 'read',
    description: [
      'Reads a file of the workspace. Output is line-numbered like `cat -n`: the line number, a tab, then the line. The line numbers are not part of the file: never include them in edit strings.',
      `Reads up to ${DEFAULT_READ_LIMIT} lines from the start by default; for longer files use offset and limit to page. Lines longer than ${MAX_LINE_CHARS} characters are cut.`,
      'A directory path lists its entries. Read a file before editing or overwriting it.',
    ].join('\n'),
    input,
    readOnly: true,
    access: (args) => [{ kind: 'read', path: args.file_path }],
    async execute(args, ctx) {
      const sandbox = sandboxFor(options, ctx);
      const absolute = await sandbox.resolve(args.file_path, 'read');
      const display = displayPath(sandbox, absolute);
      const info = await sandbox.stat(absolute);
      if (!info) throw new Error(await missingMessage(sandbox, absolute, display, ctx));
      if (info.type === 'directory') return listDirectory(sandbox, absolute, display, ctx, args.offset, args.limit);
      if (info.type !== 'file') {
        throw new Error(
          `${display} is not a regular file (${info.type === 'symlink' ? 'a symbolic link' : 'a FIFO, socket or device'}); read only reads regular files and lists directories.`,
        );
      }
      if (info.size > MAX_READ_FILE_BYTES) {
        throw new Error(
          `${display} is ${formatBytes(info.size)}, too large to read. Search it with grep, or look at parts with bash (head, tail, sed -n).`,
        );
      }
      let bytes: Uint8Array;
      try {
        bytes = await readJudged(sandbox, absolute, display, MAX_READ_FILE_BYTES, {
          tooLarge: `over the ${formatBytes(MAX_READ_FILE_BYTES)} read opens. Search it with grep, or look at parts with bash (head, tail, sed -n).`,
          notFile: 'read only reads regular files and lists directories.',
        });
      } catch (error) {
        // Swapped for a directory since the stat: list it, as if it had been one all along.
        if (errorCode(error) === 'EISDIR')
          return listDirectory(sandbox, absolute, display, ctx, args.offset, args.limit);
        throw error;
      }
      // Recorded before the binary check: knowing it is binary is enough to replace it with write.
      recordRead(ctx.state, absolute, { hash: hashBytes(bytes), mtimeMs: info.mtimeMs });
      if (looksBinary(bytes)) {
        throw new Error(
          `${display} is a binary file (${formatBytes(bytes.length)}); read shows text files only. Inspect it with bash (e.g. file, xxd | head) if you must.`,
        );
      }
      return renderLines(decodeText(bytes).text, display, args.offset ?? 1, args.limit ?? DEFAULT_READ_LIMIT);
    },
  });
}

function renderLines(text: string, display: string, offset: number, limit: number): string {
  if (text === '') return `(${display} is empty)`;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const total = lines.length;
  if (offset > total)
    throw new Error(
      `offset ${offset} is past the end of ${display}, which has ${total} lines. Use an offset from 1 to ${total}.`,
    );
  const out: string[] = [];
  let bytes = 0;
  let last = offset - 1;
  let capped = false;
  const end = Math.min(total, offset - 1 + limit);
  for (let i = offset - 1; i < end; i++) {
    let line = lines[i] ?? '';
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length > MAX_LINE_CHARS)
      line = `${line.slice(0, MAX_LINE_CHARS)}… (line cut at ${MAX_LINE_CHARS} of ${line.length} characters)`;
    const row = `${String(i + 1).padStart(6)}\t${line}`;
    const size = Buffer.byteLength(row) + 1;
    if (bytes + size > MAX_READ_OUTPUT_BYTES && out.length > 0) {
      capped = true;
      break;
    }
    out.push(row);
    bytes += size;
    last = i + 1;
  }
  if (capped)
    out.push(
      `\n(Output capped at ${MAX_READ_OUTPUT_BYTES / 1024} KB: showing lines ${offset}-${last} of ${total}. Continue with offset=${last + 1}.)`,
    );
  else if (last < total) out.push(`\n(Showing lines ${offset}-${last} of ${total}. Continue with offset=${last + 1}.)`);
  return out.join('\n');
}

async function listDirectory(
  sandbox: Sandbox,
  absolute: string,
  display: string,
  ctx: Pick<ToolContext, 'canRead'>,
  offset = 1,
  limit = DEFAULT_READ_LIMIT,
): Promise<string> {
  const all = await sandbox.readdir(absolute);
  // Names the policy does not let the model read are not listed.
  const entries = (await keepReadable(ctx, all, (entry) => path.join(absolute, entry.name)))
    .map((entry) => (entry.type === 'directory' ? `${entry.name}/` : entry.name))
    .sort((a, b) => a.localeCompare(b));
  if (entries.length === 0) return `(${display} is an empty directory)`;
  const page = entries.slice(offset - 1, offset - 1 + limit);
  const header = `${display}/ is a directory with ${entries.length} entries:`;
  const footer =
    offset - 1 + page.length < entries.length
      ? `\n(Showing entries ${offset}-${offset - 1 + page.length}. Continue with offset=${offset + page.length}.)`
      : '';
  return `${header}\n${page.join('\n')}${footer}`;
}

/** "Not found", plus up to three names in the same directory that look like what was meant. */
async function missingMessage(
  sandbox: Sandbox,
  absolute: string,
  display: string,
  ctx: Pick<ToolContext, 'canRead'>,
): Promise<string> {
  const parent = path.dirname(absolute);
  const wanted = path.basename(absolute).toLowerCase();
  const parentInfo = await sandbox.stat(parent).catch(() => undefined);
  if (!parentInfo || parentInfo.type !== 'directory') {
    return `${display} does not exist, nor does its directory ${displayPath(sandbox, parent)}. Find the right path with glob or list.`;
  }
  // Never a name the policy does not let the model read.
  const names = (await keepReadable(ctx, await sandbox.readdir(parent), (entry) => path.join(parent, entry.name))).map(
    (entry) => entry.name,
  );
  const scored = names
    .map((name) => {
      const lower = name.toLowerCase();
      const stem = (value: string): string => value.replace(/\.[^.]*$/, '');
      const score =
        lower.includes(wanted) || wanted.includes(lower) || stem(lower) === stem(wanted)
          ? 1
          : similarity(lower, wanted);
      return { name, score };
    })
    .filter((entry) => entry.score >= 0.6)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, 3);
  const base = displayPath(sandbox, parent);
  const suggestions = scored.map((entry) => (base === '.' ? entry.name : `${base}/${entry.name}`));
  return suggestions.length > 0
    ? `${display} does not exist. Did you mean: ${suggestions.join(', ')}?`
    : `${display} does not exist. Find the right path with glob or list.`;
}
