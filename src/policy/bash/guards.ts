/**
 * Argument guards of read-only programs whose flags or scripts can write files or run programs: `git`,
 * `sed`, `awk`, `find`, `rg`. Each returns why the call is not read-only, or `undefined` when it is.
 */
import { hasFlag, operands } from './args.js';
import type { BashWord } from './words.js';

/** Options that keep `git branch` and `git tag` listing (sorting, filtering, formatting) rather than writing. */
const LISTING_FLAGS = [
  '--sort',
  '--format',
  '--merged',
  '--no-merged',
  '--contains',
  '--no-contains',
  '--points-at',
  '--column',
  '--no-column',
  '-i',
  '--ignore-case',
  '--color',
] as const;

/** `git` subcommands that only read, with the extra check some of them need. */
const GIT_READ_ONLY: Record<string, ((args: readonly BashWord[]) => string | undefined) | null> = {
  status: null,
  log: null,
  diff: null,
  show: null,
  'rev-parse': null,
  'ls-files': null,
  'ls-tree': null,
  shortlog: null,
  describe: null,
  'merge-base': null,
  'rev-list': null,
  'show-ref': null,
  'for-each-ref': null,
  'name-rev': null,
  'count-objects': null,
  blame: null,
  version: null,
  'cat-file': (args) =>
    hasFlag(args, ['--textconv', '--filters']) ? 'git cat-file --textconv/--filters runs filters' : undefined,
  grep: (args) => (hasFlag(args, ['--open-files-in-pager'], 'O') ? 'git grep -O opens a pager program' : undefined),
  branch: (args) =>
    listingOnly(args, 'branch', [
      ...LISTING_FLAGS,
      '-a',
      '--all',
      '-r',
      '--remotes',
      '-v',
      '-vv',
      '--verbose',
      '--show-current',
      '--no-color',
    ]),
  tag: (args) => listingOnly(args, 'tag', [...LISTING_FLAGS, '-n']),
  remote: (args) =>
    args.every((word) => word.value === '-v' || word.value === '--verbose')
      ? undefined
      : 'git remote with a subcommand can change remotes or use the network',
  stash: (args) =>
    args[0]?.value === 'list' || args[0]?.value === 'show' ? undefined : 'git stash changes the working tree',
  reflog: (args) =>
    args.length === 0 || args[0]?.value === 'show' ? undefined : 'git reflog expire/delete rewrites the reflog',
  worktree: (args) => (args[0]?.value === 'list' ? undefined : 'git worktree changes worktrees'),
  config: (args) =>
    args.length > 0 &&
    args.every((word) => word.value !== undefined && (word.value.startsWith('-') || isConfigRead(args)))
      ? isConfigRead(args)
        ? undefined
        : 'git config without --get/--list may write configuration'
      : 'git config without --get/--list may write configuration',
};

function isConfigRead(args: readonly BashWord[]): boolean {
  return (
    hasFlag(args, [
      '--get',
      '--get-all',
      '--get-regexp',
      '--list',
      '-l',
      '--show-origin',
      '--show-scope',
      '--null',
      '-z',
      '--name-only',
    ]) &&
    !hasFlag(args, [
      '--add',
      '--unset',
      '--unset-all',
      '--replace-all',
      '--rename-section',
      '--remove-section',
      '--edit',
      '-e',
      '--file',
      '-f',
      '--blob',
    ])
  );
}

/** `git branch`/`git tag` only list: names are allowed only after `--list`/`-l` (where they are patterns). */
function listingOnly(args: readonly BashWord[], sub: string, flags: readonly string[]): string | undefined {
  const listing = hasFlag(args, ['--list', '-l']);
  for (const word of args) {
    const value = word.value;
    if (value === undefined) return `git ${sub} with a dynamic argument`;
    if (value === '--list' || value === '-l') continue;
    if (value.startsWith('-')) {
      if (!flags.some((flag) => value === flag || value.startsWith(`${flag}=`)))
        return `git ${sub} ${value} may change refs`;
    } else if (!listing) {
      return `git ${sub} with a name creates or changes it`;
    }
  }
  return undefined;
}

/** Options, anywhere on a git command line, that run programs or write files. */
const GIT_EXEC_OPTIONS = [
  '--output',
  '--ext-diff',
  '--textconv',
  '--exec',
  '--upload-pack',
  '--receive-pack',
  '--open-files-in-pager',
  '--config-env',
  '--exec-path',
  '--paginate',
];

/** Splits `git [global options] subcommand args` and judges it. */
export function gitGuard(args: readonly BashWord[]): string | undefined {
  let index = 0;
  for (; index < args.length; index++) {
    const value = args[index]!.value;
    if (value === undefined) return 'git with a dynamic argument';
    if (!value.startsWith('-')) break;
    // -c, -C, --git-dir, --work-tree: another repository's config (core.pager, core.fsmonitor) runs programs.
    if (['--no-pager', '--no-optional-locks', '--literal-pathspecs', '--no-replace-objects', '--bare'].includes(value))
      continue;
    if (value === '--version' || value === '--help') return undefined;
    return `git global option ${value} can load configuration that runs programs`;
  }
  const sub = args[index]?.value;
  if (sub === undefined) return 'git without a subcommand';
  const rest = args.slice(index + 1);
  if (rest.some((word) => word.value === undefined)) {
    // A dynamic word could expand to --output=… or --ext-diff.
    return `git ${sub} with a dynamic argument`;
  }
  for (const word of rest) {
    const value = word.value!;
    if (GIT_EXEC_OPTIONS.some((option) => value === option || value.startsWith(`${option}=`)))
      return `git ${value} writes files or runs programs`;
  }
  if (!Object.hasOwn(GIT_READ_ONLY, sub)) return `git ${sub} is not a read-only subcommand`;
  const check = GIT_READ_ONLY[sub];
  return check ? check(rest) : undefined;
}

/** `find` actions that delete, write or run. */
export function findGuard(args: readonly BashWord[]): string | undefined {
  for (const word of args) {
    const value = word.value;
    if (value === undefined) return 'find with a dynamic argument';
    if (['-exec', '-execdir', '-ok', '-okdir', '-delete', '-fprint', '-fprint0', '-fprintf', '-fls'].includes(value))
      return `find ${value} runs programs or writes files`;
  }
  return undefined;
}

/** ripgrep flags that run programs (CVE-2025-54558): `--pre`, `--hostname-bin`, `-z`/`--search-zip`. */
export function rgGuard(args: readonly BashWord[]): string | undefined {
  if (args.some((word) => word.value === undefined)) return 'rg with a dynamic argument';
  if (hasFlag(args, ['--pre', '--pre-glob', '--hostname-bin', '--search-zip'], 'z'))
    return 'rg --pre/--hostname-bin/--search-zip runs programs';
  return undefined;
}

/** `fd -x`/`--exec` runs a program per result. */
export function fdGuard(args: readonly BashWord[]): string | undefined {
  if (args.some((word) => word.value === undefined)) return 'fd with a dynamic argument';
  if (hasFlag(args, ['--exec', '--exec-batch'], 'xX')) return 'fd --exec runs programs';
  return undefined;
}

/**
 * `sed` is read-only without `-i` and when every script command is from a small set: `p`, `d`, `q`, `=`,
 * `l`, `n`, `N`, `P`, `D`, `h`, `H`, `g`, `G`, `x`, `s///` (flags `g`, `p`, `i`, `I`, `m`, `M`, digits) and
 * `y///`. `w`, `W`, `e`, `r`, `R` and the `e`/`w` flags of `s` write files, read files or run commands.
 */
export function sedGuard(args: readonly BashWord[]): string | undefined {
  if (args.some((word) => word.value === undefined)) return 'sed with a dynamic argument';
  if (hasFlag(args, ['--in-place', '--file', '--follow-symlinks'], 'if'))
    return 'sed -i edits files in place (or -f reads an unseen script)';
  const scripts: string[] = [];
  let expressionGiven = false;
  for (let i = 0; i < args.length; i++) {
    const value = args[i]!.value!;
    if (value === '-e' || value === '--expression') {
      const script = args[i + 1]?.value;
      if (script === undefined) return 'sed -e without a script';
      scripts.push(script);
      expressionGiven = true;
      i++;
    } else if (value.startsWith('--expression=')) {
      scripts.push(value.slice('--expression='.length));
      expressionGiven = true;
    } else if (/^-[a-zA-Z]*e./.test(value) && !value.startsWith('--')) {
      return 'sed with a clustered -e script';
    }
  }
  if (!expressionGiven) {
    const first = operands(args)[0]?.value;
    if (first === undefined) return 'sed without a script';
    scripts.push(first);
  }
  for (const script of scripts) {
    const problem = sedScriptProblem(script);
    if (problem) return problem;
  }
  return undefined;
}

function sedScriptProblem(script: string): string | undefined {
  let i = 0;
  const n = script.length;
  const skipSpace = (): void => {
    while (i < n && /[\s;]/.test(script[i]!)) i++;
  };
  const readDelimited = (delimiter: string): boolean => {
    while (i < n && script[i] !== delimiter) {
      if (script[i] === '\\') i++;
      if (script[i] === '\n') return false;
      i++;
    }
    if (i >= n) return false;
    i++;
    return true;
  };
  const readAddress = (): boolean => {
    if (script[i] === '$') {
      i++;
      return true;
    }
    if (/[0-9]/.test(script[i] ?? '')) {
      while (/[0-9~]/.test(script[i] ?? '')) i++;
      return true;
    }
    if (script[i] === '/' || script[i] === '\\') {
      const delimiter = script[i] === '\\' ? script[i + 1] : '/';
      if (delimiter === undefined) return false;
      i += script[i] === '\\' ? 2 : 1;
      if (!readDelimited(delimiter)) return false;
      while (script[i] === 'I' || script[i] === 'M') i++;
      return true;
    }
    return true;
  };
  skipSpace();
  while (i < n) {
    if (script[i] === '}') {
      i++;
      skipSpace();
      continue;
    }
    if (!readAddress()) return 'sed script with an unterminated address';
    if (script[i] === ',') {
      i++;
      if (script[i] === '+' || script[i] === '~') i++;
      if (!readAddress()) return 'sed script with an unterminated address';
    }
    while (script[i] === ' ' || script[i] === '!') i++;
    const command = script[i];
    if (command === undefined) return 'sed script ends after an address';
    i++;
    if ('pdqQ=lnNPDhHgGx{'.includes(command)) {
      if (command === 'q' || command === 'Q') while (/[0-9 ]/.test(script[i] ?? '')) i++;
    } else if (command === 's' || command === 'y') {
      const delimiter = script[i];
      if (delimiter === undefined || delimiter === '\n' || delimiter === '\\')
        return 'sed s/y command without a delimiter';
      i++;
      if (!readDelimited(delimiter) || !readDelimited(delimiter)) return 'sed s/y command not terminated';
      if (command === 's') {
        while (i < n && /[gpiImM0-9]/.test(script[i]!)) i++;
        if (i < n && !/[\s;}]/.test(script[i]!)) return `sed s flag "${script[i]}" can write files or run commands`;
      }
    } else {
      return `sed command "${command}" can write files, read other files or run commands`;
    }
    skipSpace();
  }
  return undefined;
}

/**
 * `awk` only when the program is trivially safe: no `system`, `getline`, pipes, `>` (output redirection
 * and comparison look alike), `@` (gawk indirect calls), no `-f` program file and no extension loading.
 */
export function awkGuard(args: readonly BashWord[]): string | undefined {
  if (args.some((word) => word.value === undefined)) return 'awk with a dynamic argument';
  let program: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const value = args[i]!.value!;
    if (value === '-F' || value === '-v') {
      i++;
      continue;
    }
    if (value.startsWith('-F') || value.startsWith('-v')) continue;
    if (value === '--') {
      program = args[i + 1]?.value;
      break;
    }
    if (value.startsWith('-')) return `awk option ${value} can load programs or extensions`;
    program = value;
    break;
  }
  if (program === undefined) return 'awk without a program';
  if (/system|getline|close|[|>@`]|ENVIRON\s*\[|PROCINFO/.test(program))
    return 'awk program can run commands or write files';
  return undefined;
}
