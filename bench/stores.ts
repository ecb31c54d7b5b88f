/**
 * Store benchmarks: append throughput (one entry per append, and batches of 100) and the load time of a
 * 10,000-entry session, for the memory, SQLite and Postgres stores. SQLite and Postgres are compared with
 * the bare driver doing the same inserts and reads on the same database (the floor), as ratios.
 *
 * Postgres: ICODE_TEST_POSTGRES_URL, or a private server started from the machine's PostgreSQL binaries
 * (fsync off, like the tests'). Run alone with `npx tsx bench/stores.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { memoryStore } from '../src/stores/memory-store.js';
import { postgresStore } from '../src/stores/postgres/index.js';
import { sqliteStore } from '../src/stores/sqlite/index.js';
import type { SessionEntry, SessionStore } from '../src/stores/types.js';
import { startTestPostgres } from '../test/stores/postgres-server.js';

const SINGLE = 300;
/** Store and floor are measured alternately this many times; the best run of each counts (the machine is shared). */
const ROUNDS = 3;
const BATCH = 100;
const BATCHES = 50;
const LOAD = 10_000;

/** A realistic entry: an assistant message of about 400 bytes. */
function entry(i: number): SessionEntry {
  return {
    type: 'message',
    turn: i,
    message: {
      role: 'assistant',
      content: [
        {
          type: 'text',
          text: `Step ${i}: reading the file and checking the failing assertion before editing it. `.repeat(4),
        },
        {
          type: 'tool-call',
          id: `call_${i}`,
          name: 'read',
          input: { file_path: `src/file-${i % 50}.ts`, offset: i, limit: 200 },
        },
      ],
    },
  };
}

interface Figures {
  /** Entries per second, one entry per append. */
  single: number;
  /** Entries per second, appends of BATCH entries. */
  batch: number;
  /** Milliseconds to load a LOAD-entry session. */
  load: number;
}

async function time(work: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function measureStore(store: SessionStore): Promise<Figures> {
  const one = await store.create();
  const singleMs = await time(async () => {
    for (let i = 0; i < SINGLE; i++) await store.append(one.id, [entry(i)], { expectedVersion: i });
  });
  const many = await store.create();
  const batchMs = await time(async () => {
    for (let b = 0; b < BATCHES; b++) {
      await store.append(
        many.id,
        Array.from({ length: BATCH }, (_, i) => entry(b * BATCH + i)),
        { expectedVersion: b * BATCH },
      );
    }
  });
  const big = await store.create();
  for (let v = 0; v < LOAD; v += 1_000)
    await store.append(
      big.id,
      Array.from({ length: 1_000 }, (_, i) => entry(v + i)),
      { expectedVersion: v },
    );
  const loadMs = await time(async () => {
    const { entries } = await store.load(big.id);
    if (entries.length !== LOAD) throw new Error(`loaded ${entries.length} entries`);
  });
  return { single: (SINGLE / singleMs) * 1000, batch: ((BATCH * BATCHES) / batchMs) * 1000, load: loadMs };
}

/** The floor for SQLite: better-sqlite3 with the same pragmas, inserting the same JSON text, no version check. */
async function sqliteFloor(path: string): Promise<Figures> {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE entries (session_id TEXT NOT NULL, seq INTEGER NOT NULL, schema_version INTEGER NOT NULL, created_at INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (session_id, seq)) WITHOUT ROWID',
  );
  const insert = db.prepare('INSERT INTO entries VALUES (?, ?, 1, ?, ?)');
  const singleMs = await time(() => {
    for (let i = 0; i < SINGLE; i++) insert.run('one', i + 1, Date.now(), JSON.stringify(entry(i)));
  });
  const insertBatch = db.transaction((b: number) => {
    for (let i = 0; i < BATCH; i++)
      insert.run('many', b * BATCH + i + 1, Date.now(), JSON.stringify(entry(b * BATCH + i)));
  });
  const batchMs = await time(() => {
    for (let b = 0; b < BATCHES; b++) insertBatch(b);
  });
  db.transaction(() => {
    for (let i = 0; i < LOAD; i++) insert.run('big', i + 1, Date.now(), JSON.stringify(entry(i)));
  })();
  const select = db.prepare(
    'SELECT seq, schema_version, created_at, entry FROM entries WHERE session_id = ? ORDER BY seq',
  );
  const loadMs = await time(() => {
    const rows = select.all('big') as { entry: string }[];
    if (rows.map((r) => JSON.parse(r.entry)).length !== LOAD) throw new Error('short load');
  });
  db.close();
  return { single: (SINGLE / singleMs) * 1000, batch: ((BATCH * BATCHES) / batchMs) * 1000, load: loadMs };
}

/** The floor for Postgres: pg inserting the same JSON text in one statement per append, no version check. */
async function postgresFloor(url: string): Promise<Figures> {
  const client = new pg.Client(url);
  await client.connect();
  await client.query('DROP SCHEMA IF EXISTS bench_floor CASCADE; CREATE SCHEMA bench_floor');
  await client.query(
    'CREATE TABLE bench_floor.entries (session_id text NOT NULL, seq integer NOT NULL, schema_version integer NOT NULL, created_at bigint NOT NULL, entry text NOT NULL, PRIMARY KEY (session_id, seq))',
  );
  const insertMany = (session: string, from: number, texts: string[]) =>
    client.query(
      'INSERT INTO bench_floor.entries SELECT $1, $2 + t.ord::integer, 1, $3, t.e FROM unnest($4::text[]) WITH ORDINALITY AS t(e, ord)',
      [session, from, Date.now(), texts],
    );
  const singleMs = await time(async () => {
    for (let i = 0; i < SINGLE; i++) {
      await client.query('INSERT INTO bench_floor.entries VALUES ($1, $2, 1, $3, $4)', [
        'one',
        i + 1,
        Date.now(),
        JSON.stringify(entry(i)),
      ]);
    }
  });
  const batchMs = await time(async () => {
    for (let b = 0; b < BATCHES; b++) {
      await insertMany(
        'many',
        b * BATCH,
        Array.from({ length: BATCH }, (_, i) => JSON.stringify(entry(b * BATCH + i))),
      );
    }
  });
  for (let v = 0; v < LOAD; v += 1_000)
    await insertMany(
      'big',
      v,
      Array.from({ length: 1_000 }, (_, i) => JSON.stringify(entry(v + i))),
    );
  const loadMs = await time(async () => {
    const { rows } = await client.query(
      'SELECT seq, schema_version, created_at, entry FROM bench_floor.entries WHERE session_id = $1 ORDER BY seq',
      ['big'],
    );
    if (rows.map((r: { entry: string }) => JSON.parse(r.entry)).length !== LOAD) throw new Error('short load');
  });
  await client.query('DROP SCHEMA bench_floor CASCADE');
  await client.end();
  return { single: (SINGLE / singleMs) * 1000, batch: ((BATCH * BATCHES) / batchMs) * 1000, load: loadMs };
}

/** The best figures of several runs: highest throughputs, lowest load time. */
function best(runs: Figures[]): Figures {
  return {
    single: Math.max(...runs.map((r) => r.single)),
    batch: Math.max(...runs.map((r) => r.batch)),
    load: Math.min(...runs.map((r) => r.load)),
  };
}

/** Measures a store and its floor alternately, ROUNDS times each. */
async function alternate(store: () => Promise<Figures>, floor: () => Promise<Figures>): Promise<[Figures, Figures]> {
  const stores: Figures[] = [];
  const floors: Figures[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    stores.push(await store());
    floors.push(await floor());
  }
  return [best(stores), best(floors)];
}

const rate = (n: number): string => `${Math.round(n).toLocaleString('en-US')} entries/s`;
const ms = (n: number): string => `${n.toFixed(1)} ms`;

function rows(name: string, store: Figures, floor?: Figures): string[] {
  // Ratios are store cost over floor cost: 1.00 is as fast as the bare driver, 2.00 twice as slow.
  const ratio = (storeCost: number, floorCost: number | undefined): string =>
    floorCost === undefined ? '—' : `${(storeCost / floorCost).toFixed(2)}×`;
  return [
    `| ${name} | append, 1 entry each | ${rate(store.single)} | ${floor ? rate(floor.single) : '—'} | ${ratio(1 / store.single, floor && 1 / floor.single)} |`,
    `| ${name} | append, ${BATCH} entries each | ${rate(store.batch)} | ${floor ? rate(floor.batch) : '—'} | ${ratio(1 / store.batch, floor && 1 / floor.batch)} |`,
    `| ${name} | load ${LOAD.toLocaleString('en-US')} entries | ${ms(store.load)} | ${floor ? ms(floor.load) : '—'} | ${ratio(store.load, floor?.load)} |`,
  ];
}

/** Runs the store benchmarks and prints a markdown table. */
export async function bench(): Promise<void> {
  const lines = [
    '### Session stores',
    '',
    `Appends of ${SINGLE.toLocaleString('en-US')} single entries and ${BATCHES} batches of ${BATCH}; entries are ~400-byte assistant messages. ` +
      `Best of ${ROUNDS} alternating runs. The floor is the bare driver doing the same inserts (and the same select plus JSON.parse for load) without the version check; ratio = store cost / floor cost.`,
    '',
    '| store | operation | store | floor (bare driver) | ratio |',
    '|---|---|---|---|---|',
  ];
  const memory = memoryStore();
  lines.push(...rows('memory', await measureStore(memory)));
  await memory.close();

  const dir = await mkdtemp(join(tmpdir(), 'icode-bench-stores-'));
  try {
    let driver = 'sqlite';
    let round = 0;
    const [store, floor] = await alternate(
      async () => {
        const sqlite = sqliteStore({ path: join(dir, `store-${round}.db`) });
        const figures = await measureStore(sqlite);
        driver = sqlite.driver ?? driver;
        await sqlite.close();
        return figures;
      },
      () => sqliteFloor(join(dir, `floor-${round++}.db`)),
    );
    lines.push(...rows(`sqlite (${driver}, synchronous=FULL)`, store, floor));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const server = await startTestPostgres();
  try {
    let round = 0;
    const [store, floor] = await alternate(
      async () => {
        const postgres = postgresStore({ connectionString: server.url }, { schema: `bench_${round++}` });
        const figures = await measureStore(postgres);
        await postgres.close();
        return figures;
      },
      () => postgresFloor(server.url),
    );
    lines.push(...rows('postgres (pg, loopback)', store, floor));
  } finally {
    await server.stop();
  }
  console.log(lines.join('\n'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await bench();
