/**
 * What a bash word means after quote removal, as far as it can be known without running anything.
 */
import type { SyntaxNode } from './syntax-node.js';

/** One word of a simple command. */
export interface BashWord {
  /** The literal value after quote removal; `undefined` when it depends on an expansion or substitution. */
  readonly value: string | undefined;
  /** The source text, as written. */
  readonly text: string;
  /** Unquoted `*`, `?` or `[`: the shell may replace the word by file names (which can start with `-`). */
  readonly glob: boolean;
  /** Unquoted `{a,b}` or `{1..3}`: the shell turns the word into several. */
  readonly brace: boolean;
  /**
   * An unquoted expansion or substitution: word splitting may turn it into several words (or none), any
   * of which may start with `-`.
   */
  readonly splits?: boolean;
  /** The literal text the word surely starts with (before any expansion, glob or brace). */
  readonly lead?: string;
}

/**
 * Whether the shell may turn this word into an option (or into several words, one of them an option): it
 * starts with `-`, or it is not literal and nothing literal other than `-` surely starts it, or an unquoted
 * expansion in it may split.
 *
 * @example
 * ```ts
 * mayBeOption(word('-o'));     // true
 * mayBeOption(word('"$x"'));   // true: $x may be "-o"
 * mayBeOption(word('./"$x"')); // false
 * ```
 */
export function mayBeOption(word: BashWord): boolean {
  if (word.splits) return true;
  if (word.value !== undefined && !word.glob && !word.brace) return word.value.startsWith('-') && word.value !== '-';
  const lead = word.lead ?? '';
  return lead === '' || lead.startsWith('-');
}

/** Whether the shell may turn this word into several words or none (split, glob, brace). */
export function mayMultiply(word: BashWord): boolean {
  return word.splits === true || word.glob || word.brace;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** Decodes the body of `$'…'`; `undefined` for escapes it does not model (`\c`), which count as dynamic. */
function decodeAnsiC(body: string): string | undefined {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(body.slice(i + 1));
    const octal = /^([0-7]{1,3})/.exec(body.slice(i + 1));
    const unicode = /^[uU]([0-9a-fA-F]{1,8})/.exec(body.slice(i + 1));
    if (hex) {
      out += String.fromCharCode(parseInt(hex[1]!, 16));
      i += hex[0].length;
    } else if (octal) {
      out += String.fromCharCode(parseInt(octal[1]!, 8));
      i += octal[0].length;
    } else if (unicode) {
      const code = parseInt(unicode[1]!, 16);
      if (code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += unicode[0].length;
    } else {
      return undefined;
    }
  }
  return out;
}

/** Whether an unquoted word has a character that makes it more than its text: `\\`, `*`, `?`, `[`, `{`. */
function hasUnquotedSpecial(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c || code === 0x2a || code === 0x3f || code === 0x5b || code === 0x7b) return true;
  }
  return false;
}

/** Removes the backslashes of an unquoted word (a backslash-newline disappears entirely). */
function unescapeUnquoted(text: string): { value: string; glob: boolean; brace: boolean } {
  if (!hasUnquotedSpecial(text)) return { value: text, glob: false, brace: false };
  let value = '';
  // The value is built from the runs of text between backslashes.
  let from = 0;
  let glob = false;
  let braceOpen = false;
  let braceSeparator = false;
  let brace = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      value += text.slice(from, i);
      const next = text[i + 1];
      if (next === undefined) {
        from = text.length;
        break;
      }
      if (next !== '\n') value += next;
      i++;
      from = i + 1;
      continue;
    }
    if (ch === '*' || ch === '?' || ch === '[') glob = true;
    if (ch === '{') braceOpen = true;
    if (braceOpen && (ch === ',' || (ch === '.' && text[i + 1] === '.'))) braceSeparator = true;
    if (ch === '}' && braceOpen && braceSeparator) brace = true;
  }
  value += text.slice(from);
  return { value, glob, brace };
}

/** Removes quotes and backslashes of a double-quoted string with no expansion in it. */
function unescapeDoubleQuoted(body: string): string {
  return body.replace(/\\([$`"\\\n])/g, (_m, c: string) => (c === '\n' ? '' : c));
}

/** Node types whose unquoted value is subject to word splitting. */
const SPLITTING = new Set(['simple_expansion', 'expansion', 'command_substitution', 'arithmetic_expansion']);

/** The literal prefix of an unquoted word, up to its first glob or brace character. */
function unquotedLead(text: string): string {
  const cut = text.search(/(?<!\\)[*?[{]/);
  return unescapeUnquoted(cut < 0 ? text : text.slice(0, cut)).value;
}

const dynamic = (text: string, splits: boolean, lead = ''): BashWord => ({
  value: undefined,
  text,
  glob: false,
  brace: false,
  splits,
  lead,
});

/** Evaluates a word-like node (word, string, raw string, concatenation, expansion…). */
export function evalWord(node: SyntaxNode): BashWord {
  const text = node.text;
  switch (node.type) {
    case 'word':
    case 'command_name': {
      if (node.type === 'command_name') {
        const inner = node.namedChild(0);
        if (inner && node.namedChildCount === 1) {
          // A fresh word: it takes the name's own text.
          const word: { -readonly [K in keyof BashWord]: BashWord[K] } = evalWord(inner);
          word.text = text;
          return word;
        }
        return dynamic(text, true);
      }
      const { value, glob, brace } = unescapeUnquoted(text);
      return { value, text, glob, brace, lead: glob || brace ? unquotedLead(text) : value };
    }
    case 'number':
      if (node.namedChildCount > 0) return dynamic(text, true);
      return { value: text, text, glob: false, brace: false, lead: text };
    case 'raw_string':
      return { value: text.slice(1, -1), text, glob: false, brace: false, lead: text.slice(1, -1) };
    case 'ansi_c_string': {
      const value = decodeAnsiC(text.slice(2, -1));
      return { value, text, glob: false, brace: false, lead: value ?? '' };
    }
    case 'string': {
      let lead = '';
      let literal = true;
      for (const child of node.namedChildren) {
        if (child?.type !== 'string_content') {
          literal = false;
          break;
        }
        lead += unescapeDoubleQuoted(child.text);
      }
      if (!literal) return dynamic(text, false, lead);
      const value = unescapeDoubleQuoted(text.slice(1, -1));
      return { value, text, glob: false, brace: false, lead: value };
    }
    case 'translated_string':
      // $"…" is locale-translated at run time.
      return dynamic(text, false);
    case 'concatenation':
      return evalConcatenation(node);
    case 'brace_expression':
      return { value: undefined, text, glob: false, brace: true, lead: '' };
    case 'process_substitution':
      return dynamic(text, false, '/dev/fd/');
    default:
      // simple_expansion, expansion, command_substitution, arithmetic_expansion, array…
      return dynamic(text, SPLITTING.has(node.type) || node.type !== 'array');
  }
}

function evalConcatenation(node: SyntaxNode): BashWord {
  const text = node.text;
  let value: string | undefined = '';
  let glob = false;
  let splits = false;
  let lead = '';
  let leadOpen = true;
  let unquoted = '';
  for (const child of node.children) {
    if (!child) continue;
    const part = child.isNamed ? evalWord(child) : evalUnnamed(child);
    value = value === undefined || part.value === undefined ? undefined : value + part.value;
    glob ||= part.glob;
    splits ||= part.splits === true;
    if (leadOpen) {
      lead += part.lead ?? '';
      if (part.value === undefined || part.glob || part.brace || (part.lead ?? '') !== part.value) leadOpen = false;
    }
    if (child.type === 'word' || !child.isNamed) unquoted += child.text;
    else unquoted += 'x';
  }
  // A brace expansion may span several pieces (`{a,"b"}`), so it is judged on the unquoted text.
  const brace = unescapeUnquoted(unquoted).brace || node.namedChildren.some((c) => c?.type === 'brace_expression');
  if (brace) lead = lead.slice(0, Math.min(lead.length, unquotedLead(unquoted).length));
  return { value, text, glob, brace, splits, lead };
}

/** Anonymous tokens inside a concatenation (`{`, `}`, `=`) are literal text. */
function evalUnnamed(node: SyntaxNode): BashWord {
  const { value, glob, brace } = unescapeUnquoted(node.text);
  return { value, text: node.text, glob, brace, lead: glob || brace ? unquotedLead(node.text) : value };
}
