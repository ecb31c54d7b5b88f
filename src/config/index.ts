/**
 * `icode/config`: agents built from config files. `loadConfig` reads the user's, the project's and the
 * local config files (JSONC, validated), `createAgentFromConfig` builds an agent from them (command hooks,
 * plugins and skills included), `watchConfig` and `configuredAgent` follow changes, `projectInstructions`
 * merges `AGENTS.md`/`CLAUDE.md` files, and `commandHook` runs hook programs with the Claude Code contract.
 *
 * @packageDocumentation
 */
export { loadConfig, configFiles } from './load-config.js';
export type { LoadConfigOptions } from './load-config.js';
export { findProjectRoot, userConfigDir } from './config-paths.js';
export type { ConfigEnv } from './config-paths.js';
export { ConfigFileError } from './config-file-error.js';
export type { ConfigLocation } from './config-file-error.js';
export { createAgentFromConfig } from './create-agent-from-config.js';
export type { ConfigOverrides } from './create-agent-from-config.js';
export type { ConfigPolicyOptions } from './config-policy.js';
export { configPluginDir } from './config-plugins.js';
export { commandHook } from '../hooks/command-hook.js';
export type { CommandHookEvent, CommandHookOptions } from '../hooks/command-hook.js';
export { watchConfig } from './watch-config.js';
export type { ConfigWatcher, WatchConfigOptions } from './watch-config.js';
export { configuredAgent } from './configured-agent.js';
export type { ConfiguredAgent, ConfiguredAgentOptions } from './configured-agent.js';
export { projectInstructions } from './instructions/project-instructions.js';
export type { ProjectInstructionsOptions } from './instructions/project-instructions.js';
export { configFileSchema, HOOK_EVENTS, PROVIDER_NAMES } from './schema.js';
export type {
  ConfigFile,
  HookEvent,
  HookSection,
  InstructionsSection,
  LspServerSection,
  McpServerSection,
  PolicySection,
  ProviderName,
  ProviderSection,
  TrustProject,
} from './schema.js';
export type {
  ConfigFileInfo,
  ConfigScope,
  ConfiguredHook,
  ConfiguredInstructions,
  ConfiguredPolicy,
  ConfiguredProvider,
  IcodeConfig,
} from './types.js';
export { ConfigError } from '../errors/config-error.js';
