/**
 * Every scenario of `scenarios/` on every provider: the in-process mock model, and the Anthropic, OpenAI
 * (Chat and Responses), Gemini and Ollama adapters over their official SDKs against mock wire servers.
 * The agent, tools, policy and scenario are the same on each: only the model changes.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  loadScenarios,
  runScenario,
  SCENARIO_MODEL_IDS,
  SCENARIO_PROVIDERS,
  type ScenarioProvider,
} from '../../src/testing/scenario/index.js';

const STREAM_ENDPOINT: Record<Exclude<ScenarioProvider, 'mock'>, string> = {
  anthropic: 'POST /v1/messages',
  openai: 'POST /v1/chat/completions',
  'openai-responses': 'POST /v1/responses',
  gemini: `POST /v1beta/models/${SCENARIO_MODEL_IDS.gemini}:streamGenerateContent?alt=sse`,
  ollama: 'POST /api/chat',
};

const scenarios = await loadScenarios(fileURLToPath(new URL('../../scenarios/', import.meta.url)));

describe('the scenario suite', () => {
  it('holds the twelve seed scenarios and icode’s own', () => {
    const names = scenarios.map((scenario) => scenario.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'streaming_text',
        'read_file_roundtrip',
        'grep_chunk_assembly',
        'write_file_allowed',
        'write_file_denied',
        'multi_tool_turn_roundtrip',
        'bash_stdout_roundtrip',
        'bash_permission_prompt_approved',
        'bash_permission_prompt_denied',
        'plugin_tool_roundtrip',
        'auto_compact_triggered',
        'token_cost_reporting',
        'symlink_escape_refused',
        'edit_fuzzy_match',
        'approval_paused_then_resumed',
        'budget_exceeded',
        'unicode_roundtrip',
        'invalid_tool_input_recovers',
        'text_and_tools_one_turn',
        'deny_rule_protects_secrets',
        'allow_always_not_asked_again',
        'fix_failing_test',
        'max_turns_reached',
        'retry_past_provider_failures',
        'prompt_cache_usage',
        'session_follow_up',
        'revert_to_turn',
        'web_fetch_private_address_refused',
      ]),
    );
    // Nothing waits: approvals, compaction, cost and plugins all run for real.
    expect(scenarios.filter((scenario) => scenario.pending).map((scenario) => scenario.name)).toEqual([]);
  });
});

describe.each(SCENARIO_PROVIDERS)('the same agent code runs unchanged on provider %s', (provider) => {
  it.concurrent.each(scenarios.map((scenario) => [scenario.name, scenario] as const))('%s', async (_name, scenario) => {
    const outcome = await runScenario(scenario, { provider });
    if (scenario.pending) {
      expect(outcome.status).toBe('pending');
      expect(outcome.requests).toEqual([]);
      return;
    }
    // The failures in the assertion message say exactly which expectation broke.
    expect({ status: outcome.status, failures: outcome.failures }).toEqual({ status: 'passed', failures: [] });
    expect(outcome.requests.length).toBeGreaterThan(0);
    if (provider === 'mock') {
      expect(outcome.httpRequests).toBeUndefined();
      return;
    }
    // As the seed harness checked: every HTTP request is a streaming call of the provider's endpoint.
    expect(outcome.httpRequests).toHaveLength(outcome.requests.length);
    for (const request of outcome.httpRequests ?? []) {
      expect(`${request.method} ${request.path}`).toBe(STREAM_ENDPOINT[provider]);
      if (provider !== 'gemini') expect(request.body).toMatchObject({ stream: true });
    }
  });
});
