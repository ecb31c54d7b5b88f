/**
 * `icode/stores/postgres`: the session store for services on many processes and machines.
 *
 * @packageDocumentation
 */
export { postgresStore } from './postgres-store.js';
export type { PostgresConnection, PostgresSessionStore, PostgresStoreOptions } from './postgres-store.js';
export type { PgClient, PgPool, PgResult } from './pg-driver.js';
export type { LockSessionOptions, LockWait, SessionLock, SessionLockOwner } from '../types.js';
