/**
 * The checks of `sed` scripts and `awk` programs: they are read-only only when every command in them is
 * from a small set that prints (no `w`, `e`, `r`, `R`, no `system`, pipes, `getline`, `ARGV`).
 */

/**
 * Why a sed script can write, read other files or run commands; `undefined` when every command is one of
 * `p`, `d`, `q`, `Q`, `=`, `l`, `n`, `N`, `P`, `D`, `h`, `H`, `g`, `G`, `x`, `{`/`}`, `s///` (flags `g`,
 * `p`, `i`, `I`, `m`, `M`, digits) and `y///`.
 *
 * @example
 * ```ts
 * sedScriptProblem('1,20p');       // undefined
 * sedScriptProblem('s/a/b/w out'); // 'sed s flag "w" can write files or run commands'
 * ```
 */
export function sedScriptProblem(script: string): string | undefined {
  let i = 0;
  const n = script.length;
  const skipSpace = (): void => {
    while (i < n && /[\s;]/.test(script[i]!)) i++;
  };
  const readDelimited = (delimiter: string): boolean => {
    while (i < n && script[i] !== delimiter) {
      if (script[i] === '\\') i++;
      if (script[i] === '\n') return false;
      i++;
    }
    if (i >= n) return false;
    i++;
    return true;
  };
  const readAddress = (): boolean => {
    if (script[i] === '$') {
      i++;
      return true;
    }
    if (/[0-9]/.test(script[i] ?? '')) {
      while (/[0-9~]/.test(script[i] ?? '')) i++;
      return true;
    }
    if (script[i] === '/' || script[i] === '\\') {
      const delimiter = script[i] === '\\' ? script[i + 1] : '/';
      if (delimiter === undefined) return false;
      i += script[i] === '\\' ? 2 : 1;
      if (!readDelimited(delimiter)) return false;
      while (script[i] === 'I' || script[i] === 'M') i++;
      return true;
    }
    return true;
  };
  skipSpace();
  while (i < n) {
    if (script[i] === '}') {
      i++;
      skipSpace();
      continue;
    }
    if (!readAddress()) return 'sed script with an unterminated address';
    if (script[i] === ',') {
      i++;
      if (script[i] === '+' || script[i] === '~') i++;
      if (!readAddress()) return 'sed script with an unterminated address';
    }
    while (script[i] === ' ' || script[i] === '!') i++;
    const command = script[i];
    if (command === undefined) return 'sed script ends after an address';
    i++;
    if ('pdqQ=lnNPDhHgGx{'.includes(command)) {
      if (command === 'q' || command === 'Q') while (/[0-9 ]/.test(script[i] ?? '')) i++;
    } else if (command === 's' || command === 'y') {
      const delimiter = script[i];
      if (delimiter === undefined || delimiter === '\n' || delimiter === '\\')
        return 'sed s/y command without a delimiter';
      i++;
      if (!readDelimited(delimiter) || !readDelimited(delimiter)) return 'sed s/y command not terminated';
      if (command === 's') {
        while (i < n && /[gpiImM0-9]/.test(script[i]!)) i++;
        if (i < n && !/[\s;}]/.test(script[i]!)) return `sed s flag "${script[i]}" can write files or run commands`;
      }
    } else {
      return `sed command "${command}" can write files, read other files or run commands`;
    }
    skipSpace();
  }
  return undefined;
}

/**
 * Why an awk program can run commands, write, or read files other than its operands; `undefined` when it
 * has none of `system`, `getline`, `close`, `fflush`, pipes, `>` (output redirection and comparison look
 * alike), `@` (gawk indirect calls and `@load`), backticks, `ENVIRON`, `PROCINFO`, `ARGV`/`ARGC` (which
 * change the files it reads).
 *
 * @example
 * ```ts
 * awkProgramProblem('{print $1}');          // undefined
 * awkProgramProblem('BEGIN{system("id")}'); // 'awk program can run commands, write or read other files'
 * ```
 */
export function awkProgramProblem(program: string): string | undefined {
  if (/system|getline|close|fflush|[|>@`]|ENVIRON|PROCINFO|ARGV|ARGC|\\\s*$/.test(program))
    return 'awk program can run commands, write or read other files';
  return undefined;
}
