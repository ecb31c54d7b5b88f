/**
 * `lsp_references`: every use of the symbol at a position, across the project.
 */
import { z } from 'zod';
import { withAliases } from '../../tools/builtin/tool-input.js';
import type { Tool } from '../../tools/tool.js';
import { fileLocations, formatLocations, readableLocations } from '../format-locations.js';
import type { Location } from '../protocol.js';
import { positionTool } from './position-tool.js';
import { LSP_ALIASES, positionFields, type LspRuntime } from './shared.js';

const input = withAliases(
  z.object({
    ...positionFields,
    include_declaration: z.boolean().optional().describe('List the declaration itself too (default true).'),
  }),
  { ...LSP_ALIASES, includeDeclaration: 'include_declaration' },
);

/** References listed at most. */
export const MAX_REFERENCES = 200;

/**
 * The `lsp_references` tool.
 *
 * @example
 * ```ts
 * await lspReferencesTool(runtime).execute({ file_path: 'src/a.ts', symbol: 'add' }, ctx);
 * // '4 references to add (src/a.ts:1:17):\nsrc/a.ts:1:17: export function add(…\nsrc/b.ts:2:21: …'
 * ```
 */
export function lspReferencesTool(runtime: LspRuntime): Tool<z.output<typeof input>> {
  const { workspace } = runtime;
  return positionTool(runtime, {
    name: 'lsp_references',
    description: [
      'Finds every reference to a symbol across the project (find all references), from the language server: exact, unlike a text search.',
      'Give file_path and either line and column (1-based) or symbol (a name in the file).',
    ].join('\n'),
    input,
    capability: 'referencesProvider',
    feature: 'find references',
    async answer(session, position, label, args, ctx) {
      const answer = await session.server.request<Location[] | null>(
        'textDocument/references',
        {
          textDocument: { uri: session.document.uri },
          position,
          context: { includeDeclaration: args.include_declaration ?? true },
        },
        ctx.signal,
      );
      const locations = await readableLocations(ctx, fileLocations(workspace, answer));
      if (locations.length === 0) return `No references found to ${label}.`;
      const lines = await formatLocations(workspace, locations, MAX_REFERENCES);
      const count = locations.length === 1 ? '1 reference' : `${locations.length} references`;
      return `${count} to ${label}:\n${lines.join('\n')}`;
    },
  });
}
