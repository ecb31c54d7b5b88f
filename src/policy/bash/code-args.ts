/**
 * The code-carrying words of each rule form, remembered by the form's word array, so a rule matcher that
 * is handed only the words (`{ words, openEnded }`) still knows which of them carry code.
 */

const registry = new WeakMap<readonly string[], readonly number[]>();

/**
 * Remembers the code-carrying word indexes of a form's words. Most forms have none: only those that do are
 * remembered (a weak map entry is costly), and no entry means none.
 */
export function registerCodeArgs(words: readonly string[], codeArgs: readonly number[]): void {
  if (codeArgs.length > 0) registry.set(words, codeArgs);
}

/**
 * The code-carrying word indexes of a form's words, as the analysis found them; `undefined` when none of
 * them carries code, or for word lists the analysis did not make.
 *
 * @example
 * ```ts
 * const details = await analyzeBashDetails('npm test --node-options=--require=./x.js');
 * codeArgsOf(details.simpleCommands[0].forms[0].words); // [2]
 * ```
 */
export function codeArgsOf(words: readonly string[]): readonly number[] | undefined {
  return registry.get(words);
}
