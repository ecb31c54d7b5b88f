/**
 * Small helpers over the argument words of a simple command: flags, operands and path-looking words.
 */
import type { BashWord } from './words.js';

/** Literal values of the words; `undefined` entries depend on expansions. */
export function values(words: readonly BashWord[]): (string | undefined)[] {
  return words.map((word) => word.value);
}

/**
 * Whether a flag is present. `long` names match exactly or as `--name=value`; `short` letters match inside
 * a cluster such as `-rf` (everything after a single dash, so `-x5` counts for `x`).
 */
export function hasFlag(words: readonly BashWord[], long: readonly string[], short = ''): boolean {
  for (const word of words) {
    const value = word.value;
    if (value === undefined) continue;
    if (value === '--') return false;
    if (value.startsWith('--')) {
      if (long.some((name) => value === name || value.startsWith(`${name}=`))) return true;
    } else if (value.startsWith('-') && value.length > 1) {
      if (long.includes(value)) return true;
      if ([...value.slice(1)].some((letter) => short.includes(letter))) return true;
    }
  }
  return false;
}

/** Operands: words that are not flags (everything after `--` counts as an operand). */
export function operands(words: readonly BashWord[]): BashWord[] {
  const out: BashWord[] = [];
  let afterDashDash = false;
  for (const word of words) {
    if (!afterDashDash && word.value === '--') {
      afterDashDash = true;
      continue;
    }
    if (!afterDashDash && word.value !== undefined && word.value.startsWith('-') && word.value !== '-') continue;
    out.push(word);
  }
  return out;
}

/** A word that names a file outside the current directory tree: absolute, `~`, or climbing with `..`. */
export function looksLikeOutsidePath(value: string): boolean {
  const candidate = value.includes('=') && value.startsWith('-') ? value.slice(value.indexOf('=') + 1) : value;
  return (
    candidate.startsWith('/') ||
    candidate.startsWith('~') ||
    candidate === '..' ||
    candidate.startsWith('../') ||
    candidate.includes('/../') ||
    candidate.endsWith('/..')
  );
}
