/**
 * Where the shadow repository of a workspace lives, and the rule files that decide what it records.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { git, type GitTarget } from './git-runner.js';
import { ConfigError } from '../errors/config-error.js';
import { SnapshotError } from './snapshot-error.js';

/** The file in a shadow repository that names the workspace it records. */
const MARKER = 'icode-workspace';

/** Patterns every snapshot leaves out, whatever the workspace's own ignore files say. */
export const DEFAULT_SNAPSHOT_EXCLUDES: readonly string[] = ['node_modules/', '.git/'];

/**
 * The per-user cache directory snapshots go to: `$XDG_CACHE_HOME` or `~/.cache` on Linux and other Unixes,
 * `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows.
 */
function cacheHome(): string {
  if (process.platform === 'win32') return process.env.LOCALAPPDATA || path.join(os.homedir(), 'AppData', 'Local');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches');
  const xdg = process.env.XDG_CACHE_HOME;
  return xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
}

/**
 * The shadow repository `gitSnapshots` uses for a workspace when no `dir` is given:
 * `<user cache>/icode/snapshots/<first 32 hex digits of sha256(canonical root)>`.
 *
 * Why there: outside the workspace, so the agent's file tools (confined to the root) cannot reach it and a
 * stray `rm -rf` or `git clean` in the workspace does not take the undo history with it; in the user's
 * cache rather than `os.tmpdir()`, because temp directories are emptied at reboot and by periodic cleaners
 * while a session (and its revert points) may be resumed days later; and a function of the canonical root
 * only, so a new process over the same workspace finds the same snapshots.
 *
 * @example
 * ```ts
 * import { defaultSnapshotDir } from 'icode/sandbox';
 * console.log(defaultSnapshotDir('/home/me/project')); // ~/.cache/icode/snapshots/3f0c…
 * ```
 */
export function defaultSnapshotDir(canonicalRoot: string): string {
  const hash = createHash('sha256').update(canonicalRoot).digest('hex').slice(0, 32);
  return path.join(cacheHome(), 'icode', 'snapshots', hash);
}

/**
 * Attributes that switch off every content conversion git could apply on add or checkout (line endings,
 * clean/smudge filters such as Git LFS, `$Id$` expansion, re-encoding). `info/attributes` outranks every
 * `.gitattributes` in the workspace, so files round-trip byte for byte whatever those say.
 */
const ATTRIBUTES = '* -text -eol -crlf -filter -ident -working-tree-encoding\n';

/**
 * The content of the shadow repository's `info/exclude`: the workspace's ignore rules as captured when the
 * shadow repository was created (`workspaceRules`), then the snapshot's own rules, which come last and so
 * win: the defaults, the shadow repository itself when it lies inside the workspace, and `extra`.
 */
export function excludeFile(root: string, gitDir: string, extra: readonly string[], workspaceRules = ''): string {
  const lines = ['# Written by icode for workspace snapshots; rewritten before every operation.'];
  if (workspaceRules !== '') lines.push(workspaceRules.trimEnd());
  lines.push(...DEFAULT_SNAPSHOT_EXCLUDES);
  // The shadow repository itself, when the caller put it inside the workspace.
  const relative = path.relative(root, gitDir);
  if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    lines.push(`/${relative.split(path.sep).join('/')}/`);
  }
  lines.push(...extra);
  return `${lines.join('\n')}\n`;
}

/** The path of the exclude file snapshots list the workspace with (`ls-files --exclude-from`). */
export function excludePath(gitDir: string): string {
  return path.join(gitDir, 'info', 'exclude');
}

async function writeIfChanged(file: string, content: string): Promise<void> {
  try {
    if ((await readFile(file, 'utf8')) === content) return;
  } catch {
    // Not written yet.
  }
  // Write then rename, so a concurrent reader (another process's take) never sees half a file.
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}

/**
 * Initialises the repository in a fresh sibling directory and renames it into place: two processes that
 * start on a new workspace at once each build their own, one rename wins, and nobody ever sees (or locks)
 * a half-written config.
 */
async function createRepo(target: GitTarget, signal: AbortSignal | undefined): Promise<void> {
  const parent = path.dirname(target.gitDir);
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(path.join(parent, `.${path.basename(target.gitDir)}.init-`));
  try {
    // An empty template: no sample hooks, no default exclude file.
    await git({ gitDir: staging, workTree: target.workTree }, { args: ['init', '--quiet', '--template='], signal });
    // The work tree comes from the environment of every command; none is recorded in the config.
    await git(
      { gitDir: staging, workTree: target.workTree },
      { args: ['config', '--unset', 'core.worktree'], okCodes: [5], signal },
    );
    await writeFile(path.join(staging, MARKER), `${target.workTree}\n`);
    try {
      await rename(staging, target.gitDir);
    } catch (error) {
      // Another process won the race (or `dir` already exists and is not empty): checked below.
      if (!existsSync(path.join(target.gitDir, 'HEAD'))) {
        throw new SnapshotError(
          'git-failed',
          `${target.gitDir} exists but is not a snapshot repository; give gitSnapshots an empty or new dir.`,
          { cause: error },
        );
      }
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Creates the shadow repository if it does not exist (idempotent, also when two processes race), checks
 * that it is one of ours and belongs to this workspace, and writes its rule files; `exclude` gives the
 * exclude file's content, told whether the repository was created now. Returns whether it was.
 */
export async function prepareRepo(
  target: GitTarget,
  exclude: (created: boolean) => Promise<string>,
  signal?: AbortSignal,
): Promise<boolean> {
  const created = !existsSync(path.join(target.gitDir, 'HEAD'));
  if (created) await createRepo(target, signal);
  let owner: string;
  try {
    owner = (await readFile(path.join(target.gitDir, MARKER), 'utf8')).trimEnd();
  } catch (error) {
    // Some other repository (a user's `.git` given as `dir` by mistake): its index must not be rewritten.
    throw new ConfigError(
      `gitSnapshots: ${target.gitDir} is a git repository that icode did not create; give gitSnapshots a new or empty dir.`,
      { cause: error },
    );
  }
  if (owner !== target.workTree) {
    throw new ConfigError(
      `gitSnapshots: ${target.gitDir} holds the snapshots of ${owner}, not of ${target.workTree}; give each workspace its own dir.`,
    );
  }
  const info = path.join(target.gitDir, 'info');
  await mkdir(info, { recursive: true });
  await writeIfChanged(excludePath(target.gitDir), await exclude(created));
  await writeIfChanged(path.join(info, 'attributes'), ATTRIBUTES);
  return created;
}
