/**
 * The `write` tool: creates a file or replaces one the model has read.
 */
import { z } from 'zod';
import { tool } from '../../define-tool.js';
import type { Tool } from '../../tool.js';
import { compactDiff } from './compact-diff.js';
import { commitText, withEditTarget } from './file-access.js';
import { decodeText, looksBinary } from './text-encoding.js';
import { boundSandbox, sandboxFor, type BuiltinToolOptions } from '../tool-sandbox.js';
import { FILE_ALIASES, withAliases } from '../tool-input.js';

const input = withAliases(
  z.object({
    file_path: z
      .string()
      .min(1)
      .describe('Path of the file to write (relative to the workspace root, or absolute inside it).'),
    content: z.string().describe('The whole new content of the file.'),
  }),
  FILE_ALIASES,
);

/**
 * The `write` tool: writes a whole file atomically, creating parent directories. Overwriting an existing
 * file requires that the model read it in this session and that it has not changed since; the file's
 * UTF-8 BOM and CRLF line endings are kept. Returns a compact diff for an overwrite.
 *
 * @example
 * ```ts
 * const tools = [readTool({ root }), writeTool({ root })];
 * ```
 */
export function writeTool(options: BuiltinToolOptions = {}): Tool<z.output<typeof input>> {
  return tool({
    ...boundSandbox(options),
    name: 'write',
    description: [
      'Writes a file, replacing it entirely if it exists (parent directories are created).',
      'An existing file must have been read with the read tool first. Prefer edit for changing part of a file: it sends less and keeps the rest intact.',
    ].join('\n'),
    input,
    access: (args) => [{ kind: 'write', path: args.file_path }],
    async execute(args, ctx) {
      const sandbox = sandboxFor(options, ctx);
      return withEditTarget(
        sandbox,
        ctx.state,
        args.file_path,
        async (target) => {
          const content = decodeText(new TextEncoder().encode(args.content)).text;
          if (!target.current) {
            await commitText(sandbox, ctx.state, target.absolute, content, {
              bom: false,
              lineEnding: args.content.includes('\r\n') ? '\r\n' : '\n',
            });
            return `Created ${target.display} (${countLines(content)} lines).`;
          }
          if (looksBinary(target.current.bytes)) {
            await commitText(sandbox, ctx.state, target.absolute, content, {
              bom: false,
              lineEnding: args.content.includes('\r\n') ? '\r\n' : '\n',
            });
            return `Replaced binary file ${target.display} with text (${countLines(content)} lines).`;
          }
          const { decoded } = target.current;
          if (decoded.text === content) return `${target.display} already has this content; nothing written.`;
          await commitText(sandbox, ctx.state, target.absolute, content, decoded);
          const diff = compactDiff(decoded.text, content);
          return `Wrote ${target.display} (${countLines(content)} lines, +${diff.added} -${diff.removed}).\n${diff.text}`;
        },
        { allowBinary: true },
      );
    },
  });
}

function countLines(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
