export { createAgent } from './create-agent.js';
export type {
  Agent,
  AgentHooks,
  AgentOptions,
  AgentPolicyOptions,
  AgentRun,
  BeforeToolCallResult,
  ResumeOptions,
  RunInput,
  RunOptions,
  ToolCallInfo,
  ToolResultInfo,
} from './types.js';
