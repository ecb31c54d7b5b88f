/**
 * Judges one simple command (its argv after assignments): read-only or not, dangerous or not, the files it
 * reads and writes, and the forms a `Bash(…)` rule is matched against (with transparent wrappers removed).
 */
import { hasFlag, looksLikeOutsidePath, operands } from './args.js';
import { FETCHERS, dangerousReasons, gitSubcommand } from './danger.js';
import { CODE_RUNNERS, INTERPRETERS, READ_ONLY_PROGRAMS, SHELLS, readPaths } from './programs.js';
import type { BashWord } from './words.js';

/** Environment variables a prefix assignment may set without changing what programs run. */
const SAFE_ASSIGNMENT =
  /^(LANG|LANGUAGE|LC_[A-Z]+|TZ|NO_COLOR|FORCE_COLOR|CLICOLOR|CLICOLOR_FORCE|COLUMNS|LINES|TERM|GIT_PAGER_IN_USE|CI|DEBUG|NODE_ENV|RUST_BACKTRACE|RUST_LOG|PYTHONUNBUFFERED|PYTHONDONTWRITEBYTECODE)$/;

/** Whether `NAME=value` may precede a command (or stand alone) in a read-only command. */
export function isSafeAssignmentName(name: string): boolean {
  return SAFE_ASSIGNMENT.test(name);
}

/** The result of judging a command, and what the walker must still look at. */
export interface CommandVerdict {
  readOnly: boolean;
  readonly reasons: string[];
  readonly dangerous: string[];
  readonly reads: BashWord[];
  /** Paths whose whole tree the program reads (`rg x dir`, `grep -r x dir`). */
  readonly recursiveReads: BashWord[];
  /**
   * Words a program that is not read-only may read (`cp SRC DST`, `curl -d @FILE`): checked against deny and
   * ask rules only, so `Read(./.env)` also stops `curl -d @.env …`.
   */
  readonly possibleReads: BashWord[];
  readonly writes: BashWord[];
  /** The argv forms rules are matched against: the full command first, then with wrappers removed. */
  readonly forms: BashWord[][];
  /**
   * More forms for deny and ask rules only: `/bin/rm x` as `rm x`, `git -C . push` as `git push`. An allow
   * rule for `rm` must not allow `./rm`, but a deny rule for `rm` must catch `/bin/rm`.
   */
  readonly denyForms: BashWord[][];
  /** A directory change (`cd x`); `null` when the target is unknown. */
  cd?: BashWord | null;
  /** An inline shell script (`bash -c '…'`) the walker analyses recursively; the command is read-only only if it is. */
  inline?: string;
  /** Commands this one runs with arguments it adds (`find -exec`, `xargs`). */
  readonly nested: { words: BashWord[]; openEnded: boolean }[];
  /** It runs code written in its own arguments that no rule can see (`eval`, `python -c`, `$cmd`). */
  opaque: boolean;
}

/** Whether a word contains characters a person cannot see or could misread. */
function unusualCharacters(text: string): boolean {
  // Control characters (CR included: a parser differential), format characters (zero-width, bidi) and non-ASCII spaces.
  return /[\x00-\x08\x0b-\x1f\x7f\u0080-\u00a0\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]/u.test(
    text,
  );
}

const word = (value: string): BashWord => ({ value, text: value, glob: false, brace: false });

/** Skips wrapper options; `valued` options take the next word as their value. */
function skipOptions(args: readonly BashWord[], valued: readonly string[], valuedLong: readonly string[] = []): number {
  let i = 0;
  while (i < args.length) {
    const value = args[i]!.value;
    if (value === undefined || !value.startsWith('-') || value === '-') break;
    if (value === '--') return i + 1;
    if (valued.includes(value) || valuedLong.includes(value)) i += 2;
    else i += 1;
  }
  return i;
}

/** Judges `words` (name first). */
export function judgeCommand(words: readonly BashWord[]): CommandVerdict {
  const verdict: CommandVerdict = {
    readOnly: true,
    reasons: [],
    dangerous: [],
    reads: [],
    writes: [],
    forms: [[...words]],
    denyForms: [],
    nested: [],
    opaque: false,
    recursiveReads: [],
    possibleReads: [],
  };
  judgeInto(verdict, words, 0);
  return verdict;
}

function notReadOnly(verdict: CommandVerdict, reason: string): void {
  verdict.readOnly = false;
  verdict.reasons.push(reason);
}

function judgeInto(verdict: CommandVerdict, words: readonly BashWord[], depth: number): void {
  const name = words[0];
  if (!name) return;
  const args = words.slice(1);
  if (name.value === undefined) {
    verdict.opaque = true;
    notReadOnly(verdict, `the command name ${name.text} is only known when it runs`);
    return;
  }
  const program = name.value;
  if (unusualCharacters(words.map((w) => w.text).join(' ')))
    notReadOnly(verdict, 'the command contains invisible or control characters');
  const base = program.slice(program.lastIndexOf('/') + 1);
  verdict.dangerous.push(...dangerousReasons(base, args));
  if (program.includes('/')) verdict.denyForms.push([word(base), ...args]);
  if (base === 'git') {
    const sub = gitSubcommand(args);
    if (sub && args.length - sub.rest.length > 1) verdict.denyForms.push([word('git'), word(sub.name), ...sub.rest]);
  }
  if (program.includes('/')) {
    notReadOnly(verdict, `${program} runs a program by path, not a known command`);
    return;
  }
  if (name.glob || name.brace) {
    verdict.opaque = true;
    notReadOnly(verdict, `the command name ${name.text} is expanded by the shell`);
    return;
  }
  if (depth > 8) {
    notReadOnly(verdict, 'too many nested wrappers');
    return;
  }
  const inner = (start: number, readOnlyWrapper: boolean, why?: string): void => {
    const rest = args.slice(start);
    if (!readOnlyWrapper && why) notReadOnly(verdict, why);
    if (rest.length === 0) return;
    verdict.forms.push(rest);
    judgeInto(verdict, rest, depth + 1);
  };
  switch (program) {
    case 'timeout': {
      const start = skipOptions(args, ['-s', '-k', '--signal', '--kill-after']);
      // The duration comes first, then the command.
      if (start >= args.length) return notReadOnly(verdict, 'timeout without a command');
      return inner(start + 1, true);
    }
    case 'nice': {
      let start = 0;
      while (start < args.length) {
        const value = args[start]!.value ?? '';
        if (value === '-n') start += 2;
        else if (/^-(-adjustment=)?-?\d+$/.test(value) || value.startsWith('--adjustment')) start += 1;
        else break;
      }
      return inner(start, true);
    }
    case 'time':
      return inner(
        skipOptions(args, ['-f', '-o', '--format', '--output']),
        !hasFlag(args, ['--output', '--append'], 'oa'),
        'time -o writes a file',
      );
    case 'stdbuf':
      return inner(skipOptions(args, ['-i', '-o', '-e']), true);
    case 'noglob':
    case 'builtin':
      return inner(0, true);
    case 'nohup':
      return inner(0, false, 'nohup may write nohup.out and keeps running after the command');
    case 'exec':
      return inner(skipOptions(args, ['-a']), false, 'exec replaces the shell with another program');
    case 'command': {
      if (hasFlag(args, [], 'vV')) return;
      return inner(skipOptions(args, []), true);
    }
    case 'sudo':
    case 'doas':
    case 'run0':
      return inner(
        skipOptions(args, ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '-R']),
        false,
        `${program} runs with other privileges`,
      );
    case 'su':
    case 'pkexec':
      return notReadOnly(verdict, `${program} runs with other privileges`);
    case 'env':
      return judgeEnv(verdict, args, depth);
    case 'xargs':
      return judgeXargs(verdict, args);
    case 'cd':
    case 'pushd': {
      const target = operands(args)[0];
      verdict.cd = target ? (target.value === undefined || target.value === '-' ? null : target) : word('~');
      if (hasFlag(args, [], 'P') || args.some((w) => w.value === undefined)) verdict.cd = null;
      return;
    }
    case 'popd':
      verdict.cd = null;
      return;
  }
  if (SHELLS.has(program) || INTERPRETERS.has(program)) return judgeInterpreter(verdict, program, args);
  if (CODE_RUNNERS.has(program) || program === 'source') {
    verdict.opaque = true;
    notReadOnly(verdict, `${program} runs code the analysis cannot see`);
    if (args.some((w) => /(curl|wget|fetch|nc)\b/.test(w.text) && /[$`<]\(|`/.test(w.text)))
      verdict.dangerous.push(`${program} of downloaded code`);
    return;
  }
  if (program === 'find') collectFindExec(verdict, args);
  if (!Object.hasOwn(READ_ONLY_PROGRAMS, program)) {
    notReadOnly(verdict, `${program} is not a known read-only program`);
    verdict.writes.push(...writtenPaths(program, args));
    verdict.possibleReads.push(...possibleReads(args));
    return;
  }
  const spec = READ_ONLY_PROGRAMS[program]!;
  if (args.some((w) => w.brace) && spec.argSensitive) verdict.opaque = true;
  if (spec.argSensitive && args.some((w) => w.glob || w.brace)) {
    notReadOnly(verdict, `unquoted glob or brace expansion in the arguments of ${program} could add flags`);
  }
  const problem = spec.guard?.(args);
  if (problem) {
    notReadOnly(verdict, problem);
    verdict.possibleReads.push(...possibleReads(args));
  }
  const paths = readPaths(spec, args, looksLikeOutsidePath);
  if (RECURSIVE_READERS.has(program)) {
    // rg searches the current directory when it is given no path.
    verdict.recursiveReads.push(...(paths.length === 0 && program === 'rg' ? [word('.')] : paths));
  } else {
    verdict.reads.push(...paths);
  }
  if (program === 'git' && gitSubcommand(args)?.name === 'grep') verdict.recursiveReads.push(word('.'));
}

/** Programs that read the content of whole directory trees. */
const RECURSIVE_READERS: ReadonlySet<string> = new Set(['rg', 'grep', 'egrep', 'fgrep']);

function judgeEnv(verdict: CommandVerdict, args: readonly BashWord[], depth: number): void {
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    const value = arg.value;
    if (value === undefined) return notReadOnly(verdict, 'env with a dynamic argument');
    if (value === '-i' || value === '--ignore-environment' || value === '-0' || value === '--null' || value === '-')
      continue;
    if (value === '-u' || value === '--unset') {
      i++;
      continue;
    }
    if (value.startsWith('--unset=') || /^-u./.test(value)) continue;
    if (value.startsWith('-')) return notReadOnly(verdict, `env ${value} changes how the command is run`);
    const eq = value.indexOf('=');
    if (eq > 0) {
      if (!isSafeAssignmentName(value.slice(0, eq)))
        notReadOnly(verdict, `env ${value.slice(0, eq)}=… changes how programs run`);
      continue;
    }
    break;
  }
  const rest = args.slice(i);
  if (rest.length === 0) return;
  verdict.forms.push(rest);
  judgeInto(verdict, rest, depth + 1);
}

function judgeXargs(verdict: CommandVerdict, args: readonly BashWord[]): void {
  const start = skipOptions(
    args,
    // -e, -i and -l (and --eof, --replace, --max-lines) take an optional value only when attached.
    ['-I', '-L', '-n', '-P', '-s', '-d', '-E', '-a'],
    ['--max-args', '--max-procs', '--delimiter', '--arg-file', '--max-chars', '--process-slot-var'],
  );
  const rest = args.slice(start);
  const innerWords = rest.length > 0 ? rest : [word('echo')];
  verdict.forms.push(innerWords);
  verdict.nested.push({ words: innerWords, openEnded: true });
  const innerName = innerWords[0]?.value;
  const spec =
    innerName !== undefined && Object.hasOwn(READ_ONLY_PROGRAMS, innerName) ? READ_ONLY_PROGRAMS[innerName] : undefined;
  if (!spec || spec.argSensitive) {
    notReadOnly(verdict, `xargs runs ${innerWords[0]?.text ?? 'a command'} with arguments from its input`);
    return;
  }
  const innerVerdict = judgeCommand(innerWords);
  if (!innerVerdict.readOnly) notReadOnly(verdict, `xargs runs ${innerName}: ${innerVerdict.reasons.join('; ')}`);
  // Its input can name any file: reads through xargs are unknown paths.
  if (spec.paths !== 'none')
    verdict.reads.push({ value: undefined, text: 'paths from the input of xargs', glob: false, brace: false });
}

function judgeInterpreter(verdict: CommandVerdict, program: string, args: readonly BashWord[]): void {
  const inlineFlag = args.findIndex(
    (w) => w.value !== undefined && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(w.value) && !w.value.startsWith('--'),
  );
  if (SHELLS.has(program) && program !== 'busybox' && inlineFlag >= 0) {
    const options = args.slice(0, inlineFlag + 1);
    const script = args.slice(inlineFlag + 1).find((w) => !(w.value ?? '').startsWith('-'));
    if (!script || script.value === undefined) {
      verdict.opaque = true;
      notReadOnly(verdict, `${program} -c runs a script that is only known when it runs`);
      if (script && /(curl|wget|fetch)\b/.test(script.text))
        verdict.dangerous.push(`${program} -c runs downloaded code`);
      return;
    }
    if (!options.every((w) => /^-[ceuxf]+$/.test(w.value ?? '')))
      notReadOnly(verdict, `${program} options ${options.map((w) => w.text).join(' ')} load more code`);
    verdict.inline = script.value;
    return;
  }
  // Inline code (`python -c`, `node -e`) and code on stdin hide commands from rules; a script file does not.
  if (
    args.length === 0 ||
    hasFlag(args, ['--eval', '--command', '--print'], 'ecpE') ||
    args.some((w) => w.value === '-')
  )
    verdict.opaque = true;
  verdict.possibleReads.push(...possibleReads(args));
  notReadOnly(verdict, `${program} runs code (${args.length === 0 ? 'from its input' : 'a script or inline code'})`);
  if (args.some((w) => /(curl|wget|fetch)\b/.test(w.text) && /[$<]\(|`/.test(w.text)))
    verdict.dangerous.push(`${program} runs downloaded code`);
}

/** `find … -exec cmd {} ;`: the command is judged as its own (nested) command. */
function collectFindExec(verdict: CommandVerdict, args: readonly BashWord[]): void {
  for (let i = 0; i < args.length; i++) {
    const value = args[i]!.value;
    if (value === '-exec' || value === '-execdir' || value === '-ok' || value === '-okdir') {
      const end = args.findIndex((w, j) => j > i && (w.value === ';' || w.value === '+'));
      const words = args.slice(i + 1, end < 0 ? undefined : end);
      if (words.length > 0) verdict.nested.push({ words, openEnded: true });
      if (end > 0) i = end;
    }
  }
}

/** Literal arguments that may name files: `@file` and `name=@file` (curl), `--opt=file`, operands. */
function possibleReads(args: readonly BashWord[]): BashWord[] {
  const out: BashWord[] = [];
  for (const arg of args) {
    if (arg.value === undefined) continue;
    const value = arg.value
      .replace(/^--?[A-Za-z0-9-]+=/, '')
      .replace(/^[^=@/]*=@/, '')
      .replace(/^@/, '');
    if (value === '' || value.startsWith('-') || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) continue;
    out.push({ ...arg, value });
  }
  return out;
}

/** Files that common writing programs write (so `Edit(…)` rules and protected paths cover them in bash too). */
function writtenPaths(program: string, args: readonly BashWord[]): BashWord[] {
  const ops = operands(args);
  switch (program) {
    case 'tee':
    case 'touch':
    case 'rm':
    case 'rmdir':
    case 'mkdir':
    case 'truncate':
    case 'shred':
    case 'unlink':
      return ops;
    case 'cp':
    case 'mv':
    case 'ln':
    case 'install':
    case 'rsync': {
      const index = args.findIndex((w) => w.value === '-t' || w.value === '--target-directory');
      if (index >= 0 && args[index + 1]) return [args[index + 1]!];
      const targeted = args.find((w) => w.value?.startsWith('--target-directory='));
      if (targeted) return [{ ...targeted, value: targeted.value!.slice('--target-directory='.length) }];
      return program === 'mv' ? ops : ops.slice(-1);
    }
    case 'chmod':
    case 'chown':
    case 'chgrp':
      return ops.slice(1);
    case 'sed':
      return hasFlag(args, ['--in-place'], 'i')
        ? ops.slice(hasFlag(args, ['--expression', '--file'], 'ef') ? 0 : 1)
        : [];
    case 'dd':
      return args.filter((w) => w.value?.startsWith('of=')).map((w) => ({ ...w, value: w.value!.slice(3) }));
    default:
      return [];
  }
}

/** Whether a program fetches from the network (the upstream side of `curl … | sh`). */
export function isFetcher(program: string): boolean {
  return FETCHERS.has(program);
}
