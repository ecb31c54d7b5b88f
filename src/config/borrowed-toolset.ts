import type { Tool } from '../tools/tool.js';
import { isToolset, type Toolset } from '../tools/toolset.js';

/**
 * `toolset` as an agent may use it without owning it: `close()` does nothing. Agents built one after
 * another from a changing config share the caller's toolsets; closing a retired agent must not stop a
 * server the next agent still uses.
 */
export function borrowedToolset(toolset: Toolset): Toolset {
  return {
    kind: 'toolset',
    name: toolset.name,
    tools: (context) => toolset.tools(context),
    ...(toolset.onToolsChanged ? { onToolsChanged: (listener) => toolset.onToolsChanged!(listener) } : {}),
    ...(toolset.onStatus ? { onStatus: (listener) => toolset.onStatus!(listener) } : {}),
    ...(toolset.wrapTools ? { wrapTools: (tools) => toolset.wrapTools!(tools) } : {}),
    close: () => Promise.resolve(),
  };
}

/** `tools` with every toolset borrowed. */
export function borrowTools(tools: readonly (Tool | Toolset)[]): (Tool | Toolset)[] {
  return tools.map((entry) => (isToolset(entry) ? borrowedToolset(entry) : entry));
}
