/**
 * The `exit_plan_mode` tool: carries the model's plan to the person who approves it (the policy's
 * `approve`, or a paused run and `agent.resume`). The tool itself decides nothing: in plan mode the policy
 * always asks about it, and the agent records the approval in the session; the tool only reports it.
 */
import { z } from 'zod';
import {
  EXIT_PLAN_TOOL,
  markExitPlanTool,
  PLAN_STATE_KEY,
  planApprovedText,
  readPlanApproval,
} from '../../../policy/plan-mode.js';
import { tool } from '../../define-tool.js';
import type { Tool, ToolContext } from '../../tool.js';

// Strict: an input that claims more than a plan (`approved: true`) is refused, never read.
const input = z
  .object({
    plan: z
      .string()
      .trim()
      .min(1)
      .describe('The plan, in markdown: the steps you will take and the files you will change. Concise.'),
  })
  .strict();

/**
 * The `exit_plan_mode` tool, for agents whose policy is in `plan` mode (`createPolicy({ mode: 'plan',
 * afterPlan })`). The model calls it with `{ plan }` once it has explored; the call always asks, so the
 * `permission-request` event and the approver show the plan (without an approver the run pauses until
 * `agent.resume`). Approved, the session goes on in the policy's `afterPlan` mode from the next model turn;
 * denied (with feedback), the model reads the feedback and stays in plan mode. Called outside plan mode,
 * or without an approval the agent recorded, it returns an error and changes nothing.
 *
 * @example
 * ```ts
 * const agent = createAgent({
 *   provider,
 *   tools: [...codingTools({ root }), exitPlanModeTool()],
 *   policy: createPolicy({ mode: 'plan', afterPlan: 'workspace-write', approve: showPlanToUser }),
 * });
 * ```
 */
export function exitPlanModeTool(): Tool<z.output<typeof input>> {
  return markExitPlanTool(
    tool({
      name: EXIT_PLAN_TOOL,
      description: [
        'Use it in plan mode, when you have finished exploring and have a plan: it shows the plan to the user for approval.',
        'Once the user approves, plan mode ends and you can carry the plan out; if they deny it, revise the plan with their feedback and call this tool again.',
        'Only for plans of work that changes things (code, files); not for research or questions, and not outside plan mode.',
      ].join('\n'),
      input,
      readOnly: true,
      execute: (_args, ctx) => approvedPlan(ctx),
    }),
  );
}

/**
 * The tools of plan mode: `exit_plan_mode`. Add them to an agent whose policy has `mode: 'plan'`.
 *
 * @example
 * ```ts
 * createAgent({ provider, tools: [...codingTools({ root }), ...planTools()], policy: createPolicy({ mode: 'plan' }) });
 * ```
 */
export function planTools(): Tool[] {
  return [exitPlanModeTool() as Tool];
}

function approvedPlan(ctx: ToolContext): string {
  if (ctx.permissionMode !== 'plan') {
    throw new Error(
      ctx.permissionMode === undefined
        ? `Not in plan mode: the agent's policy has no mode, so ${EXIT_PLAN_TOOL} has nothing to end.`
        : `Not in plan mode (the mode is ${ctx.permissionMode}): there is no plan to approve. Go on with the work.`,
    );
  }
  // The agent writes the record when a person approves this very call; anything else is no approval.
  const approval = readPlanApproval(ctx.state.get(PLAN_STATE_KEY));
  if (approval?.callId !== ctx.toolCallId) {
    throw new Error('The plan was not approved, so plan mode goes on. Ask the user how to proceed.');
  }
  return planApprovedText(approval.mode);
}
