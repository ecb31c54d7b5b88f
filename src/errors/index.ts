export type { AgentErrorOptions, ErrorCode } from './agent-error.js';
export { AgentError, toAgentError } from './agent-error.js';
export { ConfigError, RunStateError } from './config-error.js';
export type { ProviderErrorKind, ProviderErrorOptions } from './provider-error.js';
export { BudgetExceededError, ProviderError, UnexpectedModelCallError } from './provider-error.js';
export { SessionLockedError } from './session-locked-error.js';
export { SessionNotFoundError, StoreConflictError, StoreError } from './store-error.js';
export { WorkspaceEscapeError } from './workspace-escape-error.js';
