/**
 * `icode/policy`: the permission policy engine. Modes, allow/ask/deny rules, shell analysis with a real bash
 * parser, and canonical path rules, decided by `createPolicy(options).decide(check)`.
 *
 * The policy is a guardrail against model mistakes and common prompt-injection payloads, not a security
 * boundary against a determined adversary: shell analysis is best-effort (it fails closed: whatever it does
 * not understand asks). Bash containment needs an OS sandbox (`bubblewrapSandbox`).
 *
 * @packageDocumentation
 */
export type { BashAnalysis } from './bash/analyze-bash.js';
export { analyzeBash } from './bash/analyze-bash.js';
export type { PolicyOptions, RuleList, RulePolicy } from './create-policy.js';
export { createPolicy, mergePolicyOptions } from './create-policy.js';
export type { NarrowPolicyOptions } from './narrow-policy.js';
export { narrowPolicy } from './narrow-policy.js';
export type { BashPattern, ParsedRule, PathAnchor, PathPattern, RuleFamily } from './rules.js';
export { parseRule } from './rules.js';
export type {
  ApprovalAnswer,
  ApprovalRequest,
  Approver,
  PermissionCheck,
  PermissionMode,
  Policy,
  PolicyDecision,
} from './types.js';
export type { AdditionalDirectory } from '../sandbox/types.js';
