/**
 * `lsp_hover`: the type and documentation of the symbol at a position, as the language server shows it.
 */
import { z } from 'zod';
import { withAliases } from '../../tools/builtin/tool-input.js';
import type { Tool } from '../../tools/tool.js';
import { hoverText } from '../format-hover.js';
import type { Hover } from '../protocol.js';
import { positionTool } from './position-tool.js';
import { LSP_ALIASES, positionFields, type LspRuntime } from './shared.js';

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
  return positionTool(runtime, {
    name: 'lsp_hover',
    description: [
      'Shows the type signature and documentation of a symbol, from the language server (as an editor shows on hover).',
      'Give file_path and either line and column (1-based) or symbol (a name in the file).',
    ].join('\n'),
    input,
    capability: 'hoverProvider',
    feature: 'hover',
    async answer(session, position, label, _args, ctx) {
      const hover = await session.server.request<Hover | null>(
        'textDocument/hover',
        { textDocument: { uri: session.document.uri }, position },
        ctx.signal,
      );
      const text = hoverText(hover);
      return text ? `${label}\n${text}` : `No hover information at ${label}.`;
    },
  });
}
