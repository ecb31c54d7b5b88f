/**
 * The `edit` tool: replaces one quoted piece of a file.
 */
import { z } from 'zod';
import { tool } from '../../define-tool.js';
import type { Tool } from '../../tool.js';
import { compactDiff } from '../files/compact-diff.js';
import { applyEdit, describeStrategy } from './edit-apply.js';
import { commitText, withEditTarget } from '../files/file-access.js';
import { boundSandbox, sandboxFor, type BuiltinToolOptions } from '../tool-sandbox.js';
import { FILE_ALIASES, withAliases } from '../tool-input.js';

const input = withAliases(
  z.object({
    file_path: z.string().min(1).describe('Path of the file to edit.'),
    old_string: z
      .string()
      .describe(
        'The exact text to replace, copied from the file (without read line numbers). Must be unique unless replace_all is set.',
      ),
    new_string: z.string().describe('The text to put in its place.'),
    replace_all: z.boolean().optional().describe('Replace every occurrence of old_string (default false).'),
  }),
  FILE_ALIASES,
);

/**
 * The `edit` tool: replaces `old_string` with `new_string`. The exact text is looked for first; failing
 * that, a chain of tolerant strategies (indentation, trimmed lines, whitespace, doubled escapes, block
 * anchors) each of which must find a single place, and the one used is named in the result. Several
 * matches are refused unless `replace_all`. The file must have been read in this session and be unchanged
 * since; its BOM and line endings are kept. An empty `old_string` on a missing file creates it.
 *
 * @example
 * ```ts
 * await editTool({ root }).execute({ file_path: 'src/a.ts', old_string: 'let x = 1', new_string: 'const x = 1' }, ctx);
 * ```
 */
export function editTool(options: BuiltinToolOptions = {}): Tool<z.output<typeof input>> {
  return tool({
    ...boundSandbox(options),
    name: 'edit',
    description: [
      'Replaces text in a file: old_string (copied exactly from the file, without the line-number prefix read shows) becomes new_string.',
      'old_string must identify one place: include enough surrounding lines, or set replace_all to change every occurrence.',
      'Read the file first. Several edits to one file: use multi_edit.',
    ].join('\n'),
    input,
    access: (args) => [{ kind: 'write', path: args.file_path }],
    async execute(args, ctx) {
      const sandbox = sandboxFor(options, ctx);
      return withEditTarget(sandbox, ctx.state, args.file_path, async (target) => {
        if (!target.current) {
          if (args.old_string !== '')
            throw new Error(
              `${target.display} does not exist. Check the path (glob can find it), or create the file with write.`,
            );
          const text = args.new_string.replaceAll('\r\n', '\n');
          await commitText(sandbox, ctx.state, target.absolute, text, {
            bom: false,
            lineEnding: args.new_string.includes('\r\n') ? '\r\n' : '\n',
          });
          return `Created ${target.display}.`;
        }
        const { decoded } = target.current;
        const applied = applyEdit(decoded.text, args, target.display);
        await commitText(sandbox, ctx.state, target.absolute, applied.text, decoded);
        const diff = compactDiff(decoded.text, applied.text);
        const count = applied.replacements === 1 ? '1 replacement' : `${applied.replacements} replacements`;
        return `Edited ${target.display}: ${count}, ${describeStrategy(applied.strategy)}. +${diff.added} -${diff.removed}\n${diff.text}`;
      });
    },
  });
}
