/**
 * Option tables and the option parser of the program table: short clusters (`-rf`), attached values
 * (`-n5`, `-ofile`, `--out=x`), values in the next word, and GNU (and git) long options abbreviated to a
 * unique prefix, resolved against the program's full option list, safe and unsafe alike.
 */
import { mayBeOption, mayMultiply, type BashWord } from './words.js';

/**
 * What an option does, for the verdict:
 * - `safe`: only changes what is printed;
 * - `read`: its value names a file it reads (`grep -f FILE`);
 * - `list`: its value names a file that lists more files to read (`--files0-from=F`);
 * - `recursive`: the operands are read as whole trees (`grep -r`);
 * - `write`: its value names a file it writes (`sort -o FILE`);
 * - `code`: its value is code or a program that runs (`--pre=CMD`, `-e SCRIPT`);
 * - `unsafe`: anything else that is not a read (it writes, uses the network, changes state).
 */
export type Effect = 'safe' | 'read' | 'list' | 'recursive' | 'write' | 'code' | 'unsafe';

/** One option, under all its names. */
export interface OptionDef {
  /** The canonical name: the first long name, else the short letter. */
  readonly name: string;
  /**
   * `none`: a flag; `required`: a value attached or in the next word; `attached`: only an attached value;
   * `two`: two values in the next words (`jq --arg NAME VALUE`).
   */
  readonly value: 'none' | 'required' | 'attached' | 'two';
  readonly effect: Effect;
}

/** A program's options. */
export interface OptionTable {
  readonly short: ReadonlyMap<string, OptionDef>;
  readonly long: ReadonlyMap<string, OptionDef>;
  readonly longNames: readonly string[];
  /** `-NUM` is an option (`head -5`, `grep -3`). */
  readonly digits: boolean;
  /**
   * Some option writes, runs code or is otherwise not a read: a word that may turn into an option makes the
   * call not read-only.
   */
  readonly risky: boolean;
  /** Some option reads a file named in its value (`grep -f F`): such a word may hide a read. */
  readonly readRisky: boolean;
}

/**
 * Builds an option table from compact lists, one per effect. Each entry is `|`-separated names (one letter:
 * short, longer: long); a trailing `=` means the option takes a value (attached or in the next word), a
 * trailing `?` an attached value only (`--color[=WHEN]`, `sed -i[SUFFIX]`), a trailing `#` two values.
 *
 * @example
 * ```ts
 * const table = optionTable({ safe: 'n|lines= q|quiet', write: 'o|output=' });
 * ```
 */
export function optionTable(lists: Partial<Record<Effect, string>>, settings: { digits?: boolean } = {}): OptionTable {
  const short = new Map<string, OptionDef>();
  const long = new Map<string, OptionDef>();
  let risky = false;
  let readRisky = false;
  for (const [effect, list] of Object.entries(lists) as [Effect, string][]) {
    for (const entry of list.split(/\s+/).filter(Boolean)) {
      const marker = entry.at(-1);
      const value = marker === '=' ? 'required' : marker === '?' ? 'attached' : marker === '#' ? 'two' : 'none';
      const names = (value === 'none' ? entry : entry.slice(0, -1)).split('|');
      const def: OptionDef = { name: names.find((n) => n.length > 1) ?? names[0]!, value, effect };
      if (effect === 'read' || effect === 'list') readRisky = true;
      else if (effect !== 'safe' && effect !== 'recursive') risky = true;
      for (const name of names) {
        const map = name.length === 1 ? short : long;
        if (map.has(name)) throw new Error(`option ${name} listed twice`);
        map.set(name, def);
      }
    }
  }
  return { short, long, longNames: [...long.keys()], digits: settings.digits === true, risky, readRisky };
}

/** One option found on a command line. */
export interface ParsedOption {
  readonly def: OptionDef;
  /** The value word (or the attached value as a word); `undefined` for flags. */
  readonly value?: BashWord;
  /** Index (in the arguments) of the word that holds the value, and of the option. */
  readonly valueIndex?: number;
  readonly index: number;
  /** Written as a prefix of its name (`--in-pl`). */
  readonly abbreviated: boolean;
}

/** The parsed arguments of one command. */
export interface ParsedArgs {
  readonly options: ParsedOption[];
  readonly operands: { readonly word: BashWord; readonly index: number }[];
  /** Why the arguments cannot be judged read-only (unknown, ambiguous or abbreviated options, dynamic words). */
  readonly problems: string[];
  /** A word only known at run time may turn into an option that reads a file (`grep $x` as `grep -f F`). */
  hiddenReads: boolean;
}

/** Options of {@link parseArgs}. */
export interface ParseSettings {
  /** Options end at the first operand (POSIX, and wrappers whose operand is a command). */
  readonly stopAtOperand?: boolean;
  /** The first operands are not the program's (it is `git log`, with `git` already parsed): only used in messages. */
  readonly label?: string;
}

/** Resolves a long option name: exact, else a unique prefix of the full list. */
export function resolveLong(
  table: OptionTable,
  name: string,
): { def: OptionDef; abbreviated: boolean } | 'unknown' | 'ambiguous' {
  const exact = table.long.get(name);
  if (exact) return { def: exact, abbreviated: false };
  const defs = new Set(table.longNames.filter((n) => n.startsWith(name)).map((n) => table.long.get(n)!));
  if (defs.size === 0 || name === '') return 'unknown';
  if (defs.size > 1) return 'ambiguous';
  return { def: [...defs][0]!, abbreviated: true };
}

const literalWord = (value: string, from: BashWord): BashWord => ({
  value,
  text: value,
  glob: from.glob,
  brace: from.brace,
  lead: value,
});

/**
 * Splits arguments into options and operands, GNU style (options anywhere until `--`, unless
 * `stopAtOperand`). Every word that starts with `-` is taken for an option, so nothing that the program
 * reads as an option is missed; unknown, ambiguous and abbreviated options are listed as problems.
 */
export function parseArgs(table: OptionTable, args: readonly BashWord[], settings: ParseSettings = {}): ParsedArgs {
  const options: ParsedOption[] = [];
  const operands: { word: BashWord; index: number }[] = [];
  const problems: string[] = [];
  const result: ParsedArgs = { options, operands, problems, hiddenReads: false };
  const label = settings.label ?? 'the command';
  let i = 0;
  const takeNext = (def: OptionDef, index: number): void => {
    const next = args[index + 1];
    if (next === undefined) {
      problems.push(`${label}: option ${def.name} without its value`);
      options.push({ def, index, abbreviated: false });
      return;
    }
    // `sort -k $x` splits into `-k 1 -o out`: an unquoted expansion or glob as a value can add options. A
    // value that looks like an option may be one the program reads as such (if it takes no value after all).
    if (table.risky && mayMultiply(next)) problems.push(`${label}: the value ${next.text} may become several words`);
    else if (table.risky && mayBeOption(next)) problems.push(`${label}: the value ${next.text} looks like an option`);
    else if (table.readRisky && mayMultiply(next)) result.hiddenReads = true;
    options.push({ def, index, value: next, valueIndex: index + 1, abbreviated: false });
    i = index + 1;
    if (def.value === 'two') {
      const second = args[index + 2];
      if (second === undefined) problems.push(`${label}: option ${def.name} without its second value`);
      else if (table.risky && mayMultiply(second))
        problems.push(`${label}: the value ${second.text} may become several words`);
      i = Math.min(index + 2, args.length - 1);
    }
  };
  for (; i < args.length; i++) {
    const word = args[i]!;
    const value = word.value;
    if (value === '--' && !word.glob) {
      for (let j = i + 1; j < args.length; j++) operands.push({ word: args[j]!, index: j });
      break;
    }
    if (value === undefined || word.glob || word.brace || word.splits) {
      if (table.risky && mayBeOption(word)) problems.push(`${label}: ${word.text} may expand to an option`);
      else if (table.readRisky && mayBeOption(word)) result.hiddenReads = true;
      operands.push({ word, index: i });
      if (settings.stopAtOperand) {
        for (let j = i + 1; j < args.length; j++) operands.push({ word: args[j]!, index: j });
        break;
      }
      continue;
    }
    if (!value.startsWith('-') || value === '-') {
      operands.push({ word, index: i });
      if (settings.stopAtOperand) {
        for (let j = i + 1; j < args.length; j++) operands.push({ word: args[j]!, index: j });
        break;
      }
      continue;
    }
    if (value.startsWith('--')) {
      const eq = value.indexOf('=');
      const name = eq < 0 ? value.slice(2) : value.slice(2, eq);
      const resolved = resolveLong(table, name);
      if (resolved === 'unknown' || resolved === 'ambiguous') {
        problems.push(`${label}: ${resolved} option --${name}`);
        continue;
      }
      const { def, abbreviated } = resolved;
      if (abbreviated) problems.push(`${label}: --${name} abbreviates --${def.name}`);
      if (eq >= 0) {
        if (def.value === 'none') problems.push(`${label}: --${def.name} takes no value`);
        options.push({ def, index: i, value: literalWord(value.slice(eq + 1), word), valueIndex: i, abbreviated });
      } else if (def.value === 'required' || def.value === 'two') {
        takeNext(def, i);
        if (abbreviated) options[options.length - 1] = { ...options.at(-1)!, abbreviated };
      } else {
        options.push({ def, index: i, abbreviated });
      }
      continue;
    }
    // A short cluster: `-abc`, `-n5`, `-ofile`, `-5`.
    const cluster = value.slice(1);
    for (let k = 0; k < cluster.length; k++) {
      const letter = cluster[k]!;
      if (table.digits && /[0-9]/.test(letter) && k === 0) {
        const digits = /^[0-9]+/.exec(cluster)![0];
        options.push({ def: { name: digits, value: 'none', effect: 'safe' }, index: i, abbreviated: false });
        k += digits.length - 1;
        continue;
      }
      const def = table.short.get(letter);
      if (!def) {
        problems.push(`${label}: unknown option -${letter}`);
        continue;
      }
      const rest = cluster.slice(k + 1);
      if (def.value === 'none') {
        options.push({ def, index: i, abbreviated: false });
        continue;
      }
      if (rest !== '' || def.value === 'attached') {
        options.push({ def, index: i, value: literalWord(rest, word), valueIndex: i, abbreviated: false });
      } else {
        takeNext(def, i);
      }
      break;
    }
  }
  return result;
}

/** The options of a parse with a given canonical name (or any of several). */
export function optionsNamed(parsed: ParsedArgs, ...names: string[]): ParsedOption[] {
  return parsed.options.filter((option) => names.includes(option.def.name));
}

/** Whether a parse has an option with one of these canonical names. */
export function hasOption(parsed: ParsedArgs, ...names: string[]): boolean {
  return parsed.options.some((option) => names.includes(option.def.name));
}
