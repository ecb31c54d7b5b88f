/**
 * `plugins()`: the enabled plugins' tools as a toolset for `createAgent({ tools })`.
 *
 * @packageDocumentation
 */
import type { Tool } from '../tools/tool.js';
import type { Toolset, ToolsetStatus } from '../tools/toolset.js';
import { PluginManager, type PluginManagerOptions } from './plugin-manager.js';

/**
 * The toolset {@link plugins} returns; `manager` is the manager it reads (its own when given options).
 *
 * @example
 * ```ts
 * const set: PluginsToolset = plugins({ dir });
 * await set.manager.disable('github');
 * ```
 */
export interface PluginsToolset extends Toolset {
  readonly manager: PluginManager;
}

/**
 * The tools of the enabled plugins, named `plugin__<plugin>__<tool>`, as a toolset: the agent looks them up
 * before each turn, so a plugin enabled, disabled or uninstalled (through any manager or process sharing
 * the directory) shows from the next turn on. Every call goes through the agent's policy like any tool's:
 * `deny: ['plugin__evil__*']` refuses all tools of `evil`, `ask: ['plugin__github__open_pr']` asks first.
 *
 * A plugin that does not load (a broken manifest, a module that fails) is skipped and reported once as a
 * `toolset-status` event (`degraded`, with the error); the other plugins' tools are there.
 *
 * Module tools are code the user chose to install: they run in this process with its rights, and the
 * policy's decision is all that stands between a call and that code. Command tools run through the agent's
 * sandbox (`ctx.sandbox.exec`), so an OS sandbox (bubblewrap) contains them.
 *
 * @example
 * ```ts
 * import { plugins } from 'icode/plugins';
 *
 * const agent = createAgent({
 *   provider,
 *   tools: [...codingTools({ root }), plugins({ dir: '/srv/agent/plugins' })],
 *   policy: { mode: 'workspace-write', deny: ['plugin__untrusted__*'] },
 * });
 * ```
 */
export function plugins(source: PluginManager | PluginManagerOptions = {}): PluginsToolset {
  const manager = source instanceof PluginManager ? source : new PluginManager(source);
  const toolListeners = new Set<() => void>();
  const statusListeners = new Set<(status: ToolsetStatus) => void>();
  const reported = new Set<string>();
  let last: { key: string; tools: readonly Tool[] } | undefined;
  const off = manager.onChange(() => {
    for (const listener of toolListeners) listener();
  });

  return {
    kind: 'toolset',
    name: 'plugins',
    manager,
    async tools() {
      const { plugins: loaded, problems } = await manager.load();
      for (const { name, error } of problems) {
        const key = `${name}\n${error}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const status: ToolsetStatus = { server: `plugin:${name}`, status: 'degraded', message: error };
        for (const listener of statusListeners) listener(status);
      }
      const tools = loaded.flatMap((plugin) => plugin.tools);
      // The same array while nothing changed: the agent then reuses what it built from it.
      const key = tools.map((t) => t.name).join('\n');
      if (last?.key === key && last.tools.every((t, i) => t === tools[i])) return last.tools;
      last = { key, tools };
      return tools;
    },
    onToolsChanged(listener) {
      toolListeners.add(listener);
      return () => void toolListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => void statusListeners.delete(listener);
    },
    close: async () => {
      off();
    },
  };
}
