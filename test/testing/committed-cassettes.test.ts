import { describe, expect, it } from 'vitest';
import { cassette } from 'icode/testing';
import 'icode/testing/vitest';
import { CASSETTE_PROVIDERS, cassettePath, readFileRun, realModel } from '../fixtures/cassettes/read-file-run.js';

// Recorded by test/fixtures/cassettes/record.ts; replayed offline against each real API's address, with
// model requests disallowed for this whole suite: only the cassette answers.
describe.each(CASSETTE_PROVIDERS)('committed cassette: %s', (provider) => {
  it('replays the read-file run offline through the real adapter', async () => {
    const tape = await cassette({ path: cassettePath(provider), mode: 'replay' });
    let run: Awaited<ReturnType<typeof readFileRun>>;
    try {
      run = await readFileRun(realModel(provider));
    } finally {
      await tape.stop();
    }
    expect(run).toHaveFinishedWith('completed');
    expect(run).toHaveCalledTool('read', { file_path: 'fixture.txt' });
    const read = run.events.find((e) => e.type === 'tool-result');
    expect(read).toMatchObject({ name: 'read', isError: false, output: expect.stringContaining('alpha parity line') });
    expect(run.result.text).toBe('fixture.txt says: alpha parity line, then beta line.');
    expect(tape.interactions).toHaveLength(2);
  });
});
