/**
 * What merged features add to public surfaces: `narrowPolicy` from `icode/policy` (as its documentation
 * shows it), and the `plan` mode in scenario files.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { createPolicy, narrowPolicy, type Policy } from '../../src/policy/index.js';
import { parseScenario, runScenario } from '../../src/testing/scenario/index.js';

describe('narrowPolicy from icode/policy', () => {
  it('combines two policies so that the stricter answer wins, as its example says', async () => {
    const parent = createPolicy({ mode: 'read-only', deny: ['Read(./.env)'], root: '/srv/app' });
    const child = createPolicy({ mode: 'full-access', root: '/srv/app' });
    const policy: Policy = narrowPolicy(parent, child);
    expect(policy.mode).toBe('read-only');
    const write = await policy.decide({ name: 'write', input: { file_path: 'a.txt', content: 'x' } });
    expect(write.decision).toBe('deny');
    const secret = await policy.decide({ name: 'read', input: { file_path: '.env' }, readOnly: true });
    expect(secret).toMatchObject({ decision: 'deny', rule: 'Read(./.env)' });
  });

  it('keeps plan as the mode of a plan parent and a writing child', () => {
    const policy = narrowPolicy(createPolicy({ mode: 'plan' }), createPolicy({ mode: 'workspace-write' }));
    expect(policy.mode).toBe('plan');
  });
});

describe("scenario files accept mode 'plan'", () => {
  const scenario = (mode: string) =>
    parseScenario({
      name: 'plan_refuses_write',
      description: 'In plan mode a write is refused and the model is told to plan.',
      category: 'permissions',
      policy: { mode },
      tools: ['write'],
      prompt: 'Create plan.txt.',
      model: {
        steps: [
          { toolCalls: [{ name: 'write', input: { file_path: 'plan.txt', content: 'x\n' } }] },
          { text: 'refused: {{result}}' },
        ],
      },
      expect: {
        status: 'completed',
        events: [
          { type: 'permission-decision', decision: 'deny', source: 'mode' },
          { type: 'tool-result', name: 'write', isError: true, errorCode: 'PERMISSION_DENIED' },
        ],
        text: { includes: 'Plan mode allows only reads' },
        files: { 'plan.txt': null },
      },
    });

  it('runs a plan-mode scenario: the write is refused and the model reads that it plans', async () => {
    const outcome = await runScenario(scenario('plan'));
    expect(outcome.failures).toEqual([]);
    expect(outcome.status).toBe('passed');
    expect(outcome.requests[0]?.system).toMatch(/You are in plan mode/);
  });

  it('still refuses a mode the policy does not know, with a ConfigError', () => {
    expect(() => scenario('planning')).toThrow(ConfigError);
  });
});
