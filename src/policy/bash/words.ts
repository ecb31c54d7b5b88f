/**
 * What a bash word means after quote removal, as far as it can be known without running anything.
 */
import type { Node } from 'web-tree-sitter';

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

/** Removes the backslashes of an unquoted word (a backslash-newline disappears entirely). */
function unescapeUnquoted(text: string): { value: string; glob: boolean; brace: boolean } {
  let value = '';
  let glob = false;
  let braceOpen = false;
  let braceSeparator = false;
  let brace = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === undefined) break;
      if (next !== '\n') value += next;
      i++;
      continue;
    }
    if (ch === '*' || ch === '?' || ch === '[') glob = true;
    if (ch === '{') braceOpen = true;
    if (braceOpen && (ch === ',' || (ch === '.' && text[i + 1] === '.'))) braceSeparator = true;
    if (ch === '}' && braceOpen && braceSeparator) brace = true;
    value += ch;
  }
  return { value, glob, brace };
}

/** Removes quotes and backslashes of a double-quoted string with no expansion in it. */
function unescapeDoubleQuoted(body: string): string {
  return body.replace(/\\([$`"\\\n])/g, (_m, c: string) => (c === '\n' ? '' : c));
}

/** Evaluates a word-like node (word, string, raw string, concatenation, expansion…). */
export function evalWord(node: Node): BashWord {
  const text = node.text;
  switch (node.type) {
    case 'word':
    case 'command_name': {
      if (node.type === 'command_name') {
        const inner = node.namedChild(0);
        if (inner && node.namedChildCount === 1) return { ...evalWord(inner), text };
        return { value: undefined, text, glob: false, brace: false };
      }
      const { value, glob, brace } = unescapeUnquoted(text);
      return { value, text, glob, brace };
    }
    case 'number':
      if (node.namedChildCount > 0) return { value: undefined, text, glob: false, brace: false };
      return { value: text, text, glob: false, brace: false };
    case 'raw_string':
      return { value: text.slice(1, -1), text, glob: false, brace: false };
    case 'ansi_c_string':
      return { value: decodeAnsiC(text.slice(2, -1)), text, glob: false, brace: false };
    case 'string': {
      const dynamic = node.namedChildren.some((child) => child?.type !== 'string_content');
      if (dynamic) return { value: undefined, text, glob: false, brace: false };
      return { value: unescapeDoubleQuoted(text.slice(1, -1)), text, glob: false, brace: false };
    }
    case 'translated_string':
      // $"…" is locale-translated at run time.
      return { value: undefined, text, glob: false, brace: false };
    case 'concatenation': {
      let value: string | undefined = '';
      let glob = false;
      let brace = false;
      let unquoted = '';
      for (const child of node.children) {
        if (!child) continue;
        const part = child.isNamed ? evalWord(child) : evalUnnamed(child);
        value = value === undefined || part.value === undefined ? undefined : value + part.value;
        glob ||= part.glob;
        if (child.type === 'word' || !child.isNamed) unquoted += child.text;
        else unquoted += 'x';
      }
      // A brace expansion may span several pieces (`{a,"b"}`), so it is judged on the unquoted text.
      brace = unescapeUnquoted(unquoted).brace || node.namedChildren.some((c) => c?.type === 'brace_expression');
      return { value, text, glob, brace };
    }
    case 'brace_expression':
      return { value: undefined, text, glob: false, brace: true };
    default:
      // simple_expansion, expansion, command_substitution, process_substitution, arithmetic_expansion, array…
      return { value: undefined, text, glob: false, brace: false };
  }
}

/** Anonymous tokens inside a concatenation (`{`, `}`, `=`) are literal text. */
function evalUnnamed(node: Node): BashWord {
  const { value, glob, brace } = unescapeUnquoted(node.text);
  return { value, text: node.text, glob, brace };
}
