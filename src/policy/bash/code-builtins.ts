/**
 * Commands that run code given as words: `eval`, `trap`, `alias`, shells with `-c` and other interpreters.
 * A literal shell script is handed back for analysis; code the analysis cannot see makes the command opaque
 * (and dangerous when it is only known at run time).
 */
import { notReadOnly, type CommandVerdict } from './command-verdict.js';
import { inlineCodeDanger } from './danger.js';
import { SHELLS, interpreterCodeArgs } from './interpreters.js';
import { possibleReads } from './possible-reads.js';
import type { BashWord } from './words.js';

/**
 * An inline shell script given as a word: analysed when literal, unseen (and dangerous) otherwise.
 *
 * @example
 * inlineScript(verdict, 'bash -c', word); // literal: queued in `verdict.inline`
 */
export function inlineScript(verdict: CommandVerdict, owner: string, word: BashWord, dangerOnly = false): void {
  const v = verdict;
  if (word.value === undefined) {
    v.opaque = true;
    notReadOnly(v, `${owner} runs a script only known when it runs`);
    v.dangerous.push(`${owner} runs code only known when it runs`);
    if (/(curl|wget|fetch)\b/.test(word.text)) v.dangerous.push(`${owner} runs downloaded code`);
    return;
  }
  v.inline.push({ script: word.value, dangerOnly });
}

/**
 * `eval ARGS`, `trap CMD SIG…`, `alias NAME=CMD`: the code is analysed, the builtin never read-only.
 * Returns the indexes (in `args`) of code-carrying words.
 *
 * @example
 * codeBuiltin(verdict, 'trap', args); // `trap 'rm -rf x' EXIT` → [0]
 */
export function codeBuiltin(verdict: CommandVerdict, program: string, args: readonly BashWord[]): number[] {
  notReadOnly(verdict, `${program} runs or defines code`);
  if (program === 'eval') {
    if (args.length === 0) return [];
    const joined = args.some((w) => w.value === undefined)
      ? { value: undefined, text: args.map((w) => w.text).join(' '), glob: false, brace: false }
      : { value: args.map((w) => w.value).join(' '), text: '', glob: false, brace: false };
    inlineScript(verdict, 'eval', joined);
    return args.map((_, i) => i);
  }
  if (program === 'trap') {
    const action = args.find((w) => !(w.value ?? '').startsWith('-'));
    if (action && action.value !== '-' && action.value !== '') inlineScript(verdict, 'trap', action);
    return action ? [args.indexOf(action)] : [];
  }
  const code: number[] = [];
  args.forEach((word, i) => {
    const eq = (word.value ?? word.text).indexOf('=');
    if (eq < 0) return;
    code.push(i);
    inlineScript(verdict, 'alias', word.value === undefined ? word : { ...word, value: word.value.slice(eq + 1) });
  });
  return code;
}

/**
 * Shells and interpreters: never read-only except `sh -c 'read-only script'`. Returns the indexes (in
 * `args`) of code-carrying words.
 *
 * @example
 * interpreter(verdict, 'python3', args); // `python3 -c 'print(1)'` → [1], opaque
 */
export function interpreter(verdict: CommandVerdict, program: string, args: readonly BashWord[]): number[] {
  const v = verdict;
  const { code, inline, fromInput } = interpreterCodeArgs(program, args);
  if (SHELLS.has(program) && inline !== undefined) {
    const options = args.slice(0, inline);
    if (!options.every((w) => /^-[ceuxf]+$/.test(w.value ?? '') || /^[+-]o$/.test(w.value ?? '')))
      notReadOnly(v, `${program} options ${options.map((w) => w.text).join(' ')} load more code`);
    inlineScript(v, `${program} -c`, args[inline]!);
    return code;
  }
  notReadOnly(v, `${program} runs code (${args.length === 0 ? 'from its input' : 'a script or inline code'})`);
  if (fromInput) v.opaque = true;
  if (inline !== undefined) {
    v.opaque = true;
    const word = args[inline]!;
    if (word.value === undefined) v.dangerous.push(`${program} runs code only known when it runs`);
    else {
      const found = inlineCodeDanger(word.value);
      v.dangerous.push(...found.reasons.map((reason) => `${program}: ${reason}`));
      for (const text of found.strings) v.inline.push({ script: text, dangerOnly: true });
    }
  }
  v.possibleReads.push(...possibleReads(args));
  if (args.some((w) => /(curl|wget|fetch)\b/.test(w.text) && /[$<]\(|`/.test(w.text)))
    v.dangerous.push(`${program} runs downloaded code`);
  return code;
}
