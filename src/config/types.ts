/**
 * The merged configuration `loadConfig` returns.
 *
 * @packageDocumentation
 */
import type { JsonValue } from '../model/message.js';
import type { PermissionMode } from '../policy/types.js';
import type { AdditionalDirectory } from '../sandbox/types.js';
import type { HookSection, LspServerSection, McpServerSection, ProviderName } from './schema.js';

/**
 * Which file a value came from: the user's, the project's, or the project's local (uncommitted) one. The
 * types below are the parts of {@link IcodeConfig}.
 *
 * @example
 * ```ts
 * const local = config.files.find((file: ConfigFileInfo) => file.scope === 'local')?.file;
 * ```
 */
export type ConfigScope = 'user' | 'project' | 'local';

/** A config file that was read. */
export interface ConfigFileInfo {
  readonly scope: ConfigScope;
  readonly file: string;
}

/** The provider settings: `name` and `model` are required by `createAgentFromConfig`, not by the files. */
export interface ConfiguredProvider {
  readonly name?: ProviderName;
  readonly model?: string;
  readonly baseURL?: string;
  /** Environment variable holding the API key (set in the user file only). */
  readonly apiKeyEnv?: string;
  readonly options: Readonly<Record<string, JsonValue>>;
}

/**
 * The merged policy: rule lists from every file, the narrowest mode any file set (`plan` narrowest of
 * all) and, with `plan`, the narrowest `afterPlan` (bounded by every other mode a file set, as
 * `mergePolicyOptions` does).
 */
export interface ConfiguredPolicy {
  readonly mode?: PermissionMode;
  /** Only with `mode: 'plan'`: the mode once a person approved the plan. */
  readonly afterPlan?: PermissionMode;
  readonly allow: readonly string[];
  readonly ask: readonly string[];
  readonly deny: readonly string[];
  /** Absolute paths. */
  readonly additionalDirectories: readonly AdditionalDirectory[];
}

/** A command hook as data, with the file it came from and the folder its relative paths are taken from. */
export interface ConfiguredHook extends HookSection {
  readonly source: string;
  readonly baseDir: string;
}

/** The instructions settings, with file paths made absolute. */
export interface ConfiguredInstructions {
  readonly text?: string;
  readonly files: readonly string[];
  /** File names looked for from the root down to cwd; `false` when turned off. */
  readonly projectFiles: readonly string[] | false;
  readonly maxBytes: number;
}

/**
 * The configuration of one project, merged from the user, project and local files (user < project <
 * local): what `createAgentFromConfig` builds an agent from. Relative paths are already absolute.
 *
 * @example
 * ```ts
 * const config = await loadConfig({ cwd: process.cwd() });
 * console.log(config.provider.model, 'from', config.sources['provider.model']);
 * ```
 */
export interface IcodeConfig {
  /** The folder the config was loaded for. */
  readonly cwd: string;
  /** The project root: tools work on it, project files are read from its `.icode` folder. */
  readonly root: string;
  /** The user's config folder. */
  readonly userDir: string;
  /** The files read, lowest precedence first. */
  readonly files: readonly ConfigFileInfo[];
  readonly provider: ConfiguredProvider;
  readonly policy: ConfiguredPolicy;
  readonly mcpServers: Readonly<Record<string, McpServerSection>>;
  readonly lspServers: Readonly<Record<string, LspServerSection>>;
  /** Every file's hooks, user file's first. */
  readonly hooks: readonly ConfiguredHook[];
  /** Plugin paths (absolute: folders or tarballs to install from) and names (installed plugins or npm packages). */
  readonly plugins: readonly string[];
  /** Skill folders, absolute. */
  readonly skills: readonly string[];
  readonly instructions: ConfiguredInstructions;
  readonly maxTurns?: number;
  readonly maxParallelTools?: number;
  readonly toolTimeoutMs?: number;
  readonly maxToolOutputChars?: number;
  readonly maxCostUsd?: number;
  readonly maxOutputTokens?: number;
  readonly temperature?: number;
  /**
   * Which file set each value, by JSON path of the merged value: `provider.model`, `policy.deny[2]`,
   * `mcpServers.fs`, `hooks[0]`, `maxTurns`, …
   */
  readonly sources: Readonly<Record<string, string>>;
}

/** The settings passed to `createAgent` as they are. */
export const CONFIG_LIMITS = [
  'maxTurns',
  'maxParallelTools',
  'toolTimeoutMs',
  'maxToolOutputChars',
  'maxCostUsd',
  'maxOutputTokens',
  'temperature',
] as const;

/** Default cap on project instructions, in bytes. */
export const DEFAULT_INSTRUCTIONS_MAX_BYTES = 32 * 1024;

/** Default project instruction file names. */
export const DEFAULT_INSTRUCTION_FILES: readonly string[] = ['AGENTS.md', 'CLAUDE.md'];
