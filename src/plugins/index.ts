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
export { skillInstructions, skills, SKILL_TOOL_NAME } from '../skills/skills-toolset.js';
export type { SkillsOptions, SkillsToolset } from '../skills/skills-toolset.js';
export { discoverSkills, MAX_SKILL_FILE_BYTES, readSkill, SKILL_FILE } from '../skills/discover.js';
export type { DiscoverSkillsOptions, Skill, SkillDiscovery, SkillProblem } from '../skills/discover.js';
export { parseFrontMatter } from '../skills/front-matter.js';
export type { FrontMatterDocument, FrontMatterValue } from '../skills/front-matter.js';
