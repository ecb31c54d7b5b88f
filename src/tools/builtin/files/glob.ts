/**
 * The `glob` tool: files by name pattern, newest first.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { isWithin } from '../../../sandbox/resolve-path.js';
import { tool } from '../../define-tool.js';
import type { Tool } from '../../tool.js';
import { displayPath, resolveExisting } from './file-access.js';
import { ancestorLevels, GlobOverrides, keepForAncestors, toPosix } from '../grep/grep-filter.js';
import { walkFiles } from '../grep/grep-js.js';
import { keepReadable } from '../grep/readable.js';
import { boundSandbox, sandboxFor, type BuiltinToolOptions } from '../tool-sandbox.js';
import { withAliases } from '../tool-input.js';

/** Options of {@link globTool}. */
export interface GlobToolOptions extends BuiltinToolOptions {
  /** Files listed per call. @defaultValue 100 */
  readonly maxResults?: number;
}

const input = withAliases(
  z.object({
    pattern: z
      .string()
      .min(1)
      .describe('Glob relative to path, e.g. "**/*.ts", "src/**/*.{js,jsx}", "*.md" (top level only).'),
    path: z.string().optional().describe('Directory to search in (default: the workspace root).'),
  }),
  {},
);

/**
 * The `glob` tool: lists files whose path (relative to `path`) matches a glob, newest first (modification
 * time, then path), at most `maxResults` with a footer saying how many more there are. Honours
 * `.gitignore` like grep (ignored directories are not even walked), skips `.git`, never follows symbolic
 * links. Hidden files match when the pattern allows them (`*` matches dot files). Files the policy does not
 * let the model read (`ctx.canRead`) are neither listed nor counted.
 *
 * @example
 * ```ts
 * await globTool({ root }).execute({ pattern: 'src/**\/*.test.ts' }, ctx);
 * ```
 */
export function globTool(options: GlobToolOptions = {}): Tool<z.output<typeof input>> {
  const maxResults = options.maxResults ?? 100;
  return tool({
    ...boundSandbox(options),
    name: 'glob',
    description: [
      'Finds files by name with a glob pattern ("**/*.ts", "src/**/*.{js,jsx}", "*.json" for the top level only), relative to path.',
      `Returns paths newest first, at most ${maxResults}. Respects .gitignore. To search file contents use grep.`,
    ].join('\n'),
    input,
    readOnly: true,
    access: (args) => [{ kind: 'read', path: args.path ?? '.' }],
    async execute(args, ctx) {
      const sandbox = sandboxFor(options, ctx);
      const { absolute: dir, info } = await resolveExisting(
        sandbox,
        args.path,
        'Omit path to search the whole workspace.',
      );
      if (info.type !== 'directory')
        throw new Error(`${displayPath(sandbox, dir)} is not a directory. Give a directory as path.`);
      // Models also send "./src/**" or an absolute pattern inside the workspace: make it relative to dir.
      let pattern = args.pattern.replace(/^(\.\/)+/, '');
      if (path.isAbsolute(pattern)) {
        const base = picomatch.scan(pattern).base || '/';
        await sandbox.resolve(base, 'read');
        pattern = toPosix(path.relative(dir, pattern));
      }
      // Walk only below the pattern's literal prefix ("src" of "src/**/*.ts"), resolved like any other path.
      const scan = picomatch.scan(pattern);
      const literal = scan.isGlob ? scan.base : path.posix.dirname(pattern);
      const start = literal && literal !== '.' ? await sandbox.resolve(path.join(dir, literal), 'read') : dir;
      const startInfo = await sandbox.stat(start);
      const matches = picomatch(pattern, { dot: true });
      const filter = { overrides: new GlobOverrides([]) };
      let files: string[] = [];
      if (startInfo?.type === 'directory') {
        const ancestors = await ancestorLevels(sandbox.root, start);
        files = (await walkFiles(start, filter, ctx.signal)).filter(
          (file) =>
            isWithin(sandbox.root, file) &&
            matches(toPosix(path.relative(dir, file))) &&
            keepForAncestors(filter, ancestors, file, toPosix(path.relative(start, file))),
        );
        // Names of files the policy does not let the model read are not shown, nor counted.
        files = await keepReadable(ctx, files, (file) => file);
      }
      if (files.length === 0) {
        const hint = args.pattern.includes('/')
          ? ''
          : ` Patterns match paths relative to ${displayPath(sandbox, dir)}; use "**/${args.pattern}" to search subdirectories too.`;
        return `No files found matching ${args.pattern}.${hint}`;
      }
      const stamped = await Promise.all(
        files.map(async (file) => ({
          file,
          mtime: await stat(file).then(
            (s) => s.mtimeMs,
            () => 0,
          ),
        })),
      );
      stamped.sort((a, b) => b.mtime - a.mtime || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
      const shown = stamped.slice(0, maxResults).map((entry) => displayPath(sandbox, entry.file));
      const more = stamped.length - shown.length;
      return more > 0
        ? `${shown.join('\n')}\n(${more} more ${more === 1 ? 'file' : 'files'} not shown: ${stamped.length} in all. Use a narrower pattern or path.)`
        : shown.join('\n');
    },
  });
}
