/**
 * The `grep` tool: regex search over the workspace, by ripgrep when installed, else in JavaScript with the
 * same results.
 */
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { isWithin } from '../../../sandbox/resolve-path.js';
import { tool } from '../../define-tool.js';
import type { Tool } from '../../tool.js';
import { displayPath, resolveExisting } from '../files/file-access.js';
import type { GrepEngine, GrepFileResult, GrepQuery } from './grep-engine.js';
import { assertFitsLineMode } from './grep-engine.js';
import { grepJs } from './grep-js.js';
import { ripgrepEngine, ripgrepPath } from './grep-ripgrep.js';
import { keepReadable } from './readable.js';
import { boundSandbox, sandboxFor, type BuiltinToolOptions } from '../tool-sandbox.js';
import { withAliases } from '../tool-input.js';

/** Entries shown when `head_limit` is not given. */
export const DEFAULT_HEAD_LIMIT = 250;
/** Characters kept of a line in content mode (minified files have megabyte lines). */
export const MAX_GREP_LINE_CHARS = 1000;

/** Options of {@link grepTool}. */
export interface GrepToolOptions extends BuiltinToolOptions {
  /** `'auto'` uses ripgrep when `@vscode/ripgrep` is installed, else JavaScript. @defaultValue 'auto' */
  readonly engine?: 'auto' | 'ripgrep' | 'js';
}

const input = withAliases(
  z.object({
    pattern: z
      .string()
      .min(1)
      .describe('Regular expression (ripgrep/Rust syntax), e.g. "function\\s+\\w+" or "log.*Error".'),
    path: z.string().optional().describe('File or directory to search (default: the workspace root).'),
    glob: z
      .string()
      .optional()
      .describe(
        'Only files matching this glob, relative to path, e.g. "*.ts", "*.{ts,tsx}", "src/**/*.js"; "!" excludes. Several: separate with spaces.',
      ),
    type: z
      .string()
      .optional()
      .describe('Only files of this type (ripgrep names: ts, js, py, rust, go, java, c, cpp, md, json, yaml, …).'),
    output_mode: z
      .enum(['files_with_matches', 'content', 'count'])
      .optional()
      .describe('"files_with_matches" (default): paths; "content": matching lines; "count": matching lines per file.'),
    '-A': z.number().int().min(0).optional().describe('Lines of context after each match (content mode).'),
    '-B': z.number().int().min(0).optional().describe('Lines of context before each match (content mode).'),
    '-C': z.number().int().min(0).optional().describe('Lines of context before and after each match (content mode).'),
    '-n': z.boolean().optional().describe('Show line numbers (content mode; default true).'),
    '-i': z.boolean().optional().describe('Case-insensitive search.'),
    multiline: z.boolean().optional().describe('Let the pattern span lines; "." also matches newlines.'),
    head_limit: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(`Show at most this many entries (files, lines or counts); default ${DEFAULT_HEAD_LIMIT}, 0 for all.`),
    offset: z.number().int().min(0).optional().describe('Skip this many entries first (for paging).'),
  }),
  {
    include: 'glob',
    outputMode: 'output_mode',
    headLimit: 'head_limit',
    caseInsensitive: '-i',
    context: '-C',
    lineNumbers: '-n',
  },
);

type GrepInput = z.output<typeof input>;

/**
 * The `grep` tool: searches file contents with a regular expression, honouring `.gitignore` (see
 * `grep-filter.ts` for the exact rules), with `glob`/`type` filters, three output modes, context lines,
 * and paging (`head_limit`, `offset`). Files are listed newest first (by modification time, then path).
 * Symbolic links below the searched path are never followed, and files the policy does not let the model
 * read (`ctx.canRead`) are left out of every result.
 * Uses the ripgrep binary of `@vscode/ripgrep` when present, else a JavaScript engine that gives the same
 * results.
 *
 * @example
 * ```ts
 * await grepTool({ root }).execute({ pattern: 'export function', type: 'ts', output_mode: 'content' }, ctx);
 * ```
 */
export function grepTool(options: GrepToolOptions = {}): Tool<GrepInput> {
  return tool({
    ...boundSandbox(options),
    name: 'grep',
    description: [
      'Searches file contents with a regular expression (ripgrep syntax; escape literal braces and parentheses). Respects .gitignore; hidden files are included.',
      'output_mode: "files_with_matches" (default) lists files, newest first; "content" shows matching lines (with -A/-B/-C context and -n line numbers); "count" gives matching lines per file.',
      'Narrow with path, glob ("*.ts") or type ("ts", "py", "rust"). Results are paged: head_limit (default 250) and offset.',
      'Use this instead of grep or rg through bash.',
    ].join('\n'),
    input,
    readOnly: true,
    access: (args) => [{ kind: 'read', path: args.path ?? '.' }],
    async execute(args, ctx) {
      const sandbox = sandboxFor(options, ctx);
      const { absolute: target, info } = await resolveExisting(
        sandbox,
        args.path,
        'Omit path to search the whole workspace, or find the directory with glob.',
      );
      if (info.type !== 'file' && info.type !== 'directory')
        throw new Error(
          `${args.path} is not a regular file or a directory (a FIFO, socket or device); grep searches files.`,
        );
      const context = args['-C'] ?? 0;
      const query: GrepQuery = {
        root: sandbox.root,
        target,
        targetIsFile: info.type === 'file',
        pattern: args.pattern,
        ignoreCase: args['-i'] ?? false,
        multiline: args.multiline ?? false,
        mode: args.output_mode ?? 'files_with_matches',
        before: args['-B'] ?? context,
        after: args['-A'] ?? context,
        globs: splitGlobs(args.glob),
        type: args.type,
        signal: ctx.signal,
      };
      assertFitsLineMode(query.pattern, query.multiline);
      const engine = await pickEngine(options.engine ?? 'auto');
      // The policy's Read rules bind every file of the search, not only the path searched: a denied file
      // shows neither its lines nor its name nor its count.
      const results = await sortByMtime(sandbox.root, await keepReadable(ctx, await engine(query), (r) => r.path));
      return format(results, query, args, (file) => displayPath(sandbox, file));
    },
  });
}

/** The engine for a setting: ripgrep if asked for (or available with `'auto'`), else JavaScript. */
export async function pickEngine(setting: 'auto' | 'ripgrep' | 'js'): Promise<GrepEngine> {
  if (setting === 'js') return grepJs;
  const rg = await ripgrepPath();
  if (rg) return ripgrepEngine(rg);
  if (setting === 'ripgrep')
    throw new Error('The ripgrep engine was asked for, but @vscode/ripgrep is not installed for this platform.');
  return grepJs;
}

/** Splits the `glob` field on whitespace and on commas outside braces. */
export function splitGlobs(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of value) {
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if ((/\s/.test(ch) || ch === ',') && depth === 0) {
      if (current) out.push(current);
      current = '';
    } else current += ch;
  }
  if (current) out.push(current);
  return out;
}

/** Newest first, then by path, so both engines list files in one order. Results outside the root are dropped. */
async function sortByMtime(root: string, results: readonly GrepFileResult[]): Promise<GrepFileResult[]> {
  const stamped = await Promise.all(
    results
      .filter((result) => isWithin(root, result.path))
      .map(async (result) => ({
        result,
        mtime: await stat(result.path).then(
          (s) => s.mtimeMs,
          () => 0,
        ),
      })),
  );
  return stamped
    .sort((a, b) => b.mtime - a.mtime || (a.result.path < b.result.path ? -1 : a.result.path > b.result.path ? 1 : 0))
    .map((s) => s.result);
}

function cut(text: string): string {
  return text.length > MAX_GREP_LINE_CHARS ? `${text.slice(0, MAX_GREP_LINE_CHARS)}… (${text.length} chars)` : text;
}

function format(
  results: readonly GrepFileResult[],
  query: GrepQuery,
  args: GrepInput,
  show: (file: string) => string,
): string {
  if (results.length === 0) return 'No matches found.';
  let entries: string[];
  let header: string;
  if (query.mode === 'files_with_matches') {
    entries = results.map((result) => show(result.path));
    header = `Found ${results.length} ${results.length === 1 ? 'file' : 'files'}`;
  } else if (query.mode === 'count') {
    entries = results.map((result) => `${show(result.path)}:${result.count}`);
    const total = results.reduce((sum, result) => sum + result.count, 0);
    header = `Found ${total} matching ${total === 1 ? 'line' : 'lines'} in ${results.length} ${results.length === 1 ? 'file' : 'files'}`;
  } else {
    const numbers = args['-n'] ?? true;
    const separated = query.before > 0 || query.after > 0;
    entries = [];
    for (const result of results) {
      const name = show(result.path);
      let previous: number | undefined;
      for (const line of result.lines) {
        if (separated && entries.length > 0 && (previous === undefined || line.line > previous + 1)) entries.push('--');
        const mark = line.match ? ':' : '-';
        entries.push(
          numbers ? `${name}${mark}${line.line}${mark}${cut(line.text)}` : `${name}${mark}${cut(line.text)}`,
        );
        previous = line.line;
      }
    }
    const total = results.reduce((sum, result) => sum + result.count, 0);
    header = `Found ${total} matching ${total === 1 ? 'line' : 'lines'} in ${results.length} ${results.length === 1 ? 'file' : 'files'}`;
  }
  const offset = args.offset ?? 0;
  const limit = args.head_limit ?? DEFAULT_HEAD_LIMIT;
  const page = limit === 0 ? entries.slice(offset) : entries.slice(offset, offset + limit);
  const shownEnd = offset + page.length;
  const footer =
    shownEnd < entries.length
      ? `\n(Showing entries ${offset + 1}-${shownEnd} of ${entries.length}. Continue with offset=${shownEnd}, or narrow the search.)`
      : offset > 0 && page.length === 0
        ? `\n(offset ${offset} is past the last entry, ${entries.length}.)`
        : '';
  return `${header}\n${page.join('\n')}${footer}`;
}
