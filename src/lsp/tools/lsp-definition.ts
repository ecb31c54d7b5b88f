/**
 * `lsp_definition`: where the symbol at a position is defined.
 */
import { z } from 'zod';
import { withAliases } from '../../tools/builtin/tool-input.js';
import type { Tool } from '../../tools/tool.js';
import { fileLocations, formatLocations, readableLocations } from '../format-locations.js';
import type { Location, LocationLink } from '../protocol.js';
import { positionTool } from './position-tool.js';
import { LSP_ALIASES, positionFields, type LspRuntime } from './shared.js';

const input = withAliases(z.object(positionFields), LSP_ALIASES);

/** Definitions listed at most (overloads, declaration merging). */
const MAX_DEFINITIONS = 20;

/**
 * The `lsp_definition` tool.
 *
 * @example
 * ```ts
 * await lspDefinitionTool(runtime).execute({ file_path: 'src/b.ts', line: 2, column: 21 }, ctx);
 * // 'Definition of src/b.ts:2:21:\nsrc/a.ts:1:17: export function add(a: number, b: number): number {'
 * ```
 */
export function lspDefinitionTool(runtime: LspRuntime): Tool<z.output<typeof input>> {
  const { workspace } = runtime;
  return positionTool(runtime, {
    name: 'lsp_definition',
    description: [
      'Finds where a symbol is defined (go to definition), from the language server: follows imports and re-exports to the declaration.',
      'Give file_path and either line and column (1-based) of a use of the symbol, or symbol (a name in the file).',
    ].join('\n'),
    input,
    capability: 'definitionProvider',
    feature: 'go to definition',
    async answer(session, position, label, _args, ctx) {
      const answer = await session.server.request<Location | (Location | LocationLink)[] | null>(
        'textDocument/definition',
        { textDocument: { uri: session.document.uri }, position },
        ctx.signal,
      );
      const locations = await readableLocations(ctx, fileLocations(workspace, answer));
      if (locations.length === 0) return `No definition found for ${label}.`;
      const lines = await formatLocations(workspace, locations, MAX_DEFINITIONS);
      return `Definition of ${label}:\n${lines.join('\n')}`;
    },
  });
}
