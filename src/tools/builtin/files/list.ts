/**
 * The `list` tool: a capped tree of a directory.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import ignore from 'ignore';
import { z } from 'zod';
import { tool } from '../../define-tool.js';
import type { Tool } from '../../tool.js';
import { displayPath, resolveExisting } from './file-access.js';
import { ancestorLevels, isIgnored, loadIgnoreLevel, type IgnoreLevel } from '../grep/grep-filter.js';
import { keepReadable } from '../grep/readable.js';
import { boundSandbox, sandboxFor, type BuiltinToolOptions } from '../tool-sandbox.js';
import { withAliases } from '../tool-input.js';

/** Directories `list` skips unless asked otherwise: large, generated, or not the project's own. */
export const DEFAULT_LIST_IGNORES: readonly string[] = ['.git/', 'node_modules/'];

/** Options of {@link listTool}. */
export interface ListToolOptions extends BuiltinToolOptions {
  /** Entries shown per call. @defaultValue 200 */
  readonly maxEntries?: number;
  /** Replaces {@link DEFAULT_LIST_IGNORES}. */
  readonly defaultIgnores?: readonly string[];
}

const input = withAliases(
  z.object({
    path: z.string().optional().describe('Directory to list (default: the workspace root).'),
    ignore: z
      .array(z.string())
      .optional()
      .describe('Extra gitignore-style patterns to leave out, e.g. ["dist/", "*.map"].'),
  }),
  {},
);

interface Node {
  readonly name: string;
  readonly kind: 'file' | 'directory' | 'symlink';
  readonly children: Node[];
}

/**
 * The `list` tool: an indented tree of a directory, breadth first so a capped listing still shows the top
 * levels, directories before files. Skips `.git`, `node_modules` and what `.gitignore` ignores, plus the
 * `ignore` patterns given; shows symbolic links with `@` and never follows them. Entries the policy does
 * not let the model read (`ctx.canRead`) are left out, with everything below them.
 *
 * @example
 * ```ts
 * await listTool({ root }).execute({ path: 'src', ignore: ['*.snap'] }, ctx);
 * ```
 */
export function listTool(options: ListToolOptions = {}): Tool<z.output<typeof input>> {
  const maxEntries = options.maxEntries ?? 200;
  return tool({
    ...boundSandbox(options),
    name: 'list',
    description: `Lists a directory as a tree (directories first), skipping .git, node_modules and gitignored files; at most ${maxEntries} entries, top levels first. Use glob to find files by pattern.`,
    input,
    readOnly: true,
    access: (args) => [{ kind: 'read', path: args.path ?? '.' }],
    async execute(args, ctx) {
      const sandbox = sandboxFor(options, ctx);
      const { absolute: dir, info } = await resolveExisting(
        sandbox,
        args.path,
        'List the workspace root (omit path) to find your way.',
      );
      if (info.type !== 'directory')
        throw new Error(`${displayPath(sandbox, dir)} is a file, not a directory. Read it with read.`);
      const extra = ignore({ ignorecase: false }).add([
        ...(options.defaultIgnores ?? DEFAULT_LIST_IGNORES),
        ...(args.ignore ?? []),
      ]);
      const rootNode: Node = { name: displayPath(sandbox, dir), kind: 'directory', children: [] };
      const queue: { node: Node; absolute: string; relative: string; levels: readonly IgnoreLevel[] }[] = [
        { node: rootNode, absolute: dir, relative: '', levels: await ancestorLevels(sandbox.root, dir) },
      ];
      let count = 0;
      let capped = false;
      while (queue.length > 0 && !capped) {
        ctx.signal.throwIfAborted();
        const current = queue.shift();
        if (!current) break;
        const level = await loadIgnoreLevel(current.absolute);
        const levels = level ? [...current.levels, level] : current.levels;
        const entries = await readdir(current.absolute, { withFileTypes: true }).catch(() => []);
        const kinds = entries
          .map((entry) => ({
            entry,
            absolute: path.join(current.absolute, entry.name),
            relative: current.relative === '' ? entry.name : `${current.relative}/${entry.name}`,
            kind: entry.isSymbolicLink()
              ? ('symlink' as const)
              : entry.isDirectory()
                ? ('directory' as const)
                : ('file' as const),
          }))
          .filter(
            ({ relative, absolute, kind }) =>
              !extra.ignores(kind === 'directory' ? `${relative}/` : relative) &&
              !isIgnored(levels, absolute, kind === 'directory'),
          );
        // What the policy does not let the model read is neither shown nor walked into.
        const sorted = (await keepReadable(ctx, kinds, (item) => item.absolute)).sort(
          (a, b) =>
            Number(b.kind === 'directory') - Number(a.kind === 'directory') || a.entry.name.localeCompare(b.entry.name),
        );
        for (const { entry, kind, absolute, relative } of sorted) {
          const isDir = kind === 'directory';
          if (count >= maxEntries) {
            capped = true;
            break;
          }
          const node: Node = { name: entry.name, kind, children: [] };
          current.node.children.push(node);
          count++;
          if (isDir) queue.push({ node, absolute, relative, levels });
        }
      }
      const lines = [`${rootNode.name}/`];
      const render = (node: Node, depth: number): void => {
        for (const child of node.children) {
          const suffix = child.kind === 'directory' ? '/' : child.kind === 'symlink' ? '@' : '';
          lines.push(`${'  '.repeat(depth)}${child.name}${suffix}`);
          render(child, depth + 1);
        }
      };
      render(rootNode, 1);
      if (count === 0) lines.push('  (empty)');
      if (capped)
        lines.push(
          `(Listing capped at ${maxEntries} entries; deeper levels are cut. List a subdirectory, or use glob, to see more.)`,
        );
      return lines.join('\n');
    },
  });
}
