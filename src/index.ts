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
export { subagent } from './agent/subagent/subagent.js';
export type { SubagentOptions } from './agent/subagent/subagent.js';
export { handoff } from './agent/handoff.js';
export type { HandoffOptions } from './agent/handoff.js';
export type {
  Agent,
  AgentHooks,
  AgentOptions,
  AgentPolicyOptions,
  AgentRun,
  BeforeToolCallResult,
  BoundApproval,
  CompactInfo,
  Guardrail,
  GuardrailResult,
  HookContext,
  PromptInfo,
  RunOutput,
  SessionEndInfo,
  SessionStartInfo,
  SessionStartResult,
  StopInfo,
  StopResult,
  SubagentStopInfo,
  UserPromptSubmitResult,
  ForkOptions,
  ModelCallInfo,
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
  UserPart,
  WorkspaceSnapshotter,
} from './agent/types.js';
export { hasToolCall, stepCountIs } from './agent/stop-conditions.js';
export type { StopCondition, StopState, StopWhen } from './agent/stop-conditions.js';
export { MAX_STOP_CONTINUATIONS } from './agent/hooks.js';
export { commandHook } from './hooks/command-hook.js';
export type { CommandHookEvent, CommandHookOptions } from './hooks/command-hook.js';
export { todoContinuation } from './hooks/todo-continuation.js';
export type { TodoContinuationOptions } from './hooks/todo-continuation.js';
export { contextWindowMonitor } from './hooks/context-window-monitor.js';
export type { ContextWindowMonitorOptions } from './hooks/context-window-monitor.js';
export { toolOutputTruncator } from './hooks/tool-output-truncator.js';
export type { ToolOutputTruncatorOptions } from './hooks/tool-output-truncator.js';

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

export { taskTools } from './tasks/task-tools.js';
export type { TaskTools, TaskToolsOptions } from './tasks/task-tools.js';
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
  PutTaskOptions,
  TaskOwner,
  TaskRecord,
  TaskRecordInput,
  TaskStatus,
} from './stores/types.js';

export {
  AgentError,
  BudgetExceededError,
  ConfigError,
  OutputValidationError,
  GuardrailError,
  ProviderError,
  RunStateError,
  SessionLockedError,
  SessionNotFoundError,
  StoreConflictError,
  StoreError,
  UnexpectedModelCallError,
  WorkspaceEscapeError,
} from './errors/index.js';
export type {
  AgentErrorOptions,
  ErrorCode,
  OutputIssue,
  GuardrailErrorOptions,
  GuardrailStage,
  ProviderErrorKind,
  ProviderErrorOptions,
} from './errors/index.js';

export type {
  AgentEvent,
  AgentEventType,
  ChildRun,
  CompactionEvent,
  DecisionSource,
  EventBase,
  OutputDeltaEvent,
  HookWarningEvent,
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
  FilePart,
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
