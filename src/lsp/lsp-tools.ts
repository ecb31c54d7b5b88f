/**
 * `lspTools`: language servers as a toolset for an agent (contract).
 */
import type { Tool, ToolContext } from '../tools/tool.js';
import { resolveOptions } from './config.js';
import { EditFeedback, FEEDBACK_TOOLS, READ_TOOL, type Baseline } from './edit-feedback.js';
import { LspClient } from './lsp-client.js';
import { lspDefinitionTool } from './tools/lsp-definition.js';
import { lspDiagnosticsTool } from './tools/lsp-diagnostics.js';
import { lspHoverTool } from './tools/lsp-hover.js';
import { lspReferencesTool } from './tools/lsp-references.js';
import { lspSymbolsTool } from './tools/lsp-symbols.js';
import type { LspEvent, LspToolCall, LspToolset, LspToolsOptions } from './types.js';
import { wrapWithFeedback } from './with-feedback.js';
import { LspWorkspace } from './workspace.js';

/** Baselines kept for calls whose `afterToolCall` has not come (yet): a bound on what is held. */
const MAX_PENDING_BASELINES = 64;

/**
 * Language servers for an agent: the tools `lsp_diagnostics`, `lsp_hover`, `lsp_definition`,
 * `lsp_references` and `lsp_symbols` (read-only), and after-edit feedback that appends the errors an edit
 * introduced to the result of `write`, `edit`, `multi_edit` and `apply_patch` (`withFeedback`).
 *
 * Servers start on first use of a file of their languages, over stdio, in the workspace root. Files are
 * opened on first use and kept in sync with the disk before every request. A crashed server is restarted
 * with a growing delay; after `maxRestarts` failures in a row it is `degraded` and its tools answer with
 * an error the model can act on (an `lsp-server-degraded` event tells you). Call `close()` when done; the
 * servers are also killed when the process exits.
 *
 * Paths the model gives are resolved in the workspace: a path outside it fails with `WORKSPACE_ESCAPE`.
 * The servers themselves run with your rights (like any program you start), with secrets removed from
 * their environment.
 *
 * @example
 * ```ts
 * import { createRequire } from 'node:module';
 * import { createAgent } from 'icode';
 * import { lspTools } from 'icode/lsp';
 * import { codingTools } from 'icode/tools';
 *
 * const cli = createRequire(import.meta.url).resolve('typescript-language-server/lib/cli.mjs');
 * const lsp = lspTools({
 *   root,
 *   servers: { typescript: { command: process.execPath, args: [cli, '--stdio'], languages: ['ts', 'tsx', 'js'] } },
 * });
 * const agent = createAgent({ provider, tools: [...codingTools({ root }), lsp] });
 * await agent.run('Fix the type errors in src/').result;
 * await lsp.close();
 * ```
 * @throws ConfigError for a bad server entry or option, or a `root` that is not a directory.
 */
export function lspTools(options: LspToolsOptions): LspToolset {
  const resolved = resolveOptions(options);
  const workspace = LspWorkspace.create(options);
  const emit = (event: LspEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A listener's failure is its own business, never the server's.
    }
  };
  const client = new LspClient(workspace, resolved, emit);
  const feedback = resolved.feedback ? new EditFeedback(client, resolved.feedback) : undefined;
  const runtime = { client, workspace };
  const tools = [
    lspDiagnosticsTool(runtime),
    lspHoverTool(runtime),
    lspDefinitionTool(runtime),
    lspReferencesTool(runtime),
    lspSymbolsTool(runtime),
  ];
  const baselines = new Map<string, Promise<Baseline>>();

  const editsOf = async (call: LspToolCall, ctx: ToolContext): Promise<string[]> =>
    feedback && FEEDBACK_TOOLS.has(call.name) ? feedback.editedPaths(call, ctx) : [];

  const wrap = (list: readonly Tool[]): Tool[] => (feedback ? wrapWithFeedback(list, feedback) : [...list]);

  return {
    kind: 'toolset',
    name: 'lsp',
    tools: async () => tools,
    withFeedback: wrap,
    wrapTools: wrap,
    async beforeToolCall(call, ctx) {
      const paths = await editsOf(call, ctx).catch(() => []);
      if (!feedback || paths.length === 0) return;
      if (baselines.size >= MAX_PENDING_BASELINES) baselines.delete(baselines.keys().next().value!);
      const baseline = feedback.before(paths, ctx.signal);
      baselines.set(ctx.toolCallId, baseline);
      await baseline;
    },
    async afterToolCall(call, ctx) {
      const pending = baselines.get(ctx.toolCallId);
      baselines.delete(ctx.toolCallId);
      if (!feedback || call.isError) return undefined;
      try {
        if (call.name === READ_TOOL) {
          await feedback.noteRead(call, ctx);
          return undefined;
        }
        const paths = await editsOf(call, ctx);
        if (paths.length === 0) return undefined;
        return await feedback.after(paths, (await pending) ?? feedback.lastKnown(paths), ctx.signal);
      } catch {
        return undefined;
      }
    },
    status: () => client.status(),
    close: () => client.close(),
  };
}
