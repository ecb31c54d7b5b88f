/**
 * Hiding the host's runtime directories from a sandboxed command.
 *
 * @packageDocumentation
 */
import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { isWithin } from './resolve-path.js';

/**
 * Mounts that hide the host's runtime directories behind empty tmpfs, keeping DNS working when the network
 * is on. A read-only mount does not stop `connect()` on a Unix socket (verified): `/run` holds the Docker,
 * D-Bus, PostgreSQL and per-user sockets, any of which is a way out.
 */
export function runMasks(network: boolean): string[] {
  const args = ['--tmpfs', '/run'];
  try {
    if (!lstatSync('/var/run').isSymbolicLink()) args.push('--tmpfs', '/var/run');
  } catch {
    // No /var/run: nothing to hide.
  }
  if (network) {
    // /etc/resolv.conf often points into /run (systemd-resolved): bring that one directory back.
    try {
      const resolvConf = realpathSync('/etc/resolv.conf');
      if (isWithin('/run', resolvConf) || isWithin('/var/run', resolvConf)) {
        const dir = path.dirname(resolvConf);
        args.push('--ro-bind', dir, dir);
      }
    } catch {
      // No resolver configuration to keep.
    }
  }
  return args;
}
