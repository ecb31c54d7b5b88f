/**
 * Judges one file redirection (`> f`, `< f`, `>> f`, `<> f`, `&> f`): whether it reads or writes a file,
 * and the dangers it carries (a network socket, a system file overwritten, endless data into a file).
 */
import type { BashCommandInfo } from './analysis.js';
import { isDangerousWritePath } from './danger-paths.js';
import type { SyntaxNode } from './syntax-node.js';
import { evalWord, type BashWord } from './words.js';

/** Writes that are not writes: the bit bucket and the process's own descriptors. */
const HARMLESS_WRITE = /^\/dev\/(null|stdout|stderr|fd\/[0-2]|tty)$/;

/** Sources of endless data: writing them to a file fills the disk. */
const ENDLESS = /^\/dev\/(zero|u?random|full)$/;

/** What a file redirection does. */
export interface RedirectFinding {
  /** The operator as written (`>`, `<`, `<>`, `&>>`…). */
  readonly operator: string;
  readonly target: BashWord;
  /** Its dangers, in the order found. */
  readonly dangers: string[];
  /** Constructs the analysis does not model. */
  readonly structural: string[];
  /** `read`: `< f`; `write`: a file is written (and read too for `<>`); `none`: a harmless device. */
  readonly effect: 'read' | 'write' | 'none';
}

/**
 * Judges a `file_redirect` node; `by` are the indexes in `commands` of the commands whose output it takes.
 * `undefined` when it names no file (no destination, or a descriptor such as `2>&1`).
 *
 * @example
 * judgeFileRedirect(node, commands, [0]); // `yes > f` → { effect: 'write', dangers: ['endless data …'] }
 */
export function judgeFileRedirect(
  node: SyntaxNode,
  commands: readonly BashCommandInfo[],
  by: readonly number[],
): RedirectFinding | undefined {
  const destination = node.childForFieldName('destination');
  const operator = node.children.find((child) => child && !child.isNamed)?.text ?? '>';
  if (!destination) return undefined;
  const target = evalWord(destination);
  // `2>&1`, `>&2`, `<&0`, `>&-`: descriptors, not files.
  if (operator.includes('&') && operator !== '&>' && operator !== '&>>' && /^(\d+-?|-)$/.test(target.value ?? ''))
    return undefined;
  const dangers: string[] = [];
  const structural: string[] = [];
  if (/^\/dev\/(tcp|udp)\//.test(target.value ?? target.text)) {
    dangers.push(`${target.value ?? target.text} opens a network connection (reverse shell)`);
    structural.push(`${target.value ?? target.text} reaches the network`);
  }
  if (operator === '<') return { operator, target, dangers, structural, effect: 'read' };
  if (target.value !== undefined && HARMLESS_WRITE.test(target.value))
    return { operator, target, dangers, structural, effect: 'none' };
  const value = target.value ?? target.text;
  if (isDangerousWritePath(value)) dangers.push(`writes ${value}`);
  // `yes > f`, `cat /dev/urandom > f`: endless data into a file.
  if (
    by.some(
      (i) =>
        commands[i]?.argv[0] === 'yes' ||
        commands[i]?.argv.some((a) => ENDLESS.test(a) || /^if=\/dev\/(zero|u?random)$/.test(a)),
    )
  )
    dangers.push(`endless data written to ${value} fills the disk`);
  return { operator, target, dangers, structural, effect: 'write' };
}
