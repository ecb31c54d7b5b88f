/**
 * The skeleton of the LSP tools that ask about one position in a file (`lsp_definition`, `lsp_hover`,
 * `lsp_references`): open the file, check the server offers the feature, resolve the position, name it.
 */
import type { z } from 'zod';
import type { Tool, ToolContext } from '../../tools/tool.js';
import { positionLabel } from '../format-locations.js';
import type { FileSession } from '../lsp-client.js';
import { resolvePosition, type PositionInput } from '../positions.js';
import type { Position, ServerCapabilities } from '../protocol.js';
import { lspTool, positionName, requireCapability, type LspRuntime } from './shared.js';

/** The input of a position tool: a file and a position in it. */
export interface PositionArgs extends PositionInput {
  readonly file_path: string;
}

/** What makes one position tool differ from another. */
export interface PositionToolDefinition<TSchema extends z.ZodType<PositionArgs>> {
  readonly name: string;
  readonly description: string;
  readonly input: TSchema;
  /** The server capability the request needs, e.g. `hoverProvider`. */
  readonly capability: keyof ServerCapabilities;
  /** The feature as the message of a server without it names it, e.g. `hover`. */
  readonly feature: string;
  /**
   * Asks the server about `position` and words the answer; `label` names the position for messages
   * (`add (src/a.ts:1:17)`, or `src/a.ts:1:17` when no symbol was given).
   */
  answer(
    session: FileSession,
    position: Position,
    label: string,
    args: z.output<TSchema>,
    ctx: ToolContext,
  ): Promise<string>;
}

/**
 * A read-only LSP tool about the symbol at one position of a file.
 *
 * @example
 * ```ts
 * positionTool(runtime, {
 *   name: 'lsp_hover',
 *   description: 'Shows the type of a symbol.',
 *   input: withAliases(z.object(positionFields), LSP_ALIASES),
 *   capability: 'hoverProvider',
 *   feature: 'hover',
 *   answer: async (session, position, label, args, ctx) => {
 *     const hover = await session.server.request<Hover | null>(
 *       'textDocument/hover', { textDocument: { uri: session.document.uri }, position }, ctx.signal);
 *     return `${label}\n${hoverText(hover)}`;
 *   },
 * });
 * ```
 */
export function positionTool<TSchema extends z.ZodType<PositionArgs>>(
  runtime: LspRuntime,
  definition: PositionToolDefinition<TSchema>,
): Tool<z.output<TSchema>> {
  const { client, workspace } = runtime;
  const { capability, feature, answer, ...fields } = definition;
  return lspTool(runtime, {
    ...fields,
    async execute(args, ctx) {
      const absolute = await workspace.resolve(args.file_path);
      return client.withFile(
        absolute,
        async (session) => {
          requireCapability(session.server, capability, feature);
          const position = await resolvePosition(workspace, session, args, ctx.signal);
          const label = positionName(
            positionLabel(workspace, absolute, { start: position, end: position }),
            args.symbol,
          );
          return answer(session, position, label, args, ctx);
        },
        ctx.signal,
      );
    },
  });
}
