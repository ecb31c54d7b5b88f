/**
 * Plan mode's shared parts in detail: the approval record as read back, the order of the modes, the real
 * `exit_plan_mode` tool's mark, what the model is told, and the policy's `ask` for a plan.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/index.js';
import {
  AFTER_PLAN_MODES,
  EXIT_PLAN_TOOL,
  isExitPlanTool,
  markExitPlanTool,
  MODES,
  narrowerMode,
  PLAN_STATE_KEY,
  planApprovedText,
  planInstructions,
  readPlanApproval,
} from '../../src/policy/plan-mode.js';
import { createPolicy, type PermissionCheck } from '../../src/policy/index.js';

const record = { callId: 'call_1', digest: 'sha256:abc', mode: 'workspace-write' };

describe('readPlanApproval', () => {
  it('reads a well-formed record for every mode a plan leads to', () => {
    for (const mode of ['read-only', 'workspace-write', 'full-access']) {
      expect(readPlanApproval({ ...record, mode })).toEqual({ ...record, mode });
    }
    expect(readPlanApproval({ ...record, extra: 1 })).toEqual(record);
  });

  it('gives undefined for anything else', () => {
    const bad = [
      undefined,
      null,
      'record',
      3,
      [record],
      {},
      { ...record, mode: 'plan' },
      { ...record, mode: 'everything' },
      { ...record, callId: 1 },
      { ...record, digest: null },
      { ...record, mode: 2 },
      { digest: record.digest, mode: record.mode },
      { callId: record.callId, mode: record.mode },
      { callId: record.callId, digest: record.digest },
    ];
    for (const value of bad) expect(readPlanApproval(value as never), JSON.stringify(value)).toBeUndefined();
  });
});

describe('modes', () => {
  it('lists every mode least access first, and the modes after a plan without plan itself', () => {
    expect(MODES).toEqual(['plan', 'read-only', 'workspace-write', 'full-access']);
    expect(AFTER_PLAN_MODES).toEqual(['read-only', 'workspace-write', 'full-access']);
    expect(EXIT_PLAN_TOOL).toBe('exit_plan_mode');
    expect(PLAN_STATE_KEY).toBe('icode.plan-approval');
  });

  it('takes the narrower of two modes, the first on a tie', () => {
    for (const [i, a] of MODES.entries()) {
      for (const [j, b] of MODES.entries()) expect(narrowerMode(a, b), `${a} ${b}`).toBe(i <= j ? a : b);
    }
  });

  it('names the modes in the errors of a bad mode and a bad afterPlan', () => {
    expect(() => createPolicy({ mode: 'planning' as never })).toThrow(
      new ConfigError('Unknown permission mode "planning"; use one of plan, read-only, workspace-write, full-access.'),
    );
    expect(() => createPolicy({ mode: 'plan', afterPlan: 'plan' })).toThrow(
      new ConfigError('policy.afterPlan must be one of read-only, workspace-write, full-access; got "plan".'),
    );
  });
});

describe('the exit_plan_mode mark and texts', () => {
  it('marks only the tool given, with a mark that is not enumerable', () => {
    const tool = { name: EXIT_PLAN_TOOL };
    expect(isExitPlanTool(tool)).toBe(false);
    expect(markExitPlanTool(tool)).toBe(tool);
    expect(isExitPlanTool(tool)).toBe(true);
    expect(Object.keys(tool)).toEqual(['name']);
    expect(isExitPlanTool({ ...tool })).toBe(false);
    for (const value of [null, undefined, 'exit_plan_mode', 1]) expect(isExitPlanTool(value)).toBe(false);
  });

  it('tells the model how to plan, with or without the tool, and what an approval grants', () => {
    const start =
      'You are in plan mode: only read-only tools run and nothing may be changed yet. Explore what you need, then propose a plan. ';
    expect(planInstructions(true)).toBe(
      `${start}When you have a plan, call exit_plan_mode with it (the steps, and the files you will change) for the user's approval; if they deny it, revise the plan with their feedback and propose it again.`,
    );
    expect(planInstructions(false)).toBe(
      `${start}When you have a plan, present it as your answer (the steps, and the files you will change) and stop.`,
    );
    expect(planApprovedText('workspace-write')).toBe(
      'The user approved your plan. Plan mode ends with this step: from your next step on you work in workspace-write mode. Carry the plan out.',
    );
  });
});

describe('the policy asks for a plan', () => {
  const exit: PermissionCheck = { name: EXIT_PLAN_TOOL, input: { plan: 'Do it.' }, readOnly: true };

  it('asks, saying what approving and denying do, only for exit_plan_mode and only in plan mode', async () => {
    expect(await createPolicy({ mode: 'plan' }).decide(exit)).toEqual({
      decision: 'ask',
      reason: 'The plan needs your approval: approving it ends plan mode, denying it keeps the agent planning.',
    });
    const other = await createPolicy({ mode: 'plan' }).decide({ name: 'custom', input: {}, readOnly: true });
    expect(other.decision).toBe('allow');
    const asking = await createPolicy({ mode: 'read-only', ask: ['exit_plan_mode'] }).decide(exit);
    expect(asking.decision).toBe('ask');
    expect(asking.reason).not.toContain('The plan needs your approval');
  });
});
