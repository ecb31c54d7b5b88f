/**
 * Step 4b: the mode, with the allow rules. `full-access` allows; `workspace-write` allows reads, writes
 * inside the root and read-write additional directories, and read-only commands, and asks about the
 * rest; `read-only` allows reads and read-only commands and denies the rest (the model learns at once it
 * must not change anything, and a headless run never stalls on it); `plan` judges exactly as `read-only`,
 * with a refusal that points to `exit_plan_mode`. Allow rules let named commands and paths through in every
 * mode.
 *
 * A tool that says nothing of what it touches (a custom tool: no `access()`, not a built-in name) runs in
 * `workspace-write`, as in the OpenAI Agents SDK and the AI SDK; in `read-only` and `plan` only if it is
 * `readOnly`. A call whose tool `needsApproval` asks in `plan`, `read-only` and `workspace-write` where it
 * would run, unless a rule naming the tool allows it (`full-access` runs it, as it runs everything no rule
 * stops).
 */
import { EXIT_PLAN_TOOL } from '../plan-mode.js';
import type { PathTarget } from '../policy-facts.js';
import { hostOf } from '../rule-match.js';
import { BUILTIN_READ_ONLY } from '../tool-access.js';
import type { PermissionMode, PolicyDecision } from '../types.js';
import { READABLE, WRITABLE } from '../workspace.js';
import { allowed, bareAllowRule, commandRule, domainRule, pathAllowRule, wholeCommandRule } from './allow-rules.js';
import { ask, type DecideContext } from './context.js';

/** The decision of the mode and allow rules alone (protected paths and dangers come after). */
export function judgeByMode(ctx: DecideContext): PolicyDecision {
  if (ctx.mode === 'full-access') return { decision: 'allow', reason: 'Allowed by full-access mode.' };
  const bare = bareAllowRule(ctx);
  if (bare) return { decision: 'allow', reason: `Allowed by the rule ${bare.source}.`, rule: bare.source };
  const judge = new ModeJudge(ctx);
  const judged = ctx.facts.shell.length > 0 ? judge.shell() : judge.tool();
  if (judged.decision !== 'allow' || ctx.check.needsApproval !== true) return judged;
  return ask(ctx, `${ctx.check.name} asks for approval before it runs.`);
}

class ModeJudge {
  readonly used = new Set<string>();

  constructor(private readonly ctx: DecideContext) {}

  /** What is not a read: denied in read-only and plan mode, asked otherwise. */
  refuse(reason: string): PolicyDecision {
    if (!readsOnly(this.ctx.mode)) return ask(this.ctx, reason);
    const hint =
      this.ctx.mode === 'plan'
        ? `Plan mode allows only reads: explore, then propose your plan with ${EXIT_PLAN_TOOL}; nothing changes before the user approves it.`
        : 'Read-only mode allows only reads; ask the user to change the mode or add an allow rule.';
    return { decision: 'deny', reason: `${reason} ${hint}`, errorCode: 'PERMISSION_DENIED' };
  }

  readOk(target: PathTarget): boolean {
    if (target.possible) return true;
    if (target.unknown) return false;
    return target.candidates.every((candidate) => READABLE.has(candidate.place));
  }

  writeOk(target: PathTarget): boolean {
    if (target.unknown) return false;
    if (target.candidates.every((candidate) => candidate.place === 'device')) return true;
    if (this.ctx.mode === 'workspace-write' && target.candidates.every((candidate) => WRITABLE.has(candidate.place)))
      return true;
    const rule = pathAllowRule(this.ctx, target);
    if (rule) this.used.add(rule.source);
    return rule !== undefined;
  }

  /** A bash call: every simple command read-only or allowed by a rule, every write allowed. */
  shell(): PolicyDecision {
    const { facts } = this.ctx;
    for (const { command, details } of facts.shell) {
      const whole = wholeCommandRule(this.ctx, command);
      if (whole) {
        this.used.add(whole.source);
        continue;
      }
      if (details.parseError || details.structural.length > 0)
        return this.refuse(
          `The command is not read-only: ${details.structural.join('; ') || 'it could not be parsed'}.`,
        );
      const ruleAllowed = details.simpleCommands.map((c) => {
        const rule = commandRule(this.ctx, c);
        if (rule) this.used.add(rule.source);
        return rule !== undefined;
      });
      const blocked = details.simpleCommands.find((c, i) => !c.readOnly && !ruleAllowed[i]);
      if (blocked)
        return this.refuse(
          `${blocked.argv.join(' ')} is not read-only and no allow rule matches it (${details.reasons
            .filter((r) => !r.startsWith('dangerous: '))
            .slice(0, 3)
            .join('; ')}).`,
        );
      for (const write of facts.writes.filter((w) => w.fromBash)) {
        const byRule = (write.by ?? []).length > 0 && (write.by ?? []).every((i) => ruleAllowed[i]);
        if (!byRule || !this.writeOk(write))
          return this.refuse(
            `The command writes ${write.text}, which ${byRule ? 'this mode does not allow' : 'no allow rule covers'}.`,
          );
      }
    }
    for (const read of facts.reads)
      if (!this.readOk(read)) return ask(this.ctx, `The command reads ${read.text}, which is only known when it runs.`);
    return allowed(this.used, 'a read-only command', this.ctx);
  }

  /** Any other tool: its fetches, reads and writes, then whether it is read-only. */
  tool(): PolicyDecision {
    const { facts, check, mode } = this.ctx;
    for (const url of facts.fetches) {
      const rule = domainRule(this.ctx, url);
      if (!rule) {
        const host = hostOf(url);
        return ask(
          this.ctx,
          host === undefined ? `Fetching ${url}: not an http(s) URL.` : `Fetching from ${host} needs approval.`,
        );
      }
      this.used.add(rule.source);
    }
    for (const read of facts.reads)
      if (!this.readOk(read)) return ask(this.ctx, `The path of ${check.name} is missing or unknown.`);
    for (const write of facts.writes)
      if (!this.writeOk(write))
        return this.refuse(
          write.unknown ? `The path of ${check.name} is missing or unknown.` : `Writing ${write.text} is not a read.`,
        );
    const readOnlyTool = check.readOnly ?? BUILTIN_READ_ONLY.has(this.ctx.tool);
    if (!readOnlyTool && readsOnly(mode) && facts.writes.length === 0 && facts.fetches.length === 0)
      if (this.used.size === 0)
        return this.refuse(`${check.name} is not read-only${facts.known ? '' : ' and no allow rule covers it'}.`);
    const what =
      facts.writes.length > 0 ? 'a write inside the workspace' : readOnlyTool ? 'a read-only call' : 'a call';
    return allowed(this.used, what, this.ctx);
  }
}

/** The modes in which only reads run: `plan` is exactly as strict as `read-only`. */
function readsOnly(mode: PermissionMode): boolean {
  return mode === 'read-only' || mode === 'plan';
}
