/**
 * `analyzeBash`: parses a command with tree-sitter-bash and judges every simple command in it.
 */
import type { Tree } from 'web-tree-sitter';
import type { BashAnalysis, BashDetails, BashPathRef } from './analysis.js';
import { bashParser, loadedBashParser } from './parse.js';
import { SyntaxNode } from './syntax-node.js';
import { walk, type Walker } from './walk.js';

export type { BashAnalysis, BashCommandInfo, BashDetails, BashPathRef } from './analysis.js';

/**
 * The detailed analysis: every simple command with the forms rules match, and the paths read and written.
 *
 * tree-sitter splits a word at a backslash-newline (`r\<newline>m`) where bash joins it, so such commands are
 * analysed twice, as written and joined, and the stricter verdict of the two holds.
 */
export async function analyzeBashDetails(command: string): Promise<BashDetails> {
  const parser = loadedBashParser() ?? (await bashParser());
  // Trees live in WebAssembly memory: every one is deleted once walked (the walkers keep only strings).
  const trees: Tree[] = [];
  const parse = (source: string): SyntaxNode | undefined => {
    const tree = parser.parse(source);
    if (!tree) return undefined;
    trees.push(tree);
    return SyntaxNode.fromTree(tree, source);
  };
  const walkers: Walker[] = [];
  try {
    walkers.push(walk(parse, command));
    if (/\\\r?\n/.test(command)) walkers.push(walk(parse, command.replace(/\\\r?\n/g, '')));
  } finally {
    for (const tree of trees) tree.delete();
  }
  const readOnly = walkers.every((walker) => walker.readOnly());
  // Usually one walker: its lists (its own, done with) are taken as they are; two are joined.
  const all = <T>(pick: (walker: Walker) => readonly T[]): T[] => {
    if (walkers.length === 1) return pick(walkers[0]!) as T[];
    const out: T[] = [];
    for (const walker of walkers) for (const item of pick(walker)) out.push(item);
    return out;
  };
  const dangerous = all((w) => w.dangerous);
  const structural = all((w) => w.structural);
  const reasons = unique([
    ...structural,
    ...all((w) => w.reasons),
    ...dangerous.map((reason) => `dangerous: ${reason}`),
  ]);
  let offset = 0;
  const writes: { path: BashPathRef; by: number[] }[] = [];
  for (const walker of walkers) {
    for (const write of walker.writes) writes.push({ path: write.path, by: write.by.map((i) => i + offset) });
    offset += walker.commands.length;
  }
  const simpleCommands = all((w) => w.commands);
  return {
    readOnly,
    dangerous: dangerous.length > 0,
    commands: simpleCommands.map((info) => info.argv),
    reasons,
    simpleCommands,
    reads: all((w) => w.reads),
    writes,
    structural,
    parseError: walkers.some((walker) => walker.parseError),
    compoundDanger: walkers.some((walker) => walker.compoundDanger),
  };
}

/**
 * The list without repeats, first occurrences kept. Reasons are few and built by concatenation: comparing
 * them (lengths first) is cheaper than hashing them into a set, which flattens every one.
 */
function unique(list: readonly string[]): string[] {
  if (list.length > 32) return [...new Set(list)];
  const out: string[] = [];
  for (const item of list) if (!out.includes(item)) out.push(item);
  return out;
}

/**
 * Parses a bash command with a real shell grammar (tree-sitter-bash) and judges every simple command in it:
 * pipelines, lists, subshells, `$()`, backticks, process substitution, here-documents, control flow and
 * function bodies, wrappers (`timeout`, `env`, `xargs`…), `bash -c` scripts (recursively), `find -exec`,
 * `git -c`, `sed -i`. Anything it cannot understand is not read-only. (contract)
 *
 * The parser (WebAssembly) is loaded on the first call and cached.
 *
 * @example
 * ```ts
 * import { analyzeBash } from 'icode/policy';
 *
 * await analyzeBash('git status && rg 'export function' src');   // { readOnly: true, dangerous: false, … }
 * await analyzeBash('ls; echo $(rm -rf ~)');         // { readOnly: false, dangerous: true, … }
 * ```
 */
export async function analyzeBash(command: string): Promise<BashAnalysis> {
  const { readOnly, dangerous, commands, reasons } = await analyzeBashDetails(command);
  return { readOnly, dangerous, commands, reasons };
}
