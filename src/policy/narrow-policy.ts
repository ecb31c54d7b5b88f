/**
 * `narrowPolicy`: the policy of a sub-agent or a handoff target, bounded by the policy of the agent that
 * delegates to it. Every call must pass both; the stricter answer wins.
 */
import type { Sandbox } from '../sandbox/types.js';
import type { ToolAccess } from '../tools/tool.js';
import { accessesOf } from './tool-access.js';
import type { PermissionCheck, PermissionMode, Policy, PolicyDecision } from './types.js';

/** Options of {@link narrowPolicy}. */
export interface NarrowPolicyOptions {
  /**
   * The sandbox the outer policy judges paths in: the outer agent's. Calls of tools bound to another
   * sandbox have their relative paths made absolute against that sandbox's root first, so the outer policy
   * judges the very files the tool touches, against its own root.
   */
  readonly outerSandbox?: Sandbox;
}

const RANK: Readonly<Record<PolicyDecision['decision'], number>> = { allow: 0, ask: 1, deny: 2 };

/** How much a mode lets through; a mode this table does not know counts as the strictest. */
const MODE_RANK: Readonly<Record<string, number>> = { plan: 0, 'read-only': 0, 'workspace-write': 1, 'full-access': 2 };

/**
 * Combines an outer policy (the delegating agent's) with an inner one (the sub-agent's own, or none): a
 * call runs only if both allow it. `deny` beats `ask` beats `allow`; a decision that says
 * `WORKSPACE_ESCAPE` is a denial; a policy that throws or answers nonsense denies. The mode is the
 * stricter of the two, `canRead` needs both, and approvals go to the outer policy's approver only (without
 * one, the call waits: the run pauses), so an inner approver can never answer what the outer policy asks.
 * "Allow always" adds the rule to both.
 *
 * The result can never allow what the outer policy denies or asks: narrowing only.
 *
 * @example
 * ```ts
 * import { createPolicy } from 'icode/policy';
 *
 * const parent = createPolicy({ mode: 'read-only', deny: ['Read(./.env)'] });
 * const child = createPolicy({ mode: 'full-access' });
 * const policy = narrowPolicy(parent, child);
 * policy.mode; // 'read-only'
 * await policy.decide({ name: 'write', input: { file_path: 'a.txt', content: 'x' } }); // deny
 * ```
 */
export function narrowPolicy(outer: Policy, inner: Policy | undefined, options: NarrowPolicyOptions = {}): Policy {
  const { outerSandbox } = options;
  const mode = narrowerMode(outer.mode, inner?.mode);
  const outerCanRead = outer.canRead?.bind(outer);
  const innerCanRead = inner?.canRead?.bind(inner);
  const policy: Policy = {
    ...(mode !== undefined ? { mode } : {}),
    ...(outer.approve ? { approve: outer.approve } : {}),
    async decide(check: PermissionCheck): Promise<PolicyDecision> {
      const [a, b] = await Promise.all([
        safeDecide(outer, outerCheck(check, outerSandbox)),
        inner ? safeDecide(inner, check) : undefined,
      ]);
      return b === undefined || RANK[a.decision] >= RANK[b.decision] ? a : b;
    },
    allowAlways(rule: string): void {
      for (const side of [outer, inner]) {
        try {
          side?.allowAlways?.(rule);
        } catch {
          // A rule one side cannot parse only means that side asks again next time.
        }
      }
    },
  };
  if (outerCanRead || innerCanRead) {
    policy.canRead = async (path, sandbox) =>
      (outerCanRead ? await outerCanRead(path, outerSandbox ?? sandbox) : true) &&
      (innerCanRead ? await innerCanRead(path, sandbox) : true);
  }
  return policy;
}

/** The stricter of two modes; a mode the table does not know is taken as the strictest. */
function narrowerMode(
  outer: PermissionMode | undefined,
  inner: PermissionMode | undefined,
): PermissionMode | undefined {
  if (outer === undefined || inner === undefined) return outer ?? inner;
  const rank = (mode: string): number => MODE_RANK[mode] ?? -1;
  return rank(inner) < rank(outer) ? inner : outer;
}

/** A policy's decision, never a throw and never nonsense: both deny. `WORKSPACE_ESCAPE` always denies. */
async function safeDecide(policy: Policy, check: PermissionCheck): Promise<PolicyDecision> {
  let decision: PolicyDecision | undefined;
  try {
    decision = await policy.decide(check);
  } catch {
    return { decision: 'deny', reason: `The delegating agent's permission check failed for this ${check.name} call` };
  }
  const verdict = (decision as PolicyDecision | undefined)?.decision;
  if (verdict !== 'allow' && verdict !== 'ask' && verdict !== 'deny') {
    return { decision: 'deny', reason: `A policy gave no valid decision for this ${check.name} call` };
  }
  if (decision.errorCode === 'WORKSPACE_ESCAPE' && verdict !== 'deny') return { ...decision, decision: 'deny' };
  return decision;
}

/**
 * The check as the outer policy sees it: in the outer sandbox, with the paths of a tool bound to another
 * sandbox made absolute against that sandbox's root (and its commands run there), so a tool whose root is
 * wider or elsewhere cannot pass its paths off as paths of the outer workspace.
 */
function outerCheck(check: PermissionCheck, outerSandbox: Sandbox | undefined): PermissionCheck {
  if (!outerSandbox) return check;
  const own = check.sandbox;
  if (!own || own.root === outerSandbox.root) return { ...check, sandbox: outerSandbox };
  const accesses = accessesOf(check);
  const rooted = accesses?.map((access) => anchored(access, own.root));
  return { ...check, sandbox: outerSandbox, ...(rooted ? { access: rooted } : {}) };
}

function anchored(access: ToolAccess, root: string): ToolAccess {
  switch (access.kind) {
    case 'read':
    case 'write':
      return { ...access, path: absolute(access.path, root) };
    case 'exec':
      return { ...access, cwd: access.cwd === undefined ? root : absolute(access.cwd, root) };
    default:
      return access;
  }
}

/** A path as the sandbox reads it: absolute and `~` paths as they are, others below `root`. */
function absolute(path: string, root: string): string {
  if (path.startsWith('/') || path === '~' || path.startsWith('~/') || path.startsWith('\0') || path === '') {
    return path;
  }
  return `${root}/${path}`;
}
