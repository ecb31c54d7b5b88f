/**
 * Removing secrets from the environment a command inherits.
 *
 * @packageDocumentation
 */

/**
 * How a sandbox cleans the environment of the commands it runs: `false` passes the host environment as is;
 * an object tunes the default.
 *
 * @example
 * ```ts
 * localSandbox({ root, scrubEnv: { keep: ['NPM_TOKEN'] } });
 * ```
 */
export type ScrubEnvOption =
  | boolean
  | {
      /** Names kept even when they look secret (exact, case-sensitive). */
      readonly keep?: readonly string[];
      /** Replace the default patterns; a string matches as a case-insensitive substring of the name. */
      readonly patterns?: readonly (string | RegExp)[];
    };

/**
 * Names that look like secrets. Substrings, because secrets are named freely (`OPENAI_API_KEY`,
 * `GH_TOKEN`, `PGPASSWORD`, `AWS_SECRET_ACCESS_KEY`, `SSH_AUTH_SOCK`); a needlessly removed variable costs
 * far less than a leaked key. Connection strings carry passwords too.
 */
export const DEFAULT_SECRET_PATTERNS: readonly (string | RegExp)[] = [
  'KEY',
  'TOKEN',
  'SECRET',
  'PASSWORD',
  'PASSWD',
  'PASSPHRASE',
  'CREDENTIAL',
  'AUTH',
  'PRIVATE',
  'COOKIE',
  'SESSION_ID',
  /(^|_)DSN$/i,
  /DATABASE_URL$/i,
  /CONNECTION_STRING$/i,
];

function matches(name: string, pattern: string | RegExp): boolean {
  if (typeof pattern === 'string') return name.toUpperCase().includes(pattern.toUpperCase());
  pattern.lastIndex = 0;
  return pattern.test(name);
}

/** The environment with secret-looking variables removed, as {@link ScrubEnvOption} says. */
export function scrubEnv(env: NodeJS.ProcessEnv, option: ScrubEnvOption = true): Record<string, string> {
  const result: Record<string, string> = {};
  const keep = new Set(typeof option === 'object' ? (option.keep ?? []) : []);
  const patterns = typeof option === 'object' ? (option.patterns ?? DEFAULT_SECRET_PATTERNS) : DEFAULT_SECRET_PATTERNS;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (option !== false && !keep.has(name) && patterns.some((pattern) => matches(name, pattern))) continue;
    result[name] = value;
  }
  return result;
}
