/**
 * `createAgentFromConfig`: an agent built from a loaded config.
 *
 * @packageDocumentation
 */
import { createAgent } from '../agent/create-agent.js';
import type { Agent, AgentOptions, AgentPolicyOptions } from '../agent/types.js';
import { ConfigError } from '../errors/config-error.js';
import type { LanguageModel } from '../model/language-model.js';
import type { Policy } from '../policy/types.js';
import { codingTools, type CodingToolsOptions } from '../tools/builtin/index.js';
import type { Tool } from '../tools/tool.js';
import type { Toolset } from '../tools/toolset.js';
import { configInstructions } from './config-instructions.js';
import type { ConfigEnv } from './config-paths.js';
import { configPolicy, isPolicy } from './config-policy.js';
import { createPolicy } from '../policy/create-policy.js';
import { loadProvider } from './load-provider.js';
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
   * Policy options on top of the config's: `mode`, `approve` and `root` replace the config's; rules and
   * additional directories are added to them (a deny from any file still holds). A `Policy` replaces it.
   */
  readonly policy?: Policy | AgentPolicyOptions;
  /** Tools and toolsets added after the configured ones (coding tools, MCP, LSP). */
  readonly tools?: readonly (Tool | Toolset)[];
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
 * - the policy from `policy`, judged on the project root;
 * - the coding tools, working on the project root (the agent's sandbox, on the policy's root and additional
 *   directories);
 * - an MCP toolset for `mcpServers` and LSP tools for `lspServers`, when configured (`agent.close()`
 *   stops them);
 * - instructions: `instructions.text`, `instructions.files`, then the project instruction files;
 * - `maxTurns` and the other limits.
 *
 * Command `hooks`, `plugins` and `skills` are not applied here: give their result as `overrides.hooks` and
 * `overrides.tools`. A config that has them and no such override is refused, so a guard hook written in a
 * file never silently fails to run.
 *
 * @example
 * ```ts
 * const agent = await createAgentFromConfig(await loadConfig({ cwd: process.cwd() }), { policy: { approve } });
 * const { text } = await agent.run('Fix the failing test').result;
 * await agent.close();
 * ```
 * @throws ConfigError when no provider is configured or given, an `apiKeyEnv` variable is unset, an
 *   instruction file is missing, or `hooks`/`plugins`/`skills` are configured without their override.
 */
export async function createAgentFromConfig(config: IcodeConfig, overrides: ConfigOverrides = {}): Promise<Agent> {
  refuseUnapplied(config, overrides);
  const {
    provider: model,
    policy,
    tools: extra = [],
    codingTools: coding,
    projectInstructions: project,
    env,
    instructions: text,
    ...options
  } = overrides;
  const provider = model ?? (await loadProvider(config, env ?? process.env));
  const agentPolicy = configPolicy(config, policy);
  const instructions = await configInstructions(config, text, project ?? true, readCheck(agentPolicy));
  // Servers last, once nothing else can fail before the agent owns them.
  const servers = await serverToolsets(config);
  try {
    return createAgent({
      ...limits(config),
      ...options,
      provider,
      policy: agentPolicy,
      tools: [...(coding === false ? [] : codingTools({ ...coding })), ...servers, ...extra],
      ...(instructions !== undefined ? { instructions } : {}),
    });
  } catch (error) {
    await Promise.allSettled(servers.map((toolset) => toolset.close()));
    throw error;
  }
}

/** The MCP and LSP toolsets of the config, their modules imported only when configured. */
async function serverToolsets(config: IcodeConfig): Promise<Toolset[]> {
  const toolsets: Toolset[] = [];
  if (Object.keys(config.mcpServers).length > 0) {
    const { mcpServers } = await import('../mcp/mcp-servers.js');
    toolsets.push(mcpServers({ servers: config.mcpServers }));
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

/** Whether the agent's policy lets the `read` tool read `path` without asking (instruction files obey it too). */
function readCheck(policy: Policy | AgentPolicyOptions): (path: string) => Promise<boolean> {
  const judge = isPolicy(policy) ? policy : createPolicy({ ...policy, approve: undefined });
  return async (path) =>
    (await judge.decide({ name: 'read', input: { file_path: path }, readOnly: true })).decision === 'allow';
}

function limits(config: IcodeConfig): Partial<AgentOptions> {
  return Object.fromEntries(CONFIG_LIMITS.filter((key) => config[key] !== undefined).map((key) => [key, config[key]]));
}

/** Sections this function does not apply: refused unless the caller applies them through `overrides`. */
function refuseUnapplied(config: IcodeConfig, overrides: ConfigOverrides): void {
  const sections = [
    ['hooks', config.hooks.length > 0 && overrides.hooks === undefined, 'overrides.hooks'],
    ['plugins', config.plugins.length > 0 && overrides.tools === undefined, 'overrides.tools'],
    ['skills', config.skills.length > 0 && overrides.tools === undefined, 'overrides.tools'],
  ] as const;
  for (const [section, unapplied, override] of sections) {
    if (!unapplied) continue;
    throw new ConfigError(
      `The config sets ${section} (${config.sources[`${section}[0]`]}), which createAgentFromConfig does not apply ` +
        `by itself: build them and pass them as ${override}, or remove the section.`,
    );
  }
}
