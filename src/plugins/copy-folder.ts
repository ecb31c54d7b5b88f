/**
 * Copying a plugin folder into the plugin directory: regular files and folders only, within size limits.
 *
 * @packageDocumentation
 */
import { copyFile, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors/config-error.js';

/** A plugin bigger than this is refused: a plugin is code and a few assets, not a data set. */
export const MAX_PLUGIN_BYTES = 200 * 1024 * 1024;
/** A plugin with more files than this is refused. */
export const MAX_PLUGIN_FILES = 20_000;

/** What a copy or an extraction left out, for the install report. */
export interface CopyReport {
  files: number;
  bytes: number;
  /** Paths (relative) not copied: symbolic links and special files. */
  readonly skipped: string[];
}

/** Counts a file against the limits; throws once past them. */
export function countFile(report: CopyReport, size: number, source: string): void {
  report.files += 1;
  report.bytes += size;
  if (report.files > MAX_PLUGIN_FILES) throw new ConfigError(`${source}: more than ${MAX_PLUGIN_FILES} files.`);
  if (report.bytes > MAX_PLUGIN_BYTES) {
    throw new ConfigError(`${source}: larger than ${MAX_PLUGIN_BYTES / 1024 / 1024} MB.`);
  }
}

/**
 * Copies the folder `from` into `to` (created). Symbolic links are not copied (a link could lead out of
 * the plugin, and the copy must hold the plugin itself): they are listed in `skipped`, as are sockets and
 * other special files. `.git` is left out.
 *
 * @throws ConfigError past {@link MAX_PLUGIN_FILES} or {@link MAX_PLUGIN_BYTES}.
 */
export async function copyPluginFolder(from: string, to: string): Promise<CopyReport> {
  const report: CopyReport = { files: 0, bytes: 0, skipped: [] };
  const walk = async (relative: string): Promise<void> => {
    await mkdir(join(to, relative), { recursive: true });
    for (const entry of await readdir(join(from, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== '.git') await walk(path);
      } else if (entry.isFile()) {
        const stat = await lstat(join(from, path));
        countFile(report, stat.size, from);
        await copyFile(join(from, path), join(to, path));
      } else report.skipped.push(path);
    }
  };
  await walk('');
  return report;
}
