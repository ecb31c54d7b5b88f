/**
 * icode: a headless, SDK-first library for building AI agents, coding agents above all, and embedding
 * them in Node services.
 *
 * This entry is runtime-neutral: it loads no provider SDK and no Node-only module. Providers, coding tools,
 * sandboxes and durable stores come from their own subpaths.
 *
 * @packageDocumentation
 */
export { createAgent } from './agent/create-agent.js';
export type {
  Agent,
  AgentHooks,
  AgentOptions,
  AgentPolicyOptions,
  AgentRun,
  BeforeToolCallResult,
  BoundApproval,
  ForkOptions,
  ResumeAnswer,
  ResumeOptions,
  RevertOptions,
  RevertResult,
  RunInput,
  RunOptions,
  SnapshotWarning,
  ToolCallInfo,
  ToolResultInfo,
  UnrestoredPath,
  WorkspaceSnapshotter,
} from './agent/types.js';

export { pruneToolOutputs, summarizeCompaction, PRUNED_OUTPUT } from './agent/compaction/strategies.js';
export type { SummarizeCompactionOptions } from './agent/compaction/strategies.js';
export type {
  CompactionInput,
  CompactionOptions,
  CompactionResult,
  CompactionStrategy,
} from './agent/compaction/types.js';

export { tool, toJsonSchema } from './tools/define-tool.js';
export type {
  ApprovalCheckContext,
  NeedsApproval,
  SessionState,
  Tool,
  ToolAccess,
  ToolContext,
  ToolDefinition,
  ToolOutput,
} from './tools/tool.js';
export { isToolset } from './tools/toolset.js';
export type { Toolset, ToolsetContext, ToolsetStatus } from './tools/toolset.js';

export { projectInstructions } from './config/instructions/project-instructions.js';
export type { ProjectInstructionsOptions } from './config/instructions/project-instructions.js';

export { memoryStore } from './stores/memory-store.js';
export type { MemorySessionStore, MemoryStoreOptions } from './stores/memory-store.js';
export { ENTRY_SCHEMA_VERSION } from './stores/types.js';
export type {
  ApprovalsResolvedEntry,
  CompactionEntry,
  CreateSessionOptions,
  DataEntry,
  ListSessionsOptions,
  LoadedSession,
  LockSessionOptions,
  LockWait,
  MessageEntry,
  PendingApprovalsEntry,
  SessionEntry,
  SessionInfo,
  SessionLock,
  SessionPage,
  SessionStore,
  SnapshotEntry,
  StoredEntry,
} from './stores/types.js';

export {
  AgentError,
  BudgetExceededError,
  ConfigError,
  ProviderError,
  RunStateError,
  SessionLockedError,
  SessionNotFoundError,
  StoreConflictError,
  StoreError,
  UnexpectedModelCallError,
  WorkspaceEscapeError,
} from './errors/index.js';
export type { AgentErrorOptions, ErrorCode, ProviderErrorKind, ProviderErrorOptions } from './errors/index.js';

export type {
  AgentEvent,
  AgentEventType,
  CompactionEvent,
  DecisionSource,
  EventBase,
  PendingApproval,
  PermissionDecisionEvent,
  PermissionRequestEvent,
  ReasoningDeltaEvent,
  RetryEvent,
  RunEndEvent,
  RunResult,
  RunStartEvent,
  RunStatus,
  SessionLockOwner,
  SessionLockWaitEvent,
  SnapshotWarningEvent,
  TextDeltaEvent,
  ToolCallEvent,
  ToolErrorCode,
  ToolResultEvent,
  ToolsetStatusEvent,
  TurnEndEvent,
  TurnStartEvent,
} from './events/index.js';

export { addUsage, costOf, emptyUsage, messageText } from './model/index.js';
export type {
  AssistantMessage,
  FinishReason,
  ImagePart,
  JsonSchema,
  JsonValue,
  LanguageModel,
  Message,
  ModelCallOptions,
  ModelPricing,
  ModelRequest,
  ModelStreamPart,
  ModelTool,
  Part,
  ReasoningPart,
  RetryPolicy,
  TextPart,
  ToolCallPart,
  ToolChoice,
  OutputFormat,
  ToolMessage,
  ToolResultPart,
  Usage,
  UserMessage,
} from './model/index.js';

export type { AccessIntent, ExecOptions, ExecResult, Sandbox, SandboxDirEntry, SandboxStat } from './sandbox/types.js';
export type {
  ApprovalAnswer,
  ApprovalRequest,
  Approver,
  PermissionCheck,
  PermissionMode,
  Policy,
  PolicyDecision,
} from './policy/types.js';
