/**
 * The verdict on one simple command: what `judgeCommand` found (read-only or not, reasons, dangers, files
 * read and written, forms for rules) and what the walker must still look at (inline scripts, nested
 * commands, a directory change).
 */
import type { BashWord } from './words.js';

/**
 * A `NAME=value` before the command.
 *
 * @example
 * const a: Assignment = { name: 'LANG', value: 'C', text: 'LANG=C' };
 */
export interface Assignment {
  readonly name: string;
  /** The value after quote removal; `undefined` when only known at run time. */
  readonly value: string | undefined;
  /** As written. */
  readonly text: string;
}

/**
 * One form allow rules are matched against.
 *
 * @example
 * // `timeout 5 ls` has the forms `timeout 5 ls` and `ls`.
 * const form: Form = { words, prefix: 0, codeArgs: [] };
 */
export interface Form {
  readonly words: BashWord[];
  /** How many leading words are assignments. */
  readonly prefix: number;
  readonly codeArgs: number[];
}

/**
 * The result of judging a command, and what the walker must still look at.
 *
 * @example
 * const verdict: CommandVerdict = judgeCommand(words);
 * if (!verdict.readOnly) console.log(verdict.reasons);
 */
export interface CommandVerdict {
  readOnly: boolean;
  readonly reasons: string[];
  readonly dangerous: string[];
  readonly reads: BashWord[];
  readonly recursiveReads: BashWord[];
  readonly possibleReads: BashWord[];
  readonly writes: BashWord[];
  /** It reads files named only when it runs (`xargs`, `find -exec`, `--files0-from`). */
  unknownReads: boolean;
  /** The forms allow rules are matched against: the whole command first, then transparent wrappers removed. */
  readonly forms: Form[];
  /** More forms for deny and ask rules only: `/bin/rm x` as `rm x`, `git -C . push` as `git push`. */
  readonly denyForms: BashWord[][];
  /** A directory change (`cd x`); `null` when the target is unknown. */
  cd?: BashWord | null;
  /** Inline shell scripts to analyse (`bash -c`, `eval`, `trap`); `dangerOnly`: only their dangers count. */
  readonly inline: { readonly script: string; readonly dangerOnly: boolean }[];
  /** Commands it runs with arguments it adds (`find -exec`, `xargs`). */
  readonly nested: { readonly words: BashWord[]; readonly openEnded: boolean }[];
  /** It runs code no rule can see (`eval "$x"`, `python -c`, `$cmd`). */
  opaque: boolean;
}

/**
 * Marks the command not read-only, with the reason.
 *
 * @example
 * notReadOnly(verdict, 'rm deletes files');
 */
export function notReadOnly(verdict: CommandVerdict, reason: string): void {
  verdict.readOnly = false;
  verdict.reasons.push(reason);
}
