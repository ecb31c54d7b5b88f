/**
 * The git environment of every command a sandbox runs: git reads no configuration a command could have
 * written (a `.gitconfig` behind a re-pointed `HOME`, a bare repository made in the workspace, a repository
 * above the workspace), and the configured programs it would run from a repository's config are switched off
 * wherever an environment variable can do it.
 *
 * @packageDocumentation
 */
import path from 'node:path';

/**
 * Settings passed as `GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`: git treats them as command-line
 * configuration, which wins over every config file and counts as "protected" configuration (the only place
 * `safe.bareRepository` is honoured).
 */
const CONFIG: readonly (readonly [string, string])[] = [
  // A bare repository written into the workspace (HEAD, objects/, refs/, config) is not entered by
  // discovery: `git status` in it fails instead of reading its config. `--git-dir` still works.
  ['safe.bareRepository', 'explicit'],
  // `git status`, `diff` and `add` run the fsmonitor program of the repository's config.
  ['core.fsmonitor', 'false'],
  // Hooks (commit, checkout, merge, push, …) of whatever repository: none run.
  ['core.hooksPath', '/dev/null'],
  ['core.pager', 'cat'],
  ['core.editor', 'false'],
  ['sequence.editor', 'false'],
  ['core.askPass', ''],
  // An empty value empties the list of credential helpers collected so far (a repository's `!cmd` helper).
  ['credential.helper', ''],
  ['core.sshCommand', 'ssh'],
  ['protocol.ext.allow', 'never'],
  // `git log` runs gpg.program when a repository sets log.showSignature.
  ['log.showSignature', 'false'],
  ['gpg.program', 'gpg'],
  ['gpg.ssh.program', 'ssh-keygen'],
  ['gpg.x509.program', 'gpgsm'],
  // A global attributes file (found through HOME or XDG_CONFIG_HOME) could attach filters to files.
  ['core.attributesFile', '/dev/null'],
];

/**
 * Inherited git variables kept: who commits. Every other `GIT_*` variable of the host is dropped, because
 * several name a program (`GIT_SSH_COMMAND`, `GIT_EXTERNAL_DIFF`, `GIT_ASKPASS`, `GIT_PROXY_COMMAND`) or
 * re-point git at other configuration or repositories (`GIT_DIR`, `GIT_CONFIG_*`, `GIT_EXEC_PATH`).
 */
const KEPT = new Set(['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL']);

/**
 * The environment variables that make git run no configured program a command could have planted.
 *
 * - No system or global configuration (`GIT_CONFIG_NOSYSTEM`, `GIT_CONFIG_GLOBAL=/dev/null`), so a
 *   `.gitconfig` written in the workspace and a re-pointed `HOME` or `XDG_CONFIG_HOME` change nothing.
 * - Discovery stops at the workspace (`GIT_CEILING_DIRECTORIES` is the root's parent): a repository above
 *   the root is never used by a command.
 * - Command-line configuration (which beats every file) turns off `core.fsmonitor`, hooks, pagers,
 *   editors, credential helpers, askpass, a configured ssh command, signature programs and the `ext::`
 *   transport, and makes bare repositories usable only when named explicitly (`safe.bareRepository`).
 *
 * What it cannot do: a repository's own config can still name a filter (`filter.<name>.clean`, run by
 * `status` and `diff`), a textconv, a diff or merge driver (`diff.<name>.command`), `diff.external` or a
 * remote's `uploadpack` — names git lets the config choose freely. The workspace's repositories are
 * read-only under `bubblewrapSandbox`, so only a repository a command created itself can carry them. And a
 * command can re-export any of these variables: they guard against written files, not against the command
 * itself, which the policy judges.
 *
 * Use it too when the host runs git in a workspace an agent worked in.
 *
 * @example
 * ```ts
 * import { execFileSync } from 'node:child_process';
 * execFileSync('git', ['status'], { cwd: root, env: { ...process.env, ...safeGitEnv(root) } });
 * ```
 */
export function safeGitEnv(root: string): Record<string, string> {
  const env: Record<string, string> = {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_CEILING_DIRECTORIES: path.dirname(path.resolve(root)),
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_EDITOR: 'false',
    GIT_SEQUENCE_EDITOR: 'false',
    // Empty, not unset: git skips an empty askpass instead of falling back to core.askPass or SSH_ASKPASS.
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_CONFIG_COUNT: String(CONFIG.length),
  };
  CONFIG.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
}

/** `env` without the inherited git variables that name programs or other configuration, then {@link safeGitEnv}. */
export function withSafeGitEnv(env: Readonly<Record<string, string>>, root: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('GIT_') && !KEPT.has(name)) continue;
    if (name === 'SSH_ASKPASS' || name === 'EDITOR' || name === 'VISUAL') continue;
    result[name] = value;
  }
  return { ...result, ...safeGitEnv(root) };
}
