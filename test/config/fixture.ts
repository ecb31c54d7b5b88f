import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from 'icode/config';

/** A user config folder and a git project in a fresh temp folder, with writers for their files. */
export interface ConfigFixture {
  readonly base: string;
  readonly userDir: string;
  readonly root: string;
  readonly userFile: string;
  readonly projectFile: string;
  readonly localFile: string;
  /** Writes `text` to `path` (made absolute from `base`), creating folders. */
  write(path: string, text: string): Promise<string>;
  /** `loadConfig` for `cwd` (default: the project root) with this fixture's user folder and home. */
  load(cwd?: string): ReturnType<typeof loadConfig>;
  remove(): Promise<void>;
}

export async function configFixture(): Promise<ConfigFixture> {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'icode-config-')));
  const userDir = join(base, 'home', '.config', 'icode');
  const root = join(base, 'home', 'project');
  await mkdir(join(root, '.git'), { recursive: true });
  await mkdir(userDir, { recursive: true });
  const write = async (path: string, text: string): Promise<string> => {
    const file = path.startsWith('/') ? path : join(base, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    return file;
  };
  return {
    base,
    userDir,
    root,
    userFile: join(userDir, 'config.json'),
    projectFile: join(root, '.icode', 'config.json'),
    localFile: join(root, '.icode', 'config.local.json'),
    write,
    load: (cwd = root) => loadConfig({ cwd, userDir, env: { HOME: join(base, 'home') } }),
    remove: () => rm(base, { recursive: true, force: true }),
  };
}
