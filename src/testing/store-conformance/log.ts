/** Conformance tests of the entry log: append, load, atomicity, conflicts, concurrency, content. */
import type { JsonValue } from '../../model/message.js';
import { ENTRY_SCHEMA_VERSION, type SessionEntry, type StoredEntry } from '../../stores/types.js';
import {
  type ConformanceContext,
  StoreConflictError,
  StoreError,
  dataEntries,
  dataEntry,
  expectAnyRejection,
  expectRejection,
  userEntry,
} from './context.js';

/** One entry of every kind, as the agent writes them. */
export function entriesOfEveryKind(): SessionEntry[] {
  return [
    userEntry('Fix the failing test'),
    {
      type: 'message',
      turn: 1,
      message: {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Look first.', signature: 'sig-1', providerMetadata: { redacted: false } },
          { type: 'text', text: 'Reading the test.' },
          { type: 'tool-call', id: 'call_1', name: 'read', input: { file_path: 'test/a.test.ts', limit: 20 } },
        ],
      },
    },
    {
      type: 'message',
      turn: 1,
      message: {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            id: 'call_1',
            name: 'read',
            output: '1\timport { it } from "vitest";',
            isError: false,
          },
        ],
      },
    },
    { type: 'snapshot', snapshotId: 'snap_0001', turn: 2 },
    {
      type: 'pending-approvals',
      requests: [
        {
          id: 'call_2',
          name: 'bash',
          input: { command: 'npm test' },
          reason: 'bash asks',
          digest: 'sha256:b45d61321ffd5e079ad8b17f7cb2cc81a341a8d16aabe0203e47d9158787b1f7',
          suggestedRule: 'Bash(npm test:*)',
        },
        {
          id: 'call_3',
          name: 'write',
          input: { file_path: 'a.ts', content: 'x' },
          reason: 'writes are asked',
          digest: 'sha256:5ac813e6663e6a95e87970bcef28f0c974f42c1a1e31d2e2f19f5590cd4aff02',
        },
      ],
    },
    { type: 'approvals-resolved', decisions: { call_2: 'allow', call_3: 'deny' } },
    {
      type: 'compaction',
      strategy: 'summarize',
      summary: 'The user asked to fix a test.',
      upTo: 3,
      tokensBefore: 9000,
      tokensAfter: 1200,
    },
    {
      type: 'data',
      key: 'todos',
      value: [
        { text: 'fix', done: false },
        { text: 'ship', done: true },
      ],
    },
  ];
}

function expectContiguous(entries: readonly StoredEntry[], from = 1): void {
  entries.forEach((stored, i) => {
    if (stored.seq !== from + i)
      throw new Error(`Entry ${i} has seq ${stored.seq}; expected ${from + i} (contiguous from ${from}).`);
  });
}

/** Registers the entry log tests. */
export function logTests(ctx: ConformanceContext): void {
  const { describe, it, expect } = ctx.t;
  const { timeout, concurrency, largeSessionEntries } = ctx.options;

  describe('append and load', () => {
    it('round-trips entries of every kind with seq, schema version and time', { timeout }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('round-trip') });
      const entries = entriesOfEveryKind();
      const before = Date.now();
      expect(await store.append(info.id, entries.slice(0, 3), { expectedVersion: 0 })).toBe(3);
      expect(await store.append(info.id, entries.slice(3), { expectedVersion: 3 })).toBe(entries.length);
      const loaded = await store.load(info.id);
      expect(loaded.info.id).toBe(info.id);
      expect(loaded.info.version).toBe(entries.length);
      expect(loaded.info.updatedAt).toBeGreaterThanOrEqual(info.updatedAt);
      expect(loaded.entries.map((e) => e.entry)).toEqual(entries);
      expectContiguous(loaded.entries);
      for (const stored of loaded.entries) {
        expect(stored.schemaVersion).toBe(ENTRY_SCHEMA_VERSION);
        expect(stored.createdAt).toBeGreaterThanOrEqual(before - 5_000);
      }
      for (let i = 1; i < loaded.entries.length; i++) {
        expect(loaded.entries[i]!.createdAt).toBeGreaterThanOrEqual(loaded.entries[i - 1]!.createdAt);
      }
      expect((await store.get(info.id))?.version).toBe(entries.length);
    });

    it('keeps pending approvals and their resolution', { timeout }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('approvals') });
      const pending = entriesOfEveryKind().find((e) => e.type === 'pending-approvals')!;
      await store.append(info.id, [userEntry('deploy'), pending], { expectedVersion: 0 });
      const { entries } = await store.load(info.id);
      expect(entries[1]?.entry).toEqual(pending);
      await store.append(info.id, [{ type: 'approvals-resolved', decisions: { call_2: 'allow' } }], {
        expectedVersion: 2,
      });
      expect((await store.load(info.id)).entries.map((e) => e.entry.type)).toEqual([
        'message',
        'pending-approvals',
        'approvals-resolved',
      ]);
    });

    it('returns the version unchanged for an empty append', { timeout }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('empty-append') });
      await store.append(info.id, [dataEntry(1)], { expectedVersion: 0 });
      expect(await store.append(info.id, [], { expectedVersion: 1 })).toBe(1);
      expect((await store.load(info.id)).entries).toHaveLength(1);
    });

    it('rejects an invalid expectedVersion without writing', { timeout }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('bad-version') });
      for (const bad of [-1, 0.5, Number.NaN]) {
        await expectAnyRejection(store.append(info.id, [dataEntry(1)], { expectedVersion: bad }));
      }
      expect((await store.load(info.id)).entries).toEqual([]);
    });
  });

  describe('atomicity and conflicts', () => {
    it(
      'writes all entries of an append or none: an entry that cannot be serialised fails the whole append',
      { timeout },
      async () => {
        const store = await ctx.open();
        const info = await store.create({ metadata: ctx.tag('atomic') });
        await store.append(info.id, [dataEntry(1)], { expectedVersion: 0 });
        const circular: Record<string, unknown> = { name: 'loop' };
        circular.self = circular;
        const unserialisable = [
          { type: 'data', key: 'big', value: 10n },
          { type: 'data', key: 'loop', value: circular },
        ] as unknown as SessionEntry[];
        for (const bad of unserialisable) {
          await expectAnyRejection(store.append(info.id, [dataEntry(2), dataEntry(3), bad], { expectedVersion: 1 }));
          const loaded = await store.load(info.id);
          expect(loaded.info.version).toBe(1);
          expect(loaded.entries.map((e) => e.entry)).toEqual([dataEntry(1)]);
        }
        expect(await store.append(info.id, [dataEntry(2)], { expectedVersion: 1 })).toBe(2);
      },
    );

    it('throws StoreConflictError for a stale or future expectedVersion and writes nothing', { timeout }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('conflict') });
      await store.append(info.id, dataEntries(1, 2), { expectedVersion: 0 });
      for (const expectedVersion of [0, 1, 3, 10]) {
        const error = await expectRejection(
          store.append(info.id, [dataEntry(99)], { expectedVersion }),
          StoreConflictError,
        );
        expect(error.sessionId).toBe(info.id);
        expect(error.expectedVersion).toBe(expectedVersion);
        expect(error.actualVersion).toBe(2);
        expect(StoreError.isInstance(error)).toBe(true);
      }
      expect((await store.load(info.id)).entries.map((e) => e.entry)).toEqual(dataEntries(1, 2));
    });

    it(
      `lets exactly one of ${concurrency} parallel appends with the same expectedVersion win, every round`,
      { timeout },
      async () => {
        const store = await ctx.open();
        const info = await store.create({ metadata: ctx.tag('race') });
        let version = 0;
        for (let round = 0; round < 5; round++) {
          const results = await Promise.allSettled(
            Array.from({ length: concurrency }, (_, writer) =>
              store.append(info.id, [dataEntry(writer, `w${writer}`), dataEntry(round, `r${writer}`)], {
                expectedVersion: version,
              }),
            ),
          );
          const won = results.filter((r) => r.status === 'fulfilled');
          expect(won).toHaveLength(1);
          expect((won[0] as PromiseFulfilledResult<number>).value).toBe(version + 2);
          for (const lost of results.filter((r) => r.status === 'rejected')) {
            expect(StoreConflictError.isInstance(lost.reason)).toBe(true);
          }
          version += 2;
        }
        const { entries } = await store.load(info.id);
        expect(entries).toHaveLength(10);
        expectContiguous(entries);
        // Each winning append kept its two entries together.
        for (let i = 0; i < entries.length; i += 2) {
          const [first, second] = [entries[i]!.entry, entries[i + 1]!.entry];
          expect(first.type === 'data' && second.type === 'data' && first.key.slice(1) === second.key.slice(1)).toBe(
            true,
          );
        }
      },
    );

    it(`keeps every entry exactly once when ${concurrency} writers append with retries`, { timeout }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('retry-writers') });
      const perWriter = 6;
      const writer = async (w: number): Promise<void> => {
        for (let i = 0; i < perWriter;) {
          const current = (await store.get(info.id))!.version;
          try {
            await store.append(info.id, [dataEntry(i, `writer-${w}`)], { expectedVersion: current });
            i++;
          } catch (error) {
            if (!StoreConflictError.isInstance(error)) throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, (_, w) => writer(w)));
      const { entries, info: after } = await store.load(info.id);
      expect(after.version).toBe(concurrency * perWriter);
      expectContiguous(entries);
      for (let w = 0; w < concurrency; w++) {
        const own = entries.map((e) => e.entry).filter((e) => e.type === 'data' && e.key === `writer-${w}`);
        expect(own).toEqual(dataEntries(0, perWriter, `writer-${w}`));
      }
    });
  });

  describe('content', () => {
    it(`appends and loads a large session of ${largeSessionEntries} entries`, { timeout: timeout * 4 }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('large') });
      const entries = dataEntries(1, largeSessionEntries);
      const half = Math.floor(largeSessionEntries / 2);
      // Half in one big append, half in batches of 100.
      expect(await store.append(info.id, entries.slice(0, half), { expectedVersion: 0 })).toBe(half);
      for (let i = half; i < entries.length; i += 100)
        await store.append(info.id, entries.slice(i, i + 100), { expectedVersion: i });
      const loaded = await store.load(info.id);
      expect(loaded.info.version).toBe(largeSessionEntries);
      expect(loaded.entries).toHaveLength(largeSessionEntries);
      expectContiguous(loaded.entries);
      loaded.entries.forEach((stored) => {
        const entry = stored.entry;
        if (entry.type !== 'data' || entry.value !== stored.seq)
          expect.fail(`Entry ${stored.seq} holds ${JSON.stringify(entry)}.`);
      });
    });

    it('keeps unicode exactly: emoji, RTL, combining marks, control characters', { timeout }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('unicode') });
      const controls = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('');
      const texts = [
        '👩‍💻 deploys 🚀🇺🇦 and 🧑🏽‍🔬',
        'مرحبا بالعالم — שלום עולם (RTL)',
        '\u202Eevil\u202C bidi override, e\u0301 vs é, Ω vs Ω',
        `controls:${controls}:end`,
        'line\u2028separator\u2029paragraph \uFEFF bom \uFFFF nonchar',
        '"quotes" \\backslash\\ \'single\' `tick` ${template}',
        '𝓤𝓷𝓲𝓬𝓸𝓭𝓮 astral 𠜎𠜱',
      ];
      const entries: SessionEntry[] = texts.map((text) => userEntry(text));
      entries.push({ type: 'data', key: 'ключ 🔑', value: { عربي: texts, '\t': controls } });
      await store.append(info.id, entries, { expectedVersion: 0 });
      expect((await store.load(info.id)).entries.map((e) => e.entry)).toEqual(entries);
    });

    it('handles lone surrogates deterministically: kept exactly, or refused without writing', { timeout }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('surrogates') });
      const entry = userEntry('lone high \uD800 and low \uDC00x and reversed \uDC00\uD800');
      let accepted: boolean;
      try {
        await store.append(info.id, [entry], { expectedVersion: 0 });
        accepted = true;
      } catch (error) {
        expect(StoreError.isInstance(error) || error instanceof TypeError).toBe(true);
        accepted = false;
      }
      const loaded = await store.load(info.id);
      if (accepted) expect(loaded.entries.map((e) => e.entry)).toEqual([entry]);
      else expect(loaded.info.version).toBe(0);
      // The same input gives the same outcome the second time.
      const second = await store.create({ metadata: ctx.tag('surrogates') });
      const again = store.append(second.id, [entry], { expectedVersion: 0 });
      if (accepted) await expect(again).resolves.toBe(1);
      else await expectAnyRejection(again);
    });

    it('is binary-safe for base64 image parts', { timeout }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('binary') });
      const bytes = new Uint8Array(64 * 1024);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + (i >> 8)) & 0xff;
      const data = Buffer.from(bytes).toString('base64');
      const entry: SessionEntry = {
        type: 'message',
        message: {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image', mediaType: 'image/png', data },
          ],
        },
      };
      await store.append(info.id, [entry], { expectedVersion: 0 });
      const [stored] = (await store.load(info.id)).entries;
      expect(stored?.entry).toEqual(entry);
      const part = stored?.entry.type === 'message' ? stored.entry.message.content[1] : undefined;
      const roundTripped =
        part && 'data' in part && typeof part.data === 'string' ? Buffer.from(part.data, 'base64') : Buffer.alloc(0);
      expect(roundTripped.equals(Buffer.from(bytes))).toBe(true);
    });

    it('keeps numbers, nulls and nested JSON values exactly', { timeout }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('json-values') });
      const value: JsonValue = {
        int: 42,
        negative: -7,
        float: 0.1 + 0.2,
        big: Number.MAX_SAFE_INTEGER,
        tiny: 5e-324,
        exp: 1e21,
        null: null,
        bools: [true, false],
        empty: { a: [], b: {}, c: '' },
        deep: [[[[[{ x: [1, [2, [3]]] }]]]]],
      };
      await store.append(info.id, [{ type: 'data', key: 'values', value }], { expectedVersion: 0 });
      expect((await store.load(info.id)).entries[0]?.entry).toEqual({ type: 'data', key: 'values', value });
    });
  });
}
