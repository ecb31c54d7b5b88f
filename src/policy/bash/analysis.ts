/**
 * The result types of the shell analysis.
 */

/**
 * What {@link analyzeBash} found. (contract)
 *
 * - `readOnly`: every simple command is a known read-only program with safe arguments, nothing is written
 *   (redirections other than to `/dev/null` or between descriptors are writes), and nothing was left
 *   unparsed. A wrong `true` is a security bug; a wrong `false` only costs a prompt.
 * - `dangerous`: something destroys data, escalates privileges, runs downloaded code or opens a shell to the
 *   network (`rm -rf /`, `git push --force`, `curl … | sh`, `sudo`, `nc -e`…).
 * - `commands`: the argv of every simple command found, nested ones included (`$(…)`, `bash -c '…'`).
 * - `reasons`: why it is not read-only, and why it is dangerous.
 */
export interface BashAnalysis {
  readonly readOnly: boolean;
  readonly dangerous: boolean;
  readonly commands: string[][];
  readonly reasons: string[];
}

/** One simple command, as the policy matches rules against it. */
export interface BashCommandInfo {
  /** The argv as written after quote removal (expansions kept as source text). */
  readonly argv: string[];
  /**
   * The argv forms allow rules are matched against: the whole simple command as it runs (prefix
   * assignments and `env` assignments included as leading `NAME=value` words), then with wrappers that do
   * not change what runs removed (`timeout 5 x` as `x`).
   */
  readonly forms: {
    readonly words: string[];
    readonly literal: boolean;
    /**
     * Indexes in `words` of arguments that carry code or load programs (`-c`/`-e` scripts, `--exec`,
     * `--pre`, pagers, `--node-options`, awk programs, `find -exec …`): a rule that names only the program
     * (a prefix or wildcard rule whose fixed part ends before them) does not cover them.
     */
    readonly codeArgs?: readonly number[];
  }[];
  /** Forms only deny and ask rules see (`/bin/rm` as `rm`, `git -C x push` as `git push`). */
  readonly denyForms: { readonly words: string[] }[];
  readonly readOnly: boolean;
  readonly dangerous: boolean;
  /** Run by another command with arguments it adds (`xargs`, `find -exec`): exact rules never match it. */
  readonly openEnded: boolean;
  /** The name is only known at run time (`$cmd`, `"$(…)"`). */
  readonly dynamicName: boolean;
  /** It runs code no rule can see: `eval`, `bash -c "$x"`, `python -c`, a dynamic name. */
  readonly opaque: boolean;
}

/** A path a command reads or writes: `value` is undefined when it is only known at run time. */
export interface BashPathRef {
  readonly value: string | undefined;
  readonly text: string;
  /** Contains an unquoted glob or brace expansion: the shell may read other files than the literal. */
  readonly glob: boolean;
  /** Directories a relative path may be relative to, besides the workspace root (after `cd`). */
  readonly bases: readonly string[];
  /** The command reads the content of the whole tree below it (`rg x dir`). */
  readonly recursive?: boolean;
  /** A program that is not read-only may read it: only deny and ask rules look at it. */
  readonly possible?: boolean;
}

/** The detailed analysis the policy uses. */
export interface BashDetails extends BashAnalysis {
  readonly simpleCommands: readonly BashCommandInfo[];
  readonly reads: readonly BashPathRef[];
  /** Written paths, each with the indexes (in `simpleCommands`) of the commands whose redirection it is. */
  readonly writes: readonly { readonly path: BashPathRef; readonly by: readonly number[] }[];
  /** Not-read-only reasons that belong to no simple command (functions, assignments, parse errors). */
  readonly structural: readonly string[];
  readonly parseError: boolean;
  /** Dangers that belong to no single command (`curl … | sh`, a fork bomb, `> ~/.bashrc`). */
  readonly compoundDanger: boolean;
}
