/**
 * The shape of the program table: one entry per program, with its options (safe and unsafe), what its
 * operands are, and a check for what options alone cannot say (a sed script, an awk program, git's
 * subcommands).
 */
import type { OptionTable, ParsedArgs } from '../options.js';
import type { BashWord } from '../words.js';

/** What judging one program's arguments found. */
export interface ProgramVerdict {
  /** Why the call is not read-only; empty when it is. */
  readonly problems: string[];
  /** Files it reads (their content or their listing). */
  readonly reads: BashWord[];
  /** Directories whose whole tree it reads (`rg x dir`, `grep -r x dir`, `git log -p`). */
  readonly recursiveReads: BashWord[];
  /** Words a program that is not read-only may read (`curl -d @FILE`, `cp SRC DST`): deny rules see them. */
  readonly possibleReads: BashWord[];
  /** Files it writes. */
  readonly writes: BashWord[];
  /** Indexes (in the arguments) of words that carry code or load programs. */
  readonly codeArgs: number[];
  /** Why it is dangerous. */
  readonly dangerous: string[];
  /** It reads files whose names are only known when it runs (`--files0-from`, `xargs`, `find -exec`). */
  unknownReads: boolean;
  /** It runs code no rule can see (`python -c`, `sed -f script`). */
  opaque: boolean;
  /** Commands it runs (`find -exec CMD ;`): `start` is the index (in the arguments) of their first word. */
  readonly nested: { readonly words: BashWord[]; readonly start: number }[];
}

/** What a program's check is given. */
export interface ProgramContext {
  readonly name: string;
  readonly args: readonly BashWord[];
  readonly parsed: ParsedArgs;
  readonly verdict: ProgramVerdict;
}

/** One entry of the program table. */
export interface ProgramSpec {
  readonly options: OptionTable;
  /** `false`: known for its paths, code arguments and dangers, but never read-only. */
  readonly readOnly?: boolean;
  /**
   * What the operands are: files it reads (`files`, the default), nothing it reads (`none`), or a pattern
   * or script followed by files (`pattern`, unless one of `patternOptions` gives the pattern).
   */
  readonly operands?: 'files' | 'none' | 'pattern';
  /** Options (canonical names) that give the pattern or script, so every operand is a file. */
  readonly patternOptions?: readonly string[];
  /** Options end at the first operand. */
  readonly stopAtOperand?: boolean;
  /** Arguments are never options (`echo`, `expr`): nothing is parsed. */
  readonly anyArgs?: boolean;
  /** More checks, after the options and operands are known. */
  readonly check?: (context: ProgramContext) => void;
}

/** A fresh, empty verdict. */
export function emptyVerdict(): ProgramVerdict {
  return {
    problems: [],
    reads: [],
    recursiveReads: [],
    possibleReads: [],
    writes: [],
    codeArgs: [],
    dangerous: [],
    unknownReads: false,
    opaque: false,
    nested: [],
  };
}

/** A literal word (for paths the analysis adds, such as `.` for a search with no path). */
export const literal = (value: string): BashWord => ({ value, text: value, glob: false, brace: false, lead: value });
