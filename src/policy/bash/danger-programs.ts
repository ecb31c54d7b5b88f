/**
 * Dangers of single programs, by name: what `rm`, `git`, `kill`, `dd`… do with their arguments that
 * destroys data or changes the system. Options are resolved through the program table, so abbreviations
 * (`git reset --har`, `rm --recur`) are seen. A map from name to check: a program without one costs a
 * single lookup.
 */
import { GIT_EXEC_KEYS, isWipeTarget } from './danger-paths.js';
import { optionTable, parseArgs, type OptionTable, type ParsedArgs } from './options.js';
import { gitSubcommand, programSpec } from './programs/index.js';
import type { BashWord } from './words.js';

const text = (word: BashWord): string => word.value ?? word.text;

/** Git subcommands that can destroy work, with their full option lists (for abbreviations). */
const GIT_DANGER: ReadonlyMap<string, OptionTable> = new Map(
  Object.entries({
    reset: optionTable({
      unsafe:
        'q|quiet no-quiet p|patch soft mixed N|intent-to-add hard merge keep recurse-submodules? no-recurse-submodules pathspec-from-file= pathspec-file-nul refresh no-refresh',
    }),
    clean: optionTable({ unsafe: 'd f|force i|interactive n|dry-run q|quiet e|exclude= x X' }),
    push: optionTable({
      unsafe:
        'v|verbose q|quiet repo= all branches mirror d|delete tags n|dry-run porcelain f|force force-with-lease? force-if-includes no-force-if-includes recurse-submodules= thin no-thin receive-pack= exec= u|set-upstream progress prune no-verify verify follow-tags no-follow-tags signed? no-signed atomic no-atomic o|push-option= 4|ipv4 6|ipv6',
    }),
    checkout: optionTable({
      unsafe:
        'q|quiet progress no-progress f|force ours theirs b= B= t|track? no-track guess no-guess l detach orphan= ignore-skip-worktree-bits m|merge conflict= p|patch ignore-other-worktrees overwrite-ignore no-overwrite-ignore recurse-submodules? no-recurse-submodules pathspec-from-file= pathspec-file-nul',
    }),
    restore: optionTable({
      unsafe:
        's|source= p|patch W|worktree S|staged q|quiet progress no-progress ours theirs m|merge conflict= ignore-unmerged ignore-skip-worktree-bits recurse-submodules? no-recurse-submodules overlay no-overlay pathspec-from-file= pathspec-file-nul',
    }),
    branch: optionTable({
      unsafe:
        'v|verbose q|quiet t|track? u|set-upstream-to= unset-upstream color? r|remotes contains? no-contains? abbrev? a|all d|delete D m|move M c|copy C l|list show-current create-reflog edit-description f|force merged? no-merged? column? sort= points-at= i|ignore-case recurse-submodules format=',
    }),
    'update-ref': optionTable({ unsafe: 'm= d|delete no-deref z stdin create-reflog' }),
    gc: optionTable({
      unsafe: 'aggressive auto prune? no-prune quiet force keep-largest-pack cruft no-cruft max-cruft-size=',
    }),
    prune: optionTable({ unsafe: 'n|dry-run v|verbose progress expire=' }),
    stash: optionTable({}),
    reflog: optionTable({}),
  }),
);

/** Destructive options of git subcommands, for abbreviations (`git push --forc`). A map: no inherited keys. */
const DESTRUCTIVE_GIT_OPTIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['reset', ['hard', 'merge', 'keep']],
  ['clean', ['force']],
  ['push', ['force', 'force-with-lease', 'force-if-includes', 'mirror', 'delete', 'prune']],
  ['checkout', ['force']],
  ['branch', ['delete', 'force']],
  ['update-ref', ['delete']],
]);

function gitDanger(args: readonly BashWord[]): string[] {
  const sub = gitSubcommand(args);
  if (!sub) return [];
  const reasons: string[] = [];
  const table = GIT_DANGER.get(sub.name);
  const parsed = table ? parseArgs(table, sub.rest) : undefined;
  const has = (...names: string[]): boolean => parsed?.options.some((o) => names.includes(o.def.name)) === true;
  const ops = parsed?.operands.map((o) => text(o.word)) ?? [];
  // An ambiguous abbreviation of a destructive option (`git push --forc`) is flagged too.
  const destructive = DESTRUCTIVE_GIT_OPTIONS.get(sub.name) ?? [];
  const abbreviated = sub.rest.some((w) => {
    const name = /^--([a-z-]{2,})/.exec(w.value ?? '')?.[1];
    return name !== undefined && destructive.some((option) => option.startsWith(name));
  });
  if (abbreviated && sub.name !== 'branch') reasons.push(`git ${sub.name} with an abbreviated destructive option`);
  switch (sub.name) {
    case 'reset':
      if (has('hard', 'merge', 'keep')) reasons.push('git reset --hard discards work');
      break;
    case 'clean':
      if (has('force') && !has('dry-run')) reasons.push('git clean -f deletes untracked files');
      break;
    case 'push':
      if (has('force', 'force-with-lease', 'force-if-includes', 'mirror', 'delete', 'prune'))
        reasons.push('git push --force/--delete rewrites the remote');
      if (ops.some((op) => op.startsWith('+') || op.startsWith(':') || /^\S*\+/.test(op.split(':')[0] ?? '')))
        reasons.push('git push +refspec forces or deletes a remote ref');
      break;
    case 'checkout':
    case 'restore':
      if (has('force') || ops.includes('.') || ops.includes(':/') || ops.some((op) => op === '*'))
        reasons.push(`git ${sub.name} discards changes`);
      break;
    case 'branch':
      if (has('D') || (has('delete') && has('force')) || has('M', 'C'))
        reasons.push('git branch -D deletes an unmerged branch');
      break;
    case 'stash':
      if (['drop', 'clear'].includes(text(sub.rest[0] ?? { value: '', text: '', glob: false, brace: false })))
        reasons.push('git stash drop/clear loses work');
      break;
    case 'reflog':
      if (['expire', 'delete'].includes(sub.rest[0]?.value ?? ''))
        reasons.push('git reflog expire/delete loses history');
      break;
    case 'update-ref':
      if (has('delete')) reasons.push('git update-ref -d deletes a ref');
      break;
    case 'gc':
    case 'prune':
      if (
        parsed?.options.some(
          (o) => (o.def.name === 'prune' || o.def.name === 'expire') && /^(now|all)$/.test(o.value?.value ?? ''),
        ) ||
        sub.name === 'prune'
      )
        reasons.push(`git ${sub.name} --prune=now loses unreachable history`);
      break;
    case 'filter-branch':
    case 'filter-repo':
      reasons.push(`git ${sub.name} rewrites history`);
      break;
    case 'config': {
      const key = sub.rest.find((w) => w.value !== undefined && !w.value.startsWith('-'));
      const writes = sub.rest.filter((w) => !(w.value ?? '').startsWith('-')).length >= 2;
      if (key && writes && GIT_EXEC_KEYS.test(key.value!))
        reasons.push(`git config ${key.value} sets a program git runs`);
      break;
    }
  }
  // `git -c core.fsmonitor=…` runs the program at once.
  for (let i = 0; i < args.length && i < sub.at; i++)
    if (args[i]!.value === '-c' && GIT_EXEC_KEYS.test(args[i + 1]?.value ?? ''))
      reasons.push(`git -c ${args[i + 1]!.value} runs a program`);
  return reasons;
}

const LOOSE = optionTable({});

/** Parses with the program's own table (so abbreviations resolve), or loosely. */
function parseFor(name: string, args: readonly BashWord[]): ParsedArgs {
  const spec = programSpec(name);
  return parseArgs(spec?.options ?? LOOSE, args);
}

const has = (parsed: ParsedArgs, ...names: string[]): boolean => parsed.options.some((o) => names.includes(o.def.name));

/** What a check is given: the program's base name, its arguments (also as text), and its input. */
interface DangerContext {
  readonly base: string;
  readonly args: readonly BashWord[];
  readonly words: readonly string[];
  readonly stdin: string;
  readonly reasons: string[];
}

type DangerCheck = (context: DangerContext) => void;

const FIND_UNFILTERING = new Set(['-delete', '-depth', '-xdev', '-mount', '-maxdepth', '-mindepth']);

const rmCheck: DangerCheck = ({ args, reasons }) => {
  const parsed = parseFor('rm', args);
  const targets = parsed.operands.map((o) => text(o.word));
  if (has(parsed, 'no-preserve-root')) reasons.push('rm --no-preserve-root');
  if (has(parsed, 'recursive') && targets.some(isWipeTarget))
    reasons.push(`rm -r of ${targets.filter(isWipeTarget).join(' ')} wipes a whole tree`);
};

const ownerCheck: DangerCheck = ({ base, args, reasons }) => {
  const parsed = parseFor(base, args);
  const targets = parsed.operands.slice(1).map((o) => text(o.word));
  if (has(parsed, 'recursive') && targets.some(isWipeTarget)) reasons.push(`${base} -R on a whole tree`);
  if (
    base === 'chmod' &&
    /^(0?777|a\+rwx|u\+s|\+s|[0-7]?4[0-7]{3})$/.test(
      text(parsed.operands[0]?.word ?? args[0] ?? { value: '', text: '', glob: false, brace: false }),
    ) &&
    targets.some((t) => t.startsWith('/'))
  )
    reasons.push('chmod opens up or sets setuid on a system path');
};

const findCheck: DangerCheck = ({ words, reasons }) => {
  const starts = words.filter((_, i) =>
    words.slice(0, i + 1).every((w) => !w.startsWith('-') && w !== '(' && w !== '!'),
  );
  const expression = words.slice(starts.length);
  const unfiltered = expression.every(
    (w, i) =>
      FIND_UNFILTERING.has(w) || (/^\d+$/.test(w) && ['-maxdepth', '-mindepth'].includes(expression[i - 1] ?? '')),
  );
  if (expression.includes('-delete') && unfiltered && starts.some(isWipeTarget))
    reasons.push('find -delete over a whole tree');
};

const killCheck: DangerCheck = ({ words, reasons }) => {
  // `kill -9 -1`, `kill -- -1`, `kill -s KILL -1`: -1 as a process id is every process.
  let i = 0;
  if (words[0] === '-s' || words[0] === '-n') i = 2;
  else if (words[0]?.startsWith('-') && words.length > 1 && words[0] !== '--') i = 1;
  if (words[i] === '--') i++;
  if (words.slice(i).includes('-1')) reasons.push('kill -1 signals every process');
};

const pipCheck: DangerCheck = ({ words, reasons }) => {
  if (
    words.includes('install') &&
    words.some(
      (w) => w === '--user' || w.startsWith('--target') || w.startsWith('--prefix') || w === '--break-system-packages',
    )
  )
    reasons.push('pip install --user changes programs outside the workspace');
  if (words.includes('uninstall')) reasons.push('pip uninstall removes packages');
};

const nodePackagesCheck: DangerCheck = ({ base, words, reasons }) => {
  if (
    words.some((w) => /^(i|install|add|uninstall|remove|rm|link|update|up)$/.test(w)) &&
    words.some((w) => /^(-g|--global|--location=global)$/.test(w) || w === 'global')
  )
    reasons.push(`${base} global install changes programs outside the workspace`);
};

/** The programs with a check of their own. */
export const PROGRAM_DANGERS: ReadonlyMap<string, DangerCheck> = new Map<string, DangerCheck>([
  ['rm', rmCheck],
  ['chmod', ownerCheck],
  ['chown', ownerCheck],
  ['chgrp', ownerCheck],
  [
    'mv',
    ({ args, reasons }) => {
      const ops = parseFor('mv', args).operands.map((o) => text(o.word));
      if (ops.length > 1 && ops.slice(0, -1).some(isWipeTarget))
        reasons.push(`mv of ${ops[0]} moves a whole tree away`);
    },
  ],
  ['find', findCheck],
  ['git', ({ args, reasons }) => reasons.push(...gitDanger(args))],
  [
    'dd',
    ({ words, reasons }) => {
      if (words.some((w) => w.startsWith('of='))) reasons.push('dd of= overwrites a file or device');
      if (words.some((w) => /^if=\/dev\/(zero|u?random)$/.test(w)))
        reasons.push('dd from /dev/zero or /dev/urandom fills the disk');
    },
  ],
  [
    'date',
    ({ args, reasons }) => {
      const parsed = parseFor('date', args);
      if (has(parsed, 'set') || parsed.operands.some((o) => !text(o.word).startsWith('+')))
        reasons.push('date sets the clock');
    },
  ],
  [
    'hostname',
    ({ args, reasons }) => {
      const parsed = parseFor('hostname', args);
      if (parsed.operands.length > 0 || has(parsed, 'file', 'boot')) reasons.push('hostname sets the host name');
    },
  ],
  [
    'sysctl',
    ({ words, reasons }) => {
      if (words.some((w) => /^(-w|--write|-p|--load.*|--system)$/.test(w) || (/=/.test(w) && !w.startsWith('-'))))
        reasons.push('sysctl changes the kernel');
    },
  ],
  ['kill', killCheck],
  [
    'pkill',
    ({ words, reasons }) => {
      if (
        words.some((w) => /^-[a-zA-Z]*f/.test(w) || w === '--full') ||
        words.some((w) => /^-[a-zA-Z]*u/.test(w) || w === '--euid' || w === '--uid')
      )
        reasons.push('pkill -f/-u kills matching processes broadly');
    },
  ],
  ['pip', pipCheck],
  ['pip3', pipCheck],
  ['npm', nodePackagesCheck],
  ['pnpm', nodePackagesCheck],
  ['yarn', nodePackagesCheck],
  [
    'redis-cli',
    ({ words, stdin, reasons }) => {
      if (words.some((w) => /^(flushall|flushdb|shutdown|debug|config)$/i.test(w)) || /flushall|flushdb/i.test(stdin))
        reasons.push('redis-cli flushes or reconfigures the database');
    },
  ],
  [
    'ssh',
    ({ words, reasons }) => {
      if (
        words.some(
          (w, i) =>
            /ProxyCommand|LocalCommand|PermitLocalCommand|KnownHostsCommand/i.test(w) &&
            (words[i - 1] === '-o' || w.startsWith('-o')),
        )
      )
        reasons.push('ssh -o ProxyCommand runs a local program');
    },
  ],
  [
    'crontab',
    ({ words, reasons }) => {
      if (!(words.length === 1 && words[0] === '-l')) reasons.push('crontab installs or removes scheduled commands');
    },
  ],
]);
