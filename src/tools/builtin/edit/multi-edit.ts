/**
 * The `multi_edit` tool: several replacements in one file, all or nothing.
 */
import { z } from 'zod';
import { tool } from '../../define-tool.js';
import type { Tool } from '../../tool.js';
import { compactDiff } from '../files/compact-diff.js';
import { applyEdit } from './edit-apply.js';
import { commitText, withEditTarget } from '../files/file-access.js';
import { boundSandbox, sandboxFor, type BuiltinToolOptions } from '../tool-sandbox.js';
import { FILE_ALIASES, withAliases } from '../tool-input.js';

const edit = withAliases(
  z.object({
    old_string: z.string().describe('Exact text to replace (as the file is after the previous edits).'),
    new_string: z.string().describe('Replacement text.'),
    replace_all: z.boolean().optional().describe('Replace every occurrence (default false).'),
  }),
  FILE_ALIASES,
);

const input = withAliases(
  z.object({
    file_path: z.string().min(1).describe('Path of the file to edit.'),
    edits: z.array(edit).min(1).describe('Edits applied in order; each sees the result of the ones before.'),
  }),
  FILE_ALIASES,
);

/**
 * The `multi_edit` tool: applies `edits` to one file in order, in memory, and writes once, or writes
 * nothing when any edit fails (the error names it). Matching, read-before-write and encoding rules are
 * those of `edit`.
 *
 * @example
 * ```ts
 * await multiEditTool({ root }).execute({ file_path: 'a.ts', edits: [{ old_string: 'a', new_string: 'b' }] }, ctx);
 * ```
 */
export function multiEditTool(options: BuiltinToolOptions = {}): Tool<z.output<typeof input>> {
  return tool({
    ...boundSandbox(options),
    name: 'multi_edit',
    description: [
      'Makes several edits to one file in one call: each edit is {old_string, new_string, replace_all?} as in the edit tool, applied in order (each sees the result of the previous ones).',
      'Either every edit applies and the file is written once, or none does and the file is untouched. Read the file first.',
    ].join('\n'),
    input,
    access: (args) => [{ kind: 'write', path: args.file_path }],
    async execute(args, ctx) {
      const sandbox = sandboxFor(options, ctx);
      return withEditTarget(sandbox, ctx.state, args.file_path, async (target) => {
        if (!target.current) throw new Error(`${target.display} does not exist. Create it with write first.`);
        const { decoded } = target.current;
        let text = decoded.text;
        const notes: string[] = [];
        for (const [index, spec] of args.edits.entries()) {
          try {
            const applied = applyEdit(text, spec, target.display);
            text = applied.text;
            if (applied.strategy !== 'exact') notes.push(`edit ${index + 1}: ${applied.strategy} match`);
          } catch (error) {
            throw new Error(
              `Edit ${index + 1} of ${args.edits.length} failed, so none was applied and ${target.display} is unchanged: ${(error as Error).message}`,
            );
          }
        }
        await commitText(sandbox, ctx.state, target.absolute, text, decoded);
        const diff = compactDiff(decoded.text, text);
        const how = notes.length > 0 ? ` (not exact: ${notes.join('; ')}; check the diff)` : '';
        return `Applied ${args.edits.length} edits to ${target.display}${how}. +${diff.added} -${diff.removed}\n${diff.text}`;
      });
    },
  });
}
