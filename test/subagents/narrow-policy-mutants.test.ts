/**
 * `narrowPolicy` in detail: which side's decision and reason win, the mode on every pair, "allow always"
 * on both sides, `canRead` with one side or none, and the paths the outer policy is shown for a tool bound
 * to another sandbox.
 */
import { describe, expect, it } from 'vitest';
import type { PermissionCheck, Policy, PolicyDecision, Sandbox } from '../../src/index.js';
import { narrowPolicy } from '../../src/policy/narrow-policy.js';

const check: PermissionCheck = { name: 'deploy', input: { target: 'prod' } };

/** A policy that answers `decision` with its own reason, and keeps every check it was shown. */
function recording(decision: PolicyDecision['decision'], reason: string, extra: Partial<Policy> = {}) {
  const seen: PermissionCheck[] = [];
  const policy: Policy = {
    decide: async (shown) => {
      seen.push(shown);
      return { decision, reason };
    },
    ...extra,
  };
  return { policy, seen };
}

const sandboxAt = (root: string) => ({ root }) as Sandbox;

describe('narrowPolicy decisions', () => {
  it('keeps the outer answer, reason and all, when both sides answer alike', async () => {
    for (const decision of ['allow', 'ask', 'deny'] as const) {
      const policy = narrowPolicy(recording(decision, 'outer').policy, recording(decision, 'inner').policy);
      expect(await policy.decide(check)).toEqual({ decision, reason: 'outer' });
    }
  });

  it("takes the stricter side's own answer with its reason", async () => {
    const policy = narrowPolicy(recording('allow', 'outer').policy, recording('ask', 'inner').policy);
    expect(await policy.decide(check)).toEqual({ decision: 'ask', reason: 'inner' });
    const alone = narrowPolicy(recording('ask', 'outer').policy, undefined);
    expect(await alone.decide(check)).toEqual({ decision: 'ask', reason: 'outer' });
  });

  it('says why it denies a policy that throws or gives no decision', async () => {
    const throwing: Policy = { decide: () => Promise.reject(new Error('boom')) };
    const nothing = { decide: async () => undefined } as unknown as Policy;
    const allow = recording('allow', 'fine').policy;
    expect(await narrowPolicy(throwing, allow).decide(check)).toEqual({
      decision: 'deny',
      reason: "The delegating agent's permission check failed for this deploy call",
    });
    expect(await narrowPolicy(allow, nothing).decide(check)).toEqual({
      decision: 'deny',
      reason: 'A policy gave no valid decision for this deploy call',
    });
  });

  it('turns an ask that names a workspace escape into a denial, keeping its reason and code', async () => {
    const escape: Policy = {
      decide: async () => ({ decision: 'ask', reason: 'outside the root', errorCode: 'WORKSPACE_ESCAPE' }),
    };
    const denied = await narrowPolicy(escape, recording('allow', 'inner').policy).decide(check);
    expect(denied).toEqual({ decision: 'deny', reason: 'outside the root', errorCode: 'WORKSPACE_ESCAPE' });
    const other: Policy = { decide: async () => ({ decision: 'ask', reason: 'why', errorCode: 'OTHER' as never }) };
    expect((await narrowPolicy(other, undefined).decide(check)).decision).toBe('ask');
  });
});

describe('narrowPolicy mode', () => {
  const withMode = (mode: string | undefined): Policy =>
    recording('allow', 'x', mode === undefined ? {} : { mode: mode as never }).policy;

  it.each([
    ['plan', 'read-only', 'plan'],
    ['read-only', 'plan', 'read-only'],
    ['workspace-write', 'full-access', 'workspace-write'],
    ['full-access', 'workspace-write', 'workspace-write'],
    ['full-access', 'plan', 'plan'],
    ['workspace-write', 'read-only', 'read-only'],
    ['read-only', 'full-access', 'read-only'],
    ['lockdown', 'full-access', 'lockdown'],
    ['plan', 'lockdown', 'lockdown'],
    [undefined, 'workspace-write', 'workspace-write'],
    ['workspace-write', undefined, 'workspace-write'],
  ])('outer %s, inner %s → %s', (outer, inner, expected) => {
    expect(narrowPolicy(withMode(outer), withMode(inner)).mode).toBe(expected);
  });

  it('has no mode when neither side has one, and no approver when the outer side has none', () => {
    const policy = narrowPolicy(withMode(undefined), withMode(undefined));
    expect('mode' in policy).toBe(false);
    expect('approve' in policy).toBe(false);
    expect(narrowPolicy(withMode('plan'), undefined).mode).toBe('plan');
  });
});

describe('narrowPolicy allowAlways and canRead', () => {
  it('adds an "allow always" rule to both sides, even when one of them throws', () => {
    const rules: string[] = [];
    const outer = recording('ask', 'o', {
      allowAlways: (rule) => {
        rules.push(`outer ${rule}`);
        throw new Error('cannot parse');
      },
    }).policy;
    const inner = recording('ask', 'i', { allowAlways: (rule) => void rules.push(`inner ${rule}`) }).policy;
    narrowPolicy(outer, inner).allowAlways!('Bash(npm test)');
    expect(rules).toEqual(['outer Bash(npm test)', 'inner Bash(npm test)']);
    // A side without allowAlways, or no inner policy at all, is passed over.
    narrowPolicy(recording('ask', 'o').policy, inner).allowAlways!('Read(./a)');
    narrowPolicy(outer, undefined).allowAlways!('Read(./b)');
    expect(rules.slice(2)).toEqual(['inner Read(./a)', 'outer Read(./b)']);
  });

  it('asks canRead of whichever side has it, the outer one in its own sandbox', async () => {
    const outerSandbox = sandboxAt('/outer');
    const childSandbox = sandboxAt('/child');
    const asked: string[] = [];
    const outer = recording('allow', 'o', {
      canRead: async (path, sandbox) => {
        asked.push(`outer ${path} ${sandbox?.root}`);
        return path !== '/secret';
      },
    }).policy;
    const inner = recording('allow', 'i', {
      canRead: async (path, sandbox) => {
        asked.push(`inner ${path} ${sandbox?.root}`);
        return path !== '/private';
      },
    }).policy;
    const plain = recording('allow', 'p').policy;

    expect(narrowPolicy(plain, plain).canRead).toBeUndefined();
    const outerOnly = narrowPolicy(outer, plain, { outerSandbox });
    expect(await outerOnly.canRead!('/private', childSandbox)).toBe(true);
    expect(await outerOnly.canRead!('/secret', childSandbox)).toBe(false);
    const innerOnly = narrowPolicy(plain, inner);
    expect(await innerOnly.canRead!('/secret', childSandbox)).toBe(true);
    expect(await innerOnly.canRead!('/private', childSandbox)).toBe(false);
    // Without an outer sandbox, the outer side is asked in the sandbox given.
    expect(await narrowPolicy(outer, undefined).canRead!('/a', childSandbox)).toBe(true);
    expect(asked).toEqual([
      'outer /private /outer',
      'outer /secret /outer',
      'inner /secret /child',
      'inner /private /child',
      'outer /a /child',
    ]);
  });
});

describe('narrowPolicy paths of a tool bound to another sandbox', () => {
  const outerSandbox = sandboxAt('/outer');
  const own = sandboxAt('/srv');

  async function shown(call: PermissionCheck, sandbox = outerSandbox) {
    const outer = recording('allow', 'o');
    const inner = recording('allow', 'i');
    await narrowPolicy(outer.policy, inner.policy, { outerSandbox: sandbox }).decide(call);
    expect(inner.seen).toEqual([call]);
    return outer.seen[0]!;
  }

  it('shows the outer policy relative paths made absolute against the tool’s root, others as they are', async () => {
    const access = [
      { kind: 'read', path: 'src/a.ts' },
      { kind: 'write', path: 'dir/' },
      { kind: 'read', path: 'a~/' },
      { kind: 'read', path: 'x\0' },
      { kind: 'read', path: '/etc/passwd' },
      { kind: 'write', path: '~' },
      { kind: 'write', path: '~/notes' },
      { kind: 'read', path: '\0unknown' },
      { kind: 'read', path: '' },
      { kind: 'exec', command: 'ls' },
      { kind: 'exec', command: 'ls', cwd: 'sub' },
      { kind: 'exec', command: 'ls', cwd: '/tmp' },
      { kind: 'fetch', url: 'https://example.com/x' },
    ] as const;
    const seen = await shown({ name: 'custom', input: {}, access, sandbox: own });
    expect(seen.sandbox).toBe(outerSandbox);
    expect(seen.access).toEqual([
      { kind: 'read', path: '/srv/src/a.ts' },
      { kind: 'write', path: '/srv/dir/' },
      { kind: 'read', path: '/srv/a~/' },
      { kind: 'read', path: '/srv/x\0' },
      { kind: 'read', path: '/etc/passwd' },
      { kind: 'write', path: '~' },
      { kind: 'write', path: '~/notes' },
      { kind: 'read', path: '\0unknown' },
      { kind: 'read', path: '' },
      { kind: 'exec', command: 'ls', cwd: '/srv' },
      { kind: 'exec', command: 'ls', cwd: '/srv/sub' },
      { kind: 'exec', command: 'ls', cwd: '/tmp' },
      { kind: 'fetch', url: 'https://example.com/x' },
    ]);
  });

  it('derives the accesses of a built-in tool from its input, and adds none for an unknown tool', async () => {
    const bash = await shown({ name: 'bash', input: { command: 'make' }, sandbox: own });
    expect(bash.access).toEqual([{ kind: 'exec', command: 'make', cwd: '/srv' }]);
    const unknown = await shown({ name: 'deploy', input: { target: 'prod' }, sandbox: own });
    expect(unknown).toEqual({ name: 'deploy', input: { target: 'prod' }, sandbox: outerSandbox });
  });

  it('only swaps the sandbox for a tool in the outer sandbox or in none, and changes nothing without one', async () => {
    const access = [{ kind: 'read', path: 'src/a.ts' }] as const;
    const same = await shown({ name: 'custom', input: {}, access, sandbox: sandboxAt('/outer') });
    expect(same).toEqual({ name: 'custom', input: {}, access, sandbox: outerSandbox });
    expect(same.sandbox).toBe(outerSandbox);
    const none = await shown({ name: 'custom', input: {}, access });
    expect(none).toEqual({ name: 'custom', input: {}, access, sandbox: outerSandbox });
    const call: PermissionCheck = { name: 'custom', input: {}, access, sandbox: own };
    const outer = recording('allow', 'o');
    await narrowPolicy(outer.policy, undefined).decide(call);
    expect(outer.seen[0]).toBe(call);
  });
});
