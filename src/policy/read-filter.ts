/**
 * `policy.canRead`: whether search and listing tools may show a path (its content or its name). False
 * when a `Read(…)` deny or ask rule covers the canonical path, or when it lies outside the workspace and
 * its additional directories. Never throws: in doubt, false.
 */
import type { Sandbox } from '../sandbox/types.js';
import type { RuleSet } from './decide/context.js';
import { nodeHelpers, resolvePath } from './paths.js';
import type { CallFacts, PathTarget } from './policy-facts.js';
import { pathVerdict } from './rule-match.js';
import type { ParsedRule } from './rules.js';
import { READ_TOOLS } from './tool-access.js';
import { placeOf, READABLE } from './workspace.js';
import type { WorkspaceOrMismatch } from './workspace-resolver.js';

/** Deny and ask rules that bind reads by the search and listing tools. */
function readRules(rules: RuleSet): ParsedRule[] {
  return [...rules.deny, ...rules.ask].filter(
    (rule) =>
      rule.family === 'read' || (rule.family === 'tool' && rule.path !== undefined && READ_TOOLS.has(rule.name)),
  );
}

/** Whether the policy lets a search or listing tool show this path. */
export async function readable(
  path: string,
  sandbox: Sandbox | undefined,
  workspaces: (sandbox: Sandbox | undefined) => Promise<WorkspaceOrMismatch>,
  rules: RuleSet,
): Promise<boolean> {
  try {
    if (typeof path !== 'string' || path === '' || path.includes('\0')) return false;
    const workspace = await workspaces(sandbox);
    if ('mismatch' in workspace) return false;
    const node = await nodeHelpers();
    const binding = readRules(rules);
    // Without rules only the boundary matters, and the tools hand over paths found by walks that do not
    // follow symlinks: the path as given is where it is.
    if (binding.length === 0) return READABLE.has(placeOf(workspace, node.path.resolve(workspace.root, path), node));
    if (binding.some((rule) => rule.path === undefined)) return false;
    const resolved = await resolvePath(path, { workspace });
    if (resolved.error !== undefined || !READABLE.has(resolved.place)) return false;
    const target: PathTarget = { kind: 'read', text: path, candidates: [resolved], unknown: false, fromBash: false };
    const facts: CallFacts = {
      root: workspace.root,
      workspace,
      home: node.home,
      reads: [target],
      writes: [],
      fetches: [],
      shell: [],
      known: true,
    };
    const ctx = { facts, tool: 'read', normalized: 'read' };
    return binding.every((rule) => pathVerdict(rule, [target], ctx, false, node) === 'none');
  } catch {
    return false;
  }
}
