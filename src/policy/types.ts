/**
 * The Policy contract: what the agent asks before every tool call.
 *
 * @packageDocumentation
 */
import type { JsonValue } from '../model/message.js';
import type { Sandbox } from '../sandbox/types.js';
import type { ToolAccess } from '../tools/tool.js';

/**
 * How much the agent may do without asking.
 *
 * - `read-only`: only read-only tools and bash commands analysed as read-only run.
 * - `workspace-write`: file writes inside the workspace run too; other bash asks.
 * - `full-access`: everything runs, but deny rules and dangerous commands still hold.
 * - `plan`: as strict as `read-only`, and the model is asked to propose a plan; an approved `exit_plan_mode`
 *   call moves the session to the policy's `afterPlan` mode.
 */
export type PermissionMode = 'plan' | 'read-only' | 'workspace-write' | 'full-access';

/** One tool call, as the policy sees it. */
export interface PermissionCheck {
  readonly name: string;
  readonly input: JsonValue;
  /** Whether the tool declared itself read-only. Unknown tools count as not read-only. */
  readonly readOnly?: boolean;
  /** What the call touches, from the tool's `access()`; built-in tools are also known by name. */
  readonly access?: readonly ToolAccess[];
  /** The sandbox paths are resolved in, so rules match canonical paths. */
  readonly sandbox?: Sandbox;
  /**
   * The tool asks for a person's approval of this call (its `needsApproval`, already evaluated for this
   * input). `createPolicy` then asks where it would allow, in `read-only` and `workspace-write` mode,
   * unless a rule naming the tool allows it; deny and ask rules apply first, as for every call.
   */
  readonly needsApproval?: boolean;
  /**
   * Set by the agent when the session's plan was approved (an `exit_plan_mode` call a person approved ran):
   * the mode that approval granted. A `plan`-mode policy then judges in the narrower of this and its own
   * `afterPlan`; it never widens a policy, and other modes ignore it.
   */
  readonly afterPlan?: PermissionMode;
}

/** A policy's answer. */
export interface PolicyDecision {
  readonly decision: 'allow' | 'ask' | 'deny';
  /** Why, in words a person and a model understand. */
  readonly reason: string;
  /** The rule that decided, as written (`Bash(npm test:*)`); absent when the mode decided. */
  readonly rule?: string;
  /** For `ask`: the narrowest rule that would allow exactly this call ("allow always"). */
  readonly suggestedRule?: string;
  /**
   * For `deny`: the error code of the tool result. `WORKSPACE_ESCAPE` for a path outside the root and
   * every additional directory (refused at once, never asked); `PERMISSION_DENIED` otherwise.
   */
  readonly errorCode?: 'PERMISSION_DENIED' | 'WORKSPACE_ESCAPE';
}

/** What a person answered to an approval request. */
export type ApprovalAnswer =
  | 'allow'
  /** Allow, and add the request's narrow `suggestedRule` so the same call is not asked again. */
  | 'allow-always'
  | 'deny'
  /** Deny, and tell the model why or what to do instead. */
  | { readonly decision: 'deny'; readonly feedback: string };

/** What the approver is shown. */
export interface ApprovalRequest {
  /** The tool call id. */
  readonly id: string;
  readonly name: string;
  readonly input: JsonValue;
  readonly reason: string;
  readonly suggestedRule?: string;
  readonly sessionId: string;
  /** `sha256:<hex>` of the canonical JSON of `{ name, input }`: the exact call this request shows. */
  readonly digest: string;
  /** The run's `context` (`agent.run(input, { context })`), when it has one: who the call is made for. */
  readonly context?: unknown;
}

/** Decides an `ask`: a prompt in a terminal, a button in a web UI, a rule of your own. */
export type Approver = (request: ApprovalRequest) => ApprovalAnswer | Promise<ApprovalAnswer>;

/**
 * A permission policy. Make one with `createPolicy`, or implement it yourself.
 *
 * @example
 * ```ts
 * const policy = createPolicy({ mode: 'read-only', allow: ['Bash(npm test:*)'] });
 * await policy.decide({ name: 'bash', input: { command: 'npm test -- --watch=false' } }); // { decision: 'allow', … }
 * ```
 */
export interface Policy {
  decide(check: PermissionCheck): Promise<PolicyDecision>;
  /** Called for `ask` decisions; without it, a run pauses until `agent.resume`. */
  readonly approve?: Approver;
  /** Adds an allow rule for the rest of this policy's life ("allow always"). */
  allowAlways?(rule: string): void;
  /**
   * The permission mode, when the policy has one: tools see it as `ctx.permissionMode` (for `plan`, once the
   * session's plan was approved, they see the mode the approval granted).
   */
  readonly mode?: PermissionMode;
  /**
   * With `mode: 'plan'`: the mode a session continues in once a person approved its plan.
   * @defaultValue 'read-only'
   */
  readonly afterPlan?: PermissionMode;
  /**
   * Whether a canonical absolute path may be read (no deny or ask rule covers it): search and listing
   * tools filter their results with it (`ctx.canRead`). Never throws; refuses when in doubt.
   */
  canRead?(path: string, sandbox?: Sandbox): Promise<boolean>;
}
