/**
 * `lsp_hover`: the type and documentation of the symbol at a position, as the language server shows it.
 */
import { z } from 'zod';
import { tool } from '../../tools/define-tool.js';
import { withAliases } from '../../tools/builtin/tool-input.js';
import type { Tool } from '../../tools/tool.js';
import { hoverText } from '../format-hover.js';
import { positionLabel } from '../format-locations.js';
import { resolvePosition } from '../positions.js';
import type { Hover } from '../protocol.js';
import { LSP_ALIASES, positionFields, positionName, readAccess, requireCapability, type LspRuntime } from './shared.js';

const input = withAliases(z.object(positionFields), LSP_ALIASES);

/**
 * The `lsp_hover` tool.
 *
 * @example
 * ```ts
 * await lspHoverTool(runtime).execute({ file_path: 'src/a.ts', symbol: 'add' }, ctx);
 * // 'src/a.ts:1:17 add\nfunction add(a: number, b: number): number'
 * ```
 */
export function lspHoverTool(runtime: LspRuntime): Tool<z.output<typeof input>> {
  const { client, workspace } = runtime;
  return tool({
    sandbox: workspace.sandbox,
    name: 'lsp_hover',
    description: [
      'Shows the type signature and documentation of a symbol, from the language server (as an editor shows on hover).',
      'Give file_path and either line and column (1-based) or symbol (a name in the file).',
    ].join('\n'),
    input,
    readOnly: true,
    access: readAccess,
    async execute(args, ctx) {
      const absolute = await workspace.resolve(args.file_path);
      return client.withFile(
        absolute,
        async (session) => {
          requireCapability(session.server, 'hoverProvider', 'hover');
          const position = await resolvePosition(workspace, session, args, ctx.signal);
          const hover = await session.server.request<Hover | null>(
            'textDocument/hover',
            { textDocument: { uri: session.document.uri }, position },
            ctx.signal,
          );
          const label = positionName(
            positionLabel(workspace, absolute, { start: position, end: position }),
            args.symbol,
          );
          const text = hoverText(hover);
          return text ? `${label}\n${text}` : `No hover information at ${label}.`;
        },
        ctx.signal,
      );
    },
  });
}
