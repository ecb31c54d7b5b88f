/**
 * The facts a decision is made from: the paths a call reads and writes (canonical), the URLs it fetches,
 * and the analysis of its shell commands.
 */
import type { Sandbox } from '../sandbox/types.js';
import { analyzeBashDetails, type BashDetails, type BashPathRef } from './bash/analyze-bash.js';
import { expandGlob } from './glob-expand.js';
import { followsLinks, linksBelow } from './link-scan.js';
import { joined, nodeHelpers, resolvePath, type ResolvedPath } from './paths.js';
import { accessesOf } from './tool-access.js';
import type { PermissionCheck } from './types.js';
import type { Workspace } from './workspace.js';

/** One path a call touches. `candidates` is empty when the path is only known at run time. */
export interface PathTarget {
  readonly kind: 'read' | 'write';
  /** As written by the tool or in the command. */
  readonly text: string;
  /** Every place it may be (a relative path after `cd` may be relative to several directories). */
  readonly candidates: readonly ResolvedPath[];
  /** Not known before it runs (an expansion, a glob that may climb, an input path). */
  readonly unknown: boolean;
  /** From a shell command: indexes (in the analysis' simple commands) of the commands that write it. */
  readonly by?: readonly number[];
  readonly fromBash: boolean;
  /** The shell expands it (glob, braces): deny rules cannot be checked against the literal. */
  readonly glob?: boolean;
  /** The content of the whole tree below it is read (`grep` tool, `rg x dir`). */
  readonly recursive?: boolean;
  /**
   * Maybe read by a program that is not read-only: only deny and ask rules look at it (a directory as the
   * whole tree below it), and one only known at run time keeps them from matching for sure.
   */
  readonly possible?: boolean;
}

/** What a call touches. */
export interface CallFacts {
  readonly root: string;
  readonly workspace: Workspace;
  readonly home: string;
  readonly reads: readonly PathTarget[];
  readonly writes: readonly PathTarget[];
  readonly fetches: readonly string[];
  /** The analyses of the call's shell commands, with the command strings. */
  readonly shell: readonly { readonly command: string; readonly details: BashDetails }[];
  /** Whether the tool says what it touches (built-in or `access()`). */
  readonly known: boolean;
}

/** A glob segment such as `.*` can match `..` on older bash: the path may climb out. */
const CLIMBING_GLOB = /(^|\/)\.[*?[]/;

async function bashTarget(
  kind: 'read' | 'write',
  ref: BashPathRef,
  context: { workspace: Workspace; sandbox?: Sandbox; settled?: boolean; followsLinks?: boolean },
  by?: readonly number[],
): Promise<PathTarget> {
  const text = ref.value ?? ref.text;
  // `~user/x`, `~+`, `~-` expand to other directories; a glob that may climb can leave the workspace.
  const tilde =
    ref.value !== undefined && ref.value.startsWith('~') && ref.value !== '~' && !ref.value.startsWith('~/');
  if (ref.value === undefined || ref.value === '' || tilde || (ref.glob && CLIMBING_GLOB.test(ref.value))) {
    // Only known at run time: no rule can match it for sure, so deny and ask rules cannot be passed.
    return {
      kind,
      text,
      candidates: [],
      unknown: true,
      fromBash: true,
      possible: ref.possible === true,
      ...(by ? { by } : {}),
    };
  }
  const value = ref.value;
  const relative = !value.startsWith('/') && !value.startsWith('~');
  const candidates = [
    await resolvePath(value, {
      workspace: context.workspace,
      ...(context.sandbox ? { sandbox: context.sandbox } : {}),
    }),
  ];
  // After `cd dir`, a relative path may be relative to dir: every candidate must pass.
  if (relative)
    for (const base of ref.bases) candidates.push(await resolvePath(value, { workspace: context.workspace, base }));
  let expanded = false;
  if (ref.glob) {
    // Every path the shell would expand the glob to is a place too (through symlinks, as bash goes).
    const reached = await globCandidates(value, relative ? ref.bases : [], context.workspace);
    if (reached === undefined && !ref.possible)
      return { kind, text, candidates: [], unknown: true, fromBash: true, ...(by ? { by } : {}) };
    candidates.push(...(reached ?? []));
    expanded = reached !== undefined;
  }
  if (ref.recursive && context.followsLinks) {
    // `grep -R x .` reads wherever the links below `.` lead: those places are read too.
    const reached = await linkCandidates(candidates, context.workspace);
    if (reached === undefined) return { kind, text, candidates: [], unknown: true, fromBash: true };
    candidates.push(...reached);
  }
  return {
    kind,
    text,
    candidates,
    unknown: false,
    fromBash: true,
    // An expansion is what the shell will see only if nothing in the command changes the tree first.
    glob: ref.glob && !ref.possible && !(expanded && context.settled === true),
    recursive: ref.recursive === true,
    possible: ref.possible === true,
    ...(by ? { by } : {}),
  };
}

/** The places a glob reaches from the root and from each `cd` base; `undefined` when too many. */
async function globCandidates(
  value: string,
  bases: readonly string[],
  workspace: Workspace,
): Promise<ResolvedPath[] | undefined> {
  const node = await nodeHelpers();
  const starts = [workspace.root, ...bases.map((base) => joined(base, workspace.root, node.home))];
  const out: ResolvedPath[] = [];
  for (const start of starts) {
    const reached = await expandGlob(joined(value, start, node.home), node);
    if (reached === undefined) return undefined;
    for (const path of reached) out.push(await resolvePath(path, { workspace }));
  }
  return out;
}

/** Where the symlinks below the candidate directories lead; `undefined` when a tree is too large. */
async function linkCandidates(
  candidates: readonly ResolvedPath[],
  workspace: Workspace,
): Promise<ResolvedPath[] | undefined> {
  const node = await nodeHelpers();
  const out: ResolvedPath[] = [];
  for (const candidate of candidates) {
    if (!candidate.directory) continue;
    const links = await linksBelow(candidate.canonical, node);
    if (links === undefined) return undefined;
    for (const link of links) out.push(await resolvePath(link, { workspace }));
  }
  return out;
}

/**
 * A verdict for a command that cannot be analysed: nothing about it is known, so nothing is allowed by it. It
 * counts as dangerous (so full-access asks, and only an exact rule naming the whole command allows it) and as
 * reading and writing unknown paths (so no path deny or ask rule is passed).
 */
function unanalysable(reason: string): BashDetails {
  const unknown: BashPathRef = { value: undefined, text: 'paths only known when it runs', glob: false, bases: [] };
  return {
    readOnly: false,
    dangerous: true,
    commands: [],
    reasons: [reason, `dangerous: ${reason}`],
    simpleCommands: [],
    reads: [unknown],
    writes: [{ path: unknown, by: [] }],
    structural: [reason],
    parseError: true,
    compoundDanger: true,
  };
}

/** Analyses a command; a missing command or a parser that fails to load asks instead of throwing. */
async function analyzeOrFailClosed(command: string): Promise<BashDetails> {
  if (command.trim() === '') return unanalysable('the call has no command');
  try {
    return await analyzeBashDetails(command);
  } catch (error) {
    return unanalysable(`the shell parser failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Gathers the facts of a call. */
export async function gatherFacts(check: PermissionCheck, workspace: Workspace): Promise<CallFacts> {
  const node = await nodeHelpers();
  const sandbox = check.sandbox;
  const context = { workspace, ...(sandbox ? { sandbox } : {}) };
  const tool = check.name.toLowerCase();
  const accesses = accessesOf(check);
  const reads: PathTarget[] = [];
  const writes: PathTarget[] = [];
  const fetches: string[] = [];
  const shell: { command: string; details: BashDetails }[] = [];
  for (const access of accesses ?? []) {
    switch (access.kind) {
      case 'read':
      case 'write': {
        const list = access.kind === 'read' ? reads : writes;
        if (access.path.startsWith('\0') || access.path === '')
          list.push({
            kind: access.kind,
            text: access.path.replace('\0', ''),
            candidates: [],
            unknown: true,
            fromBash: false,
          });
        else
          list.push({
            kind: access.kind,
            text: access.path,
            candidates: [await resolvePath(access.path, context)],
            unknown: false,
            fromBash: false,
            // The built-in grep reads the content of every file below its path, whether the call comes
            // with the tool's own access list (as from an agent) or not.
            recursive: access.kind === 'read' && tool === 'grep',
          });
        break;
      }
      case 'fetch':
        fetches.push(access.url);
        break;
      case 'exec': {
        const details = await analyzeOrFailClosed(access.command);
        shell.push({ command: access.command, details });
        const base = access.cwd ? [access.cwd] : [];
        const settled = { ...context, settled: details.readOnly, followsLinks: followsLinks(details) };
        for (const ref of details.reads)
          reads.push(await bashTarget('read', base.length ? { ...ref, bases: [...base, ...ref.bases] } : ref, settled));
        for (const write of details.writes)
          writes.push(
            await bashTarget(
              'write',
              base.length ? { ...write.path, bases: [...base, ...write.path.bases] } : write.path,
              context,
              write.by,
            ),
          );
        break;
      }
    }
  }
  return {
    root: workspace.root,
    workspace,
    home: node.home,
    reads,
    writes,
    fetches,
    shell,
    known: accesses !== undefined,
  };
}
