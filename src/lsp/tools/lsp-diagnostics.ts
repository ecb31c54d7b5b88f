/**
 * `lsp_diagnostics`: the errors and warnings the language server reports for a file, or for every file
 * open in the servers.
 */
import { z } from 'zod';
import { withAliases } from '../../tools/builtin/tool-input.js';
import type { Tool, ToolContext } from '../../tools/tool.js';
import { countBySeverity, formatDiagnostic, sortDiagnostics } from '../format-diagnostics.js';
import { readableLocations } from '../format-locations.js';
import type { Diagnostic } from '../protocol.js';
import { settle } from '../settle.js';
import { filePathField, LSP_ALIASES, lspTool, type LspRuntime } from './shared.js';

const input = withAliases(
  z.object({
    file_path: filePathField
      .optional()
      .describe(
        'The file to check. Without it: every file the language servers have open (files edited or looked at).',
      ),
  }),
  LSP_ALIASES,
);

/** Diagnostics listed at most per file. */
export const MAX_DIAGNOSTICS_PER_FILE = 50;

/**
 * The `lsp_diagnostics` tool. Hints (unused-variable fades and the like) are left out.
 *
 * @example
 * ```ts
 * await lspDiagnosticsTool(runtime).execute({ file_path: 'src/a.ts' }, ctx);
 * // "src/a.ts: 1 error\nsrc/a.ts:4:37 error TS2345: Argument of type 'string' is not assignable …"
 * ```
 */
export function lspDiagnosticsTool(runtime: LspRuntime): Tool<z.output<typeof input>> {
  return lspTool(runtime, {
    name: 'lsp_diagnostics',
    description: [
      'Reports the errors and warnings of a file from the language server (type errors, unresolved imports, syntax errors), as the compiler sees them now.',
      'Without file_path: the problems of every file the language servers have open.',
    ].join('\n'),
    input,
    async execute(args, ctx) {
      return args.file_path === undefined ? openFiles(runtime, ctx) : oneFile(runtime, args.file_path, ctx);
    },
  });
}

async function oneFile(runtime: LspRuntime, file: string, ctx: ToolContext): Promise<string> {
  const { client, workspace } = runtime;
  const absolute = await workspace.resolve(file);
  return client.withFile(
    absolute,
    async (session) => {
      const settled = await settle(session.server, [absolute], waitOptions(runtime, ctx));
      const late =
        settled.late.length > 0
          ? `\n(The server had not finished checking ${workspace.display(absolute)}; these may be out of date.)`
          : '';
      return describe(runtime, absolute, settled.byPath.get(absolute) ?? []) + late;
    },
    ctx.signal,
  );
}

async function openFiles(runtime: LspRuntime, ctx: ToolContext): Promise<string> {
  const { client } = runtime;
  const sections: string[] = [];
  let files = 0;
  for (const server of client.servers.values()) {
    if (server.state !== 'ready' || server.documents.all().length === 0) continue;
    const paths = await client.withServer(server, async () => {
      const known = server.documents.known();
      // Files changed since they were opened (by bash, say) are sent again first.
      await Promise.all(known.map((file) => server.documents.sync(file)));
      return server.documents.all().map((document) => document.path);
    });
    const visible = (
      await readableLocations(
        ctx,
        paths.map((path) => ({ path })),
      )
    ).map((entry) => entry.path);
    const settled = await settle(server, visible, waitOptions(runtime, ctx));
    files += visible.length;
    for (const file of visible.sort()) {
      const diagnostics = shown(settled.byPath.get(file) ?? []);
      if (diagnostics.length > 0) sections.push(describe(runtime, file, diagnostics));
    }
  }
  if (files === 0) return 'No files are open in a language server yet. Give file_path to check a file.';
  if (sections.length === 0) return `No problems in the ${files === 1 ? 'open file' : `${files} open files`}.`;
  return sections.join('\n\n');
}

function describe(runtime: LspRuntime, file: string, all: readonly Diagnostic[]): string {
  const display = runtime.workspace.display(file);
  const diagnostics = sortDiagnostics(shown(all));
  if (diagnostics.length === 0) return `No problems in ${display}.`;
  const lines = diagnostics
    .slice(0, MAX_DIAGNOSTICS_PER_FILE)
    .map((diagnostic) => formatDiagnostic(display, diagnostic));
  if (diagnostics.length > MAX_DIAGNOSTICS_PER_FILE)
    lines.push(`… and ${diagnostics.length - MAX_DIAGNOSTICS_PER_FILE} more`);
  return `${display}: ${countBySeverity(diagnostics)}\n${lines.join('\n')}`;
}

/** Errors, warnings and information; hints are editor decorations. */
function shown(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((diagnostic) => (diagnostic.severity ?? 1) < 4);
}

function waitOptions(
  runtime: LspRuntime,
  ctx: ToolContext,
): { timeoutMs: number; quietMs: number; signal: AbortSignal; pullAll: boolean } {
  const { options } = runtime.client;
  return { timeoutMs: options.diagnosticsTimeoutMs, quietMs: options.quietMs, signal: ctx.signal, pullAll: false };
}
