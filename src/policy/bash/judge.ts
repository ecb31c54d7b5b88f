/**
 * The recursive judge of one simple command: sees through wrappers (`timeout`, `env`, `sudo`, `xargs`…),
 * builtins and interpreters level by level, then looks the program up in the table, and fills a
 * `CommandVerdict` as it goes.
 */
import { isSafeAssignment } from './assignments.js';
import { HARMLESS_BUILTINS, SHELL_CHANGERS } from './builtins.js';
import { codeBuiltin, inlineScript, interpreter } from './code-builtins.js';
import { notReadOnly, type CommandVerdict } from './command-verdict.js';
import { dangerousReasons } from './danger.js';
import { INTERPRETERS, RUNNERS, genericCodeArgs, runnerCodeArgs } from './interpreters.js';
import { optionTable, parseArgs } from './options.js';
import { possibleReads } from './possible-reads.js';
import { gitSubcommand, judgeWithSpec, literal, programSpec, type ProgramVerdict } from './programs/index.js';
import { WRAPPERS, unwrap, type WrapperSpec } from './wrappers.js';
import type { BashWord } from './words.js';

/** Whether a word contains characters a person cannot see or could misread. */
const UNUSUAL =
  /[\x00-\x08\x0b-\x1f\x7f\u0080-\u00a0\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]/u;

/** The wrappers by name (a map: no inherited keys). */
const WRAPPER_SPECS: ReadonlyMap<string, WrapperSpec> = new Map(Object.entries(WRAPPERS));

const CD = optionTable({ safe: 'L P e @' });

const ENV = optionTable({
  safe: '0|null i|ignore-environment u|unset= v|debug list-signal-handling help version',
  code: 'S|split-string=',
  unsafe: 'C|chdir= block-signal? default-signal? ignore-signal?',
});

/** Indexes moved by `by` (from the arguments to the words, which start with the name). */
const shift = (list: readonly number[], by: number): number[] => list.map((i) => i + by);

/**
 * The recursive judge of one simple command, level by level through wrappers. Each level adds to the
 * verdict it was given.
 *
 * @example
 * const codeArgs = new Judge(verdict, '').level(words, 0, [], true);
 */
export class Judge {
  constructor(
    private readonly verdict: CommandVerdict,
    private readonly stdin: string,
  ) {}

  private no(reason: string): void {
    notReadOnly(this.verdict, reason);
  }

  /** Judges `words`; returns the indexes (in `words`) of code-carrying words. */
  level(words: readonly BashWord[], depth: number, prefix: readonly BashWord[], allowForms: boolean): number[] {
    const v = this.verdict;
    const name = words[0];
    if (!name) return [];
    const args = words.slice(1);
    if (depth > 8) {
      this.no('too many nested wrappers');
      v.opaque = true;
      return [0];
    }
    if (words.some((w) => UNUSUAL.test(w.text))) this.no('the command contains invisible or control characters');
    if (name.value === undefined || name.glob || name.brace) {
      v.opaque = true;
      this.no(`the command name ${name.text} is only known when it runs`);
      return [0];
    }
    const program = name.value;
    if (program.includes('/')) {
      const base = program.slice(program.lastIndexOf('/') + 1);
      v.denyForms.push([literal(base), ...args]);
      this.no(`${program} runs a program by path, not a known command`);
      if (base === '') return [0];
      return [0, ...this.level([literal(base), ...args], depth + 1, prefix, false).filter((i) => i > 0)];
    }
    const dangers = dangerousReasons(program, args, this.stdin);
    if (dangers.length > 0) v.dangerous.push(...dangers);
    if (program === 'git') {
      const sub = gitSubcommand(args);
      if (sub && sub.at > 0) v.denyForms.push([literal('git'), literal(sub.name), ...sub.rest]);
    }
    const wrapper = WRAPPER_SPECS.get(program);
    if (wrapper) return this.wrapper(program, wrapper, args, depth, prefix, allowForms);
    const builtin = this.builtin(program, args, depth, prefix, allowForms);
    if (builtin) return builtin;
    if (HARMLESS_BUILTINS.has(program)) return [];
    if (SHELL_CHANGERS.has(program)) {
      this.no(`${program} changes the shell or its variables`);
      return [];
    }
    if (INTERPRETERS.has(program)) return shift(interpreter(v, program, args), 1);
    if (RUNNERS.has(program)) {
      this.no(`${program} runs project scripts`);
      return shift(runnerCodeArgs(program, args), 1);
    }
    const spec = programSpec(program);
    if (!spec) {
      this.no(`${program} is not a known read-only program`);
      v.possibleReads.push(...possibleReads(args));
      return shift(genericCodeArgs(args), 1);
    }
    // `tar xzf a.tar`: old-style bundled letters.
    const parsedArgs =
      program === 'tar' && args[0]?.value !== undefined && /^[A-Za-z]+$/.test(args[0].value)
        ? [{ ...args[0], value: `-${args[0].value}` }, ...args.slice(1)]
        : args;
    const result = judgeWithSpec(program, spec, parsedArgs);
    this.merge(result);
    if (result.problems.length > 0 && spec.readOnly !== false) v.possibleReads.push(...possibleReads(args));
    return shift(result.codeArgs, 1);
  }

  /** Builtins and commands judged by name (`env`, `cd`, `eval`, `parallel`, `source`…); `undefined` for others. */
  private builtin(
    program: string,
    args: readonly BashWord[],
    depth: number,
    prefix: readonly BashWord[],
    allowForms: boolean,
  ): number[] | undefined {
    const v = this.verdict;
    switch (program) {
      case 'env':
        return this.env(args, depth, prefix, allowForms);
      case 'cd':
      case 'pushd': {
        const parsed = parseArgs(CD, args);
        const target = parsed.operands[0]?.word;
        v.cd = target ? (target.value === undefined || target.value === '-' ? null : target) : literal('~');
        if (parsed.options.some((o) => o.def.name === 'P') || parsed.problems.length > 0) v.cd = null;
        return [];
      }
      case 'popd':
        v.cd = null;
        return [];
      case 'eval':
      case 'trap':
      case 'alias':
        return shift(codeBuiltin(v, program, args), 1);
      case 'parallel':
        return shift(this.parallel(args, depth), 1);
      case 'source':
      case '.':
        v.opaque = true;
        this.no(`${program} runs a file the analysis cannot see`);
        if (args.some((w) => /(curl|wget|fetch|nc)\b/.test(w.text) && /[$`<]\(|`/.test(w.text)))
          v.dangerous.push(`${program} of downloaded code`);
        return args.length > 0 ? [1] : [];
    }
    return undefined;
  }

  private merge(result: ProgramVerdict): void {
    const v = this.verdict;
    for (const problem of result.problems) this.no(problem);
    // Most lists are empty: spreading an empty one still costs a call.
    if (result.reads.length > 0) v.reads.push(...result.reads);
    if (result.recursiveReads.length > 0) v.recursiveReads.push(...result.recursiveReads);
    if (result.possibleReads.length > 0) v.possibleReads.push(...result.possibleReads);
    if (result.writes.length > 0) v.writes.push(...result.writes);
    if (result.dangerous.length > 0) v.dangerous.push(...result.dangerous);
    v.unknownReads ||= result.unknownReads;
    v.opaque ||= result.opaque;
    for (const nested of result.nested) v.nested.push({ words: nested.words, openEnded: true });
  }

  private wrapper(
    program: string,
    spec: WrapperSpec,
    args: readonly BashWord[],
    depth: number,
    prefix: readonly BashWord[],
    allowForms: boolean,
  ): number[] {
    const v = this.verdict;
    const unwrapped = unwrap(program, spec, args);
    const code: number[] = [];
    for (const problem of unwrapped.parsed.problems) this.no(problem);
    if (spec.notReadOnly) this.no(spec.notReadOnly);
    for (const option of unwrapped.parsed.options) {
      const value = option.value;
      switch (option.def.effect) {
        case 'write':
          this.no(`${program} --${option.def.name} writes a file`);
          if (value) v.writes.push(value);
          break;
        case 'list':
          this.no(`${program} --${option.def.name} reads a list of arguments from a file`);
          if (value) v.reads.push(value);
          v.unknownReads = true;
          break;
        case 'code':
          code.push(option.index + 1, ...(option.valueIndex !== undefined ? [option.valueIndex + 1] : []));
          break;
        case 'unsafe':
          this.no(`${program} --${option.def.name} is not a read`);
          break;
      }
    }
    for (const script of unwrapped.scripts) inlineScript(this.verdict, program, script.word);
    if (program === 'script') {
      const file = unwrapped.parsed.operands[0]?.word;
      v.writes.push(file ?? literal('typescript'));
    }
    const start = unwrapped.start;
    if (start === undefined) {
      if (program === 'xargs') return this.xargs([literal('echo')], []);
      if (program === 'busybox' || program === 'sudo' || program === 'doas' || program === 'exec') return code;
      return code;
    }
    const inner = args.slice(start);
    if (spec.joined) {
      const values = inner.map((w) => w.value);
      for (let i = start; i < args.length; i++) code.push(i + 1);
      if (program === 'ssh') v.opaque = true;
      if (values.some((x) => x === undefined)) {
        v.opaque = true;
        v.dangerous.push(`${program} runs a command only known when it runs`);
      } else v.inline.push({ script: values.join(' '), dangerOnly: program === 'ssh' });
      return code;
    }
    v.denyForms.push([...inner]);
    if (program === 'xargs')
      return this.xargs(
        inner,
        code.map((i) => i - 1),
      );
    const transparent =
      allowForms && spec.transparent === true && unwrapped.parsed.problems.length === 0 && !code.length;
    const innerCode = this.level(inner, depth + 1, prefix, transparent);
    if (transparent)
      v.forms.push({
        words: [...prefix, ...inner],
        prefix: prefix.length,
        codeArgs: innerCode.map((i) => i + prefix.length),
      });
    return [...code, ...innerCode.map((i) => i + start + 1)];
  }

  /** GNU `parallel CMD ::: ARGS`: the command runs through a shell with each argument appended. */
  private parallel(args: readonly BashWord[], depth: number): number[] {
    this.no('parallel runs commands through a shell');
    this.verdict.opaque = true;
    const separator = args.findIndex((w) => w.value === ':::' || w.value === '::::' || w.value === ':::+');
    let start = 0;
    while (start < args.length && (args[start]!.value ?? '').startsWith('-')) start++;
    const command = args.slice(start, separator < 0 ? undefined : separator);
    const inputs = separator < 0 ? [] : args.slice(separator + 1);
    if (command.length > 0) {
      this.verdict.denyForms.push([...command]);
      this.level([...command, ...inputs], depth + 1, [], false);
    }
    return args.map((_, i) => i);
  }

  /** `xargs CMD`: CMD runs with arguments from the input, which may be options. */
  private xargs(inner: readonly BashWord[], code: number[]): number[] {
    const v = this.verdict;
    v.nested.push({ words: [...inner], openEnded: true });
    const innerName = inner[0]?.value;
    const spec = innerName === undefined ? undefined : programSpec(innerName);
    if (
      !spec ||
      spec.readOnly === false ||
      (spec.options.risky && !spec.anyArgs) ||
      innerName === 'git' ||
      innerName === 'find'
    )
      this.no(`xargs runs ${inner[0]?.text ?? 'a command'} with arguments from its input`);
    if (spec && spec.operands !== 'none' && !spec.anyArgs) v.unknownReads = true;
    return code.map((i) => i + 1);
  }

  /** `env [options] [NAME=value…] [CMD…]`. */
  private env(args: readonly BashWord[], depth: number, prefix: readonly BashWord[], allowForms: boolean): number[] {
    const v = this.verdict;
    const parsed = parseArgs(ENV, args, { stopAtOperand: true, label: 'env' });
    const code: number[] = [];
    for (const problem of parsed.problems) this.no(problem);
    for (const option of parsed.options) {
      if (option.def.name === 'split-string') {
        code.push(option.index + 1, ...(option.valueIndex !== undefined ? [option.valueIndex + 1] : []));
        this.no('env -S splits a string into a command');
        if (option.value) inlineScript(this.verdict, 'env -S', option.value);
      } else if (option.def.name === 'chdir') {
        this.no('env -C runs the command in another directory');
        v.cd = null;
      } else if (option.def.effect === 'unsafe') this.no(`env --${option.def.name} changes how the command runs`);
      else if (option.def.name === 'unset' && !isSafeAssignment(option.value?.value ?? '', undefined))
        this.no(`env -u ${option.value?.text ?? ''} changes how programs run`);
    }
    let i = parsed.operands[0]?.index ?? args.length;
    const assigned: BashWord[] = [];
    for (; i < args.length; i++) {
      const word = args[i]!;
      const eq = word.value?.indexOf('=') ?? (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word.text) ? word.text.indexOf('=') : -1);
      if (eq <= 0) break;
      const name = (word.value ?? word.text).slice(0, eq);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) break;
      if (!isSafeAssignment(name, word.value?.slice(eq + 1))) this.no(`env ${name}=… changes how programs run`);
      assigned.push(word);
    }
    const inner = args.slice(i);
    if (inner.length === 0) return code;
    v.denyForms.push([...inner]);
    const stripped = allowForms && parsed.options.length === 0;
    const innerPrefix = [...prefix, ...assigned];
    const innerCode = this.level(inner, depth + 1, innerPrefix, stripped);
    if (stripped)
      v.forms.push({
        words: [...innerPrefix, ...inner],
        prefix: innerPrefix.length,
        codeArgs: innerCode.map((k) => k + innerPrefix.length),
      });
    return [...code, ...innerCode.map((k) => k + i + 1)];
  }
}
