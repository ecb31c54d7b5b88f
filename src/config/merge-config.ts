/**
 * Merges the validated files into one {@link IcodeConfig}: later files win for single values, lists are
 * joined, and the policy merges so that a deny from any file holds.
 *
 * @packageDocumentation
 */
import type { JsonValue } from '../model/message.js';
import { MODES, mergePolicyOptions } from '../policy/policy-options.js';
import type { PermissionMode } from '../policy/types.js';
import type { AdditionalDirectory } from '../sandbox/types.js';
import { ConfigFileError } from './config-file-error.js';
import {
  canonicalPath,
  isInside,
  resolveCommand,
  resolveConfigPath,
  resolveShellCommand,
} from './config-path-value.js';
import { formatJsonPath } from './json-path.js';
import type { ParsedConfigFile } from './read-config-file.js';
import type { ConfigFile, LspServerSection, McpServerSection, ProviderName } from './schema.js';
import {
  CONFIG_LIMITS,
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

const SCALARS = CONFIG_LIMITS;

/** The merge so far. */
interface Merged {
  readonly sources: Record<string, string>;
  readonly provider: { name?: ProviderName; model?: string; baseURL?: string; apiKeyEnv?: string };
  readonly options: Record<string, JsonValue>;
  readonly rules: { allow: string[]; ask: string[]; deny: string[] };
  readonly directories: AdditionalDirectory[];
  mode?: PermissionMode;
  /** Each file's `mode` and `afterPlan`, for the `afterPlan` of a merged `plan` mode. */
  readonly modes: { mode?: PermissionMode; afterPlan?: PermissionMode; file: string }[];
  readonly mcpServers: Record<string, McpServerSection>;
  readonly lspServers: Record<string, LspServerSection>;
  readonly hooks: ConfiguredHook[];
  readonly plugins: string[];
  readonly skills: string[];
  readonly instructionFiles: string[];
  instructionsText?: string;
  projectFiles: readonly string[] | false;
  maxBytes: number;
  readonly scalars: { -readonly [K in (typeof SCALARS)[number]]?: ConfigFile[K] };
}

/** What the section mergers need of the file being merged. */
interface LayerTools {
  readonly settings: ConfigFile;
  readonly file: string;
  readonly baseDir: string;
  readonly home: string;
  /** Records that this file set the value at `path`. */
  at(path: string): void;
  /** A path setting made absolute. */
  path(value: string): string;
  /** A path setting made absolute, refused when a project file's leads out of the project. */
  contained(value: string, where: (string | number)[]): Promise<string>;
}

/**
 * Merges `layers` (lowest precedence first) into a config.
 *
 * @throws ConfigFileError for a path in a project file that leads out of the project (symlinks followed).
 */
export async function mergeConfig(layers: readonly ConfigLayer[], context: MergeContext): Promise<IcodeConfig> {
  const merged: Merged = {
    sources: {},
    provider: {},
    options: {},
    rules: { allow: [], ask: [], deny: [] },
    directories: [],
    modes: [],
    mcpServers: {},
    lspServers: {},
    hooks: [],
    plugins: [],
    skills: [],
    instructionFiles: [],
    projectFiles: DEFAULT_INSTRUCTION_FILES,
    maxBytes: DEFAULT_INSTRUCTIONS_MAX_BYTES,
    scalars: {},
  };
  const root = await canonicalPath(context.root);
  for (const layer of layers) {
    const tools = layerTools(layer, context, root, merged.sources);
    mergeProvider(merged, tools);
    mergePolicy(merged, tools);
    mergeServers(merged, tools);
    await mergeLists(merged, tools);
    await mergeInstructions(merged, tools);
  }
  return {
    cwd: context.cwd,
    root: context.root,
    userDir: context.userDir,
    files: layers.map(({ scope, parsed }) => ({ scope, file: parsed.file })),
    provider: { ...merged.provider, options: merged.options },
    policy: {
      ...(merged.mode ? { mode: merged.mode } : {}),
      ...afterPlan(merged),
      ...merged.rules,
      additionalDirectories: merged.directories,
    },
    mcpServers: merged.mcpServers,
    lspServers: merged.lspServers,
    hooks: merged.hooks,
    plugins: merged.plugins,
    skills: merged.skills,
    instructions: {
      ...(merged.instructionsText !== undefined ? { text: merged.instructionsText } : {}),
      files: merged.instructionFiles,
      projectFiles: merged.projectFiles,
      maxBytes: merged.maxBytes,
    },
    ...merged.scalars,
    sources: merged.sources,
  };
}

function layerTools(
  { scope, parsed, baseDir }: ConfigLayer,
  context: MergeContext,
  root: string,
  sources: Record<string, string>,
): LayerTools {
  const path = (value: string): string => resolveConfigPath(baseDir, value, context.home);
  return {
    settings: parsed.settings,
    file: parsed.file,
    baseDir,
    home: context.home,
    at: (where) => void (sources[where] = parsed.file),
    path,
    async contained(value, where) {
      const absolute = path(value);
      if (scope !== 'user' && !isInside(root, await canonicalPath(absolute)))
        throw new ConfigFileError(
          { file: parsed.file, path: formatJsonPath(where), ...parsed.locate(where) },
          `"${value}" leads out of the project (${context.root}); a project file may only name files inside it.`,
        );
      return absolute;
    },
  };
}

function mergeProvider(merged: Merged, { settings, at }: LayerTools): void {
  for (const key of ['name', 'model', 'baseURL', 'apiKeyEnv'] as const) {
    const value = settings.provider?.[key];
    if (value === undefined) continue;
    (merged.provider as Record<string, string>)[key] = value;
    at(`provider.${key}`);
  }
  for (const [key, value] of Object.entries(settings.provider?.options ?? {})) {
    merged.options[key] = value as JsonValue;
    at(`provider.options.${key}`);
  }
  for (const key of SCALARS) {
    if (settings[key] === undefined) continue;
    merged.scalars[key] = settings[key];
    at(key);
  }
}

function mergePolicy(merged: Merged, { settings, file, at, path }: LayerTools): void {
  const policy = settings.policy;
  for (const list of ['allow', 'ask', 'deny'] as const) {
    const value = policy?.[list];
    for (const rule of value === undefined ? [] : typeof value === 'string' ? [value] : value) {
      at(`policy.${list}[${merged.rules[list].length}]`);
      merged.rules[list].push(rule);
    }
  }
  // Across files the mode only narrows (project files were already checked against the user file's).
  const mode = policy?.mode;
  if (mode !== undefined && (merged.mode === undefined || MODES.indexOf(mode) < MODES.indexOf(merged.mode))) {
    merged.mode = mode;
    at('policy.mode');
  }
  if (mode !== undefined || policy?.afterPlan !== undefined)
    merged.modes.push({
      ...(mode ? { mode } : {}),
      ...(policy?.afterPlan ? { afterPlan: policy.afterPlan } : {}),
      file,
    });
  for (const directory of policy?.additionalDirectories ?? []) {
    at(`policy.additionalDirectories[${merged.directories.length}]`);
    merged.directories.push(
      typeof directory === 'string' ? path(directory) : { path: path(directory.path), access: directory.access },
    );
  }
}

/**
 * The `afterPlan` of a merged `plan` mode: merged as `mergePolicyOptions` merges it (the narrowest of every
 * file's `afterPlan` and every other mode a file set), with the file it came from in `sources`.
 */
function afterPlan(merged: Merged): { afterPlan?: PermissionMode } {
  if (merged.mode !== 'plan') return {};
  const { afterPlan: mode } = mergePolicyOptions(...merged.modes.map(({ mode, afterPlan }) => ({ mode, afterPlan })));
  if (mode === undefined) return {};
  const from = merged.modes.find((entry) => entry.afterPlan === mode || entry.mode === mode);
  if (from) merged.sources['policy.afterPlan'] = from.file;
  return { afterPlan: mode };
}

function mergeServers(merged: Merged, { settings, at, path, baseDir, home }: LayerTools): void {
  const local = <T extends { command: string; cwd?: string }>(server: T): T => ({
    ...server,
    command: resolveCommand(baseDir, server.command, home),
    ...(server.cwd !== undefined ? { cwd: path(server.cwd) } : {}),
  });
  // A server named again in a later file replaces the earlier entry as a whole.
  for (const [name, server] of Object.entries(settings.mcpServers ?? {})) {
    merged.mcpServers[name] = 'command' in server ? local(server) : server;
    at(`mcpServers.${name}`);
  }
  for (const [name, server] of Object.entries(settings.lspServers ?? {})) {
    merged.lspServers[name] = local(server);
    at(`lspServers.${name}`);
  }
}

async function mergeLists(merged: Merged, tools: LayerTools): Promise<void> {
  const { settings, file, at, path, contained, baseDir, home } = tools;
  for (const hook of settings.hooks ?? []) {
    at(`hooks[${merged.hooks.length}]`);
    const command =
      hook.args === undefined
        ? resolveShellCommand(baseDir, hook.command, home)
        : resolveCommand(baseDir, hook.command, home);
    merged.hooks.push({ ...hook, command, source: file, baseDir });
  }
  for (const plugin of settings.plugins ?? []) {
    // A name that looks like a path is a plugin folder; anything else is a package name.
    const resolved = /^(?:\.{1,2}(?:\/|$)|\/|~)/.test(plugin) ? path(plugin) : plugin;
    if (merged.plugins.includes(resolved)) continue;
    at(`plugins[${merged.plugins.length}]`);
    merged.plugins.push(resolved);
  }
  for (const [index, skill] of (settings.skills ?? []).entries()) {
    const resolved = await contained(skill, ['skills', index]);
    if (merged.skills.includes(resolved)) continue;
    at(`skills[${merged.skills.length}]`);
    merged.skills.push(resolved);
  }
}

async function mergeInstructions(merged: Merged, { settings, at, contained }: LayerTools): Promise<void> {
  const instructions = settings.instructions;
  if (instructions?.text !== undefined) {
    merged.instructionsText = instructions.text;
    at('instructions.text');
  }
  for (const [index, name] of (instructions?.files ?? []).entries()) {
    at(`instructions.files[${merged.instructionFiles.length}]`);
    merged.instructionFiles.push(await contained(name, ['instructions', 'files', index]));
  }
  if (instructions?.projectFiles !== undefined) {
    merged.projectFiles = instructions.projectFiles;
    at('instructions.projectFiles');
  }
  if (instructions?.maxBytes !== undefined) {
    merged.maxBytes = instructions.maxBytes;
    at('instructions.maxBytes');
  }
}
