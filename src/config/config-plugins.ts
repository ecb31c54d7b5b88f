/**
 * The config's `plugins`: each entry installed into the user's plugin folder when it is not there yet, and
 * the enabled ones brought to the agent: their tools, command hooks, MCP servers and skill folders.
 *
 * @packageDocumentation
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { AgentHooks } from '../agent/hooks.js';
import type { LoadedPlugin } from '../plugins/load-plugin.js';
import type { PluginMcpServer } from '../plugins/manifest.js';
import type { PluginManager } from '../plugins/plugin-manager.js';
import type { Toolset, ToolsetStatus } from '../tools/toolset.js';
import { hookFromData } from './config-hooks.js';
import { reportingToolset } from './reporting-toolset.js';
import type { IcodeConfig } from './types.js';

/** What the config's plugins bring to an agent. */
export interface ConfigPlugins {
  /** The tools of the plugins the config names, as the plugins toolset offers them. */
  readonly toolset: Toolset;
  readonly hooks: readonly AgentHooks[];
  /** Keyed `<plugin>-<server>`. */
  readonly mcpServers: Readonly<Record<string, PluginMcpServer>>;
  /** Skill folders of the plugins, absolute. */
  readonly skills: readonly string[];
  /**
   * The installed folders of the plugins offered, to grant read-only: their command tools run in the
   * agent's sandbox, which must reach the program (`${PLUGIN_ROOT}/tool.mjs`) and its files.
   */
  readonly folders: readonly string[];
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The plugin folder of a config: `plugins/` in the user's config folder, as `PluginManager` defaults to.
 *
 * @example
 * ```ts
 * const manager = new PluginManager({ dir: configPluginDir(config) });
 * ```
 */
export function configPluginDir(config: IcodeConfig): string {
  return join(config.userDir, 'plugins');
}

/**
 * Applies the config's `plugins`. An entry is a path (absolute once loaded: a folder or a `.tgz`) or a
 * name: a path is installed from, once (again when a folder's manifest version changed); a name is an
 * installed plugin's name, or the source it was installed from, else an npm package to install. Only the
 * plugins named here are offered, and only while enabled (`manager.disable(name)` turns one off without
 * editing the config). An entry that cannot be installed or loaded, or whose hooks are invalid, is skipped
 * and reported as a `toolset-status` event, never fatal.
 */
export async function configPlugins(config: IcodeConfig): Promise<ConfigPlugins | undefined> {
  if (config.plugins.length === 0) return undefined;
  const [{ PluginManager }, { plugins }] = await Promise.all([
    import('../plugins/plugin-manager.js'),
    import('../plugins/plugins-toolset.js'),
  ]);
  const manager = new PluginManager({ dir: configPluginDir(config) });
  const problems: ToolsetStatus[] = [];
  const report = (server: string, error: string): void =>
    void problems.push({ server, status: 'degraded', message: error });

  const names = new Set<string>();
  for (const [index, entry] of config.plugins.entries()) {
    const where = `plugins[${index}] (${config.sources[`plugins[${index}]`] ?? 'config'})`;
    try {
      names.add(await installed(manager, entry));
    } catch (error) {
      report(`plugin:${entry}`, `${where}: ${message(error)}`);
    }
  }

  const used: LoadedPlugin[] = [];
  const hooks: AgentHooks[] = [];
  const loaded = await manager.load();
  for (const { name, error } of loaded.problems) if (names.has(name)) report(`plugin:${name}`, error);
  for (const plugin of loaded.plugins) {
    if (!names.has(plugin.name)) continue;
    try {
      hooks.push(...pluginHooks(plugin, config.root));
      used.push(plugin);
    } catch (error) {
      report(`plugin:${plugin.name}`, `${message(error)}; the plugin is not used.`);
    }
  }

  const offered = new Set(used.map((plugin) => plugin.name));
  return {
    toolset: reportingToolset(plugins(manager), {
      problems,
      // Tools are named `plugin__<name>__<tool>`, and a plugin name never holds `__`.
      keep: (tool) => offered.has(tool.name.split('__')[1] ?? ''),
      forward: (status) => offered.has(status.server.replace(/^plugin:/, '')),
    }),
    hooks,
    mcpServers: Object.assign({}, ...used.map((plugin) => plugin.mcpServers)) as Record<string, PluginMcpServer>,
    skills: used.flatMap((plugin) => plugin.skills),
    folders: used.map((plugin) => plugin.root),
  };
}

/** The installed name of the plugin `entry` names, installing it first when needed. */
async function installed(manager: PluginManager, entry: string): Promise<string> {
  const list = await manager.list();
  if (!isAbsolute(entry)) {
    const known = list.find((plugin) => plugin.name === entry) ?? list.find((plugin) => plugin.source === entry);
    return known ? known.name : (await manager.install(entry)).name;
  }
  const same = list.find((plugin) => plugin.source === entry);
  if (!same) return (await manager.install(entry)).name;
  // A folder is installed again when its manifest's version changed (an update); its copy is used else.
  if ((await stat(entry).catch(() => undefined))?.isDirectory()) {
    const { readPluginManifest } = await import('../plugins/manifest.js');
    const manifest = await readPluginManifest(entry).catch(() => undefined);
    if (manifest?.name === same.name && manifest.version !== same.version)
      await manager.install(entry, { replace: true });
  }
  return same.name;
}

/** A plugin's hooks, running in the project root with the plugin's folder in `ICODE_PLUGIN_ROOT`. */
function pluginHooks(plugin: LoadedPlugin, root: string): AgentHooks[] {
  const env = { ICODE_PLUGIN_ROOT: plugin.root, CLAUDE_PLUGIN_ROOT: plugin.root };
  return plugin.hooks.map((hook, index) =>
    hookFromData(hook, `plugin "${plugin.name}", hooks[${index}]`, {
      cwd: root,
      env,
      name: `plugin ${plugin.name}: ${hook.command}`,
    }),
  );
}
