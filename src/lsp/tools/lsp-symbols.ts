/**
 * `lsp_symbols`: the outline of a file (document symbols), or a search for symbols by name across the
 * workspace (workspace symbols).
 */
import { z } from 'zod';
import { withAliases } from '../../tools/builtin/tool-input.js';
import type { Tool, ToolContext } from '../../tools/tool.js';
import { findSourceFile } from '../find-source-file.js';
import { formatLocations, readableLocations, type FileLocation } from '../format-locations.js';
import { flattenSymbols, formatOutline } from '../format-symbols.js';
import type { LanguageServer } from '../language-server.js';
import { symbolKindName, type DocumentSymbol, type SymbolInformation } from '../protocol.js';
import { filePathField, LSP_ALIASES, lspTool, requireCapability, type LspRuntime } from './shared.js';

const input = withAliases(
  z.object({
    file_path: filePathField.optional().describe('A file to outline. Without it, query searches the workspace.'),
    query: z
      .string()
      .min(1)
      .optional()
      .describe('A name, or part of one, to search for (in file_path if given, else in the whole workspace).'),
  }),
  LSP_ALIASES,
);

/** Workspace symbols listed at most. */
export const MAX_WORKSPACE_SYMBOLS = 100;

/**
 * The `lsp_symbols` tool.
 *
 * @example
 * ```ts
 * await lspSymbolsTool(runtime).execute({ file_path: 'src/a.ts' }, ctx);   // the outline of a.ts
 * await lspSymbolsTool(runtime).execute({ query: 'parseConfig' }, ctx);    // where parseConfig is declared
 * ```
 */
export function lspSymbolsTool(runtime: LspRuntime): Tool<z.output<typeof input>> {
  return lspTool(runtime, {
    name: 'lsp_symbols',
    description: [
      'Lists symbols from the language server. With file_path: the outline of that file (classes, functions, variables, with their lines), filtered by query if given.',
      'With query alone: declarations whose name matches, across the workspace.',
    ].join('\n'),
    input,
    async execute(args, ctx) {
      if (args.file_path !== undefined) return documentSymbols(runtime, args.file_path, args.query, ctx);
      if (args.query !== undefined) return workspaceSymbols(runtime, args.query, ctx);
      throw new Error('Give file_path (to outline a file) or query (to search the workspace), or both.');
    },
  });
}

async function documentSymbols(
  runtime: LspRuntime,
  file: string,
  query: string | undefined,
  ctx: ToolContext,
): Promise<string> {
  const { client, workspace } = runtime;
  const absolute = await workspace.resolve(file);
  return client.withFile(
    absolute,
    async (session) => {
      requireCapability(session.server, 'documentSymbolProvider', 'document symbols');
      const answer = await session.server.request<(DocumentSymbol | SymbolInformation)[] | null>(
        'textDocument/documentSymbol',
        { textDocument: { uri: session.document.uri } },
        ctx.signal,
      );
      const display = workspace.display(absolute);
      const symbols = answer ?? [];
      if (query === undefined) {
        if (symbols.length === 0) return `No symbols in ${display}.`;
        return `Symbols of ${display}:\n${formatOutline(symbols).join('\n')}`;
      }
      const needle = query.toLowerCase();
      const matches = flattenSymbols(symbols).filter((entry) => entry.name.toLowerCase().includes(needle));
      if (matches.length === 0) return `No symbol matching "${query}" in ${display}.`;
      const lines = matches.map(({ name, symbol }) => {
        const range = 'selectionRange' in symbol ? symbol.selectionRange : symbol.location.range;
        const where = range ? `${display}:${range.start.line + 1}:${range.start.character + 1}` : display;
        return `${symbolKindName(symbol.kind)} ${name}  ${where}`;
      });
      return `Symbols matching "${query}" in ${display}:\n${lines.join('\n')}`;
    },
    ctx.signal,
  );
}

interface FoundSymbol extends FileLocation {
  readonly label: string;
}

async function workspaceSymbols(runtime: LspRuntime, query: string, ctx: ToolContext): Promise<string> {
  const { client, workspace } = runtime;
  const found: FoundSymbol[] = [];
  const problems: string[] = [];
  for (const server of client.servers.values()) {
    try {
      found.push(...(await searchServer(runtime, server, query, ctx)));
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (found.length === 0 && problems.length > 0 && problems.length === client.servers.size) {
    throw new Error(problems.join('\n'));
  }
  // Declarations in the workspace first, then those of libraries.
  const ordered = [...(await readableLocations(ctx, found))].sort(
    (a, b) => Number(!workspace.contains(a.path)) - Number(!workspace.contains(b.path)),
  );
  const note = problems.length > 0 ? `\n(${problems.join(' ')})` : '';
  if (ordered.length === 0) return `No symbols matching "${query}" in the workspace.${note}`;
  const lines = await formatLocations(workspace, ordered, MAX_WORKSPACE_SYMBOLS);
  const shown = ordered.slice(0, MAX_WORKSPACE_SYMBOLS);
  const labelled = lines.map((line, index) => (shown[index] ? `${shown[index]!.label}  ${line}` : line));
  return `Symbols matching "${query}":\n${labelled.join('\n')}${note}`;
}

async function searchServer(
  runtime: LspRuntime,
  server: LanguageServer,
  query: string,
  ctx: ToolContext,
): Promise<FoundSymbol[]> {
  const { client, workspace } = runtime;
  // A server with nothing open needs a file of its languages to load a project; without one it has
  // nothing to search and is not started for nothing.
  const seed =
    server.documents.all().length === 0 ? await findSourceFile(workspace.sandbox, server.config.languages) : undefined;
  if (server.documents.all().length === 0 && !seed) return [];
  return client.withServer(server, async () => {
    requireCapability(server, 'workspaceSymbolProvider', 'workspace symbols');
    if (server.documents.all().length === 0 && seed) await client.open(server, seed, ctx.signal);
    const answer = await server.request<SymbolInformation[] | null>('workspace/symbol', { query }, ctx.signal);
    const out: FoundSymbol[] = [];
    for (const symbol of answer ?? []) {
      const file = workspace.pathOf(symbol.location?.uri ?? '');
      if (!file) continue;
      const range = symbol.location.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      const container = symbol.containerName ? `${symbol.containerName}.` : '';
      out.push({ path: file, range, label: `${symbolKindName(symbol.kind)} ${container}${symbol.name}` });
    }
    return out;
  });
}
