/**
 * The temporary directories a scenario runs in: the workspace (the sandbox root) and a sibling `outside`
 * directory for escape tests.
 *
 * @packageDocumentation
 */
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from '../../errors/config-error.js';
import type { Scenario } from './schema.js';

/** The directories of one scenario run. */
export interface ScenarioDirectories {
  /** The parent of both; removed by `dispose`. */
  readonly base: string;
  readonly workspace: string;
  readonly outside: string;
  dispose(): Promise<void>;
}

/** `path` under `root`, refusing paths that leave it (a scenario file must not write elsewhere). */
function inside(root: string, path: string, what: string): string {
  const full = resolve(root, path);
  const rel = relative(root, full);
  if (path === '' || isAbsolute(path) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new ConfigError(`Scenario ${what} path "${path}" must be relative and stay inside its directory.`);
  }
  return full;
}

async function writeFiles(root: string, files: Readonly<Record<string, string>>, what: string): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = inside(root, path, what);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

/** Creates the directories and files of a scenario in a new temporary directory. */
export async function createScenarioDirectories(scenario: Scenario): Promise<ScenarioDirectories> {
  // realpath: on macOS the temp dir is behind a symlink, and the sandbox compares canonical paths.
  const base = await realpath(await mkdtemp(join(tmpdir(), `icode-scenario-${scenario.name}-`)));
  const workspace = join(base, 'workspace');
  const outside = join(base, 'outside');
  const dispose = () => rm(base, { recursive: true, force: true, maxRetries: 3 });
  try {
    await mkdir(workspace);
    await mkdir(outside);
    await writeFiles(outside, scenario.outside ?? {}, 'outside');
    const files: Record<string, string> = {};
    const links: [string, string][] = [];
    for (const [path, entry] of Object.entries(scenario.workspace ?? {})) {
      if (typeof entry === 'string') files[path] = entry;
      else if ('symlink' in entry) links.push([path, entry.symlink]);
      else files[path] = entry.repeat.repeat(entry.times);
    }
    await writeFiles(workspace, files, 'workspace');
    for (const [path, target] of links) {
      const full = inside(workspace, path, 'workspace');
      // A link may point anywhere the scenario means it to (that is what escape tests are about), but its
      // target must stay within this scenario's temporary directory.
      inside(base, relative(base, resolve(dirname(full), target)), 'symlink target');
      await mkdir(dirname(full), { recursive: true });
      await symlink(target, full);
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { base, workspace, outside, dispose };
}

/** The content of a workspace file, or `null` when it does not exist. */
export async function readWorkspaceFile(workspace: string, path: string): Promise<string | null> {
  try {
    return await readFile(inside(workspace, path, 'expected file'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
