/**
 * A small, strict parser of the YAML front matter skills use: `key: value` pairs whose values are plain or
 * quoted scalars, `|` / `>` block scalars, or lists (`[a, b]` or `- a` lines). Anything else (nested
 * mappings, anchors, aliases, tags, flow mappings) is refused with the file and line, rather than read
 * differently from a YAML parser: a skill file is often shared with other tools.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../errors/config-error.js';

/**
 * A front matter value: a string, or a list of strings.
 *
 * @example
 * ```ts
 * const tools: FrontMatterValue = ['read', 'bash'];
 * ```
 */
export type FrontMatterValue = string | readonly string[];

/**
 * The parsed front matter and the text after it.
 *
 * @example
 * ```ts
 * const { data, body }: FrontMatterDocument = parseFrontMatter(text, 'SKILL.md');
 * ```
 */
export interface FrontMatterDocument {
  readonly data: Readonly<Record<string, FrontMatterValue>>;
  readonly body: string;
  /** The line (1-based) the body starts at. */
  readonly bodyLine: number;
}

const KEY = /^([A-Za-z0-9_-]+):(?:\s+(.*)|)$/;
const BLOCK = /^([|>])([+-]?)$/;

class Lines {
  constructor(
    readonly lines: readonly string[],
    readonly file: string,
    /** The line number of `lines[0]`. */
    readonly first: number,
  ) {}
  fail(index: number, why: string): never {
    throw new ConfigError(`${this.file}:${this.first + index}: ${why}`);
  }
}

function unquoteDouble(text: string, at: Lines, index: number): string {
  let out = '';
  for (let i = 1; i < text.length - 1; i++) {
    const ch = text[i]!;
    if (ch === '"') at.fail(index, 'an unescaped " inside a double-quoted string');
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = text[++i];
    const escapes: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\', '/': '/', r: '\r', '0': '\0' };
    if (next === undefined || !Object.hasOwn(escapes, next)) at.fail(index, `an unsupported escape "\\${next ?? ''}"`);
    out += escapes[next]!;
  }
  return out;
}

/** One scalar: quoted, or plain (a trailing ` # comment` removed). */
function scalar(raw: string, at: Lines, index: number): string {
  const text = raw.trim();
  if (text.startsWith('"')) {
    if (text.length < 2 || !text.endsWith('"')) at.fail(index, 'a double-quoted string that does not end on its line');
    return unquoteDouble(text, at, index);
  }
  if (text.startsWith("'")) {
    if (text.length < 2 || !text.endsWith("'")) at.fail(index, 'a single-quoted string that does not end on its line');
    const inner = text.slice(1, -1);
    if (/'(?!')/.test(inner.replaceAll("''", ''))) at.fail(index, "an unescaped ' inside a single-quoted string");
    return inner.replaceAll("''", "'");
  }
  if (/^[&*!{%@`]/.test(text)) {
    at.fail(index, `"${text[0]}" starts an anchor, alias, tag or mapping, which skill front matter does not support`);
  }
  return text.replace(/\s+#.*$/, '');
}

function flowList(text: string, at: Lines, index: number): string[] {
  const inner = text.trim().slice(1, -1).trim();
  if (inner === '') return [];
  if (/[[\]{}]/.test(inner.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, ''))) {
    at.fail(index, 'nested lists or mappings are not supported');
  }
  const items = inner.match(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,]+/g) ?? [];
  return items
    .map((item) => item.trim())
    .filter((item) => item !== '' && item !== ',')
    .map((item) => scalar(item, at, index));
}

function blockScalar(style: string, chomp: string, lines: readonly string[]): string {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const indent = indents.length > 0 ? Math.min(...indents) : 0;
  const body = lines.map((l) => l.slice(indent).replace(/\s+$/, ''));
  let text: string;
  if (style === '|') text = body.join('\n');
  else {
    // Folded: lines of a paragraph are joined by spaces; blank lines keep a line break.
    text = '';
    for (let i = 0; i < body.length; i++) {
      const line = body[i]!;
      if (i === 0) text = line;
      else if (line === '') text += '\n';
      else text += text === '' || text.endsWith('\n') ? line : ` ${line}`;
    }
  }
  if (chomp === '+') return `${text}\n`;
  const trimmed = text.replace(/\n+$/, '');
  return chomp === '-' ? trimmed : `${trimmed}\n`;
}

/**
 * Parses the front matter of a skill file: `---` on the first line, `key: value` lines, `---`.
 *
 * @example
 * ```ts
 * parseFrontMatter('---\nname: pdf\nallowed-tools: [read, bash]\n---\nUse pdftotext.', 'SKILL.md');
 * // { data: { name: 'pdf', 'allowed-tools': ['read', 'bash'] }, body: 'Use pdftotext.', bodyLine: 5 }
 * ```
 * @throws ConfigError naming the file and line of what it does not accept.
 */
export function parseFrontMatter(text: string, file: string): FrontMatterDocument {
  const all = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (all[0]?.trim() !== '---') throw new ConfigError(`${file}:1: no front matter (the file must start with "---").`);
  const end = all.findIndex((line, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(line));
  if (end < 0) throw new ConfigError(`${file}: the front matter has no closing "---".`);
  const at: Lines = new Lines(all.slice(1, end), file, 2);
  const data: Record<string, FrontMatterValue> = {};
  const lines = at.lines;
  for (let i = 0; i < lines.length;) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) {
      i++;
      continue;
    }
    if (/^\s/.test(line)) at.fail(i, 'unexpected indentation (nested mappings are not supported)');
    const match = KEY.exec(line);
    if (!match) at.fail(i, 'expected "key: value"');
    const key = match[1]!;
    if (Object.hasOwn(data, key)) at.fail(i, `"${key}" is given twice`);
    const value = (match[2] ?? '').trim();
    // The lines that belong to this key: indented ones (and blank ones between them).
    let next = i + 1;
    while (
      next < lines.length &&
      (lines[next]!.trim() === '' || /^\s/.test(lines[next]!) || lines[next]!.startsWith('- '))
    )
      next++;
    while (next > i + 1 && lines[next - 1]!.trim() === '') next--;
    const nested = lines.slice(i + 1, next);
    if (nested.some((l) => l.includes('\t') && /^\s*\t/.test(l))) at.fail(i + 1, 'tabs in indentation');
    const block = BLOCK.exec(value);
    if (block) data[key] = blockScalar(block[1]!, block[2]!, nested);
    else if (value === '' || value.startsWith('#')) {
      data[key] = nested.flatMap((l, j) => {
        if (l.trim() === '') return [];
        const item = /^\s*- (.*)$/.exec(l) ?? /^\s*-$/.exec(l);
        if (!item) at.fail(i + 1 + j, 'expected a "- item" list line (nested mappings are not supported)');
        return [scalar(item[1] ?? '', at, i + 1 + j)];
      });
    } else {
      if (nested.length > 0) at.fail(i + 1, 'a value that goes on over several lines: use "|" or ">" for that');
      data[key] = value.startsWith('[')
        ? value.endsWith(']')
          ? flowList(value, at, i)
          : at.fail(i, 'a "[" list that does not end on its line')
        : scalar(value, at, i);
    }
    i = next;
  }
  const body = all.slice(end + 1).join('\n');
  return { data, body, bodyLine: end + 2 };
}
