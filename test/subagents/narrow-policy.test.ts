/** `narrowPolicy` on its own, and the typed errors of `subagent` and `handoff` for bad options. */
import { describe, expect, it } from 'vitest';
import { ConfigError, createAgent, handoff, subagent, type Agent, type Policy } from '../../src/index.js';
import { narrowPolicy } from '../../src/policy/narrow-policy.js';
import { mockProvider } from '../../src/testing/index.js';
import { fixedPolicy } from '../helpers/agent.js';

const check = { name: 'deploy', input: { target: 'prod' } };

describe('narrowPolicy', () => {
  it.each([
    ['allow', 'allow', 'allow'],
    ['allow', 'ask', 'ask'],
    ['ask', 'allow', 'ask'],
    ['deny', 'allow', 'deny'],
    ['allow', 'deny', 'deny'],
    ['ask', 'deny', 'deny'],
  ] as const)('outer %s, inner %s → %s', async (outer, inner, expected) => {
    const policy = narrowPolicy(fixedPolicy(outer), fixedPolicy(inner));
    expect((await policy.decide(check)).decision).toBe(expected);
  });

  it('denies when either side throws, answers nonsense, or names a workspace escape', async () => {
    const throwing: Policy = { decide: () => Promise.reject(new Error('boom')) };
    const nonsense = { decide: async () => ({ decision: 'yes' }) } as unknown as Policy;
    const escape: Policy = { decide: async () => ({ decision: 'allow', reason: 'x', errorCode: 'WORKSPACE_ESCAPE' }) };
    for (const bad of [throwing, nonsense, escape]) {
      expect((await narrowPolicy(fixedPolicy('allow'), bad).decide(check)).decision).toBe('deny');
      expect((await narrowPolicy(bad, fixedPolicy('allow')).decide(check)).decision).toBe('deny');
    }
  });

  it("takes the stricter mode, the outer approver only, and needs both sides' canRead", async () => {
    const approve = () => 'allow' as const;
    const outer = fixedPolicy('allow', { mode: 'read-only', approve, canRead: async (p: string) => p !== '/a' });
    const inner = fixedPolicy('allow', {
      mode: 'full-access',
      approve: () => 'deny' as const,
      canRead: async (p: string) => p !== '/b',
    });
    const policy = narrowPolicy(outer, inner);
    expect(policy.mode).toBe('read-only');
    expect(policy.approve).toBe(approve);
    expect(await policy.canRead!('/a')).toBe(false);
    expect(await policy.canRead!('/b')).toBe(false);
    expect(await policy.canRead!('/c')).toBe(true);
    // Without an outer approver there is none: the call waits for a person.
    expect(narrowPolicy(fixedPolicy('allow'), inner).approve).toBeUndefined();
    // A mode it does not know counts as the strictest.
    expect(narrowPolicy(outer, fixedPolicy('allow', { mode: 'lockdown' as never })).mode).toBe('lockdown');
  });
});

describe('bad options', () => {
  const provider = mockProvider([]);
  it('subagent refuses missing fields, both or neither agent source, bad limits and foreign agents', () => {
    const agent = createAgent({ provider });
    const base = { name: 'x', description: 'X' };
    expect(() => subagent({ ...base, description: '', agent })).toThrow(ConfigError);
    expect(() => subagent({ ...base })).toThrow(/exactly one/);
    expect(() => subagent({ ...base, agent, options: { provider } })).toThrow(/exactly one/);
    expect(() => subagent({ ...base, agent, maxDepth: 0 })).toThrow(/maxDepth/);
    expect(() => subagent({ ...base, agent, maxConcurrency: 1.5 })).toThrow(/maxConcurrency/);
    expect(() => subagent({ ...base, name: 'bad name', agent })).toThrow(ConfigError);
    expect(() => subagent({ ...base, agent: { ...agent } as Agent })).toThrow(/made by createAgent/);
    expect(() => subagent({ ...base, options: {} as never })).toThrow(/provider/);
  });

  it('handoff refuses an agent not made by createAgent', () => {
    expect(() => handoff({} as Agent)).toThrow(ConfigError);
    expect(handoff(createAgent({ provider, name: 'billing' })).name).toBe('transfer_to_billing');
  });
});
