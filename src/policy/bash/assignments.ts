/**
 * Which variable assignments a read-only command may make: `NAME=value` before a command, standalone, as a
 * `for` loop variable, or through `env`. Names that change what later commands read or run (`PATH`,
 * `HOME`, `IFS`, `GIT_*`, `LD_*`, `NODE_OPTIONS`, `PAGER`…) are never safe.
 */

/** Lower-case names some programs read from the environment: proxies and bash's own. */
const UNSAFE_LOWER = new Set([
  'http_proxy',
  'https_proxy',
  'ftp_proxy',
  'all_proxy',
  'no_proxy',
  'histchars',
  'auto_resume',
]);

/** Upper-case names that only change formatting, with values that cannot name a file. */
const SAFE_UPPER =
  /^(LANG|LANGUAGE|LC_[A-Z]+|TZ|NO_COLOR|FORCE_COLOR|CLICOLOR|CLICOLOR_FORCE|COLUMNS|LINES|TERM|CI|NODE_ENV|RUST_BACKTRACE|PYTHONUNBUFFERED|PYTHONDONTWRITEBYTECODE)$/;

/** A value for a safe upper-case name: no `/` (a locale, a time zone or a terminal given as a path loads a file). */
const PLAIN_VALUE = /^[A-Za-z0-9_.,:@+-]*$/;

/**
 * Whether assigning `name` (to `value`, when known) is safe in a read-only command. Lower-case names are
 * the shell's own variables (no program reads them, unless exported already: the proxies are excluded);
 * upper-case names only from a small list of formatting variables, with plain values.
 *
 * @example
 * ```ts
 * isSafeAssignment('f', 'src/a.ts'); // true
 * isSafeAssignment('LANG', 'C');     // true
 * isSafeAssignment('LANG', '/tmp/x'); // false
 * isSafeAssignment('PATH', '/tmp');  // false
 * ```
 */
export function isSafeAssignment(name: string, value: string | undefined): boolean {
  if (/^[a-z_][a-z0-9_]*$/.test(name)) return !UNSAFE_LOWER.has(name) && !name.endsWith('_proxy');
  return SAFE_UPPER.test(name) && value !== undefined && PLAIN_VALUE.test(value);
}

/** Names whose change alters how the shell resolves `cd` targets. */
export const CD_CHANGING = new Set(['CDPATH', 'HOME', 'OLDPWD', 'PWD']);
