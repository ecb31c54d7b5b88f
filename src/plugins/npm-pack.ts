/**
 * Fetching an npm package as a tarball with `npm pack`: npm resolves the spec (registry, git, folder, file)
 * with the user's own npm configuration, and no lifecycle script runs.
 *
 * @packageDocumentation
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors/config-error.js';

/** How long `npm pack` may take (a slow registry), in ms. */
export const NPM_PACK_TIMEOUT_MS = 120_000;

/**
 * Runs `npm pack <spec> --ignore-scripts` into `dest` (no shell: the spec is one argument after `--`) and
 * returns the path of the tarball it wrote.
 *
 * @throws ConfigError when npm fails (unknown package, no network) or is not installed.
 */
export async function npmPack(spec: string, dest: string, npm = 'npm'): Promise<string> {
  if (spec.startsWith('-') || spec.includes('\0'))
    throw new ConfigError(`Not a package spec: ${JSON.stringify(spec)}.`);
  await new Promise<void>((resolve, reject) => {
    execFile(
      npm,
      ['pack', '--ignore-scripts', '--silent', '--pack-destination', dest, '--', spec],
      { timeout: NPM_PACK_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024, windowsHide: true },
      (error, _stdout, stderr) => {
        if (!error) return resolve();
        const detail = String(stderr).trim().split('\n').slice(-5).join('\n') || error.message;
        reject(new ConfigError(`npm pack ${spec} failed: ${detail}`, { cause: error }));
      },
    );
  });
  const tarballs = (await readdir(dest)).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new ConfigError(`npm pack ${spec} wrote no tarball.`);
  return join(dest, tarballs[0]!);
}
