/**
 * `icode/plugins`: plugins (folders or npm packages with an `icode-plugin.json` manifest), skills
 * (`SKILL.md` folders) and the toolsets that bring them to an agent. Node only.
 *
 * @packageDocumentation
 */
export { plugins } from './plugins-toolset.js';
export type { PluginsToolset } from './plugins-toolset.js';
export { createPluginManager, PluginManager } from './plugin-manager.js';
export type {
  PluginInstallOptions,
  PluginInstallResult,
  PluginLoadResult,
  PluginManagerOptions,
  PluginStatus,
} from './plugin-manager.js';
export type { LoadedPlugin } from './load-plugin.js';
export { PLUGIN_MANIFEST, pluginManifestSchema, pluginToolName, readPluginManifest } from './manifest.js';
export type { PluginCommandTool, PluginHook, PluginManifest, PluginMcpServer, PluginModuleTool } from './manifest.js';
export { defaultPluginDir } from './plugin-state.js';
export { DEFAULT_COMMAND_TOOL_TIMEOUT_MS, MAX_COMMAND_INPUT_CHARS } from './command-tool.js';
