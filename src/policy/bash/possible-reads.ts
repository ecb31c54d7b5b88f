/**
 * The arguments of a command the analysis does not know well enough that may still name files: a path
 * deny rule must see them, or `unknown-tool @secret` would read past it.
 */
import type { BashWord } from './words.js';

/**
 * Literal arguments that may name files: `@file` and `name=@file` (curl), `--opt=file`, operands.
 *
 * @example
 * possibleReads(words).map((w) => w.value); // `-d @.env --out=x https://h` → ['.env', 'x']
 */
export function possibleReads(args: readonly BashWord[]): BashWord[] {
  const out: BashWord[] = [];
  for (const arg of args) {
    if (arg.value === undefined) continue;
    // Only a word with `=` or a leading `@` has a prefix to strip.
    const value =
      !arg.value.includes('=') && !arg.value.startsWith('@')
        ? arg.value
        : arg.value
            .replace(/^--?[A-Za-z0-9-]+=/, '')
            .replace(/^[^=@/]*=[@<]/, '')
            .replace(/^@/, '');
    if (value === '' || value.startsWith('-') || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) continue;
    out.push({ ...arg, value });
  }
  return out;
}
