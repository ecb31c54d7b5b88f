/**
 * The narrowest rule that allows exactly what a person was shown ("allow always").
 */
import type { ResolvedPath } from './paths.js';
import type { CallFacts } from './policy-facts.js';
import { hostOf } from './rule-match.js';
import { escapeBashPattern, escapeGlob, parseRule } from './rules.js';
import { EDIT_TOOLS, READ_TOOLS } from './tool-access.js';
import type { PermissionCheck } from './types.js';

/** The narrowest rule that allows exactly this call. */
export function suggest(check: PermissionCheck, facts: CallFacts, tool: string): string | undefined {
  let rule: string | undefined;
  if (facts.shell.length === 1) rule = `Bash(${escapeBashPattern(facts.shell[0]!.command.trim())})`;
  else if (facts.fetches.length > 0) {
    const host = hostOf(facts.fetches[0]!);
    rule = host ? `WebFetch(domain:${host})` : undefined;
  } else if (facts.reads.length + facts.writes.length > 0) {
    const writing = facts.writes.length > 0;
    const targets = writing ? facts.writes : facts.reads;
    if (targets.some((t) => t.unknown)) return undefined;
    const places = targets.flatMap((t) => t.candidates);
    const inside = places.every((p) => p.inside);
    const show = (p: ResolvedPath): string => escapeGlob(inside ? relativeTo(facts.root, p.canonical) : p.canonical);
    const unique = [...new Set(places.map(show))];
    const glob = unique.length === 1 || unique.some((u) => u.includes(',')) ? unique[0]! : `{${unique.join(',')}}`;
    const family = READ_TOOLS.has(tool) || EDIT_TOOLS.has(tool) ? (writing ? 'Edit' : 'Read') : check.name;
    rule = `${family}(${inside ? './' : '/'}${glob})`;
  } else rule = check.name;
  if (!rule) return undefined;
  try {
    parseRule(rule);
    return rule;
  } catch {
    return undefined;
  }
}

function relativeTo(root: string, path: string): string {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return path === root ? '.' : path.startsWith(prefix) ? path.slice(prefix.length) : path;
}
