/**
 * The policy never throws into the run, and its error code reaches the result: a policy (or approver)
 * that throws or answers nonsense refuses the call with a clear error result, and `WORKSPACE_ESCAPE`
 * refuses at once without asking anyone. Real coding tools on a real workspace behind a policy of the
 * user's own (the `Policy` interface is public), wrapping the real one.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, memoryStore, type AgentEvent, type Policy, type PolicyDecision } from '../../src/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-policy-errors-'));
  await writeFile(join(root, 'a.txt'), 'alpha\n');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const readA: MockStep = { toolCalls: [{ name: 'read', input: { file_path: 'a.txt' } }] };
const writeB: MockStep = { toolCalls: [{ name: 'write', input: { file_path: 'b.txt', content: 'b' } }] };

/** The real policy, except for calls `override` answers (or throws on). */
function wrapped(override: (name: string) => Promise<PolicyDecision> | undefined, extra: Partial<Policy> = {}): Policy {
  const real = createPolicy({ mode: 'workspace-write', root });
  return { decide: (check) => override(check.name) ?? real.decide(check), ...extra };
}

async function runWith(policy: Policy, steps: MockStep[]) {
  const agent = createAgent({
    provider: mockProvider(steps),
    tools: codingTools({ root, exclude: ['web_fetch'] }),
    sandbox: localSandbox({ root }),
    policy,
    store: memoryStore(),
  });
  const run = agent.run('go');
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return { events, result: await run.result, results: events.flatMap((e) => (e.type === 'tool-result' ? [e] : [])) };
}

describe('a policy that fails', () => {
  it('turns a throw into a refusal that names the error code but no path, and the run goes on', async () => {
    const policy = wrapped((name) =>
      name === 'read'
        ? Promise.reject(
            Object.assign(new Error('ELOOP: too many symlinks, open /secret/outside/target'), { code: 'ELOOP' }),
          )
        : undefined,
    );
    const { result, results, events } = await runWith(policy, [readA, writeB, { text: 'done' }]);
    expect(result.status).toBe('completed');
    expect(results[0]).toMatchObject({ name: 'read', isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(String(results[0]!.output)).toContain('ELOOP');
    expect(String(results[0]!.output)).not.toContain('/secret/outside');
    expect(events.find((e) => e.type === 'permission-decision')).toMatchObject({ decision: 'deny' });
    // The next call is judged as usual.
    expect(results[1]).toMatchObject({ name: 'write', isError: false });
  });

  it('refuses when the policy answers something that is not a decision', async () => {
    const policy = wrapped((name) =>
      name === 'write' ? Promise.resolve(undefined as unknown as PolicyDecision) : undefined,
    );
    const { result, results } = await runWith(policy, [writeB, { text: 'done' }]);
    expect(result.status).toBe('completed');
    expect(results[0]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(existsSync(join(root, 'b.txt'))).toBe(false);
  });

  it('refuses when the approver throws', async () => {
    const policy = createPolicy({
      mode: 'workspace-write',
      ask: ['Edit'],
      root,
      approve: () => {
        throw new Error('approval UI is down');
      },
    });
    const { result, results } = await runWith(policy, [writeB, { text: 'done' }]);
    expect(result.status).toBe('completed');
    expect(results[0]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(existsSync(join(root, 'b.txt'))).toBe(false);
  });
});

describe('the decision error code', () => {
  for (const decision of ['deny', 'ask'] as const) {
    it(`refuses a WORKSPACE_ESCAPE ${decision} at once, with that code and no question`, async () => {
      let asked = 0;
      const policy = wrapped(
        (name) =>
          name === 'write'
            ? Promise.resolve({ decision, reason: 'Outside the workspace', errorCode: 'WORKSPACE_ESCAPE' })
            : undefined,
        { approve: () => (asked++, 'allow') },
      );
      const { result, results, events } = await runWith(policy, [writeB, { text: 'done' }]);
      expect(result.status).toBe('completed');
      expect(results[0]).toMatchObject({ isError: true, errorCode: 'WORKSPACE_ESCAPE' });
      expect(events.some((e) => e.type === 'permission-request')).toBe(false);
      expect(asked).toBe(0);
      expect(existsSync(join(root, 'b.txt'))).toBe(false);
    });
  }
});
