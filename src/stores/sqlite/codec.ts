/**
 * Encoding shared by the SQL stores: entries as JSON text, list cursors, and which metadata filters a
 * database can pre-select exactly. Internal.
 */
import { StoreError } from '../../errors/store-error.js';
import type { JsonValue } from '../../model/message.js';
import type { SessionEntry } from '../types.js';

/** Serialises every entry before anything is written, so an entry that cannot be kept fails the whole append. */
export function encodeEntries(sessionId: string, entries: readonly SessionEntry[]): string[] {
  return entries.map((entry, index) => {
    let text: string | undefined;
    try {
      text = JSON.stringify(entry);
    } catch (error) {
      throw new StoreError(`Cannot append to session ${sessionId}: entry ${index} is not JSON-serialisable.`, {
        sessionId,
        cause: error,
      });
    }
    if (typeof text !== 'string' || typeof entry !== 'object' || entry === null) {
      throw new StoreError(`Cannot append to session ${sessionId}: entry ${index} is not an object.`, { sessionId });
    }
    return text;
  });
}

/** Encodes metadata as JSON text. */
export function encodeMetadata(metadata: Readonly<Record<string, JsonValue>> | undefined): string {
  try {
    return JSON.stringify(metadata ?? {});
  } catch (error) {
    throw new StoreError('Session metadata is not JSON-serialisable.', { cause: error });
  }
}

/** A position in the newest-first session order: the last session of a page. */
export interface ListPosition {
  readonly updatedAt: number;
  readonly touch: number;
}

/** Encodes a list position as an opaque cursor. */
export function encodeCursor(position: ListPosition): string {
  return `${position.updatedAt.toString(36)}.${position.touch.toString(36)}`;
}

/** Decodes a cursor made by {@link encodeCursor}. */
export function decodeCursor(cursor: string): ListPosition {
  const match = /^([0-9a-z]+)\.([0-9a-z]+)$/.exec(cursor);
  const updatedAt = match ? parseInt(match[1]!, 36) : NaN;
  const touch = match ? parseInt(match[2]!, 36) : NaN;
  if (!Number.isSafeInteger(updatedAt) || !Number.isSafeInteger(touch)) {
    throw new StoreError(`Invalid list cursor ${JSON.stringify(cursor)}: pass the nextCursor of a previous page.`);
  }
  return { updatedAt, touch };
}

/**
 * The filter pairs whose JSON text a database holds in exactly one spelling (plain ASCII keys and strings,
 * integers, booleans), so a SQL comparison selects the same sessions as `metadataMatches`. Other pairs are
 * checked in JavaScript only.
 */
export function exactFilterPairs(filter: Readonly<Record<string, JsonValue>> | undefined): [string, string][] {
  const plain = /^[\x20-\x7e]*$/;
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(filter ?? {})) {
    if (!plain.test(key) || /["\\]/.test(key)) continue;
    const simple =
      (typeof value === 'string' && plain.test(value) && !/["\\]/.test(value)) ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isSafeInteger(value));
    if (simple) pairs.push([key, JSON.stringify(value)]);
  }
  return pairs;
}
