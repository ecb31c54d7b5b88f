import type { Tool } from '../tools/tool.js';
import type { Toolset, ToolsetStatus } from '../tools/toolset.js';

/** Options of {@link reportingToolset}. */
export interface ReportingOptions {
  /** Problems found while the config was applied, reported once as `toolset-status` events (`degraded`). */
  readonly problems: readonly ToolsetStatus[];
  /** The tools of the inner toolset to offer. @defaultValue all */
  readonly keep?: (tool: Tool) => boolean;
  /** The inner toolset's statuses to pass on. @defaultValue all */
  readonly forward?: (status: ToolsetStatus) => boolean;
}

/**
 * `toolset` with the problems of building it reported to the runs (a plugin or skill that was skipped is
 * never fatal, and never silent), and optionally only some of its tools. The problems are emitted at the
 * first `tools()` call, when the agent is listening: a status emitted earlier would count as seen.
 */
export function reportingToolset(toolset: Toolset, options: ReportingOptions): Toolset {
  const listeners = new Set<(status: ToolsetStatus) => void>();
  let pending = options.problems;
  let last: { readonly from: readonly Tool[]; readonly tools: readonly Tool[] } | undefined;
  const { keep, forward } = options;
  return {
    kind: 'toolset',
    name: toolset.name,
    async tools(context) {
      const problems = pending;
      pending = [];
      for (const status of problems) for (const listener of listeners) listener(status);
      const from = await toolset.tools(context);
      if (!keep) return from;
      // The same array while the inner one is the same, so the agent reuses what it built.
      if (last?.from !== from) last = { from, tools: from.filter(keep) };
      return last.tools;
    },
    ...(toolset.onToolsChanged ? { onToolsChanged: (listener) => toolset.onToolsChanged!(listener) } : {}),
    onStatus(listener) {
      listeners.add(listener);
      const off = toolset.onStatus?.((status) => {
        if (!forward || forward(status)) listener(status);
      });
      return () => {
        listeners.delete(listener);
        off?.();
      };
    },
    close: () => toolset.close(),
  };
}
