/**
 * Merges the validated files into one {@link IcodeConfig}: later files win for single values, lists are
 * joined, and the policy merges so that a deny from any file holds.
 *
 * @packageDocumentation
 */
import type { JsonValue } from '../model/message.js';
import { MODES } from '../policy/policy-options.js';
import type { PermissionMode } from '../policy/types.js';
import type { AdditionalDirectory } from '../sandbox/types.js';
import { ConfigFileError } from './config-file-error.js';
import { formatJsonPath } from './json-path.js';
import { canonicalPath, isInside, resolveCommand, resolveConfigPath } from './config-path-value.js';
import type { ParsedConfigFile } from './read-config-file.js';
import type { ConfigFile, LspServerSection, McpServerSection, ProviderName } from './schema.js';
import {
  DEFAULT_INSTRUCTION_FILES,
  DEFAULT_INSTRUCTIONS_MAX_BYTES,
  type ConfigScope,
  type ConfiguredHook,
  type IcodeConfig,
} from './types.js';

/** One file to merge, with the folder its relative paths are taken from. */
export interface ConfigLayer {
  readonly scope: ConfigScope;
  readonly parsed: ParsedConfigFile;
  readonly baseDir: string;
}

/** Where the merge happens: the folders of the result. */
export interface MergeContext {
  readonly cwd: string;
  readonly root: string;
  readonly userDir: string;
  readonly home: string;
}

const SCALARS = [
  'maxTurns',
  'maxParallelTools',
  'toolTimeoutMs',
  'maxToolOutputChars',
  'maxCostUsd',
  'maxOutputTokens',
  'temperature',
] as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Merges `layers` (lowest precedence first) into a config.
 *
 * @throws ConfigFileError for a path in a project file that leads out of the project (symlinks followed).
 */
export async function mergeConfig(layers: readonly ConfigLayer[], context: MergeContext): Promise<IcodeConfig> {
  const sources: Record<string, string> = {};
  const provider: { name?: ProviderName; model?: string; baseURL?: string; apiKeyEnv?: string } = {};
  const options: Record<string, JsonValue> = {};
  const policy = { allow: [] as string[], ask: [] as string[], deny: [] as string[] };
  const directories: AdditionalDirectory[] = [];
  let mode: PermissionMode | undefined;
  const mcpServers: Record<string, McpServerSection> = {};
  const lspServers: Record<string, LspServerSection> = {};
  const hooks: ConfiguredHook[] = [];
  const plugins: string[] = [];
  const skills: string[] = [];
  const instructionFiles: string[] = [];
  let instructionsText: string | undefined;
  let projectFiles: readonly string[] | false = DEFAULT_INSTRUCTION_FILES;
  let maxBytes = DEFAULT_INSTRUCTIONS_MAX_BYTES;
  const scalars: Partial<Mutable<Pick<ConfigFile, (typeof SCALARS)[number]>>> = {};

  for (const { scope, parsed, baseDir } of layers) {
    const { settings, file } = parsed;
    const at = (path: string): void => void (sources[path] = file);
    const path = (value: string): string => resolveConfigPath(baseDir, value, context.home);
    const contained = async (value: string, where: (string | number)[]): Promise<string> => {
      const absolute = path(value);
      if (scope !== 'user' && !isInside(await canonicalPath(context.root), await canonicalPath(absolute)))
        throw new ConfigFileError(
          { file, path: formatJsonPath(where), ...parsed.locate(where) },
          `"${value}" leads out of the project (${context.root}); a project file may only name files inside it.`,
        );
      return absolute;
    };

    for (const key of ['name', 'model', 'baseURL', 'apiKeyEnv'] as const) {
      const value = settings.provider?.[key];
      if (value === undefined) continue;
      (provider as Record<string, string>)[key] = value;
      at(`provider.${key}`);
    }
    for (const [key, value] of Object.entries(settings.provider?.options ?? {})) {
      options[key] = value as JsonValue;
      at(`provider.options.${key}`);
    }

    const rules = settings.policy;
    for (const list of ['allow', 'ask', 'deny'] as const) {
      const value = rules?.[list];
      for (const rule of value === undefined ? [] : typeof value === 'string' ? [value] : value) {
        at(`policy.${list}[${policy[list].length}]`);
        policy[list].push(rule);
      }
    }
    if (rules?.mode !== undefined) {
      // Across files the mode only narrows; the user file's mode is the ceiling project files were checked against.
      if (mode === undefined || MODES.indexOf(rules.mode) < MODES.indexOf(mode)) mode = rules.mode;
      if (mode === rules.mode) at('policy.mode');
    }
    for (const directory of rules?.additionalDirectories ?? []) {
      at(`policy.additionalDirectories[${directories.length}]`);
      directories.push(
        typeof directory === 'string' ? path(directory) : { path: path(directory.path), access: directory.access },
      );
    }

    for (const [name, server] of Object.entries(settings.mcpServers ?? {})) {
      mcpServers[name] =
        'command' in server
          ? {
              ...server,
              command: resolveCommand(baseDir, server.command, context.home),
              ...(server.cwd !== undefined ? { cwd: path(server.cwd) } : {}),
            }
          : server;
      at(`mcpServers.${name}`);
    }
    for (const [name, server] of Object.entries(settings.lspServers ?? {})) {
      lspServers[name] = {
        ...server,
        command: resolveCommand(baseDir, server.command, context.home),
        ...(server.cwd !== undefined ? { cwd: path(server.cwd) } : {}),
      };
      at(`lspServers.${name}`);
    }
    for (const hook of settings.hooks ?? []) {
      at(`hooks[${hooks.length}]`);
      hooks.push({ ...hook, command: resolveCommand(baseDir, hook.command, context.home), source: file, baseDir });
    }
    for (const plugin of settings.plugins ?? []) {
      // A name that looks like a path is a plugin folder; anything else is a package name.
      const resolved = /^(?:\.{1,2}(?:\/|$)|\/|~)/.test(plugin) ? path(plugin) : plugin;
      if (plugins.includes(resolved)) continue;
      at(`plugins[${plugins.length}]`);
      plugins.push(resolved);
    }
    for (const [index, skill] of (settings.skills ?? []).entries()) {
      const resolved = await contained(skill, ['skills', index]);
      if (skills.includes(resolved)) continue;
      at(`skills[${skills.length}]`);
      skills.push(resolved);
    }

    const instructions = settings.instructions;
    if (instructions?.text !== undefined) {
      instructionsText = instructions.text;
      at('instructions.text');
    }
    for (const [index, name] of (instructions?.files ?? []).entries()) {
      at(`instructions.files[${instructionFiles.length}]`);
      instructionFiles.push(await contained(name, ['instructions', 'files', index]));
    }
    if (instructions?.projectFiles !== undefined) {
      projectFiles = instructions.projectFiles;
      at('instructions.projectFiles');
    }
    if (instructions?.maxBytes !== undefined) {
      maxBytes = instructions.maxBytes;
      at('instructions.maxBytes');
    }
    for (const key of SCALARS) {
      if (settings[key] === undefined) continue;
      scalars[key] = settings[key];
      at(key);
    }
  }

  return {
    cwd: context.cwd,
    root: context.root,
    userDir: context.userDir,
    files: layers.map(({ scope, parsed }) => ({ scope, file: parsed.file })),
    provider: { ...provider, options },
    policy: { ...(mode ? { mode } : {}), ...policy, additionalDirectories: directories },
    mcpServers,
    lspServers,
    hooks,
    plugins,
    skills,
    instructions: {
      ...(instructionsText !== undefined ? { text: instructionsText } : {}),
      files: instructionFiles,
      projectFiles,
      maxBytes,
    },
    ...scalars,
    sources,
  };
}
