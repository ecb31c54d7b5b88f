export type {
  ApprovalsResolvedEntry,
  CompactionEntry,
  CreateSessionOptions,
  DataEntry,
  ListSessionsOptions,
  LoadedSession,
  MessageEntry,
  PendingApprovalsEntry,
  SessionEntry,
  SessionInfo,
  SessionPage,
  SessionStore,
  SnapshotEntry,
  StoredEntry,
} from './types.js';
export { ENTRY_SCHEMA_VERSION } from './types.js';
export { memoryStore } from './memory-store.js';
