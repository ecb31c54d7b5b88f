/**
 * Loading an installed plugin: its manifest read and checked, its tools built, its hooks, MCP servers and
 * skill folders resolved against its folder.
 *
 * @packageDocumentation
 */
import { stat } from 'node:fs/promises';
import { ConfigError } from '../errors/config-error.js';
import type { Tool } from '../tools/tool.js';
import { commandTool } from './command-tool.js';
import { readPluginManifest, type PluginHook, type PluginManifest, type PluginMcpServer } from './manifest.js';
import { moduleTool } from './module-tool.js';
import { realPathInside, withPluginRoot } from './plugin-root.js';

/**
 * An enabled plugin, ready to use: its tools (named `plugin__<name>__<tool>`), and as data for the
 * integrator to wire, its command hooks, MCP servers and skill folders, `${PLUGIN_ROOT}` already replaced.
 *
 * @example
 * ```ts
 * const { plugins } = await manager.load();
 * const servers = Object.assign({}, ...plugins.map((p) => p.mcpServers));
 * ```
 */
export interface LoadedPlugin {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  /** The installed folder. */
  readonly root: string;
  readonly manifest: PluginManifest;
  readonly tools: readonly Tool[];
  /** Command hooks, `{ command, events, matcher, timeoutMs }`, for `commandHook` of `icode/config`. */
  readonly hooks: readonly PluginHook[];
  /** MCP servers in the shape `mcpServers({ servers })` takes, keyed `<plugin>-<server>`. */
  readonly mcpServers: Readonly<Record<string, PluginMcpServer>>;
  /** Skill folders (absolute, inside the plugin folder) for `skills({ paths })`. */
  readonly skills: readonly string[];
}

/** Options of {@link loadPlugin}. */
export interface LoadPluginOptions {
  /** The name the plugin is installed under: the manifest must claim the same. */
  readonly name: string;
  readonly cacheKey: string;
  readonly trustReadOnly?: boolean;
}

function substituted<T>(value: T, root: string, where: string): T {
  if (typeof value === 'string') return withPluginRoot(value, root, where) as T;
  if (Array.isArray(value)) return value.map((item) => substituted(item, root, where)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituted(v, root, where)])) as T;
  }
  return value;
}

/**
 * Loads the plugin installed in `root`.
 *
 * @throws ConfigError for anything wrong with it: a broken manifest, a manifest that claims another name
 * than the one it is installed under, a module or skill folder outside the plugin, a module that fails.
 */
export async function loadPlugin(root: string, options: LoadPluginOptions): Promise<LoadedPlugin> {
  const manifest = await readPluginManifest(root);
  if (manifest.name !== options.name) {
    throw new ConfigError(
      `The plugin installed as "${options.name}" now claims the name "${manifest.name}" in its manifest; reinstall it.`,
    );
  }
  const place = { name: manifest.name, root };
  const tools: Tool[] = [];
  for (const entry of manifest.tools ?? []) {
    tools.push(
      'command' in entry
        ? commandTool(place, entry)
        : await moduleTool(place, entry, { cacheKey: options.cacheKey, trustReadOnly: options.trustReadOnly ?? false }),
    );
  }
  const skills: string[] = [];
  for (const folder of manifest.skills ?? []) {
    const where = `plugin "${manifest.name}", skills`;
    const real = await realPathInside(root, folder, where);
    if (!(await stat(real)).isDirectory()) throw new ConfigError(`${where}: ${folder} is not a folder.`);
    skills.push(real);
  }
  const where = `plugin "${manifest.name}"`;
  const mcpServers = Object.fromEntries(
    Object.entries(manifest.mcpServers ?? {}).map(([server, config]) => [
      `${manifest.name}-${server}`,
      substituted(config, root, `${where}, MCP server "${server}"`),
    ]),
  );
  return {
    name: manifest.name,
    version: manifest.version,
    ...(manifest.description !== undefined ? { description: manifest.description } : {}),
    root,
    manifest,
    tools,
    hooks: substituted(manifest.hooks ?? [], root, `${where}, hooks`),
    mcpServers,
    skills,
  };
}
