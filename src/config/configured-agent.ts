/**
 * `configuredAgent`: an agent that follows its config files, one run at a time.
 *
 * @packageDocumentation
 */
import type { Agent, AgentRun, ResumeOptions, RunInput, RunOptions } from '../agent/types.js';
import { memoryStore } from '../stores/memory-store.js';
import { isToolset } from '../tools/toolset.js';
import { borrowTools } from './borrowed-toolset.js';
import { createAgentFromConfig, type ConfigOverrides } from './create-agent-from-config.js';
import type { IcodeConfig } from './types.js';
import { watchConfig, type ConfigWatcher, type WatchConfigOptions } from './watch-config.js';

/**
 * Options of {@link configuredAgent}: where to find the config, how to watch it, and the code's overrides.
 *
 * @example
 * ```ts
 * const options: ConfiguredAgentOptions = { cwd, overrides: { policy: { approve } }, onError: (e) => log.warn(e) };
 * ```
 */
export interface ConfiguredAgentOptions extends Omit<WatchConfigOptions, 'onChange'> {
  readonly overrides?: ConfigOverrides;
  /** Called with each agent built from a new config. */
  readonly onReload?: (agent: Agent, config: IcodeConfig) => void;
}

/**
 * An agent rebuilt from its config files when they change; each run uses the agent current at its start.
 *
 * @example
 * ```ts
 * const configured: ConfiguredAgent = await configuredAgent({ cwd });
 * console.log(configured.config.provider.model, configured.agent.tools.length);
 * ```
 */
export interface ConfiguredAgent {
  /** The agent the next run will use. */
  readonly agent: Agent;
  /** The config it was built from. */
  readonly config: IcodeConfig;
  /** Starts a run on the current agent; it keeps that agent to its end, whatever changes meanwhile. */
  run(input: RunInput, options?: RunOptions): AgentRun;
  /** Continues a session on the current agent. */
  resume(sessionId: string, options?: ResumeOptions): AgentRun;
  /** Reloads the files now; resolves with the current agent (the previous one if the new config is bad). */
  reload(): Promise<Agent>;
  /**
   * Stops watching, closes every agent once its runs have ended, and closes the toolsets of
   * `overrides.tools` (lent to each agent in turn, so no retired agent closes them).
   */
  close(): Promise<void>;
}

/**
 * Watches the config of `cwd` and keeps an agent built from it: when a file changes, a new agent is built
 * and used from the next `run` on. Runs in progress are never touched: they finish on the agent they
 * started with, which is closed (its MCP and LSP servers stopped) after its last run ends. All agents share
 * one store (`overrides.store`, else one `memoryStore()`), so a session goes on across a reload. A new
 * config that is invalid or cannot build an agent goes to `onError`, and the last good agent stays.
 *
 * @example
 * ```ts
 * const configured = await configuredAgent({ cwd: process.cwd() });
 * const first = await configured.run('Summarise the README').result;
 * // edit .icode/config.json: the next run uses the new settings
 * const second = await configured.run('Now the changelog', { sessionId: first.sessionId }).result;
 * await configured.close();
 * ```
 * @throws ConfigError when the config is invalid at the start or cannot build an agent.
 */
export async function configuredAgent(options: ConfiguredAgentOptions): Promise<ConfiguredAgent> {
  const own = options.overrides?.tools ?? [];
  const overrides: ConfigOverrides = {
    ...options.overrides,
    store: options.overrides?.store ?? memoryStore(),
    ...(own.length > 0 ? { tools: borrowTools(own) } : {}),
  };
  const onError = options.onError ?? ((error: unknown) => console.warn(`icode config not applied: ${String(error)}`));
  const runs = new Map<Agent, number>();
  const retired = new Set<Agent>();
  let building: Promise<void> = Promise.resolve();

  const closeIfIdle = async (agent: Agent): Promise<void> => {
    if (!retired.has(agent) || (runs.get(agent) ?? 0) > 0) return;
    retired.delete(agent);
    runs.delete(agent);
    await agent.close().catch(onError);
  };
  const track = (agent: Agent, run: AgentRun): AgentRun => {
    runs.set(agent, (runs.get(agent) ?? 0) + 1);
    const done = (): void => {
      runs.set(agent, (runs.get(agent) ?? 1) - 1);
      void closeIfIdle(agent);
    };
    run.result.then(done, done);
    return run;
  };

  let state: { agent: Agent; config: IcodeConfig } | undefined;
  const build = async (config: IcodeConfig): Promise<void> => {
    if (state && config !== watcher.current) return; // a newer config is on its way
    const next = await createAgentFromConfig(config, overrides);
    const previous = state;
    state = { agent: next, config };
    if (previous) {
      retired.add(previous.agent);
      void closeIfIdle(previous.agent);
      options.onReload?.(next, config);
    }
  };
  // Builds run one after another, so an agent from an older config never replaces a newer one.
  const rebuild = (config: IcodeConfig): void => {
    building = building.then(() => build(config)).catch(onError);
  };

  const watcher: ConfigWatcher = await watchConfig({ ...options, onError, onChange: rebuild });
  try {
    await build(watcher.current);
  } catch (error) {
    watcher.close();
    throw error;
  }
  const current = (): { agent: Agent; config: IcodeConfig } => state!;

  return {
    get agent() {
      return current().agent;
    },
    get config() {
      return current().config;
    },
    run: (input, runOptions) => track(current().agent, current().agent.run(input, runOptions)),
    resume: (sessionId, resumeOptions) => track(current().agent, current().agent.resume(sessionId, resumeOptions)),
    async reload() {
      await watcher.reload();
      await building;
      return current().agent;
    },
    async close() {
      watcher.close();
      await building;
      retired.add(current().agent);
      await Promise.all([...new Set([...retired, ...runs.keys()])].map(closeIfIdle));
      // The caller's toolsets were lent to every agent; they are closed once, here.
      await Promise.all(own.filter(isToolset).map((toolset) => toolset.close().catch(onError)));
    },
  };
}
