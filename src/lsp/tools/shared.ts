/**
 * What the LSP tools share: the client they call, the input fields of a position, and the tool fields
 * every one of them has (read-only, bound to the workspace's sandbox, reads the file it is given).
 */
import { z } from 'zod';
import { tool } from '../../tools/define-tool.js';
import { FILE_ALIASES } from '../../tools/builtin/tool-input.js';
import type { Tool, ToolAccess, ToolDefinition } from '../../tools/tool.js';
import type { LspClient } from '../lsp-client.js';
import { LspError } from '../lsp-error.js';
import type { LanguageServer } from '../language-server.js';
import type { ServerCapabilities } from '../protocol.js';
import type { LspWorkspace } from '../workspace.js';

/** The client and workspace the tools of one toolset use. */
export interface LspRuntime {
  readonly client: LspClient;
  readonly workspace: LspWorkspace;
}

/** Input aliases: the file tools' camelCase spellings, plus `path` and `name` as models often write them. */
export const LSP_ALIASES: Readonly<Record<string, string>> = { ...FILE_ALIASES, path: 'file_path', name: 'symbol' };

export const filePathField = z.string().min(1).describe('Path of the file (relative to the workspace root).');

/** The fields of a position: line and column, or a symbol name. */
export const positionFields = {
  file_path: filePathField,
  line: z.number().int().min(1).optional().describe('1-based line number.'),
  column: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('1-based column (character in the line). Give line and column, or symbol.'),
  symbol: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A name in the file (e.g. "parseConfig" or "Parser.parse") instead of line/column; with line, the name on that line.',
    ),
};

/** The policy sees a read of the file. */
export function readAccess(input: { readonly file_path?: string | undefined }): readonly ToolAccess[] {
  return input.file_path === undefined ? [] : [{ kind: 'read', path: input.file_path }];
}

/**
 * An LSP tool: read-only, bound to the workspace's sandbox, and seen by the policy as a read of the
 * `file_path` it is given.
 *
 * @example
 * ```ts
 * lspTool(runtime, {
 *   name: 'lsp_outline',
 *   description: 'The outline of a file.',
 *   input: z.object({ file_path: filePathField }),
 *   execute: async ({ file_path }) => `Outline of ${file_path}`,
 * });
 * ```
 */
export function lspTool<TSchema extends z.ZodType<{ readonly file_path?: string | undefined }>>(
  runtime: LspRuntime,
  definition: Pick<ToolDefinition<TSchema>, 'name' | 'description' | 'input' | 'execute'>,
): Tool<z.output<TSchema>> {
  return tool({ ...definition, sandbox: runtime.workspace.sandbox, readOnly: true, access: readAccess });
}

/**
 * Checks that the server offers a feature.
 *
 * @throws LspError `unsupported`.
 */
export function requireCapability(server: LanguageServer, capability: keyof ServerCapabilities, what: string): void {
  if (!server.capabilities()[capability]) {
    throw new LspError('unsupported', `The ${server.name} language server does not offer ${what}.`);
  }
}

/** Names the position for messages: the symbol if one was given, else `path:line:column`. */
export function positionName(label: string, symbol: string | undefined): string {
  return symbol ? `${symbol} (${label})` : label;
}
