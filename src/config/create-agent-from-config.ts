/**
 * `createAgentFromConfig`: an agent built from a loaded config.
 *
 * @packageDocumentation
 */
import { createAgent } from '../agent/create-agent.js';
import type { AgentHooks } from '../agent/hooks.js';
import type { Agent, AgentOptions } from '../agent/types.js';
import type { LanguageModel } from '../model/language-model.js';
import { createPolicy } from '../policy/create-policy.js';
import { EXIT_PLAN_TOOL } from '../policy/plan-mode.js';
import type { Policy } from '../policy/types.js';
import { codingTools, planTools, type CodingToolsOptions } from '../tools/builtin/index.js';
import type { Tool } from '../tools/tool.js';
import { isToolset, type Toolset } from '../tools/toolset.js';
import { configHooks } from './config-hooks.js';
import { configInstructions } from './config-instructions.js';
import type { ConfigEnv } from './config-paths.js';
import { configPlugins } from './config-plugins.js';
import { configPolicy, isPolicy, type ConfigPolicyOptions } from './config-policy.js';
import { configSkills } from './config-skills.js';
import { loadProvider } from './load-provider.js';
import type { McpServerSection } from './schema.js';
import { CONFIG_LIMITS, type IcodeConfig } from './types.js';

/**
 * What code sets on top of a config: every {@link AgentOptions} field given here wins over the files.
 *
 * @example
 * ```ts
 * const overrides: ConfigOverrides = { provider: mockProvider([{ text: 'Hi' }]), policy: { approve: askInTerminal } };
 * ```
 */
export interface ConfigOverrides extends Partial<Omit<AgentOptions, 'policy' | 'tools' | 'provider'>> {
  /** The model to use instead of the configured provider (a `mockProvider` in tests). */
  readonly provider?: LanguageModel;
  /**
   * Policy options on top of the config's: `mode`, `afterPlan`, `approve` and `root` replace the config's;
   * rules and additional directories are added to them (a deny from any file still holds). A `Policy`
   * replaces it (and then grants nothing to skill folders: give them in its sandbox).
   */
  readonly policy?: Policy | ConfigPolicyOptions;
  /** Tools and toolsets added after the configured ones (coding tools, plugins, skills, MCP, LSP). */
  readonly tools?: readonly (Tool | Toolset)[];
  /** Hooks run after the config's and the plugins' command hooks. */
  readonly hooks?: AgentHooks | readonly AgentHooks[];
  /** Options of the coding tools, or `false` for none. @defaultValue all coding tools on the project root */
  readonly codingTools?: false | Omit<CodingToolsOptions, 'root' | 'sandbox' | 'additionalDirectories'>;
  /** Whether the project instruction files (`AGENTS.md`, `CLAUDE.md`) are added. @defaultValue the config's (on) */
  readonly projectInstructions?: boolean;
  /** Where `provider.apiKeyEnv` is read. @defaultValue `process.env` */
  readonly env?: ConfigEnv;
}

/**
 * Builds an agent from `config` (from {@link loadConfig}):
 *
 * - the provider from `provider` (its adapter imported on demand), unless `overrides.provider`;
 * - the policy from `policy`, judged on the project root; with `mode: 'plan'` the `exit_plan_mode` tool is
 *   added, and an approved plan leads to `afterPlan`;
 * - the coding tools, working on the project root (the agent's sandbox, on the policy's root and additional
 *   directories);
 * - `hooks`: each a `commandHook`, run in the project root, before `overrides.hooks`;
 * - `plugins`: installed into `plugins/` of the user's config folder when not there yet (a path is
 *   installed from, a name is an installed plugin or an npm package); the enabled ones' tools
 *   (`plugin__<name>__<tool>`), command hooks, MCP servers and skills join the agent, and their folders
 *   are granted read-only (their command tools run in the agent's sandbox). A plugin that fails is skipped
 *   and reported as a `toolset-status` event;
 * - `skills` (and the plugins' skills): the `skill` tool, and their descriptions in the instructions; a
 *   skill folder outside the project (the user's, a plugin's) is granted read-only to the file tools;
 * - an MCP toolset for `mcpServers` (and the plugins') and LSP tools for `lspServers`, when configured
 *   (`agent.close()` stops them);
 * - instructions: `instructions.text`, `instructions.files`, the project instruction files, then the skills;
 * - `maxTurns` and the other limits.
 *
 * @example
 * ```ts
 * const agent = await createAgentFromConfig(await loadConfig({ cwd: process.cwd() }), { policy: { approve } });
 * const { text } = await agent.run('Fix the failing test').result;
 * await agent.close();
 * ```
 * @throws ConfigError when no provider is configured or given, an `apiKeyEnv` variable is unset, an
 *   instruction file is missing, or a hook's matcher is invalid.
 */
export async function createAgentFromConfig(config: IcodeConfig, overrides: ConfigOverrides = {}): Promise<Agent> {
  const {
    provider: model,
    policy,
    tools: extra = [],
    hooks: own = [],
    codingTools: coding,
    projectInstructions: project,
    env,
    instructions: text,
    ...options
  } = overrides;
  const provider = model ?? (await loadProvider(config, env ?? process.env));
  const hooks = configHooks(config);
  const owned: Toolset[] = [];
  try {
    const plugins = await configPlugins(config);
    if (plugins) owned.push(plugins.toolset);
    const skills = await configSkills(config, plugins?.skills ?? []);
    if (skills) owned.push(skills.toolset);
    const agentPolicy = configPolicy(config, policy, [...(plugins?.folders ?? []), ...(skills?.folders ?? [])]);
    const instructions = joinText([
      await configInstructions(config, text, project ?? true, readCheck(agentPolicy)),
      skills?.instructions,
    ]);
    // Servers last, once nothing else can fail before the agent owns them.
    owned.push(...(await serverToolsets(config, plugins?.mcpServers ?? {})));
    return createAgent({
      ...limits(config),
      ...options,
      provider,
      policy: agentPolicy,
      tools: [
        ...(coding === false ? [] : codingTools({ ...coding })),
        ...(needsPlanTools(agentPolicy, extra) ? planTools() : []),
        ...owned,
        ...extra,
      ],
      hooks: [...hooks, ...(plugins?.hooks ?? []), ...(Array.isArray(own) ? own : [own as AgentHooks])],
      ...(instructions !== undefined ? { instructions } : {}),
    });
  } catch (error) {
    await Promise.allSettled(owned.map((toolset) => toolset.close()));
    throw error;
  }
}

/** The MCP servers of the config and its plugins (the config's win a name both use), and the LSP tools. */
async function serverToolsets(
  config: IcodeConfig,
  pluginServers: Readonly<Record<string, McpServerSection>>,
): Promise<Toolset[]> {
  const toolsets: Toolset[] = [];
  const servers = { ...pluginServers, ...config.mcpServers };
  if (Object.keys(servers).length > 0) {
    const { mcpServers } = await import('../mcp/mcp-servers.js');
    toolsets.push(mcpServers({ servers }));
  }
  if (Object.keys(config.lspServers).length > 0) {
    const { lspTools } = await import('../lsp/lsp-tools.js');
    try {
      toolsets.push(lspTools({ root: config.root, servers: config.lspServers }));
    } catch (error) {
      await Promise.allSettled(toolsets.map((toolset) => toolset.close()));
      throw error;
    }
  }
  return toolsets;
}

/** Plan mode needs `exit_plan_mode`, unless the code brings its own. */
function needsPlanTools(policy: Policy | ConfigPolicyOptions, extra: readonly (Tool | Toolset)[]): boolean {
  return policy.mode === 'plan' && !extra.some((entry) => !isToolset(entry) && entry.name === EXIT_PLAN_TOOL);
}

function joinText(parts: readonly (string | undefined)[]): string | undefined {
  const present = parts.filter((part): part is string => part !== undefined && part !== '');
  return present.length > 0 ? present.join('\n\n') : undefined;
}

/** Whether the agent's policy lets the `read` tool read `path` without asking (instruction files obey it too). */
function readCheck(policy: Policy | ConfigPolicyOptions): (path: string) => Promise<boolean> {
  const judge = isPolicy(policy) ? policy : createPolicy({ ...policy, approve: undefined });
  return async (path) =>
    (await judge.decide({ name: 'read', input: { file_path: path }, readOnly: true })).decision === 'allow';
}

function limits(config: IcodeConfig): Partial<AgentOptions> {
  return Object.fromEntries(CONFIG_LIMITS.filter((key) => config[key] !== undefined).map((key) => [key, config[key]]));
}
