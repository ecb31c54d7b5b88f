import { describe, expect, it } from 'vitest';
import { runScenario } from 'icode/testing';
import { loadSeedScenario, SEED_CASSETTES, seedCassettePath } from '../fixtures/cassettes/seed-scenarios.js';

// Recorded by test/fixtures/cassettes/record.ts from the mock wire servers; replayed offline against each
// real API's address, with model requests disallowed for this whole suite (test/testing/setup.ts).
describe('seed scenarios replayed from committed cassettes', () => {
  it.each(SEED_CASSETTES)('$name on $provider', async ({ name, provider }) => {
    const outcome = await runScenario(await loadSeedScenario(name), {
      provider,
      cassette: seedCassettePath(name, provider),
    });
    expect(outcome.failures).toEqual([]);
    expect(outcome.status).toBe('passed');
    expect(outcome.requests.length).toBeGreaterThan(0);
    expect(outcome.httpRequests).toBeUndefined();
  });

  it('fail with a diff when the scenario no longer sends what was recorded, without throwing', async () => {
    const scenario = await loadSeedScenario('streaming_text');
    const outcome = await runScenario(
      { ...scenario, prompt: `${scenario.prompt} (changed)` },
      { provider: 'anthropic', cassette: seedCassettePath('streaming_text', 'anthropic') },
    );
    expect(outcome.status).toBe('failed');
    const mismatch = outcome.failures.find((f) => f.startsWith('Cassette '));
    expect(mismatch).toMatch(/has no recording of POST \/v1\/messages with this body\.\nClosest recording/);
    expect(mismatch).toContain('(changed)');
  });

  it('refuse a cassette for the in-process mock model, which sends no HTTP', async () => {
    const outcome = await runScenario(await loadSeedScenario('streaming_text'), {
      cassette: seedCassettePath('streaming_text', 'openai'),
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.failures[0]).toMatch(/a cassette holds HTTP traffic, so it needs a provider adapter/);
  });
});
