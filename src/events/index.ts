export type {
  AgentEvent,
  AgentEventType,
  CompactionEvent,
  DecisionSource,
  EventBase,
  PermissionDecisionEvent,
  PermissionRequestEvent,
  ReasoningDeltaEvent,
  RetryEvent,
  RunEndEvent,
  RunStartEvent,
  SnapshotWarningEvent,
  TextDeltaEvent,
  ToolCallEvent,
  ToolErrorCode,
  ToolResultEvent,
  ToolsetStatusEvent,
  TurnEndEvent,
  TurnStartEvent,
} from './agent-event.js';
export type { PendingApproval, RunResult, RunStatus } from './run-result.js';
export type { SnapshotWarning, UnrestoredPath } from './snapshot-warning.js';
