/**
 * The store a recovered workflow's agent sees: what the dead execution wrote is neither history nor
 * written twice, and a replay that diverges from it is refused.
 */
import { describe, expect, it } from 'vitest';
import { memoryStore, StoreError } from '../../src/index.js';
import { replayStore } from '../../src/durable/replay-store.js';
import type { SessionEntry } from '../../src/stores/types.js';

const user: SessionEntry = { type: 'message', message: { role: 'user', content: [{ type: 'text', text: 'go' }] } };
const call: SessionEntry = {
  type: 'message',
  message: { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 't', input: {} }] },
};
const other: SessionEntry = {
  type: 'message',
  message: { role: 'assistant', content: [{ type: 'tool-call', id: 'c9', name: 't', input: {} }] },
};

describe('replayStore', () => {
  it('hides what a dead execution wrote, then skips writing it again', async () => {
    const store = memoryStore();
    const { id } = await store.create();
    await store.append(id, [user, call], { expectedVersion: 0 });
    const view = replayStore(store, id, 0);
    expect((await view.load(id)).entries).toEqual([]);
    expect((await view.get(id))?.version).toBe(0);
    expect(await view.append(id, [user], { expectedVersion: 0 })).toBe(1);
    expect(await view.append(id, [call], { expectedVersion: 1 })).toBe(2);
    expect((await view.load(id)).entries.map((e) => e.seq)).toEqual([1, 2]);
    // Past what was written, appends are real.
    expect(await view.append(id, [user], { expectedVersion: 2 })).toBe(3);
    expect((await store.load(id)).entries).toHaveLength(3);
  });

  it('refuses a replay that would write other entries than those stored', async () => {
    const store = memoryStore();
    const { id } = await store.create();
    await store.append(id, [user, call], { expectedVersion: 0 });
    const view = replayStore(store, id, 1);
    await expect(view.append(id, [other], { expectedVersion: 1 })).rejects.toThrow(StoreError);
    expect((await store.load(id)).entries).toHaveLength(2);
  });
});
