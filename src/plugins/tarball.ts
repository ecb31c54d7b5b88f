/**
 * Extracting an npm package tarball (`npm pack` output: gzip'd ustar with pax headers) without a `tar`
 * program and without trusting it: only regular files and folders, each path checked to stay inside the
 * destination, within the plugin size limits.
 *
 * @packageDocumentation
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { ConfigError } from '../errors/config-error.js';
import { countFile, MAX_PLUGIN_BYTES, type CopyReport } from './copy-folder.js';

const gunzipAsync = promisify(gunzip);
const BLOCK = 512;

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

function octal(header: Buffer, start: number, length: number, file: string): number {
  const text = field(header, start, length).trim();
  if (!/^[0-7]*$/.test(text))
    throw new ConfigError(`${file}: not a tar archive this installer reads (a size or mode field is not octal).`);
  return text === '' ? 0 : parseInt(text, 8);
}

/** Values of a pax extended header (`<len> key=value\n` records). */
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = parseInt(data.subarray(at, space).toString('utf8'), 10);
    if (!(length > 0)) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

/** The archive path as a safe relative path, or a ConfigError. */
function safePath(name: string, file: string): string {
  const path = name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  const parts = path.split('/');
  if (path === '' || path.startsWith('/') || path.includes('\0') || path.includes('\\') || parts.includes('..')) {
    throw new ConfigError(`${file}: the archive holds a path outside its folder (${JSON.stringify(name)}).`);
  }
  return parts.filter((part) => part !== '.' && part !== '').join('/');
}

/**
 * Extracts the gzip'd tar `file` into `to`. Links, devices and other special entries are refused (an npm
 * package has none, and a link could lead a later entry out of `to`).
 *
 * @throws ConfigError for an archive that is not gzip'd tar, holds a path that leads out, a link, or is
 * past the size limits.
 */
export async function extractTarball(file: string, to: string): Promise<CopyReport> {
  let tar: Buffer;
  try {
    tar = await gunzipAsync(await readFile(file), { maxOutputLength: MAX_PLUGIN_BYTES + 64 * 1024 * 1024 });
  } catch (error) {
    throw new ConfigError(`${file}: not a gzip'd tarball, or too large (${(error as Error).message}).`, {
      cause: error,
    });
  }
  const report: CopyReport = { files: 0, bytes: 0, skipped: [] };
  await mkdir(to, { recursive: true });
  let nextName: string | undefined;
  for (let at = 0; at + BLOCK <= tar.length;) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = octal(header, 124, 12, file);
    const type = String.fromCharCode(header[156]!);
    const data = tar.subarray(at + BLOCK, at + BLOCK + size);
    if (data.length < size) throw new ConfigError(`${file}: the archive is truncated.`);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      nextName = paxRecords(data).get('path') ?? nextName;
      continue;
    }
    if (type === 'L') {
      nextName = field(data, 0, data.length);
      continue;
    }
    if (type === 'g') continue;
    const prefix = field(header, 345, 155);
    const name = nextName ?? (prefix !== '' ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    nextName = undefined;
    const path = safePath(name, file);
    if (type === '5') {
      if (path !== '') await mkdir(join(to, path), { recursive: true });
    } else if (type === '0' || type === '\0' || type === '7') {
      if (path === '') throw new ConfigError(`${file}: a file entry without a name.`);
      countFile(report, size, file);
      await mkdir(dirname(join(to, path)), { recursive: true });
      // Executable bits are kept (a command tool may be a script); nothing else of the mode.
      await writeFile(join(to, path), data, { mode: octal(header, 100, 8, file) & 0o755 });
    } else {
      throw new ConfigError(
        `${file}: the archive holds ${type === '1' || type === '2' ? 'a link' : `an entry of type "${type}"`} at ${path}; plugins hold only files and folders.`,
      );
    }
  }
  return report;
}

/**
 * The folder of an extracted package: its single top-level folder (`package/` for `npm pack`), else `to`.
 */
export async function packageRoot(to: string): Promise<string> {
  const entries = await readdir(to, { withFileTypes: true });
  return entries.length === 1 && entries[0]!.isDirectory() ? join(to, entries[0]!.name) : to;
}
