/**
 * What a shell glob in a command stands for: brace alternatives, then each glob segment matched against the
 * directory entries as bash matches them, following symlinks as the shell does. The policy judges every
 * path a glob reaches, so `cat e?t/passwd` cannot read through a workspace symlink `ext` that leads outside, and
 * a glob reaching a denied file is denied, not guessed.
 */
import picomatch from 'picomatch';
import type { NodeHelpers } from './paths.js';

/** Past this many paths a glob is judged as unknown (it asks) rather than walked further. */
const MAX_PATHS = 256;

const GLOB_CHARS = /[*?[]/;

/**
 * The alternatives of `text`'s brace expansions, or `undefined` for a sequence (`{1..9}`) or too many.
 *
 * @example
 * ```ts
 * expandBraces('a{b,c}d'); // ['abd', 'acd']
 * ```
 */
export function expandBraces(text: string): string[] | undefined {
  let depth = 0;
  let open = -1;
  const commas: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '{') {
      if (depth++ === 0) open = i;
    } else if (ch === ',' && depth === 1) commas.push(i);
    else if (ch === '}' && depth > 0 && --depth === 0) {
      const body = text.slice(open + 1, i);
      if (commas.length === 0) {
        if (body.includes('..')) return undefined;
        commas.length = 0;
        continue;
      }
      const parts: string[] = [];
      let from = open + 1;
      for (const comma of [...commas, i]) {
        parts.push(text.slice(from, comma));
        from = comma + 1;
      }
      const out: string[] = [];
      for (const part of parts) {
        const rest = expandBraces(`${text.slice(0, open)}${part}${text.slice(i + 1)}`);
        if (rest === undefined) return undefined;
        out.push(...rest);
        if (out.length > MAX_PATHS) return undefined;
      }
      return out;
    }
  }
  return [text];
}

/**
 * The paths an absolute glob (joined as a string) reaches now, unnormalised; `undefined` when it reaches
 * too many or uses what is not modelled. Unreadable directories reach nothing, as in bash. Brace
 * alternatives without a glob character are kept whether or not they exist (bash keeps them too).
 */
export async function expandGlob(absolute: string, node: NodeHelpers): Promise<string[] | undefined> {
  const alternatives = expandBraces(absolute);
  if (alternatives === undefined) return undefined;
  const out: string[] = [];
  for (const alternative of alternatives) {
    let current = ['/'];
    for (const segment of alternative.split('/')) {
      if (segment === '') continue;
      if (!GLOB_CHARS.test(segment)) {
        current = current.map((dir) => (dir === '/' ? `/${segment}` : `${dir}/${segment}`));
        continue;
      }
      // bash: a leading dot must be matched explicitly; `**` is `*` without globstar.
      const match = picomatch(segment.replaceAll('**', '*'), { dot: segment.startsWith('.') });
      const next: string[] = [];
      for (const dir of current) {
        const names = await node.readdir(dir);
        for (const name of names) if (match(name)) next.push(dir === '/' ? `/${name}` : `${dir}/${name}`);
        if (next.length > MAX_PATHS) return undefined;
      }
      current = next;
    }
    // Like bash, only what exists is a match (the pattern itself stays a candidate of its own).
    for (const path of current) if (!GLOB_CHARS.test(alternative) || (await exists(path, node))) out.push(path);
    if (out.length > MAX_PATHS) return undefined;
  }
  return out;
}

async function exists(path: string, node: NodeHelpers): Promise<boolean> {
  return node.lstat(path).then(
    () => true,
    () => false,
  );
}
