/**
 * Checks on the source text of a command that the grammar alone does not make: invisible characters,
 * here-document bodies, and substitutions the grammar did not recognise.
 */
import type { SyntaxNode } from './syntax-node.js';

/** Control characters other than tab and newline, and invisible or look-alike spacing characters. */
export const UNUSUAL =
  /[\x00-\x08\x0b-\x1f\x7f\u0080-\u00a0\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]/u;

/** Rewrites an unquoted here-document body as the inside of a double-quoted string (same expansions). */
export function heredocAsString(body: string): string {
  return body.replace(/(\\*)"/g, (match, slashes: string) => (slashes.length % 2 === 0 ? `${slashes}\\"` : match));
}

/**
 * Whether the source has a `$(` or a backtick, outside quotes and comments, that the grammar did not turn
 * into a substitution (tree-sitter misses backticks inside `${…}`, for one). Bash would run it, so the
 * command is not read-only. Unquoted here-document bodies are skipped: they are analysed on their own.
 */
export function hiddenSubstitution(source: string, root: SyntaxNode): boolean {
  if (!/\$\(|`/.test(source)) return false;
  const literal: [number, number][] = [];
  const starts = new Set<number>();
  const ends = new Set<number>();
  let nested = false;
  const visit = (node: SyntaxNode): void => {
    switch (node.type) {
      case 'raw_string':
      case 'ansi_c_string':
      case 'comment':
      case 'heredoc_body':
        literal.push([node.startIndex, node.endIndex]);
        return;
      case 'command_substitution':
      case 'arithmetic_expansion': {
        // Inside strings the grammar counts the blanks before `$(` as part of the node.
        const text = node.text;
        starts.add(node.startIndex + (text.length - text.trimStart().length));
        ends.add(node.endIndex - 1);
        // Escaped backticks inside backticks are a nested substitution the grammar reads as text.
        if (text.trimStart().startsWith('`') && text.includes('\\`')) nested = true;
        break;
      }
    }
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  if (nested) return true;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    const opens = (ch === '$' && source[i + 1] === '(') || ch === '`';
    if (!opens) continue;
    if (literal.some(([from, to]) => i >= from && i < to)) continue;
    if (starts.has(i) || (ch === '`' && ends.has(i))) continue;
    return true;
  }
  return false;
}
