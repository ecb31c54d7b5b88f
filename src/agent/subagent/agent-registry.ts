/**
 * The resolved configuration behind each agent `createAgent` made, so a sub-agent or a handoff can run an
 * agent with its instructions, tools and model under a narrowed policy. Internal.
 */
import { ConfigError } from '../../errors/config-error.js';
import type { AgentConfig } from '../config.js';
import type { Agent } from '../types.js';

const configs = new WeakMap<Agent<any, any>, AgentConfig>();

/** Records the configuration of an agent `createAgent` just made. */
export function registerAgent(agent: Agent<any, any>, config: AgentConfig): void {
  configs.set(agent, config);
}

/**
 * The configuration of an agent made by `createAgent`.
 *
 * @throws ConfigError for any other object: its instructions and tools cannot be known.
 */
export function configOf(agent: Agent, what: string): AgentConfig {
  const config = typeof agent === 'object' && agent !== null ? configs.get(agent) : undefined;
  if (!config) throw new ConfigError(`${what} needs an agent made by createAgent (or createAgent options).`);
  return config;
}
