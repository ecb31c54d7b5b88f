/**
 * Searching and text-processing programs: grep, rg, fd, find, sed, awk. Their options and scripts are where
 * code hides (`rg --pre`, `find -exec`, `sed 's/x/y/e'`, `awk 'BEGIN{system(…)}'`), so each is checked.
 */
import { optionTable } from '../options.js';
import { mayBeOption, type BashWord } from '../words.js';
import { awkProgramProblem, sedScriptProblem } from './scripts.js';
import { literal, type ProgramContext, type ProgramSpec } from './spec.js';

const GREP = optionTable(
  {
    safe: 'E|extended-regexp F|fixed-strings G|basic-regexp P|perl-regexp e|regexp= i|y|ignore-case no-ignore-case w|word-regexp x|line-regexp z|null-data s|no-messages v|invert-match V|version help m|max-count= b|byte-offset n|line-number line-buffered H|with-filename h|no-filename label= o|only-matching q|quiet|silent binary-files= a|text I D|devices= include= exclude= exclude-dir= L|files-without-match l|files-with-matches c|count T|initial-tab Z|null B|before-context= A|after-context= C|context= NUM= group-separator= no-group-separator color? colour? U|binary u|unix-byte-offsets',
    read: 'f|file= exclude-from=',
    recursive: 'r|recursive R|dereference-recursive',
    unsafe: 'd|directories=',
  },
  { digits: true },
);

/** `grep -d recurse` reads trees; `-d read|skip` is harmless. */
function grepCheck({ parsed, verdict }: ProgramContext): void {
  for (const option of parsed.options) {
    if (option.def.name !== 'directories') continue;
    if (option.value?.value === 'read' || option.value?.value === 'skip')
      verdict.problems.splice(
        verdict.problems.findIndex((p) => p.includes('--directories')),
        1,
      );
    else {
      verdict.recursiveReads.push(...verdict.reads.splice(0));
    }
  }
  const recursive = parsed.options.some((o) => o.def.effect === 'recursive');
  const patternGiven = parsed.options.some((o) => o.def.name === 'regexp' || o.def.name === 'file');
  if (recursive && parsed.operands.length === (patternGiven ? 0 : 1)) verdict.recursiveReads.push(literal('.'));
}

const grep: ProgramSpec = { options: GREP, operands: 'pattern', patternOptions: ['regexp', 'file'], check: grepCheck };

const RG = optionTable({
  safe: 'e|regexp= i|ignore-case s|case-sensitive S|smart-case F|fixed-strings w|word-regexp x|line-regexp v|invert-match n|line-number N|no-line-number H|with-filename I|no-filename l|files-with-matches files-without-match c|count count-matches o|only-matching q|quiet A|after-context= B|before-context= C|context= m|max-count= g|glob= iglob= glob-case-insensitive t|type= T|type-not= type-list type-add= type-clear= u|unrestricted hidden no-hidden no-ignore ignore no-ignore-vcs no-ignore-dot no-ignore-parent no-ignore-global no-ignore-exclude no-ignore-files no-ignore-messages L|follow no-follow files U|multiline multiline-dotall P|pcre2 no-pcre2 E|encoding= color= colors= heading no-heading p|pretty json vimgrep 0|null null-data M|max-columns= max-columns-preview max-depth|maxdepth|d= max-filesize= r|replace= sort= sortr= stats trim column no-column byte-offset b a|text binary no-binary one-file-system j|threads= no-messages no-config passthru|passthrough line-buffered block-buffered mmap no-mmap crlf no-crlf auto-hybrid-regex engine= dfa-size-limit= regex-size-limit= field-context-separator= field-match-separator= context-separator= no-context-separator path-separator= debug trace include-zero no-unicode no-pcre2-unicode hyperlink-format= h|help V|version pcre2-version',
  read: 'f|file= ignore-file=',
  code: 'pre= hostname-bin= z|search-zip',
  unsafe: 'pre-glob= generate=',
});

/** ripgrep reads the content of every file below its paths, the current directory when none is given. */
function rgCheck({ parsed, verdict }: ProgramContext): void {
  const patternGiven =
    parsed.options.some((o) => o.def.name === 'regexp' || o.def.name === 'file') ||
    parsed.options.some((o) => o.def.name === 'files' || o.def.name === 'type-list');
  const paths = parsed.operands.slice(patternGiven ? 0 : 1).map((o) => o.word);
  verdict.reads.length = 0;
  for (const option of parsed.options)
    if (option.def.effect === 'read' && option.value) verdict.reads.push(option.value);
  verdict.recursiveReads.push(...(paths.length > 0 ? paths : [literal('.')]));
}

const FD = optionTable({
  safe: 'H|hidden I|no-ignore no-ignore-vcs no-ignore-parent u|unrestricted s|case-sensitive i|ignore-case g|glob regex F|fixed-strings a|absolute-path l|list-details L|follow p|full-path 0|print0 d|max-depth= min-depth= exact-depth= prune t|type= e|extension= E|exclude= S|size= changed-within= changed-before= o|owner= format= c|color= j|threads= max-results= 1 q|quiet show-errors path-separator= strip-cwd-prefix? one-file-system and= h|help V|version',
  read: 'ignore-file= base-directory=',
  code: 'x|exec= X|exec-batch=',
});

/** fd lists names below its paths (after the pattern), the current directory when none is given. */
function fdCheck({ parsed, verdict }: ProgramContext): void {
  verdict.reads.length = 0;
  const paths = parsed.operands.slice(1).map((o) => o.word);
  verdict.reads.push(...(paths.length > 0 ? paths : [literal('.')]));
  for (const option of parsed.options)
    if (option.def.effect === 'read' && option.value) verdict.reads.push(option.value);
}

/** find's expression: primaries and how many words each takes. */
const FIND_PRIMARIES: Record<string, number> = {
  '-name': 1,
  '-iname': 1,
  '-path': 1,
  '-ipath': 1,
  '-wholename': 1,
  '-iwholename': 1,
  '-regex': 1,
  '-iregex': 1,
  '-regextype': 1,
  '-type': 1,
  '-xtype': 1,
  '-size': 1,
  '-empty': 0,
  '-newer': 1,
  '-anewer': 1,
  '-cnewer': 1,
  '-mtime': 1,
  '-mmin': 1,
  '-atime': 1,
  '-amin': 1,
  '-ctime': 1,
  '-cmin': 1,
  '-used': 1,
  '-maxdepth': 1,
  '-mindepth': 1,
  '-depth': 0,
  '-d': 0,
  '-prune': 0,
  '-print': 0,
  '-print0': 0,
  '-printf': 1,
  '-ls': 0,
  '-perm': 1,
  '-user': 1,
  '-group': 1,
  '-uid': 1,
  '-gid': 1,
  '-nouser': 0,
  '-nogroup': 0,
  '-links': 1,
  '-inum': 1,
  '-samefile': 1,
  '-lname': 1,
  '-ilname': 1,
  '-readable': 0,
  '-writable': 0,
  '-executable': 0,
  '-true': 0,
  '-false': 0,
  '-not': 0,
  '!': 0,
  '-a': 0,
  '-and': 0,
  '-o': 0,
  '-or': 0,
  '(': 0,
  ')': 0,
  ',': 0,
  '-mount': 0,
  '-xdev': 0,
  '-follow': 0,
  '-noleaf': 0,
  '-ignore_readdir_race': 0,
  '-noignore_readdir_race': 0,
  '-daystart': 0,
  '-quit': 0,
  '-help': 0,
  '--help': 0,
  '-version': 0,
  '--version': 0,
  '-fstype': 1,
  '-context': 1,
};
/** Actions that write files. */
const FIND_WRITES: Record<string, number> = { '-fprint': 1, '-fprint0': 1, '-fls': 1, '-fprintf': 2 };
const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

function findCheck({ args, verdict }: ProgramContext): void {
  let i = 0;
  // Leading options: -H -L -P, -D debugopts, -Olevel.
  for (; i < args.length; i++) {
    const value = args[i]!.value;
    if (value === '-H' || value === '-L' || value === '-P' || /^-O\d$/.test(value ?? '')) continue;
    if (value === '-D') {
      i++;
      continue;
    }
    break;
  }
  for (; i < args.length; i++) {
    const word = args[i]!;
    const value = word.value;
    if (value !== undefined && (value.startsWith('-') || value === '(' || value === '!') && !word.glob) break;
    if (mayBeOption(word)) verdict.problems.push(`find: ${word.text} may expand to an expression`);
    verdict.reads.push(word);
  }
  if (verdict.reads.length === 0) verdict.reads.push(literal('.'));
  for (; i < args.length; i++) {
    const word = args[i]!;
    const value = word.value;
    if (value === undefined || word.glob || word.brace || word.splits) {
      if (mayBeOption(word)) verdict.problems.push(`find: ${word.text} may expand to an action`);
      continue;
    }
    if (FIND_EXEC.has(value)) {
      let end = i + 1;
      while (end < args.length && args[end]!.value !== ';' && args[end]!.value !== '+') end++;
      const words = args.slice(i + 1, end);
      verdict.problems.push(`find ${value} runs ${words[0]?.text ?? 'a command'}`);
      for (let k = i; k <= Math.min(end, args.length - 1); k++) verdict.codeArgs.push(k);
      if (words.length > 0) verdict.nested.push({ words: [...words], start: i + 1 });
      verdict.unknownReads = true;
      i = end;
      continue;
    }
    if (value === '-delete') {
      verdict.problems.push('find -delete deletes files');
      continue;
    }
    if (Object.hasOwn(FIND_WRITES, value)) {
      verdict.problems.push(`find ${value} writes a file`);
      const target = args[i + 1];
      if (target) verdict.writes.push(target);
      i += FIND_WRITES[value]!;
      continue;
    }
    if (value === '-files0-from') {
      verdict.problems.push('find -files0-from reads a list of paths');
      const list = args[i + 1];
      if (list) verdict.reads.push(list);
      verdict.unknownReads = true;
      i++;
      continue;
    }
    if (value.startsWith('-newer') && value.length === 8) {
      i++;
      continue;
    }
    const arity = Object.hasOwn(FIND_PRIMARIES, value) ? FIND_PRIMARIES[value] : undefined;
    if (arity === undefined) {
      verdict.problems.push(`find: unknown primary ${value}`);
      continue;
    }
    for (let k = 1; k <= arity; k++) {
      const operand = args[i + k];
      if (operand && (operand.splits || ((operand.glob || operand.brace) && mayBeOption(operand))))
        verdict.problems.push(`find: ${operand.text} may become several words`);
    }
    i += arity;
  }
}

/** The scripts of a sed call: `-e`/`--expression` values, else the first operand. */
function sedCheck({ parsed, verdict }: ProgramContext): void {
  const expressions = parsed.options.filter((o) => o.def.name === 'expression');
  const fromFile = parsed.options.some((o) => o.def.name === 'file');
  const scriptGiven = expressions.length > 0 || fromFile;
  const files = scriptGiven ? parsed.operands : parsed.operands.slice(1);
  const scripts: { word: BashWord | undefined; index: number }[] = scriptGiven
    ? expressions.map((o) => ({ word: o.value, index: o.valueIndex ?? o.index }))
    : [{ word: parsed.operands[0]?.word, index: parsed.operands[0]?.index ?? -1 }];
  for (const { word, index } of scripts) {
    const problem = word?.value === undefined ? 'sed script only known when it runs' : sedScriptProblem(word.value);
    if (problem) {
      verdict.problems.push(problem);
      if (index >= 0) verdict.codeArgs.push(index);
    }
  }
  const inPlace = parsed.options.some((o) => o.def.name === 'in-place');
  verdict.reads.length = 0;
  verdict.reads.push(...files.map((o) => o.word));
  if (inPlace) {
    verdict.problems.push('sed -i edits files in place');
    verdict.writes.push(...files.map((o) => o.word));
  }
}

const SED = optionTable({
  safe: 'n|quiet|silent debug e|expression= l|line-length= posix E|r|regexp-extended s|separate sandbox u|unbuffered z|null-data|zero-terminated help version',
  code: 'f|file=',
  unsafe: 'i|in-place? follow-symlinks',
});

/**
 * awk: `-F`, `-v` and `--` only; the program (first operand, unless `-f`) is checked; operands that are
 * `name=value` assignments are not files.
 */
function awkCheck({ name, parsed, verdict }: ProgramContext): void {
  const fromFile = parsed.options.some((o) => o.def.name === 'f');
  const program = fromFile ? undefined : parsed.operands[0];
  if (program) {
    const problem =
      program.word.value === undefined
        ? `${name} program only known when it runs`
        : awkProgramProblem(program.word.value);
    if (problem) {
      verdict.problems.push(problem);
      verdict.codeArgs.push(program.index);
    }
  }
  verdict.reads.length = 0;
  for (const { word } of parsed.operands.slice(fromFile ? 0 : 1)) {
    if (word.value !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word.value)) continue;
    verdict.reads.push(word);
  }
}

const AWK = optionTable({
  safe: 'F= v= version',
  code: 'f= E= l= i= load= include= exec=',
});

const awk: ProgramSpec = { options: AWK, stopAtOperand: true, check: awkCheck };

/** Search and text programs. */
export const SEARCH_PROGRAMS: Readonly<Record<string, ProgramSpec>> = {
  grep,
  egrep: grep,
  fgrep: grep,
  rg: { options: RG, check: rgCheck },
  fd: { options: FD, check: fdCheck },
  fdfind: { options: FD, check: fdCheck },
  find: { options: optionTable({ unsafe: 'exec= delete' }), anyArgs: true, check: findCheck },
  sed: { options: SED, check: sedCheck },
  awk,
  gawk: awk,
  mawk: awk,
  nawk: awk,
};
