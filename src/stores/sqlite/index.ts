/**
 * `icode/stores/sqlite`: the embedded durable session store.
 *
 * @packageDocumentation
 */
export { sqliteStore } from './sqlite-store.js';
export type { SqliteSessionStore, SqliteStoreOptions } from './sqlite-store.js';
export type { SqliteDriverName } from './driver.js';
export type { LockSessionOptions, LockWait, SessionLock, SessionLockOwner } from '../types.js';
