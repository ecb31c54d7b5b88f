import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface JsonReport {
  testResults: { assertionResults: { ancestorTitles: string[]; title: string; status: string }[] }[];
}

/** Runs the conformance suite over four deliberately broken stores in a separate vitest, and reads its report. */
async function runBrokenStores(): Promise<Map<string, string[]>> {
  const dir = await mkdtemp(join(tmpdir(), 'icode-teeth-'));
  try {
    const output = join(dir, 'report.json');
    const child = spawn(
      process.execPath,
      [
        join(root, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        '--config',
        join(root, 'test', 'stores', 'fixtures', 'vitest.broken-stores.config.ts'),
        '--reporter=json',
        `--outputFile=${output}`,
      ],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(1);
    const report = JSON.parse(await readFile(output, 'utf8')) as JsonReport;
    const failed = new Map<string, string[]>();
    for (const result of report.testResults.flatMap((file) => file.assertionResults)) {
      const suite = result.ancestorTitles[0] ?? '';
      if (!failed.has(suite)) failed.set(suite, []);
      if (result.status === 'failed') failed.get(suite)!.push(result.title);
    }
    return failed;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

it(
  'catches a store that ignores expectedVersion, lists in the wrong order, appends partially, shares forks, does not lock or ignores task revisions',
  { timeout: 120_000 },
  async () => {
    const failed = await runBrokenStores();
    expect(failed.get('storeConformance: ignoresExpectedVersion')).toEqual(
      expect.arrayContaining([
        'throws StoreConflictError for a stale or future expectedVersion and writes nothing',
        'keeps the first `version` entries, and appends continue after them',
      ]),
    );
    expect(failed.get('storeConformance: listsOldestFirst')).toEqual(
      expect.arrayContaining(['lists newest-updated first, and an append moves a session to the front']),
    );
    expect(failed.get('storeConformance: appendsPartially')).toEqual(
      expect.arrayContaining([
        'writes all entries of an append or none: an entry that cannot be serialised fails the whole append',
      ]),
    );
    expect(failed.get('storeConformance: forksShareHistory')).toEqual(
      expect.arrayContaining(['is independent of its parent afterwards, both ways']),
    );
    expect(failed.get('storeConformance: locksNothing')).toEqual(
      expect.arrayContaining([
        'lets one holder at a time have a session; a waiter is told, then gets it on release',
        'hands a contended lock to one waiter at a time until every one had it',
      ]),
    );
    expect(failed.get('storeConformance: ignoresTaskRevision')).toEqual(
      expect.arrayContaining(['refuses a stale revision, and lets one of two writers of the same revision win']),
    );
    expect(failed.get('storeConformance: waitsForever')).toEqual(
      expect.arrayContaining([
        'gives up with SessionLockedError after timeoutMs (at once for 0), leaving the lock alone',
      ]),
    );
  },
);
