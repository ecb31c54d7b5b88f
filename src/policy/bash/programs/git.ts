/**
 * git: a tiny set of safe global options, then a table of read-only subcommands, each with its own option
 * list (safe and unsafe, so git's own unique-prefix abbreviations resolve here as they do in git). Global
 * options that load another configuration (`-c`, `-C`, `--git-dir`, `--work-tree`, `--exec-path`,
 * `--config-env`) or start a pager (`-p`) are never read-only.
 */
import { optionTable, parseArgs, type OptionTable, type ParsedArgs } from '../options.js';
import type { BashWord } from '../words.js';
import {
  actions,
  blameCheck,
  catFileCheck,
  configCheck,
  diffCheck,
  grepCheck,
  listingOnly,
  logCheck,
  remoteCheck,
  revPaths,
  wholeTree,
} from './git-checks.js';
import { emptyVerdict, literal, type ProgramContext, type ProgramSpec, type ProgramVerdict } from './spec.js';

/** Global options, before the subcommand. */
export const GIT_GLOBAL = optionTable({
  safe: 'P|no-pager no-optional-locks literal-pathspecs glob-pathspecs noglob-pathspecs icase-pathspecs no-replace-objects no-lazy-fetch no-advice version html-path man-path info-path',
  code: 'c= config-env= exec-path?',
  unsafe: 'C= git-dir= work-tree= namespace= super-prefix= p|paginate bare h|help list-cmds= attr-source=',
});

/** Diff output options shared by diff, log, show. */
const DIFF =
  'p u|patch s|no-patch U|unified? output-indicator-new= output-indicator-old= output-indicator-context= raw patch-with-raw t indent-heuristic no-indent-heuristic minimal patience histogram anchored= diff-algorithm= stat? stat-width= stat-name-width= stat-graph-width= stat-count= compact-summary numstat shortstat dirstat? X? cumulative dirstat-by-file? summary patch-with-stat z name-only name-status submodule? color? no-color color-moved? no-color-moved color-moved-ws= no-color-moved-ws word-diff? word-diff-regex= color-words? no-renames rename-empty no-rename-empty check ws-error-highlight= full-index binary abbrev? B|break-rewrites? M|find-renames? C|find-copies? find-copies-harder D|irreversible-delete l= diff-filter= S= G= find-object= pickaxe-all pickaxe-regex skip-to= rotate-to= R relative? no-relative a|text ignore-cr-at-eol ignore-space-at-eol b|ignore-space-change w|ignore-all-space ignore-blank-lines I|ignore-matching-lines= inter-hunk-context= W|function-context exit-code quiet no-ext-diff no-textconv ignore-submodules? src-prefix= dst-prefix= no-prefix default-prefix line-prefix= ita-invisible-in-index ita-visible-in-index';
const DIFF_UNSAFE = { write: 'output=', code: 'ext-diff textconv', read: 'O=' } as const;

/** Revision walking and formatting (log, show, rev-list, shortlog). */
const REV =
  'n|max-count= skip= since= after= since-as-filter= until= before= max-age= min-age= author= committer= grep-reflog= grep= all-match invert-grep i|regexp-ignore-case basic-regexp E|extended-regexp F|fixed-strings perl-regexp remove-empty merges no-merges min-parents= max-parents= no-min-parents no-max-parents first-parent exclude-first-parent-only not all branches? tags? remotes? glob= exclude= exclude-hidden= reflog alternate-refs single-worktree ignore-missing bisect cherry-mark cherry-pick left-only right-only cherry walk-reflogs g merge boundary simplify-by-decoration show-pulls full-history dense sparse simplify-merges ancestry-path? date-order author-date-order topo-order reverse objects objects-edge unpacked object-names no-object-names no-walk? do-walk pretty? format= abbrev-commit no-abbrev-commit oneline encoding= expand-tabs? no-expand-tabs notes? no-notes show-notes? standard-notes no-standard-notes show-signature relative-date date= parents children left-right graph show-linear-break? c cc dd m diff-merges= no-diff-merges combined-all-paths follow decorate? no-decorate decorate-refs= decorate-refs-exclude= clear-decorations source mailmap use-mailmap no-mailmap no-use-mailmap full-diff log-size L= count timestamp header';

const diffTable = optionTable(
  { safe: `${DIFF} cached staged merge-base no-index 0 1 2 3 base ours theirs`, ...DIFF_UNSAFE },
  { digits: false },
);
const logTable = optionTable({ safe: `${DIFF} ${REV} stdin q`, ...DIFF_UNSAFE }, { digits: true });

/** One read-only subcommand. */
interface GitSub {
  readonly options: OptionTable;
  /** Checks and paths, after the options are parsed. */
  readonly check?: (context: ProgramContext) => void;
  /** Arguments are never judged unsafe (`rev-parse` only prints). */
  readonly anyArgs?: boolean;
}

const CONFIG = optionTable({
  safe: 'get get-all get-regexp l|list z|null name-only show-origin show-scope includes no-includes t|type= bool int bool-or-int bool-or-str path expiry-date default= fixed-value local worktree global system',
  read: 'f|file= blob=',
  unsafe:
    'replace-all add unset unset-all rename-section remove-section e|edit get-urlmatch# get-color= get-colorbool= comment=',
});

const sub = (
  lists: Parameters<typeof optionTable>[0],
  check?: (context: ProgramContext) => void,
  digits = false,
): GitSub => ({
  options: optionTable(lists, { digits }),
  ...(check ? { check } : {}),
});

/** The read-only subcommands. */
const SUBCOMMANDS: Readonly<Record<string, GitSub>> = {
  status: sub({
    safe: 'v|verbose s|short b|branch show-stash ahead-behind no-ahead-behind porcelain? long z|null u|untracked-files? ignored? ignore-submodules? column? no-column renames no-renames M|find-renames?',
  }),
  log: { options: logTable, check: logCheck },
  whatchanged: { options: logTable, check: wholeTree },
  show: { options: logTable, check: wholeTree },
  diff: { options: diffTable, check: diffCheck },
  'diff-files': { options: diffTable, check: wholeTree },
  'diff-index': { options: diffTable, check: wholeTree },
  'diff-tree': { options: logTable, check: wholeTree },
  'rev-list': { options: logTable, check: revPaths },
  shortlog: sub(
    {
      safe: 'c|committer n|numbered s|summary e|email group= w? format= since= until= after= before= author= committer-name= all branches? tags? no-merges merges first-parent max-count= skip= grep= reverse',
    },
    revPaths,
  ),
  'rev-parse': { options: optionTable({}), anyArgs: true },
  'ls-files': sub({
    safe: 'z t v f c|cached d|deleted m|modified o|others i|ignored s|stage k|killed directory no-empty-directory eol empty-directory u|unmerged resolve-undo x|exclude= exclude-per-directory= exclude-standard full-name recurse-submodules error-unmatch with-tree= abbrev? debug deduplicate sparse format=',
    read: 'X|exclude-from=',
  }),
  'ls-tree': sub({ safe: 'd r t z l|long name-only name-status object-only full-name full-tree format= abbrev?' }),
  describe: sub({
    safe: 'contains debug all tags long first-parent abbrev? exact-match candidates= match= exclude= always dirty? broken?',
  }),
  'merge-base': sub({ safe: 'a|all octopus independent is-ancestor fork-point' }),
  'show-ref': sub({
    safe: 'tags heads branches verify head d|dereference s|hash? abbrev? q|quiet exists',
    unsafe: 'exclude-existing?',
  }),
  'for-each-ref': sub({
    safe: 's|shell p|perl python tcl count= format= color? sort= points-at= merged? no-merged? contains? no-contains? ignore-case exclude= include-root-refs',
  }),
  'name-rev': sub({ safe: 'name-only tags refs= exclude= all stdin annotate-stdin undefined always no-undefined' }),
  'count-objects': sub({ safe: 'v|verbose H|human-readable' }),
  blame: sub(
    {
      safe: 'incremental b root show-stats progress score-debug f|show-name n|show-number p|porcelain line-porcelain c t l s e|show-email w ignore-rev= color-lines color-by-age minimal M? C? L= abbrev? date= since= reverse= first-parent encoding= no-progress',
      read: 'ignore-revs-file= contents= S=',
    },
    blameCheck,
  ),
  annotate: sub(
    {
      safe: 'b root show-stats f|show-name n|show-number p|porcelain c t l s e|show-email w M? C? L= abbrev? date=',
      read: 'contents= S=',
    },
    blameCheck,
  ),
  'cat-file': sub(
    {
      safe: 'e p t s allow-unknown-type use-mailmap mailmap no-mailmap batch? batch-check? z Z batch-command? batch-all-objects buffer follow-symlinks unordered path=',
      code: 'textconv filters',
    },
    catFileCheck,
  ),
  grep: sub(
    {
      safe: 'cached no-index untracked exclude-standard no-exclude-standard recurse-submodules v|invert-match i|ignore-case w|word-regexp a|text I r|recursive no-recursive max-depth= E|extended-regexp G|basic-regexp F|fixed-strings P|perl-regexp n|line-number column h H full-name l|files-with-matches name-only L|files-without-match z|null o|only-matching c|count color? no-color break heading C|context= B|before-context= A|after-context= threads= p|show-function W|function-context e= and or not q|quiet all-match m|max-count=',
      read: 'f=',
      code: 'O|open-files-in-pager? ext-grep textconv',
    },
    grepCheck,
    true,
  ),
  branch: sub(
    {
      safe: 'v|verbose q|quiet color? no-color r|remotes contains? no-contains? abbrev? no-abbrev a|all l|list show-current merged? no-merged? column? no-column sort= points-at= i|ignore-case format=',
      unsafe:
        't|track? no-track u|set-upstream-to= unset-upstream d|delete D m|move M c|copy C create-reflog edit-description f|force recurse-submodules',
    },
    listingOnly('branch'),
  ),
  tag: sub(
    {
      safe: 'l|list n? column? no-column contains? no-contains? merged? no-merged? sort= points-at= format= color? i|ignore-case',
      unsafe:
        'd|delete v|verify a|annotate m|message= F|file= e|edit s|sign cleanup= u|local-user= f|force create-reflog trailer=',
    },
    listingOnly('tag'),
  ),
  remote: sub({ safe: 'v|verbose' }, remoteCheck),
  stash: sub({ safe: '' }, actions('stash', ['list', 'show'], false)),
  reflog: sub({ safe: '' }, actions('reflog', ['show'], true)),
  worktree: sub({ safe: '' }, actions('worktree', ['list'], false)),
  config: { options: CONFIG, check: configCheck },
  version: sub({ safe: 'build-options' }),
  'check-ignore': sub({ safe: 'q|quiet v|verbose n|non-matching no-index z stdin' }),
  'show-branch': sub({
    safe: 'r|remotes a|all current color? no-color more? list merge-base independent no-name sha1-name topics g|reflog? topo-order date-order sparse',
  }),
  cherry: sub({ safe: 'v abbrev?' }),
};

/** The subcommands by name (a map: no inherited keys). */
const SUBCOMMAND_SPECS: ReadonlyMap<string, GitSub> = new Map(Object.entries(SUBCOMMANDS));

/** Why stash/reflog/worktree subcommand words after the action are fine: they are parsed loosely. */
const LOOSE = new Set(['stash', 'reflog', 'worktree']);

/** Judges `git [global options] subcommand args`. */
function gitCheck({ args, verdict }: ProgramContext): void {
  const global = parseArgs(GIT_GLOBAL, args, { stopAtOperand: true, label: 'git' });
  verdict.problems.push(...global.problems);
  for (const option of global.options) {
    const value = option.value;
    switch (option.def.effect) {
      case 'code':
        verdict.problems.push(`git --${option.def.name} loads configuration or programs`);
        verdict.codeArgs.push(option.index, ...(option.valueIndex !== undefined ? [option.valueIndex] : []));
        verdict.opaque = true;
        break;
      case 'unsafe':
        verdict.problems.push(`git --${option.def.name} can load another repository's configuration`);
        if (value) verdict.possibleReads.push(value);
        break;
    }
  }
  const first = global.operands[0];
  if (!first) {
    if (!global.options.some((o) => o.def.name === 'version' || o.def.name.endsWith('-path')))
      verdict.problems.push('git without a subcommand');
    return;
  }
  const name = first.word.value;
  const rest = args.slice(first.index + 1);
  if (name === undefined) {
    verdict.problems.push('git with a subcommand only known when it runs');
    verdict.opaque = true;
    return;
  }
  const spec = SUBCOMMAND_SPECS.get(name);
  if (!spec) {
    verdict.problems.push(`git ${name} is not a read-only subcommand`);
    // Patches, archives and exports print or carry the content of the whole history.
    if (EXPORTERS.has(name)) verdict.recursiveReads.push(literal('.'));
    return;
  }
  if (spec.anyArgs) return;
  const parsed: ParsedArgs = parseArgs(spec.options, rest, {
    label: `git ${name}`,
    stopAtOperand: LOOSE.has(name),
  });
  const inner = judgeParsed(`git ${name}`, parsed, first.index + 1);
  mergeInto(verdict, inner);
  spec.check?.({ name: `git ${name}`, args: rest, parsed, verdict });
  if (LOOSE.has(name) && rest.length > 2) verdict.problems.push(`git ${name} with more arguments`);
  // An option the table does not know (or an ambiguous abbreviation such as `--pa`) may print patches; so do
  // `stash show` and `reflog show` with any option (`-p`): what they read is the whole tree.
  if (parsed.problems.length > 0 || (LOOSE.has(name) && rest.some((word) => word.value?.startsWith('-') !== false)))
    verdict.recursiveReads.push(literal('.'));
}

/** Subcommands that are not reads but print or carry file contents: `Read(…)` deny rules bind them. */
const EXPORTERS: ReadonlySet<string> = new Set([
  'format-patch',
  'archive',
  'range-diff',
  'fast-export',
  'bundle',
  'unpack-file',
  'send-email',
  'request-pull',
  'diff-pairs',
  'apply',
  'am',
]);

/** Applies option effects of a parsed subcommand; indexes are shifted to the git argument list. */
function judgeParsed(label: string, parsed: ParsedArgs, shift: number): ProgramVerdict {
  const verdict = emptyVerdict();
  verdict.problems.push(...parsed.problems);
  for (const option of parsed.options) {
    const value = option.value;
    switch (option.def.effect) {
      case 'read':
        if (value) verdict.reads.push(value);
        break;
      case 'write':
        verdict.problems.push(`${label} --${option.def.name} writes a file`);
        if (value) verdict.writes.push(value);
        break;
      case 'code':
        verdict.problems.push(`${label} --${option.def.name} runs a program`);
        verdict.codeArgs.push(
          option.index + shift,
          ...(option.valueIndex !== undefined ? [option.valueIndex + shift] : []),
        );
        verdict.opaque = true;
        break;
      case 'unsafe':
      case 'list':
        verdict.problems.push(`${label} --${option.def.name} is not a read`);
        break;
    }
  }
  return verdict;
}

function mergeInto(target: ProgramVerdict, source: ProgramVerdict): void {
  target.problems.push(...source.problems);
  target.reads.push(...source.reads);
  target.writes.push(...source.writes);
  target.codeArgs.push(...source.codeArgs);
  target.opaque ||= source.opaque;
}

/** The table entry of git. */
export const GIT: ProgramSpec = { options: GIT_GLOBAL, anyArgs: true, check: gitCheck };

type GitSubcommand = { readonly name: string; readonly rest: readonly BashWord[]; readonly at: number } | undefined;

/** The last arguments asked about and the answer: the judge and the danger checks ask for the same list. */
let lastAsked: { readonly args: readonly BashWord[]; readonly sub: GitSubcommand } | undefined;

/** The subcommand of a git command line and where its arguments start, global options skipped. */
export function gitSubcommand(args: readonly BashWord[]): GitSubcommand {
  if (lastAsked?.args === args) return lastAsked.sub;
  const global = parseArgs(GIT_GLOBAL, args, { stopAtOperand: true });
  const first = global.operands[0];
  const sub =
    !first || first.word.value === undefined
      ? undefined
      : { name: first.word.value, rest: args.slice(first.index + 1), at: first.index };
  lastAsked = { args, sub };
  return sub;
}
