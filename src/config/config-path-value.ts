import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** `~/…` is the home folder; a relative path is taken from `base`. */
export function resolveConfigPath(base: string, path: string, home: string): string {
  if (path === '~' || path.startsWith('~/')) return join(home, path.slice(1));
  return resolve(base, path);
}

/** A command as written, or made absolute when it is a relative path (`./scripts/hook.sh`), not a PATH name. */
export function resolveCommand(base: string, command: string, home: string): string {
  return command.includes('/') && !isAbsolute(command) ? resolveConfigPath(base, command, home) : command;
}

/**
 * A shell command line with its program made absolute when it is written as a relative path
 * (`./hooks/guard.sh --strict`), quoted for the shell when needed. The rest of the line is left as written:
 * its relative paths are taken from the working directory it runs in.
 */
export function resolveShellCommand(base: string, line: string, home: string): string {
  const match = /^(\.{1,2}\/\S*|~\/\S*)(.*)$/s.exec(line);
  if (!match) return line;
  const program = resolveConfigPath(base, match[1]!, home);
  const quoted = /^[\w@%+=:,./-]+$/.test(program) ? program : `'${program.replaceAll("'", `'\\''`)}'`;
  return `${quoted}${match[2]!}`;
}

/** Whether `path` is `root` or inside it, by path segments. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The canonical form of `path`: the realpath of its deepest existing ancestor, joined with the rest, so a
 * symlink anywhere on the way is followed before a containment check.
 */
export async function canonicalPath(path: string): Promise<string> {
  const rest: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    try {
      return join(await realpath(current), ...rest.reverse());
    } catch {
      if (dirname(current) === current) return path;
      rest.push(current.slice(dirname(current).length).replace(/^\/+/, ''));
    }
  }
}
